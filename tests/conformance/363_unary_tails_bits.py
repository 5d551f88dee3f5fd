# Unary functions on lengths with and without a vector tail, float32 and
# float64: torch's "VML" kernels map SLEEF over every element (the partial
# last vector too), sinh/cosh use SLEEF on whole 16-float (8-double)
# blocks and glibc on the rest, asinh/acosh/atanh are glibc's; and a torch
# function is one object (torch.atanh is torch.atanh).
import torch
torch.manual_seed(0)
for n in (5, 21, 37, 1003):
    x = torch.rand(n) * 1.8 - 0.9
    p = torch.rand(n) * 5 + 0.1
    for f, v in ((torch.log2, p), (torch.log10, p), (torch.log1p, p), (torch.expm1, x), (torch.tan, x), (torch.asin, x), (torch.acos, x), (torch.atan, x), (torch.erf, x), (torch.erfc, x), (torch.exp, x), (torch.log, p), (torch.sin, x), (torch.cos, x), (torch.tanh, x), (torch.sigmoid, x), (torch.sqrt, p), (torch.rsqrt, p), (torch.lgamma, p), (torch.digamma, p), (torch.erfinv, x)):
        print(n, f.__name__, hash(tuple(f(v).tolist())) % 100003, hash(tuple(f(v.double()).tolist())) % 100003)
for n in (5, 20, 37):
    x = torch.rand(n) * 10 - 5
    for f in (torch.sinh, torch.cosh, torch.asinh, torch.atanh, torch.acosh):
        xx = x if f not in (torch.atanh, torch.acosh) else (x / 5.01 if f is torch.atanh else x.abs() + 1)
        print(n, f.__name__, hash(tuple(f(xx).tolist())) % 100003, hash(tuple(f(xx.double()).tolist())) % 100003)
print(torch.relu is torch.relu, torch.nn.functional.relu is torch.nn.functional.relu)
