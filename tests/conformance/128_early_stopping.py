# Training with early stopping (break) and a patience counter.
import torch

X = torch.arange(10.0).reshape(-1, 1) / 10
y = (X * 2 + 1).reshape(-1)
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
best, patience, bad = float("inf"), 2, 0
for epoch in range(100):
    loss = ((X.reshape(-1) * w + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
        b -= 0.5 * b.grad
        w.grad.zero_()
        b.grad.zero_()
    if loss.item() < best - 1e-3:
        best, bad = loss.item(), 0
    else:
        bad += 1
        if bad > patience:
            print(f"stopping at epoch {epoch}")
            break
print(f"best {best:.4f}, w {w.item():.3f}, b {b.item():.3f}")
