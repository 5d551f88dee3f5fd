# load_state_dict with a missing key raises torch's RuntimeError (the
# message's first line is what the harness compares).
import torch
from torch import nn

model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
sd = model.state_dict()
print(list(sd))
del sd["2.bias"]
model.load_state_dict(sd)
print("not reached")
