# torch.autograd.grad: gradients without touching .grad.
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 3).sum()
(g,) = torch.autograd.grad(y, x)
print(g, x.grad)
w = torch.tensor(0.5, requires_grad=True)
loss = ((w * x - 1) ** 2).mean()
gw, gx = torch.autograd.grad(loss, [w, x])
print(f"dloss/dw = {gw.item():.4f}")
print(gx)
