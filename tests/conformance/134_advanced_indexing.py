# Indexing by tensors, lists and masks: PyTorch's placement rules (adjacent or
# not, None, ellipsis), assignment, accumulate, gradients and IndexError messages.
import torch
x = torch.arange(24.).reshape(2, 3, 4)
print(x[0, :, [1, 2]], x[[0, 1], :, [1, 2]], x[:, [0, 1], [1, 2]])
print(x[[[0], [1]], 1:3, [1, 2]].shape, x[None, [0, 1], None, [1, 2]].shape)
print(x[..., [0, 3]], x[x > 20], x[:, torch.tensor([True, False, True])])
print(x[torch.tensor([True, False])].shape, x[torch.tensor([[True, False, True], [False, False, True]])])
print(x[[1, 0]][0, 0], x[(1, 0), 0], x[[0, 1, 1], [2, 0, 1], [3, 3, 0]])
print(x[torch.tensor([[0, 1], [1, 0]])].shape, x[[]].shape, x[1, []])
w = torch.arange(12., requires_grad=True)
y = w.reshape(3, 4)
z = y[[0, 2, 2], [1, 3, 3]]
print(z, z.grad_fn.name())
(z * torch.tensor([1., 2., 3.])).sum().backward()
print(w.grad)
a = torch.zeros(3, 4)
a[[0, 2], [1, 3]] = torch.tensor([5., 6.])
a[a == 0] = -1
a[:, [0]] = 7
a[1, [True, False, True, False]] = 9
print(a)
b = torch.ones(4, requires_grad=True)
c = b * 2
c[[1, 3]] = torch.tensor([10., 20.])
print(c, c.grad_fn.name())
v = torch.tensor([3., 4.], requires_grad=True)
d = b * 1
d[torch.tensor([0, 2])] = v * v
d.sum().backward()
print(b.grad, v.grad)
e = torch.zeros(5)
e.index_put_((torch.tensor([0, 0, 3]),), torch.tensor([1., 2., 3.]), accumulate=True)
print(e)
m = torch.tensor([[1, -2], [-3, 4]])
m[m < 0] = 0
print(m, m[[True, False]])
for bad in ["x[[0, 5]]", "x[torch.tensor([0, 1], dtype=torch.int32)]", "x[[0, 1], [0, 1, 2]]", "x[torch.tensor([True, False, True])]", "x[:, [0, 1], [0, 9]]"]:
    try:
        eval(bad)
    except IndexError as err:
        print(bad, "IndexError", err)
try:
    a[[0, 1]] = torch.ones(3)
except RuntimeError as err:
    print("RuntimeError", err)
