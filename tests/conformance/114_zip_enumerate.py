# zip, enumerate and unpacking over tensor rows and columns.
import torch

M = torch.arange(12.0).reshape(3, 4)
for i, row in enumerate(M):
    print(i, row, row.sum().item())
for a, b in zip(M[0], M[1]):
    print(f"{a.item():.0f}+{b.item():.0f}={(a + b).item():.0f}", end=" ")
print()
first, *rest = M
print(first, len(rest))
cols = [M[:, j] for j in range(M.shape[1])]
print(bool((torch.stack(cols, dim=1) == M).float().min()))
(x0, x1), (y0, y1) = M[:2, :2].tolist()
print(x0, x1, y0, y1)
