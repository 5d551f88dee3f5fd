# numpy-style and torch-level second names: arccos & co. (and their
# in-place forms), greater/less/not_equal, concatenate, cumsum_, range,
# rsub, scalar_tensor, retains_grad; torch.prelu/threshold/hardshrink/
# pixel_shuffle/channel_shuffle and nn.ChannelShuffle.
import torch
x = torch.tensor([0.2, -0.5, 0.9], requires_grad=True)
y = torch.arccos(x) + x.arcsin() + torch.arctan(x) + x.arcsinh()
y.sum().backward()
print(x.grad)
z = torch.tensor([1.5, 2.0])
print(torch.arccosh(z), torch.arctanh(torch.tensor([0.3])))
a = torch.tensor([1, 2, 3]); b = torch.tensor([2, 2, 2])
print(torch.greater(a, b), a.greater_equal(b), torch.less(a, b), a.less_equal(b), torch.not_equal(a, b))
c = a.clone(); c.not_equal_(b); print(c)
print(torch.concatenate([a, b]), torch.concatenate((a.view(1, 3), b.view(1, 3)), 1))
w = torch.tensor([0.1, 0.2]); w.arccos_(); print(w)
m = torch.tensor([[1., 2.], [3., 4.]]); m.cumsum_(0); print(m); m.cumprod_(1); print(m)
m.multiply_(2); print(m); m.divide_(4); print(m)
print(torch.range(1, 4), torch.range(0, 1, 0.1), torch.range(1, 4, dtype=torch.int64), torch.range(0, 0.95, 0.1))
print(torch.rsub(torch.ones(2), 3, alpha=2), torch.scalar_tensor(3), torch.scalar_tensor(3, dtype=torch.int64))
h = torch.ones(2, requires_grad=True) * 2
print(h.retains_grad); h.retain_grad(); print(h.retains_grad, x.retains_grad, x.is_cpu, x.is_inference(), torch.is_inference(x), x.is_neg(), torch.resolve_neg(x) is x)
print(y, y.grad_fn.name())
import torch.nn as nn
import torch.nn.functional as F
x = torch.arange(16.).reshape(1, 8, 1, 2)
print(nn.ChannelShuffle(2)(x).flatten().tolist()); print(nn.ChannelShuffle(2)); print(torch.channel_shuffle(x, 4).flatten().tolist())
print(F.channel_shuffle(x, 2).shape)
try:
    F.channel_shuffle(x, 3)
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    F.channel_shuffle(torch.ones(3), 1)
except RuntimeError as e:
    print(type(e).__name__, e)
y = torch.tensor([-1.0, 0.2, 0.7, -0.3])
print(torch.prelu(y, torch.tensor([0.25])), torch.threshold(y, 0.1, 20.0), torch.hardshrink(y, 0.5), y.hardshrink(0.25))
z = y.clone(); torch.threshold_(z, 0.0, -5.0); print(z)
z = y.clone(); F.threshold_(z, 0.5, 1.0); print(z)
print(torch.pixel_shuffle(torch.arange(8.).reshape(1, 4, 1, 2), 2), torch.pixel_unshuffle(torch.arange(8.).reshape(1, 1, 2, 4), 2).shape)
m = nn.Sequential(nn.Conv2d(4, 8, 1), nn.ChannelShuffle(4))
print(m)
