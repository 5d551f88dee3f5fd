# Conv1d, Conv2d, ConvTranspose2d and pooling modules: init for a seed,
# reprs, forward, gradients.
import torch
from torch import nn

torch.manual_seed(12)
c1 = nn.Conv1d(2, 3, kernel_size=3)
print(c1)
print(c1.weight)
print(c1.bias)
x1 = torch.randn(2, 2, 7)
print(c1(x1))
print(nn.Conv1d(2, 4, 3, stride=2, padding=1, bias=False))

c2 = nn.Conv2d(1, 2, kernel_size=3, padding=1)
print(c2)
print(c2.weight)
x = torch.randn(1, 1, 5, 5, requires_grad=True)
y = c2(x)
print(y)
y.sum().backward()
print(c2.weight.grad)
print(x.grad)
for conv in (nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 0)),
             nn.Conv2d(4, 4, 3, groups=2, dilation=2),
             nn.Conv2d(3, 6, 5, padding="same"),
             nn.Conv2d(3, 6, 1, padding="valid", bias=False)):
    print(conv, conv.weight.shape)
print(nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 0))(torch.randn(2, 2, 6, 5)).shape)
print(nn.Conv2d(3, 6, 5, padding="same")(torch.randn(1, 3, 8, 8)).shape)

ct = nn.ConvTranspose2d(2, 3, kernel_size=3, stride=2, padding=1, output_padding=1)
print(ct)
print(ct.weight.shape, ct.bias.shape)
xt = torch.randn(1, 2, 3, 3, requires_grad=True)
yt = ct(xt)
print(yt.shape)
print(yt[0, 0])
yt.pow(2).sum().backward()
print(xt.grad)
ct2 = nn.ConvTranspose2d(4, 2, 2, stride=2, groups=2, bias=False)
print(ct2, ct2(torch.randn(1, 4, 2, 2)).shape)
print(nn.ConvTranspose2d(1, 1, 3)(torch.ones(1, 1, 2, 2)))

img = torch.arange(32.).reshape(1, 2, 4, 4)
for pool in (nn.MaxPool2d(2), nn.MaxPool2d(3, stride=1, padding=1),
             nn.AvgPool2d(2), nn.AvgPool2d(3, stride=2, padding=1),
             nn.AdaptiveAvgPool2d((1, 1)), nn.AdaptiveAvgPool2d(2),
             nn.AdaptiveMaxPool2d((2, 1)), nn.MaxPool2d(2, ceil_mode=True)):
    print(pool)
    print(pool(img))
print(nn.MaxPool1d(2), nn.MaxPool1d(2)(torch.arange(6.).reshape(1, 1, 6)))
print(nn.AvgPool1d(3, stride=1), nn.AvgPool1d(3, stride=1)(torch.arange(6.).reshape(1, 1, 6)))
out, idx = nn.MaxPool2d(2, return_indices=True)(img)
print(idx)
