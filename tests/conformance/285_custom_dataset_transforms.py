import torch
from torch.utils.data import Dataset, DataLoader, random_split


class ToyText(Dataset):
    def __init__(self, n=50, seq_len=6, vocab=20, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randint(1, vocab, (n, seq_len), generator=g)
        self.y = (self.x.sum(dim=1) % 2)

    def __len__(self):
        return self.x.shape[0]

    def __getitem__(self, i):
        return {"tokens": self.x[i], "label": self.y[i]}


ds = ToyText()
print(len(ds), ds[0])
torch.manual_seed(1)
train_ds, val_ds = random_split(ds, [40, 10])
print(len(train_ds), len(val_ds), val_ds.indices[:5] if hasattr(val_ds, 'indices') else None)
loader = DataLoader(train_ds, batch_size=16, shuffle=True, drop_last=True)
print(len(loader))
for batch in loader:
    print(batch["tokens"].shape, batch["label"])


def collate(batch):
    xs = [torch.tensor(list(range(n))) for n in batch]
    lens = torch.tensor([len(x) for x in xs])
    out = torch.zeros(len(xs), int(lens.max()), dtype=torch.long)
    for i, x in enumerate(xs):
        out[i, :len(x)] = x
    return out, lens


dl = DataLoader([3, 1, 4, 1, 5], batch_size=2, collate_fn=collate)
for x, l in dl:
    print(x, l)

pairs = [(torch.tensor([float(i), float(i * i)]), i % 3) for i in range(7)]
for xb, yb in DataLoader(pairs, batch_size=3):
    print(xb, yb)
it = iter(DataLoader(list(range(10)), batch_size=4, shuffle=True))
print(next(it), next(it))
g = torch.Generator()
g.manual_seed(123)
print(list(DataLoader(range(6), batch_size=2, shuffle=True, generator=g)))
print(torch.utils.data.TensorDataset(torch.arange(3), torch.arange(3) * 2)[1])
ss = torch.utils.data.Subset(ds, [0, 2, 4])
print(len(ss), ss[1]["label"])
cc = torch.utils.data.ConcatDataset([range(3), range(10, 12)])
print(len(cc), [cc[i] for i in range(len(cc))])
sampler = torch.utils.data.WeightedRandomSampler([0.1, 0.9, 0.5], num_samples=5, replacement=True)
print(list(sampler))
bs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(7)), batch_size=3, drop_last=False)
print(list(bs))
print(list(torch.utils.data.RandomSampler(range(5))))
