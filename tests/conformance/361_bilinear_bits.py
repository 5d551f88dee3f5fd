# F.interpolate(mode="bilinear") and nn.Upsample as torch 1.13 computes
# them: source indices in double from the float ratio, torch's weights
# (also past the last row), the fused row and column sums, and the fused
# backward accumulation; float32 and float64, sizes and scale factors.
import torch
import torch.nn.functional as F
torch.manual_seed(0)
for (H, W, OH, OW, align) in [(4, 5, 8, 10, False), (3, 3, 7, 5, True), (5, 4, 3, 6, False), (6, 6, 13, 9, False), (9, 7, 5, 11, False), (8, 8, 5, 5, True)]:
    for dt in (torch.float32, torch.float64):
        x = torch.randn(2, 3, H, W, dtype=dt, requires_grad=True)
        y = F.interpolate(x, size=(OH, OW), mode="bilinear", align_corners=align)
        g = torch.randn_like(y)
        y.backward(g)
        print(hash(tuple(y.reshape(-1).tolist())) % 100003, hash(tuple(x.grad.reshape(-1).tolist())) % 100003)
x = torch.randn(1, 2, 5, 7)
print(F.interpolate(x, scale_factor=1.7, mode="bilinear")[0, 0, :2])
print(F.interpolate(x, scale_factor=(0.6, 2.5), mode="bilinear", align_corners=True)[0, 1])
print(torch.nn.Upsample(scale_factor=2, mode="bilinear")(x)[0, 0, 0])
