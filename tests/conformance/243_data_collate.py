# default_collate as DataLoader applies it: tensors stacked, ints to int64,
# floats to float64, bools to bool, strings kept (tuples when transposed),
# dicts and named tuples field by field, tuples/lists as lists; a Dataset
# class returning dicts, a custom collate_fn, an IterableDataset, and
# default_convert (batch_size=None).
import collections
import torch
from torch.utils.data import (DataLoader, Dataset, IterableDataset,
                              default_collate, default_convert)

Point = collections.namedtuple("Point", ["x", "y"])
print(default_collate([0, 1, 2]), default_collate([0.5, 1.5]))
print(default_collate([True, False]), default_collate(["a", "b"]))
print(default_collate([(0, "a", 1.0), (2, "b", 3.0)]))
print(default_collate([[0, 1], [2, 3]]))
print(default_collate([{"A": 0, "B": torch.tensor([1., 2.])},
                       {"A": 100, "B": torch.tensor([3., 4.])}]))
print(default_collate([Point(0, 1.5), Point(2, 2.5)]))
print(default_collate([torch.tensor(1), torch.tensor(5)]))
print(default_convert((1, [2.5, "s"])), default_convert(Point(1, 2)))


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"i": i, "sq": torch.tensor([i, i * i]), "name": "s%d" % i}


torch.manual_seed(1)
for batch in DataLoader(Squares(5), batch_size=2):
    print(sorted(batch), batch["i"], batch["sq"].tolist(), batch["name"])


def pairs(samples):
    return torch.stack([s["sq"] for s in samples]).sum(), len(samples)


print([b for b in DataLoader(Squares(7), batch_size=3, collate_fn=pairs)])


class Countdown(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter([(k, float(k) / 2) for k in range(self.n, 0, -1)])


for drop in [False, True]:
    for a, b in DataLoader(Countdown(5), batch_size=2, drop_last=drop):
        print(drop, a, b)
print(list(DataLoader(Countdown(3), batch_size=None)))
print(torch.rand(2, dtype=torch.float64))
