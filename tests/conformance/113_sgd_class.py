# An optimizer class from scratch, stepping a list of parameters.
import torch


class SGD:
    def __init__(self, params, lr, momentum=0.0):
        self.params = list(params)
        self.lr = lr
        self.momentum = momentum
        self.velocity = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p, v in zip(self.params, self.velocity):
            v.mul_(self.momentum).add_(p.grad)
            p -= self.lr * v


w = torch.tensor([[1.0, -1.0]], requires_grad=True)
target = torch.tensor([[3.0, 2.0]])
opt = SGD([w], lr=0.1, momentum=0.9)
for step in range(8):
    opt.zero_grad()
    loss = ((w - target) ** 2).sum()
    loss.backward()
    opt.step()
    print(f"step {step}: loss {loss.item():.4f} w {w.detach().tolist()}")
