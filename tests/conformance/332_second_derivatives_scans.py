"""Second derivatives (grad of a grad, create_graph=True) through prod,
cumprod, cummax/cummin, logcumsumexp, digamma and polygamma, the in-place
smooth activations (elu_, silu_, mish_, hardswish_, celu_, selu_) and a
circular pad; then polygamma's values, spellings and error.
"""
import torch
import torch.nn.functional as F
torch.manual_seed(0)
def gg(name, f, x):
    x = x.clone().requires_grad_(True)
    y = f(x)
    g, = torch.autograd.grad(y.sum() if y.dim() else y, x, create_graph=True)
    h, = torch.autograd.grad((g * g).sum(), x)
    print(name, g.detach(), h, sep="\n")
x = torch.rand(2, 4, dtype=torch.float64) + 0.5
gg("prod", lambda t: t.prod(), x)
gg("prod dim", lambda t: t.prod(1, keepdim=True), x)
z = x.clone(); z[0, 1] = 0
gg("prod zero", lambda t: t.prod(1), z)
gg("cumprod", lambda t: t.cumprod(1), x)
gg("cumprod zero", lambda t: t.cumprod(1), z)
gg("cummax", lambda t: t.cummax(1).values ** 2, x)
gg("cummin", lambda t: torch.cummin(t, 0)[0] ** 3, x)
gg("logcumsumexp", lambda t: torch.logcumsumexp(t, 1) ** 2, x)
gg("digamma", lambda t: torch.digamma(t), x)
gg("polygamma", lambda t: torch.polygamma(2, t), x)
gg("elu_", lambda t: F.elu(t * 1 - 1, inplace=True) ** 2, x)
gg("silu_", lambda t: F.silu(t * 1, inplace=True) ** 2, x)
gg("mish_", lambda t: F.mish(t * 2 - 1.5, inplace=True) ** 2, x)
gg("hardswish_", lambda t: F.hardswish(t * 2 - 1.5, inplace=True) ** 2, x)
gg("celu_", lambda t: torch.celu_(t * 2 - 1.5) ** 2, x)
gg("selu_", lambda t: torch.selu_(t * 2 - 1.5) ** 2, x)
p = torch.rand(1, 2, 3, 3, dtype=torch.float64)
gg("circular", lambda t: F.pad(t, (1, 1, 2, 0), mode="circular") ** 2, p)
print(torch.polygamma(1, torch.tensor([0.5, 1.0, -1.5, 3.0])))
print(torch.polygamma(3, torch.tensor([0.5, 1.0, -1.5, 3.0], dtype=torch.float64)))
print(torch.special.polygamma(2, torch.tensor([0.25, 2.0])))
print(torch.tensor([0.7, 1.5]).polygamma(4))
t = torch.tensor([0.7, 1.5]); t.polygamma_(1); print(t)
try:
    torch.polygamma(-1, t)
except RuntimeError as e:
    print("RuntimeError", e)
