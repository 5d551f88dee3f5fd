"""torch.device, torch.cuda and torch.backends for a CPU-only torch: the
session computes on the server's CPU, so these answer as PyTorch 1.13
built without CUDA answers."""
import builtins
import types

_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl",
          "ideep", "hip", "ve", "fpga", "ort", "xla", "lazy", "vulkan",
          "mps", "meta", "hpu", "privateuseone")


class device:
    __slots__ = ("_type", "_index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's name
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, builtins.int) and index is None:
            raise RuntimeError("tensord: device ordinal %d names a CUDA "
                               "device; only cpu is available" % type)
        elif isinstance(type, str) and ":" in type:
            if index is not None:
                raise RuntimeError("type (string) must not include an index "
                                   "because index was passed explicitly: " +
                                   type)
            t, _, i = type.partition(":")
            if not i.isdigit():
                raise RuntimeError("Invalid device string: '%s'" % type)
            type, index = t, builtins.int(i)
        if type not in _TYPES:
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, "
                "ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, "
                "hpu, privateuseone device type at start of device string: "
                "%s" % type)
        self._type = type
        self._index = index

    @property
    def type(self):
        return self._type

    @property
    def index(self):
        return self._index

    def __repr__(self):
        if self._index is None:
            return "device(type='%s')" % self._type
        return "device(type='%s', index=%d)" % (self._type, self._index)

    def __str__(self):
        if self._index is None:
            return self._type
        return "%s:%d" % (self._type, self._index)

    def __eq__(self, other):
        return isinstance(other, device) and other._type == self._type \
            and other._index == self._index

    def __hash__(self):
        return hash((self._type, self._index))

    def __reduce__(self):
        return (device, (self._type, self._index) if self._index is not None
                else (self._type,))


device.__module__ = "torch"
CPU = device("cpu")


def _lazy_init():
    raise AssertionError("Torch not compiled with CUDA enabled")


def _cuda_module():
    m = types.ModuleType("torch.cuda")
    m.is_available = lambda: False
    m.device_count = lambda: 0
    m.is_initialized = lambda: False
    m.manual_seed = lambda seed: None
    m.manual_seed_all = lambda seed: None
    m.seed = lambda: None
    m.seed_all = lambda: None
    m.empty_cache = lambda: None
    m.init = _lazy_init
    m.synchronize = lambda device=None: _lazy_init()
    m.current_device = _lazy_init
    m.get_device_name = lambda device=None: _lazy_init()
    m.get_device_properties = lambda device: _lazy_init()
    m.set_device = lambda device: _lazy_init()
    m.memory_allocated = lambda device=None: 0
    m.max_memory_allocated = lambda device=None: 0
    m.memory_reserved = lambda device=None: 0
    m.is_bf16_supported = _lazy_init
    return m


def _backends_module():
    m = types.ModuleType("torch.backends")
    m.cudnn = types.SimpleNamespace(enabled=True, benchmark=False,
                                    deterministic=False, allow_tf32=True,
                                    is_available=lambda: False,
                                    version=lambda: None)
    m.mps = types.SimpleNamespace(is_available=lambda: False,
                                  is_built=lambda: False)
    m.mkldnn = types.SimpleNamespace(is_available=lambda: True,
                                     enabled=True)
    m.mkl = types.SimpleNamespace(is_available=lambda: False)
    m.openmp = types.SimpleNamespace(is_available=lambda: True)
    m.cuda = types.SimpleNamespace(
        is_built=lambda: False,
        matmul=types.SimpleNamespace(allow_tf32=False,
                                     allow_fp16_reduced_precision_reduction=True))
    return m


cuda = _cuda_module()
backends = _backends_module()


def _register(package):
    """`import torch.cuda`, `import torch.backends.cudnn as cudnn`."""
    import sys
    sys.modules.setdefault(package + ".cuda", cuda)
    sys.modules.setdefault(package + ".backends", backends)
    for name in ("cudnn", "mps", "mkldnn", "mkl", "openmp", "cuda"):
        sub = types.ModuleType(package + ".backends." + name)
        sub.__dict__.update(vars(getattr(backends, name)))
        setattr(backends, name, sub)
        sys.modules.setdefault(package + ".backends." + name, sub)
