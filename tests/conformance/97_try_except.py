# try/except around errors PyTorch raises; the script goes on.
import torch

x = torch.ones(2, 3)
attempts = [(4,), (3, 2), (5,), (6,)]
for shape in attempts:
    try:
        y = x.view(*shape)
        print("ok", tuple(y.shape))
    except RuntimeError as e:
        print("failed:", e)


def safe_dim_sum(t, d):
    try:
        return t.sum(d)
    except IndexError as e:
        print("IndexError:", e)
        return None


print(safe_dim_sum(x, 1))
print(safe_dim_sum(x, 2))
try:
    torch.ones(2) + torch.ones(3)
except RuntimeError as e:
    msg = str(e)
    print(msg.split(" at ")[0])
finally:
    print("finally runs")
try:
    v = torch.tensor([1.0, 2.0]).item()
except ValueError as e:
    print(type(e).__name__, e)
