# QR and SVD as tutorials use them: Q and R (Householder signs, as LAPACK
# gives them), orthogonality checks, singular values, a rank-1
# approximation, and gradients through R and the singular values.
import torch

A = torch.tensor([[1.0, 2.0, 0.0], [3.0, -1.0, 2.0], [0.5, 1.0, 4.0],
                  [2.0, 0.0, 1.0]], dtype=torch.float64, requires_grad=True)
Q, R = torch.linalg.qr(A)
print(Q)
print(R)
print((Q.T @ Q - torch.eye(3, dtype=torch.float64)).abs().max() < 1e-12)
Qc, Rc = torch.linalg.qr(A.detach(), mode="complete")
print(Qc.shape, Rc.shape)
print(torch.linalg.qr(A.detach(), mode="r").R)
R.diagonal().sum().backward()
print(A.grad)

A.grad = None
U, S, Vh = torch.linalg.svd(A, full_matrices=False)
print(S)
print(U.shape, S.shape, Vh.shape)
print(U.abs())
rank1 = S[0] * torch.outer(U[:, 0], Vh[0])
print(((A - rank1).norm() - S[1:].norm()).abs() < 1e-12)
S.sum().backward()
print(A.grad)
u, s, v = torch.svd(A.detach())
print((u @ torch.diag(s) @ v.T - A.detach()).abs().max() < 1e-12)
print(torch.linalg.svdvals(torch.arange(6.0).reshape(2, 3)))
print(torch.linalg.svd(torch.ones(2, 3)).Vh.shape)
