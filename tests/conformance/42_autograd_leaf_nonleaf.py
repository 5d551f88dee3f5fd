# Autograd: is_leaf, requires_grad, non-leaf .grad is None unless retain_grad().
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = y.sum()
print(x.is_leaf, y.is_leaf, z.is_leaf)
print(x.requires_grad, y.requires_grad, z.requires_grad)
y.retain_grad()
z.backward()
print(x.grad)
print(y.grad)
a = torch.ones(2)
print(a.is_leaf, a.requires_grad, a.grad)
b = a * 2
print(b.is_leaf, b.requires_grad)
c = torch.zeros(2, requires_grad=True)
d = c.detach()
print(d.is_leaf, d.requires_grad)
print(y)
print(z)
e = x + a
f = e * e
e.retain_grad()
f.sum().backward()
print(e.grad, x.grad)
