# Autograd through Python control flow (D2L 2.5.4).
import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


a = torch.tensor(0.25, requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a, a.grad)
v = torch.tensor([0.3, -0.2], requires_grad=True)
out = f(v).sum()
out.backward()
print(v.grad)
