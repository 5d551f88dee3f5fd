# Linear algebra: linalg.eigh: ascending eigenvalues; eigenvector signs are
# implementation-defined, so only |V| and reconstructions are printed.
import torch
A = torch.tensor([[2.0, 1.0], [1.0, 2.0]])
L = torch.linalg.eigh(A)
print(L.eigenvalues)
print(L.eigenvectors.abs())
w, V = torch.linalg.eigh(A)
print(w, w.dtype, V.shape)
R = (V * w) @ V.T
print((R - A).abs().max() < 1e-5)
B = torch.tensor([[4.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 2.0]], dtype=torch.float64)
w2, V2 = torch.linalg.eigh(B)
print(w2)
print((V2.T @ V2 - torch.eye(3, dtype=torch.float64)).abs().max() < 1e-12)
print(((V2 * w2) @ V2.T - B).abs().max() < 1e-12)
print(torch.linalg.eigh(torch.tensor([[1.0, 100.0], [2.0, 1.0]])).eigenvalues)
print(torch.linalg.eigh(torch.tensor([[5.0]])).eigenvalues)
D = torch.tensor([[3.0, 0.0], [0.0, -1.0]])
print(torch.linalg.eigh(D).eigenvalues, torch.linalg.eigh(D).eigenvectors.abs())
