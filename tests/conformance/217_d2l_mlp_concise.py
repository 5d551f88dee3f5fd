# D2L 5.2: concise MLP (Flatten, Linear, ReLU, Linear) with normal(0.01)
# init, trained a few epochs on synthetic 28x28 data.
import torch
from torch import nn

torch.manual_seed(2)
n = 120
X_all = torch.rand(n, 1, 28, 28)
w_true = torch.randn(784, 10)
y_all = (X_all.reshape(n, -1) @ w_true).argmax(dim=1)
print(y_all[:10])

net = nn.Sequential(nn.Flatten(),
                    nn.Linear(784, 256),
                    nn.ReLU(),
                    nn.Linear(256, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)
batch_size, lr, num_epochs = 40, 0.1, 4
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=lr)
for epoch in range(num_epochs):
    total, correct, count = 0.0, 0, 0
    for i in range(0, n, batch_size):
        X, y = X_all[i:i + batch_size], y_all[i:i + batch_size]
        y_hat = net(X)
        l = loss(y_hat, y)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        total += l.sum().item()
        correct += (y_hat.argmax(dim=1) == y).sum().item()
        count += len(y)
    print(epoch, round(total / count, 4), correct)
print(net[3].weight.grad.abs().sum())
print(net[1].bias[:6])
