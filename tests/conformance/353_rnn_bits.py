"""RNN, GRU and LSTM bit for bit with hidden sizes that are not a multiple
of 16: ATen applies sigmoid to each gate chunk of the [batch, gates]
projection, a strided view, so its vector blocks and scalar tail restart
at every row. Outputs, final states and every parameter's gradient are
printed to the last bit (a hash of the full list) for uni- and
bidirectional, one and two layers, batch_first or not, then a GRU and an
LSTM classifier trained with Adam, every loss in full."""
import torch
from torch import nn


def bits(t):
    v = [float(x) for x in t.detach().flatten().tolist()]
    return hash(tuple(v)) % 1000003


for kind in (nn.RNN, nn.GRU, nn.LSTM):
    for bf in (False, True):
        for bi in (False, True):
            for layers in (1, 2):
                torch.manual_seed(1)
                m = kind(6, 10, num_layers=layers, batch_first=bf,
                         bidirectional=bi)
                X = torch.randn(3, 5, 6)
                out, st = m(X)
                loss = out.contiguous().pow(2).sum()
                loss.backward()
                states = st if isinstance(st, tuple) else (st,)
                print(kind.__name__, bf, bi, layers, bits(out),
                      [bits(s) for s in states],
                      [bits(p.grad) for p in m.parameters()])

for kind in (nn.GRU, nn.LSTM):
    torch.manual_seed(2)
    rnn = kind(4, 13, batch_first=True)
    head = nn.Linear(13, 3)
    X = torch.randn(6, 7, 4)
    y = torch.randint(0, 3, (6,))
    opt = torch.optim.Adam([*rnn.parameters(), *head.parameters()], lr=0.02)
    for step in range(5):
        out, _ = rnn(X)
        loss = nn.functional.cross_entropy(head(out[:, -1]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(kind.__name__, step, loss.item())
