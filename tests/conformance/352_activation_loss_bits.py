"""softplus, mish, logsigmoid, binary_cross_entropy and adaptive average
pooling bit for bit: torch's vector formulas with SLEEF in its 16-element
blocks and glibc in the tail (logsigmoid: SLEEF for every element),
binary_cross_entropy's input gradient grad * (x - t) / max((1 - x) * x,
1e-12), and adaptive average pooling's sum / kh / kw. Every value is
printed to the last bit (a hash of the full list, and a few elements)."""
import torch
import torch.nn.functional as F


def bits(t):
    v = [float(x) for x in t.detach().flatten().tolist()]
    return hash(tuple(v)) % 1000003, v[:2]


torch.manual_seed(0)
for dt in (torch.float32, torch.float64):
    for n in (3, 16, 37, 594):
        x = (torch.randn(n, dtype=dt) * 4).requires_grad_()
        g = torch.randn(n, dtype=dt)
        out = []
        for fn in (F.softplus, lambda v: F.softplus(v, beta=2.0, threshold=3.0),
                   F.mish, F.logsigmoid):
            y = fn(x)
            y.backward(g)
            out.append((bits(y), bits(x.grad)))
            x.grad = None
        print(dt, n, out)

for dt in (torch.float32, torch.float64):
    x = torch.rand(8, 5, dtype=dt).clamp(0.01, 0.99).requires_grad_()
    t = torch.rand(8, 5, dtype=dt)
    w = torch.rand(5, dtype=dt)
    for kw in ({}, {"reduction": "sum"}, {"reduction": "none"},
               {"weight": w}):
        loss = F.binary_cross_entropy(x, t, **kw)
        (loss.sum() if loss.dim() else loss).backward()
        print(dt, sorted(kw), bits(loss), bits(x.grad))
        x.grad = None
    # a sigmoid classifier's usual form
    logits = torch.randn(8, 5, dtype=dt, requires_grad=True)
    loss = torch.nn.BCELoss()(torch.sigmoid(logits), t)
    loss.backward()
    print(dt, "BCELoss(sigmoid)", loss.item(), bits(logits.grad))

x = torch.randn(2, 3, 11, 9, requires_grad=True)
for size in ((4, 3), (5, 5), (2, 7), (1, 1)):
    y = F.adaptive_avg_pool2d(x, size)
    y.backward(torch.ones_like(y) + y.detach())
    print(size, bits(y), bits(x.grad))
    x.grad = None
