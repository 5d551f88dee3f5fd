# Batched and broadcast matmul in a helper, checked against a loop.
import torch


def bmm_loop(A, B):
    return torch.stack([a @ b for a, b in zip(A, B)])


A = torch.arange(24.0).reshape(2, 3, 4) / 10
B = torch.arange(16.0).reshape(2, 4, 2) / 10
C = A @ B
print(C.shape)
print(C)
print(bool((C - bmm_loop(A, B)).abs().max() < 1e-6))
W = torch.ones(4, 5)
print((A @ W).shape, torch.matmul(A[0], W).shape)
v = torch.tensor([1.0, 0.0, -1.0, 2.0])
print(A @ v)
