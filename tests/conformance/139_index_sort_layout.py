# torch-API scripts: gather/scatter/index_*/masked_*/take/nonzero/where(cond),
# sort/argsort/topk/kthvalue, split/chunk/unbind, flip/roll/rot90, repeat/tile,
# repeat_interleave, tril/triu, *stack, new_*, their gradients and PyTorch's errors.
import torch
x = torch.arange(6.).view(2, 3)
print(x.index_select(1, torch.tensor([2, 0])), torch.index_select(x, 0, torch.tensor(1)))
print(x.gather(1, torch.tensor([[0, 0], [2, 1]])), torch.gather(x, 0, torch.tensor([[1, 0, 1]])))
print(torch.zeros(3, 4).scatter(1, torch.tensor([[2], [0]]), torch.ones(2, 1)))
print(torch.zeros(3, 4).scatter(0, torch.tensor([[2, 1]]), 7.))
print(torch.zeros(2, 3).scatter_add(0, torch.tensor([[1, 1, 0], [1, 0, 0]]), torch.ones(2, 3)))
y = torch.zeros(2, 3); y.scatter_(1, torch.tensor([[1], [2]]), 5.); print(y)
print(x.masked_fill(x > 2, -1.), x.masked_fill(torch.tensor([True, False, True]), 9))
print(x.masked_select(x > 1), torch.masked_select(x, torch.tensor([False, True, True])))
print(x.take(torch.tensor([[0, 5], [-1, 2]])), torch.take_along_dim(x, torch.tensor([[2], [1]]), 1))
print(torch.nonzero(x > 2), torch.nonzero(torch.tensor([0, 3, 0, 4]), as_tuple=True), torch.where(x > 3))
v = torch.tensor([3., 1., float('nan'), 2., 1.])
print(v.sort(), v.sort(descending=True), torch.argsort(v), v.topk(2), v.kthvalue(3))
print(torch.sort(x, 0, descending=True).values, x.msort(), x.topk(2, dim=1, largest=False))
print(x.split(2, 1), torch.split(x, [1, 2], dim=1), x.chunk(2), x.unbind(1))
print(x.narrow(1, 1, 2), x.movedim(0, 1), torch.moveaxis(x, 1, 0).shape, x.swapaxes(0, 1).shape)
print(x.flip(0), x.flip(0, 1), x.fliplr(), x.flipud(), x.roll(1, 1), x.roll(1), torch.roll(x, (1, 1), (0, 1)), x.rot90(), x.rot90(2), x.rot90(-1))
print(x.repeat(2, 1), x.repeat(1, 1, 2).shape, torch.tensor([1, 2]).tile((2, 2)), x.repeat_interleave(2), x.repeat_interleave(torch.tensor([1, 2]), dim=0), torch.repeat_interleave(torch.tensor([1, 2]), 3))
m = torch.arange(1., 10.).view(3, 3)
print(m.tril(), m.triu(1), torch.tril(m, -1), m.clone().triu_())
print(torch.hstack([torch.ones(2), torch.zeros(3)]), torch.vstack([torch.ones(2), torch.zeros(2)]), torch.dstack([torch.ones(2), torch.zeros(2)]).shape, torch.column_stack([torch.ones(2), torch.zeros(2)]))
print(torch.atleast_2d(torch.tensor(1.)), torch.atleast_3d(torch.ones(2)).shape, torch.broadcast_tensors(torch.ones(2, 1), torch.zeros(3)), torch.ones(3).broadcast_to(2, 3))
print(torch.arange(6).unflatten(0, (2, 3)), x.new_zeros(2), x.new_ones((1, 2)), torch.tensor([1, 2]).new_full((2,), 7), x.new_zeros(2, 3, dtype=torch.int64))
z = torch.zeros(5)
print(z.index_add(0, torch.tensor([1, 1, 3]), torch.ones(3)), z.clone().index_fill_(0, torch.tensor([0, 4]), 2.), z.index_copy(0, torch.tensor([2, 0]), torch.tensor([5., 6.])), z.index_add(0, torch.tensor([0]), torch.ones(1), alpha=3))
w = torch.arange(6., requires_grad=True)
a = w.view(2, 3)
out = a.gather(1, torch.tensor([[2, 2], [0, 1]])).sum() + a.sort(1, descending=True).values[:, 0].sum() + a.index_select(0, torch.tensor([1, 1])).sum() * 2
out = out + a.masked_fill(a > 3, 0.).sum() + a.flip(1)[0, 0] * 3 + a.roll(1, 1)[0, 0] * 5 + a.repeat(2, 2).sum() + a.tril().sum() + a.split(1, 1)[2].sum() * 7 + a.unbind()[1][0] * 11
out = out + a.topk(1).values.sum() + a.take(torch.tensor([0])).sum() + a.masked_select(a < 2).sum() + a.kthvalue(2, 1).values.sum() * 13 + a.repeat_interleave(2).sum()
out.backward()
print(w.grad)
s = torch.arange(4., requires_grad=True)
print(s.split(2)[0], s.view(2, 2).unbind()[0], s.chunk(2)[1], s.flip(0), s.sort().values, s.topk(1), s.gather(0, torch.tensor([1])), s.scatter(0, torch.tensor([1]), 5.), s.index_select(0, torch.tensor([1])))
src = torch.ones(2, 2, requires_grad=True)
r = torch.zeros(2, 3).scatter(1, torch.tensor([[0, 1], [2, 2]]), src)
(r * torch.arange(6.).view(2, 3)).sum().backward()
print(r, src.grad)
for f in [lambda: x.index_select(1, torch.tensor([5])), lambda: x.gather(1, torch.tensor([[0], [5]])), lambda: x.gather(1, torch.tensor([0])),
          lambda: x.take(torch.tensor([10])), lambda: x.split(0, 1), lambda: x.chunk(0), lambda: torch.split(x, [1, 1], 1), lambda: x.masked_fill(x > 1, torch.tensor([1., 2.])),
          lambda: x.scatter(1, torch.tensor([[0]]), torch.ones(1, 1, dtype=torch.float64)), lambda: x.topk(4), lambda: x.kthvalue(0), lambda: x.narrow(1, 2, 2), lambda: x.repeat(2), lambda: x.flip(0, 0),
          lambda: x.index_select(1, torch.tensor([1.])), lambda: x.masked_select(torch.tensor([1, 0, 1])), lambda: torch.ones(2).tril()]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
w = torch.arange(6., requires_grad=True)
a = w * 1
try:
    a.split(2)[1].mul_(3)
except RuntimeError as e:
    print(e)
with torch.no_grad():
    p = a.split(2)[1]
    p.mul_(3)
print(a)
print(torch.sort(torch.tensor([2., 1.]), stable=True), torch.tensor([[1, 2], [3, 4]]).type_as(torch.ones(1)))
