# Gradient descent on a quadratic with a while loop until convergence.
import torch

A = torch.tensor([[3.0, 0.5], [0.5, 1.0]])
b = torch.tensor([1.0, -2.0])
x = torch.zeros(2, requires_grad=True)
steps = 0
while True:
    f = 0.5 * x @ A @ x - b @ x
    f.backward()
    with torch.no_grad():
        if x.grad.norm() < 1e-4:
            break
        x -= 0.3 * x.grad
    x.grad.zero_()
    steps += 1
print(steps, [round(v, 4) for v in x.detach().tolist()])
print(f"f* = {f.item():.5f}")
