# Softmax regression trained from scratch on a small synthetic problem.
import torch

torch.manual_seed(1)
num_inputs, num_outputs, n = 4, 3, 60
X = torch.rand(n, num_inputs)
true_W = torch.tensor([[2.0, -1.0, 0.0], [0.0, 1.5, -1.0],
                       [-1.0, 0.0, 2.0], [0.5, 0.5, -0.5]])
y = (X @ true_W).argmax(dim=1)
W = torch.zeros(num_inputs, num_outputs, requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def net(X):
    logits = X @ W + b
    e = torch.exp(logits - logits.max(dim=1, keepdim=True).values)
    return e / e.sum(dim=1, keepdim=True)


def loss_fn(y_hat, y):
    one_hot = (y.unsqueeze(1) == torch.arange(num_outputs)).float()
    return -(one_hot * torch.log(y_hat)).sum(dim=1).mean()


lr = 0.5
for epoch in range(10):
    l = loss_fn(net(X), y)
    l.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
    acc = (net(X).argmax(dim=1) == y).float().mean()
    print(f"epoch {epoch + 1}: loss {l.item():.4f}, train acc {acc.item():.3f}")
