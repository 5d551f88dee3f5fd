# Error: default_collate of samples it cannot batch (None), inside the
# DataLoader loop, after a good batch; and a size mismatch caught earlier.
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

try:
    TensorDataset(torch.zeros(3, 2), torch.zeros(4))
except AssertionError as e:
    print("AssertionError:", e)


class Gappy(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.tensor([i, -i]) if i < 2 else None


torch.manual_seed(0)
for batch in DataLoader(Gappy(), batch_size=2):
    print(batch)
print("not reached")
