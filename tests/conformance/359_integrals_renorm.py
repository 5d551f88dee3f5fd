# Python-level pieces real scripts use: renorm (method and function),
# gumbel_softmax (its noise drawn by exponential_ as torch draws it),
# trapz/trapezoid and cumulative_trapezoid (spacing or sample points),
# and vander.
import torch
torch.manual_seed(6)
y = torch.arange(12.).view(3, 4)
print(y.renorm(2, 0, 5), torch.renorm(y, 1, 1, 6.0))
print(torch.nn.functional.gumbel_softmax(torch.zeros(2, 3), tau=1.0, hard=True))
print(torch.nn.functional.gumbel_softmax(torch.randn(2, 4), tau=0.5))
print(torch.trapz(torch.tensor([1.0, 2.0, 3.0])), torch.trapezoid(torch.tensor([1.0, 4.0, 9.0]), dx=0.5))
print(torch.trapezoid(torch.tensor([[1.0, 2.0], [3.0, 5.0]]), torch.tensor([0.0, 2.0]), dim=1))
print(torch.trapezoid(y, dim=0), torch.cumulative_trapezoid(torch.tensor([1.0, 2.0, 3.0, 5.0])))
print(torch.cumulative_trapezoid(y, torch.tensor([0.0, 1.0, 3.0, 6.0])))
print(torch.vander(torch.tensor([1, 2, 3])), torch.vander(torch.tensor([1.5, -2.0]), N=4, increasing=True))
x = torch.linspace(0, 1, 101)
print(torch.trapz(x ** 2, x))
