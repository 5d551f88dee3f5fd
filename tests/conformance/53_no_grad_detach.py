# Autograd: torch.no_grad() blocks and detach() (shares storage, no grad).
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    y = x * 2
    print(y, y.requires_grad)
print(y.is_leaf)
z = x * 2
print(z.requires_grad)
d = z.detach()
print(d, d.requires_grad, d.is_leaf)
d[0] = 10
print(z)
with torch.no_grad():
    x.mul_(2)
print(x)
w = x.detach()
w.zero_()
print(x)
with torch.no_grad():
    x += 1
print(x, x.requires_grad)
(x * x).sum().backward()
print(x.grad)
with torch.no_grad():
    s = (x * x).sum()
    t = s + 1
print(t, t.requires_grad)
