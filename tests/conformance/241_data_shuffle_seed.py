# DataLoader(shuffle=True) after manual_seed: each epoch draws the base seed
# and RandomSampler's seed from the global generator, then permutes with a
# fresh generator, as PyTorch 1.13 does; with generator= the loader's own
# generator is used (and the global one is left alone); RandomSampler with
# replacement and num_samples; SubsetRandomSampler.
import torch
from torch.utils.data import (DataLoader, RandomSampler, SubsetRandomSampler,
                              TensorDataset)

torch.manual_seed(0)
X = torch.arange(20.).reshape(10, 2)
y = torch.arange(10)
ds = TensorDataset(X, y)
dl = DataLoader(ds, batch_size=4, shuffle=True)
for epoch in range(3):
    print(epoch, [yb.tolist() for xb, yb in dl])
print(torch.rand(2, dtype=torch.float64))
for xb, yb in DataLoader(ds, batch_size=3, shuffle=True, drop_last=True):
    print(xb[:, 0], yb)
g = torch.Generator()
g.manual_seed(42)
dl = DataLoader(ds, batch_size=5, shuffle=True, generator=g)
print([yb.tolist() for _, yb in dl], [yb.tolist() for _, yb in dl])
print(torch.rand(2, dtype=torch.float64))
s = RandomSampler(ds, replacement=True, num_samples=40)
print(len(s), list(s))
s = RandomSampler(ds, num_samples=13)
print(len(s), list(s))
print(list(SubsetRandomSampler([10, 20, 30, 40])))
print(torch.rand(2, dtype=torch.float64))
