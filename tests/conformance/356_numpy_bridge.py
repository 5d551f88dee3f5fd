# The PyTorch tutorial's "Bridge with NumPy": t.numpy(), torch.from_numpy
# and torch.as_tensor share values with the array (in-place ops on the
# tensor show in the array, writes to the array show in the tensor), while
# torch.tensor(array) copies.
import numpy as np
import torch
t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
n[0] = 7
print(t * 2)
t.mul_(3)
t[1] = -1
print(n)
a = np.arange(6, dtype=np.float32).reshape(2, 3)
b = torch.as_tensor(a)
a[1, 1] = -1
print(b.sum(), b)
c = torch.tensor(a)
a[0, 0] = 100
print(c[0, 0], b[0, 0])
w = torch.zeros(3)
snapshots = []
for i in range(3):
    w += 1
    snapshots.append(w.numpy())
print(snapshots)
copies = []
for i in range(2):
    w -= 0.5
    copies.append(w.numpy().copy())
print(copies, snapshots[0])
