# Error: an integer tensor cannot require grad.
import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
print(a)
c = torch.tensor([1, 2])
print(c.requires_grad, c.dtype)
# the error is raised by the factory itself
b = torch.tensor([1, 2], requires_grad=True)
print("not reached")
