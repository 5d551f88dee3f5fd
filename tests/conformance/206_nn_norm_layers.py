# BatchNorm1d/2d (running statistics, momentum, num_batches_tracked,
# train/eval), LayerNorm, GroupNorm.
import torch
from torch import nn

torch.manual_seed(2)
bn = nn.BatchNorm1d(3)
print(bn)
print(bn.weight, bn.bias)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
x = torch.randn(6, 3) * 2 + 1
y = bn(x)
print(y)
print(bn.running_mean)
print(bn.running_var)
print(bn.num_batches_tracked)
bn(x * 3)
print(bn.running_mean, bn.num_batches_tracked)
bn.eval()
print(bn(x))
print(bn.num_batches_tracked)
print([k for k in bn.state_dict()])

bn3 = nn.BatchNorm1d(2, momentum=0.5, affine=False)
print(bn3, list(bn3.parameters()))
print(bn3(torch.randn(4, 2, 3)))
print(bn3.running_mean)
nostats = nn.BatchNorm1d(2, track_running_stats=False)
print(nostats, nostats.running_mean)
print(nostats(torch.tensor([[1., 2.], [3., 5.]])))

bn2 = nn.BatchNorm2d(2, eps=1e-3)
print(bn2)
img = torch.randn(2, 2, 3, 3, requires_grad=True)
out = bn2(img)
print(out[0, 1])
(out * torch.linspace(-1, 2, 18).reshape(2, 3, 3)).sum().backward()
print(bn2.weight.grad, bn2.bias.grad)
print(img.grad[1, 0])
print(bn2.running_var)
try:
    bn2(torch.randn(2, 2))
except ValueError as e:
    print("ValueError:", e)

ln = nn.LayerNorm(4)
print(ln, ln.weight, ln.bias)
print(ln(torch.arange(8.).reshape(2, 4)))
ln2 = nn.LayerNorm([2, 3], elementwise_affine=False, eps=1e-6)
print(ln2, list(ln2.parameters()))
print(ln2(torch.randn(2, 2, 3)))
t = torch.randn(3, 4, requires_grad=True)
ln(t).pow(3).sum().backward()
print(ln.weight.grad, t.grad)

gn = nn.GroupNorm(2, 4)
print(gn)
g_in = torch.randn(2, 4, 3)
print(gn(g_in))
print(nn.GroupNorm(1, 4, affine=False)(g_in)[1])
