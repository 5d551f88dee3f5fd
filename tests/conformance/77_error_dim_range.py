# Error: reducing over a dim that is out of range.
import torch
A = torch.ones(2, 3)
print(A.sum(1), A.sum(-2))
print(A.sum(dim=(0, 1)))
print(A.shape, A.dim())
s = A.sum(2)
print("not reached")
