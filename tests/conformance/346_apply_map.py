"""Tensor.apply_ and Tensor.map_: a Python callable per element, the
result cast to the tensor's dtype as torch casts it.
"""
import torch
x = torch.arange(6.).view(2, 3)
print(x.apply_(lambda v: v * v + 1), x)
y = torch.tensor([1, 2, 3])
print(y.apply_(lambda v: v * 3 - 1), y.dtype)
z = torch.zeros(2, 3)
print(z.map_(torch.tensor([1., 2., 3.]), lambda a, b: a + 2 * b))
t = torch.ones(3)
t.apply_(lambda v: v / 2)
print(t, t.dtype)
i = torch.tensor([5, 7])
print(i.apply_(lambda v: v / 2))
