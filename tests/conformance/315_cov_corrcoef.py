# torch.cov (correction, fweights, aweights) and torch.corrcoef as data
# analysis code uses them: values, dtypes, gradients and torch's errors.
import torch

x = torch.tensor([[0., 1., 2., 4.], [2., 1., 0.5, -1.], [1., 1., 2., 2.]])
print(torch.cov(x))
print(torch.cov(x, correction=0))
print(x.cov(correction=2))
print(torch.cov(torch.tensor([1., 2., 4., 7.])))
print(torch.cov(torch.tensor([[1, 2, 4], [0, 1, 1]])))
fw = torch.tensor([1, 2, 1, 3])
aw = torch.tensor([0.5, 1., 2., 1.5])
print(torch.cov(x, fweights=fw))
print(torch.cov(x, aweights=aw))
print(torch.cov(x, fweights=fw, aweights=aw, correction=2))
print(torch.cov(x, fweights=None, aweights=aw.double()).dtype)
print(torch.corrcoef(x))
print(x.corrcoef())
print(torch.corrcoef(torch.tensor([1., 2., 4.])))
print(torch.corrcoef(torch.tensor([[1., 1., 1.], [1., 2., 3.]])))
print(torch.corrcoef(torch.tensor([[1, 2, 4], [0, 1, 1]])))
print(torch.cov(x.double()).dtype, torch.corrcoef(x.double()).dtype)

# Correlated features, as a quick data check would look at them.
g = torch.Generator().manual_seed(0)
base = torch.rand(50, generator=g, dtype=torch.float64)
feats = torch.stack([base, 2 * base + 0.1 * torch.rand(50, generator=g, dtype=torch.float64),
                     torch.rand(50, generator=g, dtype=torch.float64)])
c = torch.corrcoef(feats)
print(c.shape, (c.diagonal() - 1).abs().max() < 1e-12, c[0, 1] > 0.9)
print(torch.allclose(torch.cov(feats), torch.cov(feats.T.contiguous().T)))

xg = x.clone().requires_grad_()
c = torch.cov(xg, aweights=aw)
print(c.grad_fn.name())
c.sum().backward()
print(xg.grad)
xg = x.clone().requires_grad_()
r = torch.corrcoef(xg)
print(r.grad_fn.name())
(r * torch.arange(9.).reshape(3, 3)).sum().backward()
print(xg.grad)
awg = aw.clone().requires_grad_()
torch.cov(x, aweights=awg).trace().backward()
print(awg.grad)

for f in [lambda: torch.cov(torch.zeros(2, 2, 2)),
          lambda: torch.cov(torch.zeros(2, 2, dtype=torch.bool)),
          lambda: torch.cov(x, fweights=torch.tensor([1., 2., 1., 1.])),
          lambda: torch.cov(x, fweights=torch.tensor([[1, 2, 1, 1]])),
          lambda: torch.cov(x, fweights=torch.tensor([1, 2])),
          lambda: torch.cov(x, fweights=torch.tensor([1, -2, 1, 1])),
          lambda: torch.cov(x, aweights=torch.tensor([1, 2, 1, 1])),
          lambda: torch.cov(x, aweights=torch.tensor([1., 2.])),
          lambda: torch.cov(x, aweights=torch.tensor([1., -2., 1., 1.])),
          lambda: torch.cov(x, fweights=torch.tensor([0, 0, 0, 0])),
          lambda: torch.corrcoef(torch.zeros(2, 2, 2))]:
    try:
        f()
    except RuntimeError as e:
        print(type(e).__name__, e)
