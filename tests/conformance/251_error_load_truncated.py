# Error: torch.load of a truncated checkpoint raises PyTorch's error; the
# whole file loads first.
import io
import torch

buf = io.BytesIO()
torch.save({"w": torch.arange(4.), "b": torch.zeros(2)}, buf)
data = buf.getvalue()
print(torch.load(io.BytesIO(data)))
torch.load(io.BytesIO(data[:len(data) // 2]))
print("not reached")
