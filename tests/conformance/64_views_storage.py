# Shape: which ops return views (writes show through) and which copy.
import torch
A = torch.arange(6.0).reshape(2, 3)
row = A[1]
row[0] = -1
print(A)
col = A[:, 2]
col.mul_(10)
print(A)
t = A.T
t[0, 0] = 100
print(A)
f = A.flatten()
f[1] = 55
print(A)
s = A[:, ::2]
s.fill_(0)
print(A)
c = A.clone()
c.zero_()
print(A)
u = A.unsqueeze(0)
u[0, 0, 1] = 7
print(A)
e = torch.zeros(3)
g = e.expand(2, 3)
e[1] = 4
print(g)
