# D2L's probability section and the torch-API scripts: torch.distributions (Multinomial,
# Normal, Categorical, Bernoulli, Uniform) after manual_seed, bernoulli, multinomial,
# lgamma/digamma, logspace, tril/triu_indices, searchsorted, bucketize, unique, meshgrid,
# cartesian_prod, block_diag, clamp_min/max, finfo/iinfo/result_type, mT/H, argwhere.
import torch
from torch.distributions import multinomial
torch.manual_seed(0)
fair_probs = torch.ones([6]) / 6
print(multinomial.Multinomial(1, fair_probs).sample())
print(multinomial.Multinomial(10, fair_probs).sample())
counts = multinomial.Multinomial(1000, fair_probs).sample()
print(counts / 1000)
counts = multinomial.Multinomial(10, fair_probs).sample((500,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
print(estimates[-3:])
print(torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True), torch.multinomial(torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.]]), 2))
print(torch.bernoulli(torch.full((8,), 0.3)), torch.empty(6).bernoulli_(0.5), torch.zeros(4).bernoulli_(torch.tensor([0., 1., 0.5, 0.5])), torch.bernoulli(torch.tensor([0.5, 0.5]), p=0.9))
n = torch.distributions.Normal(torch.tensor([0.0, 1.0]), torch.tensor([1.0, 2.0]))
print(n.sample(), n.sample((2,)), n.log_prob(torch.tensor([0.5, 0.5])), n.mean, n.stddev, n.entropy())
print(torch.distributions.Normal(0, 1).sample((3,)), torch.distributions.Normal(0., 1.).log_prob(torch.tensor(1.)))
c = torch.distributions.Categorical(torch.tensor([0.2, 0.3, 0.5]))
print(c.sample(), c.sample((4,)), c.log_prob(torch.tensor([0, 2])), c.entropy(), c.probs)
b = torch.distributions.Bernoulli(torch.tensor([0.3, 0.9]))
print(b.sample(), b.sample((3,)), b.log_prob(torch.tensor([1., 0.])), b.entropy())
u = torch.distributions.Uniform(torch.tensor([0.0]), torch.tensor([2.0]))
print(u.sample((3,)), u.log_prob(torch.tensor([1.0])), u.mean)
m = multinomial.Multinomial(4, torch.tensor([0.25, 0.25, 0.5]))
print(m.log_prob(torch.tensor([1., 1., 2.])), m.mean)
print(torch.lgamma(torch.tensor([0.5, 1., 4.5, -1.5])), torch.digamma(torch.tensor([0.5, 1., 4.5, -1.5, 12.])))
x = torch.tensor([0.7, 3.2], requires_grad=True)
(torch.lgamma(x).sum() + torch.digamma(x).sum()).backward()
print(x.grad)
print(torch.logspace(0, 2, 3), torch.logspace(-1, 1, 5, base=2), torch.logspace(0, 3, 4, dtype=torch.int64), torch.tril_indices(3, 3), torch.triu_indices(3, 4, 1), torch.tril_indices(4, 3, -1))
ss = torch.tensor([1., 2., 3., 5.])
print(torch.searchsorted(ss, torch.tensor([2.5, 3., 9.])), torch.searchsorted(ss, torch.tensor([3.]), right=True), torch.searchsorted(ss, torch.tensor([3.]), side='right'), torch.bucketize(torch.tensor([[2.5, 0.]]), ss), torch.searchsorted(torch.tensor([[1, 3], [2, 4]]), torch.tensor([[2], [5]])))
print(torch.unique(torch.tensor([3, 1, 3, 2, 1])), torch.unique(torch.tensor([3., 1., 3.]), return_inverse=True, return_counts=True), torch.tensor([[1, 2], [2, 1]]).unique(return_counts=True), torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 1])))
gx, gy = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing='ij')
print(gx, gy, torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing='xy')[0], torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4])))
print(torch.block_diag(torch.ones(2, 2), torch.tensor([[5.]]), torch.tensor([1., 2.])), torch.clamp_min(torch.tensor([-1., 2.]), 0), torch.tensor([-1., 2.]).clamp_max(1.), torch.tensor([-1., 2.]).clamp_min_(0))
print(torch.finfo(torch.float32), torch.finfo(torch.float64).eps, torch.iinfo(torch.int64).max, torch.result_type(torch.tensor([1]), 1.0), torch.promote_types(torch.int32, torch.float32), torch.can_cast(torch.float32, torch.int32))
y = torch.arange(6.).view(2, 3)
print(y.mT, y.H, y.real, y.new_tensor([1, 2]), y.argwhere(), torch.argwhere(y > 3))
for f in [lambda: torch.multinomial(torch.tensor([0.5, -0.1]), 1), lambda: torch.multinomial(torch.tensor([0.5, 0.5]), 3), lambda: torch.bernoulli(torch.tensor([1.5])), lambda: y.imag, lambda: torch.iinfo(torch.float32), lambda: torch.searchsorted(torch.tensor([[1, 2]]), torch.tensor([1, 2, 3]))]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
