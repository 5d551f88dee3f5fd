# Error: an in-place op on a leaf that requires grad.
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    x.add_(1)
print(x)
x.add_(1)
print("not reached")
