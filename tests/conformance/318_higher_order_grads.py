import torch
import torch.nn.functional as F

# Higher-order gradients: create_graph, hessian, jvp/vjp/hvp/vhp.
torch.manual_seed(0)
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
print(g)
g2, = torch.autograd.grad(g.sum(), x)
print(g2)
x.grad = None
z = (x.sin() * x).sum()
z.backward(create_graph=True)
print(x.grad)
gg, = torch.autograd.grad(x.grad.sum(), x)
print(gg)
def f(w):
    return (torch.tanh(w @ torch.ones(3, 2)) ** 2).sum()
w = torch.randn(4, 3)
print(torch.autograd.functional.hessian(lambda a: (a ** 3).sum() * a.sum(), torch.tensor([1.0, 2.0])))
print(torch.autograd.functional.hessian(f, torch.randn(2, 3)))
print(torch.autograd.functional.jacobian(lambda a: a.exp() * a, torch.tensor([0.5, 1.5]), create_graph=True))
v = torch.tensor([1.0, -1.0])
print(torch.autograd.functional.vjp(lambda a: a ** 2, torch.tensor([3.0, 4.0]), v))
print(torch.autograd.functional.jvp(lambda a: a ** 2, torch.tensor([3.0, 4.0]), v))
print(torch.autograd.functional.hvp(lambda a: (a ** 3).sum(), torch.tensor([3.0, 4.0]), v))
print(torch.autograd.functional.vhp(lambda a: (a ** 3).sum(), torch.tensor([3.0, 4.0]), v))
# PINN-style: u(t) = tanh MLP, u_t and u_tt
lin1 = torch.nn.Linear(1, 8)
lin2 = torch.nn.Linear(8, 1)
t = torch.linspace(0, 1, 5).reshape(-1, 1).requires_grad_(True)
u = lin2(torch.tanh(lin1(t)))
ut, = torch.autograd.grad(u.sum(), t, create_graph=True)
utt, = torch.autograd.grad(ut.sum(), t, create_graph=True)
loss = ((utt + u) ** 2).mean()
loss.backward()
print(ut.grad_fn is not None, utt.shape)
print(lin1.weight.grad)
print(loss)


torch.manual_seed(1)
# MAML-style inner step: gradients of a loss after a step taken with
# create_graph=True, through linear layers, relu and cross_entropy.
w1 = torch.randn(4, 8, requires_grad=True)
b1 = torch.zeros(8, requires_grad=True)
w2 = torch.randn(8, 3, requires_grad=True)
x = torch.randn(6, 4)
y = torch.tensor([0, 1, 2, 1, 0, 2])


def forward(params, inp):
    a, b, c = params
    return torch.relu(inp @ a + b) @ c


params = [w1, b1, w2]
loss = F.cross_entropy(forward(params, x), y)
grads = torch.autograd.grad(loss, params, create_graph=True)
fast = [p - 0.1 * g for p, g in zip(params, grads)]
meta = F.cross_entropy(forward(fast, x), y)
meta.backward()
print(f"{loss.item():.5f} {meta.item():.5f}")
print(f"{w1.grad.abs().sum().item():.4f} {b1.grad.abs().sum().item():.4f}")

# WGAN-GP style gradient penalty with respect to the input.
torch.manual_seed(2)
critic = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.LeakyReLU(0.2),
                             torch.nn.Linear(16, 16), torch.nn.Tanh(),
                             torch.nn.Linear(16, 1))
real = torch.randn(4, 5)
fake = torch.randn(4, 5)
alpha = torch.rand(4, 1)
mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
score = critic(mixed)
g, = torch.autograd.grad(score, mixed, grad_outputs=torch.ones_like(score),
                         create_graph=True)
gp = ((g.norm(2, dim=1) - 1) ** 2).mean()
gp.backward()
print(f"{gp.item():.5f}")
print(critic[0].weight.grad[:2])

# Derivatives of a column: u(x, t) with u_x and u_xx by slicing the input.
xt = torch.rand(5, 2, requires_grad=True)
u = torch.sin(xt[:, 0:1]) * torch.exp(-xt[:, 1:2]) + xt.pow(2).sum(1, keepdim=True)
du, = torch.autograd.grad(u.sum(), xt, create_graph=True)
u_x = du[:, 0]
u_xx, = torch.autograd.grad(u_x.sum(), xt, create_graph=True)
print(u_xx[:, 0])
print(torch.autograd.grad(u_xx[:, 0].sum(), xt)[0])

# Softmax, log_softmax and smooth activations twice.
z = torch.randn(3, 4, requires_grad=True)
for fn in (torch.softmax, torch.log_softmax):
    out = fn(z, dim=1)
    gz, = torch.autograd.grad((out * torch.arange(4.)).sum(), z, create_graph=True)
    print(torch.autograd.grad((gz ** 2).sum(), z)[0])
for act in (F.silu, F.gelu, F.elu, F.softplus, F.logsigmoid, torch.sigmoid,
            torch.tanh):
    v = torch.linspace(-2, 2, 5, requires_grad=True)
    d1, = torch.autograd.grad(act(v).sum(), v, create_graph=True)
    d2, = torch.autograd.grad(d1.sum(), v)
    print(act.__name__, d2)
print(torch.autograd.functional.hessian(
    lambda a, b: (a.exp() * b).sum() + (a @ b),
    (torch.tensor([0.5, 1.0]), torch.tensor([2.0, -1.0]))))
