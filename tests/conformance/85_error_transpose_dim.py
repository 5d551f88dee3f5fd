# Error: transpose with a dim out of range for a 2-D tensor.
import torch
A = torch.arange(6).reshape(2, 3)
print(A.transpose(0, -1))
print(A.transpose(-2, 1).shape)
print(A.ndim)
B = A.transpose(0, 2)
print("not reached")
