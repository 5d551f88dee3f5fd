# Second derivatives (grad of a grad, create_graph=True) through the
# LAPACK-backed linear algebra on fixed float64 inputs: det (also at a
# singular matrix), slogdet, logdet, solve, cholesky, qr, svd, svdvals, the
# norms, cond, pinv, lstsq and matrix_exp.
import torch

torch.set_printoptions(precision=8)
d = torch.float64

A = torch.tensor([[2.0, -1.0, 0.5], [0.3, 1.5, -0.7], [1.1, 0.4, 3.0]], dtype=d)
Aneg = torch.tensor([[0.5, 2.0, 1.0], [1.5, -0.3, 0.2], [0.7, 1.2, -1.1]], dtype=d)
Asing = torch.tensor([[1.0, 2.0, 3.0], [2.0, 1.0, -1.0], [3.0, 3.0, 2.0]], dtype=d)
B = torch.tensor([[1.0, -2.0], [0.5, 0.25], [-1.5, 2.0]], dtype=d)
W = torch.tensor([[0.3, -1.2, 0.8], [1.1, 0.4, -0.6], [-0.9, 0.7, 0.2]], dtype=d)
T = torch.tensor([[1.0, 0.2, -0.4], [0.5, -1.3, 0.9], [2.0, 0.1, 0.6],
                  [-0.7, 1.4, 0.3]], dtype=d)
WT = torch.tensor([[0.2, -0.5, 1.0], [0.9, 0.3, -0.8], [-1.1, 0.6, 0.4],
                   [0.5, -0.2, 0.7]], dtype=d)


def gradgrad(name, f, *inputs):
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = f(*xs)
    gs = torch.autograd.grad(y, xs, create_graph=True)
    s = sum((g * torch.cos(torch.arange(g.numel(), dtype=d)).reshape(g.shape))
            .sum() for g in gs)
    hs = torch.autograd.grad(s, xs)
    print("==", name)
    print("f", y.detach())
    for i, g in enumerate(gs):
        print("grad", i, g.detach())
    for i, h in enumerate(hs):
        print("gradgrad", i, h)


gradgrad("det", lambda a: torch.det(a), A)
gradgrad("linalg.det batched",
         lambda a: (torch.linalg.det(a) * torch.tensor([1.0, -2.0], dtype=d)).sum(),
         torch.stack([A, Aneg]))
gradgrad("det singular", lambda a: torch.det(a), Asing)
gradgrad("slogdet", lambda a: torch.slogdet(a)[1], Aneg)
gradgrad("logdet", lambda a: torch.logdet(a), A)
gradgrad("linalg.solve", lambda a, b: (torch.linalg.solve(a, b) ** 2).sum(), A, B)
gradgrad("linalg.solve vector",
         lambda a, b: (torch.linalg.solve(a, b) ** 2).sum(), A, B[:, 0])
gradgrad("cholesky",
         lambda x: (torch.linalg.cholesky(x @ x.mT + torch.eye(3, dtype=d)) * W).sum(),
         A)
gradgrad("cholesky upper",
         lambda x: (torch.cholesky(x @ x.mT + torch.eye(3, dtype=d), upper=True) * W).sum(),
         A)
gradgrad("linalg.qr tall",
         lambda a: sum((t * w[:t.shape[0]]).sum()
                       for t, w in zip(torch.linalg.qr(a), (WT, W))), T)
gradgrad("linalg.qr wide",
         lambda a: sum((t * WT.mT[:, :t.shape[1]]).sum()
                       for t in torch.linalg.qr(a)), T.mT)
gradgrad("linalg.svd",
         lambda a: (lambda u, s, vh: ((u * s.flip(0)) @ vh * WT).sum()
                    + (s ** 3).sum())(*torch.linalg.svd(a, full_matrices=False)),
         T)
gradgrad("svd",
         lambda a: (lambda u, s, v: ((u * s.flip(0)) @ v.mT * W).sum())(*torch.svd(a)),
         A)
gradgrad("linalg.svdvals", lambda a: (torch.linalg.svdvals(a) ** 2 * torch.tensor(
    [1.0, 2.0, -1.0], dtype=d)).sum(), T)
gradgrad("matrix_norm nuc", lambda a: torch.linalg.matrix_norm(a, "nuc"), A)
gradgrad("matrix_norm 2", lambda a: torch.linalg.matrix_norm(a, 2), T)
gradgrad("cond", lambda a: torch.linalg.cond(a), A)
gradgrad("pinv", lambda a: (torch.linalg.pinv(a) * WT.mT).sum(), T)
gradgrad("lstsq", lambda a, b: (torch.linalg.lstsq(a, b).solution ** 2).sum(),
         T, WT[:, :2])
gradgrad("matrix_exp", lambda a: (torch.matrix_exp(a) * W).sum(), A * 0.5)
gradgrad("linalg.matrix_exp batched",
         lambda a: (torch.linalg.matrix_exp(a) ** 2).sum(),
         torch.stack([A, Aneg]) * 0.4)
