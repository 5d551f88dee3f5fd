# lambda, map, filter and sorted with key functions over tensors.
import torch

fs = [lambda t: t + 1, lambda t: t * t, lambda t: torch.exp(-t)]
x = torch.tensor([0.0, 0.5, 1.0])
for f in fs:
    print(f(x))
doubled = list(map(lambda t: t * 2, [x, x + 1]))
print(doubled)
big = list(filter(lambda t: t.sum() > 2, [x, x + 1, x - 1]))
print(len(big), big[0])
ts = [torch.tensor([3.0, 1.0]), torch.tensor([0.5]), torch.tensor([2.0, 2.0, 2.0])]
print(sorted(ts, key=lambda t: t.sum().item()))
print(max(ts, key=lambda t: t.numel()))
compose = lambda f, g: lambda t: f(g(t))  # noqa: E731
h = compose(torch.sqrt, lambda t: t + 3)
print(h(torch.tensor([1.0, 6.0])))
