# torch.nn.functional convolutions as a CNN layer uses them: conv2d and
# conv1d with bias, stride, padding (ints, 'same', 'valid'), dilation and
# groups, unbatched inputs, their gradients, and their errors. (Data are
# small integers and halves, so every result is exact.)
import torch
import torch.nn.functional as F

x = (torch.arange(2 * 3 * 5 * 5, dtype=torch.float32) % 7 - 3).reshape(2, 3, 5, 5)
x.requires_grad_(True)
w = (torch.arange(4 * 3 * 3 * 3, dtype=torch.float32) % 5 - 2).reshape(4, 3, 3, 3) / 2
w.requires_grad_(True)
b = torch.tensor([0.5, -1.0, 0.0, 2.0], requires_grad=True)
y = F.conv2d(x, w, b)
print(y.shape, y.grad_fn.name())
print(y[0, 1])
y.sum().backward()
print(x.grad[1, 2], w.grad[3, 0], b.grad)

for kw in ({"stride": 2}, {"padding": 1}, {"padding": (2, 0), "dilation": 2},
           {"stride": (1, 2), "padding": "valid"}, {"padding": "same"}):
    out = F.conv2d(x, w, b, **kw)
    print(kw, out.shape, out.sum().item())

# groups: two input channels per group, depthwise
xg = (torch.arange(1 * 4 * 4 * 4, dtype=torch.float32) % 5).reshape(1, 4, 4, 4)
wg = (torch.arange(6 * 2 * 2 * 2, dtype=torch.float32) % 3 - 1).reshape(6, 2, 2, 2)
print(F.conv2d(xg, wg, groups=2)[0, :, 0])
print(F.conv2d(xg, torch.ones(4, 1, 3, 3), groups=4)[0, :, 0, 0])
print(torch.conv2d(xg[0], wg, None, 1, 1, 1, 2).shape)

# conv1d over a batch of sequences, 'same' padding with an even kernel
s = (torch.arange(2 * 2 * 8, dtype=torch.float32) % 6 - 2).reshape(2, 2, 8)
s.requires_grad_(True)
k = torch.tensor([[[1.0, -1.0, 0.5, 0.0], [0.5, 0.5, -0.5, 1.0]]])
o = F.conv1d(s, k, padding=(1, ))
o = F.conv1d(s, k, padding="same")
print(o)
(o * o).sum().backward()
print(s.grad)
print(F.conv1d(s[0], k, stride=3, dilation=2))

# a tiny edge detector
img = torch.zeros(1, 1, 6, 6)
img[0, 0, :, 3:] = 1.0
sobel = torch.tensor([[[[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]]])
print(F.conv2d(img, sobel, padding=1)[0, 0])

for bad in (lambda: F.conv2d(x, w[:, :2]),
            lambda: F.conv2d(x[:, :, :2, :2], w),
            lambda: F.conv2d(x, w, padding=-1),
            lambda: F.conv2d(x, w, stride=0),
            lambda: F.conv2d(x, w, padding="same", stride=2),
            lambda: F.conv2d(x, w, padding="full"),
            lambda: F.conv2d(x, w, torch.zeros(3)),
            lambda: F.conv2d(x[0, 0], w),
            lambda: F.conv1d(s, k, groups=2)):
    try:
        bad()
    except RuntimeError as e:
        print("RuntimeError:", e)
