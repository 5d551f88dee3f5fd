"""Tensor.register_hook.

The backward pass runs on the server, so a hook cannot run inside it.
Instead, before a backward (or autograd.grad) that reaches hooked tensors,
one autograd.grad (graph retained) computes the gradient each hooked
tensor will receive, and the hooks run on it, tensors nearer the root
first (by registration order, as a stand-in for PyTorch's order), several
hooks on one tensor in registration order. A hook that only looks (returns
None) sees what PyTorch's would. A hook that returns a new gradient for a
leaf changes what that leaf's .grad accumulates; for a non-leaf it would
change the gradients behind it, which is NotImplementedError.
"""
import itertools

_ids = itertools.count()
# handle id -> (seq of the tensor's first hook, tensor, hook)
_hooks = {}
# id(tensor) -> seq of its first hook
_first = {}
# True while run_before's own autograd.grad runs (it runs no hooks).
_running = False


class RemovableHandle:
    """What Tensor.register_hook returns: remove() unregisters the hook."""

    def __init__(self, hid):
        self.id = hid

    def remove(self):
        entry = _hooks.pop(self.id, None)
        if entry is not None:
            t = entry[1]
            if not any(e[1] is t for e in _hooks.values()):
                _first.pop(id(t), None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register(t, hook):
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't "
                           "require gradient")
    hid = next(_ids)
    seq = _first.setdefault(id(t), hid)
    _hooks[hid] = (seq, t, hook)
    return RemovableHandle(hid)


def _hooked(engine):
    """[(tensor, [hooks])] of this engine, nearest the root first."""
    by_tensor = {}
    for hid in sorted(_hooks):
        seq, t, hook = _hooks[hid]
        if t._engine is not engine:
            continue
        by_tensor.setdefault(id(t), (seq, t, []))[2].append(hook)
    return [(t, hooks) for seq, t, hooks in
            sorted(by_tensor.values(), key=lambda e: -e[0])]


def _forget(t):
    for hid in [h for h, e in _hooks.items() if e[1] is t]:
        del _hooks[hid]
    _first.pop(id(t), None)


def run_before(roots, gradients, engine, retain_graph, for_grad=False):
    """Runs the hooks that a backward from `roots` reaches; returns what
    run_after needs (None if nothing to do)."""
    global _running
    if not _hooks or _running:
        return None
    hooked = [(t, hooks) for t, hooks in _hooked(engine) if t.requires_grad]
    if not hooked:
        return None
    from .autograd import grad
    grads = list(gradients) if gradients is not None else None
    if grads is not None and all(g is None for g in grads):
        grads = None
    _running = True
    try:
        gs = grad(roots, [t for t, _ in hooked], grad_outputs=grads,
                  retain_graph=True, allow_unused=True)
    finally:
        _running = False
    fixups = []
    for (t, hooks), g in zip(hooked, gs):
        if g is None:
            continue
        cur = g
        for hook in hooks:
            r = hook(cur)
            if r is not None:
                cur = r
        if cur is not g:
            if for_grad or not t.is_leaf:
                raise NotImplementedError(
                    "tensord: a hook that returns a new gradient is "
                    "supported on leaf tensors in backward() only (the "
                    "backward pass runs on the server)")
            old = t.grad
            fixups.append((t, cur, None if old is None else old.clone()))
        if not retain_graph and not t.is_leaf:
            _forget(t)  # its graph is freed by this backward
    return fixups


def run_after(fixups):
    """After the backward: a leaf whose hook changed its gradient gets
    old .grad + the hook's gradient."""
    if not fixups:
        return
    from ._grad import no_grad
    with no_grad():
        for t, cur, old in fixups:
            t.grad.copy_(cur if old is None else old + cur)
