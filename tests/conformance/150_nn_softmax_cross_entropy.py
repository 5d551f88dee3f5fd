# torch.nn.functional: softmax, log_softmax, softmin, cross_entropy (class
# indices, probabilities, weights, ignore_index, label smoothing), nll_loss
# and mse_loss: values, grad_fn names, gradients, and the errors of bad
# inputs.
import torch
import torch.nn.functional as F

logits = torch.tensor([[1.0, 2.0, 0.5, -1.0],
                       [0.0, -0.5, 3.0, 1.0],
                       [2.5, 2.5, -2.0, 0.0]], requires_grad=True)
target = torch.tensor([1, 2, 0])
print(F.softmax(logits, dim=1))
print(F.log_softmax(logits, 1))
print(F.softmin(logits, dim=0))
print(logits.softmax(-1).sum(1))
print(torch.log_softmax(logits, 1, dtype=torch.float64))

loss = F.cross_entropy(logits, target)
print(loss)
loss.backward()
print(logits.grad)

print(F.nll_loss(F.log_softmax(logits, 1), target, reduction="none"))
weights = torch.tensor([1.0, 2.0, 0.5, 1.0])
print(F.cross_entropy(logits, target, weight=weights))
print(F.cross_entropy(logits, target, ignore_index=2, reduction="sum"))
print(F.cross_entropy(logits, target, label_smoothing=0.1))
probs = torch.tensor([[0.1, 0.7, 0.1, 0.1],
                      [0.0, 0.0, 1.0, 0.0],
                      [0.5, 0.5, 0.0, 0.0]])
print(F.cross_entropy(logits, probs))
print(F.cross_entropy(logits, probs, reduction="none"))

images = torch.arange(24.0).reshape(2, 3, 2, 2) / 10
labels = torch.tensor([[[0, 1], [2, 2]], [[1, 1], [0, 2]]])
print(F.cross_entropy(images, labels, reduction="none"))
print(F.cross_entropy(images, labels).item() > 0)

pred = torch.tensor([0.5, 1.5, 2.0], requires_grad=True)
mse = F.mse_loss(pred, torch.tensor([1.0, 1.0, 1.0]))
print(mse)
mse.backward()
print(pred.grad)
print(F.mse_loss(pred, torch.tensor([1.0, 2.0, 3.0]), reduction="sum"))

for bad in (torch.tensor([1, 5, 0]), torch.tensor([1, 0]),
            torch.tensor([1.0, 0.0, 2.0])):
    try:
        F.cross_entropy(logits, bad)
    except (IndexError, ValueError, RuntimeError) as e:
        print(type(e).__name__, e)
try:
    F.softmax(torch.tensor([1, 2, 3]), dim=0)
except RuntimeError as e:
    print(e)
try:
    F.nll_loss(logits, target, reduction="avg")
except ValueError as e:
    print(e)
