# Error: adding tensors whose shapes do not broadcast names both sizes and the dim.
import torch
a = torch.ones(2, 3)
b = torch.ones(4)
print(a.shape, b.shape)
print(a + torch.ones(3))
c = a + b
print("not reached", c)
