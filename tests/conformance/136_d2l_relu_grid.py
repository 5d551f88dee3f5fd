# D2L 5.1's ReLU gradient on arange(-8., 8., .1): torch's arange values bit for bit
# (x[80] is 4.4409e-16), so the gradient sums to 80.
import torch
x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
y = torch.relu(x)
y.backward(torch.ones_like(x), retain_graph=True)
print(x.grad.sum(), x[80])
print(torch.arange(0, 1, 0.05)[7:12].tolist())
