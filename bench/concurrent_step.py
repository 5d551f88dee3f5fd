# One client of `script/bench concurrent`: an MLP training step (forward,
# backward, SGD update under no_grad, zero_grad), STEPS times, written as a
# PyTorch user writes it. Runs unchanged under PyTorch and under
# `python3 -m tensord run` (each client in its own session). Prints "ready",
# waits for a line on stdin (so that every client starts together), runs,
# and prints its loss and the seconds its steps took.
import os
import sys
import time

import torch

steps = int(os.environ.get("STEPS", "20"))
torch.manual_seed(0)
n, d_in, width, d_out, lr = 128, 256, 256, 10, 0.01
X = torch.randn(n, d_in)
Y = torch.randn(n, d_out)
W1 = (torch.randn(d_in, width) * 0.05).requires_grad_(True)
W2 = (torch.randn(width, d_out) * 0.05).requires_grad_(True)
params = [W1, W2]


def step():
    loss = ((torch.relu(X @ W1) @ W2 - Y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    for p in params:
        p.grad.zero_()
    return loss


step()  # warm-up
print(f"{step().item():.4f}")  # and make sure setup has run
print("ready", flush=True)
sys.stdin.readline()
start = time.perf_counter()
for _ in range(steps):
    loss = step()
final = loss.item()
print(f"loss {final:.4f}")
print(f"seconds {time.perf_counter() - start:.6f}", flush=True)
