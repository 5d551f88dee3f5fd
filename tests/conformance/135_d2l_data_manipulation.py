# D2L 2.1 data manipulation: axis=/keepdims= aliases, cat, id() after assignment,
# slice assignment, numpy round trip and types, item/float/int, shape and size.
import torch
X = torch.arange(12, dtype=torch.float32).reshape((3, 4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(X.sum(axis=0), X.sum(axis=[0, 1]), X.mean(axis=1, keepdims=True))
print(X.cumsum(axis=0))
print(torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1))
before = id(Y)
Y = Y + X
print(id(Y) == before)
Z = torch.zeros_like(Y)
print('id(Z):', id(Z) == id(Z))
Z[:] = X + Y
X += Y
A = X.numpy()
B = torch.from_numpy(A)
print(type(A), type(B))
a = torch.tensor([3.5])
print(a, a.item(), float(a), int(a))
print(X.numel(), len(X), X.shape, X.size(), X.size(1))
print(X[-1], X[1:3])
X[1, 2] = 17
X[0:2, :] = 12
print(X)
