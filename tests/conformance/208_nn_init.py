# torch.nn.init: each initialiser draws what torch draws for a seed.
import math
import torch
from torch import nn
from torch.nn import init

for nl in ("linear", "conv2d", "sigmoid", "tanh", "relu", "selu"):
    print(nl, init.calculate_gain(nl))
print(init.calculate_gain("leaky_relu"), init.calculate_gain("leaky_relu", 0.2))
print(init.calculate_gain("leaky_relu", math.sqrt(5)))
try:
    init.calculate_gain("cosine")
except ValueError as e:
    print("ValueError:", e)

w = torch.empty(3, 5)
print(init._calculate_fan_in_and_fan_out(w))
print(init._calculate_fan_in_and_fan_out(torch.empty(8, 4, 3, 3)))
try:
    init._calculate_fan_in_and_fan_out(torch.empty(4))
except ValueError as e:
    print("ValueError:", e)

torch.manual_seed(0)
print(init.uniform_(w))
print(init.uniform_(w, -2, 2))
print(init.normal_(w))
print(init.normal_(w, mean=1.0, std=0.1))
print(init.constant_(w, 0.3))
print(init.ones_(torch.empty(2, 2)), init.zeros_(torch.empty(3)))
print(init.eye_(torch.empty(2, 3)))
print(init.xavier_uniform_(w))
print(init.xavier_uniform_(w, gain=init.calculate_gain("relu")))
print(init.xavier_normal_(w))
print(init.kaiming_uniform_(w))
print(init.kaiming_uniform_(w, a=math.sqrt(5)))
print(init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu"))
print(init.kaiming_normal_(w))
print(init.kaiming_normal_(torch.empty(2, 2, 3), mode="fan_out"))
try:
    init.kaiming_uniform_(w, mode="fan_avg")
except ValueError as e:
    print("ValueError:", e)

# re-initialising a model with apply, as D2L does
def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)
        nn.init.zeros_(m.bias)

torch.manual_seed(1)
net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
net.apply(init_weights)
print(net[0].weight)
print(net[2].bias)

def init_xavier(m):
    if type(m) == nn.Linear:
        nn.init.xavier_uniform_(m.weight)
        nn.init.constant_(m.bias, 1)
net.apply(init_xavier)
print(net[0].weight.data)
print(net[2].bias.data)
net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
print(net[0].weight.data[0])

# an in-place op's result printed in the statement that made it
v = torch.ones(2)
print(v)
print(v.add_(1))
