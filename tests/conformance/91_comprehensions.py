# List, dict and generator comprehensions that build and consume tensors.
import torch

rows = [torch.arange(4.0) * i for i in range(3)]
print(torch.stack(rows))
squares = {i: (torch.tensor(float(i)) ** 2).item() for i in range(5)}
print(squares)
total = sum(t.sum().item() for t in rows)
print(total)
evens = [v for v in torch.arange(10).tolist() if v % 2 == 0]
print(evens)
norms = sorted((torch.norm(r).item(), i) for i, r in enumerate(rows))
print([round(n, 4) for n, _ in norms])
grid = [[(torch.tensor(i) * j).item() for j in range(3)] for i in range(2)]
print(grid, torch.tensor(grid).shape)
flat = [x for row in torch.eye(3).tolist() for x in row]
print(flat)
print(any(r.sum() > 10 for r in rows), all(r.numel() == 4 for r in rows))
