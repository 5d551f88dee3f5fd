# D2L 3.7: weight decay, concise: SGD with weight_decay on the weight's
# parameter group only, high-dimensional linear regression.
import torch
from torch import nn

torch.manual_seed(4)
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05


def synthetic(n):
    X = torch.normal(0, 1, (n, num_inputs))
    y = torch.matmul(X, true_w) + true_b
    y += torch.normal(0, 0.01, y.shape)
    return X, y


train_X, train_y = synthetic(n_train)
test_X, test_y = synthetic(n_test)


def train_concise(wd):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction='none')
    num_epochs, lr = 30, 0.003
    trainer = torch.optim.SGD([
        {"params": net[0].weight, 'weight_decay': wd},
        {"params": net[0].bias}], lr=lr)
    for epoch in range(num_epochs):
        for i in range(0, n_train, batch_size):
            X, y = train_X[i:i + batch_size], train_y[i:i + batch_size]
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
        if (epoch + 1) % 10 == 0:
            with torch.no_grad():
                print(epoch + 1,
                      f"{loss(net(train_X), train_y).mean().item():.4f}",
                      f"{loss(net(test_X), test_y).mean().item():.2f}")
    print('L2 norm of w:', f"{net[0].weight.norm().item():.4f}")
    print(trainer)


train_concise(0)
train_concise(3)
