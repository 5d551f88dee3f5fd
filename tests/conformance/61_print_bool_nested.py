# Printing: bool tensors, 3-D/4-D nesting, dtype= and requires_grad= suffixes.
import torch
print(torch.tensor([True, False]))
print(torch.tensor([[True], [False]]))
print(torch.arange(24).reshape(2, 3, 4))
print(torch.arange(8.0).reshape(2, 2, 2))
print(torch.zeros(2, 1, 1, 2))
print(torch.arange(6).reshape(1, 2, 3) > 2)
print(torch.tensor([[[1.5]]], dtype=torch.float64))
print(torch.ones(2, 2, requires_grad=True))
print(torch.ones(2, 2, dtype=torch.float64, requires_grad=True))
print(torch.ones(2, dtype=torch.int32))
print(torch.tensor([[1, 2], [3, 4]], dtype=torch.float64) * 2)
print(torch.arange(12.0).reshape(2, 3, 2) / 4)
