# Printing: more than 1000 elements are summarised with '...' (3 edge items).
import torch
print(torch.arange(2000))
print(torch.arange(1001.0))
print(torch.arange(1000))
print(torch.ones(40, 40))
print(torch.arange(3000).reshape(3, 1000))
print(torch.arange(2000, dtype=torch.float64) / 3)
print(torch.arange(4000).reshape(10, 20, 20))
print(torch.arange(1500.0) > 700)
print(torch.zeros(1001, requires_grad=True))
