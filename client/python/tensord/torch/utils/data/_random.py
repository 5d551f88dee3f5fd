"""The random draws torch.utils.data makes, in PyTorch 1.13's order, on the
server's generators. Everything random in this package goes through these
helpers, so the draws (and with them every later torch.rand) match
PyTorch's:

    seed = draw_seed(generator)      # torch.empty((), dtype=torch.int64)
                                     #      .random_(generator=generator)
    g = seeded_generator(seed)       # torch.Generator(); g.manual_seed(seed)
    perm = randperm(n, g)            # torch.randperm(n, generator=g)
"""
import builtins

_INT63 = 1 << 63


def _torch():
    from .... import torch  # tensord.torch (imported lazily: no cycle)
    return torch


def _engine():
    from .... import _session
    return _session.current_session().engine


def _generator_kw(generator):
    return {} if generator is None else {"generator": generator}


def draw_seed(generator=None):
    """One 64-bit draw of `generator` (the default one for None), as an int
    in [0, 2**63): what torch.empty((), dtype=torch.int64).random_() gives."""
    torch = _torch()
    if "random_" in _engine().schemas:
        t = torch.empty((), dtype=torch.int64)
        return builtins.int(t.random_(**_generator_kw(generator)).item())
    if generator is not None:
        raise NotImplementedError(
            "tensord: this server has no Tensor.random_(generator=...); a "
            "DataLoader or sampler generator needs it")
    # The same single random64() draw, through randint's full int64 range:
    # randint(-2**63, 2**63 - 1) gives r % (2**64 - 1) - 2**63 for the draw r.
    v = torch.randint(-_INT63, _INT63 - 1, ()).item()
    return (v + _INT63) % (1 << 64) % _INT63


def seeded_generator(seed):
    """A new torch.Generator seeded with `seed`."""
    torch = _torch()
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def randperm(n, generator=None):
    """torch.randperm(n, generator=generator) as a list of ints."""
    return _torch().randperm(n, **_generator_kw(generator)).tolist()


def randint(high, size, generator=None):
    """torch.randint(high=high, size=(size,), dtype=torch.int64,
    generator=generator) as a list of ints."""
    torch = _torch()
    return torch.randint(0, high, (size,), dtype=torch.int64,
                         **_generator_kw(generator)).tolist()


def multinomial(weights, num_samples, replacement, generator=None):
    """torch.multinomial(weights, num_samples, replacement,
    generator=generator) as a list of ints."""
    return _torch().multinomial(weights, num_samples, replacement,
                                **_generator_kw(generator)).tolist()
