# Bad optimizer arguments: torch's ValueError and TypeError messages; the
# last one is uncaught.
import torch
from torch import nn

model = nn.Linear(2, 1)
for make in (lambda: torch.optim.Adam(model.parameters(), eps=-1.0),
             lambda: torch.optim.RMSprop(model.parameters(), alpha=-0.5),
             lambda: torch.optim.Adagrad(model.parameters(), lr_decay=-1),
             lambda: torch.optim.SGD(model.parameters(), lr=0.1, momentum=-0.1)):
    try:
        make()
    except ValueError as e:
        print("ValueError:", e)
try:
    torch.optim.SGD(model.weight, lr=0.1)
except TypeError as e:
    print("TypeError:", e)
try:
    torch.optim.lr_scheduler.StepLR(model, 2)
except TypeError as e:
    print("TypeError:", e)
opt = torch.optim.SGD([{"params": model.weight, "lr": 0.1}, {"params": model.bias}])
