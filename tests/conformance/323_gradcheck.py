# torch.autograd.gradcheck and gradgradcheck (slow mode), with the random
# grad_outputs gradgradcheck draws.
import torch
from torch.autograd import gradcheck, gradgradcheck

torch.manual_seed(0)
x = torch.randn(3, dtype=torch.double, requires_grad=True)
y = torch.randn(3, dtype=torch.double, requires_grad=True)
print(gradcheck(torch.sin, (x,)))
print(gradcheck(lambda a, b: (a * b.exp(), a.sum() * b), (x, y), eps=1e-6, atol=1e-4))
print(gradgradcheck(lambda a, b: (a * b.tanh()).sum() * a, (x, y)))
print(gradgradcheck(torch.nn.functional.softplus, (x,)))
print(gradcheck(lambda a: a.detach() * 2 + a, (x,), raise_exception=False))
print(torch.randn(2))
try:
    gradcheck(lambda a: a.detach() * 2 + a, (x,))
except RuntimeError as e:
    print(type(e).__name__, str(e).splitlines()[0])
