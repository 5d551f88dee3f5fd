"""In-place ops on an expanded tensor are refused as torch refuses them
(fill_ and zero_ are allowed: every write is the same value); .grad
stays writable; autograd.grad of a sum is an expanded tensor.
"""
import torch
x = torch.ones(2)
e = x.expand(3, 2)
for f in (lambda: e.add_(1), lambda: e.mul_(2), lambda: e.zero_(), lambda: e.fill_(3), lambda: e.copy_(torch.zeros(3, 2)), lambda: e.exp_(), lambda: e.clamp_(0, 1), lambda: e[0].add_(1)):
    try:
        f()
        print("ok", x)
    except RuntimeError as err:
        print("RuntimeError", err)
x = torch.ones(3, 2, requires_grad=True)
x.sum().backward()
print(x.grad.stride())
x.grad.mul_(0.5)
print(x.grad)
w = torch.nn.Parameter(torch.ones(4))
(w * 2).mean().backward()
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1)
opt.step(); opt.step()
print(w)
b = torch.zeros(3).expand(2, 3)
print(b.stride())
g, = torch.autograd.grad(x.sum(), x)
