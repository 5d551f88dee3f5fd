"""torch.special: the special functions under torch 1.13's names, each the
server's op of that (or torch's aliased) name.

    import tensord.torch as torch
    torch.special.erfinv(torch.tensor([0.5]))   # tensor([0.4769])
"""
from . import _ops

# torch.special names whose op has another name in the table.
_ALIASES = {"expit": "sigmoid", "gammaln": "lgamma", "psi": "digamma"}


def __getattr__(name):
    from .. import _session
    op = _ALIASES.get(name, name)
    if name.startswith("_") or op.startswith("linalg.") or \
            op not in _session.current_session().engine.schemas:
        raise AttributeError(
            "module 'torch.special' has no attribute '%s'" % name)

    def fn(*args, **kwargs):
        return _ops.call(op, args, kwargs)
    fn.__name__ = name
    return fn
