# Instance normalization: F.instance_norm and nn.InstanceNorm1d/2d (affine,
# running statistics in train and eval), and its gradient.
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(2, 3, 4, 4, requires_grad=True)
y = F.instance_norm(x)
print(y[0, 0])
print(y.grad_fn.name())
m = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
print(m)
out = m(x)
print(out.sum(dim=(2, 3)).abs() < 1e-5)  # each instance is centred
print(m.running_mean, m.running_var)
(out * torch.arange(96.0).reshape(2, 3, 4, 4)).sum().backward()
print(x.grad[1, 2])
m.eval()
print(m(x)[0, 1, 0])
n1 = nn.InstanceNorm1d(2)
print(n1, n1(torch.randn(2, 2, 3)))
print(n1(torch.randn(2, 3)))
