"""float32 and float64 sums and means in PyTorch's order of additions: full and
per-dim reductions of 1-d to 4-d tensors (contiguous, transposed, 16 to
300000 elements), each result printed exactly (a digest of its repr per
case, and the long rows in full).
"""
import torch
torch.manual_seed(0)
res = []
for shape in [(10,), (37,), (100,), (256,), (1000,), (4099,), (10000,), (30000,), (70000,),
              (8, 3), (3, 8), (33, 70), (70, 33), (5, 6, 7), (4, 40, 9), (2, 3, 4, 5), (128, 10), (256, 784)]:
    x = (torch.rand(*shape) - 0.3) * 3
    for dims in [None] + [d for d in range(len(shape))] + ([(0, len(shape) - 1)] if len(shape) > 2 else []):
        r = x.sum() if dims is None else x.sum(dims)
        res.append(r.flatten().tolist()[:50])
        rm = x.mean() if dims is None else x.mean(dims)
        res.append(rm.flatten().tolist()[:50])
    xt = x.t() if x.dim() == 2 else x.transpose(0, -1)
    res.append(xt.sum().tolist())
    res.append(xt.sum(0).flatten().tolist()[:50])
    d = x.double()
    res.append(d.sum().tolist())
    res.append(d.sum(-1).flatten().tolist()[:50])
for n in (131072, 131080, 300000):
    print(n, torch.rand(n).sum().item())
print(torch.full((10000,), 0.1).sum().item())
import hashlib
for i, r in enumerate(res):
    print(i, hashlib.md5(repr(r).encode()).hexdigest()[:8])
