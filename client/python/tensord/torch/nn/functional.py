"""torch.nn.functional: activations and friends that are ops of the
server's table."""
from .. import _ops


def relu(input, inplace=False):  # noqa: A002 - torch's names
    return _ops.call("relu", (input,), {})


def sigmoid(input):  # noqa: A002
    return _ops.call("sigmoid", (input,), {})


def tanh(input):  # noqa: A002
    return _ops.call("tanh", (input,), {})


def __getattr__(name):
    from ... import _session
    if name.startswith("__") or \
            name not in _session.current_session().engine.schemas:
        raise AttributeError(
            "module 'torch.nn.functional' has no attribute '%s'" % name)

    def fn(*args, **kwargs):
        return _ops.call(name, args, kwargs)
    fn.__name__ = name
    return fn
