# torch.nn.functional normalization, dropout and embedding as models use
# them: batch_norm in training (running statistics updated in place) and
# in evaluation, layer_norm, group_norm, dropout after manual_seed (the
# same mask as torch), embedding with padding_idx; gradients and errors.
import torch
import torch.nn.functional as F

x = (torch.arange(4 * 3 * 2, dtype=torch.float32) % 5).reshape(4, 3, 2)
x.requires_grad_(True)
rm, rv = torch.zeros(3), torch.ones(3)
w = torch.tensor([1.0, 2.0, 0.5], requires_grad=True)
b = torch.tensor([0.0, -1.0, 1.0], requires_grad=True)
y = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.5)
print(y, y.grad_fn.name())
print("running", rm, rv)
(y * torch.arange(24.0).reshape(4, 3, 2)).sum().backward()
print(x.grad[0], w.grad, b.grad)
print(F.batch_norm(x, rm, rv, training=False)[1])
print(F.batch_norm(x[:, :, 0], None, None, training=True).sum(dim=0))

z = (torch.arange(2 * 6, dtype=torch.float32) % 4).reshape(2, 6)
z.requires_grad_(True)
ln = F.layer_norm(z, [6], torch.full((6,), 2.0), torch.ones(6))
print(ln, ln.grad_fn.name())
ln[:, :3].sum().backward()
print(z.grad)
print(F.layer_norm(x, [3, 2]).detach()[0])
g = F.group_norm(x, 3, w, b)
print(g[2], g.grad_fn.name())
print(F.group_norm(x, 1, eps=0.1)[0])

torch.manual_seed(0)
d = F.dropout(torch.ones(3, 8), p=0.25)
print(d, d.grad_fn)
ones = torch.ones(2, 5, requires_grad=True)
torch.manual_seed(1)
out = F.dropout(ones, 0.5)
out.sum().backward()
print(out, ones.grad)
print(F.dropout(ones, 0.5, training=False) is ones, F.dropout(ones, 1.0))
print(torch.rand(2))  # the generator moved on as torch's did

emb = (torch.arange(5 * 3, dtype=torch.float32) / 2).reshape(5, 3).requires_grad_(True)
idx = torch.tensor([[0, 2, 4], [4, 3, 2]])
e = F.embedding(idx, emb, padding_idx=4)
print(e, e.grad_fn.name())
(e * 2).sum().backward()
print(emb.grad)

for bad in (lambda: F.batch_norm(torch.ones(1, 3), None, None, training=True),
            lambda: F.batch_norm(x, None, None),
            lambda: F.batch_norm(x, torch.zeros(4), torch.ones(4)),
            lambda: F.layer_norm(z, [5]),
            lambda: F.group_norm(x, 2),
            lambda: F.dropout(x, 1.5),
            lambda: F.embedding(torch.tensor([5]), emb),
            lambda: F.embedding(torch.tensor([1.0]), emb)):
    try:
        bad()
    except (RuntimeError, ValueError, IndexError) as err:
        print(type(err).__name__ + ":", err)
