# Error: backward on a non-scalar inside a helper function.
import torch


def train_step(w, x):
    out = w * x
    out.backward()
    return w.grad


w = torch.ones(3, requires_grad=True)
print(train_step(w, torch.tensor(2.0)).sum() if w.numel() == 1 else "skip")
print(train_step(w, torch.arange(3.0)))
