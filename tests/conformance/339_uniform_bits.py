"""uniform_ as torch draws it: x * (to - from) + from fused, float32 and
float64, and nn.Linear's default initialization.
"""
import torch
torch.manual_seed(0)
a = torch.empty(1000).uniform_(-3, 3)
print(a[:4].tolist(), a.sum().item())
b = torch.empty(100).uniform_(0.5, 2.0)
print(b[:4].tolist())
c = torch.empty(50, dtype=torch.float64).uniform_(-3, 3)
print(c[:3].tolist())
lin = torch.nn.Linear(20, 30)
print(lin.weight[0, :5].tolist(), lin.bias[:3].tolist())
