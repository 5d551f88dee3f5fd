# Error: mv with a vector of the wrong length.
import torch
A = torch.ones(2, 3)
print(torch.mv(A, torch.ones(3)))
print(torch.mv(A.T, torch.ones(2)))
print(A.shape)
y = torch.mv(A, torch.ones(2))
print("not reached")
