import time
import torch
from torch import nn


class Timer:
    """Record multiple running times."""
    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        self.tik = time.time()

    def stop(self):
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self):
        return sum(self.times) / len(self.times)

    def sum(self):
        return sum(self.times)


n = 1000
a = torch.ones(n)
b = torch.ones(n)
c = torch.zeros(n)
t = Timer()
for i in range(20):
    c[i] = a[i] + b[i]
elapsed = t.stop()
t.start()
d = a + b
elapsed2 = t.stop()
print(c[:5], d[:5], len(t.times))
start = time.perf_counter()
x = torch.randn(64, 64)
for _ in range(5):
    x = torch.tanh(x @ x.T / 64)
_ = time.perf_counter() - start
print(x.shape)


@torch.no_grad()
def evaluate(model, X):
    return model(X).sum()


model = nn.Linear(4, 2)
X = torch.randn(3, 4)
out = evaluate(model, X)
print(out.requires_grad, out.grad_fn)
with torch.inference_mode():
    y = model(X)
print(y.requires_grad)
with torch.set_grad_enabled(False):
    z = model(X)
print(z.requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(False)
print(model(X).requires_grad)
torch.set_grad_enabled(True)
print(model(X).requires_grad)
with torch.enable_grad():
    w = model(X)
print(w.grad_fn.__class__.__name__)
print(f"{'done':>8}|{3.14159:8.3f}|{int(torch.tensor(7)):04d}")
