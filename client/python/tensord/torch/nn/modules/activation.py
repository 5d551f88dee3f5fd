"""Activation modules (PyTorch 1.13's reprs) and MultiheadAttention."""
from ..._ops import torch_function
from .. import functional as F
from ..init import constant_, xavier_normal_, xavier_uniform_
from ..parameter import Parameter
from .linear import NonDynamicallyQuantizableLinear
from .module import Module

empty = torch_function("empty")


def _inplace_only(name, fn):
    """An activation whose only option is inplace (ReLU, SiLU, ...)."""
    def __init__(self, inplace=False):
        Module.__init__(self)
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return fn(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""
    return type(name, (Module,), {"__init__": __init__, "forward": forward,
                                  "extra_repr": extra_repr})


def _plain(name, fn):
    """An activation without options (Sigmoid, Tanh, ...)."""
    def forward(self, input):  # noqa: A002
        return fn(input)
    return type(name, (Module,), {"forward": forward})


ReLU = _inplace_only("ReLU", lambda x, inplace: F.relu(x, inplace=inplace))
ReLU6 = _inplace_only("ReLU6", lambda x, inplace: F.relu6(x, inplace=inplace))
SiLU = _inplace_only("SiLU", lambda x, inplace: F.silu(x, inplace=inplace))
Mish = _inplace_only("Mish", lambda x, inplace: F.mish(x, inplace=inplace))
SELU = _inplace_only("SELU", lambda x, inplace: F.selu(x, inplace=inplace))
Hardswish = _inplace_only("Hardswish",
                          lambda x, inplace: F.hardswish(x, inplace=inplace))
Hardsigmoid = _inplace_only(
    "Hardsigmoid", lambda x, inplace: F.hardsigmoid(x, inplace=inplace))
Sigmoid = _plain("Sigmoid", lambda x: x.sigmoid())
Tanh = _plain("Tanh", lambda x: x.tanh())
LogSigmoid = _plain("LogSigmoid", lambda x: F.logsigmoid(x))
Softsign = _plain("Softsign", lambda x: F.softsign(x))


class LeakyReLU(Module):
    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return "negative_slope=%s%s" % (
            self.negative_slope, ", inplace=True" if self.inplace else "")


class ELU(Module):
    def __init__(self, alpha=1., inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):  # noqa: A002
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return "alpha=%s%s" % (self.alpha,
                               ", inplace=True" if self.inplace else "")


class CELU(ELU):
    def forward(self, input):  # noqa: A002
        return F.celu(input, self.alpha, self.inplace)


class Hardtanh(Module):
    def __init__(self, min_val=-1., max_val=1., inplace=False):
        super().__init__()
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        assert self.max_val > self.min_val

    def forward(self, input):  # noqa: A002
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return "min_val=%s, max_val=%s%s" % (
            self.min_val, self.max_val,
            ", inplace=True" if self.inplace else "")


class GELU(Module):
    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):  # noqa: A002
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return "approximate=%r" % (self.approximate,)


class Softplus(Module):
    def __init__(self, beta=1, threshold=20):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):  # noqa: A002
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return "beta=%s, threshold=%s" % (self.beta, self.threshold)


def _softmax_module(name, fn):
    def __init__(self, dim=None):
        Module.__init__(self)
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return fn(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return "dim=%s" % (self.dim,)
    return type(name, (Module,), {"__init__": __init__, "forward": forward,
                                  "extra_repr": extra_repr})


Softmax = _softmax_module("Softmax", F.softmax)
LogSoftmax = _softmax_module("LogSoftmax", F.log_softmax)
Softmin = _softmax_module("Softmin", F.softmin)


class MultiheadAttention(Module):
    def __init__(self, embed_dim, num_heads, dropout=0., bias=True,
                 add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None,
                 batch_first=False, device=None, dtype=None):
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and \
            self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        assert self.head_dim * num_heads == self.embed_dim, \
            "embed_dim must be divisible by num_heads"
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim),
                                                 dtype=dtype))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim),
                                                 dtype=dtype))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim),
                                                 dtype=dtype))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim),
                                                  dtype=dtype))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(
            embed_dim, embed_dim, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), dtype=dtype))
            self.bias_v = Parameter(empty((1, 1, embed_dim), dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            xavier_uniform_(self.in_proj_weight)
        else:
            xavier_uniform_(self.q_proj_weight)
            xavier_uniform_(self.k_proj_weight)
            xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            constant_(self.in_proj_bias, 0.)
            constant_(self.out_proj.bias, 0.)
        if self.bias_k is not None:
            xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None,
                need_weights=True, attn_mask=None, average_attn_weights=True):
        is_batched = query.dim() == 3
        # (PyTorch's fused fast path, taken in eval mode without grad, computes
        # the same function; this is its general path.)
        if self.batch_first and is_batched:
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = [x.transpose(1, 0) for x in (query, key)]
                    value = key
            else:
                query, key, value = [x.transpose(1, 0)
                                     for x in (query, key, value)]
        kw = dict(training=self.training, key_padding_mask=key_padding_mask,
                  need_weights=need_weights, attn_mask=attn_mask,
                  average_attn_weights=average_attn_weights)
        if not self._qkv_same_embed_dim:
            kw.update(use_separate_proj_weight=True,
                      q_proj_weight=self.q_proj_weight,
                      k_proj_weight=self.k_proj_weight,
                      v_proj_weight=self.v_proj_weight)
        out, weights = F.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads,
            self.in_proj_weight, self.in_proj_bias, self.bias_k, self.bias_v,
            self.add_zero_attn, self.dropout, self.out_proj.weight,
            self.out_proj.bias, **kw)
        if self.batch_first and is_batched:
            return out.transpose(1, 0), weights
        return out, weights


for _c in (ReLU, ReLU6, SiLU, Mish, SELU, Hardswish, Hardsigmoid, Sigmoid,
           Tanh, LogSigmoid, Softsign, LeakyReLU, ELU, CELU, Hardtanh, GELU,
           Softplus, Softmax, LogSoftmax, Softmin, MultiheadAttention):
    _c.__module__ = "torch.nn.modules.activation"
