"""torch.cholesky_solve (function and method, lower and upper),
torch.linalg.solve_triangular (left and right), torch.triangular_solve
(its named tuple), a gradient through a triangular solve, and the error
for a vector B.
"""
import torch
torch.manual_seed(0)
A = torch.randn(4, 4)
S = A @ A.t() + 4 * torch.eye(4)
L = torch.linalg.cholesky(S)
b = torch.randn(4, 2)
print(torch.cholesky_solve(b, L))
print(b.cholesky_solve(L.t(), upper=True))
print(torch.linalg.solve_triangular(L, b, upper=False))
print(torch.linalg.solve_triangular(L.t(), b.t(), upper=True, left=False))
r = torch.triangular_solve(b, L, upper=False)
print(r.solution, r.cloned_coefficient.shape)
X = torch.randn(4, 4, requires_grad=True)
y = torch.linalg.solve_triangular(X.triu() + 4 * torch.eye(4), b, upper=True)
y.sum().backward()
print(y.grad_fn.name(), X.grad)
try:
    torch.linalg.solve_triangular(L, torch.randn(4), upper=False)
except RuntimeError as e:
    print("RuntimeError", e)
