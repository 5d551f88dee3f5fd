# Printing shapes, dtypes and sizes the way scripts do.
import torch

t = torch.zeros(2, 3, 4, dtype=torch.float64)
print(t.shape, t.size(), t.size(1), t.size(-1), t.dim(), t.dtype)
print(f"{t.shape}", str(t.dtype), repr(t.shape))
print(list(t.shape), tuple(t.shape), t.shape[1:], t.shape == (2, 3, 4))
print(torch.Size([2, 3]) == t.shape[:2], len(t.shape))
for dt in (torch.float32, torch.float64, torch.int64, torch.int32, torch.bool):
    print(dt, torch.ones(2, dtype=dt).dtype == dt, torch.zeros(1, dtype=dt))
print(t.numel(), t.shape.numel(), t.element_size())
print(torch.arange(6).reshape(2, 3).T.shape, t.permute(2, 0, 1).shape)
