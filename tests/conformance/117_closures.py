# Closures that build loss functions and counters.
import torch


def make_loss(kind):
    if kind == "l2":
        def loss(a, b):
            return ((a - b) ** 2).mean()
    else:
        def loss(a, b):
            return (a - b).abs().mean()
    return loss


def counter():
    calls = 0

    def step(t):
        nonlocal calls
        calls += 1
        return t * calls
    return step


a, b = torch.tensor([1.0, 2.0, 4.0]), torch.tensor([1.5, 1.0, 4.0])
for kind in ("l2", "l1"):
    print(kind, make_loss(kind)(a, b).item())
step = counter()
print(step(a), step(a), step(b))
