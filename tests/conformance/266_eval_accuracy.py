import torch
from torch import nn

torch.manual_seed(11)
num_inputs, num_outputs = 20, 5
W = torch.randn(num_outputs, num_inputs)
X = torch.randn(300, num_inputs)
y = (X @ W.T).argmax(dim=1)
train_X, train_y = X[:200], y[:200]
test_X, test_y = X[200:], y[200:]


class Accumulator:
    """For accumulating sums over n variables."""
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


train_iter = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(train_X, train_y), batch_size=32, shuffle=True)
test_iter = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(test_X, test_y), batch_size=32, shuffle=False)

net = nn.Sequential(nn.Linear(num_inputs, 64), nn.ReLU(), nn.Dropout(0.2),
                    nn.Linear(64, num_outputs))
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
print(f'initial test acc {evaluate_accuracy(net, test_iter):.3f}')
for epoch in range(4):
    net.train()
    metric = Accumulator(3)
    for Xb, yb in train_iter:
        y_hat = net(Xb)
        l = loss(y_hat, yb)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        metric.add(float(l.sum()), accuracy(y_hat, yb), yb.numel())
    test_acc = evaluate_accuracy(net, test_iter)
    print(f'epoch {epoch + 1}: loss {metric[0] / metric[2]:.3f}, '
          f'train acc {metric[1] / metric[2]:.3f}, test acc {test_acc:.3f}')

net.eval()
with torch.no_grad():
    preds = net(test_X).argmax(dim=1)
    acc = (preds == test_y).float().mean()
print(acc)
print(f"{acc.item():.4f}")
print(preds[:10], test_y[:10])
print((preds == test_y).sum(), (preds == test_y).sum().item())
print(torch.bincount(preds, minlength=num_outputs))
