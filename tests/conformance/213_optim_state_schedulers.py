# Optimizer bookkeeping (state_dict, load_state_dict, add_param_group,
# zero_grad with set_to_none) and the LR schedulers.
import math
import torch
from torch import nn, optim
from torch.optim import lr_scheduler

torch.manual_seed(0)
X = torch.randn(8, 2)
Y = X @ torch.tensor([[1.5], [-2.0]]) + 0.5
model = nn.Linear(2, 1)
opt = optim.Adam(model.parameters(), lr=0.1)
for _ in range(3):
    opt.zero_grad()
    nn.functional.mse_loss(model(X), Y).backward()
    opt.step()
sd = opt.state_dict()
print(sd["param_groups"])
print(sd["state"][0]["step"], sd["state"][1]["exp_avg"])

torch.manual_seed(0)
model2 = nn.Linear(2, 1)
model2.load_state_dict(model.state_dict())
opt2 = optim.Adam(model2.parameters(), lr=0.1)
opt2.load_state_dict(sd)
print(opt2.state[model2.bias]["step"])
for m, o in ((model, opt), (model2, opt2)):
    for _ in range(2):
        o.zero_grad()
        loss = nn.functional.mse_loss(m(X), Y)
        loss.backward()
        o.step()
    print(loss, m.bias)

opt.zero_grad(set_to_none=True)
print(model.weight.grad)
opt2.zero_grad()
print(model2.weight.grad)

extra = nn.Parameter(torch.ones(2))
opt.add_param_group({"params": [extra], "lr": 0.5})
print(len(opt.param_groups), opt.param_groups[1]["lr"], opt.param_groups[1]["betas"])
try:
    opt.add_param_group({"params": model.weight})
except ValueError as e:
    print("ValueError:", e)
try:
    optim.SGD([torch.ones(2) * 2], lr=0.1)
except ValueError as e:
    print("ValueError:", e)

def lrs(sched_fn, n=8, lr=0.1):
    p = nn.Parameter(torch.zeros(1))
    o = optim.SGD([p], lr=lr)
    s = sched_fn(o)
    out = []
    for _ in range(n):
        o.step()
        out.append(s.get_last_lr()[0])
        s.step()
    print(type(s).__name__, out, o.param_groups[0]["lr"])
    return s

lrs(lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.5))
lrs(lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1))
lrs(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9))
lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4), n=12)
lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01))
s = lrs(lambda o: lr_scheduler.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e))
print(s.last_epoch, s.base_lrs)
s = lrs(lambda o: lr_scheduler.StepLR(o, 2))
print(sorted(s.state_dict().keys()))
print(s.optimizer.param_groups[0]["initial_lr"])

# a scheduler driving a real training loop
torch.manual_seed(1)
net = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
o = optim.SGD(net.parameters(), lr=0.2, momentum=0.9)
sched = lr_scheduler.CosineAnnealingLR(o, T_max=6)
for epoch in range(6):
    o.zero_grad()
    loss = nn.functional.mse_loss(net(X), Y)
    loss.backward()
    o.step()
    sched.step()
    print(epoch, round(loss.item(), 4), round(sched.get_last_lr()[0], 6))
print(o)
