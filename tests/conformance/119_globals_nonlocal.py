# Module-level state updated from functions (global), accumulating tensors.
import torch

total = torch.zeros(3)
history = []


def record(t):
    global total
    total = total + t
    history.append(total.sum().item())


for k in range(4):
    record(torch.full((3,), float(k)))
print(total, history)


def make_accumulator():
    acc = torch.zeros(2)

    def add(t):
        nonlocal acc
        acc = acc + t
        return acc
    return add


add = make_accumulator()
add(torch.ones(2))
print(add(torch.tensor([0.5, -1.0])))
