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
        return (float32 if self is complex64 else float64
                if self is complex128 else self)

    def to_complex(self):
        """The complex dtype whose parts are this dtype (complex128 for
        float64, complex64 for the other floats)."""
        if self.is_complex:
            return self
        return complex128 if self is float64 else complex64


# type(torch.float32) prints <class 'torch.dtype'>, as under PyTorch.
dtype.__module__ = "torch"

# c10's names of a dtype in error messages: its ScalarType (Float) and its
# C++ type (float).
SCALAR_TYPE_NAMES = {
    "bool": ("Bool", "bool"), "int32": ("Int", "int"),
    "int64": ("Long", "long int"), "float32": ("Float", "float"),
    "float64": ("Double", "double"),
    "complex64": ("ComplexFloat", "c10::complex<float>"),
    "complex128": ("ComplexDouble", "c10::complex<double>"),
    "float16": ("Half", "c10::Half"),
    "bfloat16": ("BFloat16", "c10::BFloat16"),
    "int8": ("Char", "signed char"), "uint8": ("Byte", "unsigned char"),
    "int16": ("Short", "short int")}


def scalar_type_name(d):
    return SCALAR_TYPE_NAMES[d.name][0]


def cpp_name(d):
    return SCALAR_TYPE_NAMES[d.name][1]


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
float16 = _BY_NAME["float16"]
bfloat16 = _BY_NAME["bfloat16"]
int8 = _BY_NAME["int8"]
uint8 = _BY_NAME["uint8"]
int16 = _BY_NAME["int16"]
complex128 = _BY_NAME["complex128"]
# torch's aliases
half = float16
short = int16
int = int32  # noqa: A001
long = int64
float = float32  # noqa: A001
double = float64
cfloat = complex64
cdouble = complex128

# torch.get_default_dtype(): float32 or float64 (set_default_dtype). Each
# recorded op carries it (OpNode.default_dtype), so the server makes floats
# in it; printing leaves it out.
_default = [None]


def default_dtype():
    return _default[0] or float32


ALIASES = {"bool": bool, "int32": int32, "int": int32, "int64": int64,
           "long": int64, "float32": float32, "float": float32,
           "float64": float64, "double": float64, "complex64": complex64,
           "cfloat": complex64, "float16": float16, "half": float16,
           "bfloat16": bfloat16, "int8": int8, "uint8": uint8,
           "int16": int16, "short": int16, "complex128": complex128,
           "cdouble": complex128}


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
        if not isinstance(other, tuple):
            return tuple.__add__(self, other)  # tuple's TypeError
        return Size(tuple(self) + tuple(other))

    def __mul__(self, n):
        r = tuple.__mul__(self, n)
        return r if r is NotImplemented else Size(r)

    __rmul__ = __mul__


Size.__module__ = "torch"


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


# ---------------------------------------------------------------- promotion

def _category(dt):
    if dt is None:
        return -1
    if dt.is_complex:
        return 3
    if dt.is_floating_point:
        return 2
    if dt is bool:
        return 0
    return 1


def promote_types(type1, type2):
    """torch.promote_types: the smallest dtype both convert to."""
    for t in (type1, type2):
        if not isinstance(t, dtype):
            raise TypeError("promote_types(): argument 'type1' must be "
                            "torch.dtype, not %s" % type(t).__name__)
    c1, c2 = _category(type1), _category(type2)
    if c1 != c2:
        hi, lo = (type1, type2) if c1 > c2 else (type2, type1)
        if hi is complex64 and lo is float64:
            return complex128
        return hi
    if type1 is type2:
        return type1
    if {type1, type2} == {float16, bfloat16}:
        return float32
    if {type1, type2} == {int8, uint8}:
        return int16
    return type1 if type1.itemsize >= type2.itemsize else type2


def _combine(higher, lower):
    # torch's combine_categories (c10/core/ScalarType.h)
    if higher is not None and higher.is_complex:
        return higher
    if lower is not None and lower.is_complex:
        if higher is not None and higher.is_floating_point:
            return higher.to_complex()
        return lower
    if higher is not None and higher.is_floating_point:
        return higher
    if higher is bool or (lower is not None and lower.is_floating_point):
        if higher is None:
            return lower
        if lower is None:
            return higher
        return promote_types(higher, lower)
    if higher is not None:
        return higher
    return lower


def result_type(tensor1, tensor2):
    """torch.result_type: the dtype of an op's result for these operands
    (tensors with dims rank above 0-dim tensors, which rank above Python
    numbers, within a category)."""
    states = [None, None, None]  # dim tensors, 0-dim tensors, numbers
    for v in (tensor1, tensor2):
        if hasattr(v, "dtype") and hasattr(v, "dim"):
            k, dt = (0 if v.dim() > 0 else 1), v.dtype
        elif isinstance(v, _b.bool):
            k, dt = 2, bool
        elif isinstance(v, _b.int):
            k, dt = 2, int64
        elif isinstance(v, _b.float):
            k, dt = 2, float32
        elif isinstance(v, _b.complex):
            k, dt = 2, default_dtype().to_complex()
        else:
            raise TypeError("result_type(): argument must be Tensor or "
                            "Number, not %s" % type(v).__name__)
        states[k] = dt if states[k] is None else promote_types(states[k], dt)
    return _combine(states[0], _combine(states[1], states[2]))


def can_cast(from_, to):
    """torch.can_cast: casting allowed under torch's rules (no complex to
    real, no float to integer, nothing but bool to bool)."""
    if from_.is_complex and not to.is_complex:
        return False
    if from_.is_floating_point and not (to.is_floating_point or to.is_complex):
        return False
    if from_ is not bool and to is bool:
        return False
    return True


class finfo:
    """torch.finfo: the limits of a floating dtype."""
    _DATA = {
        "float32": (32, 1.1920928955078125e-07, 3.4028234663852886e+38,
                    1.1754943508222875e-38, 1e-06),
        "float64": (64, 2.220446049250313e-16, 1.7976931348623157e+308,
                    2.2250738585072014e-308, 1e-15),
        "float16": (16, 0.0009765625, 65504.0, 6.103515625e-05, 0.001),
        "bfloat16": (16, 0.0078125, 3.3895313892515355e+38,
                     1.1754943508222875e-38, 0.01),
    }

    def __init__(self, type=None):  # noqa: A002 - torch's name
        t = float32 if type is None else type
        if t.is_complex:
            t = t.to_real()
        if not isinstance(t, dtype) or not t.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input "
                            "type. Use torch.iinfo to handle 'torch.finfo'")
        (self.bits, self.eps, self.max, self.tiny,
         self.resolution) = self._DATA[t.name]
        self.min = -self.max
        self.smallest_normal = self.tiny
        self.dtype = t.name

    def __repr__(self):
        return ("finfo(resolution=%g, min=%g, max=%g, eps=%g, "
                "smallest_normal=%g, tiny=%g, dtype=%s)" % (
                    self.resolution, self.min, self.max, self.eps,
                    self.smallest_normal, self.tiny, self.dtype))


class iinfo:
    """torch.iinfo: the limits of an integer dtype."""

    def __init__(self, type):  # noqa: A002 - torch's name
        if not isinstance(type, dtype) or type.is_floating_point or \
                type.is_complex or type is bool:
            raise TypeError("torch.iinfo() requires an integer input type. "
                            "Use torch.finfo to handle 'torch.iinfo'")
        self.bits = type.itemsize * 8
        if type.is_signed:
            self.max = (1 << (self.bits - 1)) - 1
            self.min = -(1 << (self.bits - 1))
        else:
            self.max, self.min = (1 << self.bits) - 1, 0
        self.dtype = type.name

    def __repr__(self):
        return "iinfo(min=%g, max=%g, dtype=%s)" % (self.min, self.max,
                                                     self.dtype)


finfo.__module__ = iinfo.__module__ = "torch"
