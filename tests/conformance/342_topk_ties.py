"""topk picks among equal values what torch 1.13 picks (its partial_sort
or nth_element + sort on (value, index) pairs), NaN largest, along any
dim, largest or smallest.
"""
import torch
print(torch.tensor([5., 5., 5., 1.]).topk(2))
torch.manual_seed(0)
for n in (4, 7, 20, 64, 130, 300, 1000):
    for k in (1, 2, 3, 5):
        if k > n:
            continue
        x = torch.randint(0, 4, (3, n)).float()
        a = x.topk(k)
        b = x.topk(k, largest=False)
        c = x.t().topk(k, dim=0)
        print(n, k, a.indices.tolist(), b.indices.tolist(), c.indices.tolist())
y = torch.tensor([1., float('nan'), 3., float('nan'), 2.])
print(y.topk(3), y.topk(2, largest=False))
print(torch.tensor([3, 1, 3, 2, 3]).topk(2))
print(torch.tensor(5.).topk(1))
print(torch.randn(4, 6).topk(3, dim=1))
