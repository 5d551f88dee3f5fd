# An op that fails before a try block raises there, uncaught, even though
# the try block is the first place that needs a value.
import torch

a = torch.ones(2, 3)
w = torch.zeros(3, requires_grad=True)
c = a @ a
try:
    print(c.sum().item())
except RuntimeError:
    print("caught (PyTorch never gets here)")
