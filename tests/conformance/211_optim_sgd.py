# SGD: plain, momentum, dampening, Nesterov, weight decay, maximize, param
# groups; a few steps each, printing losses and parameters.
import torch
from torch import nn, optim

X = torch.linspace(-1, 1, 12).reshape(6, 2)
Y = (X[:, :1] * 2 - X[:, 1:] * 0.5 + 0.3)


def run(make_opt, steps=5):
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    opt = make_opt(model.parameters())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        losses.append(round(loss.item(), 4))
    print(losses)
    print(model.weight.data, model.bias.data)
    return opt


opt = run(lambda p: optim.SGD(p, lr=0.1))
print(opt)
run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.5))
run(lambda p: optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True))
run(lambda p: optim.SGD(p, lr=0.1, weight_decay=0.1))
run(lambda p: optim.SGD(p, lr=0.1, momentum=0.5, weight_decay=0.01, maximize=True))
opt = run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
print(opt.state_dict()["param_groups"])
print(list(opt.state_dict()["state"].keys()))
print(opt.state_dict()["state"][1])

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
opt = optim.SGD([{"params": model[0].parameters()},
                 {"params": model[2].parameters(), "lr": 0.01}],
                lr=0.2, momentum=0.5)
print(opt)
for step in range(4):
    opt.zero_grad()
    loss = ((model(X) - Y) ** 2).mean()
    loss.backward()
    opt.step()
    print(step, loss)
print(model[0].weight)
print(model[2].bias)
print(opt.state[model[2].bias])

try:
    optim.SGD(model.parameters())
except ValueError as e:
    print("ValueError:", e)
try:
    optim.SGD(model.parameters(), lr=-1)
except ValueError as e:
    print("ValueError:", e)
try:
    optim.SGD(model.parameters(), lr=0.1, nesterov=True)
except ValueError as e:
    print("ValueError:", e)
try:
    optim.SGD([], lr=0.1)
except ValueError as e:
    print("ValueError:", e)
