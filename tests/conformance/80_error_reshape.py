# Error: reshape to a size that does not match the number of elements.
import torch
x = torch.arange(6)
print(x.reshape(3, 2))
print(x.reshape(-1, 3).shape)
print(x.numel())
y = x.reshape(4, 2)
print("not reached")
