import torch
from torch import nn

torch.manual_seed(0)
backbone = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
head = nn.Linear(16, 3)
model = nn.Sequential(backbone, head)
for param in backbone.parameters():
    param.requires_grad = False
print([n for n, p in model.named_parameters() if p.requires_grad])
opt = torch.optim.SGD(filter(lambda p: p.requires_grad, model.parameters()), lr=0.1, momentum=0.9)
print(len(opt.param_groups[0]['params']))
X, y = torch.randn(10, 8), torch.randint(0, 3, (10,))
w0 = backbone[0].weight.clone()
for _ in range(3):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(model(X), y)
    loss.backward()
    opt.step()
print(torch.equal(w0, backbone[0].weight), backbone[0].weight.grad is None)
print(f'{loss.item():.4f}')
sd = model.state_dict()
print(list(sd.keys()))
new_head = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
res = new_head.load_state_dict({k[2:]: v for k, v in sd.items() if k.startswith('0.')})
print(res)
m2 = nn.Sequential(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU()), nn.Linear(16, 5))
res = m2.load_state_dict({k: v for k, v in sd.items() if not k.startswith('1.')}, strict=False)
print(res.missing_keys, res.unexpected_keys)
print(torch.equal(m2[0][2].bias, backbone[2].bias))
for name, module in model.named_modules():
    if isinstance(module, nn.Linear):
        print(name, module.in_features, module.out_features, module.weight.requires_grad)
model.requires_grad_(True)
print(all(p.requires_grad for p in model.parameters()))
head.reset_parameters()
print(head.weight.shape, head.bias[:2])
