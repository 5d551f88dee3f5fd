# Embedding (init, padding_idx, from_pretrained, gradients) and Dropout
# (the session RNG draws as torch's; train/eval).
import torch
from torch import nn

torch.manual_seed(4)
emb = nn.Embedding(6, 3)
print(emb)
print(emb.weight)
idx = torch.tensor([[0, 2, 5], [2, 2, 1]])
out = emb(idx)
print(out)
out.sum().backward()
print(emb.weight.grad)

pad = nn.Embedding(5, 2, padding_idx=0)
print(pad)
print(pad.weight)
print(pad(torch.tensor([0, 4, 0])))
print(nn.Embedding(5, 2, padding_idx=-1).padding_idx)

pre = nn.Embedding.from_pretrained(torch.arange(6.).reshape(3, 2))
print(pre, pre.weight.requires_grad)
print(pre(torch.tensor([2, 0])))

drop = nn.Dropout(0.3)
print(drop, nn.Dropout(p=0.1, inplace=True))
x = torch.ones(4, 5)
print(drop(x))
print(drop(x))
drop.eval()
print(drop(x))
print(drop(x) is x)
drop.train()
net = nn.Sequential(nn.Linear(5, 5), nn.Dropout(0.5), nn.ReLU())
y = net(x)
print(y)
y.sum().backward()
print(net[0].bias.grad)
try:
    nn.Dropout(1.5)
except ValueError as e:
    print("ValueError:", e)
