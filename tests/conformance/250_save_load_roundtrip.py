# torch.save / torch.load round trips within one script: a tensor, a
# state_dict-like OrderedDict (views, dtypes, requires_grad), an
# optimizer-like nested dict with numbers and strings, a list holding one
# tensor twice (loaded as one object), a file object, map_location='cpu',
# and a view saved with its own values.
import collections
import io
import os
import tempfile
import torch

torch.manual_seed(0)
W = torch.arange(12.).reshape(3, 4) / 8
state = collections.OrderedDict()
state["fc.weight"] = W
state["fc.bias"] = W[:, 0]
state["emb"] = W.T[1:3]
state["steps"] = torch.tensor(7)
state["mask"] = torch.tensor([True, False, True])
state["ids"] = torch.tensor([1, -2, 3], dtype=torch.int32)
state["f64"] = torch.rand(2, dtype=torch.float64)
opt = {"state": {0: {"step": 3, "momentum_buffer": torch.ones(3, 4) * 0.5}},
       "param_groups": [{"lr": 0.01, "momentum": 0.9, "params": [0, 1],
                         "nesterov": False, "name": None}]}
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "ckpt.pt")
torch.save({"model": state, "optim": opt, "epoch": 4, "shape": W.shape,
            "dtype": torch.float64}, path)
ck = torch.load(path)
print(sorted(ck), ck["epoch"], ck["shape"], ck["dtype"])
print(type(ck["model"]).__name__, list(ck["model"]))
for k, v in ck["model"].items():
    print(k, v.dtype, tuple(v.shape), torch.equal(v, state[k]))
print(ck["model"]["emb"], ck["model"]["f64"])
print(ck["optim"]["param_groups"], ck["optim"]["state"][0]["step"])
print(ck["optim"]["state"][0]["momentum_buffer"].sum())
x = torch.linspace(0, 1, 5, requires_grad=True)
buf = io.BytesIO()
torch.save([x, x, (x * 2).detach()], buf)
buf.seek(0)
lst = torch.load(buf, map_location="cpu")
print(lst[0] is lst[1], lst[0].requires_grad, lst[2].requires_grad, lst)
lst[0].sum().backward()
print(lst[0].grad)
single = os.path.join(tmp, "t.pt")
torch.save(torch.arange(5)[::2], single)
print(torch.load(single))
os.remove(path)
os.remove(single)
os.rmdir(tmp)
