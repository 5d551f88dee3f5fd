import torch as T
x = T.arange(6.0).reshape(2, 3)
for i in range(3):
    if i % 2 == 0 and not x.requires_grad:
        x[0, i:] += 1.5e-3
    elif i > 1:
        continue
    else:
        break
while x.sum() > 0:
    x -= 1
with T.no_grad():
    y, z = x[..., None, ::-2], x.T @ x
del y
assert len(z) == 3, "size"
print(x.shape[0], -2**2, 1j, 'it\'s', None, [1, (2,)], lambda_ := 3)
