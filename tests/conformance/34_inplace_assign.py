# In place: item/slice assignment, augmented assignment, aliasing through views.
import torch
A = torch.zeros(2, 3)
A[0, 1] = 5
print(A)
A[1] = torch.tensor([1.0, 2.0, 3.0])
print(A)
A[:] = 2
print(A)
A[:, 0] = torch.tensor([7.0, 8.0])
print(A)
A[:, 1:] = 0
print(A)
x = torch.arange(5)
x[::2] = -1
print(x)
x += 10
print(x)
x -= 1
x *= 2
print(x)
B = torch.ones(2, 2)
v = B[0]
v += 5
print(B)
y = torch.ones(3)
z = y
y += 1
print(z)
w = torch.ones(3)
u = w
w = w + 1
print(u, w)
A[...] = 3.5
print(A)
f = torch.ones(2)
f /= 4
print(f)
