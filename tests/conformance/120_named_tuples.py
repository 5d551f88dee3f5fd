# Unpacking ops that return several tensors (named tuples).
import torch

x = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
values, indices = x.max(dim=1)
print(values, indices)
r = torch.min(x, dim=0)
print(r.values, r.indices, r[0].tolist())
print(torch.max(x, 1, keepdim=True))
evals, evecs = torch.linalg.eigh(torch.tensor([[2.0, 1.0], [1.0, 2.0]]))
print(evals)
res = torch.linalg.eigh(torch.eye(2) * 3)
print(res.eigenvalues, type(res).__name__)
print(len(res), isinstance(res, tuple))
