"""The lazy engine of a session: ops are recorded into one Execute request
and sent together when Python needs a value, when a statement ends
(tensord._trace), or at the latest when the session closes.

A tensor is pending (an output of a node of the request being built) until
the request runs; then it has the handle the server keeps it under, its
info (dtype, shape, flags) and, if it was asked for, its value. Tensors
Python lets go of are released with the next request.
"""
import weakref

from . import _C
from . import _numpy_bridge
from . import _trace

# record's default `site`: find the user's frame itself.
_UNKNOWN = object()
_TORCH = []


def _torch_modules():
    """(Tensor, _dtypes) of tensord.torch, imported on first use (it
    imports this module)."""
    if not _TORCH:
        from .torch._tensor import Tensor
        from .torch import _dtypes
        _TORCH.extend((Tensor, _dtypes))
    return _TORCH


class Engine:
    def __init__(self, session):
        self.session = session
        self.c = session._c
        self.req = _C.Request()
        self.pending = []   # (weakref to Tensor, node, output)
        self.updates = []   # (node, weakref to Tensor): info from a probe
        self.holds = []     # probes kept alive until their request runs
        self.released = []  # handles of tensors Python let go of
        self.lines = []     # per node: the script line that recorded it
        self.epoch = 0      # round trips that may have changed tensors
        self.round_trips = 0
        self.trips = []     # per round trip: the line that recorded it
        self.busy = False   # inside flush: the trace must not flush again
        self.name_releases = []  # session names to release
        self.variable = []  # (node, list to fill): outputs the server counts
        self.live = {}  # id -> weakref of tensors holding handles
        self.schemas = {s["name"]: s for s in self._list_ops()}
        self.factory_grad_nodes = set()
        # Whether a leaf has a .grad changes only with backward (and set to
        # None): leaves' infos are refreshed in the request that runs a
        # backward, so `x.grad` knows without a round trip of its own.
        self.grad_epoch = 0
        self.grad_leaves = {}  # id -> weakref (tensors compare with ==)
        self.has_backward = False
        self.backward_node = -1
        _trace.register(self)

    def _list_ops(self):
        try:
            return self.c.list_ops()
        except _C.Error as e:
            from .torch._errors import translate
            raise translate(e) from None

    # ------------------------------------------------------------ recording

    def ref(self, v):
        """The wire input for `v`: a tensor of this session, or a number."""
        if isinstance(v, _torch_modules()[0]):
            if v._engine is not self:
                raise RuntimeError(
                    "a tensor of another tensord session cannot be used here")
            if _numpy_bridge._sources:
                _numpy_bridge.sync(v)
            if v._dead is not None:
                raise RuntimeError(
                    "this tensor was made by a statement that failed: %s" %
                    v._dead)
            if v._node >= 0:
                return ("o", v._node, v._out)
            if v._handle:
                return ("h", v._handle)
            if v._name:
                return ("n", v._name)
            raise RuntimeError("a tensor without a value")
        if isinstance(v, (bool, int, float, complex)):
            return ("s", v)
        raise TypeError("expected a Tensor or a number, got %s" %
                        type(v).__name__)

    # Recorded ops are sent once this many are pending, whatever else.
    MAX_PENDING = 4096

    def record(self, op, inputs, attrs, n_outputs, no_grad, generator=0,
               site=_UNKNOWN):
        """Appends a node; returns its outputs as pending tensors.
        `generator`: the number of the torch.Generator its draws come from
        (0: the session's default generator). `site`: the user's frame
        running now (_trace.site()), when the caller knows it."""
        Tensor, _dtypes = _torch_modules()
        refs = [x if isinstance(x, tuple) else self.ref(x) for x in inputs]
        node = self.req.add(op, refs, attrs)
        if no_grad:  # each node has its grad mode: one request mixes them
            self.req.set_node_no_grad(node, True)
        default = _dtypes.default_dtype()
        if default is not _dtypes.float32:  # and its default dtype
            self.req.set_node_default_dtype(node, default._wire)
        if len(self.req) >= self.MAX_PENDING and not self.busy:
            self.flush()
        if generator:
            self.req.set_generator(node, generator)
        if op == "backward":
            self.has_backward = True
            self.backward_node = node
        self.lines.append(_trace.current_line() if site is _UNKNOWN
                          else _trace.line_of(site))
        outs = []
        for k in range(n_outputs):
            t = Tensor._pending(self, node, k)
            self.pending.append((weakref.ref(t), node, k))
            outs.append(t)
        return outs

    def record_variable(self, op, inputs, attrs, no_grad, generator=0):
        """Runs an op whose number of outputs the server decides (split,
        unbind, nonzero(as_tuple=True), ...): records it, runs the request
        and returns its outputs as resolved tensors."""
        self.record(op, inputs, attrs, 0, no_grad, generator)
        node = len(self.req) - 1
        self.req.set_keep(node, True)
        outs = []
        self.variable.append((node, outs))
        self.flush()
        return outs

    def knows_grad(self, t):
        """True/False when `t` is known to have / not have a .grad now,
        None when that takes a round trip."""
        if t._node >= 0 or t._info is None or t._info_epoch < self.grad_epoch \
                or self.has_backward:
            return None
        return bool(t._info[7])

    def statement_op_done(self, site=_UNKNOWN):
        """Called after each op a script calls: inside a try block the
        request runs now, so an error raises inside the block (a statement
        boundary there may already be outside it). `site` as for record."""
        if len(self.req) and (_trace.must_run_now() if site is _UNKNOWN
                              else _trace.run_now_from(site)):
            self.flush()

    def update_from(self, node, target):
        """`target`'s info (and value, if asked) is read from output 0 of
        `node` when the request runs (an in-place op, or a probe). A value
        read before is stale from now on."""
        target._value_epoch = -1
        self.updates.append((node, weakref.ref(target)))

    def probe(self, t, value=False, fresh=False):
        """Makes sure `t`'s info (and its value, if `value`) is known, and
        with `fresh`, that the info is as of now (flags change through
        in-place ops on views and through backward)."""
        if t._dead is not None:
            raise RuntimeError(
                "this tensor was made by a statement that failed: %s" % t._dead)
        if _numpy_bridge._sources:
            _numpy_bridge.sync(t)
        if t._node >= 0:
            # The info that comes back is as of the op that made t: with
            # later ops pending (say an in-place op on a view of t), fresh
            # info needs one more probe after them.
            stale = fresh and t._node < len(self.req) - 1
            if value and t._node == len(self.req) - 1:
                self.req.set_return(t._node, True)
            elif value:
                self._alias_probe(t, value)
            if value:
                self._prefetch(t)
            self.flush()
            if stale:
                self._alias_probe(t, False)
                self.flush()
            return
        # A value or fresh info read before is current only while no op
        # is pending (a pending op may write the tensor through a view).
        current = not len(self.req)
        if value:
            if t._value is not None and t._value_epoch == self.epoch and \
                    current:
                return
        elif t._info is not None and (not fresh or (
                t._info_epoch == self.epoch and current)):
            return
        self._alias_probe(t, value)
        if value:
            self._prefetch(t)
        self.flush()

    # Small values of the statement's other results come with a value
    # probe: `print(a, b)` is one round trip.
    PREFETCH_BYTES = 1 << 16

    def _prefetch(self, t):
        line = self.lines[-1] if self.lines else None
        last = len(self.req) - 1
        for w, node, _k in self.pending:
            u = w()
            if u is None or u is t or u._probe or node == last:
                continue
            if self.lines[node] == line:
                self.req.set_return(node, True, self.PREFETCH_BYTES)

    def _alias_probe(self, t, value):
        """An alias node that reads `t` as it is at this point of the
        request; its info (and value) go to `t`."""
        (p,) = self.record("alias", [t], {}, 1, False)
        p._probe = True
        if value:
            self.req.set_return(p._node, True)
        self.update_from(p._node, t)
        self.holds.append(p)

    # ------------------------------------------------------------- running

    def flush(self):
        """Sends the request built so far (if any) and resolves its
        tensors; raises PyTorch's exception if a node failed."""
        if (not len(self.req) and not self.name_releases) or self.busy:
            return
        self.busy = True
        try:
            self._flush()
        finally:
            self.busy = False

    def _flush(self):
        if self.has_backward:
            # Leaves' has_grad as of after the backward, in the same trip.
            for w in list(self.grad_leaves.values()):
                t = w()
                if t is not None and t._node < 0 and t._dead is None and (t._handle or t._name):
                    self._alias_probe(t, False)
        had_backward, self.has_backward = self.has_backward, False
        req, self.req = self.req, _C.Request()
        pending, self.pending = self.pending, []
        variable, self.variable = self.variable, []
        updates, self.updates = self.updates, []
        holds, self.holds = self.holds, []
        lines, self.lines = self.lines, []
        self.factory_grad_nodes = set()
        alive = []
        for w, node, k in pending:
            t = w()
            if t is not None:
                alive.append((t, node, k))
                if not t._probe:
                    req.set_keep(node, True)
        released, self.released = self.released, []
        for h in released:
            req.release_handle(h)
        names, self.name_releases = self.name_releases, []
        for n in names:
            req.release_name(n)
        self.round_trips += 1
        self.trips.append(lines[0] if lines else None)
        self.epoch += 1
        try:
            results = self.c.execute(req)
        except _C.Error as e:
            from .torch._errors import translate
            err = translate(e)
            node = e.args[2]
            if node in self.factory_grad_nodes and isinstance(
                    err, RuntimeError) and "floating point" in str(err):
                err = RuntimeError("Only Tensors of floating point and "
                                   "complex dtype can require gradients")
            if 0 <= node < len(lines) and lines[node] is not None:
                err._tensord_line = lines[node]
            for t, _, _ in alive:
                t._node = -1
                t._dead = str(err)
            if "release:" in e.args[5]:
                pass  # our bookkeeping was wrong; do not fail forever
            else:
                self.released.extend(released)
            raise err from None
        if had_backward:
            self.grad_epoch = self.epoch
        for t, node, k in alive:
            info, value = results[node][k]
            t._resolve(info, value, self.epoch)
            if t._handle and not t._probe:
                key = id(t)
                live = self.live
                live[key] = weakref.ref(t, lambda _w, key=key: live.pop(key, None))
            if info[0] and info[4] and info[5] and not t._probe:
                self._track_leaf(t)
        from .torch._tensor import Tensor
        for node, outs in variable:
            for k, (info, value) in enumerate(results[node]):
                t = Tensor._pending(self, node, k)
                t._resolve(info, value, self.epoch)
                if t._handle:
                    key = id(t)
                    live = self.live
                    live[key] = weakref.ref(
                        t, lambda _w, key=key: live.pop(key, None))
                outs.append(t)
        for node, w in updates:
            t = w()
            if t is None or not results[node]:
                continue
            info, value = results[node][0]
            t._refresh(info, value, self.epoch)
            if info[0] and info[4] and info[5]:
                self._track_leaf(t)
        if had_backward:
            # Infos read before the backward in this request have flags
            # (has a .grad) from before it: not known as of now.
            # (A probe after the backward, e.g. of a tracked leaf, is.)
            after = {id(w()) for node, w in updates
                     if node > self.backward_node and w() is not None}
            stale = [t for t, node, _k in alive if node < self.backward_node]
            stale += [w() for node, w in updates
                      if node < self.backward_node and w() is not None]
            for t in stale:
                if id(t) not in after:
                    t._info_epoch = self.epoch - 1
        del holds

    def _track_leaf(self, t):
        key = id(t)
        leaves = self.grad_leaves
        leaves[key] = weakref.ref(t, lambda _w: leaves.pop(key, None))

    def set_grad_to_none(self, t):
        """t.grad = None (torch's zero_grad(set_to_none=True))."""
        self.flush()
        kind, ref = ("h", t._handle) if t._handle else ("n", t._name)
        try:
            self.c.zero_grad(kind, ref, True)
        except _C.Error as e:
            from .torch._errors import translate
            raise translate(e) from None
        self.epoch += 1
        self.grad_epoch = self.epoch
        if t._info is not None:
            info = list(t._info)
            info[7] = False
            t._info = tuple(info)
            t._info_epoch = self.epoch

    def bind_name(self, t, name):
        """Binds the session name `name` to `t` with the next request."""
        (p,) = self.record("alias", [t], {}, 1, False)
        p._probe = True
        self.req.bind(p._node, 0, name)
        self.holds.append(p)

    def release_name(self, name):
        """Releases the session name `name` with the next request."""
        self.name_releases.append(name)

    def release(self, handle):
        self.released.append(handle)
        if len(self.released) >= 4096 and not len(self.req):
            self.release_all()

    def release_all(self):
        """Releases every handle this engine holds, also of tensors still
        alive (a session that outlives the program: tensorctl --session)."""
        handles, self.released = self.released, []
        for w in list(self.live.values()):
            t = w()
            if t is not None and t._handle:
                handles.append(t._handle)
                t._handle = ""
        self.live.clear()
        if handles:
            try:
                self.c.release(handles)
            except _C.Error:
                pass
