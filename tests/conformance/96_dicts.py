# Dicts of tensors: metrics, parameter tables, sorting by value.
import torch

params = {"w": torch.tensor([[1.0, -2.0], [0.5, 3.0]]), "b": torch.tensor([0.1, 0.2])}
for name, p in params.items():
    print(name, tuple(p.shape), p.abs().sum().item())
sizes = {k: v.numel() for k, v in params.items()}
print(sizes, sum(sizes.values()))
metrics = {}
for epoch in range(3):
    loss = torch.tensor(1.0) / (epoch + 1)
    metrics.setdefault("loss", []).append(round(loss.item(), 4))
print(metrics)
best = min(range(3), key=lambda e: metrics["loss"][e])
print(f"best epoch {best}")
state = {k: v.clone() for k, v in params.items()}
state["w"] += 1
print(params["w"], state["w"], sep="\n")
print(sorted(params, key=lambda k: params[k].sum().item(), reverse=True))
