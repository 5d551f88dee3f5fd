# D2L 3.5: concise linear regression (nn.Linear + MSELoss + SGD) on
# synthetic data, minibatches by slicing.
import torch
from torch import nn

torch.manual_seed(0)
true_w = torch.tensor([2, -3.4])
true_b = 4.2
n = 1000
features = torch.normal(0, 1, (n, len(true_w)))
labels = torch.matmul(features, true_w) + true_b
labels += torch.normal(0, 0.01, labels.shape)
labels = labels.reshape((-1, 1))
print(features[0], labels[0])

net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
print(net[0].weight.data, net[0].bias.data)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

batch_size = 10
num_epochs = 3
for epoch in range(num_epochs):
    for i in range(0, n, batch_size):
        X, y = features[i:i + batch_size], labels[i:i + batch_size]
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l:f}')

w = net[0].weight.data
print('error in estimating w:', true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print('error in estimating b:', true_b - b)
print(net[0].weight.grad)
