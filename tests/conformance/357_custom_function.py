# torch.autograd.Function as the PyTorch tutorial "Learning PyTorch with
# Examples" defines one (LegendrePolynomial3), trained with manual SGD;
# plus a Function with two outputs, a non-tensor argument and a None
# gradient, chained with another Function.
import math
import torch


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)
a = torch.full((), 0.0, requires_grad=True)
b = torch.full((), -1.0, requires_grad=True)
c = torch.full((), 0.0, requires_grad=True)
d = torch.full((), 0.3, requires_grad=True)
learning_rate = 5e-6
for t in range(300):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 49:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
print(f'Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)')


class ScaleAndShift(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k, x + 1

    @staticmethod
    def backward(ctx, g_scaled, g_shifted):
        return g_scaled * ctx.k + g_shifted, None


w = torch.tensor([1.0, 2.0], requires_grad=True)
u, v = ScaleAndShift.apply(w * 2, 3.0)
print(u, v.requires_grad, u.is_leaf)
z = ScaleAndShift.apply(u, 2.0)[0]
(z.sum() + v.sum() + u.sum()).backward()
print(w.grad)
with torch.no_grad():
    print(LegendrePolynomial3.apply(torch.tensor([0.5, 1.0])))
