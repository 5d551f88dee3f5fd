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
    if is_grads_batched:
        raise NotImplementedError(
            "tensord: autograd.grad(is_grads_batched=True) is not supported "
            "yet")
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
    from . import _custom_function
    if _custom_function._outputs and _custom_function.reaches(engine):
        raise NotImplementedError(
            "tensord: torch.autograd.grad while outputs of a custom "
            "autograd.Function are alive is not supported (the Function's "
            "backward runs in the client; use .backward())")
    from . import _hooks
    _hooks.run_before(outputs, grads or None, engine, retain_graph,
                      for_grad=True)
    results = engine.record(
        "autograd.grad", outputs + inputs + grads,
        {"n_outputs": len(outputs), "n_inputs": len(inputs),
         "retain_graph": bool(retain_graph),
         "allow_unused": bool(allow_unused),
         "create_graph": bool(create_graph)},
        len(inputs), not _grad.is_grad_enabled())
    engine.statement_op_done()
    return tuple(r if r._i()[0] else None for r in results)


def _grad_preprocess(inputs, create_graph, need_graph):
    """PyTorch's: inputs that keep their history under create_graph (so a
    hessian's inner jacobian stays connected), fresh leaves otherwise."""
    res = []
    for inp in inputs:
        if create_graph and inp.requires_grad:
            res.append(inp.view_as(inp))
        else:
            res.append(inp.detach().requires_grad_(need_graph))
    return tuple(res)


def _as_tuple(x, arg_name, fn_name):
    from ._tensor import Tensor
    if isinstance(x, tuple):
        is_tuple = True
    elif isinstance(x, list):
        is_tuple, x = True, tuple(x)
    else:
        is_tuple, x = False, (x,)
    for i, el in enumerate(x):
        if not isinstance(el, Tensor):
            if is_tuple:
                raise TypeError(
                    "The {} given to {} must be either a Tensor or a tuple "
                    "of Tensors but the value at index {} has type {}."
                    .format(arg_name, fn_name, i, type(el)))
            raise TypeError(
                "The {} given to {} must be either a Tensor or a tuple of "
                "Tensors but the given {} has type {}."
                .format(arg_name, fn_name, arg_name, type(el)))
    return is_tuple, x


def _tuple_postprocess(res, to_unpack):
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _grad_postprocess(inputs, create_graph):
    if create_graph:
        return inputs
    return tuple(i.detach() if i is not None else None for i in inputs)


def _check_requires_grad(inputs, input_type, strict):
    if not strict:
        return
    for i, inp in enumerate(inputs):
        if inp is None or not inp.requires_grad:
            raise RuntimeError(
                "The {} of the user-provided function is independent of "
                "input {}. This is not allowed in strict mode."
                .format(input_type, i))


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False,
                   retain_graph=None):
    """grad over the outputs that require grad (None for the others)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    new_outputs, new_grads = [], []
    for out, g in zip(outputs, grad_outputs):
        if out is not None and out.requires_grad:
            new_outputs.append(out)
            new_grads.append(g)
    if not new_outputs:
        return (None,) * len(inputs)
    return grad(new_outputs, inputs, new_grads, retain_graph=retain_graph,
                create_graph=create_graph, allow_unused=True)


def _fill_zeros(grads, refs):
    from . import zeros_like
    return tuple(zeros_like(r) if g is None else g
                 for g, r in zip(grads, refs))


def _vjp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.vjp: (func(inputs), v^T J)."""
    from ._tensor import Tensor
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph, True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "vjp")
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _grad_preprocess(v, create_graph, False)
            if len(v) != len(outputs):
                raise RuntimeError(
                    "v is a tuple of invalid length: should be {} but got {}."
                    .format(len(outputs), len(v)))
        else:
            if len(outputs) != 1 or outputs[0].nelement() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the user-provided "
                    "function returns a single Tensor with a single element.")
        grad_res = _autograd_grad(outputs, inputs, v,
                                  create_graph=create_graph)
        _check_requires_grad(grad_res, "grad_inputs", strict)
        vjp = _fill_zeros(grad_res, inputs)
    outputs = _grad_postprocess(outputs, create_graph)
    vjp = _grad_postprocess(vjp, create_graph)
    return (_tuple_postprocess(outputs, is_outputs_tuple),
            _tuple_postprocess(vjp, is_inputs_tuple))


def _jvp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.jvp: (func(inputs), J v), by the double
    backward trick (differentiating v^T J with respect to v)."""
    from . import zeros_like
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph, True)
        if v is not None:
            _, v = _as_tuple(v, "v", "jvp")
            v = _grad_preprocess(v, create_graph, False)
            if len(v) != len(inputs):
                raise RuntimeError(
                    "v is a tuple of invalid length: should be {} but got {}."
                    .format(len(inputs), len(v)))
        else:
            if len(inputs) != 1 or inputs[0].nelement() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the input to the "
                    "user-provided function is a single Tensor with a single "
                    "element.")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", "jvp")
        grad_outputs = tuple(zeros_like(out).requires_grad_(True)
                             for out in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs,
                                     create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
        grad_res = _autograd_grad(grad_inputs, grad_outputs, v,
                                  create_graph=create_graph)
        jvp = _fill_zeros(grad_res, outputs)
    outputs = _grad_postprocess(outputs, create_graph)
    jvp = _grad_postprocess(jvp, create_graph)
    return (_tuple_postprocess(outputs, is_outputs_tuple),
            _tuple_postprocess(jvp, is_outputs_tuple))


def _jacobian(func, inputs, create_graph=False, strict=False,
              vectorize=False, strategy="reverse-mode"):
    """torch.autograd.functional.jacobian, reverse mode, one
    autograd.grad per output element (PyTorch's vectorize=False path)."""
    from ._tensor import Tensor
    from . import stack, zeros_like
    if vectorize:
        raise NotImplementedError(
            "tensord: jacobian(vectorize=True) is not supported yet")
    if strategy != "reverse-mode":
        raise NotImplementedError(
            "tensord: jacobian(strategy='forward-mode') is not supported yet")
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph, True)
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
        for i, out in enumerate(outputs):
            jac_i = [[] for _ in inputs]
            flat = out.reshape(-1)
            for j in range(flat.numel()):
                if out.requires_grad:
                    vj = grad(flat[j], inputs, retain_graph=True,
                              create_graph=create_graph, allow_unused=True)
                else:
                    vj = (None,) * len(inputs)
                for el, (g, inp) in enumerate(zip(vj, inputs)):
                    if g is None:
                        if strict and create_graph and not inp.requires_grad:
                            raise RuntimeError(
                                "The jacobian of the user-provided function "
                                "is independent of input {}. This is not "
                                "allowed in strict mode when create_graph="
                                "True.".format(i))
                        g = zeros_like(inp)
                    jac_i[el].append(g)
            jacobian.append(tuple(
                stack(jac_i_el, dim=0).view(tuple(out.size()) +
                                            tuple(inputs[el].size()))
                for el, jac_i_el in enumerate(jac_i)))
        jacobian = tuple(tuple(_grad_postprocess(j, create_graph))
                         for j in jacobian)
    return _tuple_postprocess(tuple(jacobian),
                              (is_outputs_tuple, is_inputs_tuple))


def _hessian(func, inputs, create_graph=False, strict=False,
             vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """torch.autograd.functional.hessian: the jacobian of the jacobian of a
    function with one output element."""
    from ._tensor import Tensor
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")

    def ensure_single_output_function(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(
            out, "outputs of the user-provided function", "hessian")
        if is_out_tuple or not isinstance(out, Tensor):
            raise RuntimeError("The function given to hessian should return "
                               "a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to "
                               "hessian should contain a single element")
        return out.squeeze()

    def jac_func(*inp):
        jac = _jacobian(ensure_single_output_function, inp,
                        create_graph=True)
        return jac

    res = _jacobian(jac_func, inputs, create_graph=create_graph,
                    strict=strict, vectorize=vectorize,
                    strategy=outer_jacobian_strategy)
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def _hessian_product(name, func, inputs, v, create_graph, strict, product):
    """vhp and hvp: checks as PyTorch's, then product(jac, inputs, v) (the
    gradients of the Jacobian that make v^T H or H v)."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _grad_preprocess(inputs, create_graph, True)
        if v is not None:
            _, v = _as_tuple(v, "v", name)
            v = _grad_preprocess(v, create_graph, False)
            if len(v) != len(inputs):
                raise RuntimeError(
                    "v is a tuple of invalid length: should be {} but got {}."
                    .format(len(inputs), len(v)))
        elif len(inputs) != 1 or inputs[0].nelement() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the "
                "user-provided function is a single Tensor with a single "
                "element.")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(
            outputs, "outputs of the user-provided function", name)
        if is_outputs_tuple:
            raise RuntimeError("The function given to %s should return a "
                               "single Tensor" % name)
        if outputs[0].nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to "
                               "%s should contain a single element" % name)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        res = _fill_zeros(product(jac, inputs, v), inputs)
    outputs = _grad_postprocess(outputs, create_graph)
    res = _grad_postprocess(res, create_graph)
    return (_tuple_postprocess(outputs, is_outputs_tuple),
            _tuple_postprocess(res, is_inputs_tuple))


def _vhp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.vhp: (func(inputs), v^T H)."""
    def product(jac, inputs, v):
        return _autograd_grad(jac, inputs, v, create_graph=create_graph)
    return _hessian_product("vhp", func, inputs, v, create_graph, strict,
                            product)


def _hvp(func, inputs, v=None, create_graph=False, strict=False):
    """torch.autograd.functional.hvp: (func(inputs), H v), by PyTorch's
    double backward trick."""
    from . import zeros_like

    def product(jac, inputs, v):
        grad_jac = tuple(zeros_like(inp).requires_grad_(True)
                         for inp in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac,
                                     create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
        return _autograd_grad(double_back, grad_jac, v,
                              create_graph=create_graph)
    return _hessian_product("hvp", func, inputs, v, create_graph, strict,
                            product)


class GradcheckError(RuntimeError):
    """What gradcheck raises when the gradients disagree."""


def _differentiable_outputs(x):
    from ._tensor import Tensor
    outs = x if isinstance(x, (tuple, list)) else (x,)
    return tuple(o for o in outs if isinstance(o, Tensor) and
                 o.dtype.is_floating_point)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3,
              raise_exception=True, check_undefined_grad=True,
              check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False,
              check_backward_ad=True, fast_mode=False, nondet_tol=0.0):
    """torch.autograd.gradcheck (its slow mode): the Jacobian from
    backward against central finite differences, for every output and
    every input that requires grad; True, or GradcheckError."""
    from ._tensor import Tensor
    from . import stack, zeros, allclose
    if check_forward_ad or check_batched_grad or check_batched_forward_grad:
        raise NotImplementedError(
            "tensord: gradcheck checks backward mode only")
    tupled = inputs if isinstance(inputs, tuple) else (
        tuple(inputs) if isinstance(inputs, list) else (inputs,))
    diff = [k for k, t in enumerate(tupled)
            if isinstance(t, Tensor) and t.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to "
                         "require gradient, but none of the them have "
                         "requires_grad=True.")
    with enable_grad():
        outputs = _differentiable_outputs(func(*tupled))
    diff_inputs = [tupled[k] for k in diff]
    for o_nr, out in enumerate(outputs):
        flat_out = out.reshape(-1)
        n_out = flat_out.numel()
        # Analytical: one backward per output element.
        rows = []
        for i in range(n_out):
            if out.requires_grad:
                gs = grad(flat_out[i], diff_inputs, retain_graph=True,
                          allow_unused=True)
            else:
                gs = (None,) * len(diff_inputs)
            rows.append([zeros(x.numel(), dtype=x.dtype) if g is None
                         else g.reshape(-1) for g, x in zip(gs, diff_inputs)])
        for j, k in enumerate(diff):
            x = tupled[k]
            analytical = stack([r[j] for r in rows], 0) if rows else \
                zeros(0, x.numel(), dtype=x.dtype)
            cols = []
            base = x.detach()
            for e in range(x.numel()):
                with no_grad():
                    step = zeros(x.numel(), dtype=x.dtype)
                    step[e] = eps
                    step = step.reshape(x.shape)
                    xp, xm = base + step, base - step
                args = list(tupled)
                args[k] = xp
                plus = _differentiable_outputs(func(*args))[o_nr].detach()
                args[k] = xm
                minus = _differentiable_outputs(func(*args))[o_nr].detach()
                with no_grad():
                    cols.append(((plus - minus) / (2 * eps)).reshape(-1))
            numerical = stack(cols, 1) if cols else \
                zeros(n_out, 0, dtype=x.dtype)
            if not allclose(analytical, numerical.to(analytical.dtype),
                            rtol, atol):
                msg = ("Jacobian mismatch for output %d with respect to "
                       "input %d,\nnumerical:%s\nanalytical:%s\n"
                       % (o_nr, k, numerical, analytical))
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5,
                  rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False,
                  check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False):
    """torch.autograd.gradgradcheck: gradcheck of the function that maps
    (inputs, grad_outputs) to the gradients made with create_graph."""
    from ._tensor import Tensor
    from . import rand
    tupled = inputs if isinstance(inputs, tuple) else (
        tuple(inputs) if isinstance(inputs, list) else (inputs,))
    if grad_outputs is None:
        # PyTorch's make_tensor(low=-1, high=1): the same draws.
        with enable_grad():
            outs = _differentiable_outputs(func(*tupled))
        made = []
        for o in outs:
            r = rand(o.shape, dtype=o.dtype)
            made.append((1 * r + -1 * (1 - r)).requires_grad_(True))
        grad_outputs = tuple(made)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    else:
        grad_outputs = tuple(grad_outputs)
    n = len(grad_outputs)
    diff_in = set(i for i, x in enumerate(tupled)
                  if isinstance(x, Tensor) and x.requires_grad)
    diff_go = set(i for i, x in enumerate(grad_outputs) if x.requires_grad)

    def new_func(*args):
        ins = tuple(x.requires_grad_() if i in diff_in else x
                    for i, x in enumerate(args[:-n]))
        outs = _differentiable_outputs(func(*ins))
        gos = tuple(x.requires_grad_() if i in diff_go else x
                    for i, x in enumerate(args[-n:]))
        d = tuple(x for i, x in enumerate(ins) if i in diff_in)
        gi = grad(outs, d, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gi if g is not None)

    return gradcheck(new_func, tupled + grad_outputs, eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)


import types as _types  # noqa: E402

functional = _types.ModuleType("torch.autograd.functional")
functional.jacobian = _jacobian
functional.hessian = _hessian
functional.vjp = _vjp
functional.jvp = _jvp
functional.vhp = _vhp
functional.hvp = _hvp
_sys_modules = __import__("sys").modules
_sys_modules.setdefault(__name__ + ".functional", functional)

from . import _custom_function as function  # noqa: E402
from ._custom_function import Function, FunctionCtx  # noqa: E402,F401
_sys_modules.setdefault(__name__ + ".function", function)


# ---- anomaly detection and the legacy Variable ----

_anomaly = [False]


def _is_anomaly_enabled():  # torch.is_anomaly_enabled()
    return _anomaly[0]


class detect_anomaly:
    """Context manager (or decorator) that turns anomaly detection on, as
    torch's does. tensord's backward already names the failing operation
    in its errors; the flag is kept so that code reading it works."""

    def __init__(self, check_nan=True):
        import warnings
        self.prev = _anomaly[0]
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will "
                      "increase the runtime and should only be enabled for "
                      "debugging.", stacklevel=2)

    def __enter__(self):
        _anomaly[0] = True

    def __exit__(self, *exc):
        _anomaly[0] = self.prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """Sets anomaly detection on or off (as a call or a context manager)."""

    def __init__(self, mode, check_nan=True):
        self.prev = _anomaly[0]
        _anomaly[0] = bool(mode)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _anomaly[0] = self.prev
        return False


class _VariableMeta(type):
    def __instancecheck__(cls, other):
        from ._tensor import Tensor
        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """The pre-0.4 Variable: Variable(t, requires_grad=...) is a tensor over
    t's data, and every tensor is an instance of Variable (as in torch)."""

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if volatile:
            import warnings
            warnings.warn("volatile was removed and now has no effect. Use "
                          "`with torch.no_grad():` instead.", stacklevel=2)
        if data is None:
            from . import tensor
            data = tensor([])
        t = data.detach()
        if requires_grad:
            t.requires_grad_(True)
        return t
