# D2L 11: attention with nn modules: additive attention (Linear, tanh,
# masked softmax), scaled dot-product attention, and a multi-head
# self-attention block with nn.MultiheadAttention + LayerNorm trained a few
# Adam steps.
import math
import torch
from torch import nn


def masked_softmax(X, valid_lens):
    def _sequence_mask(X, valid_len, value=0):
        maxlen = X.size(1)
        mask = torch.arange((maxlen), dtype=torch.float32)[None, :] < valid_len[:, None]
        X[~mask] = value
        return X

    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    shape = X.shape
    if valid_lens.dim() == 1:
        valid_lens = torch.repeat_interleave(valid_lens, shape[1])
    else:
        valid_lens = valid_lens.reshape(-1)
    X = _sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
    return nn.functional.softmax(X.reshape(shape), dim=-1)


class AdditiveAttention(nn.Module):
    def __init__(self, num_hiddens, dropout, **kwargs):
        super().__init__(**kwargs)
        self.W_k = nn.LazyLinear(num_hiddens, bias=False)
        self.W_q = nn.LazyLinear(num_hiddens, bias=False)
        self.w_v = nn.LazyLinear(1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


class DotProductAttention(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


torch.manual_seed(0)
print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3])))
queries = torch.normal(0, 1, (2, 1, 20))
keys = torch.normal(0, 1, (2, 10, 2))
values = torch.normal(0, 1, (2, 10, 4))
valid_lens = torch.tensor([2, 6])
attention = AdditiveAttention(num_hiddens=8, dropout=0.1)
print(attention)
attention.eval()
out = attention(queries, keys, values, valid_lens)
print(attention)
print(out)
print(attention.attention_weights.reshape(2, 10))

queries = torch.normal(0, 1, (2, 1, 2))
dot = DotProductAttention(dropout=0.5)
dot.eval()
print(dot(queries, keys, values, valid_lens))


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm = nn.LayerNorm(d)
        self.ffn = nn.Sequential(nn.Linear(d, 2 * d), nn.ReLU(), nn.Linear(2 * d, d))

    def forward(self, x, mask=None):
        y, w = self.attn(x, x, x, key_padding_mask=mask)
        x = self.norm(x + y)
        return x + self.ffn(x), w


torch.manual_seed(1)
block = Block(8, 2)
print(block)
x = torch.randn(3, 5, 8)
target = torch.randn(3, 5, 8)
mask = torch.tensor([[False] * 5, [False] * 4 + [True], [False] * 3 + [True] * 2])
opt = torch.optim.Adam(block.parameters(), lr=0.01)
for step in range(5):
    opt.zero_grad()
    out, w = block(x, mask)
    loss = nn.functional.mse_loss(out, target)
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.4f}")
print(w[2])
