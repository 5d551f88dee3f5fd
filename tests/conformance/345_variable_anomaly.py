"""torch.autograd.Variable (a tensor; every tensor is a Variable),
detect_anomaly / set_detect_anomaly with torch.is_anomaly_enabled(), and
the float32 matmul precision and interop thread settings.
"""
import torch
from torch.autograd import Variable
x = Variable(torch.ones(2, 2), requires_grad=True)
y = (x * 3).sum()
y.backward()
print(x.grad, isinstance(x, Variable), isinstance(y, torch.autograd.Variable), x.is_leaf)
print(torch.is_anomaly_enabled())
torch.autograd.set_detect_anomaly(True)
print(torch.is_anomaly_enabled())
with torch.autograd.set_detect_anomaly(False):
    print(torch.is_anomaly_enabled())
print(torch.is_anomaly_enabled())
torch.autograd.set_detect_anomaly(False)
with torch.autograd.detect_anomaly():
    z = (x ** 2).sum()
    z.backward()
    print(torch.is_anomaly_enabled())
print(torch.is_anomaly_enabled(), x.grad)
torch.set_float32_matmul_precision("high")
print(torch.get_float32_matmul_precision(), torch.get_num_interop_threads() >= 1)
