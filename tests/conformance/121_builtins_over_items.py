# Python's builtins over tensor values: sorted, min, max, sum, round, abs.
import torch

t = torch.tensor([3.5, -1.25, 2.0, 0.0])
vals = t.tolist()
print(sorted(vals), min(vals), max(vals), sum(vals))
print(round(t.mean().item(), 3), abs(t.min().item()))
print(sorted(t.tolist(), reverse=True)[:2])
print(max(range(len(t)), key=lambda i: t[i].item()))
print(int(t.argmax()), float(t[1]), bool(t[3]), bool(t[0]))
print(list(reversed(t.tolist())), t.tolist().index(2.0))
print(divmod(int(t.numel()), 3), pow(2, int(t[2])))
