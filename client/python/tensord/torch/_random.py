"""torch.Generator over the session's generators.

The session keeps torch's default generator and, for each live
torch.Generator of the client, another mt19937 by number (OpNode.generator):
a random op called with generator=g draws from g's state on the server, as
torch's CPU kernels draw from theirs. Numbers are reused once a Generator is
garbage collected; a new Generator reseeds its number first, so it starts
from torch's default seed whatever the number served before.
"""
import builtins
import os

from .. import _session
from . import _grad

DEFAULT_SEED = 67280421310721
_MASK64 = (1 << 64) - 1


def _check_seed(seed):
    if isinstance(seed, builtins.bool) or not isinstance(seed, builtins.int):
        raise TypeError("manual_seed expected a long as the seed")
    if seed < -(1 << 63) or seed > _MASK64:
        raise RuntimeError("Overflow when unpacking long")
    # torch keeps the seed as uint64; the wire carries it as int64.
    seed &= _MASK64
    return seed - (1 << 64) if seed >= (1 << 63) else seed


class Generator:
    """torch.Generator(device='cpu'): an independent random stream of the
    current session."""

    def __init__(self, device="cpu"):
        if device not in (None, "cpu") and str(device) != "cpu":
            raise RuntimeError("tensord runs on the server's CPU; device=%r "
                               "is not available" % (device,))
        self._engine = _session.current_session().engine
        e = self._engine
        free = e.__dict__.setdefault("_generator_free", [])
        if free:
            self._number = free.pop()
        else:
            self._number = e.__dict__.get("_generator_next", 1)
            e._generator_next = self._number + 1
        self._initial_seed = DEFAULT_SEED
        self._seed_on_server(DEFAULT_SEED)

    @property
    def device(self):
        from ._device import CPU
        return CPU

    def _seed_on_server(self, seed):
        self._engine.record("manual_seed", [], {"seed": _check_seed(seed)}, 0,
                            not _grad.is_grad_enabled(), self._number)
        self._engine.statement_op_done()

    def manual_seed(self, seed):
        wire = _check_seed(seed)
        self._seed_on_server(wire)
        self._initial_seed = wire & _MASK64
        return self

    def seed(self):
        """Reseeds from a non-deterministic source; returns the seed."""
        s = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._initial_seed

    def get_state(self):
        """The state as torch lays it out: 5056 bytes (int64 elements:
        tensord has no uint8)."""
        e = self._engine
        (state,) = e.record("get_rng_state", [], {}, 1,
                            not _grad.is_grad_enabled(), self._number)
        e.statement_op_done()
        return state

    def set_state(self, new_state):
        from ._tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError("expected a torch.ByteTensor, but got %s" %
                            type(new_state).__name__)
        e = self._engine
        e.record("set_rng_state", [new_state], {}, 0,
                 not _grad.is_grad_enabled(), self._number)
        e.statement_op_done()
        return self

    def __del__(self):
        try:
            if self._number:
                self._engine.__dict__.setdefault(
                    "_generator_free", []).append(self._number)
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __repr__(self):
        return "<torch.Generator object at 0x%x>" % id(self)


class _DefaultGenerator(Generator):
    """torch.default_generator: the session's own generator (number 0)."""

    def __init__(self):  # noqa: D107 - no server state to make
        self._number = 0
        self._initial_seed = DEFAULT_SEED

    @property
    def _engine(self):
        return _session.current_session().engine

    def _seed_on_server(self, seed):
        e = self._engine
        e.record("manual_seed", [], {"seed": seed}, 0,
                 not _grad.is_grad_enabled())
        e.statement_op_done()


# type(g) prints <class 'torch._C.Generator'>, as under PyTorch (for
# torch.default_generator too).
Generator.__module__ = _DefaultGenerator.__module__ = "torch._C"
_DefaultGenerator.__name__ = _DefaultGenerator.__qualname__ = "Generator"

default_generator = _DefaultGenerator()


def generator_number(fname, g, engine):
    """The wire number of `g` (a generator= argument) for op `fname`."""
    if g is None:
        return 0
    if not isinstance(g, Generator):
        raise TypeError("%s(): argument 'generator' must be torch.Generator, "
                        "not %s" % (fname, type(g).__name__))
    if g._number and g._engine is not engine:
        raise RuntimeError("%s(): the generator belongs to another tensord "
                           "session" % fname)
    return g._number
