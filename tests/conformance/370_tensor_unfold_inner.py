# Tensor.unfold (sliding windows as a view: shapes, strides, overlapping
# gradients, errors) and torch.inner of 1-d float vectors through the same
# BLAS call as torch (tensordot's contiguous [k, 1] column).
import torch
torch.manual_seed(19)
a = torch.randn(2, 3, 4)
print(a.unfold(2, 2, 1).shape, a.unfold(2, 2, 1)[0, 0])
x = torch.arange(10.)
print(x.unfold(0, 3, 2), x.unfold(0, 4, 3).stride(), x.unfold(0, 10, 1))
w = torch.randn(8, requires_grad=True)
win = w.unfold(0, 3, 2)
(win.sum(1) ** 2).sum().backward()
print(win.shape, w.grad)
print(torch.tensor(5.).unfold(0, 1, 1))
ts = torch.arange(12.).view(3, 4)
print(ts.unfold(1, 2, 2), ts.unfold(0, 2, 1).mean(-1))
try:
    x.unfold(0, 11, 1)
except RuntimeError as e:
    print(e)
try:
    x.unfold(0, 2, 0)
except RuntimeError as e:
    print(e)
for n in (3, 33, 100, 257):
    u = torch.randn(n)
    v = torch.randn(n)
    print(n, torch.inner(u, v).item(), torch.inner(u.double(), v.double()).item())
