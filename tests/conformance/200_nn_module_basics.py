# torch.nn.Module: registration through attributes, traversal, repr,
# train/eval, apply, requires_grad_, containers.
import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.fc = nn.Linear(n_in, n_out)
        self.act = nn.ReLU()
        self.register_buffer("scale", torch.ones(n_out))
        self.register_buffer("tmp", torch.zeros(1), persistent=False)
        self.note = "plain attribute"

    def forward(self, x):
        return self.act(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(4, 6), Block(6, 6)])
        self.heads = nn.ModuleDict({"a": nn.Linear(6, 2), "b": nn.Linear(6, 1)})
        self.out = nn.Sequential(nn.Tanh(), nn.Identity())
        self.alpha = nn.Parameter(torch.tensor([0.5, -0.5]))

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.out(self.heads["a"](x)) * self.alpha


torch.manual_seed(3)
net = Net()
print(net)
print([n for n, _ in net.named_parameters()])
print([n for n, _ in net.named_buffers()])
print([n for n, _ in net.named_children()])
print([n for n, _ in net.named_modules()])
print(sum(p.numel() for p in net.parameters()))
print(len(list(net.modules())), len(list(net.children())))
print(net.blocks[1].fc)
print(net.blocks[-1].note, net.training, net.blocks[0].act.training)
net.eval()
print(net.training, net.blocks[0].fc.training, net.heads["b"].training)
print(net.train() is net, net.out[0].training)
print(net.alpha)
print(type(net.alpha).__name__, isinstance(net.alpha, torch.Tensor))
print(net.alpha * 2)

x = torch.randn(3, 4)
y = net(x)
print(y)
y.sum().backward()
print(net.alpha.grad)
print(net.heads["a"].bias.grad)
net.zero_grad()
print(net.alpha.grad)

names = []
net.apply(lambda m: names.append(type(m).__name__))
print(names)

net.requires_grad_(False)
print(all(not p.requires_grad for p in net.parameters()))
net.requires_grad_()
print(all(p.requires_grad for p in net.parameters()))

# containers
seq = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid())
seq.append(nn.Linear(3, 1))
print(seq)
print(len(seq), seq[-1], seq[0:2])
ml = nn.ModuleList()
ml.append(nn.ReLU())
ml.extend([nn.Tanh(), nn.Sigmoid()])
print(ml, len(ml), ml[1])
md = nn.ModuleDict()
md["x"] = nn.GELU()
md.update({"y": nn.SiLU()})
print(md, list(md.keys()), "x" in md)
from collections import OrderedDict
named = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 2)), ("act", nn.ReLU())]))
print(named)
print(named.hidden)

# attributes
net.blocks[0].fc.weight = None
print(net.blocks[0].fc.weight)
try:
    net.heads.a.weight = torch.zeros(2, 6)
except TypeError as e:
    print("TypeError:", e)
try:
    net.missing
except AttributeError as e:
    print("AttributeError:", e)
try:
    nn.ModuleList([nn.ReLU()])[3]
except IndexError as e:
    print("IndexError:", e)
try:
    net.train(1)
except ValueError as e:
    print("ValueError:", e)
del net.alpha
print("alpha" in dict(net.named_parameters()))
