# group_norm forward and backward bit for bit (hashes of every value) over
# batch sizes, group sizes and spatial sizes that exercise the vector
# bodies and tails of torch's kernels, in float and double.
import torch
torch.manual_seed(0)
def h(t): return hash(tuple(t.reshape(-1).tolist())) % 100003
shapes = []
for N in (1, 2, 3):
    for (C, G) in ((4, 2), (6, 3), (8, 1), (12, 4), (16, 2), (20, 5), (24, 3), (32, 4), (9, 9), (40, 4)):
        for HW in ((1, 1), (2, 3), (3, 3), (5, 5), (4, 5), (7, 3), (8, 8), (3, 11), (6, 6)):
            shapes.append((N, C, HW[0], HW[1], G))
import random
random.seed(1)
random.shuffle(shapes)
for (N, C, H, W, G) in shapes[:40]:
    for dt in (torch.float32, torch.float64):
        x = torch.randn(N, C, H, W, dtype=dt, requires_grad=True)
        w = torch.randn(C, dtype=dt, requires_grad=True)
        b = torch.randn(C, dtype=dt, requires_grad=True)
        y = torch.nn.functional.group_norm(x, G, w, b)
        y.backward(torch.randn_like(y))
        print((N, C, H, W, G), str(dt)[-7:], h(y), h(x.grad), h(w.grad), h(b.grad))
        x2 = x.detach().clone().requires_grad_()
        y2 = torch.nn.functional.group_norm(x2, G)
        y2.backward(torch.randn_like(y2))
        print(h(y2), h(x2.grad))
