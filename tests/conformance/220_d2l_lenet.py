# D2L 7.6: LeNet (Conv2d, Sigmoid, AvgPool2d, Flatten, Linear) on random
# 28x28 images: layer shapes, xavier init, a few SGD steps.
import torch
from torch import nn

torch.manual_seed(6)
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))
print(net)
X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape: \t', X.shape)


def init_weights(m):
    if type(m) == nn.Linear or type(m) == nn.Conv2d:
        nn.init.xavier_uniform_(m.weight)


net.apply(init_weights)
print(net[0].weight[0, 0])
images = torch.rand(32, 1, 28, 28)
labels = torch.arange(32) % 10
optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
loss = nn.CrossEntropyLoss()
for step in range(4):
    net.train()
    for i in range(0, 32, 16):
        X, y = images[i:i + 16], labels[i:i + 16]
        optimizer.zero_grad()
        y_hat = net(X)
        l = loss(y_hat, y)
        l.backward()
        optimizer.step()
    with torch.no_grad():
        acc = (net(images).argmax(dim=1) == labels).float().mean()
    print(step, f"{l.item():.4f}", acc)
print(net[3].bias.data)
print(net[9].weight.grad[:2, :5])
