"""torch.linspace as torch 1.13 computes it: one step is start, the
second half counts down from end, and 32-byte vector chunks take their
base from their first index (float32, float64, int64, int32).
"""
import torch
for a, b, n in [(0, 1, 1), (-1, 1, 21), (0, 1, 100), (-2.5, 7.25, 33), (0, 10, 7), (-3, 3, 1000), (0.1, 0.9, 17), (1e-3, 1, 50)]:
    for dt in (torch.float32, torch.float64, torch.int64, torch.int32):
        t = torch.linspace(a, b, n, dtype=dt)
        print(n, dt, t.tolist() if n < 60 else t[::37].tolist())
print(torch.linspace(-1, 1, 21)[10:12])
