# D2L 2.4: a numerical limit, then the derivative by autograd.
import torch


def f(x):
    return 3 * x ** 2 - 4 * x


for h in [10.0 ** -k for k in range(1, 6)]:
    print(f'h={h:.5f}, numerical limit={(f(1 + h) - f(1)) / h:.5f}')
x = torch.tensor(1.0, requires_grad=True)
f(x).backward()
print(x.grad)
xs = torch.arange(0.0, 3.0, 0.5)
print(f(xs), 6 * xs - 4)
