# Higher-order gradients through conv, pooling, embedding and sorting:
# a CNN critic's gradient penalty (WGAN-GP), second derivatives of lookups.
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
critic = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.LeakyReLU(0.2),
                       nn.MaxPool2d(2), nn.Conv2d(4, 8, 3, stride=2, padding=1),
                       nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                       nn.Linear(8, 1))
real = torch.randn(2, 1, 8, 8)
fake = torch.randn(2, 1, 8, 8)
eps = torch.rand(2, 1, 1, 1)
mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
out = critic(mix)
g, = torch.autograd.grad(out.sum(), mix, create_graph=True)
gp = ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
gp.backward()
print(f"{gp.item():.5f}")
print(f"{critic[0].weight.grad.abs().sum().item():.5f} {critic[3].weight.grad.abs().sum().item():.5f} {critic[7].weight.grad.abs().sum().item():.5f}")
emb = nn.Embedding(5, 3)
idx = torch.tensor([[0, 2], [4, 2]])
e = emb(idx)
ge, = torch.autograd.grad((e ** 3).sum(), emb.weight, create_graph=True)
print(torch.autograd.grad((ge ** 2).sum(), emb.weight)[0])
v = torch.randn(6, requires_grad=True)
s, _ = torch.sort(v)
top, _ = torch.topk(v, 3)
q = torch.quantile(v, 0.3)
gs, = torch.autograd.grad((s ** 3).sum() + (top ** 2).sum() + q ** 2, v, create_graph=True)
print(torch.autograd.grad(gs.sum(), v)[0])
for act in (F.mish, F.hardswish, F.selu, F.celu, F.gelu):
    v = torch.linspace(-2, 2, 7, requires_grad=True)
    d1, = torch.autograd.grad(act(v).sum(), v, create_graph=True)
    d2, = torch.autograd.grad(d1.sum(), v)
    print(act.__name__, d2)
v = torch.linspace(-2, 2, 7, dtype=torch.double, requires_grad=True)
print(torch.autograd.gradgradcheck(lambda a: F.gelu(a, approximate="tanh"), (v,)))
