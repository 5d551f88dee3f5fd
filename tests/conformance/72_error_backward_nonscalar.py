# Error: backward() on a non-scalar output without a gradient argument.
import torch
x = torch.arange(4.0, requires_grad=True)
y = x * x
print(y)
y.sum().backward()
print(x.grad)
y.backward()
print("not reached")
