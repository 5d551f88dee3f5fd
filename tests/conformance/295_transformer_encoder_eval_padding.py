# nn.TransformerEncoder in eval mode with batch_first and a padding mask
# (PyTorch 1.13 pads its nested-tensor result with zeros).
import torch
from torch import nn
torch.manual_seed(0)
enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, 0.1, batch_first=True), 2)
enc.eval()
x = torch.randn(2, 4, 8)
with torch.no_grad():
    y = enc(x)
print(y[0])
with torch.no_grad():
    y = enc(x, src_key_padding_mask=torch.tensor([[False, False, True, True], [False] * 4]))
print(y[0])
print(y[1])
m2 = torch.tensor([[False, False, True, True], [False, True, True, True]])
with torch.no_grad():
    print(enc(x, src_key_padding_mask=m2))
    print(enc(x, src_key_padding_mask=torch.tensor([[False, True, False, True], [False] * 4])))
