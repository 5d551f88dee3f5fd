# A failing op followed by a Python error: PyTorch stops at the op.
import torch


def step(m):
    h = m @ m  # the op fails here
    return h.sum() + undefined_name  # noqa: F821 - never reached in PyTorch


a = torch.ones(2, 3)
print("start")
loss = step(a)
print(loss)
