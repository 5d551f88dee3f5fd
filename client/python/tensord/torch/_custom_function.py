"""torch.autograd.Function: a forward and a backward written in Python.

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad_output):
            x, = ctx.saved_tensors
            return grad_output * 3 * x ** 2

    y = Cube.apply(x)

The backward pass runs on the server, which cannot call back into the
client. So `apply` runs `forward` without recording and makes each tensor
it returns a new leaf that requires grad (cut from the inputs on the
server), and remembers (ctx, inputs, outputs). `Tensor.backward` and
`torch.autograd.backward` then run in stages: the server's backward fills
the cut outputs' .grad; the client calls `backward` of the latest Function
whose outputs got a gradient, clears those .grad, and runs a backward from
the Function's inputs with the gradients it returned; and so on until no
Function output holds a gradient. Leaves get the gradients PyTorch gives
them. The outputs print and report `grad_fn` as PyTorch's do
(`<CubeBackward>`, is_leaf False).

Not supported (NotImplementedError): `torch.autograd.grad` and
`create_graph=True` while a Function's outputs are held (see _outputs).
"""
import itertools

from . import _grad

_seq = itertools.count()
# id(output tensor) -> (the tensor, its _Record). The server's graph needs
# the outputs until a backward reaches them, and the client cannot see
# that graph, so they are held: until a backward runs the Function (unless
# it retains the graph), until a later top-level backward that did not
# reach them ends (the graph they belonged to is then gone in practice),
# or, beyond _MAX_HELD of them, oldest first.
_outputs = {}
_MAX_HELD = 4096
_depth = [0]


def _remember(t, rec):
    _outputs[id(t)] = (t, rec)
    if len(_outputs) > _MAX_HELD:
        oldest = min(_outputs.items(), key=lambda kv: kv[1][1].seq)
        del _outputs[oldest[0]]


def _forget(rec):
    for k in [k for k, (_, r) in _outputs.items() if r is rec]:
        del _outputs[k]


def _live():
    """[(tensor, record)] of the held Function outputs."""
    return list(_outputs.values())


class _Record:
    __slots__ = ("seq", "cls", "ctx", "inputs", "outputs", "name",
                 "reached")


class FunctionCtx:
    """The ctx a Function's forward and backward share."""

    def save_for_backward(self, *tensors):
        self.to_save = tensors

    @property
    def saved_tensors(self):
        return tuple(getattr(self, "to_save", ()))

    def mark_dirty(self, *args):
        self.dirty_tensors = args

    def mark_non_differentiable(self, *args):
        self.non_differentiable = args

    def set_materialize_grads(self, value):
        self.materialize_grads = value


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        cls._backward_name = name + "Backward"


class Function(FunctionCtx, metaclass=_FunctionMeta):
    """Subclass with static forward(ctx, *args) and backward(ctx, *grads);
    call with Function.apply(*args)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom "
            "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your "
            "custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        from ._tensor import Tensor
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(
            isinstance(a, Tensor) and a.requires_grad for a in args)
        with _grad.no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not (_grad.is_grad_enabled() and any(ctx.needs_input_grad)):
            return out
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        non_diff = {id(t) for t in getattr(ctx, "non_differentiable", ())}
        cut = []
        for o in outs:
            if isinstance(o, Tensor) and id(o) not in non_diff and \
                    (o.dtype.is_floating_point or o.dtype.is_complex):
                c = o.detach()
                c.requires_grad_(True)
                cut.append(c)
            else:
                cut.append(o)
        rec = _Record()
        rec.seq = next(_seq)
        rec.cls = cls
        rec.ctx = ctx
        rec.inputs = args
        rec.outputs = [c if isinstance(c, Tensor) and c.requires_grad
                       else None for c in cut]
        rec.name = cls._backward_name
        rec.reached = False
        for c in cut:
            if isinstance(c, Tensor) and c.requires_grad:
                _remember(c, rec)
        return cut[0] if single else tuple(cut)


def once_differentiable(fn):
    """torch.autograd.function.once_differentiable: the backward runs
    without recording (as every Function's backward does here)."""
    def wrapper(ctx, *args):
        with _grad.no_grad():
            return fn(ctx, *args)
    wrapper.__name__ = getattr(fn, "__name__", "backward")
    return wrapper


def name_of(t):
    """The grad_fn name PyTorch shows for a Function's output, else None."""
    entry = _outputs.get(id(t))
    if entry is None or entry[0] is not t:
        return None
    return entry[1].name


def reaches(engine):
    """Whether any live Function output of this engine exists."""
    return any(t._engine is engine for t, _ in _live())


def run_pending(engine, retain_graph):
    """After a server backward: the Functions whose outputs got gradients,
    latest first, each followed by a backward from its inputs."""
    _depth[0] += 1
    try:
        started = next(_seq)
        _run_pending(engine, retain_graph)
    finally:
        _depth[0] -= 1
    if _depth[0] == 0:
        # What this backward did not reach, made before it, is from a graph
        # no longer in use (an evaluation pass, a discarded loss).
        for t, rec in _live():
            if t._engine is engine and rec.seq < started and \
                    not rec.reached:
                _forget(rec)


def _run_pending(engine, retain_graph):
    from ._tensor import Tensor
    while True:
        pending = {}
        for t, rec in _live():
            if t._engine is engine and t.grad is not None:
                pending[rec.seq] = rec
        if not pending:
            return
        rec = pending[max(pending)]
        rec.reached = True
        grads = []
        for t in rec.outputs:
            g = t.grad if t is not None else None
            if g is None and t is not None and \
                    getattr(rec.ctx, "materialize_grads", True):
                from . import zeros_like
                g = zeros_like(t)
            grads.append(g)
            if t is not None:
                t.grad = None
        if not retain_graph:
            _forget(rec)
        with _grad.no_grad():
            result = rec.cls.backward(rec.ctx, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        if len(result) < len(rec.inputs):
            raise RuntimeError(
                "function %s returned an incorrect number of gradients "
                "(expected %d, got %d)" % (rec.name, len(rec.inputs),
                                           len(result)))
        roots, root_grads = [], []
        for k, (x, g) in enumerate(zip(rec.inputs, result)):
            if isinstance(x, Tensor) and x.requires_grad and g is not None:
                if tuple(g.shape) != tuple(x.shape):
                    raise RuntimeError(
                        "Function %s returned an invalid gradient at index "
                        "%d - got %s but expected shape compatible with %s"
                        % (rec.name, k, list(g.shape), list(x.shape)))
                roots.append(x)
                root_grads.append(g)
        for x, g in zip(roots, root_grads):
            x.backward(g, retain_graph=True if len(roots) > 1 else
                       retain_graph)
