# F.pad in every mode (values, crops, gradients, grad_fn names), the padding
# layers, F.unfold / F.fold (nn.Unfold, nn.Fold) as a convolution by hand,
# and the errors of bad arguments.
import torch
from torch import nn
import torch.nn.functional as F

x = torch.arange(12.).reshape(1, 2, 6).requires_grad_()
for mode in ["constant", "reflect", "replicate", "circular"]:
    y = F.pad(x, (2, 3), mode=mode)
    # (circular is a composite in torch 1.13: its grad_fn is CopySlices)
    print(mode, y, y.grad_fn.name() if mode != "circular" else "")
    y.backward(torch.arange(22.).reshape(1, 2, 11))
    print(x.grad)
    x.grad = None
img = torch.arange(12.).reshape(1, 1, 3, 4)
print(F.pad(img, (1, 1, 2, 0), value=-1.0))
print(F.pad(img, (-1, 1, 1, -1)))
print(F.pad(img, (1, 2, 2, 1), mode="reflect"))
print(F.pad(img, (3, 0, 0, 2), mode="replicate"))
print(F.pad(img, (1, 1, 1, 1), mode="circular"))
print(F.pad(torch.arange(6).reshape(2, 3), (1, 1), value=7))
print(F.pad(torch.ones(1, 2, 2, 2), (1, 1, 0, 1, 1, 0), mode="replicate").shape)
for layer in [nn.ConstantPad1d(2, 3.5), nn.ConstantPad2d((1, 0, 2, 1), 0.5),
              nn.ZeroPad2d(1), nn.ReflectionPad1d((1, 2)),
              nn.ReflectionPad2d(1), nn.ReplicationPad1d(2),
              nn.ReplicationPad2d((0, 1, 2, 0))]:
    print(layer)
    t = img[0] if "1d" in type(layer).__name__ else img
    print(layer(t))

for bad in [dict(pad=(1,)), dict(pad=(1, 1, 1, 1, 1, 1, 1, 1, 1)),
            dict(pad=(5, 0), mode="reflect"), dict(pad=(1, 1), mode="wrap"),
            dict(pad=(1, 1), mode="reflect", value=2.0),
            dict(pad=(5, 0), mode="circular")]:
    try:
        F.pad(img[0], **bad)
    except (RuntimeError, NotImplementedError) as e:
        print(type(e).__name__ + ":", e)

# Unfold, a matrix product and Fold make a convolution.
torch.manual_seed(1)
inp = torch.rand(2, 3, 5, 6, requires_grad=True)
w = torch.rand(4, 3, 2, 3)
cols = F.unfold(inp, (2, 3), padding=1)
print(cols.shape, cols.grad_fn.name())
out = (w.view(4, -1) @ cols).view(2, 4, 6, 6)
ref = F.conv2d(inp, w, padding=1)
print(torch.allclose(out, ref, atol=1e-5))
out.sum().backward()
print(round(inp.grad.sum().item(), 1))
fold = nn.Fold(output_size=(5, 6), kernel_size=2)
unfold = nn.Unfold(kernel_size=2)
print(fold, unfold)
ones = torch.ones(1, 1, 5, 6)
print(fold(unfold(ones)))
folded = F.fold(cols, (5, 6), (2, 3), padding=1)
print(folded.shape, folded.grad_fn.name())
try:
    F.fold(cols, (6, 6), (2, 3))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    F.unfold(inp, 7)
except RuntimeError as e:
    print("RuntimeError:", e)

# Interpolate's argument errors.
for kw in [dict(size=(2, 2), mode="nearest", align_corners=True),
           dict(size=(2, 2), scale_factor=2), dict(),
           dict(size=(2, 2, 2)), dict(scale_factor=(2.0,))]:
    try:
        F.interpolate(img, **kw)
    except ValueError as e:
        print("ValueError:", e)
try:
    F.interpolate(img[0], size=3, mode="bilinear")
except NotImplementedError as e:
    print("NotImplementedError:", e)
print(F.interpolate(img, size=(2, 3)).grad_fn)
a = img.clone().requires_grad_()
b = F.interpolate(a, scale_factor=(1.5, 0.5), mode="bilinear")
print(b, b.grad_fn.name())
b.sum().backward()
print(a.grad)
