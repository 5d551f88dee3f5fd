# Activation modules: repr and forward (and a backward through each).
import torch
from torch import nn

x = torch.linspace(-3, 3, 7, requires_grad=True)
mods = [nn.ReLU(), nn.ReLU(inplace=True), nn.LeakyReLU(), nn.LeakyReLU(0.2),
        nn.GELU(), nn.GELU(approximate="tanh"), nn.SiLU(), nn.Sigmoid(),
        nn.Tanh(), nn.ELU(), nn.ELU(alpha=0.5), nn.Softplus(),
        nn.Softplus(beta=2, threshold=10), nn.ReLU6(), nn.Hardtanh(),
        nn.Hardtanh(-2., 2.), nn.LogSigmoid(), nn.Softsign(), nn.Mish(),
        nn.SELU(), nn.CELU(), nn.Hardswish(), nn.Hardsigmoid()]
for m in mods:
    y = m(x * 1)
    print(m)
    print(y)

z = torch.tensor([[1.0, 2.0, 3.0], [1.0, -1.0, 0.0]])
for m in [nn.Softmax(dim=1), nn.Softmax(dim=0), nn.LogSoftmax(dim=1),
          nn.Softmin(dim=1), nn.LogSoftmax(-1)]:
    print(m)
    print(m(z))

act = nn.Sequential(nn.Linear(3, 3), nn.GELU(), nn.Linear(3, 1), nn.Sigmoid())
torch.manual_seed(1)
for m in act:
    if isinstance(m, nn.Linear):
        m.reset_parameters()
out = act(z)
print(act)
print(out)
out.sum().backward()
print(act[0].weight.grad)
s = nn.LeakyReLU(0.1)(x).sum()
s.backward()
print(x.grad)
