# A Linear layer fed the wrong number of features: torch's shape error at
# the line of the forward call.
import torch
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
print(net(torch.ones(2, 4)).shape)
out = net(torch.ones(2, 5))
print(out)
