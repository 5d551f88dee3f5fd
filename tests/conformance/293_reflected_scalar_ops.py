# Python scalar on the left of a tensor operator: 1 / x is
# x.reciprocal() * 1 in PyTorch (rounding and grad_fn).
import torch
x = torch.tensor([1., 2., 3.], requires_grad=True)
print(1 - x, 2 ** x, 7 // x, 1 / x, True / x)
print(1 / torch.tensor([True, False]), 1 / torch.arange(3), 2.5 / torch.tensor(4))
y = (1 / (1 + torch.exp(-x))).sum()
y.backward()
print(y, x.grad)
