import torch
import numpy as np
a = np.array([[1, 2], [3, 250]], dtype=np.uint8)
t = torch.from_numpy(a)
print(t, t.dtype, t.numpy().dtype)
print(torch.tensor(np.array([0.5, 1.5], dtype=np.float16)))
print(torch.as_tensor(np.int8(-3)), torch.tensor(np.array([1, -2], dtype=np.int16)).numpy())
h = torch.tensor([1.5, 2.5], dtype=torch.half)
print(np.asarray(h), h.tolist(), h[0].item(), float(h[1]), int(torch.tensor(200, dtype=torch.uint8)))
print(torch.tensor([3.7], dtype=torch.bfloat16).item())
b = torch.tensor([1, 2], dtype=torch.uint8)
b += 255
print(b)
b[0] = 7
print(b)
print(torch.tensor([-1, 1], dtype=torch.int8).abs(), torch.tensor([True, True]).sum(), torch.tensor([1, 2], dtype=torch.uint8) == 1)
print(torch.tensor([[1, 2]], dtype=torch.int16) @ torch.tensor([[3], [4]], dtype=torch.int16))
x = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float16)
print(torch.histc(x.float(), bins=3), torch.bincount(torch.tensor([1, 1, 3], dtype=torch.uint8)))
