# scatter_reduce / scatter_reduce_ (sum, prod, mean, amax, amin; with and
# without self): values, NaN, integer floor mean, torch's errors, the
# gradients of both inputs and a second derivative through mean.
import torch
x = torch.tensor([1., 2., 3., 4.]); i = torch.tensor([0, 1, 0, 1]); s = torch.tensor([5., -1., float('nan'), 7.])
for r in ["sum", "prod", "mean", "amax", "amin"]:
    for inc in (True, False):
        print(r, inc, torch.zeros(3).scatter_reduce(0, i, s, r, include_self=inc), x[:3].scatter_reduce(0, torch.tensor([0, 0, 2, 2]), torch.tensor([2., 3., 4., 5.]), r, include_self=inc))
print(torch.tensor([1, 2, 3]).scatter_reduce(0, torch.tensor([0, 0]), torch.tensor([4, 5]), "mean"))
print(torch.tensor([1, 2, 3]).scatter_reduce(0, torch.tensor([0, 0]), torch.tensor([4, 5]), "mean", include_self=False))
print(torch.tensor([1, 2, 3]).scatter_reduce(0, torch.tensor([0, 0]), torch.tensor([4, 5]), "amax", include_self=False))
for bad in [lambda: x.scatter_reduce(0, i, s, "max"), lambda: x.scatter_reduce(0, i.int(), s, "sum"), lambda: x.scatter_reduce(0, i, s.double(), "sum"),
            lambda: torch.ones(2, dtype=torch.cfloat).scatter_reduce(0, torch.tensor([0]), torch.ones(1, dtype=torch.cfloat), "amax"),
            lambda: torch.ones(2, dtype=torch.bool).scatter_reduce(0, torch.tensor([0]), torch.ones(1, dtype=torch.bool), "sum"),
            lambda: x.scatter_reduce(0, torch.tensor([5]), s[:1], "sum")]:
    try:
        print(bad())
    except Exception as e:
        print(type(e).__name__, e)
a = torch.tensor([1., 2., 0., 4.], requires_grad=True); b = torch.tensor([0., 3., 2., 0., 1.], requires_grad=True)
for r in ["sum", "prod", "mean", "amax", "amin"]:
    for inc in (True, False):
        y = a.scatter_reduce(0, torch.tensor([0, 0, 1, 3, 3]), b, r, include_self=inc)
        ga, gb = torch.autograd.grad(y, [a, b], torch.tensor([1., 2., 3., 4.]))
        print(r, inc, y.grad_fn.name(), y.detach(), ga, gb)
y = torch.zeros(2).scatter_reduce_(0, torch.tensor([1]), torch.ones(1), "sum"); print(y)
m = torch.randn(3, 5, generator=torch.Generator().manual_seed(0))
idx = torch.tensor([[0, 1, 0, 2, 1], [2, 2, 1, 0, 0]])
src = torch.randn(2, 5, generator=torch.Generator().manual_seed(1))
for r in ["sum", "prod", "mean", "amax", "amin"]:
    print(r, m.scatter_reduce(0, idx, src, r), m.t().scatter_reduce(1, idx.t(), src.t(), r, include_self=False))
w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
out = torch.zeros(2).scatter_reduce(0, torch.tensor([0, 1, 0]), w * w, "mean")
g, = torch.autograd.grad(out.sum(), w, create_graph=True)
print(g, torch.autograd.grad(g.sum(), w))
