# A small CNN trained from scratch on random data with manual SGD:
# conv2d -> relu -> max_pool2d -> conv2d (padding='same', groups) -> relu
# -> adaptive_avg_pool2d -> flatten -> linear -> cross_entropy.
import torch
import torch.nn.functional as F

torch.manual_seed(0)
X = torch.rand(8, 1, 8, 8)
y = (X.mean(dim=(1, 2, 3)) > 0.5).long() + (X[:, 0, 0, 0] > 0.5).long()

def param(*shape, scale):
    return ((torch.rand(*shape) - 0.5) * scale).requires_grad_(True)

w1, b1 = param(4, 1, 3, 3, scale=1.0), param(4, scale=0.1)
w2, b2 = param(6, 2, 3, 3, scale=0.5), param(6, scale=0.1)
w3, b3 = param(3, 6, scale=1.0), param(3, scale=0.1)
params = [w1, b1, w2, b2, w3, b3]

def model(x):
    h = F.max_pool2d(F.relu(F.conv2d(x, w1, b1)), 2)
    h = F.relu(F.conv2d(h, w2, b2, padding="same", groups=2))
    h = F.adaptive_avg_pool2d(h, 1).flatten(1)
    return F.linear(h, w3, b3)

print(model(X).shape, model(X).grad_fn.name())
for step in range(6):
    loss = F.cross_entropy(model(X), y)
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= 0.5 * p.grad
    print(f"step {step}: loss {loss.item():.4f} |grad w1| {w1.grad.norm().item():.4f}")
acc = (model(X).argmax(dim=1) == y).float().mean()
print(f"accuracy {acc.item():.3f}")
