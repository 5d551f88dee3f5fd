# Adam, AdamW (amsgrad, weight decay, maximize), RMSprop (centered,
# momentum), Adagrad (lr decay, initial accumulator): a few steps each on a
# small MLP; losses, parameters and optimizer state.
import torch
from torch import nn, optim

torch.manual_seed(42)
X = torch.randn(16, 3)
Y = torch.sin(X.sum(dim=1, keepdim=True))


def run(name, make_opt, steps=6):
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1))
    opt = make_opt(model.parameters())
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(X), Y)
        loss.backward()
        opt.step()
        losses.append(loss)
    print(name, torch.stack(losses).detach())
    print(model[2].weight.data)
    return model, opt


model, opt = run("adam", lambda p: optim.Adam(p, lr=0.05))
print(opt)
st = opt.state[model[2].weight]
print(sorted(st.keys()), st["step"])
print(st["exp_avg"])
print(st["exp_avg_sq"])
run("adam-amsgrad", lambda p: optim.Adam(p, lr=0.05, amsgrad=True, betas=(0.8, 0.9)))
run("adam-wd", lambda p: optim.Adam(p, lr=0.01, weight_decay=0.1, eps=1e-6))
run("adam-max", lambda p: optim.Adam(p, lr=0.01, maximize=True))
model, opt = run("adamw", lambda p: optim.AdamW(p, lr=0.05))
print(opt)
run("adamw-amsgrad", lambda p: optim.AdamW(p, lr=0.05, weight_decay=0.5, amsgrad=True))
model, opt = run("rmsprop", lambda p: optim.RMSprop(p, lr=0.01))
print(opt)
print(opt.state[model[0].bias]["step"], opt.state[model[0].bias]["square_avg"])
run("rmsprop-centered", lambda p: optim.RMSprop(p, lr=0.01, centered=True, momentum=0.3))
run("rmsprop-wd", lambda p: optim.RMSprop(p, lr=0.01, alpha=0.9, weight_decay=0.1))
model, opt = run("adagrad", lambda p: optim.Adagrad(p, lr=0.1))
print(opt)
print(opt.state[model[0].bias])
run("adagrad-decay", lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01))

try:
    optim.Adam(model.parameters(), betas=(1.0, 0.9))
except ValueError as e:
    print("ValueError:", e)
try:
    optim.Adam(model.parameters(), lr=-0.1)
except ValueError as e:
    print("ValueError:", e)
