"""Calling the server's ops with Python's arguments.

Every op comes from the server's ListOps (its inputs, typed attributes,
outputs): nothing here lists ops. `call` binds positional and keyword
arguments as torch does (tensor inputs first, then attributes in declared
order, where consecutive ints fill an int list: x.reshape(3, 4)), records
one node, and returns the outputs: one tensor, a named tuple, None, or for
an in-place op the same Python object it was called on.
"""
import builtins
import collections
import sys

from .. import _engine as _engine_mod
from .. import _numpy_bridge
from .. import _session
from .. import _trace
from . import _dtypes
from . import _grad

# ListOps attribute types (tensord.v1.AttrType).
_INT, _INTS, _FLOAT, _SCALAR, _BOOL, _DTYPE, _STRING, _ORD = range(1, 9)
_TYPE_WORDS = {_INT: "int", _INTS: "tuple of ints", _FLOAT: "float",
               _SCALAR: "Number", _BOOL: "bool", _DTYPE: "torch.dtype",
               _STRING: "str", _ORD: "float or str"}
# Keyword spellings torch accepts for an attribute.
_KW_ALIASES = {"axis": "dim", "keepdims": "keepdim", "size": "shape",
               "shape": "size", "dim": "dims", "ord": "p"}

_return_types = {}


def _type_name(v):
    from ._tensor import Tensor
    if v is None:
        return "NoneType"
    if isinstance(v, Tensor):
        return "Tensor"
    if type(v).__module__ == "numpy":
        return "numpy." + type(v).__name__  # numpy.ndarray
    return type(v).__name__


def return_type(op, fields):
    """torch.return_types.NAME: a named tuple printed as torch prints it."""
    name = op.replace(".dim", "").replace("linalg.", "linalg_")
    cls = _return_types.get(name)
    if cls is None:
        base = collections.namedtuple(name, fields)

        def __repr__(self):
            return "torch.return_types.%s(\n%s)" % (
                name, ",\n".join("%s=%r" % (f, v)
                                 for f, v in zip(self._fields, self)))
        cls = type(name, (base,), {"__repr__": __repr__, "__slots__": (),
                                   "__module__": "torch.return_types"})
        _return_types[name] = cls
    return cls


def engine_of(args, kwargs):
    """The engine of the first tensor among the arguments, else the
    current session's."""
    from ._tensor import Tensor
    for v in list(args) + list(kwargs.values()):
        if isinstance(v, Tensor):
            return v._engine
        if isinstance(v, (list, tuple)):
            for x in v:
                if isinstance(x, Tensor):
                    return x._engine
    return _session.current_session().engine


def _attr_value(fname, spec, v):
    name, atype, _tn, _req, _dflt = spec
    if v is None:
        return None

    def bad():
        return TypeError("%s(): argument '%s' must be %s, not %s" % (
            fname, name, _TYPE_WORDS.get(atype, "?"), _type_name(v)))
    if atype == _INT:
        if isinstance(v, builtins.bool) or not isinstance(v, builtins.int):
            if hasattr(v, "__index__") and not isinstance(v, builtins.float):
                return v.__index__()
            raise bad()
        return v
    if atype == _INTS:
        if isinstance(v, builtins.int) and not isinstance(v, builtins.bool):
            return [v]
        if isinstance(v, (list, tuple)):
            out = []
            for x in v:
                if isinstance(x, builtins.bool) or not isinstance(
                        x, builtins.int):
                    if hasattr(x, "__index__") and not isinstance(
                            x, builtins.float):
                        x = x.__index__()
                    else:
                        raise bad()
                out.append(x)
            return out
        raise bad()
    if atype == _FLOAT:
        if isinstance(v, (builtins.int, builtins.float)):
            return builtins.float(v)
        raise bad()
    if atype == _SCALAR:
        v = unnumpy(v)
        if isinstance(v, (builtins.bool, builtins.int, builtins.float)):
            return v
        from ._tensor import Tensor
        if isinstance(v, Tensor) and v.numel() == 1:
            return v.item()
        raise bad()
    if atype == _BOOL:
        if isinstance(v, builtins.bool):
            return v
        raise bad()
    if atype == _DTYPE:
        if isinstance(v, _dtypes.dtype):
            return ("dtype", v._wire)
        raise bad()
    if atype == _STRING:
        if isinstance(v, str):
            return v
        raise bad()
    if atype == _ORD:
        if isinstance(v, str):
            return v
        if isinstance(v, (builtins.int, builtins.float)) and not isinstance(
                v, builtins.bool):
            return builtins.float(v)
        raise bad()
    raise bad()


def unnumpy(v):
    """A NumPy scalar as the Python number torch reads it as (np.int64 an
    int, np.float32 a float, np.bool_ a float as torch's argument parser
    has it); anything else as it is."""
    if type(v).__module__ != "numpy":
        return v
    np = sys.modules["numpy"]
    if isinstance(v, (np.bool_, np.floating)):
        return builtins.float(v)
    if isinstance(v, np.integer):
        return builtins.int(v)
    if isinstance(v, np.complexfloating):
        return builtins.complex(v)
    return v


# Per op: whether positional tensors and numbers filling exactly its
# inputs make a whole call (no attributes needed): call's short way.
_PLAIN = {}


def _plain(schema):
    r = _PLAIN.get(schema["name"])
    if r is None:
        r = (not schema["variadic"] and not schema.get("python_order") and
             not schema.get("variable_outputs") and
             not schema.get("python_value") and
             len(schema["inputs"]) == schema["min_inputs"] and
             not any(spec[3] for spec in schema["attrs"]))
        _PLAIN[schema["name"]] = r
    return r


def call(op, args, kwargs, engine=None):
    """Runs (records) op `op` with Python's arguments; see the module doc."""
    Tensor = _engine_mod._torch_modules()[0]
    if not kwargs and args:
        # The common case (x + y, x.exp(), torch.relu(x)): tensors and
        # Python numbers filling the op's inputs, nothing else.
        e = engine
        for v in args:
            t = type(v)
            if isinstance(v, Tensor):
                if e is None:
                    e = v._engine
            elif t is not builtins.float and t is not builtins.int and \
                    t is not builtins.bool:
                e = None
                break
        schema = e.schemas.get(op) if e is not None else None
        if schema is not None and len(args) == len(schema["inputs"]) and \
                _plain(schema):
            return _record(op, schema, e, list(args), {}, None, 0)
    args = [unnumpy(v) for v in args]
    kwargs = {k: unnumpy(v) for k, v in kwargs.items()}
    engine = engine or engine_of(args, kwargs)
    schema = engine.schemas.get(op)
    if schema is None:
        raise AttributeError("module 'torch' has no attribute '%s'" % op)
    fname = schema["name"]
    kwargs = dict(kwargs)
    args = list(args)
    order = schema.get("python_order")
    if order and args:
        # Python's positional order differs from inputs-then-attributes
        # (x.gather(1, idx)): positionals become keywords.
        if len(args) > len(order):
            raise TypeError("%s() takes %d positional arguments but %d were "
                            "given" % (fname, len(order), len(args)))
        for name, v in zip(order, args):
            if name in kwargs or (name == "self" and "input" in kwargs):
                raise TypeError("%s() got multiple values for argument '%s'"
                                % (fname, name))
            kwargs[name] = v
        args = []
    attr_specs = schema["attrs"]
    attr_names = [a[0] for a in attr_specs]
    if "out" in kwargs and "out" not in attr_names:
        out = kwargs.pop("out")
        if out is not None:
            return _call_out(op, fname, attr_names, args, kwargs, out,
                             engine, len(schema["outputs"]))

    requires_grad = None
    if "requires_grad" not in attr_names and "requires_grad" in kwargs:
        requires_grad = kwargs.pop("requires_grad")
        if not isinstance(requires_grad, builtins.bool):
            raise TypeError(
                "%s(): argument 'requires_grad' must be bool, not %s" %
                (fname, _type_name(requires_grad)))
    generator = 0
    if "generator" in kwargs and "generator" not in attr_names:
        from ._random import generator_number
        generator = generator_number(fname, kwargs.pop("generator"), engine)
    for k in ("device", "layout", "pin_memory", "memory_format"):
        if k in kwargs and k not in attr_names:
            v = kwargs.pop(k)
            if k == "device":
                from ._tensor import _check_device
                _check_device(v)

    inputs = []
    pos = 0
    if schema["variadic"]:
        lst = kwargs.pop("tensors", None)
        if lst is None and pos < len(args):
            lst = args[pos]
            pos += 1
        if not isinstance(lst, (list, tuple)):
            raise TypeError(
                "%s(): argument 'tensors' must be tuple of Tensors, not %s" %
                (fname, _type_name(lst) if lst is not None else "nothing"))
        if not lst:
            if fname == "stack":
                raise RuntimeError("stack expects a non-empty TensorList")
            raise RuntimeError(
                "torch.%s(): expected a non-empty list of Tensors" % fname)
        for i, t in enumerate(lst):
            if not isinstance(t, Tensor):
                raise TypeError(
                    "%s(): argument 'tensors' must be tuple of Tensors, but "
                    "found element of type %s at pos %d" %
                    (fname, _type_name(t), i))
            inputs.append(t)
    else:
        for i, in_name in enumerate(schema["inputs"]):
            required = i < schema["min_inputs"]
            v = kwargs.pop(in_name, None)
            if v is None and i == 0:
                v = kwargs.pop("input", None)
            if v is None and pos < len(args) and (
                    required or isinstance(args[pos], Tensor) or
                    args[pos] is None or not attr_specs):
                v = args[pos]
                pos += 1
            if v is None:
                if required:
                    raise TypeError("%s() missing required argument '%s'" % (
                        fname, "input" if in_name == "self" else in_name))
                if any(kwargs.get(n) is not None
                       for n in schema["inputs"][i + 1:]):
                    # An absent input before a given one goes as the
                    # number 0, which such ops take for "absent".
                    inputs.append(0)
                    continue
                break
            if not isinstance(v, (Tensor, builtins.bool, builtins.int,
                                  builtins.float, builtins.complex)):
                raise TypeError("%s(): argument '%s' must be Tensor, not %s" %
                                (fname, "input" if in_name == "self"
                                 else in_name, _type_name(v)))
            inputs.append(v)

    for in_name in schema["inputs"]:
        if in_name in kwargs and kwargs[in_name] is None:
            del kwargs[in_name]  # an optional input given as None
        if in_name in kwargs:
            raise TypeError("%s(): tensord takes '%s' only together with the "
                            "inputs before it (%s)" % (
                                fname, in_name, ", ".join(schema["inputs"])))
    attrs = {}
    positional = args[pos:]
    if op == "arange" and len(positional) == 1:
        attrs["end"] = positional[0]
        positional = []
    if op == "randint" and len(positional) >= 2 and not isinstance(
            positional[1], builtins.int):
        # randint(high, size): torch's second signature.
        attrs["high"], attrs["size"] = positional[0], positional[1]
        positional = positional[2:]
    a = 0
    k = 0
    while k < len(positional):
        if a >= len(attr_specs):
            raise TypeError("%s() takes %d positional arguments but %d were "
                            "given" % (fname, len(schema["inputs"]) +
                                       len(attr_specs), len(args)))
        spec = attr_specs[a]
        a += 1
        v = positional[k]
        if spec[1] == _INTS and isinstance(v, builtins.int) and not \
                isinstance(v, builtins.bool):
            ints = []
            while k < len(positional) and isinstance(
                    positional[k], builtins.int) and not isinstance(
                        positional[k], builtins.bool):
                ints.append(positional[k])
                k += 1
            attrs[spec[0]] = ints
        else:
            attrs[spec[0]] = v
            k += 1
    for kw, v in kwargs.items():
        n = kw
        if n not in attr_names and _KW_ALIASES.get(n) in attr_names:
            n = _KW_ALIASES[n]
        if n not in attr_names:
            raise TypeError("%s() got an unexpected keyword argument '%s'" %
                            (fname, kw))
        if n in attrs:
            raise TypeError("%s() got multiple values for argument '%s'" %
                            (fname, kw))
        attrs[n] = v
    wire = {}
    for spec in attr_specs:
        if spec[0] not in attrs:
            if spec[3]:
                raise TypeError("%s() missing required argument '%s'" %
                                (fname, spec[0]))
            continue
        wire[spec[0]] = _attr_value(fname, spec, attrs[spec[0]])

    if schema.get("variable_outputs"):
        # As many outputs as the server makes (split, unbind, ...).
        return tuple(engine.record_variable(op, inputs, wire,
                                            not _grad.is_grad_enabled(),
                                            generator))
    return _record(op, schema, engine, inputs, wire, requires_grad,
                   generator)


def _record(op, schema, engine, inputs, wire, requires_grad, generator):
    """call's end: records the node and makes its result."""
    Tensor = _engine_mod._torch_modules()[0]
    outputs = schema["outputs"]
    site = _trace.site()
    outs = engine.record(op, inputs, wire, len(outputs),
                         not _grad.is_grad_enabled(), generator, site)
    if schema["inplace"] and inputs and isinstance(inputs[0], Tensor):
        result = inputs[0]
        engine.update_from(outs[0]._node, result)
        if _numpy_bridge._exports:
            _numpy_bridge.refresh(result)
        if schema.get("replaces_self"):
            # x.t_(): x's shape and strides change; known from the result.
            result._info, result._info_epoch = None, -1
        outs[0]._probe = True
        engine.holds.append(outs[0])
    elif not outputs:
        result = None
    elif len(outputs) == 1:
        result = outs[0]
    elif not all(outputs):
        result = tuple(outs)  # unnamed outputs: a plain tuple (std_mean)
    else:
        result = return_type(op, outputs)(*outs)
    if requires_grad is not None and isinstance(result, Tensor):
        result = factory_requires_grad(result, requires_grad)
    engine.statement_op_done(site)
    if schema.get("python_value") and isinstance(result, Tensor):
        # allclose, equal, stride, ...: a Python value, as torch returns.
        if result.dim() == 0:
            return result.item()
        return tuple(result.tolist())
    return result


# Ops whose out= must have the result's dtype (no cast).
_EXACT_OUT_DTYPE = {"matmul", "mm", "bmm", "mv", "dot", "vdot", "addmm",
                    "addmv", "addbmm", "baddbmm", "addr", "outer", "ger"}
_RESIZE_WARNING = (
    "An output with one or more elements was resized since it had shape "
    "[%s], which does not match the required output shape [%s]. This "
    "behavior is deprecated, and in a future PyTorch release outputs will "
    "not be resized unless they have zero elements. You can explicitly "
    "reuse an out tensor t by resizing it, inplace, to zero elements with "
    "t.resize_(0). (Triggered internally at  "
    "./aten/src/ATen/native/Resize.cpp:17.)")


def _tensors_in(values):
    from ._tensor import Tensor
    for v in values:
        if isinstance(v, Tensor):
            yield v
        elif isinstance(v, (list, tuple)):
            for x in v:
                if isinstance(x, Tensor):
                    yield x


def _user_stacklevel():
    """warnings.warn's stacklevel, from its caller, of the first frame
    outside this package: the user's line, where torch's warning points."""
    pkg = __file__.rsplit("/", 2)[0] + "/"
    f, level = sys._getframe(1), 1
    while f is not None and f.f_code.co_filename.startswith(pkg):
        f, level = f.f_back, level + 1
    return level


def _call_out(op, fname, attr_names, args, kwargs, out, engine, n_out):
    """op(..., out=out) as torch runs it: the result, cast to out's dtype
    where torch casts, copied into out (resized to the result's shape);
    out itself is returned."""
    from ._tensor import Tensor
    if n_out > 1:
        outs = tuple(out) if isinstance(out, (tuple, list)) else ()
        if len(outs) != n_out or not all(isinstance(o, Tensor)
                                         for o in outs):
            raise TypeError("%s(): argument 'out' must be tuple of %d "
                            "Tensors" % (fname, n_out))
    elif not isinstance(out, Tensor):
        raise TypeError("%s(): argument 'out' must be Tensor, not %s" %
                        (fname, _type_name(out)))
    else:
        outs = (out,)
    if _grad.is_grad_enabled() and any(
            t.requires_grad for t in list(outs) + list(
                _tensors_in(list(args) + list(kwargs.values())))):
        raise RuntimeError(
            "%s(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad." %
            fname)
    if "dtype" in attr_names and kwargs.get("dtype") is None and \
            len(outs) == 1 and not any(
                isinstance(v, _dtypes.dtype) for v in args):
        # Factories and reductions (zeros, randn, sum, cumsum) make out's
        # dtype.
        kwargs = dict(kwargs, dtype=outs[0].dtype)
    result = call(op, args, kwargs, engine)
    results = result if isinstance(result, tuple) else (result,)
    for r, o in zip(results, outs):
        rd, od = r.dtype, o.dtype
        if rd is not od:
            if op in _EXACT_OUT_DTYPE:
                raise RuntimeError(
                    "Expected out tensor to have dtype %s, but got %s "
                    "instead" % (_dtypes.cpp_name(rd), _dtypes.cpp_name(od)))
            if not _dtypes.can_cast(rd, od):
                if fname == "cat":
                    raise RuntimeError(
                        "torch.cat(): input types can't be cast to the "
                        "desired output type %s" %
                        _dtypes.scalar_type_name(od))
                raise RuntimeError(
                    "result type %s can't be cast to the desired output "
                    "type %s" % (_dtypes.scalar_type_name(rd),
                                 _dtypes.scalar_type_name(od)))
    for r, o in zip(results, outs):
        shape, oshape = tuple(r.shape), tuple(o.shape)
        with _grad.no_grad():
            if shape != oshape:
                if o.numel() != 0 and next(_tensors_in(
                        list(args) + list(kwargs.values())), None) is not None:
                    # (factories resize out silently)
                    import warnings
                    warnings.warn(_RESIZE_WARNING % (
                        ", ".join(map(str, oshape)),
                        ", ".join(map(str, shape))), UserWarning,
                        stacklevel=_user_stacklevel())
                o.resize_(list(shape))
            o.copy_(r)
    if isinstance(out, tuple) and isinstance(result, tuple) and \
            hasattr(result, "_fields"):
        return return_type(op + "_out", result._fields)(*outs)
    return out


def factory_requires_grad(t, flag):
    """requires_grad= of a factory: set on the result, which is the same
    tensor."""
    if not flag:
        return t
    (r,) = t._engine.record("requires_grad_", [t], {"requires_grad": True}, 1,
                            not _grad.is_grad_enabled())
    t._engine.factory_grad_nodes.add(r._node)
    return r


def torch_function(name):
    """torch.NAME, looked up when called. The package's own modules use it
    for table ops, so importing them asks the server nothing (the op table
    comes from the session, which may not exist yet)."""
    def fn(*args, **kwargs):
        return getattr(sys.modules[__package__], name)(*args, **kwargs)
    fn.__name__ = name
    return fn
