# Error: linalg.eigvals of a non-square matrix names linalg.eigvals.
import torch
A = torch.tensor([[2.0, 1.0], [0.0, 3.0]])
print(torch.linalg.eigvals(A))
M = torch.ones(2, 3)
print(M.shape)
w = torch.linalg.eigvals(M)
print("not reached")
