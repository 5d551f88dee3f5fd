# Tensor.register_hook: observing hooks on leaves and intermediates, a
# hook that changes a leaf's gradient, hooks under autograd.grad.
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
seen = []
h = x.register_hook(lambda g: seen.append(g.clone()))
y = (x * x).sum()
y.backward()
print(seen[0], x.grad)
h.remove()
x.grad = None


def fwd(v):
    hidden = v * 2
    hidden.register_hook(lambda g: print("hidden grad", g))
    out = hidden.sin()
    out.register_hook(lambda g: print("out grad", g))
    return out.sum()


fwd(x).backward()
print(x.grad)
x.grad.zero_()
x.register_hook(lambda g: g * 10)
x.register_hook(lambda g: print("after scale", g))
(x ** 2).sum().backward()
print(x.grad)
w = torch.tensor([0.5, -1.0], requires_grad=True)
w.register_hook(lambda g: g.clamp(-1, 1))
for _ in range(2):
    (w * torch.tensor([3.0, 0.2])).sum().backward()
print(w.grad)
z = torch.tensor([2.0], requires_grad=True)
m = z * 3
m.register_hook(print)
print(torch.autograd.grad(m.sum() * 2, z))
try:
    torch.ones(2).register_hook(print)
except RuntimeError as e:
    print("error:", e)
