"""torch.nn.functional: activations, softmax, losses and friends, all ops
of the server's table. Only where torch's Python signature has arguments
the table does not (inplace=, _stacklevel=) is there a wrapper."""
from .. import _ops


def sigmoid(input):  # noqa: A002
    return _ops.call("sigmoid", (input,), {})


def tanh(input):  # noqa: A002
    return _ops.call("tanh", (input,), {})


def _softmax_like(name):
    def fn(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
        return _ops.call(name, (input,), {"dim": dim, "dtype": dtype})
    fn.__name__ = name
    return fn


softmax = _softmax_like("softmax")
log_softmax = _softmax_like("log_softmax")
softmin = _softmax_like("softmin")

def binary_cross_entropy_with_logits(input, target, weight=None,  # noqa: A002
                                     size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    kw = {"size_average": size_average, "reduce": reduce,
          "reduction": reduction}
    if pos_weight is not None:
        # The table's inputs are positional: an absent weight before a
        # pos_weight is passed as the number 1 (the op ignores it).
        kw["weight"] = 1 if weight is None else weight
        kw["pos_weight"] = pos_weight
    elif weight is not None:
        kw["weight"] = weight
    return _ops.call("binary_cross_entropy_with_logits", (input, target), kw)


def _conv(name):
    """conv1d/conv2d: a padding string ('same', 'valid') runs the table's
    NAME.padding."""
    def fn(input, weight, bias=None, stride=1, padding=0,  # noqa: A002
           dilation=1, groups=1):
        op = name + ".padding" if isinstance(padding, str) else name
        args = (input, weight) if bias is None else (input, weight, bias)
        return _ops.call(op, args, {"stride": stride, "padding": padding,
                                    "dilation": dilation, "groups": groups})
    fn.__name__ = name
    return fn


conv1d = _conv("conv1d")
conv2d = _conv("conv2d")


def _max_pool(name):
    """max_pool1d/max_pool2d: return_indices=True runs NAME_with_indices."""
    def fn(input, kernel_size, stride=None, padding=0,  # noqa: A002
           dilation=1, ceil_mode=False, return_indices=False):
        op = name + "_with_indices" if return_indices and \
            not name.endswith("_with_indices") else name
        return _ops.call(op, (input,), {
            "kernel_size": kernel_size, "stride": stride or None,
            "padding": padding, "dilation": dilation, "ceil_mode": ceil_mode})
    fn.__name__ = name
    return fn


max_pool1d = _max_pool("max_pool1d")
max_pool2d = _max_pool("max_pool2d")
max_pool1d_with_indices = _max_pool("max_pool1d_with_indices")
max_pool2d_with_indices = _max_pool("max_pool2d_with_indices")


# (Positional ints would otherwise fill kernel_size as one list.)
def avg_pool1d(input, kernel_size, stride=None, padding=0,  # noqa: A002
               ceil_mode=False, count_include_pad=True):
    return _ops.call("avg_pool1d", (input,), {
        "kernel_size": kernel_size, "stride": stride or None,
        "padding": padding, "ceil_mode": ceil_mode,
        "count_include_pad": count_include_pad})


def avg_pool2d(input, kernel_size, stride=None, padding=0,  # noqa: A002
               ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _ops.call("avg_pool2d", (input,), {
        "kernel_size": kernel_size, "stride": stride or None,
        "padding": padding, "ceil_mode": ceil_mode,
        "count_include_pad": count_include_pad,
        "divisor_override": divisor_override})


def _output_size(input, output_size):  # noqa: A002
    """An adaptive pool's output_size with None for "as the input"."""
    if isinstance(output_size, (list, tuple)):
        return [input.shape[input.dim() - len(output_size) + i]
                if v is None else v for i, v in enumerate(output_size)]
    return output_size


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    return _ops.call("adaptive_avg_pool2d", (input,),
                     {"output_size": _output_size(input, output_size)})


def adaptive_max_pool2d(input, output_size,  # noqa: A002
                        return_indices=False):
    op = "adaptive_max_pool2d" + ("_with_indices" if return_indices else "")
    return _ops.call(op, (input,),
                     {"output_size": _output_size(input, output_size)})


def _tensors(names, values):
    """Optional tensor inputs as keywords: an absent one before a given one
    is passed as the number 0 (the op ignores it)."""
    last = max([i for i, v in enumerate(values) if v is not None],
               default=-1)
    return {n: (0 if v is None else v)
            for i, (n, v) in enumerate(zip(names, values)) if i <= last}


def batch_norm(input, running_mean, running_var, weight=None,  # noqa: A002
               bias=None, training=False, momentum=0.1, eps=1e-05):
    kw = _tensors(("running_mean", "running_var", "weight", "bias"),
                  (running_mean, running_var, weight, bias))
    kw.update(training=training, momentum=momentum, eps=eps)
    return _ops.call("batch_norm", (input,), kw)


def layer_norm(input, normalized_shape, weight=None, bias=None,  # noqa: A002
               eps=1e-05):
    kw = _tensors(("weight", "bias"), (weight, bias))
    kw.update(normalized_shape=normalized_shape, eps=eps)
    return _ops.call("layer_norm", (input,), kw)


def group_norm(input, num_groups, weight=None, bias=None,  # noqa: A002
               eps=1e-05):
    kw = _tensors(("weight", "bias"), (weight, bias))
    kw.update(num_groups=num_groups, eps=eps)
    return _ops.call("group_norm", (input,), kw)


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    if isinstance(p, (int, float)) and (p == 0 or not training) and \
            0 <= p <= 1:
        return input  # torch returns the input itself
    out = _ops.call("dropout", (input,), {"p": p, "training": training})
    if inplace and out is not input:
        return input.copy_(out)
    return out


def embedding(input, weight, padding_idx=None, max_norm=None,  # noqa: A002
              norm_type=2.0, scale_grad_by_freq=False, sparse=False):
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise RuntimeError("tensord: embedding's max_norm, "
                           "scale_grad_by_freq and sparse are not supported")
    return _ops.call("embedding", (input, weight),
                     {"padding_idx": padding_idx})


# Activations with torch's trailing `inplace=False`: the number of
# positional arguments before it (input included). inplace=True runs the
# table's in-place op (relu_, ...).
_INPLACE_AT = {"relu": 1, "relu6": 1, "selu": 1, "silu": 1, "mish": 1,
               "hardsigmoid": 1, "hardswish": 1, "leaky_relu": 2, "elu": 2,
               "celu": 2, "hardtanh": 3}


def _with_inplace(name, n_before):
    def fn(*args, **kwargs):
        args = list(args)
        inplace = kwargs.pop("inplace", False)
        if len(args) > n_before:
            inplace = args.pop(n_before)
        return _ops.call(name + "_" if inplace else name, args, kwargs)
    fn.__name__ = name
    return fn


def __getattr__(name):
    from ... import _session
    if name in _INPLACE_AT:
        return _with_inplace(name, _INPLACE_AT[name])
    if name.startswith("__") or \
            name not in _session.current_session().engine.schemas:
        raise AttributeError(
            "module 'torch.nn.functional' has no attribute '%s'" % name)

    def fn(*args, **kwargs):
        return _ops.call(name, args, kwargs)
    fn.__name__ = name
    return fn
