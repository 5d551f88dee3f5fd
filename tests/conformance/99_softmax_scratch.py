# Softmax and cross-entropy from scratch (D2L 4.4), one-hot by comparison.
import torch


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X = torch.tensor([[0.1, 2.0, -1.0], [1.0, 1.0, 1.0]])
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))
y = torch.tensor([1, 2])
one_hot = (y.unsqueeze(1) == torch.arange(3)).float()
print(one_hot)


def cross_entropy(y_hat, y_one_hot):
    return -(y_one_hot * torch.log(y_hat)).sum(1)


print(cross_entropy(X_prob, one_hot))


def accuracy(y_hat, y):
    preds = y_hat.argmax(axis=1)
    return float((preds == y).float().sum())


print(accuracy(X_prob, y) / len(y))
