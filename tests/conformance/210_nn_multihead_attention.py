# MultiheadAttention: init (xavier in_proj, zero biases), self- and
# cross-attention, batch_first, masks, need_weights/average_attn_weights,
# gradients.
import torch
from torch import nn

torch.manual_seed(0)
mha = nn.MultiheadAttention(embed_dim=4, num_heads=2)
print(mha)
print([(n, tuple(p.shape)) for n, p in mha.named_parameters()])
print(mha.in_proj_weight)
print(mha.out_proj.weight)
print(mha.in_proj_bias, mha.out_proj.bias)

x = torch.randn(3, 2, 4)
out, w = mha(x, x, x)
print(out)
print(w)
out, w = mha(x, x, x, average_attn_weights=False)
print(w.shape)
print(w[0, 1])
out, w = mha(x, x, x, need_weights=False)
print(w)

kv = torch.randn(5, 2, 4)
out, w = mha(x, kv, kv)
print(out.shape, w.shape)
print(w[1])
out, w = mha(x, kv, torch.randn(5, 2, 4))
print(out[0])

bf = nn.MultiheadAttention(4, 1, batch_first=True, bias=False)
print([n for n, _ in bf.named_parameters()])
q = torch.randn(2, 3, 4)
o, w = bf(q, q, q)
print(o.shape, w.shape)
print(o[1])

mask = torch.tensor([[False, False, True], [False, False, False]])
o, w = bf(q, q, q, key_padding_mask=mask)
print(w)
causal = torch.triu(torch.ones(3, 3, dtype=torch.bool), diagonal=1)
o, w = bf(q, q, q, attn_mask=causal)
print(w)
fmask = torch.zeros(3, 3)
fmask[0, 2] = -1.0
o, w = bf(q, q, q, attn_mask=fmask, key_padding_mask=mask)
print(w)

kd = nn.MultiheadAttention(4, 2, kdim=3, vdim=5)
print([n for n, _ in kd.named_parameters()])
o, w = kd(torch.randn(2, 1, 4), torch.randn(6, 1, 3), torch.randn(6, 1, 5))
print(o)

un = mha(torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4))
print(un[0].shape, un[1].shape)

loss = mha(x, x, x)[0].pow(2).sum()
loss.backward()
print(mha.in_proj_weight.grad[:4])
print(mha.out_proj.bias.grad)
