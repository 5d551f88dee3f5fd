# torch.optim.Rprop and torch.optim.ASGD with PyTorch 1.13's single-tensor
# formulas: losses, parameters, state keys and param_groups after training.
import torch
from torch import nn
torch.manual_seed(14)
X = torch.randn(32, 4); y = X @ torch.tensor([1.0, -2.0, 0.5, 3.0]) + 0.3
for name, make in [("Rprop", lambda p: torch.optim.Rprop(p, lr=0.01)), ("Rprop-max", lambda p: torch.optim.Rprop(p, lr=0.05, etas=(0.4, 1.3), step_sizes=(1e-4, 1.0))),
                   ("ASGD", lambda p: torch.optim.ASGD(p, lr=0.05)), ("ASGD-t0", lambda p: torch.optim.ASGD(p, lr=0.05, t0=3, weight_decay=0.01))]:
    torch.manual_seed(0)
    m = nn.Linear(4, 1)
    opt = make(m.parameters())
    for i in range(8):
        opt.zero_grad()
        loss = ((m(X).squeeze(1) - y) ** 2).mean()
        loss.backward()
        opt.step()
    print(name, loss.item(), m.weight.data, m.bias.data)
    st = opt.state_dict()["state"][0]
    print(sorted(st.keys()), {k: (v if not hasattr(v, "shape") else tuple(v.shape)) for k, v in st.items() if k in ("step",)})
print(torch.optim.ASGD([torch.zeros(1, requires_grad=True)]).state_dict()["param_groups"])
