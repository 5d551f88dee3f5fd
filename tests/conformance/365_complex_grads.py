# Gradients through complex values in PyTorch's convention (the gradient
# of a real loss with respect to z = x + iy is dL/dx + i dL/dy): mul, div,
# abs, exp, sqrt, sin, conj, real, imag and angle of complex64 and
# complex128 tensors, with real tensors mixed in.
import torch
torch.manual_seed(0)
for dt, rt in ((torch.complex64, torch.float32), (torch.complex128, torch.float64)):
    z = torch.randn(3, dtype=dt, requires_grad=True)
    w = torch.randn(3, dtype=dt, requires_grad=True)
    r = torch.randn(3, dtype=rt, requires_grad=True)
    loss = (z * w).abs().sum() + (z / w).real.sum() + (z.exp() * r).imag.sum() + (z * z).angle().sum() + (z.sqrt()).abs().sum()
    loss.backward()
    print(z.grad, w.grad, r.grad)
    a = torch.randn(2, dtype=dt, requires_grad=True)
    (a.sin() * a.conj()).real.sum().backward()
    print(a.grad)
