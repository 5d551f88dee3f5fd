# Linear algebra: linalg.eig / linalg.eigvals return complex64 values; only
# triangular matrices (eigenvalues in diagonal order) are printed in full.
import torch
A = torch.tensor([[2.0, 1.0], [0.0, 3.0]])
w = torch.linalg.eigvals(A)
print(w)
print(w.dtype)
e = torch.linalg.eig(A)
print(e.eigenvalues)
print(e.eigenvectors.shape, e.eigenvectors.dtype)
vals, vecs = torch.linalg.eig(torch.tensor([[1.0, 5.0, 2.0], [0.0, -2.0, 1.0], [0.0, 0.0, 4.0]]))
print(vals)
print(torch.linalg.eigvals(torch.tensor([[7.0]])))
print(torch.linalg.eigvals(torch.tensor([[3.0, 0.0], [0.0, -1.0]])))
print(torch.linalg.eigvals(A).abs())
