# Error: cat of tensors whose non-cat dims differ.
import torch
a = torch.ones(2, 3)
b = torch.zeros(2, 4)
print(torch.cat([a, b], dim=1).shape)
print(torch.cat([a, a]).shape)
c = torch.cat([a, b])
print("not reached")
