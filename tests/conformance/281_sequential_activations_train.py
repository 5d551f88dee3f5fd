import torch
from torch import nn

torch.manual_seed(123)
X = torch.rand(64, 3) * 4 - 2
y = (X[:, 0] * X[:, 1] > 0).long()
acts = [nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.ELU(), nn.SELU(), nn.Softplus(),
        nn.GELU(), nn.SiLU(), nn.LeakyReLU(), nn.Hardswish(), nn.Mish(), nn.PReLU()]
for act in acts:
    net = nn.Sequential(nn.Linear(3, 16), act, nn.Linear(16, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(15):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(X), y)
        loss.backward()
        opt.step()
    with torch.no_grad():
        acc = (net(X).argmax(dim=1) == y).float().mean().item()
    print(f"{act.__class__.__name__:10s} loss={loss.item():.4f} acc={acc:.3f}")

x = torch.linspace(-3, 3, 7)
for fn in [torch.relu, torch.sigmoid, torch.tanh, nn.functional.gelu, nn.functional.silu,
           nn.functional.softplus, nn.functional.elu, nn.functional.leaky_relu,
           nn.functional.hardsigmoid, nn.functional.relu6, nn.functional.softsign,
           nn.functional.logsigmoid, nn.functional.hardtanh]:
    print(fn.__name__, fn(x))
x.requires_grad_(True)
y = torch.sigmoid(x)
y.backward(torch.ones_like(x))
print(x.grad)
