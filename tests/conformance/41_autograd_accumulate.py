# Autograd: leaf .grad accumulates across backward calls until zero_().
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x * x).sum()
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
(x * 3).sum().backward()
print(x.grad)
x.grad.zero_()
print(x.grad)
(x ** 3).sum().backward()
print(x.grad)
w = torch.tensor(2.0, requires_grad=True)
for i in range(3):
    (w * w).backward()
print(w.grad)
g = x.grad
(x * 2).sum().backward()
print(g)
