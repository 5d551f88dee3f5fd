# group_norm as torch 1.13's CPU kernel computes it: layer_norm's Welford
# moments per (sample, group) and the fused per-channel affine, so outputs
# print torch's bits (with and without weight and bias, float32 and
# float64, nn.GroupNorm); and the backward for shapes where its sums
# round as torch's (see README: a last bit can differ for others).
import torch
torch.manual_seed(0)
for (N, C, H, W, G) in [(2, 6, 5, 5, 3), (1, 10, 5, 3, 5), (2, 32, 6, 6, 8)]:
    x = torch.randn(N, C, H, W)
    w = torch.randn(C)
    b = torch.randn(C)
    y = torch.nn.functional.group_norm(x, G, w, b)
    print(y.sum().item(), y[0, 0, 0].tolist())
    print(torch.nn.functional.group_norm(x.double(), G)[-1, -1, -1].tolist())
for (N, C, H, W, G) in [(3, 8, 3, 4, 4), (2, 16, 4, 5, 2)]:
    x = torch.randn(N, C, H, W, requires_grad=True)
    w = torch.randn(C, requires_grad=True)
    b = torch.randn(C, requires_grad=True)
    y = torch.nn.functional.group_norm(x, G, w, b)
    dy = torch.randn_like(y)
    y.backward(dy)
    print(x.grad[0, 0].tolist(), w.grad.tolist(), b.grad.tolist())
gn = torch.nn.GroupNorm(2, 4)
print(gn, gn(torch.randn(3, 4, 5)))
