# A hyperparameter sweep: a list of dicts, one short training run each.
import torch

X = torch.linspace(-1, 1, 21).reshape(-1, 1)
y = 3 * X - 0.5


def run(lr, epochs):
    w = torch.zeros(1, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(epochs):
        loss = ((X @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    return loss.item(), w.item(), b.item()


configs = [{"lr": lr, "epochs": e} for lr in (0.05, 0.2) for e in (5, 20)]
results = []
for cfg in configs:
    loss, w, b = run(**cfg)
    results.append((loss, cfg))
    print(f"lr={cfg['lr']:<4} epochs={cfg['epochs']:>2}: loss {loss:.5f} w {w:.3f} b {b:.3f}")
best_loss, best = min(results, key=lambda r: r[0])
print("best:", best, f"{best_loss:.6f}")
