# In-place view ops on tensors that own their data: t_, transpose_,
# swapdims_/swapaxes_, unsqueeze_, squeeze_ (all, dim): shapes, strides,
# shared storage, autograd through them (grad_fn names, version counter)
# and torch's errors.
import torch

a = torch.arange(6.).reshape(2, 3)
b = a
print(a.t_() is b, a.shape, a.stride(), a.is_contiguous())
print(a)
a[0, 1] = 100.
print(b)
c = torch.zeros(1, 2, 1, 3)
print(c.squeeze_().shape, c.unsqueeze_(-1).shape, c.squeeze_(2).shape)
print(c.unsqueeze_(0).shape, c.squeeze_(0).shape, c.swapaxes_(0, 1).shape)
print(c.swapdims_(0, 1).shape, c.transpose_(-1, -2).shape, c.stride())
v = torch.arange(4.)
print(v.t_().shape, torch.tensor(3.).t_().shape)
print(v.unsqueeze_(1).shape, v.sum(), v.mul_(2).t_())

m = torch.arange(12.).reshape(3, 4)
row = m[1]
m.t_()
m[1, 1] = -1.
print(row, m.contiguous().view(-1))

x = torch.ones(2, 3, requires_grad=True)
w = torch.arange(6.)
for name, f in [("t_", lambda y: y.t_()), ("transpose_", lambda y: y.transpose_(0, 1)),
                ("unsqueeze_", lambda y: y.unsqueeze_(1)),
                ("squeeze_", lambda y: y.unsqueeze_(0).squeeze_()),
                ("squeeze_ dim", lambda y: y.unsqueeze_(0).squeeze_(0)),
                ("swapdims_", lambda y: y.swapdims_(0, 1)),
                ("swapaxes_", lambda y: y.swapaxes_(1, 0))]:
    y = x * 2
    r = f(y)
    print(name, r is y, y.grad_fn.name(), y.shape, y.stride())
    (y * w.reshape(y.shape)).sum().backward()
    print(x.grad)
    x.grad = None

z = torch.ones(2, 3, requires_grad=True)
s = (z * 1).sigmoid()
s.t_()
try:
    s.sum().backward()
except RuntimeError as e:
    print(str(e).split(":")[0])
q = torch.zeros(3, requires_grad=True)
with torch.no_grad():
    q.unsqueeze_(0)
print(q.shape, q.requires_grad, q.is_leaf)
h = torch.arange(6., requires_grad=True)
k = h.reshape(2, 3) * 1
k.t_()
g, = torch.autograd.grad((k ** 2).sum(), h)
print(g, k.shape)

for f in [lambda: torch.ones(2, 3, requires_grad=True).t_(),
          lambda: torch.zeros(2, 3, 4).t_(),
          lambda: torch.zeros(2, 3).transpose_(0, 2),
          lambda: torch.zeros(2, 3).swapdims_(5, 0),
          lambda: torch.zeros(2, 3).unsqueeze_(3),
          lambda: torch.zeros(2, 3).squeeze_(2)]:
    try:
        f()
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)
print(a.shape, c.shape)
