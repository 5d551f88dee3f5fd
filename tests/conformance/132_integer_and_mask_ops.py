# Integer and mask arithmetic as people write it: % // & | ^ ~ with tensors
# and Python numbers, var/std/logsumexp/amax/amin, all/any/count_nonzero,
# and the gradients of remainder, logsumexp, std and amax.
import torch
x = torch.tensor([[1.5, -2.0, 3.25], [0.5, 4.0, -1.0]], requires_grad=True)
print(x.var(), x.std(dim=1), x.var(0, unbiased=False), torch.std(x, dim=1, keepdim=True))
print(torch.logsumexp(x, dim=1), x.amax(dim=0), torch.amin(x, 1))
m = x > 0
print(m.all(), m.any(dim=1), (~m), m & (x < 3), m | (x < 0), m ^ m)
print(torch.count_nonzero(m), torch.count_nonzero(m, dim=0))
i = torch.arange(10)
print(i % 3, i // 3, -i % 4, 7 % (i + 1), 17 // (i + 1), torch.fmod(-i, 4))
print(i & 6, i | 1, i ^ 5, ~i, 6 & i)
print(torch.logical_and(i > 2, i < 7), torch.logical_not(i), torch.logical_xor(i, i > 4))
y = (x % 1.5).sum() + x.logsumexp(0).sum() + x.std() + x.amax(1).sum()
y.backward()
print(x.grad)
try:
    print(i // 0)
except RuntimeError as e:
    print("RuntimeError", e)
