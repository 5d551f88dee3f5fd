"""torch.nn.Parameter: a Tensor that a Module registers as a parameter.

A Parameter is the same kind of handle as any Tensor (pending or known by
its server handle); making one records `detach` (a new leaf sharing the
data's storage, as torch's _make_subclass does) and `requires_grad_`.
Ops on a Parameter give plain Tensors; in-place ops give the Parameter
back.
"""
from .. import _grad
from .._tensor import Tensor


class Parameter(Tensor):
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .. import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                "_make_subclass(): argument 'data' (position 2) must be "
                "Tensor, not %s" % type(data).__name__)
        with _grad.no_grad():
            t = data.detach()
            if requires_grad:
                t.requires_grad_(True)
        t.__class__ = cls
        return t

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        with _grad.no_grad():
            data = self.clone()
        result = type(self)(data, self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, proto):
        raise TypeError("tensord: a Parameter cannot be pickled")


Parameter.__module__ = "torch.nn.parameter"


class UninitializedParameter(Parameter):
    """The parameter of a lazy module before its first forward."""
    __slots__ = ()

    def __new__(cls, requires_grad=True):
        from .. import empty
        t = Parameter.__new__(Parameter, empty(0), requires_grad)
        t.__class__ = cls
        return t

    def __repr__(self):
        return "<UninitializedParameter>"

    __str__ = __repr__


UninitializedParameter.__module__ = "torch.nn.parameter"


def is_lazy(param):
    return isinstance(param, UninitializedParameter)
