# A 3-layer MLP (512 wide, batch 256) trained for 30 steps of SGD, written
# as a PyTorch user writes it without torch.nn. Runs unchanged under
# PyTorch and under `tensorctl run` (bench/training.py runs both) and
# prints its loss and time per step.
import time

import torch

torch.manual_seed(0)
n, d_in, width, d_out, steps, lr = 256, 512, 512, 10, 30, 0.01
X = torch.randn(n, d_in)
Y = torch.randn(n, d_out)
W1 = (torch.randn(d_in, width) * 0.05).requires_grad_(True)
W2 = (torch.randn(width, width) * 0.05).requires_grad_(True)
W3 = (torch.randn(width, d_out) * 0.05).requires_grad_(True)
params = [W1, W2, W3]


def forward(x):
    h = torch.relu(x @ W1)
    h = torch.relu(h @ W2)
    return h @ W3


start = time.perf_counter()
for step in range(steps):
    loss = ((forward(X) - Y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()
final = loss.item()
elapsed = time.perf_counter() - start
print(f"loss {final:.4f}")
print(f"step_ms {1000 * elapsed / steps:.3f}")
