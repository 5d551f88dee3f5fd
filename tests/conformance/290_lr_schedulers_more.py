# The LR schedulers beyond Step/MultiStep/Exponential/Cosine/Lambda:
# ReduceLROnPlateau, OneCycleLR, LinearLR, SequentialLR, warm restarts, ...
import torch
from torch import nn
from torch.optim import lr_scheduler as S
model = nn.Linear(2, 1)
def mk(lr=0.1):
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
o = mk(); s = S.ReduceLROnPlateau(o, 'min', factor=0.5, patience=1)
for i, v in enumerate([1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8]):
    o.step(); s.step(v); print('plateau', i, o.param_groups[0]['lr'])
o = mk(); s = S.OneCycleLR(o, max_lr=0.1, total_steps=10)
print(['%.6f' % g for g in [o.param_groups[0]['lr']]], o.param_groups[0]['momentum'])
for i in range(9):
    o.step(); s.step(); print('onecycle', i, s.get_last_lr(), o.param_groups[0]['momentum'])
o = mk(); s = S.LinearLR(o, start_factor=0.25, total_iters=4)
for i in range(5): o.step(); s.step(); print('linear', s.get_last_lr())
o = mk(); s1 = S.ConstantLR(o, factor=0.1, total_iters=2); s2 = S.ExponentialLR(o, gamma=0.9)
s = S.SequentialLR(o, schedulers=[s1, s2], milestones=[2])
for i in range(5): o.step(); s.step(); print('seq', s.get_last_lr())
o = mk(); s = S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)
for i in range(8): o.step(); s.step(); print('warm', s.get_last_lr())
o = mk(); s = S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=2)
for i in range(5): o.step(); s.step(); print('cyclic', s.get_last_lr())
o = mk(); s = S.MultiplicativeLR(o, lr_lambda=lambda e: 0.95)
for i in range(3): o.step(); s.step(); print('mult', s.get_last_lr())
o = mk(); s = S.PolynomialLR(o, total_iters=4, power=2.0)
for i in range(5): o.step(); s.step(); print('poly', s.get_last_lr())
o = mk(); s = S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=2), S.ExponentialLR(o, gamma=0.9)])
for i in range(4): o.step(); s.step(); print('chain', s.get_last_lr())
print(S.ReduceLROnPlateau(mk(), patience=3).state_dict())
