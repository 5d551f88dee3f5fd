# Error: item() on a tensor with more than one element.
import torch
x = torch.tensor([1.5, 2.5])
print(x[0].item())
print(x.sum().item())
print(torch.tensor([[3]]).item())
v = x.item()
print("not reached")
