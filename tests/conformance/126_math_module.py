# The math module mixed with tensors.
import math

import torch

angles = torch.tensor([0.0, math.pi / 6, math.pi / 4, math.pi / 2])
print(torch.sin(angles))
print([round(math.sin(a), 6) for a in angles.tolist()])
r = torch.tensor(2.0)
print(f"area {math.pi * r.item() ** 2:.4f}", (math.pi * r ** 2).item())
print(math.sqrt(torch.tensor(16.0).item()), torch.sqrt(torch.tensor(16.0)))
print(math.isclose(torch.exp(torch.tensor(1.0)).item(), math.e, rel_tol=1e-6))
print(math.floor(torch.tensor(2.7).item()), math.log(torch.tensor(8.0).item(), 2))
