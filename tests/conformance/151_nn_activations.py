# torch.nn.functional activations in a small MLP: relu, relu6, leaky_relu,
# elu, selu, celu, gelu (both forms), silu, mish, softplus, softsign,
# hardtanh, hardsigmoid, hardswish, logsigmoid; inplace=True forms, their
# grad_fn names and gradients; errors.
import torch
import torch.nn.functional as F

x = torch.linspace(-2.0, 2.0, 9, requires_grad=True)
acts = {
    "relu": F.relu, "relu6": F.relu6, "leaky_relu": F.leaky_relu,
    "elu": F.elu, "selu": F.selu, "celu": F.celu, "gelu": F.gelu,
    "silu": F.silu, "mish": F.mish, "softplus": F.softplus,
    "softsign": F.softsign, "hardtanh": F.hardtanh,
    "hardsigmoid": F.hardsigmoid, "hardswish": F.hardswish,
    "logsigmoid": F.logsigmoid,
}
for name, fn in acts.items():
    y = fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    print(name, y)
    print("  grad", g)

print(F.leaky_relu(x, 0.2))
print(F.elu(x, alpha=0.5))
print(F.celu(x, 2.0))
print(F.gelu(x, approximate="tanh"))
print(F.softplus(x, beta=2, threshold=5))
print(F.hardtanh(x, -2.0, 2.5))
print(F.relu6(torch.tensor([-3, 2, 9])))
print(torch.selu(x), torch.celu(x))

h = x * 1.0
F.relu(h, inplace=True)
print(h)
h = x * 2.0
F.leaky_relu(h, 0.1, True)
print(h)
h = x - 1.0
F.elu_(h)
print(h)
h = x + 0.5
torch.relu_(h)
h.sum().backward()
print(x.grad)

W1 = torch.linspace(-1.0, 1.0, 12).reshape(4, 3).requires_grad_()
W2 = torch.linspace(0.5, -0.5, 6).reshape(3, 2).requires_grad_()
X = torch.linspace(-2.0, 2.0, 20).reshape(5, 4)
y = torch.tensor([0, 1, 1, 0, 1])
for act in (F.relu, F.gelu, F.silu, F.mish, F.hardswish):
    loss = F.cross_entropy(act(X @ W1) @ W2, y)
    loss.backward()
    print(act.__name__, round(loss.item(), 4), W1.grad.norm() > 0)
    W1.grad = None

try:
    F.relu(x, inplace=True)
except RuntimeError as e:
    print(e)
for bad in (lambda: F.gelu(x, approximate="fast"),
            lambda: F.elu(torch.tensor([1, 2])),
            lambda: F.celu(x, alpha=0.0)):
    try:
        bad()
    except RuntimeError as e:
        print(e)
