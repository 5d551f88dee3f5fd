# D2L and torch-API basics: equal/allclose/isclose, randint/randperm/normal/uniform_
# after manual_seed (torch's draws), stride/is_contiguous/storage_offset, diag,
# diagonal, inner, full_like/empty/rand_like, normal(..., requires_grad=True).
import torch
a = torch.ones(3, requires_grad=True)
b = torch.ones(2, 3, requires_grad=True)
print(torch.equal(torch.tensor([1, 2]), torch.tensor([1., 2.])), torch.equal(torch.ones(2), torch.ones(3)))
print(torch.allclose(torch.ones(2), torch.ones(2) + 1e-9), torch.isclose(torch.tensor([1., float('nan')]), torch.tensor([1., float('nan')]), equal_nan=True))
try:
    torch.allclose(torch.ones(2), torch.ones(2, dtype=torch.float64))
except RuntimeError as e:
    print(e)
torch.manual_seed(0)
print(torch.randint(0, 10, (8,)), torch.randperm(10), torch.randint(-5, 2**40, (3,)), torch.randint(5, (2, 2)))
torch.manual_seed(0)
print(torch.normal(0, 0.01, size=(2, 3)), torch.normal(2., 3., (2,)))
torch.manual_seed(0)
print(torch.empty(3).uniform_(-1, 1), torch.empty(2, dtype=torch.float64).uniform_(-1, 1), torch.zeros(3).normal_(1, 2))
print(torch.ones(2, 3).stride(), torch.ones(2, 3).t().stride(), torch.ones(2, 3).t().is_contiguous(), torch.ones(4)[1:].storage_offset(), torch.ones(2, 3).stride(1))
m = torch.arange(9.).reshape(3, 3)
print(torch.diag(m), torch.diag(m, 1), torch.diag(torch.tensor([1., 2.])), torch.diag(torch.tensor([1, 2]), -1), m.diagonal(), torch.diagonal(m, -1))
print(torch.inner(torch.tensor([1., 2.]), torch.tensor([3., 4.])), torch.inner(m, m), torch.full_like(m, 7), torch.empty(2, 3).shape, torch.empty_like(m).shape)
torch.manual_seed(3)
print(torch.rand_like(m), torch.randn_like(m).shape)
d = torch.diag(a * 2)
d.sum().backward()
print(d.grad_fn.name(), a.grad)
w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
print(w.requires_grad, w.shape)
X = torch.normal(torch.zeros(3), 1.0)
print(X.shape, torch.normal(torch.zeros(2), torch.ones(2)).shape)
