# Shape: clone copies (no shared storage), numel, len, on leaves and grads.
import torch
a = torch.arange(6).reshape(2, 3)
b = a.clone()
b[0, 0] = 99
print(a)
print(b)
print(a.numel(), torch.numel(a))
print(len(a), len(a[0]))
print(len(torch.zeros(5, 2)))
print(torch.tensor(3.0).numel())
print(torch.zeros(0, 4).numel())
c = torch.tensor([1.0, 2.0], requires_grad=True)
d = c.clone()
print(d)
print(d.is_leaf, d.requires_grad)
print(torch.clone(a).shape)
d.sum().backward()
print(c.grad)
