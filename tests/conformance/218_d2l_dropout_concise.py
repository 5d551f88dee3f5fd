# D2L 5.6: dropout, concise: nn.Dropout layers between hidden layers;
# training draws masks (the session RNG as torch's), eval does not.
import torch
from torch import nn

torch.manual_seed(3)
dropout1, dropout2 = 0.2, 0.5
net = nn.Sequential(nn.Flatten(),
                    nn.Linear(64, 32), nn.ReLU(),
                    nn.Dropout(dropout1),
                    nn.Linear(32, 16), nn.ReLU(),
                    nn.Dropout(dropout2),
                    nn.Linear(16, 4))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)
X_all = torch.randn(64, 1, 8, 8)
y_all = (X_all.sum(dim=(1, 2, 3)) > 0).long() + 2 * (X_all[:, 0, 0, 0] > 0).long()
loss = nn.CrossEntropyLoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
for epoch in range(5):
    net.train()
    for i in range(0, 64, 16):
        l = loss(net(X_all[i:i + 16]), y_all[i:i + 16])
        trainer.zero_grad()
        l.backward()
        trainer.step()
    net.eval()
    with torch.no_grad():
        print(epoch, loss(net(X_all), y_all))
net.train()
h = net[:4](X_all[:2])
print(h)
net.eval()
print(net[:4](X_all[:2]))
print(net[2].training, net[3].training)
