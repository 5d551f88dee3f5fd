# Checking autograd against central finite differences, in float64.
import torch


def f(x):
    return (torch.sin(x) * x ** 2).sum() + torch.exp(x[0] * x[1])


x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
f(x).backward()
eps = 1e-6
numeric = []
for i in range(3):
    e = torch.zeros(3, dtype=torch.float64)
    e[i] = eps
    with torch.no_grad():
        numeric.append(((f(x + e) - f(x - e)) / (2 * eps)).item())
print([f"{g:.6f}" for g in x.grad.tolist()])
print([f"{g:.6f}" for g in numeric])
print(max(abs(a - b) for a, b in zip(x.grad.tolist(), numeric)) < 1e-6)
