# Loss modules with each reduction, weights, ignore_index, label smoothing,
# and their gradients.
import torch
from torch import nn

torch.manual_seed(5)
pred = torch.randn(4, 3, requires_grad=True)
target = torch.randn(4, 3)
for cls in (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss):
    for red in ("mean", "sum", "none"):
        crit = cls(reduction=red)
        print(crit, red, crit(pred, target))
print(nn.SmoothL1Loss(beta=0.5)(pred, target))
print(nn.HuberLoss(delta=0.3)(pred, target))
print(nn.MSELoss(size_average=False)(pred, target))

logits = torch.randn(5, 4, requires_grad=True)
labels = torch.tensor([0, 3, 1, 1, 2])
for red in ("mean", "sum", "none"):
    print(nn.CrossEntropyLoss(reduction=red)(logits, labels))
w = torch.tensor([1.0, 2.0, 0.5, 1.5])
ce = nn.CrossEntropyLoss(weight=w)
print(ce, ce(logits, labels))
print(nn.CrossEntropyLoss(ignore_index=1)(logits, labels))
print(nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels))
probs = torch.softmax(torch.randn(5, 4), dim=1)
print(nn.CrossEntropyLoss()(logits, probs))
logp = torch.log_softmax(logits, dim=1)
print(nn.NLLLoss()(logp, labels), nn.NLLLoss(weight=w, reduction="sum")(logp, labels))
print(nn.NLLLoss(reduction="none")(logp, labels))

p = torch.sigmoid(torch.randn(6, requires_grad=True))
t = torch.tensor([0., 1., 1., 0., 1., 0.])
print(nn.BCELoss()(p, t), nn.BCELoss(reduction="sum")(p, t))
print(nn.BCELoss(weight=torch.linspace(0.5, 1.5, 6))(p, t))
z = torch.randn(6, requires_grad=True)
print(nn.BCEWithLogitsLoss()(z, t))
print(nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0))(z, t))
print(nn.BCEWithLogitsLoss(reduction="none")(z, t))

q = torch.log_softmax(torch.randn(3, 5), dim=1)
r = torch.softmax(torch.randn(3, 5), dim=1)
print(nn.KLDivLoss(reduction="batchmean")(q, r))
print(nn.KLDivLoss(reduction="sum")(q, r))
print(nn.KLDivLoss(reduction="batchmean", log_target=True)(q, r.log()))

loss = nn.CrossEntropyLoss()(logits, labels) + nn.MSELoss()(pred, target)
loss.backward()
print(logits.grad)
print(pred.grad)
bce = nn.BCEWithLogitsLoss()(z, t)
bce.backward()
print(z.grad)
