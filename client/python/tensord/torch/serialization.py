"""torch.save and torch.load in PyTorch 1.13's file format, with only the
standard library.

    torch.save({"w": w, "step": 3}, "ckpt.pt")   # PyTorch loads it
    state = torch.load("ckpt.pt")                # also a file PyTorch wrote

The format (torch/serialization.py's _save/_load): a zip archive (stored,
not compressed) whose records sit under one folder (the file's base name
without extension, "archive" for a file object):

    NAME/data.pkl   the object, pickled with protocol 2; each tensor is
                    torch._utils._rebuild_tensor_v2(storage, offset, size,
                    stride, requires_grad, OrderedDict()), its storage a
                    persistent id ('storage', torch.FloatStorage, key,
                    'cpu', numel)
    NAME/data/KEY   the storage's elements, raw little-endian
    NAME/version    b"3\\n"

(1.13 writes no byteorder record; later PyTorch versions add one and read
files without it as little-endian.)

What saves: tensors, None, bools, ints, floats, strings, torch.Size,
dtypes, and lists, tuples, dicts and OrderedDicts of those (state_dicts,
optimizer states, checkpoints). Each tensor is saved with its own
contiguous storage (its values, as t.contiguous() holds them): two views of
one storage become two storages, and the same tensor object twice is
pickled once and loads as one object, as in PyTorch.

What loads: the same, from files PyTorch or tensord wrote, through a
restricted unpickler of our own. It knows only the opcodes those files use
and only the globals torch.load(weights_only=True) allows (the tensor
rebuild functions, storage types, dtypes, torch.Size, OrderedDict); any
other global (os.system, builtins.eval, ...) raises pickle.UnpicklingError
naming it, and nothing in the file is ever called or imported. Every size
is checked against the archive (a storage must hold exactly numel
elements, a tensor must lie inside its storage) before anything is
allocated or uploaded, so a truncated or forged file raises an error.
Tensors are uploaded to the current session; map_location may be None,
'cpu' or a dict mapping locations to 'cpu'. Views of one storage in the
file load as separate tensors (values equal, storage not shared).
"""
import builtins
import collections
import io
import os
import pickle
import struct
import zipfile

from .. import _session
from . import _dtypes
from . import _grad

__all__ = ["save", "load"]

DEFAULT_PROTOCOL = 2
_FORMAT_VERSION = b"3\n"
_MAX_FORMAT_VERSION = 10  # PyTorch 1.13 reads versions 1..10
_MAX_RANK = 16
_MAX_PICKLE_BYTES = 1 << 30

# torch.<Name>Storage <-> dtype, for the dtypes tensord has.
_STORAGE_OF = {
    "float32": "FloatStorage", "float64": "DoubleStorage",
    "int32": "IntStorage", "int64": "LongStorage", "bool": "BoolStorage",
    "complex64": "ComplexFloatStorage", "float16": "HalfStorage",
    "bfloat16": "BFloat16Storage", "uint8": "ByteStorage",
    "int8": "CharStorage", "int16": "ShortStorage",
    "complex128": "ComplexDoubleStorage",
}
_DTYPE_OF_STORAGE = {v: k for k, v in _STORAGE_OF.items()}
# Storage types PyTorch writes that tensord has no dtype for.
_FOREIGN_STORAGES = {
    "ComplexHalfStorage": "complex32",
    "QInt8Storage": "qint8", "QUInt8Storage": "quint8",
    "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4", "UntypedStorage": "uint8",
}
_FOREIGN_DTYPES = ("complex32",)


def _tensor_class():
    from ._tensor import Tensor
    return Tensor


def _contiguous_strides(shape):
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= builtins.max(d, 1)
    return tuple(reversed(strides))


# ------------------------------------------------------------------- save


class _Pickler:
    """Writes protocol-2 pickles of the types torch.save files hold, the way
    Python's pickle writes them, with tensors as PyTorch writes them."""

    def __init__(self):
        self.out = bytearray()
        self.memo = {}     # id(obj) -> memo index
        self.alive = []    # objects whose ids are in memo
        self.storages = []  # bytes of storage "0", "1", ...

    def dump(self, obj):
        self.out += b"\x80\x02"
        self._save(obj)
        self.out += b"."
        return bytes(self.out)

    def _put(self, obj):
        i = len(self.memo)
        self.memo[id(obj)] = i
        self.alive.append(obj)
        self.out += (b"q" + bytes([i])) if i < 256 else (
            b"r" + struct.pack("<I", i))

    def _get(self, i):
        self.out += (b"h" + bytes([i])) if i < 256 else (
            b"j" + struct.pack("<I", i))

    def _global(self, module, name):
        self.out += b"c" + module.encode() + b"\n" + name.encode() + b"\n"

    def _str(self, s):
        b = s.encode("utf-8", "surrogatepass")
        self.out += b"X" + struct.pack("<I", len(b)) + b

    def _int(self, v):
        if 0 <= v < 256:
            self.out += b"K" + bytes([v])
        elif 0 <= v < 65536:
            self.out += b"M" + struct.pack("<H", v)
        elif -(1 << 31) <= v < (1 << 31):
            self.out += b"J" + struct.pack("<i", v)
        else:
            b = pickle.encode_long(v)
            if len(b) > 255:
                raise OverflowError("tensord: torch.save: int too large")
            self.out += b"\x8a" + bytes([len(b)]) + b

    def _tuple_items(self, items):
        if not items:
            self.out += b")"
            return
        if len(items) > 3:
            self.out += b"("
        for x in items:
            self._save(x)
        self.out += {1: b"\x85", 2: b"\x86", 3: b"\x87"}.get(len(items), b"t")

    def _save(self, obj):
        Tensor = _tensor_class()
        t = type(obj)
        if obj is None:
            self.out += b"N"
        elif t is builtins.bool:
            self.out += b"\x88" if obj else b"\x89"
        elif t is builtins.int:
            self._int(obj)
        elif t is builtins.float:
            self.out += b"G" + struct.pack(">d", obj)
        elif t is str:
            self._str(obj)
        elif id(obj) in self.memo:
            self._get(self.memo[id(obj)])
        elif isinstance(obj, Tensor):
            self._tensor(obj)
        elif isinstance(obj, _dtypes.dtype):
            self._global("torch", obj.name)
            self._put(obj)
        elif t is _dtypes.Size:
            self._global("torch", "Size")
            self._tuple_items([tuple(obj)])
            self.out += b"R"
            self._put(obj)
        elif t is tuple:
            self._tuple_items(list(obj))
            self._put(obj)
        elif t is list:
            self.out += b"]"
            self._put(obj)
            self._batched(obj, b"a", b"e", lambda x: self._save(x))
        elif t is dict or t is collections.OrderedDict:
            if t is dict:
                self.out += b"}"
            else:
                self._global("collections", "OrderedDict")
                self.out += b")R"
            self._put(obj)
            self._batched(list(obj.items()), b"s", b"u", self._item)
            state = getattr(obj, "__dict__", None)
            if state:  # a state_dict's _metadata
                self._save(dict(state))
                self.out += b"b"
        else:
            raise TypeError(
                "tensord: torch.save cannot save an object of type %s "
                "(tensors, numbers, strings, None, torch.Size, dtypes, and "
                "lists, tuples, dicts and OrderedDicts of them save)" %
                t.__name__)

    def _item(self, kv):
        self._save(kv[0])
        self._save(kv[1])

    def _batched(self, items, one, many, save_one):
        for k in range(0, len(items), 1000):
            chunk = items[k:k + 1000]
            if len(chunk) == 1:
                save_one(chunk[0])
                self.out += one
            else:
                self.out += b"("
                for x in chunk:
                    save_one(x)
                self.out += many

    def _tensor(self, t):
        wire, shape, data = t._v()
        dt = _dtypes.BY_WIRE[wire]
        shape = tuple(shape)
        numel = 1
        for d in shape:
            numel *= d
        key = str(len(self.storages))
        self.storages.append(bytes(data))
        self._global("torch._utils", "_rebuild_tensor_v2")
        self.out += b"("
        self._tuple_items_storage(dt, key, numel)
        self.out += b"Q"
        self._int(0)
        self._tuple_items(list(shape))
        self._tuple_items(list(_contiguous_strides(shape)))
        self.out += b"\x88" if t._info[4] else b"\x89"
        self._global("collections", "OrderedDict")
        self.out += b")R"
        self.out += b"tR"
        self._put(t)

    def _tuple_items_storage(self, dt, key, numel):
        self.out += b"("
        self._str("storage")
        self._global("torch", _STORAGE_OF[dt.name])
        self._str(key)
        self._str("cpu")
        self._int(numel)
        self.out += b"t"


def _archive_name(f):
    if isinstance(f, (str, bytes, os.PathLike)):
        base = os.path.basename(os.fsdecode(os.fspath(f)))
        return os.path.splitext(base)[0]
    return "archive"


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True):
    """Writes `obj` to `f` (a path or a binary file object) in PyTorch
    1.13's zip format (see the module doc)."""
    if pickle_module is not None and pickle_module is not pickle:
        raise TypeError("tensord: torch.save writes with its own pickler; "
                        "pickle_module must be None or pickle")
    if not _use_new_zipfile_serialization:
        raise NotImplementedError(
            "tensord: torch.save writes only the zip format "
            "(_use_new_zipfile_serialization=True)")
    p = _Pickler()
    data_pkl = p.dump(obj)
    name = _archive_name(f)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        def record(rel, data):
            info = zipfile.ZipInfo("%s/%s" % (name, rel),
                                   date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)
        record("data.pkl", data_pkl)
        for key in sorted(range(len(p.storages)), key=str):
            record("data/%d" % key, p.storages[key])
        record("version", _FORMAT_VERSION)
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "wb") as out:
            out.write(buf.getvalue())
    else:
        if not hasattr(f, "write"):
            raise AttributeError(
                "'%s' object has no attribute 'write'" % type(f).__name__)
        f.write(buf.getvalue())
        if hasattr(f, "flush"):
            f.flush()


# ------------------------------------------------------------------- load


class _StorageType:
    """What the pickle's torch.FloatStorage (& co.) stands for."""

    def __init__(self, name):
        self.name = name
        dt = _DTYPE_OF_STORAGE.get(name)
        self.dtype = _dtypes.ALIASES.get(dt) if dt else None

    def __repr__(self):
        return "torch.%s" % self.name


class _Storage:
    """A storage read from the archive: dtype and its raw bytes."""
    __slots__ = ("dtype", "data", "numel")

    def __init__(self, dtype, data, numel):
        self.dtype = dtype
        self.data = data
        self.numel = numel


def _unsupported_dtype(name):
    return pickle.UnpicklingError(
        "tensord: torch.load: the file holds a torch.%s tensor; tensord has "
        "bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, "
        "float64, complex64 and complex128 (convert it in PyTorch before "
        "saving)" % name)


def _check_int(v, what):
    if type(v) is not builtins.int or v < 0:
        raise pickle.UnpicklingError(
            "tensord: torch.load: bad tensor %s %r" % (what, v))
    return v


def _strided_bytes(storage, offset, size, stride):
    """The bytes of the tensor (offset, size, stride) over `storage`, in
    row-major order, after checking every element lies inside it."""
    _check_int(offset, "storage offset")
    if type(size) not in (tuple, list, _dtypes.Size) or \
            type(stride) not in (tuple, list) or len(size) != len(stride) \
            or len(size) > _MAX_RANK:
        raise pickle.UnpicklingError(
            "tensord: torch.load: bad tensor size %r / stride %r" %
            (size, stride))
    size = [_check_int(d, "size") for d in size]
    stride = [_check_int(s, "stride") for s in stride]
    numel = 1
    for d in size:
        numel *= d
    isz = storage.dtype.itemsize
    if numel == 0:
        return b""
    last = offset + builtins.sum((d - 1) * s for d, s in zip(size, stride))
    if last >= storage.numel:
        raise pickle.UnpicklingError(
            "tensord: torch.load: a tensor of size %s (stride %s, offset %d) "
            "reaches element %d of a storage of %d elements" % (
                tuple(size), tuple(stride), offset, last, storage.numel))
    mv = memoryview(storage.data)
    dims = [(d, s) for d, s in zip(size, stride) if d != 1]
    if all(s == c for (d, s), c in zip(
            dims, _contiguous_strides([d for d, _ in dims]))):
        return bytes(mv[offset * isz:(offset + numel) * isz])
    # General strides: rows of the innermost dim, row by row.
    inner_n, inner_s = dims[-1]
    starts = [offset]
    for d, s in dims[:-1]:
        starts = [b + i * s for b in starts for i in range(d)]
    out = bytearray()
    for b in starts:
        if inner_s == 1:
            out += mv[b * isz:(b + inner_n) * isz]
        else:
            for i in range(inner_n):
                e = (b + i * inner_s) * isz
                out += mv[e:e + isz]
    return bytes(out)


def _upload(dtype, shape, data, requires_grad):
    from . import _ops
    e = _session.current_session().engine
    (t,) = e.record("alias", [("t", dtype._wire, list(shape), data)], {}, 1,
                    not _grad.is_grad_enabled())
    if requires_grad:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise pickle.UnpicklingError(
                "tensord: torch.load: an integer tensor marked "
                "requires_grad")
        t = _ops.factory_requires_grad(t, True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, False,
                              None)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
                       backward_hooks, metadata=None):
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError(
            "tensord: torch.load: a tensor's storage is not a storage record")
    if type(requires_grad) is not builtins.bool:
        raise pickle.UnpicklingError(
            "tensord: torch.load: bad requires_grad %r" % (requires_grad,))
    data = _strided_bytes(storage, storage_offset, size, stride)
    return _upload(storage.dtype, tuple(size), data, requires_grad)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    """nn.Parameter(data, requires_grad): tensord has no Parameter class,
    so a tensor (requiring grad as saved)."""
    Tensor = _tensor_class()
    if not isinstance(data, Tensor) or \
            type(requires_grad) is not builtins.bool:
        raise pickle.UnpicklingError(
            "tensord: torch.load: bad torch._utils._rebuild_parameter call")
    if requires_grad and not data.requires_grad:
        data = data.requires_grad_(True)
    return data


def _size(dims=()):
    if type(dims) not in (tuple, list):
        raise pickle.UnpicklingError("tensord: torch.load: bad torch.Size")
    return _dtypes.Size(dims)


def _ordered_dict(*args):
    if args:
        raise pickle.UnpicklingError(
            "tensord: torch.load: OrderedDict built with arguments")
    return collections.OrderedDict()


def _allowed_global(module, name):
    """The object a pickle's GLOBAL may name, or None."""
    if module == "collections" and name == "OrderedDict":
        return _ordered_dict
    if module == "torch._utils":
        return {"_rebuild_tensor_v2": _rebuild_tensor_v2,
                "_rebuild_tensor": _rebuild_tensor,
                "_rebuild_parameter": _rebuild_parameter}.get(name)
    if module == "torch":
        if name == "Size":
            return _size
        if name.endswith("Storage") and (name in _DTYPE_OF_STORAGE or
                                         name in _FOREIGN_STORAGES):
            return _StorageType(name)
        if name in _dtypes.ALIASES:
            return _dtypes.ALIASES[name]
        if name in _FOREIGN_DTYPES:
            raise _unsupported_dtype(name)
    if module == "torch.storage" and name == "UntypedStorage":
        return _StorageType("UntypedStorage")
    return None


class _Unpickler:
    """A pickle reader for torch.save files: a fixed set of opcodes, and
    GLOBAL only for _allowed_global's names. Reads from bytes in memory;
    every read is checked, so a truncated pickle raises, and nothing is
    imported or called except the rebuild functions above."""

    def __init__(self, data, persistent_load, encoding="utf-8"):
        self.data = memoryview(data)
        self.pos = 0
        self.persistent_load = persistent_load
        self.encoding = encoding
        self.stack = []
        self.marks = []
        self.memo = {}

    def read(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise pickle.UnpicklingError(
                "tensord: torch.load: data.pkl is truncated")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return bytes(b)

    def readline(self):
        end = bytes(self.data[self.pos:self.pos + 4096]).find(b"\n")
        if end < 0:
            raise pickle.UnpicklingError(
                "tensord: torch.load: data.pkl is truncated")
        return self.read(end + 1)[:-1]

    def pop_mark(self):
        if not self.marks:
            raise pickle.UnpicklingError(
                "tensord: torch.load: bad pickle (no MARK)")
        k = self.marks.pop()
        items = self.stack[k:]
        del self.stack[k:]
        return items

    def pop(self):
        if not self.stack or (self.marks and
                              len(self.stack) <= self.marks[-1]):
            raise pickle.UnpicklingError(
                "tensord: torch.load: bad pickle (stack underflow)")
        return self.stack.pop()

    def load(self):
        u = struct.unpack
        while True:
            op = self.read(1)
            c = op[0]
            s = self.stack
            if op == b".":
                if len(s) != 1 or self.marks:
                    raise pickle.UnpicklingError(
                        "tensord: torch.load: bad pickle (STOP with %d "
                        "values on the stack)" % len(s))
                return s.pop()
            elif op == b"\x80":
                self.read(1)
            elif op == b"\x95":  # FRAME (protocol 4): a length to skip
                self.read(8)
            elif op == b"(":
                self.marks.append(len(s))
            elif op == b"0":
                self.pop()
            elif op == b"1":
                self.pop_mark()
            elif op == b"2":
                s.append(s[-1])
            elif op == b"N":
                s.append(None)
            elif op == b"\x88":
                s.append(True)
            elif op == b"\x89":
                s.append(False)
            elif op == b"K":
                s.append(self.read(1)[0])
            elif op == b"M":
                s.append(u("<H", self.read(2))[0])
            elif op == b"J":
                s.append(u("<i", self.read(4))[0])
            elif op == b"\x8a":
                s.append(pickle.decode_long(self.read(self.read(1)[0])))
            elif op == b"\x8b":
                n = u("<i", self.read(4))[0]
                if n < 0 or n > 4096:
                    raise pickle.UnpicklingError(
                        "tensord: torch.load: LONG4 of %d bytes" % n)
                s.append(pickle.decode_long(self.read(n)))
            elif op == b"G":
                s.append(u(">d", self.read(8))[0])
            elif op in (b"X", b"\x8c", b"\x8d"):
                n = {b"X": lambda: u("<I", self.read(4))[0],
                     b"\x8c": lambda: self.read(1)[0],
                     b"\x8d": lambda: u("<Q", self.read(8))[0]}[op]()
                s.append(str(self.read(n), "utf-8", "surrogatepass"))
            elif op in (b"U", b"T"):  # SHORT_BINSTRING, BINSTRING (py2 str)
                n = self.read(1)[0] if op == b"U" else u("<i", self.read(4))[0]
                b = self.read(n)
                s.append(b if self.encoding == "bytes" else
                         b.decode(self.encoding, "strict"))
            elif op in (b"C", b"B"):  # SHORT_BINBYTES, BINBYTES
                n = self.read(1)[0] if op == b"C" else u("<I", self.read(4))[0]
                s.append(self.read(n))
            elif op == b")":
                s.append(())
            elif op == b"t":
                s.append(tuple(self.pop_mark()))
            elif op in (b"\x85", b"\x86", b"\x87"):
                n = c - 0x84
                if len(s) < n:
                    raise pickle.UnpicklingError(
                        "tensord: torch.load: bad pickle (stack underflow)")
                items = tuple(s[-n:])
                del s[-n:]
                s.append(items)
            elif op == b"]":
                s.append([])
            elif op == b"l":
                s.append(self.pop_mark())
            elif op == b"a":
                v = self.pop()
                self._list(s[-1]).append(v)
            elif op == b"e":
                items = self.pop_mark()
                self._list(s[-1]).extend(items)
            elif op == b"}":
                s.append({})
            elif op == b"d":
                items = self.pop_mark()
                s.append(self._pairs({}, items))
            elif op == b"s":
                v = self.pop()
                k = self.pop()
                self._pairs(s[-1], [k, v])
            elif op == b"u":
                items = self.pop_mark()
                self._pairs(s[-1], items)
            elif op == b"c":
                module = self.readline().decode("utf-8", "replace")
                name = self.readline().decode("utf-8", "replace")
                s.append(self._find(module, name))
            elif op == b"\x93":  # STACK_GLOBAL
                name = self.pop()
                module = self.pop()
                if type(module) is not str or type(name) is not str:
                    raise pickle.UnpicklingError(
                        "tensord: torch.load: bad STACK_GLOBAL")
                s.append(self._find(module, name))
            elif op == b"R":
                args = self.pop()
                func = self.pop()
                if not callable(func) or isinstance(func, _StorageType) or \
                        type(args) is not tuple:
                    raise pickle.UnpicklingError(
                        "tensord: torch.load: bad REDUCE of %r" % (func,))
                s.append(func(*args))
            elif op == b"b":
                state = self.pop()
                inst = s[-1]
                if type(inst) is not collections.OrderedDict or \
                        type(state) is not dict or not all(
                            type(k) is str for k in state):
                    raise pickle.UnpicklingError(
                        "tensord: torch.load: can only build OrderedDict "
                        "attributes, not %s" % type(inst).__name__)
                for k, v in state.items():
                    setattr(inst, k, v)
            elif op == b"Q":
                s.append(self.persistent_load(self.pop()))
            elif op in (b"h", b"j"):
                i = self.read(1)[0] if op == b"h" else u("<I", self.read(4))[0]
                if i not in self.memo:
                    raise pickle.UnpicklingError(
                        "tensord: torch.load: memo value not found at "
                        "index %d" % i)
                s.append(self.memo[i])
            elif op in (b"q", b"r"):
                i = self.read(1)[0] if op == b"q" else u("<I", self.read(4))[0]
                self.memo[i] = s[-1]
            elif op == b"\x94":  # MEMOIZE
                self.memo[len(self.memo)] = s[-1]
            else:
                raise pickle.UnpicklingError(
                    "tensord: torch.load: unsupported pickle opcode %r at "
                    "byte %d (only what torch.save writes is read)" %
                    (op, self.pos - 1))

    @staticmethod
    def _list(obj):
        if type(obj) is not list:
            raise pickle.UnpicklingError(
                "tensord: torch.load: can only append to lists, not %s" %
                type(obj).__name__)
        return obj

    @staticmethod
    def _pairs(d, items):
        if type(d) not in (dict, collections.OrderedDict) or len(items) % 2:
            raise pickle.UnpicklingError(
                "tensord: torch.load: can only set items of dicts, not %s" %
                type(d).__name__)
        for i in range(0, len(items), 2):
            d[items[i]] = items[i + 1]
        return d

    @staticmethod
    def _find(module, name):
        obj = _allowed_global(module, name)
        if obj is None:
            raise pickle.UnpicklingError(
                "tensord: torch.load refuses the global '%s.%s': only "
                "tensors, numbers, strings, lists, tuples, dicts and "
                "OrderedDicts load (the globals torch.load(weights_only=True) "
                "allows); nothing in the file is imported or run" %
                (module, name))
        return obj


class _Archive:
    """The records of a torch.save zip archive, read with their sizes
    checked."""

    def __init__(self, raw):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(raw))
            names = self.zip.namelist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError,
                EOFError, OSError, struct.error):
            raise RuntimeError("PytorchStreamReader failed reading zip "
                               "archive: failed finding central directory") \
                from None
        if not names:
            raise RuntimeError("PytorchStreamReader failed reading zip "
                               "archive: no records")
        self.prefix = names[0].split("/", 1)[0] + "/"
        self.infos = {n[len(self.prefix):]: self.zip.getinfo(n)
                      for n in names if n.startswith(self.prefix)}
        if "constants.pkl" in self.infos:
            raise NotImplementedError(
                "tensord: torch.load of a TorchScript archive (torch.jit."
                "save) is not supported")
        version = self.read("version", 64).strip()
        if not version.isdigit() or not 1 <= int(version) <= \
                _MAX_FORMAT_VERSION:
            raise RuntimeError(
                "PytorchStreamReader failed reading file version: "
                "unsupported version %r" % version.decode("ascii", "replace"))
        order = self.infos.get("byteorder")
        if order is not None and self.read("byteorder", 16) != b"little":
            raise RuntimeError("tensord: torch.load: only little-endian "
                               "files are supported")

    def read(self, name, limit, exact=None):
        info = self.infos.get(name)
        if info is None:
            raise RuntimeError("PytorchStreamReader failed locating file "
                               "%s: file not found" % name)
        if exact is not None and info.file_size != exact:
            raise RuntimeError(
                "tensord: torch.load: record %s has %d bytes; its storage "
                "needs %d" % (name, info.file_size, exact))
        if info.file_size > limit:
            raise RuntimeError("tensord: torch.load: record %s is too large "
                               "(%d bytes)" % (name, info.file_size))
        try:
            with self.zip.open(info) as f:
                data = f.read(limit + 1)
        except (zipfile.BadZipFile, ValueError, EOFError, OSError,
                NotImplementedError, RuntimeError, struct.error) as e:
            raise RuntimeError("PytorchStreamReader failed reading record "
                               "%s: %s" % (name, e)) from None
        if len(data) != info.file_size:
            raise RuntimeError("tensord: torch.load: record %s is corrupt "
                               "(%d bytes, header says %d)" % (
                                   name, len(data), info.file_size))
        return data


def _check_map_location(map_location):
    if map_location is None:
        return
    locs = map_location.values() if isinstance(map_location, dict) else \
        [map_location]
    for loc in locs:
        if callable(loc) or str(loc) != "cpu":
            raise NotImplementedError(
                "tensord: torch.load(map_location=%r): tensors load into the "
                "server's memory; use map_location=None or 'cpu'" %
                (map_location,))


_LEGACY_MAGIC = b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."


def _read_all(f):
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "rb") as fh:
            return fh.read()
    if not hasattr(f, "read"):
        raise AttributeError(
            "'%s' object has no attribute 'read'" % type(f).__name__)
    data = f.read()
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("tensord: torch.load needs a file opened in binary "
                        "mode")
    return bytes(data)


def load(f, map_location=None, pickle_module=None, *, weights_only=False,
         **pickle_load_args):
    """Reads what torch.save (PyTorch's or tensord's) wrote to `f` (a path
    or a binary file object); tensors are uploaded to the current session.
    Always loads as torch.load(weights_only=True) would (see the module
    doc), whatever weights_only says."""
    if pickle_module is not None and pickle_module is not pickle:
        raise TypeError("tensord: torch.load reads with its own restricted "
                        "unpickler; pickle_module must be None or pickle")
    _check_map_location(map_location)
    encoding = pickle_load_args.pop("encoding", "utf-8")
    if pickle_load_args:
        raise TypeError("load() got an unexpected keyword argument '%s'" %
                        next(iter(pickle_load_args)))
    raw = _read_all(f)
    if not raw:
        raise EOFError("Ran out of input")
    if not raw.startswith(b"PK\x03\x04"):
        if raw.startswith(_LEGACY_MAGIC):
            raise NotImplementedError(
                "tensord: torch.load reads the zip format torch.save writes "
                "since PyTorch 1.6; this file is in the legacy format "
                "(_use_new_zipfile_serialization=False)")
        raise pickle.UnpicklingError(
            "tensord: torch.load: not a PyTorch checkpoint (no zip archive)")
    archive = _Archive(raw)
    storages = {}

    def persistent_load(pid):
        if type(pid) is not tuple or len(pid) != 5 or pid[0] not in (
                "storage", b"storage"):
            raise pickle.UnpicklingError(
                "tensord: torch.load: unknown persistent id %r" % (pid,))
        _, stype, key, location, numel = pid
        if isinstance(key, bytes):
            key = key.decode("ascii", "replace")
        if not isinstance(stype, _StorageType) or type(key) is not str or \
                type(numel) is not builtins.int or numel < 0:
            raise pickle.UnpicklingError(
                "tensord: torch.load: bad storage id %r" % (pid,))
        if stype.dtype is None:
            raise _unsupported_dtype(_FOREIGN_STORAGES[stype.name])
        if key not in storages:
            nbytes = numel * stype.dtype.itemsize
            data = archive.read("data/" + key, nbytes, exact=nbytes)
            storages[key] = _Storage(stype.dtype, data, numel)
        st = storages[key]
        if st.dtype is not stype.dtype or st.numel != numel:
            raise pickle.UnpicklingError(
                "tensord: torch.load: storage %s is used as two types" % key)
        return st

    pkl = archive.read("data.pkl", _MAX_PICKLE_BYTES)
    try:
        return _Unpickler(pkl, persistent_load, encoding).load()
    except (pickle.UnpicklingError, RuntimeError, NotImplementedError):
        raise
    except (IndexError, KeyError, TypeError, ValueError, OverflowError,
            AttributeError, UnicodeDecodeError, struct.error) as e:
        raise pickle.UnpicklingError(
            "tensord: torch.load: data.pkl is not a valid checkpoint pickle "
            "(%s: %s)" % (type(e).__name__, e)) from None
