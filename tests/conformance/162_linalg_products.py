# Products and helpers built on matmul and the SVD, as attention, physics
# and least-squares code uses them: einsum (explicit, implicit, '...',
# traces), tensordot, kron, matrix_power, cross, multi_dot, vecdot,
# pinv, matrix_rank, matrix_exp, the norms, lstsq, cond and
# householder_product, with gradients.
import torch

q = torch.arange(12.0).reshape(2, 2, 3) / 10
k = torch.linspace(-1, 1, 12).reshape(2, 2, 3).requires_grad_()
scores = torch.einsum("bqd,bkd->bqk", q, k)
print(scores.detach())
(scores ** 2).sum().backward()
print(k.grad)
M = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
print(torch.einsum("ii", M), torch.einsum("ij->ji", M), torch.einsum("ii->i", M))
print(torch.einsum("...ij,...jk", torch.ones(3, 2, 2), M).shape)
print(torch.einsum("i,j->ij", torch.arange(3.0), torch.arange(2.0)))
print(torch.tensordot(torch.arange(24.0).reshape(2, 3, 4),
                      torch.arange(12.0).reshape(4, 3), dims=([1, 2], [1, 0])))
print(torch.tensordot(M, M, dims=1))
print(torch.kron(torch.eye(2), M))
A = torch.tensor([[1.0, 1.0], [1.0, 0.0]], dtype=torch.float64,
                 requires_grad=True)
F = torch.linalg.matrix_power(A, 10)
print(F)
F[0, 1].backward()
print(A.grad)
print(torch.matrix_power(M, -2), M.matrix_power(0))
a = torch.tensor([1.0, 0.0, 0.0])
b = torch.tensor([0.0, 1.0, 0.0])
print(torch.linalg.cross(a, b), torch.cross(b, a, dim=0))
print(torch.linalg.multi_dot([torch.ones(3), torch.eye(3) * 2, torch.ones(3)]))
print(torch.linalg.vecdot(M, M))
X = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
y = torch.tensor([1.0, 2.0, 2.9], dtype=torch.float64)
print(torch.linalg.pinv(X) @ y)
print(torch.linalg.matrix_rank(X), torch.linalg.matrix_rank(torch.ones(3, 3)))
R = torch.linalg.matrix_exp(torch.tensor([[0.0, -1.0], [1.0, 0.0]]))
print(R)
print(torch.linalg.matrix_norm(M), torch.linalg.matrix_norm(M, ord="nuc"))
print(torch.linalg.vector_norm(M, ord=1, dim=1))
sol = torch.linalg.lstsq(X, y.unsqueeze(1))
print(sol.solution, sol.rank)
print(torch.linalg.cond(M), torch.linalg.cond(M, "fro"))
V = torch.tensor([[1.0, 0.0], [0.5, 1.0], [0.25, 0.5]], dtype=torch.float64)
H = torch.linalg.householder_product(V, torch.tensor([1.2, 0.8],
                                                     dtype=torch.float64))
print(H[:, 0], H[1:, 1], H[0, 1].abs() < 1e-12)
