"""torch.distributions: Normal, Uniform, Bernoulli, Categorical,
Multinomial, Exponential, Cauchy and Geometric, drawing through the
server's ops (so the same manual_seed gives PyTorch's samples) and
computing log_prob as PyTorch does."""
import math
import numbers
import sys


__all__ = ["Distribution", "Normal", "Uniform", "Bernoulli", "Categorical",
           "Multinomial"]


def _torch():
    # the torch package this one lives in (tensord.torch, or `torch` as
    # tensorctl names it)
    return sys.modules[__name__.rsplit(".", 1)[0]]


def _size(sample_shape):
    torch = _torch()
    if isinstance(sample_shape, numbers.Integral):
        sample_shape = (sample_shape,)
    return torch.Size(tuple(sample_shape))


def broadcast_all(*values):
    """Numbers to tensors of the default dtype, then broadcast together."""
    torch = _torch()
    tensors = [v for v in values if isinstance(v, torch.Tensor)]
    dtype = tensors[0].dtype if tensors else torch.get_default_dtype()
    vs = [v if isinstance(v, torch.Tensor) else torch.tensor(float(v),
                                                               dtype=dtype)
          for v in values]
    return torch.broadcast_tensors(*vs)


def clamp_probs(probs):
    torch = _torch()
    eps = torch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    torch = _torch()
    ps = clamp_probs(probs)
    if is_binary:
        return torch.log(ps) - torch.log1p(-ps)
    return torch.log(ps)


def logits_to_probs(logits, is_binary=False):
    torch = _torch()
    if is_binary:
        return torch.sigmoid(logits)
    return torch.softmax(logits, dim=-1)


class _lazy:
    """torch's lazy_property: computed on first use, then kept in the
    instance's __dict__ (where __repr__ finds it)."""

    def __init__(self, fn):
        self.fn = fn
        self.__doc__ = fn.__doc__

    def __get__(self, obj, cls=None):
        if obj is None:
            return self
        v = self.fn(obj)
        obj.__dict__[self.fn.__name__] = v
        return v


class Distribution:
    has_rsample = False
    # The parameters, in torch's arg_constraints order, that __repr__
    # shows (those the instance holds).
    _params = ()

    def __init__(self, batch_shape=(), event_shape=()):
        torch = _torch()
        self._batch_shape = torch.Size(tuple(batch_shape))
        self._event_shape = torch.Size(tuple(event_shape))

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    def _extended_shape(self, sample_shape=()):
        torch = _torch()
        return torch.Size(tuple(_size(sample_shape)) +
                          tuple(self._batch_shape) + tuple(self._event_shape))

    def sample(self, sample_shape=()):
        torch = _torch()
        with torch.no_grad():
            return self.rsample(sample_shape)

    def sample_n(self, n):
        return self.sample((n,))

    @property
    def stddev(self):
        return self.variance.sqrt()

    def __repr__(self):
        """Name(param: value, ...), as torch's Distribution.__repr__: each
        parameter the instance holds, formatted if it has one element (a
        0-dim one as its number), else its size."""
        names = getattr(self, "arg_constraints", None) or self._params
        parts = []
        for p in names:
            if p in self.__dict__:
                v = self.__dict__[p]
                parts.append("%s: %s" % (p, format(v) if v.numel() == 1
                                         else v.size()))
        return self.__class__.__name__ + "(" + ", ".join(parts) + ")"


class Normal(Distribution):
    has_rsample = True
    _params = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return self.stddev.pow(2)

    @property
    def stddev(self):
        return self.scale

    def sample(self, sample_shape=()):
        torch = _torch()
        shape = self._extended_shape(sample_shape)
        with torch.no_grad():
            return torch.normal(self.loc.expand(shape),
                                self.scale.expand(shape))

    def rsample(self, sample_shape=()):
        torch = _torch()
        shape = self._extended_shape(sample_shape)
        eps = torch.empty(shape, dtype=self.loc.dtype).normal_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        var = self.scale ** 2
        log_scale = self.scale.log()
        return (-((value - self.loc) ** 2) / (2 * var) - log_scale -
                math.log(math.sqrt(2 * math.pi)))

    def cdf(self, value):
        torch = _torch()
        return 0.5 * (1 + torch.erf((value - self.loc) *
                                    self.scale.reciprocal() / math.sqrt(2)))

    def entropy(self):
        torch = _torch()
        return 0.5 + 0.5 * math.log(2 * math.pi) + torch.log(self.scale)


class Uniform(Distribution):
    has_rsample = True
    _params = ("low", "high")

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape)

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def variance(self):
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=()):
        torch = _torch()
        shape = self._extended_shape(sample_shape)
        rand = torch.rand(shape, dtype=self.low.dtype)
        return self.low + rand * (self.high - self.low)

    def log_prob(self, value):
        torch = _torch()
        lb = self.low.le(value).type_as(self.low)
        ub = self.high.gt(value).type_as(self.low)
        return torch.log(lb.mul(ub)) - torch.log(self.high - self.low)

    def entropy(self):
        torch = _torch()
        return torch.log(self.high - self.low)


class Bernoulli(Distribution):
    _params = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, "
                             "but not both.")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            param = self.probs
        else:
            (self.logits,) = broadcast_all(logits)
            param = self.logits
        super().__init__(param.shape)

    @_lazy
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @_lazy
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def mean(self):
        return self.probs

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        torch = _torch()
        shape = self._extended_shape(sample_shape)
        with torch.no_grad():
            return torch.bernoulli(self.probs.expand(shape))

    def log_prob(self, value):
        from ..nn import functional as F
        logits, value = broadcast_all(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value,
                                                   reduction="none")

    def entropy(self):
        from ..nn import functional as F
        return F.binary_cross_entropy_with_logits(self.logits, self.probs,
                                                  reduction="none")


class Categorical(Distribution):
    _params = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, "
                             "but not both.")
        if probs is not None:
            if probs.dim() < 1:
                raise ValueError("`probs` parameter must be at least "
                                 "one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
            self._param = self.probs
        else:
            if logits.dim() < 1:
                raise ValueError("`logits` parameter must be at least "
                                 "one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
            self._param = self.logits
        self._num_events = self._param.size()[-1]
        super().__init__(self._param.size()[:-1])

    @_lazy
    def logits(self):
        return probs_to_logits(self.probs)

    @_lazy
    def probs(self):
        return logits_to_probs(self.logits)

    @property
    def param_shape(self):
        return self._param.size()

    def sample(self, sample_shape=()):
        torch = _torch()
        sample_shape = _size(sample_shape)
        with torch.no_grad():
            probs_2d = self.probs.reshape(-1, self._num_events)
            n = 1
            for s in sample_shape:
                n *= s
            samples_2d = torch.multinomial(probs_2d, n, True).T
            return samples_2d.reshape(self._extended_shape(sample_shape))

    def log_prob(self, value):
        torch = _torch()
        value = value.long().unsqueeze(-1)
        value, log_pmf = torch.broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self):
        torch = _torch()
        min_real = torch.finfo(self.logits.dtype).min
        logits = torch.clamp(self.logits, min=min_real)
        p_log_p = logits * self.probs
        return -p_log_p.sum(-1)


class Multinomial(Distribution):
    def __init__(self, total_count=1, probs=None, logits=None,
                 validate_args=None):
        if not isinstance(total_count, numbers.Number):
            raise NotImplementedError(
                "inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape)

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        torch = _torch()
        sample_shape = _size(sample_shape)
        samples = self._categorical.sample(
            torch.Size((self.total_count,)) + sample_shape)
        # (total_count, sample_shape..., batch...) -> (..., total_count)
        shifted_idx = list(range(samples.dim()))
        shifted_idx.append(shifted_idx.pop(0))
        samples = samples.permute(*shifted_idx)
        counts = samples.new_zeros(self._extended_shape(sample_shape))
        counts.scatter_add_(-1, samples, torch.ones_like(samples))
        return counts.type_as(self.probs)

    def log_prob(self, value):
        torch = _torch()
        logits, value = broadcast_all(self.logits, value)
        logits = logits.clone()
        log_factorial_n = torch.lgamma(value.sum(-1) + 1)
        log_factorial_xs = torch.lgamma(value + 1).sum(-1)
        logits[(value == 0) & (logits == -math.inf)] = 0
        log_powers = (logits * value).sum(-1)
        return log_factorial_n - log_factorial_xs + log_powers


class Exponential(Distribution):
    has_rsample = True
    _params = ("rate",)

    def __init__(self, rate, validate_args=None):
        self.rate, = broadcast_all(rate)
        super().__init__(self.rate.shape)

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return _torch().zeros_like(self.rate)

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate.pow(-2)

    def rsample(self, sample_shape=()):
        torch = _torch()
        shape = self._extended_shape(sample_shape)
        return torch.empty(shape, dtype=self.rate.dtype).exponential_() / \
            self.rate

    def log_prob(self, value):
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        return 1 - _torch().exp(-self.rate * value)

    def icdf(self, value):
        return -_torch().log1p(-value) / self.rate

    def entropy(self):
        return 1.0 - _torch().log(self.rate)


class Cauchy(Distribution):
    has_rsample = True
    _params = ("loc", "scale")

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape)

    @property
    def mean(self):
        return _torch().full(self._extended_shape(), math.nan,
                             dtype=self.loc.dtype)

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return _torch().full(self._extended_shape(), math.inf,
                             dtype=self.loc.dtype)

    def rsample(self, sample_shape=()):
        torch = _torch()
        shape = self._extended_shape(sample_shape)
        eps = torch.empty(shape, dtype=self.loc.dtype).cauchy_()
        return self.loc + eps * self.scale

    def log_prob(self, value):
        return (-math.log(math.pi) - self.scale.log() -
                (((value - self.loc) / self.scale) ** 2).log1p())

    def cdf(self, value):
        torch = _torch()
        return torch.atan((value - self.loc) / self.scale) / math.pi + 0.5

    def icdf(self, value):
        torch = _torch()
        return torch.tan(math.pi * (value - 0.5)) * self.scale + self.loc

    def entropy(self):
        return math.log(4 * math.pi) + self.scale.log()


class Geometric(Distribution):
    _params = ("probs", "logits")

    def __init__(self, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, "
                             "but not both.")
        if probs is not None:
            self.probs, = broadcast_all(probs)
            shape = self.probs.shape
        else:
            self.logits, = broadcast_all(logits)
            shape = self.logits.shape
        super().__init__(shape)

    @_lazy
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @_lazy
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def mean(self):
        return 1.0 / self.probs - 1.0

    @property
    def variance(self):
        return (1.0 / self.probs - 1.0) / self.probs

    def sample(self, sample_shape=()):
        torch = _torch()
        shape = self._extended_shape(sample_shape)
        tiny = torch.finfo(self.probs.dtype).tiny
        with torch.no_grad():
            u = torch.empty(shape, dtype=self.probs.dtype).uniform_(tiny, 1)
            return (u.log() / (-self.probs).log1p()).floor()

    def log_prob(self, value):
        value, probs = broadcast_all(value, self.probs)
        probs = probs.clone()
        probs[(probs == 1) & (value == 0)] = 0
        return value * (-probs).log1p() + self.probs.log()

    def entropy(self):
        torch = _torch()
        return torch.nn.functional.binary_cross_entropy_with_logits(
            self.logits, self.probs, reduction="none") / self.probs


__all__ += ["Exponential", "Cauchy", "Geometric"]
