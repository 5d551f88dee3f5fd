# Error: a dimension out of range inside a training-style loop.
import torch

w = torch.ones(3, requires_grad=True)
for step in range(3):
    loss = (w * step).sum()
    print(f"step {step}: {loss.item():.1f}")
    if step == 2:
        w.sum(dim=3)
print("not reached")
