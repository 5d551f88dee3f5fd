# Probability by simulation (D2L 2.6), with the session's seeded generator.
import torch

torch.manual_seed(0)
fair_probs = [1 / 6] * 6
n = 6000
u = torch.rand(n)
edges = torch.tensor([sum(fair_probs[:k]) for k in range(7)])
counts = [((u >= edges[k]).float() * (u < edges[k + 1]).float()).sum().item()
          for k in range(6)]
print(counts, sum(counts))
print([round(c / n, 3) for c in counts])
coin = (torch.rand(1000) < 0.5).float()
print(f"heads: {coin.sum().item():.0f}, estimate {coin.mean().item():.3f}")
