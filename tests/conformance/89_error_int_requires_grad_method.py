# Error: requires_grad_() on an integer tensor (message differs from the
# factory's: "only Tensors of floating point dtype can require gradients").
import torch
f = torch.tensor([1.0, 2.0]).requires_grad_()
print(f)
i = torch.tensor([1, 2])
print(i.dtype)
i.requires_grad_()
print("not reached")
