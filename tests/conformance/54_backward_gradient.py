# Autograd: backward(gradient) for non-scalar outputs (positional and keyword).
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
y.backward(torch.tensor([1.0, 0.1, 0.01]))
print(x.grad)
x.grad.zero_()
y = 2 * x
y.backward(gradient=torch.ones(3))
print(x.grad)
A = torch.ones(2, 3, requires_grad=True)
B = A * A
B.backward(torch.ones_like(B))
print(A.grad)
x.grad.zero_()
s = x.sum()
s.backward(torch.tensor(2.0))
print(x.grad)
x.grad.zero_()
M = x.reshape(3, 1) * torch.tensor([1.0, 2.0])
M.backward(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
print(x.grad)
