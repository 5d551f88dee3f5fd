"""tensord.torch: PyTorch's API over tensors that live in a tensord session.

    import tensord.torch as torch
    A = torch.arange(12).reshape(3, 4)
    print(A.cumsum(axis=0))

Functions and Tensor methods come from the server's op table (ListOps):
an op the server adds appears here with no change to this package. What is
written here is what is not an op: dtypes, torch.Size, grad mode, making
tensors from Python data, and the few functions whose arguments pick one
of several ops (torch.max(x) / torch.max(x, 0) / torch.max(x, y)).
"""
import builtins as _builtins
import sys as _sys

from .. import _session
from . import _dtypes
from . import _grad
from . import _ops
from ._dtypes import (Size, bool, cdouble, cfloat, complex64,  # noqa
                      complex128, double, dtype,  # noqa
                      float, float32, float64, int, int32, int64, long,
                      float16, half, bfloat16, int8, uint8, int16, short)
from ._dtypes import (can_cast, finfo, iinfo, promote_types,  # noqa: F401
                      result_type)
from ._grad import (enable_grad, inference_mode, is_grad_enabled,  # noqa
                    no_grad, set_grad_enabled)
from ._tensor import Tensor  # noqa: F401
from . import _tensor as _tensor_mod
from . import _tensor_str  # noqa: F401
from ._tensor_str import get_printoptions, set_printoptions  # noqa: F401
from ._tensor import _check_device
from ._random import Generator, default_generator  # noqa: F401
from ._device import backends, cuda, device  # noqa: F401
from ._device import _register as _register_device_modules
_register_device_modules(__name__)
import math as _math

pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan
_num_threads = [1]


class layout:
    """torch.layout: tensord's tensors are all torch.strided."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    __str__ = __repr__


layout.__module__ = "torch"
strided = layout("strided")
sparse_coo = layout("sparse_coo")


def set_default_dtype(d):
    """torch.set_default_dtype: float32 or float64 (tensord has no float16
    default)."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the "
                        "default type")
    if d not in (float32, float64):
        raise TypeError("tensord: set_default_dtype(%s) is not supported; "
                        "the default dtype can be torch.float32 or "
                        "torch.float64" % (d,))
    _dtypes._default[0] = d


def set_num_threads(n):
    _num_threads[0] = _builtins.int(n)


def get_num_threads():
    return _num_threads[0]


_interop_threads = [1]


def set_num_interop_threads(n):
    _interop_threads[0] = _builtins.int(n)


def get_num_interop_threads():
    return _interop_threads[0]


_matmul_precision = ["highest"]


def set_float32_matmul_precision(precision):
    """Kept for the code that sets it: tensord's float32 matmul is always
    computed in full float32 ("highest")."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError("Invalid argument passed to "
                           "set_float32_matmul_precision: " + str(precision))
    _matmul_precision[0] = precision


def get_float32_matmul_precision():
    return _matmul_precision[0]


def is_anomaly_enabled():
    from .autograd import _is_anomaly_enabled
    return _is_anomaly_enabled()


# torch.use_deterministic_algorithms: tensord's ops are deterministic
# either way; the setting is kept for the functions that report it.
_deterministic = [False, False]


def use_deterministic_algorithms(mode, *, warn_only=False):
    if not isinstance(mode, _builtins.bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' "
                        "(position 1) must be bool, not %s" %
                        type(mode).__name__)
    _deterministic[:] = [mode, _builtins.bool(warn_only)]


def are_deterministic_algorithms_enabled():
    return _deterministic[0]


def is_deterministic_algorithms_warn_only_enabled():
    return _deterministic[1]


def is_inference_mode_enabled():
    return False


# torch.FloatTensor, ...: legacy constructors (torch.LongTensor([1, 2]),
# torch.FloatTensor(2, 3)) and types for isinstance and x.type(...).
_legacy_type = _tensor_mod.legacy_type
FloatTensor = _legacy_type(float32, "FloatTensor")
DoubleTensor = _legacy_type(float64, "DoubleTensor")
LongTensor = _legacy_type(int64, "LongTensor")
IntTensor = _legacy_type(int32, "IntTensor")
BoolTensor = _legacy_type(bool, "BoolTensor")
HalfTensor = _legacy_type(float16, "HalfTensor")
BFloat16Tensor = _legacy_type(bfloat16, "BFloat16Tensor")
ByteTensor = _legacy_type(uint8, "ByteTensor")
CharTensor = _legacy_type(int8, "CharTensor")
ShortTensor = _legacy_type(int16, "ShortTensor")


def concat(tensors, dim=0):
    return _ops.call("cat", (list(tensors), dim), {})


def range(start=0, end=None, step=1, *, dtype=None,  # noqa: A001
          device=None, requires_grad=False):
    """torch.range (deprecated in torch): start, start + step, ... up to
    and including end, in the default dtype unless dtype is given."""
    import warnings
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release "
        "because its behavior is inconsistent with Python's range builtin. "
        "Instead, use torch.arange, which produces values in [start, end).",
        UserWarning, stacklevel=2)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and start > end) or (step < 0 and start < end):
        raise RuntimeError(
            "upper bound and larger bound inconsistent with step sign")
    # torch: size = (end - start) / step + 1 (in double, truncated);
    # arange of that many values computes start + i * step as range does.
    size = _builtins.int((end - start) / step + 1)
    if isinstance(start, _builtins.int) and isinstance(step, _builtins.int):
        stop = start + size * step  # exact
    else:
        stop = start + (size - 0.5) * step
    return _ops.call("arange", (start, stop, step),
                     {"dtype": dtype or _dtypes.default_dtype(),
                      "device": device, "requires_grad": requires_grad})


def rsub(input, other, *, alpha=1):  # noqa: A002
    """other - alpha * input."""
    return _ops.call("sub", (other, input), {"alpha": alpha})


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return tensor(s, dtype=dtype or _dtypes.default_dtype(), device=device,
                  requires_grad=requires_grad)


def broadcast_shapes(*shapes):
    out = []
    for s in shapes:
        s = (s,) if isinstance(s, _builtins.int) else tuple(s)
        for i in _builtins.range(1, len(s) + 1):
            if len(out) < i:
                out.insert(0, 1)
            a, b = out[-i], s[-i]
            if a == 1 or a == b:
                out[-i] = b
            elif b != 1:
                raise RuntimeError(
                    "Shape mismatch: objects cannot be broadcast to a single "
                    "shape.  Mismatch is at dim %d" % (len(s) - i))
    return Size(out)


def _method_alias(name):
    def fn(input, *args, **kwargs):  # noqa: A002
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    return fn


for _n in ("absolute", "negative", "positive", "fix", "subtract", "ger",
           "vdot", "float_power", "is_nonzero", "is_signed", "is_same_size",
           "ravel", "hsplit", "vsplit", "is_conj", "resolve_conj",
           "is_neg", "resolve_neg", "is_inference"):
    globals()[_n] = _method_alias(_n)


def _functional_alias(name):
    """torch.NAME for torch.nn.functional.NAME (torch.prelu, ...)."""
    def fn(*args, **kwargs):
        from .nn import functional
        return getattr(functional, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    return fn


for _n in ("prelu", "threshold", "threshold_", "pixel_shuffle",
           "pixel_unshuffle", "hardshrink", "channel_shuffle", "bilinear"):
    globals()[_n] = _functional_alias(_n)


class _Version(str):
    """torch.__version__: the string "tensord", which orders against a
    version string or tuple as the TorchVersion of the PyTorch tensord
    follows, 1.13.0a0 (Debian's 1.13), does: `torch.__version__ >= "1.10"`
    and `torch.__version__ < (2, 0)` hold, `>= (1, 13)` does not (a
    pre-release)."""
    _KEY = ((1, 13), (0, 0, 0))  # 1.13.0a0, as _key gives it

    @staticmethod
    def _key(v):
        """(release, pre) of a version string or tuple, or None."""
        if isinstance(v, str):
            v = v.strip().lower().lstrip("v").split("+")[0]
            parts, pre = [], (1,)
            for i, p in enumerate(v.split(".")):
                digits = p[:len(p) - len(p.lstrip("0123456789"))]
                if not digits:
                    return None
                parts.append(_builtins.int(digits))
                rest = p[len(digits):]
                if rest:
                    for tag, rank in (("rc", 2), ("a", 0), ("b", 1)):
                        if rest.startswith(tag) and \
                                rest[len(tag):].isdigit():
                            pre = (0, rank, _builtins.int(rest[len(tag):]))
                            break
                    else:
                        return None
                    if i != len(v.split(".")) - 1:
                        return None
            release = tuple(parts)
        elif isinstance(v, (tuple, list)):
            try:
                release, pre = tuple(_builtins.int(x) for x in v), (1,)
            except (TypeError, ValueError):
                return None
        else:
            return None
        while release and release[-1] == 0:
            release = release[:-1]
        return release, pre

    def _cmp(self, other, op, fallback):
        k = self._key(other)
        if k is None:  # not a version: as TorchVersion, compare strings
            return fallback("1.13.0a0", other)
        return op(self._KEY, k)

    def __lt__(self, o):
        return self._cmp(o, lambda a, b: a < b, str.__lt__)

    def __le__(self, o):
        return self._cmp(o, lambda a, b: a <= b, str.__le__)

    def __gt__(self, o):
        return self._cmp(o, lambda a, b: a > b, str.__gt__)

    def __ge__(self, o):
        return self._cmp(o, lambda a, b: a >= b, str.__ge__)

    __eq__ = str.__eq__
    __ne__ = str.__ne__
    __hash__ = str.__hash__


_Version.__module__ = "torch.torch_version"
_Version.__name__ = _Version.__qualname__ = "TorchVersion"
__version__ = _Version("tensord")


def get_default_dtype():
    return _dtypes.default_dtype()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_floating_point(t):
    return t.is_floating_point()


def is_complex(t):
    return t.is_complex()


def numel(t):
    if not isinstance(t, Tensor):
        raise TypeError("numel(): argument 'input' must be Tensor, not %s" %
                        type(t).__name__)
    return t.numel()


def manual_seed(seed):
    """Reseeds the session's default generator; returns it, as torch."""
    return default_generator.manual_seed(seed)


def initial_seed():
    return default_generator.initial_seed()


def seed():
    return default_generator.seed()


def _flatten(data, depth, shape, flat):
    """Flattens nested sequences of numbers, checking they are regular."""
    if isinstance(data, Tensor):
        data = data.tolist()
    if isinstance(data, (list, tuple)) or (
            hasattr(data, "__len__") and hasattr(data, "__getitem__") and
            not isinstance(data, (str, bytes))):
        n = len(data)
        if depth == len(shape):
            shape.append(n)
        elif shape[depth] != n:
            raise ValueError("expected sequence of length %d at dim %d "
                             "(got %d)" % (shape[depth], depth, n))
        for x in data:
            _flatten(x, depth + 1, shape, flat)
        return
    if depth != len(shape):
        raise ValueError("expected sequence of length %d at dim %d (got 0)"
                         % (shape[depth], depth))
    np_dtype = getattr(data, "dtype", None)
    if np_dtype is not None and hasattr(data, "item"):
        # a numpy scalar (np.float64 is a float, np.int64 is not an int):
        # its dtype counts, as in torch (np.float64(2.5) -> float64)
        dt = _np_dtype(np_dtype)
        if dt is not None:
            data = data.item()
            flat.append(_NpScalar(data, dt))
            return
        data = data.item()
    elif hasattr(data, "item") and not isinstance(
            data, (_builtins.bool, _builtins.int, _builtins.float,
                   _builtins.complex)):
        data = data.item()
    if not isinstance(data, (_builtins.bool, _builtins.int, _builtins.float,
                             _builtins.complex)):
        raise TypeError("new(): invalid data type '%s'" % type(data).__name__)
    flat.append(data)


class _NpScalar:
    """A numpy scalar met by torch.tensor's data walk: value and dtype."""
    __slots__ = ("value", "dtype")

    def __init__(self, value, dtype):
        self.value, self.dtype = value, dtype


def _py_scalar_dtype(x):
    if isinstance(x, _builtins.bool):
        return bool
    if isinstance(x, _builtins.int):
        return int64
    if isinstance(x, _builtins.float):
        return _dtypes.default_dtype()
    return _dtypes.default_dtype().to_complex()


def _unwrap_np(flat):
    """(flat values, dtype torch infers) when numpy scalars are among them,
    else (flat, None)."""
    if not any(isinstance(x, _NpScalar) for x in flat):
        return flat, None
    dt = None
    values = []
    for x in flat:
        d = x.dtype if isinstance(x, _NpScalar) else _py_scalar_dtype(x)
        dt = d if dt is None else promote_types(dt, d)
        values.append(x.value if isinstance(x, _NpScalar) else x)
    return values, dt


def _infer_dtype(flat):
    kinds = {type(x) for x in flat}
    if not kinds:
        return _dtypes.default_dtype()
    if _builtins.complex in kinds:
        return _dtypes.default_dtype().to_complex()
    if _builtins.float in kinds:
        return _dtypes.default_dtype()
    if kinds and kinds <= {_builtins.bool}:
        return bool
    return int64


def tensor(data, dtype=None, device=None, requires_grad=False,
           pin_memory=False):
    """A tensor from Python data (nested lists of numbers, a numpy array, a
    tensor), made in the current session."""
    _check_device(device)
    if isinstance(data, Tensor):
        t = data.clone().detach()
        if dtype is not None:
            t = t.to(dtype)
        return _ops.factory_requires_grad(t, requires_grad)
    np = _sys.modules.get("numpy")
    if np is not None and isinstance(data, np.ndarray):
        t = _from_numpy_copy(data)
        if dtype is not None and dtype != t.dtype:
            t = t.to(dtype)
        return _ops.factory_requires_grad(t, requires_grad)
    shape, flat = [], []
    _flatten(data, 0, shape, flat)
    flat, np_dt = _unwrap_np(flat)
    dt = dtype or np_dt or _infer_dtype(flat)
    if not isinstance(dt, _dtypes.dtype):
        raise TypeError("tensor(): argument 'dtype' must be torch.dtype, not "
                        "%s" % type(dt).__name__)
    e = _session.current_session().engine
    data_bytes = _C().pack(dt._wire, flat)
    (t,) = e.record("alias", [("t", dt._wire, shape, data_bytes)], {}, 1,
                    not is_grad_enabled())
    if requires_grad:
        if not (dt.is_floating_point or dt.is_complex):
            raise RuntimeError("Only Tensors of floating point and complex "
                               "dtype can require gradients")
        t = _ops.factory_requires_grad(t, True)
    e.statement_op_done()
    return t


def _C():
    from .. import _C as c
    return c


def _np_dtype(np_dtype):
    return {"bool": bool, "int32": int32, "int64": int64, "float32": float32,
            "float64": float64, "complex64": complex64, "float16": float16,
            "int8": int8, "uint8": uint8, "int16": int16,
            "complex128": complex128}.get(str(np_dtype))


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    np = _sys.modules.get("numpy")
    if np is not None and isinstance(data, np.ndarray) and \
            _np_dtype(data.dtype) is not None and \
            (dtype is None or dtype == _np_dtype(data.dtype)):
        # torch.as_tensor shares an array's memory when no cast is needed.
        _check_device(device)
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(a):
    """A tensor with a's values that stays in step with a (writes to a show
    in the tensor, in-place ops on the tensor show in a; see
    tensord._numpy_bridge)."""
    t = _from_numpy_copy(a)
    from .. import _numpy_bridge
    _numpy_bridge.source(t, a)
    return t


def _from_numpy_copy(a):
    import numpy as np
    dt = _np_dtype(a.dtype)
    if dt is None:
        raise TypeError(
            "can't convert np.ndarray of type %s. The only supported types "
            "are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, "
            "int8, uint8, and bool." %
            a.dtype)
    shape = list(a.shape)  # (ascontiguousarray makes a 0-d array 1-d)
    a = np.ascontiguousarray(a)
    e = _session.current_session().engine
    (t,) = e.record("alias", [("t", dt._wire, shape, a.tobytes())],
                    {}, 1, not is_grad_enabled())
    e.statement_op_done()
    return t


def _max_min(name, args, kwargs):
    binary = len(args) >= 2 and isinstance(args[1], Tensor)
    by_dim = len(args) >= 2 and not binary
    if "other" in kwargs:
        binary = True
    if "dim" in kwargs or "axis" in kwargs:
        by_dim = True
    if binary:
        if "input" in kwargs:
            kwargs["self"] = kwargs.pop("input")
        return _ops.call("maximum" if name == "max" else "minimum", args,
                         kwargs)
    return _ops.call(name + ".dim" if by_dim else name, args, kwargs)


def max(*args, **kwargs):  # noqa: A001 - torch's name
    return _max_min("max", args, kwargs)


def min(*args, **kwargs):  # noqa: A001
    return _max_min("min", args, kwargs)


def split(tensor, split_size_or_sections, dim=0):
    """torch.split: equal pieces for an int, the given sizes for a list."""
    if isinstance(split_size_or_sections, (list, tuple)):
        return _ops.call("split_with_sizes",
                         (tensor, list(split_size_or_sections), dim), {})
    return _ops.call("split", (tensor, split_size_or_sections, dim), {})


def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """torch.tensor_split: n sections for an int, cut points for a list."""
    if isinstance(indices_or_sections, (list, tuple)):
        return _ops.call("tensor_split.indices",
                         (input, list(indices_or_sections), dim), {})
    return _ops.call("tensor_split", (input, indices_or_sections, dim), {})


def nonzero(input, *, out=None, as_tuple=False):  # noqa: A002
    if out is not None:
        raise TypeError("nonzero(): out= is not supported by tensord")
    return _ops.call("nonzero.tuple" if as_tuple else "nonzero", (input,), {})


def where(condition, input=None, other=None):  # noqa: A002
    """torch.where(condition, x, y), or torch.where(condition):
    nonzero(condition, as_tuple=True)."""
    if input is None and other is None:
        return _ops.call("nonzero.tuple", (condition,), {})
    return _ops.call("where", (condition, input, other), {})


def broadcast_tensors(*tensors):
    return _ops.call("broadcast_tensors", (list(tensors),), {})


def einsum(equation, *operands):
    """torch.einsum(equation, *operands) or (equation, [operands])."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    return _ops.call("einsum", (list(operands),), {"equation": equation})


def chain_matmul(*matrices):
    return _ops.call("chain_matmul", (list(matrices),), {})


def tensordot(a, b, dims=2, out=None):
    """dims: an int (a's last dims with b's first) or two lists."""
    if out is not None:
        raise TypeError("tensordot(): out= is not supported by tensord")
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of lists")
        da, db = dims
        da = [da] if isinstance(da, _builtins.int) else list(da)
        db = [db] if isinstance(db, _builtins.int) else list(db)
        return _ops.call("tensordot", (a, b), {"dims_a": da, "dims_b": db})
    return _ops.call("tensordot", (a, b), {"dims": dims})


def _by_dim(name):
    """torch.NAME(x) over all elements, torch.NAME(x, dim) -> (values,
    indices): ops NAME and NAME.dim."""
    def fn(*args, **kwargs):
        by_dim = len(args) >= 2 or "dim" in kwargs or "axis" in kwargs
        return _ops.call(name + ".dim" if by_dim else name, args, kwargs)
    fn.__name__ = name
    return fn


median = _by_dim("median")
nanmedian = _by_dim("nanmedian")


def _tensors(args):
    """f(a, b, c) and f([a, b, c]) alike (meshgrid, block_diag, ...)."""
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return list(args[0])
    return list(args)


def meshgrid(*tensors, indexing=None):
    return _ops.call("meshgrid", (_tensors(tensors),),
                     {"indexing": indexing or "ij"})


def cartesian_prod(*tensors):
    return _ops.call("cartesian_prod", (_tensors(tensors),), {})


def block_diag(*tensors):
    return _ops.call("block_diag", (_tensors(tensors),), {})


def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """The r-element combinations of a 1-d tensor's elements, in
    itertools' order (rows of input[index combinations])."""
    import itertools
    if input.dim() != 1:
        raise RuntimeError("Expect a 1D vector, but got shape %s" %
                           (list(input.shape),))
    if r < 0:
        raise RuntimeError("Expect a non-negative number, but got %d" % r)
    if r == 0:
        return _ops.call("empty", (0,), {"dtype": input.dtype})
    pick = (itertools.combinations_with_replacement if with_replacement
            else itertools.combinations)
    rows = list(pick(_builtins.range(input.shape[0]), r))
    if not rows:
        return _ops.call("empty", (0, r), {"dtype": input.dtype})
    return input[tensor(rows)]


def randint_like(input, low=0, high=None, *, dtype=None,  # noqa: A002
                 device=None, requires_grad=False, **kwargs):
    """randint over input's shape (torch.randint_like(x, high) or
    (x, low, high)), in input's dtype unless dtype is given."""
    if high is None:
        low, high = 0, low
    return _ops.call("randint", (low, high, tuple(input.shape)),
                     {"dtype": dtype or input.dtype, "device": device,
                      "requires_grad": requires_grad})


def _unique(op, input, sorted, return_inverse, return_counts, dim):  # noqa: A002
    kw = {"return_inverse": return_inverse, "return_counts": return_counts}
    if op == "unique":
        kw["sorted"] = sorted
    if dim is not None:
        kw["dim"] = dim
    r = _ops.call(op, (input,), kw)
    out = [r[0]]
    if return_inverse:
        out.append(r[1])
    if return_counts:
        out.append(r[2])
    return out[0] if len(out) == 1 else tuple(out)


def unique(input, sorted=True, return_inverse=False,  # noqa: A002
           return_counts=False, dim=None):
    return _unique("unique", input, sorted, return_inverse, return_counts,
                   dim)


def unique_consecutive(input, return_inverse=False,  # noqa: A002
                       return_counts=False, dim=None):
    return _unique("unique_consecutive", input, True, return_inverse,
                   return_counts, dim)


def argwhere(input):  # noqa: A002
    return _ops.call("nonzero", (input,), {})


def renorm(input, p, dim, maxnorm):  # noqa: A002
    """Each slice along dim scaled down to a p-norm of at most maxnorm, as
    ATen's renorm: factor maxnorm / (norm + 1e-7) in the tensor's dtype."""
    if input.dim() <= 1:
        raise RuntimeError("renorm: input needs at least 2 dimensions, got "
                           "%d dimensions" % input.dim())
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError("renorm: expected maxnorm to be >= 0 but got %s"
                           % maxnorm)
    d = dim % input.dim()
    dims = [k for k in _builtins.range(input.dim()) if k != d]
    norm = linalg.vector_norm(input, p, dims, keepdim=True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0)
    return input * factor


def _trapezoid_x(y, x, dim):
    d = dim % y.dim()
    n = y.shape[d]
    if x.dim() == 1:
        dx = x.diff()
        shape = [1] * y.dim()
        shape[d] = dx.shape[0]
        dx = dx.view(shape)
    else:
        dx = x.diff(dim=dim)
    return dx, n


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule along dim, with spacing dx (default 1) or
    sample points x, as ATen's trapezoid computes it."""
    if x is not None and dx is not None:
        raise RuntimeError("trapezoid: received both x and dx")
    d = dim % _builtins.max(y.dim(), 1)
    if y.shape[d] == 0:
        return _ops.call("sum", (y,), {"dim": [d]}) * 0
    if x is not None and isinstance(x, Tensor):
        dxs, _ = _trapezoid_x(y, x, d)
        return (dxs * (y.narrow(d, 1, y.shape[d] - 1) +
                       y.narrow(d, 0, y.shape[d] - 1))).sum(d) / 2.
    step = 1 if dx is None else dx
    if x is not None:
        step = x
    return (y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * step


trapz = trapezoid


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running trapezoid-rule integrals along dim (one fewer than y has)."""
    if x is not None and dx is not None:
        raise RuntimeError("cumulative_trapezoid: received both x and dx")
    d = dim % _builtins.max(y.dim(), 1)
    n = y.shape[d]
    if n == 0:
        return y.narrow(d, 0, 0)
    left = y.narrow(d, 0, n - 1)
    right = y.narrow(d, 1, n - 1)
    if x is not None and isinstance(x, Tensor):
        dxs, _ = _trapezoid_x(y, x, d)
        return ((dxs * (left + right)) / 2.).cumsum(d)
    step = 1 if dx is None else dx
    if x is not None:
        step = x
    return (step / 2. * (left + right)).cumsum(d)


def vander(x, N=None, increasing=False):
    """Columns x^0 .. x^(N-1) (decreasing powers unless increasing), as
    ATen's vander builds them with a cumprod."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    dt = promote_types(x.dtype, int64)
    result = _ops.call("ones", (), {"size": [x.shape[0], n], "dtype": dt})
    if n > 1:
        result[:, 1:] = x.to(dt).unsqueeze(1)
        result = result.cumprod(1)
    return result if increasing else result.flip(1)
def conv1d(*args, **kwargs):
    from .nn import functional
    return functional.conv1d(*args, **kwargs)


def conv2d(*args, **kwargs):
    from .nn import functional
    return functional.conv2d(*args, **kwargs)


def max_pool1d(input, kernel_size, stride=(), padding=0,  # noqa: A002
               dilation=1, ceil_mode=False):
    from .nn import functional
    return functional.max_pool1d(input, kernel_size, stride, padding,
                                 dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0,  # noqa: A002
               dilation=1, ceil_mode=False):
    from .nn import functional
    return functional.max_pool2d(input, kernel_size, stride, padding,
                                 dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(),  # noqa: A002
                            padding=0, dilation=1, ceil_mode=False):
    from .nn import functional
    return functional.max_pool1d_with_indices(input, kernel_size, stride,
                                              padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=(), padding=0,  # noqa: A002
               ceil_mode=False, count_include_pad=True):
    from .nn import functional
    return functional.avg_pool1d(input, kernel_size, stride, padding,
                                 ceil_mode, count_include_pad)


def batch_norm(input, weight, bias, running_mean, running_var,  # noqa: A002
               training, momentum, eps, cudnn_enabled=True):
    from .nn import functional
    return functional.batch_norm(input, running_mean, running_var, weight,
                                 bias, training, momentum, eps)


def t(input):  # noqa: A002
    return _ops.call("t", (input,), {})


def _function(name):
    def fn(*args, **kwargs):
        return _ops.call(name, args, kwargs)
    fn.__name__ = name.replace(".", "_")
    fn.__qualname__ = fn.__name__
    return fn


_NOT_FUNCTIONS = {"alias", "index", "index_put_", "grad", "backward",
                  "retain_grad", "requires_grad_", "manual_seed"}


_SUBMODULES = {"autograd", "distributions", "jit", "linalg", "nn", "optim",
               "return_types", "serialization", "special", "testing",
               "utils"}


def __getattr__(name):
    """torch.NAME for an op of the server's table."""
    if name.startswith("_") or name in _SUBMODULES:
        # (the import system asks for submodules before they are set)
        raise AttributeError(name)
    schemas = _session.current_session().engine.schemas
    if name in schemas and name not in _NOT_FUNCTIONS and \
            not name.startswith("linalg."):
        # One function object per name, as torch's (torch.relu is
        # torch.relu).
        fn = _FUNCTIONS.get(name)
        if fn is None:
            fn = _FUNCTIONS[name] = _function(name)
        return fn
    raise AttributeError("module 'torch' has no attribute '%s'" % name)


_FUNCTIONS = {}


from . import autograd, distributions, linalg, nn  # noqa: E402,F401
from . import optim  # noqa: E402,F401
from .nn.modules.module import typename  # noqa: E402,F401
from . import return_types  # noqa: E402,F401
from . import jit, serialization, special, testing, utils  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401

# `import torch` inside tensorctl, and torch.nn.functional & co., resolve here.
_sys.modules.setdefault(__name__ + ".return_types", return_types)

# torch.__name__ stays 'tensord.torch': the import system resolves the
# package's lazy relative imports (from . import _hooks) by __name__, and a
# process that has PyTorch too would look for them in PyTorch.
