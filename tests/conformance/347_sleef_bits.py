"""Transcendental functions, softmax and the losses bit for bit: torch's
AVX2 kernels compute exp, log, tanh, sin, erf, ... with SLEEF on every
element, log_softmax/softmax add in its lane order (shuffle-tree
horizontal sum), nll_loss in an 8-level cascade, and fuse add(alpha),
addcmul and lerp into one FMA. Every value is printed to the last bit
(a hash of the full list, and a few elements), float32 and float64."""
import torch


def bits(t):
    v = [float(x) for x in t.detach().flatten().tolist()]
    return hash(tuple(v)) % 1000003, v[:2]


torch.manual_seed(0)
names = ["exp", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
         "asin", "acos", "atan", "tanh", "erf", "erfc", "lgamma", "sigmoid"]
for dt in (torch.float32, torch.float64):
    for name in names:
        x = torch.randn(1000, dtype=dt) * 2
        if name in ("log", "log2", "log10", "lgamma"):
            x = x.abs() + 0.01
        if name == "log1p":
            x = x.abs()
        if name in ("asin", "acos"):
            x = torch.rand(1000, dtype=dt) * 1.8 - 0.9
        print(dt, name, bits(getattr(torch, name)(x)),
              bits(getattr(torch, name)(x[:37])))
    print(dt, "sinh/cosh", bits(torch.sinh(x[:9].double())),
          bits(torch.cosh(x[:9].double())))

for dt in (torch.float32, torch.float64):
    for n in (3, 8, 15, 37, 100):
        for rows in (1, 5, 64):
            x = torch.randn(rows, n, dtype=dt, requires_grad=True)
            t = torch.randint(0, n, (rows,))
            w = torch.randn(rows, n, dtype=dt)
            loss = torch.nn.functional.cross_entropy(x, t)
            loss.backward()
            g_ce = x.grad.clone()
            x.grad = None
            sm = torch.softmax(x, 1)
            (sm * w).sum().backward()
            g_sm = x.grad.clone()
            x.grad = None
            lsm = torch.log_softmax(x, 1)
            (lsm * w).sum().backward()
            print(dt, n, rows, loss.item(), bits(g_ce), bits(sm), bits(g_sm),
                  bits(lsm), bits(x.grad))
    x = torch.randn(6, 10, dtype=dt).log_softmax(1)
    t = torch.tensor([1, 2, -100, 4, 5, 9])
    wt = torch.rand(10, dtype=dt)
    print(torch.nn.functional.nll_loss(x, t).item(),
          torch.nn.functional.nll_loss(x, t, weight=wt).item(),
          torch.nn.functional.nll_loss(x, t, reduction="sum").item())

for n in (3, 37, 1000):
    a, b, c = torch.randn(n), torch.randn(n), torch.rand(n) + 0.1
    print(n, bits(a.add(b, alpha=0.1)), bits(a.sub(b, alpha=0.3)),
          bits(a.addcmul(b, c, value=0.001)), bits(a.lerp(b, 0.3)),
          bits(a.lerp(b, 0.7)), bits(a.double().add(b.double(), alpha=-0.01)))

# A model trained with SGD (momentum, weight decay) and Adam: every loss
# printed in full.
torch.manual_seed(1)
X = torch.randn(64, 20)
y = torch.randint(0, 5, (64,))
for opt_name in ("SGD", "Adam", "AdamW"):
    torch.manual_seed(2)
    net = torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.Tanh(),
                              torch.nn.Linear(32, 5))
    if opt_name == "SGD":
        opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9,
                              weight_decay=1e-3)
    else:
        opt = getattr(torch.optim, opt_name)(net.parameters(), lr=0.01)
    for step in range(5):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(X), y)
        loss.backward()
        opt.step()
        print(opt_name, step, loss.item())
    print(opt_name, bits(net[0].weight))

# Batch norm (1-d and 2-d, float32 and float64): outputs, running statistics
# and gradients over three training steps, then eval mode with a backward
# (of a contiguous gradient: torch takes another path for an expanded one).
for dt in (torch.float32, torch.float64):
    for shape, bn in (((16, 12), torch.nn.BatchNorm1d(12)),
                      ((6, 5, 7, 9), torch.nn.BatchNorm2d(5))):
        bn = bn.to(dt)
        for step in range(3):
            x = (torch.randn(*shape, dtype=dt) * (step + 1) + step)
            x.requires_grad_(True)
            y = bn(x)
            y.backward(torch.randn(*shape, dtype=dt))
            print(dt, shape, step, bits(y), bits(x.grad), bits(bn.weight.grad),
                  bits(bn.bias.grad), bits(bn.running_mean),
                  bits(bn.running_var))
            bn.zero_grad()
        bn.eval()
        x = torch.randn(*shape, dtype=dt, requires_grad=True)
        y = bn(x)
        y.backward(torch.randn(*shape, dtype=dt))
        print(dt, shape, "eval", bits(y), bits(x.grad), bits(bn.weight.grad))

# var/std over all elements: torch's double-precision pass over the float
# mean (std_var_all_cpu), and std's gradient from that result.
for dt in (torch.float32, torch.float64):
    for n in (3, 37, 1000, 40000):
        x = torch.randn(n, dtype=dt) * 3 + 1
        print(dt, n, x.var().item(), x.std().item(),
              x.var(unbiased=False).item(), x.std(dim=0).item())
    x = torch.randn(6, 7, dtype=dt, requires_grad=True)
    s = x.std()
    s.backward()
    print(s.item(), bits(x.grad))

# silu (float32, float64) and gelu (float64): torch's vector formula with
# SLEEF's exp/erf in 16-float (8-double) blocks, glibc's in the tail, and
# their backward kernels.
for dt in (torch.float32, torch.float64):
    for n in (5, 37, 1000):
        x = torch.randn(n, dtype=dt, requires_grad=True)
        g = torch.randn(n, dtype=dt)
        y = torch.nn.functional.silu(x)
        y.backward(g)
        line = [bits(y), bits(x.grad)]
        if dt == torch.float64:
            x.grad = None
            y = torch.nn.functional.gelu(x)
            y.backward(g)
            line += [bits(y), bits(x.grad)]
        print(dt, n, line)

# binary_cross_entropy_with_logits: torch's order of additions forward and
# its (sigmoid(x) - t) * grad backward, with weight, pos_weight and every
# reduction.
for dt in (torch.float32, torch.float64):
    for n in (5, 37, 1000):
        x = (torch.randn(n, dtype=dt) * 3).requires_grad_()
        t = torch.rand(n, dtype=dt)
        w = torch.rand(n, dtype=dt)
        pw = torch.rand(n, dtype=dt) + 0.5
        out = []
        for kw in ({}, {"weight": w}, {"pos_weight": pw},
                   {"reduction": "sum"}, {"reduction": "none"}):
            x.grad = None
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                x, t, **kw)
            (loss.sum() if loss.dim() else loss).backward()
            out.append((bits(loss), bits(x.grad)))
        print(dt, n, out)

# elu, selu and celu: torch's exp(x * input_scale) - 1 with SLEEF in the
# vector blocks, and its backward from the input.
for dt in (torch.float32, torch.float64):
    for n in (5, 37, 1000):
        x = (torch.randn(n, dtype=dt) * 2).requires_grad_()
        g = torch.randn(n, dtype=dt)
        out = []
        for fn in (torch.nn.functional.elu,
                   lambda v: torch.nn.functional.elu(v, alpha=0.3),
                   torch.nn.functional.selu,
                   lambda v: torch.nn.functional.celu(v, alpha=2.0)):
            x.grad = None
            y = fn(x)
            y.backward(g)
            out.append((bits(y), bits(x.grad)))
        print(dt, n, out)
