"""Sessions: a connection to a tensord server and one session on it.

The module-level API (`tensord.torch.zeros(...)`) works on the current
session: the innermost `with tensord.connect(...)`, or else a default one
made on first use from $TENSORD_SERVER (default 127.0.0.1:50051),
$TENSORD_TOKEN, and $TENSORD_SESSION (attach to an existing session instead
of creating one).
"""
import atexit
import os
import threading

from . import _C

_DEFAULT_SERVER = "127.0.0.1:50051"
_state = threading.local()
_default = None
_default_lock = threading.Lock()


class Session:
    """A session on a tensord server. Use as a context manager: inside, it
    is the current session; on leaving, a session this object created is
    closed. `torch` is `tensord.torch`, working on this session inside the
    block (tensors remember their own session everywhere)."""

    def __init__(self, server=None, token=None, tls=False, tls_ca=None,
                 session=None, timeout=None, seed=None, memory_limit=0,
                 ttl=0, keep=False):
        from ._engine import Engine
        server = server or os.environ.get("TENSORD_SERVER") or _DEFAULT_SERVER
        token = token if token is not None else os.environ.get(
            "TENSORD_TOKEN", "")
        self.server = server
        self._conn = _C.Connection(server, token, bool(tls), tls_ca or "",
                                   float(timeout or 0))
        try:
            if session:
                self._c = _C.Session.attach(self._conn, session)
                self._owned = False
            else:
                self._c = _C.Session.create(self._conn, int(ttl),
                                            int(memory_limit), seed)
                self._owned = not keep
                if keep:
                    self._c.keep()
        except _C.Error as e:
            from .torch._errors import translate
            raise translate(e) from None
        self.id = self._c.id
        self.engine = Engine(self)
        self._closed = False

    @property
    def torch(self):
        from . import torch
        return torch

    def close(self):
        """Closes the session on the server if this object created it."""
        if self._closed:
            return
        self._closed = True
        try:
            self.engine.flush()
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        if self._owned:
            try:
                self._c.close()
            except _C.Error:
                pass
        else:
            self.engine.release_all()

    def __enter__(self):
        stack = getattr(_state, "stack", None)
        if stack is None:
            stack = _state.stack = []
        stack.append(self)
        return self

    def __exit__(self, *exc):
        _state.stack.pop()
        self.close()
        return False

    def __repr__(self):
        return "<tensord.Session %s on %s>" % (self.id, self.server)


def connect(server=None, token=None, tls=False, tls_ca=None, session=None,
            timeout=None, seed=None, memory_limit=0, ttl=0):
    """A new session on `server` (or `session`, an existing one's id, to
    attach to it). Use it with `with`."""
    return Session(server=server, token=token, tls=tls, tls_ca=tls_ca,
                   session=session, timeout=timeout, seed=seed,
                   memory_limit=memory_limit, ttl=ttl)


def current_session():
    """The session module-level calls use (made on first use)."""
    stack = getattr(_state, "stack", None)
    if stack:
        return stack[-1]
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Session(session=os.environ.get("TENSORD_SESSION")
                                   or None)
                atexit.register(_close_default)
    return _default


def set_default_session(session):
    """Makes `session` the default (tensorctl sets its own)."""
    global _default
    _default = session


def _close_default():
    global _default
    if _default is not None:
        _default.close()
        _default = None
