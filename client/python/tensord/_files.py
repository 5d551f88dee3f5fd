"""safetensors files and .npz archives of session tensors, through the C++
client's streaming code (client/file_transfer.h): a tensor moves between
the file and the server one 1 MiB chunk at a time, never whole in Python.
The public names are in tensord.safetensors and tensord.npz."""
import os

from . import _C
from . import _session

_INVALID_ARGUMENT = 3
_NOT_FOUND = 5


def _error(e, path):
    """A _C.Error as the exception a file function raises: ValueError for a
    bad file (the message names the file, the tensor and the flaw),
    FileNotFoundError for a missing one, else what PyTorch would raise."""
    code, python_type, _node, _op, _message, text = e.args
    if not python_type and text.startswith(path):
        if code == _NOT_FOUND:
            return FileNotFoundError(text)
        if code == _INVALID_ARGUMENT:
            return ValueError(text)
        return OSError(text)
    from .torch._errors import translate
    return translate(e)


def save(tensors, path, metadata=None, compressed=False):
    """Writes a dict of name -> tensor to a .safetensors or .npz path."""
    from .torch._tensor import Tensor
    if not isinstance(tensors, dict):
        raise TypeError("expected a dict of names to tensors, got %s" %
                        type(tensors).__name__)
    path = os.fspath(path)
    engine = None
    for k, t in tensors.items():
        if not isinstance(k, str):
            raise TypeError("tensor names must be str, got %r" % (k,))
        if not isinstance(t, Tensor):
            raise TypeError("%r is not a tensord tensor (got %s)" %
                            (k, type(t).__name__))
        if engine is None:
            engine = t._engine
        elif t._engine is not engine:
            raise ValueError("the tensors live in different sessions")
    if metadata is not None:
        if not isinstance(metadata, dict) or not all(
                isinstance(k, str) and isinstance(v, str)
                for k, v in metadata.items()):
            raise TypeError("metadata must be a dict of str to str")
    if engine is None:
        engine = _session.current_session().engine
    engine.flush()  # every tensor now has a handle (or a name)
    refs = []
    for k, t in tensors.items():
        kind, ref = engine.ref(t)[:2]
        refs.append((k, kind, ref))
    try:
        engine.c.get_file(path, refs, dict(metadata or {}), bool(compressed))
    except _C.Error as e:
        raise _error(e, path) from None


def load(path, sort=False):
    """(dict of name -> tensor in the current session, metadata)."""
    path = os.fspath(path)
    session = _session.current_session()
    e = session.engine
    e.flush()
    prefix = ".tensord-load-%s/" % os.urandom(8).hex()
    try:
        names, metadata = e.c.put_file(path, prefix)
    except _C.Error as err:
        raise _error(err, path) from None
    out = {}
    for key, name in names:
        # A handle for each, the temporary names released in the same trip.
        (t,) = e.record("alias", [("n", name)], {}, 1, True)
        e.name_releases.append(name)
        out[key] = t
    e.flush()
    if sort:
        out = dict(sorted(out.items()))
    return out, metadata
