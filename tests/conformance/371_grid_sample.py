# F.affine_grid and F.grid_sample (bilinear and nearest; zeros, border and
# reflection padding; both align_corners) as spatial-transformer code uses
# them, with the gradients of the input and of theta. (theta's gradient
# sums many products and can differ from torch's in its last bits: it is
# printed to two decimals.)
import torch
import torch.nn.functional as F
torch.manual_seed(0)
x = torch.randn(2, 3, 5, 6, requires_grad=True)
theta = torch.tensor([[[0.8, -0.3, 0.1], [0.2, 0.9, -0.2]],
                      [[1.1, 0.0, 0.3], [0.0, 0.7, 0.05]]], requires_grad=True)
for ac in (False, True):
    print(F.affine_grid(theta, (2, 3, 4, 5), align_corners=ac)[0, :2])
    for mode in ("bilinear", "nearest"):
        for pm in ("zeros", "border", "reflection"):
            g = F.affine_grid(theta, (2, 3, 4, 5), align_corners=ac)
            out = F.grid_sample(x, g, mode=mode, padding_mode=pm, align_corners=ac)
            print(mode, pm, ac, out.shape, out[1, 2])
            if mode == "bilinear":
                gx, gt = torch.autograd.grad(out.pow(2).sum(), [x, theta])
                print(gx[0, 0, :2], torch.round(gt, decimals=2))
grid = torch.rand(1, 3, 3, 2) * 3 - 1.5
print(F.grid_sample(x[:1], grid, align_corners=False)[0, 0])
print(F.grid_sample(x[:1], grid, padding_mode="reflection", align_corners=True)[0, 1])
for bad in [lambda: F.grid_sample(x, grid, align_corners=False),
            lambda: F.grid_sample(x, grid, mode="cubic", align_corners=False),
            lambda: F.affine_grid(theta, (2, 3, 4), align_corners=False),
            lambda: F.affine_grid(theta[:, :1], (2, 3, 4, 4), align_corners=False)]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
