# torch.utils.data without shuffling: TensorDataset indexing, DataLoader
# batch sizes, drop_last, len, a batch_size=None loader, explicit samplers,
# and the base-seed draw every iteration makes (torch.rand after it).
import torch
from torch.utils.data import (BatchSampler, DataLoader, SequentialSampler,
                              TensorDataset)

torch.manual_seed(0)
X = torch.arange(30.).reshape(10, 3)
y = torch.arange(10) % 3
m = torch.arange(10) > 6
ds = TensorDataset(X, y, m)
print(len(ds), ds[4])
print(ds[-1][0], ds[2:4][1])
for bs in [1, 3, 4, 10, 12]:
    for drop in [False, True]:
        dl = DataLoader(ds, batch_size=bs, drop_last=drop)
        shapes = [tuple(b[0].shape) for b in dl]
        print(bs, drop, len(dl), shapes)
for xb, yb, mb in DataLoader(ds, batch_size=4):
    print(xb.sum(dim=1), yb, mb, xb.dtype, yb.dtype, mb.dtype)
print(torch.rand(3, dtype=torch.float64))
batch = next(iter(DataLoader(ds, batch_size=3)))
print(type(batch).__name__, len(batch), batch[0])
print(torch.rand(2, dtype=torch.float64))
one = DataLoader(TensorDataset(y), batch_size=None)
print(len(one), [t for t in one][:3])
bsam = BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False)
print(list(bsam), len(bsam))
dl = DataLoader(ds, batch_sampler=[[9, 0], [3, 3, 1]])
for xb, yb, mb in dl:
    print(xb, yb, mb)
total = torch.zeros(3)
for epoch in range(2):
    for xb, yb, mb in DataLoader(ds, batch_size=4, drop_last=True):
        total += xb.sum(dim=0)
print(total)
print(torch.rand(2, dtype=torch.float64))
