# grad_fn and flags read right after an in-place op on a view of a tensor
# whose history changes (the base's grad_fn becomes CopySlices).
import torch

x = torch.arange(12.0).reshape(3, 4)
w = torch.tensor([1.0, -2.0, 0.5, 3.0], requires_grad=True)
y = x * w
v = y[0]
v.mul_(2)
print(type(y.grad_fn).__name__, type(v.grad_fn).__name__, y.is_leaf)
y.sum().backward()
print(w.grad)
with torch.inference_mode():
    z = w * 2
print(z.requires_grad, torch.is_inference_mode_enabled())
with torch.set_grad_enabled(False):
    print((w * 2).requires_grad)
a = torch.zeros(4)
b = a[:2]
b.requires_grad_()
print(b.requires_grad, a.requires_grad, b.is_leaf)
base = torch.ones(3, requires_grad=True).clone()
view = base[1:]
view.exp_()
print(type(base.grad_fn).__name__, base.requires_grad)
base.sum().backward()
print(torch.autograd.grad(torch.ones(2, requires_grad=True).sum(),
                          torch.ones(1, requires_grad=True), allow_unused=True))
