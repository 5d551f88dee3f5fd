# A LeNet-style CNN (two conv + pool blocks, three linear layers) on random
# 28x28 images, batch 64, trained for 10 SGD steps, written with torch.nn
# and torch.optim as users write it. Runs unchanged under PyTorch, under
# `tensorctl run` and under `python3 -m tensord run` (bench/training.py runs
# all three) and prints its loss, time per step and, under tensord, round
# trips per step.
import time

import torch
from torch import nn

torch.manual_seed(0)
batch, steps = 64, 10
X = torch.randn(batch, 1, 28, 28)
y = torch.randint(0, 10, (batch,))
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
    nn.Linear(120, 84), nn.ReLU(),
    nn.Linear(84, 10))
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)

# (No try statement: one makes tensord trace the script, which a plain
# training script does not pay for.)
engine = None
if torch.__name__ == "tensord.torch":  # not under PyTorch
    from tensord import _session
    engine = _session.current_session().engine


def step():
    opt.zero_grad()
    loss = loss_fn(net(X), y)
    loss.backward()
    opt.step()
    return loss


step()  # warm-up (first-call costs on both sides)
trips = engine.round_trips if engine else 0
start = time.perf_counter()
for _ in range(steps):
    loss = step()
final = loss.item()
elapsed = time.perf_counter() - start
print(f"loss {final:.4f}")
print(f"step_ms {1000 * elapsed / steps:.3f}")
if engine:
    print(f"round_trips_per_step {(engine.round_trips - trips) / steps:.1f}")
