# Statistics people compute: quantile/nanquantile (all interpolations, q tensors, keepdim,
# gradients to x and q), mode, and PyTorch's errors.
import torch
x = torch.tensor([[1., 5, 2, 8], [3, 3, 9, 0]], requires_grad=True)
print(torch.quantile(x, 0.3), torch.quantile(x, torch.tensor([0.25, 0.5]), dim=1, keepdim=True), torch.quantile(x, 0.5, dim=0, interpolation='nearest'), torch.nanquantile(torch.tensor([1., float('nan'), 3.]), 0.5))
print(torch.quantile(torch.tensor([1., float('nan'), 3.]), 0.5), torch.quantile(x, 0.5, interpolation='midpoint'), torch.quantile(x, 0.4, interpolation='lower'), torch.quantile(x, 0.4, interpolation='higher'), x.quantile(torch.tensor([0.1, 0.9])), torch.quantile(x, 0.75, keepdim=True))
torch.quantile(x, torch.tensor([0.2, 0.7]), dim=1).sum().backward()
print(x.grad)
print(torch.mode(torch.tensor([[1, 2, 2, 3, 3], [4, 4, 1, 1, 0]]), 1), torch.tensor([5., 1., 5.]).mode())
m = torch.tensor([[1., 2., 2.], [3., 1., 1.]], requires_grad=True)
m.mode(1).values.sum().backward()
print(m.grad)
torch.manual_seed(0)
d = torch.randn(100, dtype=torch.float64)
print(torch.quantile(d, torch.tensor([0.1, 0.5, 0.99], dtype=torch.float64)))
for f in [lambda: torch.quantile(torch.tensor([1, 2]), 0.5), lambda: torch.quantile(x, 1.5), lambda: torch.quantile(x, 0.5, interpolation='cubic'), lambda: torch.quantile(x, torch.tensor([0.5], dtype=torch.float64))]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
