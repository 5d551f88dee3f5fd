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
         create_graph=False, allow_unused=False, is_grads_batched=False):
    """The gradients of `outputs` with respect to `inputs` (a tuple, one per
    input; None for an unused input with allow_unused), leaving .grad
    alone."""
    from ._tensor import Tensor
    from . import _grad
    if create_graph or is_grads_batched:
        raise NotImplementedError(
            "tensord: autograd.grad(create_graph=True) is not supported yet")
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None:
        grads = []
    else:
        grads = [grad_outputs] if isinstance(grad_outputs, Tensor) else \
            list(grad_outputs)
        if all(g is None for g in grads):
            grads = []
        elif any(g is None for g in grads):
            from . import ones_like
            grads = [ones_like(o) if g is None else g
                     for o, g in zip(outputs, grads)]
    if retain_graph is None:
        retain_graph = create_graph
    engine = outputs[0]._engine
    results = engine.record(
        "autograd.grad", outputs + inputs + grads,
        {"n_outputs": len(outputs), "n_inputs": len(inputs),
         "retain_graph": bool(retain_graph),
         "allow_unused": bool(allow_unused)},
        len(inputs), not _grad.is_grad_enabled())
    engine.statement_op_done()
    return tuple(r if r._i()[0] else None for r in results)
