# f-strings, format specs and str.format over tensor values.
import torch

x = torch.tensor([1.5, 2.25, -3.125])
loss = (x ** 2).mean()
print(f"loss {loss:.4f}, as item {loss.item():.2f}")
print(f"{x.sum().item():+.3e} | {x.max().item():8.3f} | {int(x.argmax())}")
print("mean={:.5f} first={}".format(x.mean().item(), x[0].item()))
print("%d elements, norm %.6f" % (x.numel(), torch.norm(x).item()))
print(f"shape={x.shape} dtype={x.dtype} ndim={x.ndim}")
for i, v in enumerate(x.tolist()):
    print(f"  x[{i}] = {v:>7.3f}")
print(f"{loss}")
print(f"{x}")
print("{!r}".format(torch.tensor(3)))
