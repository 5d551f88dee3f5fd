# Pointwise results keep their input's memory order (torch's iterator sorts
# the dims by the inputs' strides), and reductions over them add in memory
# order: the strides print as torch's, and so do the last bits of sums of
# results of transposed or permuted tensors.
import torch
import torch.nn.functional as F
from torch import nn
torch.manual_seed(0)
x = torch.randn(6, 7)
y = torch.randn(4, 5, 6).permute(2, 0, 1)
z = torch.randn(3, 8).t()
for name, t in [("exp", x.t().exp()), ("mul2", y * 2), ("add1", y + 1),
                ("relu", torch.relu(y)), ("sigmoid", z.sigmoid()),
                ("tanh", z.tanh()), ("gelu", F.gelu(x.t())),
                ("sqrt", y.abs().sqrt()), ("pow", y.pow(2)), ("pow3", y ** 3),
                ("gt", y > 0), ("mulzz", z * z), ("bias", x.t() + torch.randn(6)),
                ("rowbias", torch.randn(7, 1) * x.t()), ("sin", torch.sin(y)),
                ("neg", -y), ("floor", (y * 3).floor())]:
    print(name, tuple(t.shape), t.stride(), t.is_contiguous())
    if t.dtype != torch.bool:
        print(t.sum().item(), t.mean().item() if t.is_floating_point() else "")
print((y * 2).sum().item(), y.exp().sum().item(), (y + 1).mean().item(),
      torch.relu(y).sum().item())
print(z.sigmoid().sum().item(), (z * z).sum(0), z.tanh().sum().item())
print(F.gelu(x.t()).sum().item(), F.gelu(x[:, 1:]).sum().item(),
      F.gelu(x, approximate="tanh").t().sum().item())
torch.manual_seed(1)
m = nn.RNN(6, 10, num_layers=2, batch_first=True, bidirectional=True)
out, st = m(torch.randn(3, 5, 6))
p = out.pow(2)
print(p.is_contiguous(), p.stride())
print(p.mean().item(), p.contiguous().mean().item(), p.sum().item())
w = torch.randn(5, 4, requires_grad=True)
loss = (w.t() * 3).exp().sum()
loss.backward()
print(loss.item(), w.grad.sum().item(), w.grad.stride())
# whole-tensor norm, var and std of a permuted tensor walk memory order too
xp = torch.randn(3, 4, 5).permute(1, 2, 0)
print(xp.norm().item(), xp.var().item(), xp.std().item(), xp.double().norm().item())
# t() is TBackward0 (a view even of a vector); .T is PermuteBackward0
a = torch.randn(2, 3, requires_grad=True)
v = torch.randn(3, requires_grad=True)
print(a.t().grad_fn.name(), torch.t(a).grad_fn.name(), a.T.grad_fn.name(),
      v.t().grad_fn.name(), v.t().shape)
try:
    torch.randn(2, 3, 4).t()
except RuntimeError as e:
    print(e)
# lerp, addcmul and the two-input math functions take the layout too
xt = torch.randn(4, 6).t()
print(torch.lerp(xt, torch.zeros(6, 4), 0.3).sum().item(),
      torch.addcmul(xt, xt, xt, value=0.5).sum().item(),
      torch.atan2(xt, xt.abs() + 1).sum().item(), torch.hypot(xt, xt).stride())
