# masked_scatter(_), put(_) with accumulate, fill_diagonal_ with wrap and
# torch.isin: values, in-place identity, gradients and torch's errors.
import torch

a = torch.zeros(2, 3)
m = torch.tensor([[True, False, True], [False, True, False]])
print(a.masked_scatter(m, torch.arange(1., 7.)))
print(a.masked_scatter(torch.tensor([True, False, True]), torch.arange(1., 7.)))
print(torch.masked_scatter(a, m, torch.arange(10., 70., 10.).reshape(2, 3)))
print(torch.zeros(3).masked_scatter(m, torch.arange(1., 7.)))
b = torch.ones(2, 3)
r = b.masked_scatter_(m, torch.tensor([7., 8., 9.]))
print(r is b, b)

x = torch.zeros(2, 3, requires_grad=True)
s = torch.arange(1., 8., requires_grad=True)
y = (x * 2).masked_scatter(m, s * s)
print(y.grad_fn.name())
(y * torch.arange(6.).reshape(2, 3)).sum().backward()
print(x.grad, s.grad)

t = torch.arange(6.).reshape(2, 3)
print(t.put(torch.tensor([0, -1]), torch.tensor([50., 60.])))
print(torch.put(t, torch.tensor([[1, 1], [4, 1]]), torch.ones(2, 2), accumulate=True))
print(t.put(torch.tensor([2, 2]), torch.tensor([5., 6.])))
c = torch.zeros(5, dtype=torch.long)
print(c.put_(torch.tensor([1, 3, 1]), torch.tensor([2, 3, 4]), accumulate=True), c)

x = torch.zeros(2, 3, requires_grad=True)
s = torch.tensor([1., 2.], requires_grad=True)
for acc in (False, True):
    y = (x + 1).put(torch.tensor([1, 4]), s * 3, accumulate=acc)
    print(y, y.grad_fn.name())
    (y * torch.arange(6.).reshape(2, 3)).sum().backward()
    print(x.grad, s.grad)
    x.grad = None
    s.grad = None

print(torch.zeros(5, 3).fill_diagonal_(2))
print(torch.zeros(7, 3).fill_diagonal_(-1.5, wrap=True))
print(torch.zeros(7, 3).fill_diagonal_(4))
print(torch.zeros(3, 5).fill_diagonal_(1, True))
print(torch.zeros(3, 3, 3).fill_diagonal_(9)[1])
print(torch.zeros(3, 3, dtype=torch.long).fill_diagonal_(2.7))
print(torch.zeros(2, 2, dtype=torch.bool).fill_diagonal_(True))
e = torch.ones(3, 3)
print(e.fill_diagonal_(torch.tensor(5.)) is e)
x = torch.ones(3, 3, requires_grad=True)
y = x * 2
y.fill_diagonal_(0)
print(y)
y.sum().backward()
print(x.grad)

print(torch.isin(torch.tensor([[1, 2], [3, 4]]), torch.tensor([2, 3])))
print(torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2]), invert=True))
print(torch.isin(torch.tensor([1., 2.5, 3, float('nan')]), torch.tensor([2, 3])))
print(torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2., 3.5])))
print(torch.isin(2, torch.tensor([2, 3])), torch.isin(torch.tensor([2, 3]), 3))
print(torch.isin(torch.tensor([-0.0, 1.0]), torch.tensor([0.0])))
print(torch.isin(torch.tensor([1, 2, 2]), torch.tensor([2]), assume_unique=True))
print(torch.isin(elements=torch.tensor([4, 5]), test_elements=torch.tensor([], dtype=torch.long)))
words = torch.tensor([3, 17, 5, 3, 99, 42])
vocab = torch.tensor([3, 5, 42])
print(words[torch.isin(words, vocab)])

for f in [lambda: a.masked_scatter(m, torch.arange(1., 3.)),
          lambda: a.masked_scatter(m, torch.arange(1, 7)),
          lambda: a.masked_scatter(torch.tensor([True, False]), torch.arange(1., 7.)),
          lambda: torch.zeros(3).masked_scatter_(m, torch.arange(1., 7.)),
          lambda: a.put(torch.tensor([0, 6]), torch.tensor([5., 6.])),
          lambda: a.put(torch.tensor([0, -7]), torch.tensor([5., 6.])),
          lambda: a.put(torch.tensor([0, 1]), torch.tensor([5., 6., 7.])),
          lambda: a.put(torch.tensor([0, 1], dtype=torch.int32), torch.tensor([5., 6.])),
          lambda: a.put(torch.tensor([0, 1]), torch.tensor([5, 6])),
          lambda: torch.zeros(0).put_(torch.tensor([0]), torch.tensor([1.])),
          lambda: torch.zeros(3).expand(2, 3).put_(torch.tensor([4]), torch.tensor([1.])),
          lambda: torch.zeros(3).expand(2, 3).masked_scatter_(m, torch.arange(6.)),
          lambda: torch.zeros(2, 3, 2).fill_diagonal_(2),
          lambda: torch.zeros(3).fill_diagonal_(2),
          lambda: torch.ones(3, 3, requires_grad=True).fill_diagonal_(0),
          lambda: torch.isin(torch.tensor([True]), torch.tensor([True])),
          lambda: torch.isin(2, 3)]:
    try:
        f()
    except (RuntimeError, IndexError, TypeError) as e:
        print(type(e).__name__, str(e).splitlines()[0])
print(a)
