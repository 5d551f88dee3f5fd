# Gradients accumulate across backward calls until zeroed; retain_graph.
import torch

x = torch.arange(4.0, requires_grad=True)
y = (x * x).sum()
y.backward(retain_graph=True)
print(x.grad)
y.backward()
print(x.grad)
x.grad.zero_()
z = (x ** 3).mean()
z.backward()
print(x.grad)
x.grad = None
print(x.grad)
(2 * x).sum().backward()
print(x.grad)
