import torch
from torch import nn

torch.manual_seed(3)
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05
X = torch.randn(n_train, num_inputs)
y = X @ true_w + true_b + torch.randn(n_train, 1) * 0.01
dataset = torch.utils.data.TensorDataset(X, y)
train_iter = torch.utils.data.DataLoader(dataset, batch_size, shuffle=True)


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction='none')
    num_epochs, lr = 20, 0.003
    trainer = torch.optim.SGD([
        {"params": net[0].weight, 'weight_decay': wd},
        {"params": net[0].bias}], lr=lr)
    for epoch in range(num_epochs):
        for Xb, yb in train_iter:
            trainer.zero_grad()
            l = loss(net(Xb), yb)
            l.mean().backward()
            trainer.step()
        if (epoch + 1) % 5 == 0:
            with torch.no_grad():
                print(epoch + 1, round(loss(net(X), y).mean().item(), 4))
    print('w的L2范数：'.encode('ascii', 'ignore').decode() or 'norm', net[0].weight.norm().item() > 0)
    print('L2 norm of w: %.4f' % net[0].weight.norm().item())
    print(trainer.param_groups[0]['weight_decay'], trainer.param_groups[1]['weight_decay'])
    print(len(trainer.param_groups), sorted(trainer.param_groups[0].keys()))


train_concise(0)
train_concise(3)
