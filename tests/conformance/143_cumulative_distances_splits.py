# torch-API scripts: logcumsumexp, cdist (direct and PyTorch's matrix-product form),
# tensor_split, diag_embed, their gradients and errors.
import torch
x = torch.tensor([[1., 5, 2, 8], [3, 3, 9, 0]], requires_grad=True)
print(torch.logcumsumexp(x, 1), torch.cdist(x, x), torch.cdist(x, x, p=1), torch.tensor_split(torch.arange(7), 3), torch.tensor_split(torch.arange(7), [1, 5]), torch.arange(8).view(2, 4).tensor_split(3, dim=1))
print(torch.diag_embed(torch.tensor([[1., 2], [3, 4]], requires_grad=True)), torch.diag_embed(torch.tensor([1., 2]), offset=1), torch.diag_embed(torch.tensor([[1., 2]]), dim1=0, dim2=2).shape)
(torch.logcumsumexp(x, 1) * torch.arange(4.)).sum().backward()
print(x.grad)
y = torch.arange(6., requires_grad=True).view(3, 2)
z = torch.arange(4.).view(2, 2)
(torch.cdist(y, z) ** 2).sum().backward()
print(torch.cdist(y, z))
torch.manual_seed(0)
a = torch.randn(30, 3)
b = torch.randn(40, 3)
d = torch.cdist(a, b)
print(d[:2, :4], d.shape)
print(torch.logcumsumexp(torch.tensor([float('-inf'), float('-inf'), 0.]), 0), torch.logcumsumexp(torch.tensor([1e4, 1e4], dtype=torch.float64), 0))
for f in [lambda: torch.tensor_split(torch.tensor(1.), 2), lambda: torch.tensor_split(torch.arange(3), 0), lambda: torch.cdist(torch.ones(2), torch.ones(2, 2)), lambda: torch.logcumsumexp(torch.tensor([1, 2]), 0)]:
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)
