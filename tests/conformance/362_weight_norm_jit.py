# nn.utils.weight_norm / remove_weight_norm (weight = g * v / ||v|| before
# each forward; weight_g and weight_v trained as parameters), torch.jit
# script/trace as identity (tensord runs the Python eagerly), and the
# layout and names attributes.
import torch
torch.manual_seed(0)
m = torch.nn.utils.weight_norm(torch.nn.Linear(3, 2))
print([n for n, _ in m.named_parameters()], m.weight_g, m.weight_v.shape)
x = torch.randn(4, 3)
y = m(x)
y.sum().backward()
print(y, m.weight_g.grad, m.weight_v.grad)
opt = torch.optim.SGD(m.parameters(), lr=0.1)
opt.step()
print(m(x))
c = torch.nn.utils.weight_norm(torch.nn.Conv1d(2, 4, 3), dim=None)
print(c.weight_g, c(torch.randn(1, 2, 5)).shape)
torch.nn.utils.remove_weight_norm(m)
print([n for n, _ in m.named_parameters()], m.weight)
print(torch.strided, torch.ones(2).layout, torch.ones(2, 3).names, torch.jit.script(torch.nn.Linear(2, 2)).in_features)
@torch.jit.script
def f(x):
    return x * 2
print(f(torch.ones(2)), torch.jit.is_scripting())
