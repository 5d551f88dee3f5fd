# D2L-style lazy layers (LazyConv2d, LazyBatchNorm), ParameterList/Dict,
# PReLU, channel dropout, shrink/threshold activations, margin losses.
import torch
from torch import nn
torch.manual_seed(0)
net = nn.Sequential(nn.LazyConv2d(6, kernel_size=5, padding=2), nn.LazyBatchNorm2d(), nn.Sigmoid(),
                    nn.AvgPool2d(kernel_size=2, stride=2),
                    nn.LazyConv2d(16, kernel_size=5), nn.LazyBatchNorm2d(), nn.Sigmoid(),
                    nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
                    nn.LazyLinear(120), nn.LazyBatchNorm1d(), nn.Sigmoid(), nn.LazyLinear(10))
print(net)
X = torch.randn(2, 1, 28, 28)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape:\t', X.shape)
print(net)
print(net[0].weight[0, 0, 0], net[1].running_mean, net[12].bias[:3])
def init_cnn(module):
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)
net.apply(init_cnn)
print(net[0].weight.sum().item() != 0)
print([k for k in net.state_dict()])
pl = nn.ParameterList([nn.Parameter(torch.randn(2, 2)) for i in range(3)])
print(pl, len(pl), pl[0].shape)
pd = nn.ParameterDict({'a': nn.Parameter(torch.ones(3)), 'b': torch.zeros(2, 3)})
print(pd, list(pd.keys()))
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.ps = nn.ParameterList([nn.Parameter(torch.ones(2)) for _ in range(2)])
        self.pr = nn.PReLU(3)
    def forward(self, x):
        return self.pr(x * self.ps[0][0])
m = M()
print(m, [n for n, _ in m.named_parameters()])
y = m(torch.randn(2, 3, 4))
y.sum().backward()
print(m.pr.weight.grad, m.ps[0].grad)
d = nn.Dropout2d(0.5)
print(d(torch.ones(2, 4, 2, 2))[:, :, 0, 0])
print(nn.Dropout1d(0.3)(torch.ones(3, 5, 2))[:, :, 0])
print(nn.Threshold(0.1, 20)(torch.tensor([0.0, 0.5, -1.])), nn.Hardshrink()(torch.tensor([-1., 0.2, 0.7])), nn.Softshrink(0.3)(torch.tensor([-1., 0.2, 0.7])))
print(nn.GLU()(torch.arange(8.).reshape(2, 4)), nn.Tanhshrink()(torch.tensor([1.])))
print(nn.AdaptiveAvgPool1d(2)(torch.arange(12.).reshape(1, 2, 6)), nn.AdaptiveMaxPool1d(3)(torch.arange(12.).reshape(1, 2, 6)))
a, b = torch.randn(4, 3), torch.randn(4, 3)
t = torch.tensor([1., -1., 1., -1.])
print(nn.MarginRankingLoss(0.1)(a[:, 0], b[:, 0], t), nn.SoftMarginLoss()(a[:, 0], t), nn.HingeEmbeddingLoss()(a[:, 0], t))
print(nn.CosineEmbeddingLoss()(a, b, t), nn.TripletMarginLoss()(a, b, torch.randn(4, 3)), nn.PoissonNLLLoss()(a, b.abs()))
print(nn.MultiLabelSoftMarginLoss()(a, (b > 0).float()), nn.CosineSimilarity()(a, b), nn.PairwiseDistance()(a, b))
print(nn.PReLU(), nn.Dropout2d(), nn.Threshold(0.1, 20), nn.Hardshrink(), nn.Softshrink(), nn.GLU(), nn.AdaptiveAvgPool1d(2), nn.AdaptiveMaxPool1d(3))
print(nn.MarginRankingLoss(), nn.TripletMarginLoss(), nn.CosineSimilarity(), nn.PairwiseDistance(), nn.Softmax2d())
print(nn.functional.prelu(torch.tensor([-2., 2.]), torch.tensor([0.1])))
print(nn.LazyConv2d(8, 3), nn.LazyBatchNorm1d(), nn.LazyLinear(4))
