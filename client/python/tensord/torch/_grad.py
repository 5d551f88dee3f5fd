"""Grad mode: torch.no_grad, enable_grad, set_grad_enabled, is_grad_enabled.

The mode is the client's (per thread); each Execute request runs in one
mode, so a change of mode ends the request being built."""
import functools
import threading

_state = threading.local()


def is_grad_enabled():
    return getattr(_state, "enabled", True)


def _set(enabled):
    _state.enabled = bool(enabled)


class _Mode:
    """A context manager and decorator that sets grad mode."""
    _enabled = True

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set(self._enabled)
        return None

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_Mode):  # noqa: N801 - torch's name
    _enabled = False

    def __repr__(self):
        return "<torch.autograd.grad_mode.no_grad object at 0x%x>" % id(self)


class enable_grad(_Mode):  # noqa: N801
    _enabled = True


class set_grad_enabled(_Mode):  # noqa: N801
    def __init__(self, mode):
        self._enabled = bool(mode)
        self._prev = is_grad_enabled()
        _set(mode)  # torch sets it at once (usable as a function)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _set(self._prev)
        return False

    def clone(self):
        return set_grad_enabled(self._enabled)


class inference_mode(no_grad):  # noqa: N801
    def __init__(self, mode=True):
        self._enabled = not mode


# type(torch.no_grad()) prints torch's class path.
for _c in (no_grad, enable_grad, set_grad_enabled, inference_mode):
    _c.__module__ = "torch.autograd.grad_mode"
