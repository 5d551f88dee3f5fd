"""nn.init.orthogonal_ (2-d, 3-d, an LSTM's hidden weights) draws what torch
draws; F.gaussian_nll_loss and nn.GaussianNLLLoss (variance shapes, full,
reductions, gradient, torch's ValueErrors).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
w = torch.empty(3, 5)
nn.init.orthogonal_(w)
print(w)
print((w @ w.t()).diagonal())
w2 = torch.empty(6, 2, 2)
nn.init.orthogonal_(w2, gain=2.0)
print(w2[0])
x = torch.randn(4, 3, requires_grad=True)
t = torch.randn(4, 3)
v = torch.rand(4, 3) + 0.1
l = F.gaussian_nll_loss(x, t, v)
l.backward()
print(l, x.grad)
print(nn.GaussianNLLLoss(full=True, reduction="sum")(x, t, torch.rand(4) + 0.2))
print(F.gaussian_nll_loss(x, t, torch.ones(4, 1), reduction="none"))
for bad in (lambda: F.gaussian_nll_loss(x, t, torch.ones(3)), lambda: F.gaussian_nll_loss(x, t, -v)):
    try:
        bad()
    except ValueError as e:
        print("ValueError", e)
rnn = nn.LSTM(3, 4)
for name, p in rnn.named_parameters():
    if "weight_hh" in name:
        nn.init.orthogonal_(p)
print(rnn.weight_hh_l0[:2])
