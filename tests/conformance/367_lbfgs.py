# torch.optim.LBFGS (fixed step, history, the first step scaled by
# 1 / sum |g|, its stopping tests) fitting a small network and the
# Rosenbrock function; and 1-d dot products through the BLAS sdot/ddot
# torch calls, for vector lengths with and without kernel tails.
import torch
from torch import nn
torch.manual_seed(15)
x = torch.linspace(-2, 2, 50).unsqueeze(1)
y = 0.5 * x ** 3 - x + 0.2 * torch.sin(3 * x)
model = nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))
opt = torch.optim.LBFGS(model.parameters(), lr=0.5, max_iter=10, history_size=5)
def closure():
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    return loss
for i in range(4):
    l = opt.step(closure)
    print(i, l.item(), opt.state[model[0].weight]["func_evals"], opt.state[model[0].weight]["n_iter"])
print(model[2].bias)
w = torch.tensor([1.5, -0.5], requires_grad=True)
opt2 = torch.optim.LBFGS([w], lr=1)
def rosen():
    opt2.zero_grad()
    f = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
    f.backward()
    return f
for i in range(3):
    print(opt2.step(rosen).item(), w)
for n in (2, 3, 7, 16, 33, 100):
    a = torch.randn(n)
    b = torch.randn(n)
    print(n, a.dot(b).item(), torch.dot(a * 1e-3, b).item(), (a @ b).item(), a.double().dot(b.double()).item())
