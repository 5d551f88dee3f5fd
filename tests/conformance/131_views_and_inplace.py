# Views share storage; in-place ops through views show in the base.
import torch

base = torch.zeros(3, 4)
row = base[1]
col = base[:, 2]
row += 1
col.mul_(0).add_(5)
print(base)
flat = base.view(-1)
flat[0] = 9
print(base[0, 0].item(), flat.shape)
t = base.T
c = t.contiguous()
c[0, 0] = -1
print(base[0, 0].item(), c[0, 0].item())
x = torch.arange(6.0)
y = x.reshape(2, 3)
y[1] = torch.tensor([7.0, 8.0, 9.0])
print(x)
