# torch.nn.functional pooling as CNNs use it: max_pool2d (stride, padding,
# dilation, ceil_mode, return_indices), avg_pool2d (count_include_pad,
# divisor_override), the 1-d forms, adaptive average and max pooling,
# their gradients and errors. (Integer-valued data: exact results.)
import torch
import torch.nn.functional as F

x = ((torch.arange(2 * 2 * 5 * 6, dtype=torch.float32) * 7) % 11 - 5).reshape(2, 2, 5, 6)
x.requires_grad_(True)
y = F.max_pool2d(x, 2)
print(y, y.grad_fn.name())
y.sum().backward()
print(x.grad[0])
x.grad = None
v, i = F.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
print(v[1], i[1])
print(F.max_pool2d(x, (2, 3), ceil_mode=True).shape,
      F.max_pool2d(x, 2, dilation=2).shape, torch.max_pool2d(x, 2, 1).shape)

a = F.avg_pool2d(x, 2)
print(a[0, 0], a.grad_fn.name())
for kw in ({"padding": 1}, {"padding": 1, "count_include_pad": False},
           {"ceil_mode": True}, {"divisor_override": 3}):
    print(kw, F.avg_pool2d(x, 3, 2, **kw)[1, 1])
F.avg_pool2d(x, 3, 2, padding=1, count_include_pad=False).sum().backward()
print(x.grad[1, 1])
x.grad = None

s = (torch.arange(2 * 3 * 8, dtype=torch.float32) % 5).reshape(2, 3, 8)
print(F.max_pool1d(s, 3), F.max_pool1d(s[0], 2, return_indices=True))
print(F.avg_pool1d(s, 4, 2, padding=1), torch.avg_pool1d(s, 2).shape)

print(F.adaptive_avg_pool2d(x, (2, 3))[0])
print(F.adaptive_avg_pool2d(x, 1).squeeze(), F.adaptive_avg_pool2d(x, (None, 2)).shape)
m, mi = F.adaptive_max_pool2d(x, 2, return_indices=True)
print(m[1], mi[1])
(F.adaptive_max_pool2d(x, (3, 4)) * 2).sum().backward()
print(x.grad[0, 1])

for bad in (lambda: F.max_pool2d(x, 7),
            lambda: F.max_pool2d(x, 2, padding=2),
            lambda: F.max_pool2d(x[0, 0], 2),
            lambda: F.avg_pool2d(x, 2, divisor_override=0),
            lambda: F.max_pool1d(x, 2),
            lambda: F.adaptive_avg_pool2d(x, [1, 2, 3])):
    try:
        bad()
    except RuntimeError as e:
        print("RuntimeError:", e)
