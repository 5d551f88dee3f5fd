# A module attribute that does not exist: torch's AttributeError, raised
# at the script's line.
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 2)

    def forward(self, x):
        return self.decoder(x)


net = Net()
print(net)
print(net(torch.ones(1, 4)))
