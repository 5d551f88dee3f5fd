# torch.optim.LBFGS with line_search_fn="strong_wolfe": bracketing and
# zooming with cubic interpolation, as PyTorch 1.13 does; losses, function
# evaluation counts and parameters match torch's.
import torch
from torch import nn
torch.manual_seed(16)
x = torch.linspace(-2, 2, 40).unsqueeze(1)
y = torch.sin(2 * x) + 0.1 * x ** 2
model = nn.Sequential(nn.Linear(1, 12), nn.Tanh(), nn.Linear(12, 1))
opt = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=15, history_size=10, line_search_fn="strong_wolfe")
def closure():
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    return loss
for i in range(4):
    l = opt.step(closure)
    st = opt.state[model[0].weight]
    print(i, l.item(), st["func_evals"], st["n_iter"])
w = torch.tensor([-1.2, 1.0], requires_grad=True)
opt2 = torch.optim.LBFGS([w], lr=1, line_search_fn="strong_wolfe")
def rosen():
    opt2.zero_grad()
    f = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
    f.backward()
    return f
for i in range(3):
    print(opt2.step(rosen).item(), w)
