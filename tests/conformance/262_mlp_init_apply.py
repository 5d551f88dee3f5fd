import torch
from torch import nn

torch.manual_seed(1)

net = nn.Sequential(nn.Flatten(), nn.Linear(16, 32), nn.GELU(),
                    nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 8),
                    nn.LeakyReLU(0.1), nn.Linear(8, 3))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)
        nn.init.zeros_(m.bias)


net.apply(init_weights)
print(net)
for name, param in net.named_parameters():
    print(name, param.shape, param.requires_grad)


def init_xavier(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        m.bias.data.fill_(0.01)


net.apply(init_xavier)
print(net[1].weight[0, :4])
print(net[1].bias[:3])

X = torch.rand(5, 4, 4)
print(net(X).shape)
out = net(X)
print(out)
print(sum(p.numel() for p in net.parameters()))
print(sum(p.numel() for p in net.parameters() if p.requires_grad))
print(net.state_dict().keys())
print([(k, v.shape) for k, v in net.state_dict().items()])
