# F.gelu(approximate="tanh") and nn.GELU("tanh") as torch 1.13 computes
# them (its own kernel; oneDNN only takes the erf form): SLEEF tanh in the
# vector blocks, glibc on the tail, its fused multiply-adds, forward and
# backward, float32 and float64.
import torch
import torch.nn.functional as F
torch.manual_seed(0)
for n in (1, 5, 16, 37, 1000):
    for dt in (torch.float32, torch.float64):
        x = (torch.randn(n, dtype=dt) * 3).requires_grad_()
        y = F.gelu(x, approximate="tanh")
        g = torch.randn(n, dtype=dt)
        y.backward(g)
        print(n, dt, hash(tuple(y.tolist())) % 100003, hash(tuple(x.grad.tolist())) % 100003)
print(torch.nn.GELU(approximate="tanh")(torch.linspace(-3, 3, 7)))
