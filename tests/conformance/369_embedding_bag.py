# nn.EmbeddingBag / F.embedding_bag as the torchtext tutorial uses them
# (offsets into a flat index tensor, mode mean) and in the other forms
# (2-d input, sum and max, padding_idx, per_sample_weights); training
# steps whose losses print every bit, and gradients of rows used many
# times (torch accumulates them in the order its unstable index sort
# leaves, with a fused multiply-add).
import torch
from torch import nn
import torch.nn.functional as F
torch.manual_seed(18)
class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()
    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()
    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))
model = TextClassificationModel(20, 8, 3)
print(model)
text = torch.randint(0, 20, (30,))
offsets = torch.tensor([0, 7, 12, 20, 26])
labels = torch.tensor([0, 1, 2, 1, 0])
opt = torch.optim.SGD(model.parameters(), lr=5)
for i in range(8):
    opt.zero_grad()
    loss = F.cross_entropy(model(text, offsets), labels)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    opt.step()
    print(i, loss.item())
w = torch.randn(10, 4)
inp = torch.tensor([[1, 2, 4], [4, 3, 2]])
print(F.embedding_bag(inp, w, mode="sum"), F.embedding_bag(inp, w, mode="max"))
print(F.embedding_bag(torch.tensor([1, 2, 0, 5]), w, torch.tensor([0, 2, 2]), mode="mean", padding_idx=0))
print(F.embedding_bag(torch.tensor([1, 2, 3]), w, torch.tensor([0, 1]), mode="sum", per_sample_weights=torch.tensor([0.5, 2.0, -1.0])))
print(nn.EmbeddingBag(5, 3, mode="sum", padding_idx=1))
torch.manual_seed(5)
w = torch.randn(12, 6, requires_grad=True)
idx = torch.randint(0, 12, (60,))
off = torch.tensor([0, 11, 11, 29, 47])
for mode in ("sum", "mean", "max"):
    out = F.embedding_bag(idx, w, off, mode=mode)
    g, = torch.autograd.grad((out * out.detach().cos()).sum(), w)
    print(mode, [v for v in g[idx[:6]].flatten().tolist()])
psw = torch.rand(60, requires_grad=True)
out = F.embedding_bag(idx, w, off, mode="sum", per_sample_weights=psw)
gw, gp = torch.autograd.grad(out.pow(2).sum(), [w, psw])
print(out[1:3].tolist())
print(gw[3].tolist(), gp[:9].tolist())
