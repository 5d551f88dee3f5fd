# torch.select_scatter, slice_scatter and diagonal_scatter (and their
# method forms): values, dtypes, gradients to both inputs and torch's
# errors for bad arguments. (slice_scatter's arguments are positional and
# complete: torch 1.13 misreads an omitted end or step.)
import torch

a = torch.arange(12.).reshape(3, 4)
print(torch.select_scatter(a, torch.full((4,), -1.), 0, 1))
print(torch.select_scatter(a, torch.tensor([7., 8., 9.]), dim=-1, index=-1))
print(a.select_scatter(torch.zeros(3), 1, 0))
print(torch.select_scatter(a, torch.tensor([1, 2, 3, 4]), 0, 2))  # src cast
print(torch.slice_scatter(a, torch.zeros(3, 2), 1, 0, 4, 2))
print(torch.slice_scatter(a, torch.ones(2, 4), 0, 1, 3, 1))
print(torch.slice_scatter(a, -torch.ones(3, 1), 1, -1, 4, 1))
print(a.slice_scatter(torch.zeros(1, 4), 0, 2, 3, 1))
print(torch.diagonal_scatter(a, torch.tensor([10., 20., 30.])))
print(torch.diagonal_scatter(a, torch.tensor([-1., -2.]), -1))
print(torch.diagonal_scatter(a, torch.tensor([5., 6., 7.]), offset=1))
b = torch.zeros(2, 3, 2)
print(torch.diagonal_scatter(b, torch.ones(3, 2), 0, 0, 2))
print(a.diagonal_scatter(torch.ones(3, dtype=torch.float64)).dtype)
print(a)  # unchanged

x = torch.arange(6., requires_grad=True)
m = x.reshape(2, 3) * 1.0
src = torch.tensor([10., 20., 30.], requires_grad=True)
y = torch.select_scatter(m, src * src, 0, 1)
print(y)
print(y.grad_fn.name())
w = torch.tensor([[1., 2., 3.], [4., 5., 6.]])
(y * w).sum().backward()
print(x.grad, src.grad)

x = torch.arange(6., requires_grad=True)
s = torch.ones(2, 2, requires_grad=True)
y = torch.slice_scatter(x.reshape(2, 3) ** 2, s * 3, 1, 0, 3, 2)
print(y.grad_fn.name())
(y * y).sum().backward()
print(x.grad, s.grad)

d = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
v = torch.tensor([0.5, -0.5], requires_grad=True)
y = torch.diagonal_scatter(d * d, v.exp())
print(y.grad_fn.name())
y.sum().backward()
print(d.grad, v.grad)

for f in [lambda: torch.select_scatter(a, torch.ones(3), 0, 1),
          lambda: torch.select_scatter(a, torch.ones(4), 0, 3),
          lambda: torch.select_scatter(a, torch.ones(4), 2, 0),
          lambda: torch.select_scatter(torch.tensor(1.), torch.tensor(2.), 0, 0),
          lambda: torch.slice_scatter(a, torch.ones(3, 3), 1, 0, 4, 2),
          lambda: torch.slice_scatter(a, torch.ones(3, 1), 1, 0, 4, 0),
          lambda: torch.diagonal_scatter(a, torch.ones(4)),
          lambda: torch.diagonal_scatter(a, torch.ones(3), 0, 1, 1),
          lambda: torch.diagonal_scatter(torch.zeros(3), torch.ones(3))]:
    try:
        f()
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)
print(a.sum())
