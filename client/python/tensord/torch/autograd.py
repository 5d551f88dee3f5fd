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


def _jacobian(func, inputs, create_graph=False, strict=False,
              vectorize=False, strategy="reverse-mode"):
    """torch.autograd.functional.jacobian, reverse mode, one
    autograd.grad per output element (PyTorch's vectorize=False path)."""
    from ._tensor import Tensor
    from . import stack, zeros_like
    if create_graph:
        raise NotImplementedError(
            "tensord: jacobian(create_graph=True) is not supported yet")
    is_inputs_tuple = isinstance(inputs, tuple)
    inputs = inputs if is_inputs_tuple else (inputs,)
    with enable_grad():
        inputs = tuple(i.detach().requires_grad_(True) for i in inputs)
        outputs = func(*inputs)
        is_outputs_tuple = isinstance(outputs, tuple)
        outputs = outputs if is_outputs_tuple else (outputs,)
        for o in outputs:
            if not isinstance(o, Tensor):
                raise TypeError("The outputs of the user-provided function "
                                "given to jacobian must be either a Tensor "
                                "or a tuple of Tensors but the given "
                                "outputs of the user-provided function has "
                                "an output of type %s." % type(o).__name__)
        jacobian = []
        for out in outputs:
            jac_i = [[] for _ in inputs]
            flat = out.reshape(-1)
            for j in range(flat.numel()):
                if out.requires_grad:
                    vj = grad(flat[j], inputs, retain_graph=True,
                              allow_unused=True)
                else:
                    vj = (None,) * len(inputs)
                for el, (g, inp) in enumerate(zip(vj, inputs)):
                    jac_i[el].append(zeros_like(inp) if g is None else g)
            jacobian.append(tuple(
                stack(jac_i_el, dim=0).view(tuple(out.size()) +
                                            tuple(inputs[el].size()))
                .detach()
                for el, jac_i_el in enumerate(jac_i)))
    if not is_outputs_tuple:
        jacobian = jacobian[0]
        return jacobian if is_inputs_tuple else jacobian[0]
    if not is_inputs_tuple:
        return tuple(j[0] for j in jacobian)
    return tuple(jacobian)


def _hessian(*args, **kwargs):
    raise NotImplementedError(
        "tensord: hessian needs create_graph=True, which is not supported "
        "yet")


import types as _types  # noqa: E402

functional = _types.ModuleType("torch.autograd.functional")
functional.jacobian = _jacobian
functional.hessian = _hessian
_sys_modules = __import__("sys").modules
_sys_modules.setdefault(__name__ + ".functional", functional)
