import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
g, = torch.autograd.grad(y, x, retain_graph=True)
print(g)
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
f = a ** 2 * b + torch.sin(a * b)
da, db = torch.autograd.grad(f, [a, b])
print(f"{da.item():.4f} {db.item():.4f}")


def f2(x):
    return torch.stack([x[0] ** 2 + x[1], x[0] * x[1]])


j = torch.autograd.functional.jacobian(f2, torch.tensor([1.0, 2.0]))
print(j)
print(torch.autograd.functional.jacobian(lambda a, b: (a * b, a.exp()), (torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))))
w = torch.randn(3, requires_grad=True)
z = w.detach().clone().requires_grad_(True)
print(z.is_leaf, z.requires_grad)
u = x * 2
u.retain_grad()
v = (u * u).mean()
v.backward()
print(u.grad, x.grad)
x.grad = None
(x.exp().sum()).backward()
print(x.grad)
print(torch.autograd.grad((x * x).sum(), x, grad_outputs=torch.tensor(2.0))[0])
