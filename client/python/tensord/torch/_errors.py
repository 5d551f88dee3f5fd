"""The server's errors as PyTorch's exceptions: the class comes from the
structure the server sends (ErrorDetail.python_type), the message is
PyTorch's own."""
import builtins

# gRPC codes that mean the connection, not the computation, failed.
_UNAVAILABLE, _DEADLINE, _PERMISSION, _UNAUTHENTICATED = 14, 4, 7, 16


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a singular or not positive-definite input
    (torch._C._LinAlgError, a RuntimeError)."""


_LinAlgError.__module__ = "torch._C"
_CLASSES = {
    "_LinAlgError": _LinAlgError,
    "RuntimeError": RuntimeError,
    "IndexError": IndexError,
    "TypeError": TypeError,
    "ValueError": ValueError,
    "NameError": NameError,
    "AttributeError": AttributeError,
    "NotImplementedError": NotImplementedError,
    "KeyError": KeyError,
}


def translate(e):
    """A _C.Error (code, python_type, node, op, message, text) as the
    exception PyTorch raises."""
    code, python_type, _node, _op, message, text = e.args
    if code in (_UNAVAILABLE, _DEADLINE, _PERMISSION, _UNAUTHENTICATED):
        return ConnectionError("tensord: %s" % text)
    cls = _CLASSES.get(python_type) or getattr(builtins, python_type, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        cls = RuntimeError
    return cls(message or text)
