# torch.nn.functional losses and layers as a training loop uses them:
# l1_loss, smooth_l1_loss, huber_loss, binary_cross_entropy (and with
# logits, weight, pos_weight), kl_div, one_hot, normalize, linear,
# cosine_similarity, pairwise_distance; gradients and errors.
import torch
import torch.nn.functional as F

pred = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], requires_grad=True)
target = torch.tensor([[0.0, -1.5, 1.0], [1.0, 0.25, 0.5]])
for name in ("l1_loss", "smooth_l1_loss", "huber_loss", "mse_loss"):
    loss = getattr(F, name)(pred, target)
    loss.backward()
    print(name, loss, pred.grad)
    pred.grad = None
print(F.smooth_l1_loss(pred, target, beta=0.5, reduction="none"))
print(F.huber_loss(pred, target, delta=0.8, reduction="sum"))

logits = torch.tensor([2.0, -1.0, 0.5, -3.0], requires_grad=True)
labels = torch.tensor([1.0, 0.0, 1.0, 0.0])
probs = torch.sigmoid(logits)
bce = F.binary_cross_entropy(probs, labels)
bcel = F.binary_cross_entropy_with_logits(logits, labels)
print(bce, bcel, (bce - bcel).abs() < 1e-6)
bcel.backward()
print(logits.grad)
pw = torch.tensor([3.0, 3.0, 3.0, 3.0])
print(F.binary_cross_entropy_with_logits(logits, labels, pos_weight=pw))
print(F.binary_cross_entropy_with_logits(logits, labels, weight=pw / 3,
                                         reduction="none"))
print(F.binary_cross_entropy(probs, labels, weight=pw, reduction="sum"))

log_q = F.log_softmax(torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]), dim=1)
p = torch.tensor([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5]])
print(F.kl_div(log_q, p, reduction="batchmean"))
print(F.kl_div(log_q, p.clamp(min=1e-3).log(), reduction="sum", log_target=True))

y = torch.tensor([2, 0, 1, 2])
print(F.one_hot(y), F.one_hot(y, num_classes=4).shape)
v = torch.tensor([[3.0, 4.0], [1.0, 0.0], [0.0, 0.0]])
print(F.normalize(v), F.normalize(v, p=1, dim=0))

torch.manual_seed(0)
W = torch.linspace(-1.0, 1.0, 6).reshape(3, 2).requires_grad_()
b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
X = torch.tensor([[1.0, 2.0], [-1.0, 0.5]])
out = F.linear(X, W, b)
print(out)
out.pow(2).sum().backward()
print(W.grad, b.grad)
print(F.linear(torch.ones(2, 2, 2), W))

a = torch.tensor([[1.0, 0.0, 1.0], [2.0, 2.0, 0.0]])
c = torch.tensor([[1.0, 1.0, 1.0], [-1.0, 1.0, 0.0]])
print(F.cosine_similarity(a, c), torch.cosine_similarity(a, c, dim=0))
print(F.pairwise_distance(a, c), F.pairwise_distance(a, c, p=1.0, keepdim=True))

for bad in (lambda: F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0])),
            lambda: F.one_hot(torch.tensor([0, 3]), num_classes=2),
            lambda: F.linear(X, torch.ones(3, 3)),
            lambda: F.huber_loss(pred, target, delta=0.0),
            lambda: F.kl_div(log_q, p, reduction="avg")):
    try:
        bad()
    except (RuntimeError, ValueError) as e:
        print(type(e).__name__, e)
