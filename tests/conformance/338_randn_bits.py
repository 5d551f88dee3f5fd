"""float32 normal draws bit for bit: torch.randn, normal_(mean, std),
torch.normal(mean, std, size) and nn.init.normal_ for 5 to 4099 elements
(torch's AVX2 Box-Muller on blocks of 16, ragged tail redone), float64
alongside, a printed randn(1000) and a Generator.
"""
import torch
for s in range(6):
    for n in (5, 16, 17, 31, 100, 1000, 4099):
        torch.manual_seed(s)
        a = torch.randn(n)
        b = torch.empty(n).normal_(0.3, 2.5)
        c = torch.normal(-1.7, 0.1, (n,))
        d = torch.randn(n, dtype=torch.float64)
        print(s, n, a.sum().item(), a[:3].tolist(), b[-3:].tolist(), c[n // 2].item(), d[-1].item())
torch.manual_seed(0)
print(torch.randn(1000))
g = torch.Generator().manual_seed(3)
print(torch.randn(3, 5, 7, generator=g)[1])
lin = torch.nn.Linear(64, 32)
torch.nn.init.normal_(lin.weight, std=0.02)
print(lin.weight.sum().item(), lin.weight[0, :4].tolist())
