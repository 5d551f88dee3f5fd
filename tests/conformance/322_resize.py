# Tensor.resize_: shrink, grow (only the old elements printed: torch leaves
# the new ones uninitialized), views, the requires-grad error.
import torch
a = torch.arange(6.0)
b = a.resize_(2, 2)
print(a, b is a)
c = torch.tensor([[1, 2], [3, 4]])
c.resize_(3, 2)
print(c.shape, c[:2])
d = torch.arange(4.0)
v = d[1:]
v.resize_(2)
print(v, d)
e = torch.zeros(2, 3)
e.resize_((6,))
print(e)
x = torch.ones(2, requires_grad=True)
try:
    x.resize_(3)
except RuntimeError as err:
    print(err)
print(torch.empty(0).resize_(0).shape)
t = torch.arange(6.0).reshape(2, 3).t()
print(t.resize_(6))
