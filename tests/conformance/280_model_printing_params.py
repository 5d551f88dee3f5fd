import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.dropout = nn.Dropout(p=0.25)
        self.bn = nn.BatchNorm1d(120, momentum=0.05)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.bn(self.fc1(x)))
        x = self.dropout(F.relu(self.fc2(x)))
        return self.fc3(x)


torch.manual_seed(0)
net = LeNet()
print(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())
for name, p in net.named_parameters():
    print(f"{name:20s} {str(tuple(p.shape)):20s} {p.numel()}")
print(sum(p.numel() for p in net.parameters()))
for name, module in net.named_children():
    print(name, type(module).__name__)
for name, buf in net.named_buffers():
    print(name, buf.shape, buf.dtype)
print([n for n, _ in net.named_modules()])
print(net.fc1.weight.dtype, net.fc1.weight.device, net.fc1.weight.requires_grad)
print(net.training)
net.eval()
print(net.training, net.dropout.training)
inp = torch.randn(2, 1, 28, 28)
out = net(inp)
print(out.shape)
net.zero_grad()
out.backward(torch.randn(2, 10))
print(net.conv1.bias.grad.shape)
print(nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 2), nn.Softmax(dim=1))))
print(nn.ModuleList([nn.Linear(2, 2) for _ in range(2)]))
print(nn.ModuleDict({'a': nn.Linear(1, 1), 'act': nn.Sigmoid()}))
print(nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, bias=False))
print(nn.Conv1d(4, 4, 3, dilation=2), nn.MaxPool1d(2), nn.AvgPool2d(2, stride=1))
print(nn.LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.1, bidirectional=True))
print(nn.Embedding(100, 16, padding_idx=0), nn.LayerNorm([4, 5], eps=1e-6))
print(nn.Dropout2d(0.3), nn.Identity(), nn.Softplus(), nn.ELU(alpha=0.5), nn.PReLU())
print(nn.Hardtanh(-2, 2), nn.SiLU(), nn.Mish(), nn.LogSoftmax(dim=-1), nn.ReLU6())
print(nn.CrossEntropyLoss(label_smoothing=0.1), nn.BCEWithLogitsLoss(), nn.NLLLoss(), nn.SmoothL1Loss(), nn.L1Loss(), nn.HuberLoss())
print(nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16) if hasattr(nn, 'TransformerEncoderLayer') else '')
