import torch
from torch import nn
from torch.optim import lr_scheduler

torch.manual_seed(0)
model = nn.Linear(4, 2)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
x = torch.randn(8, 4)
t = torch.randn(8, 2)
for epoch in range(6):
    opt.zero_grad()
    loss = ((model(x) - t) ** 2).mean()
    loss.backward()
    opt.step()
    sched.step()
    print(epoch, f"{loss.item():.4f}", sched.get_last_lr(), opt.param_groups[0]['lr'])

opt2 = torch.optim.Adam(model.parameters(), lr=0.01)
sched2 = lr_scheduler.MultiStepLR(opt2, milestones=[2, 4], gamma=0.1)
for epoch in range(5):
    opt2.step()
    sched2.step()
    print('multistep', epoch, ['%.6f' % lr for lr in sched2.get_last_lr()])

opt3 = torch.optim.SGD(model.parameters(), lr=1.0)
sched3 = lr_scheduler.ExponentialLR(opt3, gamma=0.9)
lrs = []
for _ in range(4):
    opt3.step()
    sched3.step()
    lrs.append(round(opt3.param_groups[0]['lr'], 5))
print(lrs)

opt4 = torch.optim.SGD(model.parameters(), lr=0.5)
sched4 = lr_scheduler.CosineAnnealingLR(opt4, T_max=10)
for i in range(10):
    opt4.step()
    sched4.step()
print('%.6f' % sched4.get_last_lr()[0])

opt5 = torch.optim.SGD(model.parameters(), lr=0.1)
sched5 = lr_scheduler.LambdaLR(opt5, lr_lambda=lambda epoch: 0.95 ** epoch)
for i in range(3):
    opt5.step()
    sched5.step()
print(sched5.get_last_lr())
print(sched.state_dict())
