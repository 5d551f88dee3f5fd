# D2L 8.5: batch normalization, concise: LeNet with BatchNorm2d and
# BatchNorm1d; running statistics after training steps, eval mode.
import torch
from torch import nn

torch.manual_seed(7)
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
    nn.Linear(84, 10))
print(net)
images = torch.rand(24, 1, 28, 28)
labels = torch.arange(24) % 10
trainer = torch.optim.SGD(net.parameters(), lr=1.0)
loss = nn.CrossEntropyLoss()
for epoch in range(3):
    net.train()
    for i in range(0, 24, 8):
        trainer.zero_grad()
        l = loss(net(images[i:i + 8]), labels[i:i + 8])
        l.backward()
        trainer.step()
    print(epoch, f"{l.item():.4f}")
print(net[1].gamma if hasattr(net[1], "gamma") else net[1].weight.reshape((-1,)))
print(net[1].bias.reshape((-1,)))
print(net[1].running_mean)
print(net[1].running_var)
print(net[1].num_batches_tracked, net[10].num_batches_tracked)
net.eval()
with torch.no_grad():
    print(net(images[:2]))
print(net[13].running_mean[:5])
