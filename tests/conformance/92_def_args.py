# Functions with default, variadic and keyword arguments returning tensors.
import torch


def scale(x, factor=2.0, *, bias=0.0):
    return x * factor + bias


def combine(*tensors, weights=None, **options):
    weights = weights or [1.0] * len(tensors)
    out = sum(w * t for w, t in zip(weights, tensors))
    if options.get("normalize"):
        out = out / out.sum()
    return out


x = torch.arange(1.0, 5.0)
print(scale(x))
print(scale(x, 0.5, bias=1))
print(combine(x, x * 2))
print(combine(x, torch.ones(4), weights=[0.5, 3.0], normalize=True))
kwargs = {"factor": -1.0, "bias": 10.0}
print(scale(x, **kwargs))
args = (x, x[1:].sum() * torch.ones(4))
print(combine(*args))


def describe(t, name="t"):
    return f"{name}: shape {tuple(t.shape)}, sum {t.sum().item()}"


print(describe(x))
print(describe(x.reshape(2, 2), name="M"))
