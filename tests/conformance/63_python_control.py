# Language: for/range loops, if/else on Python values, tuple unpacking, and a
# small gradient-descent loop with no_grad updates.
import torch
total = 0
for i in range(5):
    total += i
print(total)
x = torch.zeros(3)
for i in range(3):
    x[i] = i * 2
print(x)
a, b = 1, 2
a, b = b, a
print(a, b)
if x.shape[0] == 3:
    print("three")
else:
    print("other")
if x.requires_grad:
    print("grad")
else:
    print("no grad")
w = torch.tensor([1.0, 2.0], requires_grad=True)
for step in range(3):
    loss = (w * w).sum()
    loss.backward()
    with torch.no_grad():
        w -= 0.25 * w.grad
    w.grad.zero_()
print(w, loss)
for i in range(1, 7, 2):
    print(i, i * i)
q, r = torch.tensor([3, 1, 2]).max(0)
print(q, r)
if not x.requires_grad and len(x) > 2:
    print("both")
