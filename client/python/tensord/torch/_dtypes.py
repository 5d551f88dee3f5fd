"""dtypes (from the one list of the core, through _C) and torch.Size."""
import builtins as _b

from .. import _C


class dtype:
    """A tensor element type, e.g. torch.float32."""
    __slots__ = ("name", "_wire", "itemsize", "is_floating_point",
                 "is_complex", "is_signed", "_short")

    def __init__(self, name, wire, itemsize, floating, complex_, signed,
                 short):
        self.name = name
        self._wire = wire
        self.itemsize = itemsize
        self.is_floating_point = floating
        self.is_complex = complex_
        self.is_signed = signed
        self._short = short

    def __repr__(self):
        return "torch." + self.name

    __str__ = __repr__

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return float32 if self is complex64 else self


_BY_NAME = {}
BY_WIRE = {}
for _t in _C.dtypes():
    _d = dtype(*_t)
    _BY_NAME[_d.name] = _d
    BY_WIRE[_d._wire] = _d


def _by_name(name):
    return _BY_NAME[name]


bool = _BY_NAME["bool"]  # noqa: A001 - torch's name
int32 = _BY_NAME["int32"]
int64 = _BY_NAME["int64"]
float32 = _BY_NAME["float32"]
float64 = _BY_NAME["float64"]
complex64 = _BY_NAME["complex64"]
# torch's aliases
int = int32  # noqa: A001
long = int64
float = float32  # noqa: A001
double = float64
cfloat = complex64

ALIASES = {"bool": bool, "int32": int32, "int": int32, "int64": int64,
           "long": int64, "float32": float32, "float": float32,
           "float64": float64, "double": float64, "complex64": complex64,
           "cfloat": complex64}


class Size(tuple):
    """torch.Size: a tuple of dims."""

    def __new__(cls, dims=()):
        dims = tuple(dims)
        for i, d in enumerate(dims):
            if not isinstance(d, _b.int):
                raise TypeError(
                    "torch.Size() takes an iterable of 'int' (item %d is '%s')"
                    % (i, type(d).__name__))
        return super().__new__(cls, dims)

    def __repr__(self):
        return "torch.Size([%s])" % ", ".join(repr(d) for d in self)

    __str__ = __repr__

    def numel(self):
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, i):
        r = super().__getitem__(i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


class LazySize:
    """The shape of a tensor not yet run: a torch.Size once anything looks
    at it. (`print(a.shape, b.shape)` then costs one round trip, not one
    per shape: both tensors run together when the first shape is shown.)"""
    __slots__ = ("_t", "_size")

    def __init__(self, t):
        self._t = t
        self._size = None

    def _s(self):
        if self._size is None:
            self._size = Size(self._t._i()[3])
            self._t = None
        return self._size

    def __repr__(self):
        return repr(self._s())

    __str__ = __repr__

    def __iter__(self):
        return iter(self._s())

    def __len__(self):
        return len(self._s())

    def __getitem__(self, i):
        return self._s()[i]

    def __eq__(self, o):
        return self._s() == (o._s() if isinstance(o, LazySize) else o)

    def __ne__(self, o):
        return not self == o

    def __hash__(self):
        return hash(self._s())

    def __add__(self, o):
        return self._s() + o

    def __radd__(self, o):
        return tuple(o) + self._s()

    def __contains__(self, x):
        return x in self._s()

    def __bool__(self):
        return _b.bool(self._s())

    def __reduce__(self):
        return (Size, (tuple(self._s()),))

    def numel(self):
        return self._s().numel()

    def index(self, *a):
        return self._s().index(*a)

    def count(self, x):
        return self._s().count(x)
