# RNN, GRU, LSTM: parameter names, shapes and init for a seed; outputs and
# final states with batch_first, several layers, bidirectional, a given
# initial state, unbatched input; gradients; the cells.
import torch
from torch import nn

torch.manual_seed(0)
rnn = nn.RNN(3, 4)
print(rnn)
for name, p in rnn.named_parameters():
    print(name, tuple(p.shape))
print(rnn.weight_hh_l0)
x = torch.randn(5, 2, 3)
out, h = rnn(x)
print(out.shape, h.shape)
print(out[-1])
print(h)
print(torch.allclose(out[-1], h[0]))

gru = nn.GRU(3, 4, num_layers=2, batch_first=True)
print(gru)
print([n for n, _ in gru.named_parameters()])
print(gru.bias_hh_l1)
xb = torch.randn(2, 5, 3)
out, h = gru(xb)
print(out.shape, h.shape)
print(out[:, -1])
print(h)

lstm = nn.LSTM(3, 2, bias=False)
print(lstm, [n for n, _ in lstm.named_parameters()])
h0 = torch.zeros(1, 2, 2)
c0 = torch.ones(1, 2, 2)
out, (hn, cn) = lstm(x, (h0, c0))
print(out)
print(hn)
print(cn)

bi = nn.LSTM(3, 2, num_layers=2, bidirectional=True)
print(bi)
print([n for n, _ in bi.named_parameters()][:6])
out, (hn, cn) = bi(x)
print(out.shape, hn.shape, cn.shape)
print(out[0])
print(hn[-1])

relu_rnn = nn.RNN(3, 3, nonlinearity="relu", num_layers=2, dropout=0.0)
print(relu_rnn)
o, h = relu_rnn(x[0])
print(o, h)

# backward through time
loss = gru(xb)[0].pow(2).mean() + lstm(x)[0].sum()
loss.backward()
print(gru.weight_ih_l0.grad[:3])
print(lstm.weight_hh_l0.grad)

# cells
cell = nn.LSTMCell(3, 2)
print(cell, [n for n, _ in cell.named_parameters()])
hx, cx = cell(x[0])
print(hx, cx)
hx, cx = cell(x[1], (hx, cx))
print(hx)
gcell = nn.GRUCell(3, 2)
print(gcell, gcell(x[0]))
rcell = nn.RNNCell(3, 2, nonlinearity="relu")
print(rcell, rcell(x[0], torch.ones(2, 2)))

try:
    rnn(torch.randn(5, 2, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    rnn(x, torch.zeros(2, 2, 4))
except RuntimeError as e:
    print("RuntimeError:", e)
