# state_dict / load_state_dict: keys, values, strict and non-strict loads,
# the errors torch reports.
import torch
from torch import nn

torch.manual_seed(7)
model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(),
                      nn.Linear(4, 2))
sd = model.state_dict()
print(type(sd).__name__)
print(list(sd.keys()))
for k, v in sd.items():
    print(k, tuple(v.shape), v.dtype, v.requires_grad)
print(sd["0.weight"])
print(sd["1.num_batches_tracked"])

torch.manual_seed(8)
other = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(),
                      nn.Linear(4, 2))
print(other[0].weight)
print(other.load_state_dict(sd))
print(other[0].weight)
print(torch.equal(other[3].bias, model[3].bias))

# the loaded values are copies: changing the source does not move them
with torch.no_grad():
    model[3].bias.fill_(5.0)
print(other[3].bias)

partial = {k: v for k, v in sd.items() if not k.startswith("3.")}
partial["extra.weight"] = torch.zeros(1)
r = other.load_state_dict(partial, strict=False)
print(r)
print(r.missing_keys, r.unexpected_keys)

try:
    other.load_state_dict(partial)
except RuntimeError as e:
    print(e)

bad = dict(sd)
bad["0.weight"] = torch.zeros(5, 3)
try:
    other.load_state_dict(bad)
except RuntimeError as e:
    print(e)

lin = nn.Linear(2, 2)
print(lin.state_dict(prefix="layer.").keys())
print(nn.Linear(2, 1, bias=False).state_dict().keys())
kv = lin.state_dict(keep_vars=True)
print(kv["weight"].requires_grad, type(kv["weight"]).__name__)
