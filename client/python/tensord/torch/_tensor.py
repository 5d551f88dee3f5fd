"""torch.Tensor over a tensor that lives in a tensord session.

A Tensor is a Python handle: pending (an output of a node not yet sent) or
known by the handle the server keeps it under. Its info (dtype, shape,
flags) comes back with the round trip that made it; its value is fetched
when Python needs it (printing, item(), tolist(), numpy(), bool()).
Methods and operators record ops (tensord.torch._ops); methods not written
here come from the server's ListOps.
"""
import builtins
import weakref

from .. import _C
from . import _dtypes
from . import _grad
from . import _custom_function
from . import _ops
from . import _tensor_str

_MISSING = object()
_INDEX_KINDS = (builtins.int, slice, type(None), type(Ellipsis))


def _is_sequence_index(k):
    return isinstance(k, (list, range)) or (
        type(k).__module__ == "numpy" and hasattr(k, "shape"))


def _index_spec(key):
    """A Python index as the server's index ops take it: the spec string
    ("0, 1:3, None", with "@" where a tensor index goes) and the index
    tensors (tensors, and lists, ranges and arrays made into tensors)."""
    if isinstance(key, list) and len(key) < 32 and any(
            isinstance(k, (list, tuple, slice, Tensor)) or k is None or
            k is Ellipsis for k in key):
        # torch 1.13 (as NumPy once did) reads such a list as a tuple.
        key = tuple(key)
    if not isinstance(key, tuple):
        key = (key,)
    parts = []
    tensors = []
    for k in key:
        if isinstance(k, builtins.bool):
            raise IndexError("tensord: indexing with a bool is not supported")
        if isinstance(k, Tensor):
            if k.dtype in (_dtypes.int64, _dtypes.int32) and k.dim() == 0:
                k = k.item()
            else:
                parts.append("@")
                tensors.append(k)
                continue
        if _is_sequence_index(k) or isinstance(k, tuple):
            from . import tensor as _tensor_fn
            t = _tensor_fn(list(k) if isinstance(k, range) else k)
            if t.dtype not in (_dtypes.int64, _dtypes.bool):
                if t.numel() == 0:
                    t = t.long()
                else:
                    raise IndexError(
                        "tensors used as indices must be long, byte or bool "
                        "tensors")
            parts.append("@")
            tensors.append(t)
            continue
        if isinstance(k, builtins.int):
            parts.append(str(k))
        elif hasattr(k, "__index__") and not isinstance(k, builtins.float):
            parts.append(str(k.__index__()))
        elif k is None:
            parts.append("None")
        elif k is Ellipsis:
            parts.append("...")
        elif isinstance(k, slice):
            def b(x):
                if x is None:
                    return ""
                if isinstance(x, Tensor):
                    x = x.item()
                if not isinstance(x, builtins.int):
                    if hasattr(x, "__index__"):
                        return str(x.__index__())
                    raise TypeError(
                        "slice indices must be integers or None or have an "
                        "__index__ method")
                return str(x)
            if k.step is not None and b(k.step) == "0":
                raise ValueError("slice step cannot be zero")
            parts.append("%s:%s:%s" % (b(k.start), b(k.stop), b(k.step)))
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long "
                "or byte Variables are valid indices (got %s)" %
                type(k).__name__)
    return ", ".join(parts), tensors


def _nest(flat, shape):
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return list(flat)
    step = len(flat) // shape[0] if shape[0] else 0
    return [_nest(flat[i * step:(i + 1) * step], shape[1:])
            for i in range(shape[0])]


class _GradFn:
    """What tensor.grad_fn shows: the node's name."""
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name

    def __repr__(self):
        return "<%s object at 0x%x>" % (self._name, id(self))


_grad_fn_classes = {}


def _grad_fn(name):
    """A grad_fn object whose class is named as PyTorch's node class
    (type(y.grad_fn).__name__ == 'AddmmBackward0')."""
    cls = _grad_fn_classes.get(name)
    if cls is None:
        cls = type(name, (_GradFn,), {"__slots__": ()})
        _grad_fn_classes[name] = cls
    return cls(name)


def _check_device(d):
    """to(device): the CPU (any spelling) is fine; CUDA is not built."""
    if d is None:
        return
    from ._device import device
    if isinstance(d, str):
        d = device(d)
    if isinstance(d, device):
        if d.type == "cuda":
            raise AssertionError("Torch not compiled with CUDA enabled")
        return
    if isinstance(d, int) and not isinstance(d, bool):
        raise AssertionError("Torch not compiled with CUDA enabled")
    raise TypeError("to() received an invalid combination of arguments")


# id()s of tensors share_memory_() was called on.
_shared = set()


# Tensors whose retain_grad() was called (Tensor.retains_grad), by id
# (tensors compare elementwise).
_retaining = weakref.WeakValueDictionary()


class Tensor:
    __slots__ = ("_engine", "_node", "_out", "_handle", "_name", "_info",
                 "_info_epoch", "_value", "_value_epoch", "_probe", "_dead",
                 "__weakref__")
    __hash__ = object.__hash__
    # numpy: let our reflected operators run (np.float64(2) * t).
    __array_priority__ = 1000

    # ----------------------------------------------------------- plumbing

    @classmethod
    def _pending(cls, engine, node, out):
        t = object.__new__(cls)
        t._engine = engine
        t._node = node
        t._out = out
        t._handle = ""
        t._name = ""
        t._info = None
        t._info_epoch = -1
        t._value = None
        t._value_epoch = -1
        t._probe = False
        t._dead = None
        return t

    @classmethod
    def _named(cls, engine, name):
        """The tensor a session name holds (tensorctl's variables)."""
        t = cls._pending(engine, -1, 0)
        t._name = name
        return t

    def _resolve(self, info, value, epoch):
        self._node = -1
        if info[1]:
            self._handle = info[1]
        self._info = info
        self._info_epoch = epoch
        if value is not None:
            self._value = value
            self._value_epoch = epoch

    def _refresh(self, info, value, epoch):
        self._info = info
        self._info_epoch = epoch
        if value is not None:
            self._value = value
            self._value_epoch = epoch

    def __del__(self):
        try:
            if self._handle and not self._probe:
                self._engine.release(self._handle)
        except Exception:  # noqa: BLE001 - interpreter shutting down
            pass

    def __new__(cls, *args, **kwargs):
        """torch.Tensor(...), the legacy constructor: torch.Tensor([1, 2])
        (data in the default dtype), torch.Tensor(2, 3) (uninitialized of
        that shape), torch.Tensor() (empty)."""
        if cls is not Tensor:
            raise TypeError("tensord: make tensors with torch.tensor(...) "
                            "or a factory such as torch.zeros(...)")
        return legacy_new(None, "Tensor", args, kwargs)

    def __init__(self, *args, **kwargs):
        pass

    def _i(self, fresh=False):
        """The tensor's info (defined, handle, dtype, shape, requires_grad,
        is_leaf, grad_fn, has_grad, version)."""
        self._engine.probe(self, fresh=fresh)
        return self._info

    def _v(self):
        """(dtype, shape, bytes) of the value now."""
        self._engine.probe(self, value=True)
        return self._value

    def _op(self, op, *args, **kwargs):
        schema = self._engine.schemas.get(op)
        order = schema.get("python_order") if schema else None
        if order and order[0] != "self" and "self" in order:
            # torch.polygamma(n, x) but x.polygamma(n): the receiver is
            # self, the positionals fill the other names in order.
            rest = [n for n in order if n != "self"]
            if len(args) > len(rest):
                raise TypeError("%s() takes %d positional arguments but %d "
                                "were given" % (op, len(rest), len(args)))
            kwargs = dict(kwargs, self=self)
            for name, v in zip(rest, args):
                if name in kwargs:
                    raise TypeError("%s() got multiple values for argument "
                                    "'%s'" % (op, name))
                kwargs[name] = v
            return _ops.call(op, (), kwargs, self._engine)
        return _ops.call(op, (self,) + args, kwargs, self._engine)

    # -------------------------------------------------------- attributes

    @property
    def shape(self):
        return _dtypes.Size(self._i()[3])

    def size(self, dim=None):
        shape = self._i()[3]
        if dim is None:
            return _dtypes.Size(shape)
        if not isinstance(dim, builtins.int):
            raise TypeError("size(): argument 'dim' must be int, not %s" %
                            type(dim).__name__)
        n = builtins.max(len(shape), 1)
        if not -n <= dim < n:
            raise IndexError(
                "Dimension out of range (expected to be in range of [%d, %d], "
                "but got %d)" % (-n, n - 1, dim))
        return shape[dim] if shape else 1

    @property
    def dtype(self):
        return _dtypes.BY_WIRE[self._i()[2]]

    @property
    def ndim(self):
        return len(self._i()[3])

    def dim(self):
        return len(self._i()[3])

    ndimension = dim

    def numel(self):
        n = 1
        for d in self._i()[3]:
            n *= d
        return n

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    @property
    def device(self):
        from ._device import CPU
        return CPU

    @property
    def is_cuda(self):
        return False

    @property
    def requires_grad(self):
        return self._i(fresh=True)[4]

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    @property
    def is_leaf(self):
        if _custom_function._outputs and _custom_function.name_of(self):
            return False
        return self._i(fresh=True)[5]

    @property
    def grad_fn(self):
        name = self._i(fresh=True)[6]
        if _custom_function._outputs and not name:
            name = _custom_function.name_of(self)
        return _grad_fn(name) if name else None

    @property
    def grad(self):
        e = self._engine
        known = e.knows_grad(self)
        if known is None and e.has_backward:
            # The request holds a backward: run it now, which also tells
            # which leaves have a .grad (one round trip, not two).
            e.flush()
            known = e.knows_grad(self)
        if known is False:
            return None
        (g,) = e.record("grad", [self], {}, 1, not _grad.is_grad_enabled())
        if known is None and not g._i()[0]:
            return None
        return g

    @grad.setter
    def grad(self, value):
        if value is not None:
            raise RuntimeError("tensord: assigning a tensor to .grad is not "
                               "supported yet")
        self._engine.set_grad_to_none(self)

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, value):
        """t.data = v: the values of v, without autograd. (PyTorch makes t
        share v's storage; here v's values are copied in, which reads the
        same unless v is changed later. `t.data *= 2` assigns t.data its
        own alias back, which this leaves as it is.)"""
        if not isinstance(value, Tensor):
            raise TypeError("Variable data has to be a tensor, but got %s" %
                            type(value).__name__)
        if tuple(value.shape) != tuple(self.shape) or \
                value.dtype != self.dtype:
            raise RuntimeError(
                "tensord: .data can only be assigned a tensor of the same "
                "shape and dtype (got %s %s for %s %s)" % (
                    tuple(value.shape), value.dtype, tuple(self.shape),
                    self.dtype))
        with _grad.no_grad():
            _ops.call("copy_", (self, value), {}, self._engine)

    @property
    def T(self):  # noqa: N802 - torch's name
        return self._op("T")

    def t(self):
        return self._op("t")

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            return "torch.%sTensor" % self.dtype._short
        if isinstance(dtype, LegacyType):  # x.type(torch.LongTensor)
            return self.to(dtype.dtype)
        if isinstance(dtype, str):
            name = dtype
            for d in _dtypes.BY_WIRE.values():
                if name in ("torch.%sTensor" % d._short, "%sTensor" % d._short):
                    return self.to(d)
            raise ValueError("invalid type: '%s'" % name)
        return self.to(dtype)

    # ---------------------------------------------------------- values

    def item(self):
        dtype, shape, data = self._v()
        n = 1
        for d in shape:
            n *= d
        if n != 1:
            raise ValueError(
                "only one element tensors can be converted to Python scalars")
        return _C.unpack(dtype, data)[0]

    def tolist(self):
        dtype, shape, data = self._v()
        return _nest(_C.unpack(dtype, data), list(shape))

    def apply_(self, callable):  # noqa: A002 - torch's name
        """Replaces each element by callable(element), computed in Python
        (as torch's apply_ runs the callable per element on the CPU)."""
        from . import tensor
        dtype, shape, data = self._v()
        values = [callable(v) for v in _C.unpack(dtype, data)]
        new = tensor(values, dtype=self.dtype).reshape(tuple(shape))
        with _grad.no_grad():
            self.copy_(new)
        return self

    def map_(self, tensor, callable):  # noqa: A002 - torch's names
        """self[i] = callable(self[i], tensor[i]), tensor broadcast to
        self's shape."""
        from . import tensor as make
        other = tensor.expand_as(self).contiguous()
        dtype, shape, data = self._v()
        odtype, _, odata = other._v()
        values = [callable(a, b) for a, b in
                  zip(_C.unpack(dtype, data), _C.unpack(odtype, odata))]
        new = make(values, dtype=self.dtype).reshape(tuple(shape))
        with _grad.no_grad():
            self.copy_(new)
        return self

    def numpy(self):
        """The values as an ndarray that stays in step with this tensor
        object's in-place ops (tensord._numpy_bridge)."""
        a = self._numpy_copy()
        from .. import _numpy_bridge
        _numpy_bridge.exported(self, a)
        return a

    def _numpy_copy(self):
        import numpy as np
        if self.requires_grad and _grad.is_grad_enabled():
            raise RuntimeError("Can't call numpy() on Tensor that requires "
                               "grad. Use tensor.detach().numpy() instead.")
        dtype, shape, data = self._v()
        name = _dtypes.BY_WIRE[dtype].name
        if name == "bfloat16":
            raise TypeError("Got unsupported ScalarType BFloat16")
        np_type = {"bool": np.bool_, "int32": np.int32, "int64": np.int64,
                   "float32": np.float32, "float64": np.float64,
                   "complex64": np.complex64, "float16": np.float16,
                   "int8": np.int8, "uint8": np.uint8,
                   "int16": np.int16, "complex128": np.complex128}[name]
        return np.frombuffer(data, dtype=np_type).reshape(shape).copy()

    def __array__(self, dtype=None):
        a = self._numpy_copy()
        return a.astype(dtype) if dtype is not None else a

    def __repr__(self, *, tensor_contents=None):
        dtype, shape, data = self._v()
        info = self._info
        suffixes = []
        custom = _custom_function.name_of(self) if _custom_function._outputs else None
        if custom:
            suffixes.append("grad_fn=<%s>" % custom)
        elif info[6]:
            suffixes.append("grad_fn=<%s>" % info[6])
        elif info[4]:
            suffixes.append("requires_grad=True")
        return _C.format(dtype, list(shape), data, suffixes,
                         **_tensor_str.format_options(shape))

    __str__ = __repr__

    def __format__(self, spec):
        if self.dim() == 0 or (spec and self.numel() == 1):
            return format(self.item(), spec)
        return object.__format__(self, spec) if spec else repr(self)

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError(
                "Boolean value of Tensor with more than one value is "
                "ambiguous")
        return builtins.bool(self.item())

    def __float__(self):
        if self.numel() != 1:
            raise ValueError(
                "only one element tensors can be converted to Python scalars")
        return builtins.float(self.item())

    def __int__(self):
        if self.numel() != 1:
            raise ValueError(
                "only one element tensors can be converted to Python scalars")
        return builtins.int(self.item())

    def __complex__(self):
        return builtins.complex(self.item())

    def __index__(self):
        if self.dtype not in (_dtypes.int32, _dtypes.int64) or \
                self.numel() != 1:
            raise TypeError(
                "only integer tensors of a single element can be converted "
                "to an index")
        return self.item()

    def __len__(self):
        shape = self._i()[3]
        if not shape:
            raise TypeError("len() of a 0-d tensor")
        return shape[0]

    def __iter__(self):
        shape = self._i()[3]
        if not shape:
            raise TypeError("iteration over a 0-d tensor")
        return iter([self._op("select", 0, i) for i in range(shape[0])])

    def __contains__(self, item):
        return builtins.bool((self == item).any()) if "any" in \
            self._engine.schemas else any(
                builtins.bool(x == item) for x in self.flatten().tolist())

    def __getitem__(self, key):
        spec, tensors = _index_spec(key)
        if tensors:
            return _ops.call("index.advanced", ([self] + tensors,),
                             {"index": spec}, self._engine)
        return _ops.call("index", (self,), {"index": spec}, self._engine)

    def __setitem__(self, key, value):
        if not isinstance(value, (Tensor, builtins.bool, builtins.int,
                                  builtins.float)):
            from . import tensor as _tensor_fn
            value = _tensor_fn(value, dtype=self.dtype)
        spec, tensors = _index_spec(key)
        if tensors:
            if not isinstance(value, Tensor):
                from . import tensor as _tensor_fn
                value = _tensor_fn(value, dtype=self.dtype)
            _ops.call("index_put_.advanced", ([self, value] + tensors,),
                      {"index": spec}, self._engine)
        else:
            _ops.call("index_put_", (self, value), {"index": spec},
                      self._engine)

    def index_put_(self, indices, values, accumulate=False):
        if not isinstance(indices, (tuple, list)) or not all(
                isinstance(i, Tensor) for i in indices):
            raise TypeError(
                "index_put_(): argument 'indices' must be tuple of Tensors")
        if not isinstance(values, Tensor):
            raise TypeError("index_put_(): argument 'values' must be Tensor")
        _ops.call("index_put_.advanced", ([self, values] + list(indices),),
                  {"index": ", ".join("@" for _ in indices),
                   "accumulate": builtins.bool(accumulate)}, self._engine)
        return self

    def index_put(self, indices, values, accumulate=False):
        return self.clone().index_put_(indices, values, accumulate)

    # --------------------------------------------------------- autograd

    def backward(self, gradient=None, retain_graph=None, create_graph=False,
                 inputs=None):
        if inputs is not None:
            raise NotImplementedError(
                "tensord: backward(inputs=...) is not supported yet; use "
                "torch.autograd.grad(outputs, inputs)")
        if retain_graph is None:
            retain_graph = create_graph
        from . import _hooks
        fixups = _hooks.run_before([self], [gradient], self._engine,
                                   retain_graph)
        args = (self,) if gradient is None else (self, gradient)
        from . import _custom_function
        custom = _custom_function._outputs and _custom_function.reaches(self._engine)
        if custom and create_graph:
            raise NotImplementedError(
                "tensord: backward(create_graph=True) while outputs of a "
                "custom autograd.Function are alive is not supported")
        _ops.call("backward", args,
                  {"retain_graph": builtins.bool(retain_graph),
                   "create_graph": builtins.bool(create_graph)}, self._engine)
        _hooks.run_after(fixups)
        if custom:
            _custom_function.run_pending(self._engine, retain_graph)

    def requires_grad_(self, requires_grad=True):
        return _ops.call("requires_grad_", (self,),
                         {"requires_grad": requires_grad}, self._engine)

    def retain_grad(self):
        _ops.call("retain_grad", (self,), {}, self._engine)
        _retaining[id(self)] = self

    @property
    def retains_grad(self):
        """True for a non-leaf whose retain_grad() was called (a leaf's
        .grad is kept anyway: False, as in torch)."""
        return _retaining.get(id(self)) is self and not self.is_leaf

    def detach(self):
        return self._op("detach")

    def __deepcopy__(self, memo):
        """copy.deepcopy: a new leaf with the same values (and the same
        requires_grad), as torch copies leaves."""
        if id(self) in memo:
            return memo[id(self)]
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) "
                "support the deepcopy protocol at the moment")
        with _grad.no_grad():
            new = self.clone()
        if self.requires_grad:
            new = new.requires_grad_(True)
        memo[id(self)] = new
        return new

    def detach_(self):
        """In place: this Python object becomes the detached tensor (same
        storage, no grad_fn, not requiring grad)."""
        import weakref
        e = self._engine
        (d,) = e.record("detach", [self], {}, 1, not _grad.is_grad_enabled())
        if self._handle:
            # The old handle stays alive until the request that reads it
            # has run; then it is released like any dropped tensor.
            old = Tensor._pending(e, -1, 0)
            old._handle = self._handle
            e.holds.append(old)
        e.pending = [x for x in e.pending if x[0]() is not self]
        d._probe = True
        e.holds.append(d)
        self._node, self._out, self._handle = d._node, d._out, ""
        self._info, self._info_epoch = None, -1
        self._value, self._value_epoch = None, -1
        e.pending.append((weakref.ref(self), self._node, self._out))
        e.statement_op_done()
        return self

    # ------------------------------------------------------ conversions

    def to(self, *args, **kwargs):
        dtype = kwargs.pop("dtype", None)
        for a in args:
            if isinstance(a, _dtypes.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            else:
                _check_device(a)
        _check_device(kwargs.pop("device", None))
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        if dtype is None:
            return self
        return _ops.call("to", (self,), {"dtype": dtype}, self._engine)

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        raise AssertionError("Torch not compiled with CUDA enabled")

    def get_device(self):
        return -1

    def is_pinned(self, device=None):
        return False

    @property
    def is_sparse(self):
        return False

    @property
    def is_quantized(self):
        return False

    @property
    def is_meta(self):
        return False

    @property
    def is_mps(self):
        return False

    def absolute(self):
        return self.abs()

    def absolute_(self):
        return self.abs_()

    def negative(self):
        return self.neg()

    def negative_(self):
        return self.neg_()

    def positive(self):
        return self

    def fix(self):
        return self.trunc()

    def fix_(self):
        return self.trunc_()

    def subtract(self, other, *, alpha=1):
        return self.sub(other, alpha=alpha)

    def subtract_(self, other, *, alpha=1):
        return self.sub_(other, alpha=alpha)

    def ger(self, vec2):
        return self.outer(vec2)

    def vdot(self, other):
        return self.dot(other)

    def float_power(self, exponent):
        from . import float64
        if isinstance(exponent, Tensor):
            exponent = exponent.to(float64)
        return self.to(float64).pow(exponent)

    def is_nonzero(self):
        if self.numel() == 0:
            raise RuntimeError("Boolean value of Tensor with no values is "
                               "ambiguous")
        if self.numel() > 1:
            raise RuntimeError("Boolean value of Tensor with more than one "
                               "value is ambiguous")
        return bool(self.item())

    def is_signed(self):
        return self.dtype.is_signed

    def is_same_size(self, other):
        return tuple(self.shape) == tuple(other.shape)

    def ravel(self):
        return self.reshape(-1)

    def hsplit(self, sections):
        return self.tensor_split(sections, 1 if self.dim() > 1 else 0)

    def vsplit(self, sections):
        return self.tensor_split(sections, 0)

    def float(self):
        return self.to(_dtypes.float32)

    def double(self):
        return self.to(_dtypes.float64)

    def int(self):
        return self.to(_dtypes.int32)

    def long(self):
        return self.to(_dtypes.int64)

    def bool(self):
        return self.to(_dtypes.bool)

    def cfloat(self):
        return self.to(_dtypes.complex64)

    def cdouble(self):
        return self.to(_dtypes.complex128)

    def half(self):
        return self.to(_dtypes.float16)

    def bfloat16(self):
        return self.to(_dtypes.bfloat16)

    def byte(self):
        return self.to(_dtypes.uint8)

    def char(self):
        return self.to(_dtypes.int8)

    def short(self):
        return self.to(_dtypes.int16)

    def type_as(self, other):
        return self.to(other.dtype)

    def cpu(self):
        return self

    def view_as(self, other):
        return self._op("view", tuple(other.shape))

    def reshape_as(self, other):
        return self._op("reshape", tuple(other.shape))

    def expand_as(self, other):
        return self._op("expand", tuple(other.shape))

    def max(self, *args, **kwargs):
        from . import max as _max
        return _max(self, *args, **kwargs)

    def min(self, *args, **kwargs):
        from . import min as _min
        return _min(self, *args, **kwargs)

    def median(self, *args, **kwargs):
        from . import median as _median
        return _median(self, *args, **kwargs)

    def nanmedian(self, *args, **kwargs):
        from . import nanmedian as _nanmedian
        return _nanmedian(self, *args, **kwargs)

    def __lshift__(self, o):
        return _ops.call("bitwise_left_shift", (self, o), {}, self._engine)

    def __rlshift__(self, o):
        return _ops.call("bitwise_left_shift", (o, self), {}, self._engine)

    def __rshift__(self, o):
        return _ops.call("bitwise_right_shift", (self, o), {}, self._engine)

    def __rrshift__(self, o):
        return _ops.call("bitwise_right_shift", (o, self), {}, self._engine)

    def __ilshift__(self, o):
        return _ops.call("bitwise_left_shift_", (self, o), {}, self._engine)

    def __irshift__(self, o):
        return _ops.call("bitwise_right_shift_", (self, o), {}, self._engine)

    @property
    def mT(self):  # noqa: N802 - torch's name
        return self._op("transpose", -2, -1)

    @property
    def mH(self):  # noqa: N802
        return self._op("transpose", -2, -1)._op("conj")

    @property
    def H(self):  # noqa: N802
        if self.dim() not in (0, 2):
            raise RuntimeError(
                "tensor.H is only supported on matrices (2-D tensors). Got "
                "%d-D tensor." % self.dim())
        return self.mH if self.dim() == 2 else self

    @property
    def layout(self):
        from . import strided
        return strided

    @property
    def names(self):
        return (None,) * self.dim()

    def is_pinned(self):
        return False

    def share_memory_(self):
        """A no-op here (the tensor lives on the server); is_shared() then
        answers True, as torch's does."""
        _shared.add(id(self))
        return self

    def is_shared(self):
        return id(self) in _shared

    # .real and .imag are copies here, not views (README, known limitations):
    # assigning to x.real[...] does not change x.
    @property
    def real(self):
        return self._op("real")

    @property
    def imag(self):
        return self._op("imag")

    def is_conj(self):
        return False

    def resolve_conj(self):
        return self

    def is_neg(self):
        return False

    def hardshrink(self, lambd=0.5):
        from .nn import functional
        return functional.hardshrink(self, lambd)

    def prelu(self, weight):
        from .nn import functional
        return functional.prelu(self, weight)

    def resolve_neg(self):
        return self

    def is_inference(self):
        return False

    @property
    def is_cpu(self):
        return True

    def register_hook(self, hook):
        from . import _hooks
        return _hooks.register(self, hook)

    def random_(self, *args, generator=None, **kwargs):
        """random_(), random_(to), random_(from, to): as torch, whose
        one-argument form is `to`."""
        if len(args) == 1 and "to" not in kwargs and "from" not in kwargs:
            kwargs["to"] = args[0]
            args = ()
        return _ops.call("random_", (self,) + tuple(args),
                         dict(kwargs, generator=generator))

    def renorm(self, p, dim, maxnorm):
        from . import renorm
        return renorm(self, p, dim, maxnorm)

    def renorm_(self, p, dim, maxnorm):
        from . import renorm
        return self.copy_(renorm(self, p, dim, maxnorm))

    def new_tensor(self, data, dtype=None, requires_grad=False):
        from . import tensor as _tensor_fn
        return _tensor_fn(data, dtype=dtype or self.dtype,
                          requires_grad=requires_grad)

    def unique(self, sorted=True, return_inverse=False,  # noqa: A002
               return_counts=False, dim=None):
        from . import unique as _unique
        return _unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False,
                           dim=None):
        from . import unique_consecutive as _uc
        return _uc(self, return_inverse, return_counts, dim)

    def argwhere(self):
        return self._op("nonzero")

    def tensor_split(self, indices_or_sections, dim=0):
        from . import tensor_split as _ts
        return _ts(self, indices_or_sections, dim)

    def split(self, split_size, dim=0):
        from . import split as _split
        return _split(self, split_size, dim)

    def nonzero(self, *, as_tuple=False):
        from . import nonzero as _nonzero
        return _nonzero(self, as_tuple=as_tuple)

    def type_as(self, other):
        return self._op("to", other.dtype)

    def where(self, condition, other=_MISSING):
        """x.where(condition, y) is torch.where(condition, x, y)."""
        if other is _MISSING:
            raise TypeError('where() missing 1 required positional '
                            'arguments: "other"')
        if not isinstance(other, Tensor):
            raise TypeError("where(): argument 'other' (position 2) must be "
                            "Tensor, not %s" % _ops._type_name(other))
        return _ops.call("where", (condition, self, other), {}, self._engine)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(
                "'Tensor' object has no attribute '%s'" % name)
        schemas = object.__getattribute__(self, "_engine").schemas
        schema = schemas.get(name)
        if schema is None or name in ("alias", "index", "index_put_",
                                      "manual_seed", "grad") or \
                not (schema["inputs"] or schema["variadic"]):
            raise AttributeError(
                "'Tensor' object has no attribute '%s'" % name)

        def method(*args, **kwargs):
            return self._op(name, *args, **kwargs)
        method.__name__ = name
        return method

    # -------------------------------------------------------- operators

    def __add__(self, o):
        return _ops.call("add", (self, o), {}, self._engine)

    def __radd__(self, o):
        return _ops.call("add", (o, self), {}, self._engine)

    def __iadd__(self, o):
        return _ops.call("add_", (self, o), {}, self._engine)

    def __sub__(self, o):
        return _ops.call("sub", (self, o), {}, self._engine)

    def __rsub__(self, o):
        return _ops.call("sub", (o, self), {}, self._engine)

    def __isub__(self, o):
        return _ops.call("sub_", (self, o), {}, self._engine)

    def __mul__(self, o):
        return _ops.call("mul", (self, o), {}, self._engine)

    def __rmul__(self, o):
        return _ops.call("mul", (o, self), {}, self._engine)

    def __imul__(self, o):
        return _ops.call("mul_", (self, o), {}, self._engine)

    def __truediv__(self, o):
        return _ops.call("div", (self, o), {}, self._engine)

    def __rtruediv__(self, o):
        # torch's Tensor.__rdiv__: self.reciprocal() * other (a product,
        # MulBackward0, whose rounding can differ from other / self's)
        o = _ops.unnumpy(o)
        if isinstance(o, (int, float)) and not isinstance(o, bool):
            return self.reciprocal() * o
        return _ops.call("div", (o, self), {}, self._engine)

    def __itruediv__(self, o):
        return _ops.call("div_", (self, o), {}, self._engine)

    def __pow__(self, o):
        return _ops.call("pow", (self, o), {}, self._engine)

    def __rpow__(self, o):
        return _ops.call("pow", (o, self), {}, self._engine)

    def __mod__(self, o):
        return _ops.call("remainder", (self, o), {}, self._engine)

    def __rmod__(self, o):
        return _ops.call("remainder", (o, self), {}, self._engine)

    def __floordiv__(self, o):
        return _ops.call("floor_divide", (self, o), {}, self._engine)

    def __rfloordiv__(self, o):
        return _ops.call("floor_divide", (o, self), {}, self._engine)

    def __and__(self, o):
        return _ops.call("bitwise_and", (self, o), {}, self._engine)

    def __rand__(self, o):
        return _ops.call("bitwise_and", (o, self), {}, self._engine)

    def __or__(self, o):
        return _ops.call("bitwise_or", (self, o), {}, self._engine)

    def __ror__(self, o):
        return _ops.call("bitwise_or", (o, self), {}, self._engine)

    def __xor__(self, o):
        return _ops.call("bitwise_xor", (self, o), {}, self._engine)

    def __rxor__(self, o):
        return _ops.call("bitwise_xor", (o, self), {}, self._engine)

    def __invert__(self):
        return self._op("bitwise_not")

    def __matmul__(self, o):
        return _ops.call("matmul", (self, o), {}, self._engine)

    def __rmatmul__(self, o):
        return _ops.call("matmul", (o, self), {}, self._engine)

    def __neg__(self):
        return self._op("neg")

    def __pos__(self):
        return self

    def __abs__(self):
        return self._op("abs")

    def __eq__(self, o):
        o = _ops.unnumpy(o)
        if not isinstance(o, (Tensor, builtins.bool, builtins.int,
                              builtins.float)):
            return NotImplemented
        return _ops.call("eq", (self, o), {}, self._engine)

    def __ne__(self, o):
        o = _ops.unnumpy(o)
        if not isinstance(o, (Tensor, builtins.bool, builtins.int,
                              builtins.float)):
            return NotImplemented
        return _ops.call("ne", (self, o), {}, self._engine)

    def __lt__(self, o):
        return _ops.call("lt", (self, o), {}, self._engine)

    def __le__(self, o):
        return _ops.call("le", (self, o), {}, self._engine)

    def __gt__(self, o):
        return _ops.call("gt", (self, o), {}, self._engine)

    def __ge__(self, o):
        return _ops.call("ge", (self, o), {}, self._engine)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        """The result of a NumPy ufunc on a tensor and an array (x +
        np.ones(2)): a tensor, as torch's __array_wrap__ makes it (a bool
        result as uint8)."""
        from . import _from_numpy_copy
        if array.dtype == bool:
            array = array.astype("uint8")
        return _from_numpy_copy(array)


def _defer_to_ndarray(method):
    """A binary operator that leaves a NumPy array operand to NumPy, as
    torch's do: x + np.ones(2) is NumPy's sum (in NumPy's dtype), wrapped
    as a tensor; x < np.ones(2) is a TypeError."""
    def op(self, o):
        if type(o).__module__ == "numpy" and type(o).__name__ == "ndarray":
            return NotImplemented
        return method(self, o)
    op.__name__ = op.__qualname__ = method.__name__
    return op


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
              "matmul", "and", "or", "xor", "lshift", "rshift"):
    for _form in ("__%s__", "__r%s__", "__i%s__"):
        _m = Tensor.__dict__.get(_form % _name)
        if _m is not None:
            setattr(Tensor, _form % _name, _defer_to_ndarray(_m))
for _name in ("eq", "ne", "lt", "le", "gt", "ge"):
    setattr(Tensor, "__%s__" % _name,
            _defer_to_ndarray(Tensor.__dict__["__%s__" % _name]))

# type(x) prints <class 'torch.Tensor'>, as under PyTorch: scripts that show
# types print the same thing.
Tensor.__module__ = "torch"


class LegacyType(type):
    """The type of torch.FloatTensor, torch.LongTensor, ...: calling one
    makes a tensor of its dtype (as torch.Tensor(...) does in the default
    dtype), and isinstance(x, torch.FloatTensor) is x's dtype being
    float32."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __subclasscheck__(cls, sub):
        return sub is cls

    def __call__(cls, *args, **kwargs):
        return legacy_new(cls.dtype, cls.__name__, args, kwargs)


LegacyType.__name__ = LegacyType.__qualname__ = "tensortype"
LegacyType.__module__ = "torch"


def legacy_type(dt, name):
    return LegacyType(name, (), {"dtype": dt, "__module__": "torch",
                                 "__slots__": ()})


def legacy_new(dt, name, args, kwargs):
    """torch.Tensor(...) (dt None: the default dtype) and
    torch.FloatTensor(...) etc.: () is empty, ints or a torch.Size a shape
    (uninitialized), a tensor itself, else data as torch.tensor takes it."""
    from . import tensor, empty
    bad = [k for k in kwargs if k != "device"]
    if bad:
        raise TypeError(
            "new() received an invalid combination of arguments - got (%s),"
            " but expected one of:\n"
            " * (*, torch.device device)\n"
            "      didn't match because some of the keywords were incorrect:"
            " %s\n"
            " * (torch.Storage storage)\n"
            " * (Tensor other)\n"
            " * (tuple of ints size, *, torch.device device)\n"
            " * (object data, *, torch.device device)\n" % (
                ", ".join([_parser_type(a) for a in args] +
                          ["%s=%s" % (k, _parser_type(v))
                           for k, v in kwargs.items()]), ", ".join(bad)))
    _check_device(kwargs.get("device"))
    typed = dt is not None
    dt = dt or _dtypes.default_dtype()
    if not args:
        return empty(0, dtype=dt)
    if len(args) == 1 and isinstance(args[0], _dtypes.Size):
        return empty(list(args[0]), dtype=dt)
    args = [_ops.unnumpy(a) for a in args]
    if all(isinstance(a, builtins.int) and not isinstance(a, builtins.bool)
           for a in args):
        return empty(list(args), dtype=dt)
    if len(args) > 1:
        raise TypeError("new() received an invalid combination of arguments"
                        " - got (%s)" % ", ".join(type(a).__name__
                                                  for a in args))
    data = args[0]
    if isinstance(data, Tensor):
        if typed and data.dtype is not dt:
            raise TypeError("expected %s (got %s)" % (
                _options_text(dt), _options_text(data.dtype)))
        return data.detach()
    if isinstance(data, (builtins.bool, builtins.int, builtins.float,
                         builtins.complex, str)):
        raise TypeError("new(): data must be a sequence (got %s)" %
                        type(data).__name__)
    return tensor(data, dtype=dt)


def _parser_type(v):
    """A value's type as torch's argument parser names it in errors."""
    if isinstance(v, Tensor):
        return "Tensor"
    if isinstance(v, _dtypes.dtype):
        return "torch.dtype"
    t = type(v)
    return t.__name__ if t.__module__ == "builtins" else "%s.%s" % (
        t.__module__, t.__name__)


def _options_text(dt):
    """c10's TensorOptions as printed in a legacy constructor's error."""
    return ("TensorOptions(dtype=%s, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))" % _dtypes.cpp_name(dt))
