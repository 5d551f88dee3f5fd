# D2L 4.5: concise softmax regression on synthetic 28x28 "images" of
# 10 classes (class-dependent means), CrossEntropyLoss(reduction='none').
import torch
from torch import nn

torch.manual_seed(1)
num_classes = 10
n = 200
centers = torch.randn(num_classes, 1, 28, 28) * 0.5
y_all = torch.arange(n) % num_classes
X_all = centers[y_all] + torch.randn(n, 1, 28, 28)
print(X_all.shape, y_all[:12])

net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


batch_size = 50
for epoch in range(3):
    metric = [0.0, 0.0, 0.0]
    net.train()
    for i in range(0, n, batch_size):
        X, y = X_all[i:i + batch_size], y_all[i:i + batch_size]
        y_hat = net(X)
        l = loss(y_hat, y)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        metric[0] += float(l.sum())
        metric[1] += accuracy(y_hat, y)
        metric[2] += y.numel()
    net.eval()
    with torch.no_grad():
        test_acc = accuracy(net(X_all), y_all) / n
    print(f'epoch {epoch + 1}: loss {metric[0] / metric[2]:.4f}, '
          f'train acc {metric[1] / metric[2]:.3f}, test acc {test_acc:.3f}')
print(net[1].bias.data)
print(net(X_all[:3]).softmax(dim=1).max(dim=1))
