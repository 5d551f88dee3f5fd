"""torch.return_types: the named tuples ops with several outputs return
(made as ops need them, _ops.return_type)."""
from ._ops import _return_types


def __getattr__(name):
    if name in _return_types:
        return _return_types[name]
    raise AttributeError(
        "module 'torch.return_types' has no attribute '%s'" % name)
