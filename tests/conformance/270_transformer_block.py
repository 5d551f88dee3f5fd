import math
import torch
from torch import nn

torch.manual_seed(0)


class PositionalEncoding(nn.Module):
    def __init__(self, num_hiddens, dropout, max_len=1000):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.P = torch.zeros((1, max_len, num_hiddens))
        X = torch.arange(max_len, dtype=torch.float32).reshape(
            -1, 1) / torch.pow(10000, torch.arange(
            0, num_hiddens, 2, dtype=torch.float32) / num_hiddens)
        self.P[:, :, 0::2] = torch.sin(X)
        self.P[:, :, 1::2] = torch.cos(X)

    def forward(self, X):
        X = X + self.P[:, :X.shape[1], :].to(X.device)
        return self.dropout(X)


pe = PositionalEncoding(16, 0)
pe.eval()
print(pe.P[0, :4, :].shape)
print(pe.P[0, 1:3, :])


class PositionWiseFFN(nn.Module):
    def __init__(self, ffn_num_hiddens, ffn_num_outputs):
        super().__init__()
        self.dense1 = nn.LazyLinear(ffn_num_hiddens) if False else nn.Linear(16, ffn_num_hiddens)
        self.relu = nn.ReLU()
        self.dense2 = nn.Linear(ffn_num_hiddens, ffn_num_outputs)

    def forward(self, X):
        return self.dense2(self.relu(self.dense1(X)))


class AddNorm(nn.Module):
    def __init__(self, norm_shape, dropout):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.ln = nn.LayerNorm(norm_shape)

    def forward(self, X, Y):
        return self.ln(self.dropout(Y) + X)


class EncoderBlock(nn.Module):
    def __init__(self, num_hiddens, ffn_num_hiddens, num_heads, dropout):
        super().__init__()
        self.attention = nn.MultiheadAttention(num_hiddens, num_heads,
                                               dropout=dropout, batch_first=True)
        self.addnorm1 = AddNorm(num_hiddens, dropout)
        self.ffn = PositionWiseFFN(ffn_num_hiddens, num_hiddens)
        self.addnorm2 = AddNorm(num_hiddens, dropout)

    def forward(self, X, key_padding_mask=None):
        attn, w = self.attention(X, X, X, key_padding_mask=key_padding_mask)
        Y = self.addnorm1(X, attn)
        return self.addnorm2(Y, self.ffn(Y)), w


blk = EncoderBlock(16, 32, 4, 0.0)
blk.eval()
print(blk)
X = torch.randn(2, 5, 16)
X = pe.forward(X)
mask = torch.tensor([[False, False, False, True, True], [False] * 5])
Y, w = blk(X, key_padding_mask=mask)
print(Y.shape, w.shape)
print(Y[0, 0])
print(w[0])
print(sum(p.numel() for p in blk.parameters()))
ln = nn.LayerNorm(4)
bn = nn.BatchNorm1d(4)
Z = torch.tensor([[1, 2, 3, 4], [2, 4, 6, 8]], dtype=torch.float32)
print('layer norm:', ln(Z), '\nbatch norm:', bn(Z))
