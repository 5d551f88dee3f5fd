"""Third derivatives (grad of a grad of a grad, create_graph=True twice)
through the ops whose backward is linear in the incoming gradient: pooling,
interpolation, padding (all modes), advanced indexing, gather, unfold/fold,
embedding and nll_loss, on fixed float64 inputs.
"""
import torch
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_printoptions(precision=6)
x = torch.rand(1, 1, 4, 4, dtype=torch.float64, requires_grad=True)
w = torch.rand(5, 3, dtype=torch.float64, requires_grad=True)
cases = [
    ("max_pool2d", x, lambda t: F.max_pool2d(t, 2)),
    ("avg_pool2d", x, lambda t: F.avg_pool2d(t, 2, stride=1)),
    ("adaptive_avg_pool2d", x, lambda t: F.adaptive_avg_pool2d(t, 3)),
    ("adaptive_max_pool2d", x, lambda t: F.adaptive_max_pool2d(t, 2)),
    ("interpolate bilinear", x,
     lambda t: F.interpolate(t, scale_factor=2, mode="bilinear")),
    ("interpolate nearest", x, lambda t: F.interpolate(t, size=(5, 6))),
    ("pad reflect", x, lambda t: F.pad(t, (1, 2, 1, 0), mode="reflect")),
    ("pad replicate", x, lambda t: F.pad(t, (1, 1, 2, 1), mode="replicate")),
    ("pad circular", x, lambda t: F.pad(t, (1, 1, 1, 1), mode="circular")),
    ("pad constant", x, lambda t: F.pad(t, (1, 1, 1, 1), value=0.5)),
    ("index list", x, lambda t: t[:, :, [0, 2, 2]]),
    ("index mask", x, lambda t: t[t > 0.5]),
    ("gather", x, lambda t: t.flatten().gather(0, torch.tensor([3, 1, 1]))),
    ("unfold", x, lambda t: F.unfold(t, 2)),
    ("fold", x, lambda t: F.fold(t.view(1, 4, 4), (3, 3), 2)),
    ("embedding", w, lambda t: F.embedding(torch.tensor([[0, 2], [4, 2]]), t)),
    ("nll_loss", x, lambda t: F.nll_loss(t.view(2, 8), torch.tensor([1, 3]))),
]
for name, inp, f in cases:
    y = f(inp).pow(4).sum()
    g1, = torch.autograd.grad(y, inp, create_graph=True)
    g2, = torch.autograd.grad(g1.pow(3).sum(), inp, create_graph=True)
    g3, = torch.autograd.grad(g2.pow(2).sum(), inp)
    print(name, g3.flatten()[:6])
