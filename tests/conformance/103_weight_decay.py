# Weight decay (D2L 3.7): an L2 penalty added to the loss.
import torch

torch.manual_seed(2)
n_train, num_inputs = 20, 10
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
X = torch.rand(n_train, num_inputs)
y = X @ true_w + true_b


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def train(lambd, epochs=20, lr=0.05):
    w = torch.zeros(num_inputs, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for _ in range(epochs):
        l = ((X @ w + b - y) ** 2 / 2).mean() + lambd * l2_penalty(w)
        l.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
            w.grad.zero_()
            b.grad.zero_()
    return torch.norm(w).item(), l.item()


for lambd in (0, 3):
    norm, last = train(lambd)
    print(f"lambda={lambd}: L2 norm of w {norm:.6f}, last loss {last:.6f}")
