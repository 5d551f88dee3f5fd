# clip_grad_norm_ (L2, L1, inf; the total norm returned), clip_grad_value_,
# parameters_to_vector.
import torch
from torch import nn
from torch.nn.utils import clip_grad_norm_, clip_grad_value_
from torch.nn.utils import parameters_to_vector, vector_to_parameters

torch.manual_seed(3)
net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
x = torch.randn(5, 3) * 3


def grads():
    net.zero_grad()
    (net(x) ** 2).sum().backward()


grads()
print(net[0].weight.grad)
total = clip_grad_norm_(net.parameters(), max_norm=1.0)
print(total)
print(net[0].weight.grad)

grads()
print(clip_grad_norm_(net.parameters(), 2.0, norm_type=1))
print(net[2].bias.grad)
grads()
print(clip_grad_norm_(net.parameters(), 0.5, norm_type=float("inf")))
print(net[2].weight.grad)
grads()
print(clip_grad_norm_(net.parameters(), 1e6))
print(net[2].bias.grad)
print(clip_grad_norm_(net[0].weight, 0.1), net[0].weight.grad[0])

grads()
clip_grad_value_(net.parameters(), clip_value=0.5)
print(net[0].weight.grad)
print(net[2].bias.grad)

vec = parameters_to_vector(net.parameters())
print(vec.shape, vec[:5])
vector_to_parameters(torch.arange(26.) / 10, net.parameters())
print(net[2].bias, net[0].weight[0])
