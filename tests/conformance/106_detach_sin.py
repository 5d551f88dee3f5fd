# detach() and derivatives of elementwise functions (D2L 2.4/2.5).
import math

import torch

x = torch.linspace(-math.pi, math.pi, 9, requires_grad=True)
y = torch.sin(x)
y.sum().backward()
print(bool((x.grad - torch.cos(x.detach())).abs().max() < 1e-6))
u = y.detach()
print(u.requires_grad, y.requires_grad)
z = u * x
x.grad.zero_()
z.sum().backward()
print((x.grad == u).tolist())
print([f"{v:.3f}" for v in y.detach().tolist()])
