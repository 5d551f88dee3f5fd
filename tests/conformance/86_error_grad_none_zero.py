# Error: x.grad is None before the first backward, so x.grad.zero_() fails
# with Python's AttributeError on None.
import torch
x = torch.arange(3.0, requires_grad=True)
print(x.grad)
y = (x * x).sum()
print(y)
x.grad.zero_()
print("not reached")
