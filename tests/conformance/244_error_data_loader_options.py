# Error: DataLoader's option checks raise PyTorch's ValueError; the first
# ones are caught and printed, the last is uncaught.
import torch
from torch.utils.data import DataLoader, SequentialSampler, TensorDataset

ds = TensorDataset(torch.arange(6.), torch.arange(6))
for kwargs in [{"batch_size": 0}, {"batch_size": 2, "drop_last": 1},
               {"batch_size": None, "drop_last": True},
               {"batch_sampler": [[0]], "batch_size": 2},
               {"num_workers": -1}, {"prefetch_factor": 3}]:
    try:
        DataLoader(ds, **kwargs)
    except ValueError as e:
        print(type(e).__name__, e)
dl = DataLoader(ds, batch_size=2)
try:
    dl.batch_size = 3
except ValueError as e:
    print(e)
print(len(dl), dl.batch_size)
DataLoader(ds, shuffle=True, sampler=SequentialSampler(ds))
print("not reached")
