# float32/float64 matrix products print what PyTorch's BLAS calls print, to
# the last bit: mm with contiguous and transposed operands, linear/addmm with
# the bias added inside BLAS, bmm below and above torch's 400 multiply-add
# loop, baddbmm, matmul's folding, and the grads of a Linear.
# Inputs are built with exact float ops so only the products can differ.
import torch
import torch.nn.functional as F
def mk(*shape, s=0.37, o=0.0):
    n = 1
    for d in shape: n *= d
    return ((torch.arange(float(n)) * s + o) % 1.3 - 0.6).reshape(*shape)
W = mk(8, 5); b = mk(8, s=0.71); X = mk(16, 5, s=0.53)
print((X @ W.t())[0].tolist())
print(F.linear(X, W, b)[1].tolist())
print(torch.addmm(b, X, W.t())[2].tolist())
w = torch.softmax(torch.tensor([[0.3] * 6 + [-1e6] * 4]), -1).reshape(1, 1, 10)
v = torch.arange(40.).reshape(1, 10, 4)
print(torch.bmm(w, v).tolist())
A = mk(3, 40, 50, s=0.11); B = mk(50, 30, s=0.29)
print((A @ B)[1, 2].tolist())
print(torch.matmul(mk(7, 50, s=0.13), mk(2, 50, 9, s=0.31))[1, 3].tolist())
print(torch.bmm(mk(2, 30, 300, s=0.17), mk(2, 300, 20, s=0.23))[1, 2].tolist())
print(torch.baddbmm(mk(20, s=0.5), mk(2, 30, 300, s=0.19), mk(2, 300, 20, s=0.07))[1, 2].tolist())
print(torch.baddbmm(mk(3), mk(2, 3, 5, s=0.9), mk(2, 5, 3, s=0.3), beta=0.5, alpha=2.0).tolist())
print(torch.addmm(mk(20), mk(64, 300, s=0.21), mk(300, 20, s=0.43))[7].tolist())
print(torch.matmul(mk(2, 4, 6, 7), mk(2, 4, 7, 5, s=0.2))[1, 2].tolist())
print((mk(300, 400, s=0.057) @ mk(400, 200, s=0.093))[5, :8].tolist())
print(torch.matmul(mk(3, 40, 50, s=0.11), mk(50, s=0.7))[2, :6].tolist())
print(torch.matmul(mk(50, s=0.3), mk(2, 50, 9, s=0.31))[1].tolist())
print((mk(3, 50, 40, s=0.23).permute(0, 2, 1) @ mk(50, 30, s=0.19))[2, 3, :6].tolist())
print(torch.mv(mk(40, 300, s=0.021), mk(300, s=0.017))[:6].tolist())
print((mk(300, 400, s=0.057, o=0.1).t().contiguous().t() @ mk(200, 400, s=0.093).t())[5, :8].tolist())
print(torch.mm(mk(10, 600, s=0.031).double(), mk(600, 7, s=0.047).double())[3].tolist())
# a few Linear training steps (no bias: its grad is a sum, not a product;
# the loss is printed to 6 decimals because mean()'s float sum is not yet
# bit-exact, while the weight grads, which are products, are)
lin = torch.nn.Linear(5, 3, bias=False)
with torch.no_grad():
    lin.weight.copy_(mk(3, 5, s=0.41))
x = mk(16, 5, s=0.77)
y = mk(16, 3, s=0.61)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
for step in range(5):
    opt.zero_grad()
    loss = ((lin(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
    print('%.6f' % loss.item(), lin.weight.grad[0].tolist())
xs = mk(4, 6, 5, s=0.33)
l2 = torch.nn.Linear(5, 7)
with torch.no_grad():
    l2.weight.copy_(mk(7, 5, s=0.27))
    l2.bias.copy_(mk(7, s=0.9))
out = l2(xs)
out.sum().backward()
print(out[1, 2].tolist(), l2.weight.grad[3].tolist())
