# Error: torch.cat of an empty list.
import torch
a = torch.ones(2)
print(torch.cat([a]))
print(torch.cat([a, a], 0).shape)
parts = []
c = torch.cat(parts)
print("not reached")
