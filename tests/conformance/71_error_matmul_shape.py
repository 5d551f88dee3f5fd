# Error: matmul of (2x3) and (2x3) matrices.
import torch
A = torch.ones(2, 3)
B = torch.ones(3, 2)
print(A @ B)
print((A @ torch.ones(3)).shape)
print(A.T @ A)
C = A @ A
print("not reached", C)
