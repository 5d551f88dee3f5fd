# torch.tensor of numpy scalars keeps their dtypes; a list of 0-d arrays
# fails as in PyTorch.
import numpy as np, torch
print(torch.tensor(np.float64(2.5)), torch.tensor([np.float32(1.5), 2]), torch.tensor([np.int32(3), np.int32(4)]))
print(torch.tensor([np.float64(1), 2.0]), torch.tensor(np.bool_(True)), torch.tensor([1.0, np.int64(2)]))
print(torch.tensor([[np.float64(1)], [np.float64(2)]]).dtype, torch.tensor(np.array(3.0)))
print(torch.tensor([np.array(1.0), np.array(2.0)]))
