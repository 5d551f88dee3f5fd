import os
import tempfile
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(7)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(6, 12)
        self.fc2 = nn.Linear(12, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


net = Net()
optimizer = optim.Adam(net.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
X = torch.randn(32, 6)
y = torch.randint(0, 3, (32,))

for epoch in range(5):
    optimizer.zero_grad()
    loss = criterion(net(X), y)
    loss.backward()
    optimizer.step()
print(f"before save: {loss.item():.4f}")

d = tempfile.mkdtemp()
PATH = os.path.join(d, "model.pt")
torch.save({
    'epoch': epoch,
    'model_state_dict': net.state_dict(),
    'optimizer_state_dict': optimizer.state_dict(),
    'loss': loss,
}, PATH)

model = Net()
opt2 = optim.Adam(model.parameters(), lr=0.01)
checkpoint = torch.load(PATH)
print(model.load_state_dict(checkpoint['model_state_dict']))
opt2.load_state_dict(checkpoint['optimizer_state_dict'])
start = checkpoint['epoch']
print(start, checkpoint['loss'])
print(opt2.state_dict()['param_groups'])
print(sorted(opt2.state_dict()['state'].keys()))
print(opt2.state_dict()['state'][0]['step'])

model.train()
for epoch in range(start + 1, start + 4):
    opt2.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    opt2.step()
    print(epoch, f"{loss.item():.4f}")

torch.save(model.state_dict(), os.path.join(d, "weights.pth"))
m3 = Net()
m3.load_state_dict(torch.load(os.path.join(d, "weights.pth")))
m3.eval()
with torch.no_grad():
    print(torch.allclose(m3(X), model(X)))
    print(m3(X[:2]))
torch.save(net, os.path.join(d, "whole.pt")) if False else None
