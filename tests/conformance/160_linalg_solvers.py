# Determinants, inverses and solvers as a linear-regression notebook uses
# them: det/slogdet/logdet, inverse, linalg.solve for the normal
# equations, cholesky, their gradients, and a singular matrix caught as
# torch.linalg.LinAlgError.
import torch

A = torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]],
                 requires_grad=True)
d = torch.det(A)
print(d)
d.backward()
print(A.grad)
sign, logabsdet = torch.linalg.slogdet(A.detach() - 3 * torch.eye(3))
print(sign, logabsdet)
print(torch.linalg.slogdet(A.detach()))
print(torch.logdet(A.detach()), torch.logdet(-A.detach()))
Ainv = A.inverse()
print(Ainv)
print((Ainv @ A - torch.eye(3)).abs().max() < 1e-6)

# least squares through the normal equations
X = torch.stack([torch.ones(6), torch.arange(6.0)], dim=1).double()
y = torch.tensor([1.0, 2.9, 5.1, 7.0, 8.8, 11.2], dtype=torch.float64)
w = torch.linalg.solve(X.T @ X, X.T @ y)
print(w)
B = torch.arange(6.0).reshape(3, 2).requires_grad_()
Xs = torch.linalg.solve(A, B)
Xs.sum().backward()
print(Xs)
print(B.grad)

L = torch.linalg.cholesky(A.detach().double())
print(L)
print(torch.allclose(L @ L.T, A.detach().double()))
batch = torch.stack([torch.eye(2) * 2, torch.tensor([[1.0, 2.0], [3.0, 4.0]])])
print(torch.det(batch), torch.linalg.inv(batch))


def try_inverse(M):
    try:
        return torch.linalg.inv(M)
    except torch.linalg.LinAlgError as e:
        print(type(e).__name__, "-", e)
        return None


print(try_inverse(torch.tensor([[1.0, 2.0], [2.0, 4.0]])))
info = torch.linalg.inv_ex(torch.tensor([[1.0, 2.0], [2.0, 4.0]])).info
print(info)
try:
    torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
except RuntimeError as e:
    print(e)
