"""Convolutions bit for bit. torch 1.13 runs a float32 conv2d/conv1d with a
batch (or groups, or a large kernel) through oneDNN's convolution
primitives with every layout left to oneDNN, and takes the bias gradient
from the weight-gradient primitive; with the same oneDNN on the same CPU
the sums run in the same order. Every value is printed to the last bit (a
hash of the full list, and a few elements): forward, input, weight and
bias gradients over strides, padding, dilation, groups, 1x1 kernels,
conv1d and single samples (some of which torch runs through its own
kernels), then a LeNet trained with SGD, every loss printed in full."""
import torch
import torch.nn.functional as F


def bits(t):
    v = [float(x) for x in t.detach().flatten().tolist()]
    return hash(tuple(v)) % 1000003, v[:2]


torch.manual_seed(0)
cases = [
    # (input shape, weight shape, kwargs)
    ((8, 1, 28, 28), (6, 1, 5, 5), dict(padding=2)),
    ((8, 6, 14, 14), (16, 6, 5, 5), {}),
    ((4, 3, 17, 13), (8, 3, 3, 3), dict(stride=2, padding=1)),
    ((4, 4, 12, 12), (6, 2, 3, 3), dict(groups=2, dilation=2)),
    ((4, 8, 9, 9), (8, 1, 3, 3), dict(groups=8, padding=1)),
    ((16, 16, 7, 7), (32, 16, 1, 1), {}),
    ((2, 16, 7, 7), (32, 16, 1, 1), dict(stride=2)),
    ((1, 3, 10, 10), (4, 3, 3, 3), dict(padding=1)),
    ((1, 3, 10, 10), (4, 3, 5, 5), {}),
    ((2, 5, 9, 11), (7, 5, 2, 4), dict(padding=(1, 2), stride=(1, 2))),
]
for xs, ws, kw in cases:
    x = torch.randn(*xs, requires_grad=True)
    w = torch.randn(*ws, requires_grad=True)
    b = torch.randn(ws[0], requires_grad=True)
    y = F.conv2d(x, w, b, **kw)
    y.backward(torch.randn(y.shape))
    print(xs, ws, kw, bits(y), bits(x.grad), bits(w.grad), bits(b.grad))
    x.grad = w.grad = None
    y = F.conv2d(x, w, None, **kw)
    y.pow(2).sum().backward()
    print("no bias", bits(y), bits(x.grad), bits(w.grad))

for xs, ws, kw in (((4, 3, 50), (8, 3, 5), dict(padding=2)),
                   ((6, 4, 31), (4, 2, 3), dict(groups=2, stride=2))):
    x = torch.randn(*xs, requires_grad=True)
    w = torch.randn(*ws, requires_grad=True)
    b = torch.randn(ws[0], requires_grad=True)
    y = F.conv1d(x, w, b, **kw)
    y.backward(torch.randn(y.shape))
    print(xs, ws, kw, bits(y), bits(x.grad), bits(w.grad), bits(b.grad))

# Only the bias and the input need gradients.
x = torch.randn(8, 3, 12, 12, requires_grad=True)
w = torch.randn(5, 3, 3, 3)
b = torch.randn(5, requires_grad=True)
F.conv2d(x, w, b).sum().backward()
print(bits(x.grad), bits(b.grad))

# A LeNet on random 28x28 images, five SGD steps with momentum.
torch.manual_seed(3)
net = torch.nn.Sequential(
    torch.nn.Conv2d(1, 6, kernel_size=5, padding=2), torch.nn.Sigmoid(),
    torch.nn.AvgPool2d(kernel_size=2, stride=2),
    torch.nn.Conv2d(6, 16, kernel_size=5), torch.nn.Sigmoid(),
    torch.nn.AvgPool2d(kernel_size=2, stride=2), torch.nn.Flatten(),
    torch.nn.Linear(16 * 5 * 5, 120), torch.nn.Sigmoid(),
    torch.nn.Linear(120, 84), torch.nn.Sigmoid(), torch.nn.Linear(84, 10))
X = torch.randn(32, 1, 28, 28)
Y = torch.randint(0, 10, (32,))
opt = torch.optim.SGD(net.parameters(), lr=0.9, momentum=0.5)
for step in range(5):
    opt.zero_grad()
    loss = F.cross_entropy(net(X), Y)
    loss.backward()
    opt.step()
    print(step, loss.item())
print(bits(net[0].weight), bits(net[3].weight), bits(net[0].bias))
