# Error: in-place true division of an integer tensor cannot store a float result.
import torch
i = torch.tensor([2, 4, 6])
i.mul_(2)
print(i, i / 2)
print(i.dtype)
i.div_(2)
print("not reached")
