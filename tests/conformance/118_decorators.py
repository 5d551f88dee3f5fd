# Decorators around tensor functions, including torch.no_grad().
import functools

import torch


def counted(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        wrapper.calls += 1
        return fn(*args, **kwargs)
    wrapper.calls = 0
    return wrapper


@counted
def affine(x, w=2.0, b=1.0):
    return w * x + b


@torch.no_grad()
def evaluate(x, w):
    return (x * w).sum()


w = torch.tensor([1.0, 2.0], requires_grad=True)
print(affine(w), affine(torch.ones(2)), affine.calls, affine.__name__)
out = evaluate(torch.ones(2), w)
print(out, out.requires_grad)
with torch.no_grad():
    print(torch.is_grad_enabled())
print(torch.is_grad_enabled())
