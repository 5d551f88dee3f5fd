# Image-to-image models the way tutorials write them: a DCGAN generator
# (ConvTranspose2d + BatchNorm2d + ReLU, Tanh), a small U-Net (reflect and
# replicate padded convolutions, max pooling, bilinear and nearest
# upsampling, skip connections), a ConvTranspose1d decoder with output_size;
# forward, backward and one optimizer step each.
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)


def summary(name, t):
    print(name, tuple(t.shape), round(t.sum().item(), 3),
          round(t.abs().mean().item(), 4))


def grad_summary(name, t):
    print(name, tuple(t.shape), round(t.abs().sum().item() * 100, 2))


class Generator(nn.Module):
    def __init__(self, nz=8, ngf=4, nc=3):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),
            nn.Tanh())

    def forward(self, z):
        return self.main(z)


netG = Generator()
print(netG)
z = torch.rand(2, 8, 1, 1) * 2 - 1
fake = netG(z)
print(fake.shape, fake.grad_fn.name())
summary("fake", fake)
optG = torch.optim.Adam(netG.parameters(), lr=0.01, betas=(0.5, 0.999))
loss = (fake - 0.5).pow(2).mean()
loss.backward()
for name, p in netG.named_parameters():
    grad_summary(name + ".grad", p.grad)
optG.step()
summary("after step", netG(z))


def block(cin, cout, mode):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, padding_mode=mode),
        nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, padding_mode=mode),
        nn.ReLU())


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.down1 = block(1, 4, "reflect")
        self.down2 = block(4, 8, "replicate")
        self.up = nn.Upsample(scale_factor=2, mode="bilinear",
                              align_corners=False)
        self.up_t = nn.ConvTranspose2d(8, 4, 2, stride=2)
        self.dec = block(12, 4, "zeros")
        self.out = nn.Conv2d(4, 1, 1)

    def forward(self, x):
        d1 = self.down1(x)
        d2 = self.down2(F.max_pool2d(d1, 2))
        u = torch.cat([self.up(d2)[:, :4], self.up_t(d2), d1], 1)
        return self.out(self.dec(u))


unet = UNet()
print(unet)
x = torch.rand(2, 1, 8, 8)
y = unet(x)
print(y.shape, y.grad_fn.name())
summary("unet", y)
target = (x > 0.5).float()
loss = F.binary_cross_entropy_with_logits(y, target)
print(round(loss.item(), 4))
loss.backward()
for name, p in unet.named_parameters():
    grad_summary(name + ".grad", p.grad)
opt = torch.optim.SGD(unet.parameters(), lr=0.1, momentum=0.9)
for step in range(3):
    opt.zero_grad()
    loss = F.binary_cross_entropy_with_logits(unet(x), target)
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 4))

# Nearest upsampling, by scale and by size, and circular padding.
up = nn.Upsample(scale_factor=2)
print(up)
print(up(torch.arange(6.).reshape(1, 1, 2, 3)))
print(F.interpolate(torch.arange(4.).reshape(1, 1, 4), size=7))
print(F.interpolate(torch.arange(6.).reshape(1, 1, 2, 3), scale_factor=1.5,
                    mode="bilinear", align_corners=True))
print(nn.UpsamplingBilinear2d(scale_factor=2)(torch.arange(4.).reshape(1, 1, 2, 2)))
c = nn.Conv2d(2, 2, 3, padding=1, padding_mode="circular")
print(c)
xc = torch.rand(1, 2, 4, 5, requires_grad=True)
yc = c(xc)
yc.sum().backward()
summary("circular", yc)
grad_summary("circular.grad", xc.grad)

# ConvTranspose1d decoder with output_size.
dec = nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1)
print(dec)
s = torch.rand(2, 3, 5)
print(dec(s).shape, dec(s, output_size=[10]).shape, dec(s, output_size=[2, 2, 9]).shape)
try:
    dec(s, output_size=[12])
except ValueError as e:
    print("ValueError:", e)
