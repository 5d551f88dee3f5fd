# Adadelta, Adamax, NAdam, RAdam next to Adam on an elementwise loss.
import torch
for name in ['Adam', 'Adadelta', 'Adamax', 'NAdam', 'RAdam']:
    torch.manual_seed(0)
    p = torch.nn.Parameter(torch.randn(6))
    c = torch.randn(6)
    opt = getattr(torch.optim, name)([p], weight_decay=0.01) if name != 'Adadelta' else torch.optim.Adadelta([p], lr=0.5)
    for i in range(12):
        opt.zero_grad()
        loss = (p * p * c + p.sin()).sum()
        loss.backward()
        opt.step()
    print(name, p.tolist())
    print(opt.state[p].keys() if hasattr(opt.state[p], 'keys') else '')
