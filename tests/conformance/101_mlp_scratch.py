# A multilayer perceptron from scratch (D2L 5.2): relu, params, training.
import torch

torch.manual_seed(3)
num_inputs, num_hiddens, num_outputs = 6, 8, 2
W1 = (torch.rand(num_inputs, num_hiddens) - 0.5).requires_grad_()
b1 = torch.zeros(num_hiddens, requires_grad=True)
W2 = (torch.rand(num_hiddens, num_outputs) - 0.5).requires_grad_()
b2 = torch.zeros(num_outputs, requires_grad=True)
params = [W1, b1, W2, b2]


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def net(X):
    H = relu(X @ W1 + b1)
    return H @ W2 + b2


X = torch.rand(32, num_inputs)
Y = torch.stack([X.sum(1), X[:, 0] - X[:, 1]], dim=1)
lr = 0.1
for epoch in range(15):
    loss = ((net(X) - Y) ** 2).mean()
    for p in params:
        if p.grad is not None:
            p.grad.zero_()
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1}: loss {loss.item():.5f}")
print([tuple(p.shape) for p in params])
