"""torch.autograd: grad mode, and backward as a function."""
from ._grad import (enable_grad, no_grad, set_grad_enabled,  # noqa: F401
                    is_grad_enabled)
from . import _grad as grad_mode  # noqa: F401


def backward(tensors, grad_tensors=None, retain_graph=None,
             create_graph=False):
    if not isinstance(tensors, (list, tuple)):
        tensors = [tensors]
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    elif not isinstance(grad_tensors, (list, tuple)):
        grad_tensors = [grad_tensors]
    for t, g in zip(tensors, grad_tensors):
        t.backward(g, retain_graph=retain_graph, create_graph=create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None,
         create_graph=False, allow_unused=False):
    raise NotImplementedError(
        "tensord: torch.autograd.grad is not supported yet (use backward() "
        "and .grad)")
