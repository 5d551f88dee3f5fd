"""torch.linalg: the server's linalg.* ops."""
from . import _errors, _ops

LinAlgError = _errors._LinAlgError


def __getattr__(name):
    from .. import _session
    op = "linalg." + name
    if name.startswith("__") or \
            op not in _session.current_session().engine.schemas:
        raise AttributeError(
            "module 'torch.linalg' has no attribute '%s'" % name)

    def fn(*args, **kwargs):
        return _ops.call(op, args, kwargs)
    fn.__name__ = name
    return fn
