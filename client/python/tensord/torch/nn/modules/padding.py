"""Padding layers (PyTorch 1.13's): constant, zero, reflection and
replication padding over F.pad."""
from .. import functional as F
from .module import Module


def _ntuple(n):
    def parse(x):
        if isinstance(x, (list, tuple)):
            return tuple(x)
        return (x,) * n
    return parse


class _ConstantPadNd(Module):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, input):  # noqa: A002
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return "padding={}, value={}".format(self.padding, self.value)


class ConstantPad1d(_ConstantPadNd):
    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _ntuple(2)(padding)


class ConstantPad2d(_ConstantPadNd):
    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _ntuple(4)(padding)


class ConstantPad3d(_ConstantPadNd):
    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _ntuple(6)(padding)


class ZeroPad2d(ConstantPad2d):
    def __init__(self, padding):
        super().__init__(padding, 0.)

    def extra_repr(self):
        return "{}".format(self.padding)


class _ModePadNd(Module):
    mode = "constant"

    def forward(self, input):  # noqa: A002
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self):
        return "{}".format(self.padding)


def _mode_pad(name, mode, n):
    def __init__(self, padding):
        _ModePadNd.__init__(self)
        self.padding = _ntuple(2 * n)(padding)
    cls = type(name, (_ModePadNd,), {"__init__": __init__, "mode": mode})
    return cls


ReflectionPad1d = _mode_pad("ReflectionPad1d", "reflect", 1)
ReflectionPad2d = _mode_pad("ReflectionPad2d", "reflect", 2)
ReflectionPad3d = _mode_pad("ReflectionPad3d", "reflect", 3)
ReplicationPad1d = _mode_pad("ReplicationPad1d", "replicate", 1)
ReplicationPad2d = _mode_pad("ReplicationPad2d", "replicate", 2)
ReplicationPad3d = _mode_pad("ReplicationPad3d", "replicate", 3)

for _c in (ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d,
           ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
           ReplicationPad1d, ReplicationPad2d, ReplicationPad3d):
    _c.__module__ = "torch.nn.modules.padding"
