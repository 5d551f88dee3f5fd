# random_split with lengths and with fractions (the remainder handed out
# round-robin), Subset (also of a Subset), ConcatDataset, and DataLoader
# batches gathered through them; every draw moves the global generator as
# PyTorch's does.
import torch
from torch.utils.data import (ConcatDataset, DataLoader, Subset,
                              TensorDataset, random_split)

torch.manual_seed(7)
X = torch.arange(24).reshape(12, 2)
y = torch.arange(12) * 10
ds = TensorDataset(X, y)
train, val = random_split(ds, [9, 3])
print(len(train), len(val), train.indices, val.indices)
print(val[0], val[-1])
parts = random_split(range(10), [0.5, 0.3, 0.2])
print([p.indices for p in parts])
parts = random_split(ds, [0.34, 0.33, 0.33])
print([len(p) for p in parts], [p.indices for p in parts])
print(torch.rand(2, dtype=torch.float64))
for xb, yb in DataLoader(train, batch_size=4):
    print(xb.tolist(), yb)
inner = Subset(ds, [11, 1, 5, 7, 3])
outer = Subset(inner, [4, 0, 2])
print(outer[1], [outer[i][1].item() for i in range(len(outer))])
for xb, yb in DataLoader(outer, batch_size=2):
    print(xb, yb)
both = ConcatDataset([val, Subset(ds, [0, 1])])
print(len(both), both.cumulative_sizes, both[3], both[-1])
for b in DataLoader(both, batch_size=3):
    print(b[1])
plus = train + val
print(type(plus).__name__, len(plus))
print(torch.rand(2, dtype=torch.float64))
