"""Memory shared between tensors and NumPy arrays, as far as a remote
tensor can share it.

In PyTorch, `t.numpy()` and `torch.from_numpy(a)` share one buffer: an
in-place op on `t` shows in the array, and writing the array shows in the
tensor. Here the tensor lives on the server, so the sharing is kept by
copying at the two moments it can be observed:

- after an in-place op on a tensor (through the tensor object the op was
  called on), every live array made from it by `numpy()` or given to
  `from_numpy()` is overwritten with the tensor's new value;
- before a tensor made by `from_numpy()` is used or read, its array is
  compared with what was last uploaded, and a changed array is copied into
  the tensor (in place, so views and autograd see it as torch would).

Views are not followed: an in-place op on `t[0]` or `t.view(...)` does not
refresh the arrays of `t`. Nothing is done for tensors without arrays.
"""
import weakref

# Both keyed by id(tensor) (a tensor's == is elementwise), each entry
# dropped when its tensor goes:
# id(t) -> [weakref to ndarray]: the arrays to overwrite after t changes.
_exports = {}
# id(t) -> (weakref to ndarray, bytes last uploaded): from_numpy sources.
_sources = {}
# id(t) -> weakref to t (with the callback that drops both entries)
_tensors = {}
_busy = [False]


def _track(t):
    key = id(t)
    if key not in _tensors or _tensors[key]() is not t:
        def drop(_, k=key):
            _tensors.pop(k, None)
            _exports.pop(k, None)
            _sources.pop(k, None)
        _tensors[key] = weakref.ref(t, drop)
    return key


def exported(t, arr):
    """arr (from t.numpy() or given to from_numpy) shares t's values."""
    _exports.setdefault(_track(t), []).append(weakref.ref(arr))


def source(t, arr):
    """t was made by from_numpy(arr)."""
    _sources[_track(t)] = (weakref.ref(arr), arr.tobytes())
    exported(t, arr)


def refresh(t):
    """After an in-place op on t: its arrays get its new value."""
    key = id(t)
    if _busy[0] or key not in _exports or _tensors[key]() is not t:
        return
    live = [r() for r in _exports[key]]
    live = [a for a in live if a is not None]
    if not live:
        del _exports[key]
        return
    _exports[key] = [weakref.ref(a) for a in live]
    _busy[0] = True
    try:
        value = t.detach()._numpy_copy()
    finally:
        _busy[0] = False
    for a in live:
        if a.shape == value.shape and a.flags.writeable:
            a[...] = value
    if key in _sources:
        arr_ref, _ = _sources[key]
        arr = arr_ref()
        if arr is not None:
            _sources[key] = (arr_ref, arr.tobytes())


def sync(t):
    """Before t is used or read: an array from_numpy shares, if written
    since, is copied into t."""
    if _busy[0]:
        return
    key = id(t)
    entry = _sources.get(key)
    if entry is None or _tensors[key]() is not t:
        return
    arr_ref, uploaded = entry
    arr = arr_ref()
    if arr is None:
        del _sources[key]
        return
    now = arr.tobytes()
    if now == uploaded:
        return
    _sources[key] = (arr_ref, now)
    from .torch import _from_numpy_copy, _grad
    _busy[0] = True
    try:
        with _grad.no_grad():
            t.copy_(_from_numpy_copy(arr))
    finally:
        _busy[0] = False
