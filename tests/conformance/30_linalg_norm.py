# Linear algebra: torch.linalg.norm: vectors (ord 2, 1), matrices ('fro'), dim=.
import torch
u = torch.tensor([3.0, -4.0])
print(torch.linalg.norm(u))
print(torch.linalg.norm(u, 1))
print(torch.linalg.norm(u, ord=1))
A = torch.arange(6.0).reshape(2, 3) - 2
print(A)
print(torch.linalg.norm(A))
print(torch.linalg.norm(A, 'fro'))
print(torch.linalg.norm(A, dim=1))
print(torch.linalg.norm(A, ord=1, dim=0))
print(torch.linalg.norm(A, dim=(0, 1)))
print(torch.linalg.norm(A, keepdim=True, dim=1))
print(torch.linalg.norm(torch.tensor([1.0, 1.0], dtype=torch.float64)))
