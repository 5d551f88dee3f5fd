# Linear algebra: outer products of float and integer vectors.
import torch
a = torch.tensor([1.0, 2.0, 3.0])
b = torch.tensor([1.0, -1.0])
print(torch.outer(a, b))
print(a.outer(b))
print(torch.outer(torch.arange(3), torch.arange(4)))
print(torch.outer(b, a).shape)
print(torch.outer(a, a).sum())
print(torch.outer(torch.tensor([2.0]), torch.tensor([3.0])))
