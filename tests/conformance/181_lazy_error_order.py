# Ops run lazily, but what the script shows keeps PyTorch's order: an error
# caught inside try is caught there, output before a failing op appears,
# and output after it does not.
import torch

x = torch.ones(3)
try:
    y = x @ torch.ones(4)
except RuntimeError as e:
    print("caught:", e)
a = torch.ones(2, 3)
b = a.sum(0)
print("before", b)
c = a @ a  # fails here in PyTorch: nothing below prints
print("after", b)
