# out= on ops: the result is written into out (resized to the result's
# shape, with torch's UserWarning when out had elements; cast to out's dtype
# where torch casts, torch's error where it does not) and out is returned;
# out= with a tensor that requires grad is an error while grad is enabled.
import warnings

import torch


def show(f):
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = f()
        for m in w:
            print(m.category.__name__, m.message)
        print(type(r).__name__, r)
    except Exception as e:  # noqa: BLE001
        print(type(e).__name__, e)


a = torch.arange(6.0).reshape(2, 3)
b = torch.ones(3, 2)
o = torch.empty(0)
r = torch.matmul(a, b, out=o)
print(r is o, o, o.shape)
o = torch.zeros(5)
show(lambda: torch.matmul(a, b, out=o))
print(o, o.shape)
o = torch.zeros(2, 2)
print(torch.mm(a, b, out=o) is o, o)
show(lambda: torch.matmul(a, b, out=torch.zeros(2, 2, dtype=torch.int64)))
show(lambda: torch.matmul(a, b, out=torch.zeros(2, 2, dtype=torch.float64)))
o = torch.zeros(2, 3)
print(torch.add(a, 1, out=o) is o, o)
show(lambda: torch.add(a, a, alpha=2, out=torch.zeros(2, 3)))
show(lambda: torch.add(a, 1, out=torch.zeros(2, 3, dtype=torch.float64)))
show(lambda: torch.add(a.long(), 1, out=torch.zeros(2, 3)))
show(lambda: torch.add(a, 1, out=torch.zeros(2, 3, dtype=torch.int64)))
show(lambda: torch.add(a, 1, out=torch.zeros(2, 3, dtype=torch.bool)))
show(lambda: torch.eq(a, 1, out=torch.zeros(2, 3, dtype=torch.float64)))
show(lambda: torch.cat([a, a], out=torch.zeros(4, 3, dtype=torch.float64)))
show(lambda: torch.cat([a, a], 1, out=torch.empty(0)))
show(lambda: torch.cat([a, a], out=torch.zeros(2, dtype=torch.int64)))
show(lambda: torch.sum(a, 1, out=torch.zeros(2)))
show(lambda: torch.sum(a, 1, out=torch.zeros(2, dtype=torch.int64)))
show(lambda: torch.sum(a, 1, out=torch.zeros(2, dtype=torch.float64)))
show(lambda: torch.sum(a, 0, keepdim=True, out=torch.zeros(3)))
show(lambda: torch.exp(a / 4, out=torch.zeros(2, 3, dtype=torch.float64)))
show(lambda: torch.exp(a.long() // 4,
                       out=torch.zeros(2, 3, dtype=torch.float64)))
show(lambda: torch.exp(a / 4, out=torch.zeros(2, 3, dtype=torch.int64)))
show(lambda: torch.exp(a / 4, out=torch.zeros(2, 3, requires_grad=True)))
show(lambda: torch.exp(a.clone().requires_grad_(), out=torch.zeros(2, 3)))
with torch.no_grad():
    show(lambda: torch.exp(a / 4, out=torch.zeros(2, 3, requires_grad=True)))
show(lambda: torch.zeros(2, 3, out=torch.ones(6)))
show(lambda: torch.arange(4, out=torch.zeros(4)))
show(lambda: torch.full((2,), 7, out=torch.zeros(2, dtype=torch.int64)))
torch.manual_seed(0)
t = torch.empty(2, 3, dtype=torch.float64)
r = torch.randn(2, 3, out=t)
print(r is t, t)
torch.manual_seed(0)
print(torch.randn(2, 3, dtype=torch.float64))
o = torch.exp(a / 4, out=None)
print(o)
show(lambda: torch.exp(a / 4, out=[1]))
v, i = torch.zeros(2), torch.zeros(2, dtype=torch.int64)
show(lambda: torch.max(a, 1, out=(v, i)))
print(v, i)
sv, si = torch.zeros(2, 3), torch.zeros(0).long()
show(lambda: torch.sort(a, 1, descending=True, out=(sv, si)))
