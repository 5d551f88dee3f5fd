# D2L 6.2-6.5 style parameter management: access, custom init through
# .data, shared (tied) layers, custom layers with Parameters, forward hooks,
# get_submodule/get_parameter, dtype conversion.
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
X = torch.rand(size=(2, 4))
print(net(X))
print(net[2].state_dict())
print(type(net[2].bias), net[2].bias.data)
print(net[2].weight.grad is None)
print(*[(name, param.shape) for name, param in net[0].named_parameters()])
print(*[(name, param.shape) for name, param in net.named_parameters()])
print(net.state_dict()['2.bias'].data)


def block1():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 4), nn.ReLU())


def block2():
    net = nn.Sequential()
    for i in range(4):
        net.add_module(f'block {i}', block1())
    return net


rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
print(rgnet(X))
print(rgnet)
print(rgnet[0][1][0].bias.data)


def my_init(m):
    if type(m) == nn.Linear:
        print("Init", *[(name, param.shape) for name, param in m.named_parameters()][0])
        nn.init.uniform_(m.weight, -10, 10)
        m.weight.data *= m.weight.data.abs() >= 5


net.apply(my_init)
print(net[0].weight[:2])
net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
print(net[0].weight.data[0])
net[2].bias.data = torch.tensor([0.25])
print(net[2].bias)

shared = nn.Linear(8, 8)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared,
                    nn.ReLU(), nn.Linear(8, 1))
net(X)
print(net[2].weight.data[0] == net[4].weight.data[0])
net[2].weight.data[0, 0] = 100
print(net[2].weight.data[0] == net[4].weight.data[0])
print(len(list(net.parameters())), len(net.state_dict()))


class CenteredLayer(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, X):
        return X - X.mean()


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))

    def forward(self, X):
        linear = torch.matmul(X, self.weight.data) + self.bias.data
        return F.relu(linear)

    def extra_repr(self):
        return f"in={self.weight.shape[0]}, out={self.weight.shape[1]}"


layer = CenteredLayer()
print(layer(torch.tensor([1.0, 2, 3, 4, 5])))
linear = MyLinear(5, 3)
print(linear)
print(linear.weight)
print(linear(torch.rand(2, 5)))
net = nn.Sequential(MyLinear(64, 8), MyLinear(8, 1))
print(net)
print(net(torch.rand(2, 64)))

seen = []
h = net[0].register_forward_hook(lambda m, inp, out: seen.append(tuple(out.shape)))
pre = net[1].register_forward_pre_hook(lambda m, inp: seen.append(len(inp)))
net(torch.rand(3, 64))
h.remove()
net(torch.rand(4, 64))
print(seen)
print(net.get_submodule("1"), net.get_parameter("0.bias").shape)
d = nn.Linear(2, 2).double()
print(d.weight.dtype, d(torch.ones(1, 2, dtype=torch.float64)))

# keeping the best model: copy.deepcopy copies parameters and buffers
import copy
torch.manual_seed(5)
model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
best = copy.deepcopy(model)
with torch.no_grad():
    model[0].weight.add_(1)
model(torch.randn(4, 2))
print(best[0].weight)
print(best[1].running_mean, model[1].running_mean)
print(type(best[0].bias).__name__, best[0].bias.requires_grad)
