# A small PCA with eigh: centre, covariance, top component.
import torch

X = torch.tensor([[2.5, 2.4], [0.5, 0.7], [2.2, 2.9], [1.9, 2.2], [3.1, 3.0],
                  [2.3, 2.7], [2.0, 1.6], [1.0, 1.1], [1.5, 1.6], [1.1, 0.9]],
                 dtype=torch.float64)
Xc = X - X.mean(dim=0)
cov = Xc.T @ Xc / (X.shape[0] - 1)
evals, evecs = torch.linalg.eigh(cov)
print(cov)
print(evals)
top = evecs[:, -1]
top = top * (1 if top[0] > 0 else -1)
print(top)
proj = Xc @ top
print(f"explained {evals[-1].item() / evals.sum().item():.4f}")
print(proj[:3])
