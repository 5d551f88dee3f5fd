"""softmax and log_softmax over a dim other than the last, bit for bit:
torch's non-last-dim kernels walk the inner positions in vector blocks
(SLEEF's exp and log) and a tail (glibc's exp), with sums in the dtype, and
its backward fuses the multiply-adds. So cross_entropy of [batch, classes,
steps] logits (a sequence model's loss, as D2L's masked softmax
cross-entropy computes it) and its gradient are torch's too."""
import torch
import torch.nn.functional as F


def bits(t):
    v = [float(x) for x in t.detach().flatten().tolist()]
    return hash(tuple(v)) % 1000003, v[:2]


torch.manual_seed(0)
for dt in (torch.float32, torch.float64):
    for shape, dim in (((4, 10, 7), 1), ((3, 5, 20), 1), ((2, 6, 4, 4), 1),
                       ((4, 10, 7), 0), ((2, 3, 30), 0), ((5, 4, 9), -2),
                       ((3, 9, 2, 3), 2)):
        x = (torch.randn(*shape, dtype=dt) * 3).requires_grad_()
        g = torch.randn(*shape, dtype=dt)
        for fn in (F.softmax, F.log_softmax):
            y = fn(x, dim=dim)
            y.backward(g)
            print(dt, shape, dim, fn.__name__, bits(y), bits(x.grad))
            x.grad = None
        if dim == 1:
            t = torch.randint(0, shape[1], (shape[0],) + shape[2:])
            loss = F.cross_entropy(x, t, reduction="none")
            loss.sum().backward()
            print("cross_entropy", bits(loss), bits(x.grad))
            x.grad = None

# A GRU decoder trained with a masked sequence loss: logits [batch, vocab,
# steps] after a permute, as D2L's MaskedSoftmaxCELoss.
torch.manual_seed(1)
emb = torch.nn.Embedding(12, 8)
rnn = torch.nn.GRU(8, 16)
dense = torch.nn.Linear(16, 12)
X = torch.randint(0, 12, (4, 9))
Y = torch.randint(0, 12, (4, 9))
valid = torch.tensor([9, 5, 7, 2])
params = [*emb.parameters(), *rnn.parameters(), *dense.parameters()]
opt = torch.optim.Adam(params, lr=0.01)
for step in range(5):
    out, _ = rnn(emb(X).permute(1, 0, 2))
    logits = dense(out).permute(1, 0, 2)
    weights = (torch.arange(9)[None, :] < valid[:, None]).float()
    unweighted = F.cross_entropy(logits.permute(0, 2, 1), Y, reduction="none")
    loss = (unweighted * weights).mean(dim=1).sum()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    print(step, loss.item())
