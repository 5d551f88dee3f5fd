# In place: requires_grad_ on leaves toggles grad tracking; results inherit it.
import torch
x = torch.arange(4.0)
print(x.requires_grad)
x.requires_grad_(True)
print(x.requires_grad, x.is_leaf)
print(x)
y = torch.ones(2).requires_grad_()
print(y)
z = x * 2
print(z.requires_grad, z.is_leaf)
x.requires_grad_(False)
print(x, x.requires_grad)
w = torch.tensor([1.0, 2.0], requires_grad=True)
print(w.requires_grad_(False))
q = torch.zeros(2, dtype=torch.float64).requires_grad_(True)
print(q)
print((q + 1).requires_grad, (torch.ones(2) + 1).requires_grad)
