"""clip_grad_norm_ and clip_grad_value_, as PyTorch 1.13 computes them:
the total norm is the norm of the per-parameter norms, and the grads are
scaled by clamp(max_norm / (total + 1e-6), max=1) in place. Nothing is
read back: the returned norm is a tensor computed with the step."""
import math

from ... import _grad, tensor
from ..._ops import torch_function
from ..._tensor import Tensor

stack = torch_function("stack")


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    out = []
    for p in parameters:
        g = p.grad
        if g is not None:
            out.append(g)
    return out


def clip_grad_norm_(parameters, max_norm, norm_type=2.0,
                    error_if_nonfinite=False):
    grads = _grads(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if len(grads) == 0:
        return tensor(0.)
    with _grad.no_grad():
        if norm_type == math.inf:
            norms = [g.detach().abs().max() for g in grads]
            total = norms[0] if len(norms) == 1 else stack(norms).max()
        else:
            total = stack([g.detach().norm(norm_type)
                           for g in grads]).norm(norm_type)
        if error_if_nonfinite and bool(total.isnan().logical_or(
                total.isinf())):
            raise RuntimeError(
                "The total norm of order %s for gradients from `parameters` "
                "is non-finite, so it cannot be clipped. To disable this "
                "error and scale the gradients by the non-finite norm anyway, "
                "set `error_if_nonfinite=False`" % norm_type)
        clip_coef = max_norm / (total + 1e-6)
        clip_coef_clamped = clip_coef.clamp(max=1.0)
        for g in grads:
            g.detach().mul_(clip_coef_clamped)
    return total


def clip_grad_norm(parameters, max_norm, norm_type=2.0,
                   error_if_nonfinite=False):
    return clip_grad_norm_(parameters, max_norm, norm_type,
                           error_if_nonfinite)


def clip_grad_value_(parameters, clip_value):
    clip_value = float(clip_value)
    with _grad.no_grad():
        for g in _grads(parameters):
            g.clamp_(min=-clip_value, max=clip_value)
