"""torch.nn.functional: activations, softmax, losses and friends, all ops
of the server's table. Only where torch's Python signature has arguments
the table does not (inplace=, _stacklevel=) is there a wrapper."""
import math
import warnings

from .. import _ops


def sigmoid(input):  # noqa: A002
    return _ops.call("sigmoid", (input,), {})


def tanh(input):  # noqa: A002
    return _ops.call("tanh", (input,), {})


def _get_softmax_dim(name, ndim, stacklevel):
    """torch's choice of dim when none is given, with its deprecation
    warning pointing at the caller's line (stacklevel as torch counts)."""
    warnings.warn(
        "Implicit dimension choice for {} has been deprecated. "
        "Change the call to include dim=X as an argument.".format(name),
        stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_like(name):
    def fn(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
        if dim is None and hasattr(input, "dim"):
            dim = _get_softmax_dim(name, input.dim(), _stacklevel)
        return _ops.call(name, (input,), {"dim": dim, "dtype": dtype})
    fn.__name__ = name
    return fn


def _size_checked(name):
    """A loss that warns, as torch's does, when target and input differ in
    size (they broadcast), pointing at the caller's line."""
    def fn(input, target, *args, **kwargs):  # noqa: A002
        if callable(getattr(input, "size", None)) and \
                callable(getattr(target, "size", None)) and \
                target.size() != input.size():
            warnings.warn(
                "Using a target size ({}) that is different to the input "
                "size ({}). This will likely lead to incorrect results due "
                "to broadcasting. Please ensure they have the same size."
                .format(target.size(), input.size()), stacklevel=2)
        return _ops.call(name, (input, target) + args, kwargs)
    fn.__name__ = name
    return fn


mse_loss = _size_checked("mse_loss")
l1_loss = _size_checked("l1_loss")
smooth_l1_loss = _size_checked("smooth_l1_loss")
huber_loss = _size_checked("huber_loss")

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


def instance_norm(input, running_mean=None, running_var=None,  # noqa: A002
                  weight=None, bias=None, use_input_stats=True, momentum=0.1,
                  eps=1e-05):
    """As ATen's: batch_norm over the input viewed as one sample of N*C
    channels, the per-channel arguments repeated N times; running stats are
    updated with the mean over the N copies."""
    from .. import _grad
    shape = tuple(input.shape)
    if len(shape) < 3:
        raise ValueError("Expected 2D (unbatched) or 3D (batched) input to "
                         "instance_norm, but got input of size: %s" %
                         list(shape))
    b, c = shape[0], shape[1]
    x = input.contiguous().view((1, b * c) + shape[2:])

    def rep(t):
        return None if t is None else t.repeat(b)
    rm, rv = rep(running_mean), rep(running_var)
    out = batch_norm(x, rm, rv, rep(weight), rep(bias),
                     training=use_input_stats, momentum=momentum, eps=eps)
    with _grad.no_grad():
        if running_mean is not None:
            running_mean.copy_(rm.view(b, c).mean(0))
        if running_var is not None:
            running_var.copy_(rv.view(b, c).mean(0))
    return out.view_as(input)


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


def linear(input, weight, bias=None):  # noqa: A002
    args = (input, weight) if bias is None else (input, weight, bias)
    return _ops.call("linear", args, {})


def bilinear(input1, input2, weight, bias=None):
    """y = x1^T A x2 + b over the last dims, written over matmul."""
    out_f, in1, in2 = weight.shape
    lead = tuple(input1.shape[:-1])
    flat = len(lead) == 1
    x1 = input1 if flat else input1.reshape(-1, in1)
    x2 = input2 if flat else input2.reshape(-1, in2)
    w = weight.permute(1, 0, 2).reshape(in1, out_f * in2)
    y = ((x1 @ w).reshape(-1, out_f, in2) * x2.unsqueeze(1)).sum(-1)
    if bias is not None:
        y = y + bias
    return y if flat else y.reshape(lead + (out_f,))


def _pair(v):
    return tuple(v) if isinstance(v, (list, tuple)) else (v, v)


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    return _ops.call("pad", (input,), {"pad": list(pad), "mode": mode,
                                        "value": value})


def _conv_transpose(name):
    def fn(input, weight, bias=None, stride=1, padding=0,  # noqa: A002
           output_padding=0, groups=1, dilation=1):
        args = (input, weight) if bias is None else (input, weight, bias)
        return _ops.call(name, args, {
            "stride": stride, "padding": padding,
            "output_padding": output_padding, "groups": groups,
            "dilation": dilation})
    fn.__name__ = name
    return fn


conv_transpose1d = _conv_transpose("conv_transpose1d")
conv_transpose2d = _conv_transpose("conv_transpose2d")


def _two(**params):
    """im2col/col2im's parameters: _pair'ed, then exactly two values each
    (the table takes one value as both)."""
    out = {}
    for name, v in params.items():
        v = _pair(v)
        if len(v) != 2:
            raise RuntimeError("It is expected %s equals to 2, but got size %d"
                               % (name, len(v)))
        out[name] = list(v)
    return out


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    return _ops.call("im2col", (input,), _two(
        kernel_size=kernel_size, dilation=dilation, padding=padding,
        stride=stride))


def fold(input, output_size, kernel_size, dilation=1, padding=0,  # noqa: A002
         stride=1):
    return _ops.call("col2im", (input,), _two(
        output_size=output_size, kernel_size=kernel_size, dilation=dilation,
        padding=padding, stride=stride))


_INTERP_MODES = ("nearest | linear | bilinear | bicubic | trilinear | area | "
                 "nearest-exact")


def interpolate(input, size=None, scale_factor=None,  # noqa: A002
                mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """torch 1.13's checks and sizes; modes nearest (3-d, 4-d input) and
    bilinear (4-d) run the table's upsample kernels."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the "
                "interpolating modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    elif size is not None:
        scale_factors = None
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial "
                    "dimensions, but got input with spatial dimensions of "
                    f"{list(input.shape[2:])} and output size of {size}. "
                    "Please provide input tensor in (N, C, d1, d2, ...,dK) "
                    "format and output size in (o1, o2, ...,oK) format.")
            output_size = list(size)
        else:
            output_size = [size for _ in range(dim)]
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of "
                    "spatial dimensions, but got input with spatial "
                    f"dimensions of {list(input.shape[2:])} and scale_factor "
                    f"of shape {scale_factor}. Please provide input tensor "
                    "in (N, C, d1, d2, ...,dK) format and scale_factor in "
                    "(s1, s2, ...,sK) format.")
            scale_factors = [float(v) for v in scale_factor]
        else:
            scale_factors = [float(scale_factor) for _ in range(dim)]
        output_size = [int(math.floor(float(input.size(i + 2)) *
                                      scale_factors[i])) for i in range(dim)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an "
                         "explicit size.")
    if recompute_scale_factor:
        scale_factors = None
    if antialias and not (mode in ("bilinear", "bicubic") and
                          input.ndim == 4):
        raise ValueError("Anti-alias option is only supported for bilinear "
                         "and bicubic modes")
    sc = scale_factors or [None] * max(dim, 0)
    if input.dim() == 3 and mode == "nearest":
        return _ops.call("upsample_nearest1d", (input,),
                         {"output_size": output_size, "scales": sc[0]})
    if input.dim() == 4 and mode == "nearest":
        return _ops.call("upsample_nearest2d", (input,), {
            "output_size": output_size, "scales_h": sc[0],
            "scales_w": sc[1]})
    if input.dim() == 4 and mode == "bilinear" and not antialias:
        return _ops.call("upsample_bilinear2d", (input,), {
            "output_size": output_size, "align_corners": align_corners,
            "scales_h": sc[0], "scales_w": sc[1]})
    if input.dim() == 3 and mode == "bilinear":
        raise NotImplementedError("Got 3D input, but bilinear mode needs "
                                  "4D input")
    elif input.dim() == 4 and mode == "linear":
        raise NotImplementedError("Got 4D input, but linear mode needs 3D "
                                  "input")
    elif input.dim() == 5 and mode in ("bilinear", "linear"):
        raise NotImplementedError("Got 5D input, but %s mode needs %dD input"
                                  % (mode, 4 if mode == "bilinear" else 3))
    elif input.dim() not in (3, 4, 5):
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            "{}D) for the modes: {} (got {})".format(input.dim(),
                                                     _INTERP_MODES, mode))
    elif mode not in _INTERP_MODES.split(" | "):
        raise NotImplementedError(
            "Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            "{}D) for the modes: {} (got {})".format(input.dim(),
                                                     _INTERP_MODES, mode))
    raise NotImplementedError(
        "tensord: F.interpolate supports mode 'nearest' (3-D, 4-D input) "
        "and 'bilinear' (4-D) only (got mode %r for %dD input)" %
        (mode, input.dim()))


def upsample(input, size=None, scale_factor=None, mode="nearest",  # noqa: A002
             align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):  # noqa: A002
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):  # noqa: A002
    return interpolate(input, size, scale_factor, mode="bilinear",
                       align_corners=True)


def _weighted_loss(name):
    def fn(input, target, weight=None, size_average=None,  # noqa: A002
           ignore_index=-100, reduce=None, reduction="mean", **extra):
        args = (input, target) if weight is None else (input, target, weight)
        kw = {"size_average": size_average, "reduce": reduce,
              "reduction": reduction}
        if name != "binary_cross_entropy":
            kw["ignore_index"] = ignore_index
        kw.update(extra)
        return _ops.call(name, args, kw)
    fn.__name__ = name
    return fn


_cross_entropy = _weighted_loss("cross_entropy")
nll_loss = _weighted_loss("nll_loss")


def cross_entropy(input, target, weight=None, size_average=None,  # noqa: A002
                  ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    return _cross_entropy(input, target, weight, size_average, ignore_index,
                          reduce, reduction, label_smoothing=label_smoothing)


def binary_cross_entropy(input, target, weight=None,  # noqa: A002
                         size_average=None, reduce=None, reduction="mean"):
    args = (input, target) if weight is None else (input, target, weight)
    return _ops.call("binary_cross_entropy", args, {
        "size_average": size_average, "reduce": reduce,
        "reduction": reduction})


def _pieces(t, sizes, dim):
    """t.split(sizes, dim) recorded lazily (narrow views; the server's
    split counts its outputs itself, which takes a round trip)."""
    out, start = [], 0
    for n in sizes:
        out.append(t.narrow(dim, start, n))
        start += n
    return out


def _chunks(t, n, dim):
    """t.chunk(n, dim) for a size that n divides, lazily."""
    size = t.shape[dim] // n
    return _pieces(t, [size] * n, dim)


def multi_head_attention_forward(
        query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
        in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p,
        out_proj_weight, out_proj_bias, training=True, key_padding_mask=None,
        need_weights=True, attn_mask=None, use_separate_proj_weight=False,
        q_proj_weight=None, k_proj_weight=None, v_proj_weight=None,
        static_k=None, static_v=None, average_attn_weights=True):
    """PyTorch 1.13's general (not fused) multi-head attention."""
    from .. import _dtypes, baddbmm, bmm, cat, zeros, zeros_like
    if static_k is not None or static_v is not None:
        raise NotImplementedError("tensord: static_k/static_v are not "
                                  "supported")
    is_batched = query.dim() == 3
    if not is_batched:
        query, key, value = (query.unsqueeze(1), key.unsqueeze(1),
                             value.unsqueeze(1))
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    assert embed_dim == embed_dim_to_check, \
        "was expecting embedding dimension of %s, but got %s" % (
            embed_dim_to_check, embed_dim)
    head_dim = embed_dim // num_heads
    assert head_dim * num_heads == embed_dim, \
        "embed_dim %s not divisible by num_heads %s" % (embed_dim, num_heads)
    if not use_separate_proj_weight:
        e = query.size(-1)
        if key is value:
            if query is key:
                q, k, v = _pieces(linear(query, in_proj_weight,
                                         in_proj_bias), [e, e, e], -1)
            else:
                w_q, w_kv = _pieces(in_proj_weight, [e, e * 2], 0)
                b_q = b_kv = None
                if in_proj_bias is not None:
                    b_q, b_kv = _pieces(in_proj_bias, [e, e * 2], 0)
                q = linear(query, w_q, b_q)
                k, v = _pieces(linear(key, w_kv, b_kv), [e, e], -1)
        else:
            w_q, w_k, w_v = _chunks(in_proj_weight, 3, 0)
            b_q = b_k = b_v = None
            if in_proj_bias is not None:
                b_q, b_k, b_v = _chunks(in_proj_bias, 3, 0)
            q, k, v = (linear(query, w_q, b_q), linear(key, w_k, b_k),
                       linear(value, w_v, b_v))
    else:
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = _chunks(in_proj_bias, 3, 0)
        q, k, v = (linear(query, q_proj_weight, b_q),
                   linear(key, k_proj_weight, b_k),
                   linear(value, v_proj_weight, b_v))
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(
                    "The shape of the 2D attn_mask is %s, but should be %s."
                    % (attn_mask.shape, (tgt_len, src_len)))
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            want = (bsz * num_heads, tgt_len, src_len)
            if tuple(attn_mask.shape) != want:
                raise RuntimeError(
                    "The shape of the 3D attn_mask is %s, but should be %s."
                    % (attn_mask.shape, want))
        else:
            raise RuntimeError("attn_mask's dimension %s is not supported" %
                               attn_mask.dim())
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    q = q.contiguous().view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.contiguous().view(k.shape[0], bsz * num_heads,
                            head_dim).transpose(0, 1)
    v = v.contiguous().view(v.shape[0], bsz * num_heads,
                            head_dim).transpose(0, 1)
    if add_zero_attn:
        shape = (bsz * num_heads, 1, head_dim)
        k = cat([k, zeros(shape, dtype=k.dtype)], dim=1)
        v = cat([v, zeros(shape, dtype=v.dtype)], dim=1)
        if attn_mask is not None:
            attn_mask = pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = pad(key_padding_mask, (0, 1))
    src_len = k.size(1)
    if key_padding_mask is not None:
        assert tuple(key_padding_mask.shape) == (bsz, src_len), \
            "expecting key_padding_mask shape of %s, but got %s" % (
                (bsz, src_len), key_padding_mask.shape)
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(
            -1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        if attn_mask is None:
            attn_mask = key_padding_mask
        elif attn_mask.dtype == _dtypes.bool:
            attn_mask = attn_mask.logical_or(key_padding_mask)
        else:
            attn_mask = attn_mask.masked_fill(key_padding_mask,
                                              float("-inf"))
    if attn_mask is not None and attn_mask.dtype == _dtypes.bool:
        new_mask = zeros_like(attn_mask, dtype=q.dtype)
        new_mask.masked_fill_(attn_mask, float("-inf"))
        attn_mask = new_mask
    if not training:
        dropout_p = 0.0
    e = q.shape[2]
    q_scaled = q / math.sqrt(e)
    if attn_mask is not None:
        weights = baddbmm(attn_mask, q_scaled, k.transpose(-2, -1))
    else:
        weights = bmm(q_scaled, k.transpose(-2, -1))
    weights = softmax(weights, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, p=dropout_p)
    out = bmm(weights, v)
    out = out.transpose(0, 1).contiguous().view(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias)
    out = out.view(tgt_len, bsz, out.size(1))
    if need_weights:
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.sum(dim=1) / num_heads
        if not is_batched:
            out = out.squeeze(1)
            weights = weights.squeeze(0)
        return out, weights
    if not is_batched:
        out = out.squeeze(1)
    return out, None


def prelu(input, weight):  # noqa: A002
    """input > 0 ? input : weight * input, weight over the channel dim."""
    from .. import where
    w = weight
    if weight.numel() != 1 and input.dim() >= 2:
        w = weight.reshape([1, -1] + [1] * (input.dim() - 2))
    return where(input > 0, input, w * input)


def _feature_dropout(input, p, training, inplace, batched_dim):  # noqa: A002
    """torch's feature_dropout: one bernoulli_(1 - p) draw per (N, C)
    channel, scaled by 1 / (1 - p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError("dropout probability has to be between 0 and 1, "
                         "but got {}".format(p))
    if p == 0 or not training or input.numel() == 0:
        return input
    unbatched = input.dim() == batched_dim - 1
    x = input.unsqueeze(0) if unbatched else input
    from .. import empty, zeros
    sizes = [x.shape[0], x.shape[1]] + [1] * (x.dim() - 2)
    if p == 1:
        noise = zeros(sizes, dtype=x.dtype)
    else:
        noise = empty(sizes, dtype=x.dtype).bernoulli_(1 - p)
        noise.div_(1 - p)
    out = x.mul_(noise) if inplace else x * noise
    if unbatched and not inplace:
        out = out.squeeze(0)
    return input if inplace else out


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    if input.dim() not in (2, 3):
        raise RuntimeError("dropout1d: Expected 2D or 3D input, but received"
                           " a {}D input. Note that dropout1d exists to "
                           "provide channel-wise dropout on inputs with 1 "
                           "spatial dimension, a channel dimension, and an "
                           "optional batch dimension (i.e. 2D or 3D "
                           "inputs).".format(input.dim()))
    return _feature_dropout(input, p, training, inplace, 3)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    return _feature_dropout(input, p, training, inplace, 2)


def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    return _feature_dropout(input, p, training, inplace, 2)


def hardshrink(input, lambd=0.5):  # noqa: A002
    from .. import where
    return where(input.abs() > lambd, input, 0.0)


def softshrink(input, lambd=0.5):  # noqa: A002
    from .. import where
    return where(input > lambd, input - lambd,
                 where(input < -lambd, input + lambd, 0.0))


def tanhshrink(input):  # noqa: A002
    return input - input.tanh()


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    from .. import where
    out = where(input > threshold, input, value)
    return input.copy_(out) if inplace else out


def threshold_(input, threshold, value):  # noqa: A002
    return globals()["threshold"](input, threshold, value, inplace=True)


def channel_shuffle(input, groups):  # noqa: A002
    """(N, C, *) with C = groups * k: channel g * k + i moves to
    i * groups + g (a reshape, a transpose and a contiguous reshape)."""
    if input.dim() <= 2:
        raise RuntimeError(
            "channel_shuffle expects input with > 2 dims, but got input with "
            "sizes [%s]" % ", ".join(str(s) for s in input.shape))
    groups = int(groups)
    if groups <= 0:
        raise RuntimeError(
            "Number of groups to divide channels in must be positive. Value "
            "of groups:%d" % groups)
    c = input.shape[1]
    if c % groups:
        raise RuntimeError(
            "Number of channels must be divisible by groups. Got %d channels "
            "and %d groups." % (c, groups))
    n, rest = input.shape[0], list(input.shape[2:])
    return input.reshape([n, groups, c // groups] + rest).transpose(
        1, 2).reshape([n, c] + rest)


def glu(input, dim=-1):  # noqa: A002
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving "
                           "size must be even")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    if isinstance(output_size, (list, tuple)):
        output_size = output_size[0]
    return adaptive_avg_pool2d(input.unsqueeze(-2),
                               [1, output_size]).squeeze(-2)


def adaptive_max_pool1d(input, output_size,  # noqa: A002
                        return_indices=False):
    if isinstance(output_size, (list, tuple)):
        output_size = output_size[0]
    r = adaptive_max_pool2d(input.unsqueeze(-2), [1, output_size],
                            return_indices)
    if return_indices:
        return r[0].squeeze(-2), r[1].squeeze(-2)
    return r.squeeze(-2)


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError("{} is not a valid value for reduction".format(
        reduction))


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        if size_average and reduce:
            return "mean"
        return "sum" if reduce else "none"
    return reduction


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None,
                        reduce=None, reduction="mean"):
    loss = (-target * (input1 - input2) + margin).clamp_min_(0)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def soft_margin_loss(input, target, size_average=None,  # noqa: A002
                     reduce=None, reduction="mean"):
    loss = (-input * target).exp().log1p()
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def gaussian_nll_loss(input, target, var, full=False,  # noqa: A002
                      eps=1e-6, reduction="mean"):
    """The negative log likelihood of target under normals of mean input
    and variance var (clamped to eps), torch 1.13's checks and errors."""
    from .. import any as _any, log
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape)[:-1] == tuple(var.shape):
            var = var.unsqueeze(-1)  # one variance per row
        elif not (tuple(input.shape)[:-1] == tuple(var.shape)[:-1] and
                  var.size(-1) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if _any(var < 0):
        raise ValueError("var has negative entry/entries")
    var = var.clone()
    from .. import _grad
    with _grad.no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (log(var) + (input - target) ** 2 / var)
    if full:
        loss += 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0,  # noqa: A002
                         size_average=None, reduce=None, reduction="mean"):
    from .. import where, zeros_like
    zeros = zeros_like(input)
    margin_clamp = (margin - input).clamp_min_(0)
    output_margin = where(target != 1, margin_clamp, zeros)
    output_self = where(target != -1, input, zeros)
    return _reduce(output_margin + output_self,
                   _reduction(size_average, reduce, reduction))


def cosine_embedding_loss(input1, input2, target, margin=0,
                          size_average=None, reduce=None, reduction="mean"):
    from .. import where, zeros_like
    d = input1.dim() - 1
    prod_sum = (input1 * input2).sum(d)
    mag_square1 = (input1 * input1).sum(d) + 1e-12
    mag_square2 = (input2 * input2).sum(d) + 1e-12
    denom = (mag_square1 * mag_square2).sqrt_()
    cos = prod_sum / denom
    zeros = zeros_like(cos)
    pos = 1 - cos
    neg = (cos - margin).clamp_min_(0)
    output = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _reduce(output, _reduction(size_average, reduce, reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2,
                        eps=1e-6, swap=False, size_average=None, reduce=None,
                        reduction="mean"):
    from .. import clamp_min, min as _min
    dist_pos = __getattr__("pairwise_distance")(anchor, positive, p, eps)
    dist_neg = __getattr__("pairwise_distance")(anchor, negative, p, eps)
    if swap:
        dist_swap = __getattr__("pairwise_distance")(positive, negative, p, eps)
        dist_neg = _min(dist_neg, dist_swap)
    loss = clamp_min(margin + dist_pos - dist_neg, 0)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def poisson_nll_loss(input, target, log_input=True, full=False,  # noqa: A002
                     size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + \
            0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, _reduction(size_average, reduce, reduction))


def multilabel_soft_margin_loss(input, target, weight=None,  # noqa: A002
                                size_average=None, reduce=None,
                                reduction="mean"):
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * __getattr__("logsigmoid")(input) + (1 - target) * __getattr__("logsigmoid")(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    C = input.size(class_dim)  # noqa: N806
    loss = loss.sum(dim=class_dim) / C
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(reduction + " is not valid")


# Activations with torch's trailing `inplace=False`: the number of
# positional arguments before it (input included). inplace=True runs the
# table's in-place op (relu_, ...).
_INPLACE_AT = {"relu": 1, "relu6": 1, "selu": 1, "silu": 1, "mish": 1,
               "hardsigmoid": 1, "hardswish": 1, "leaky_relu": 2, "elu": 2,
               "celu": 2, "hardtanh": 3}


def embedding_bag(input, weight, offsets=None, max_norm=None,  # noqa: A002
                  norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of embedding rows, one server op
    (embedding_bag) computing them as ATen's CPU kernels do. input is 1-d
    with offsets (each bag from its offset to the next) or 2-d (each row a
    bag)."""
    from .. import arange
    if max_norm is not None or scale_grad_by_freq:
        raise NotImplementedError(
            "tensord: embedding_bag with max_norm or scale_grad_by_freq is "
            "not supported")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. "
            "per_sample_weights is only supported for mode='sum' (got "
            "mode='{}'). Please open a feature request on GitHub."
            .format(mode))
    if (per_sample_weights is not None
            and input.shape != per_sample_weights.shape):
        raise ValueError(
            "embedding_bag: If per_sample_weights ({}) is not None, then it "
            "must have the same shape as the input ({})".format(
                per_sample_weights.shape, input.shape))
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, "
                             "as input is treated is a mini-batch of fixed "
                             "length sequences. However, found offsets of "
                             "type {}".format(type(offsets)))
        B, L = input.shape
        offsets = arange(0, B * L, L)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError("input has to be 1D or 2D Tensor, but got Tensor "
                         "of dimension {}".format(input.dim()))
    args = (input, weight, offsets)
    if per_sample_weights is not None:
        args += (per_sample_weights,)
    kw = {"mode": mode, "include_last_offset": bool(include_last_offset)}
    if padding_idx is not None:
        kw["padding_idx"] = int(padding_idx)
    return _ops.call("embedding_bag", args, kw)


def _warn_align_corners():
    warnings.warn(
        "Default grid_sample and affine_grid behavior has changed to "
        "align_corners=False since 1.3.0. Please specify align_corners=True "
        "if the old behavior is desired. See the documentation of "
        "grid_sample for details.")


def _linspace_from_neg_one(theta, steps, align_corners):
    from .. import linspace, zeros
    if steps <= 1:
        return zeros(1, dtype=theta.dtype)
    r = linspace(-1, 1, steps, dtype=theta.dtype)
    if not align_corners:
        r = r * (steps - 1) / steps
    return r


def affine_grid(theta, size, align_corners=None):
    """Sampling grid [N, H, W, 2] of the 2-d affine transforms theta
    [N, 2, 3]: the base grid (x, y, 1) of the output's pixel centres times
    theta's transpose (one batched product, as ATen builds it)."""
    from .. import stack, ones
    if align_corners is None:
        _warn_align_corners()
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError("Expected theta to have floating point type, but "
                         "got {}".format(theta.dtype))
    given = size
    size = list(size)
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(
                "Expected a batch of 2D affine matrices of shape Nx2x3 for "
                "size {}. Got {}.".format(given, theta.shape))
    elif len(size) == 5:
        raise NotImplementedError(
            "tensord: affine_grid for 3-d (5-d size) transforms is not "
            "supported")
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine "
            "transforms, respectively. Got size {}.".format(given))
    if align_corners and min(size[-2:]) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for "
            "unit-size grids when align_corners=True. This is not an "
            "intended use case of affine_grid. See the documentation of "
            "affine_grid for details.")
    elif min(size) <= 0:
        raise ValueError(
            "Expected non-zero, positive output size. Got {}".format(given))
    N, _, H, W = size
    xs = _linspace_from_neg_one(theta, W, align_corners)
    ys = _linspace_from_neg_one(theta, H, align_corners)
    base = stack([xs.reshape(1, -1).expand(H, W),
                  ys.reshape(-1, 1).expand(H, W),
                  ones(H, W, dtype=theta.dtype)], dim=-1)
    base = base.reshape(1, H * W, 3).expand(N, H * W, 3)
    return base.bmm(theta.transpose(1, 2)).reshape(N, H, W, 2)


def _grid_coords(coord, size, padding_mode, align_corners):
    """Pixel coordinates of normalized grid coordinates, as ATen's CPU
    grid sampler computes them (unnormalize, then clip or reflect)."""
    if align_corners:
        c = (coord + 1) * ((size - 1) / 2)
    else:
        c = (coord + 1) * (size / 2) - 0.5
    if padding_mode == "border":
        c = _clip_coords(c, size)
    elif padding_mode == "reflection":
        if align_corners:
            lo2, hi2 = 0, 2 * (size - 1)
        else:
            lo2, hi2 = -1, 2 * size - 1
        if lo2 == hi2:
            c = c * 0
        else:
            lo, span = lo2 / 2, (hi2 - lo2) / 2
            d = (c - lo).abs()
            extra = d.fmod(span)
            flips = (d / span).floor()
            even = flips.remainder(2) == 0
            c = (extra + lo).where(even, span - extra + lo)
        c = _clip_coords(c, size)
    return c


def _clip_coords(c, size):
    """c clamped to [0, size - 1], with no gradient at the borders
    themselves (ATen's grid sampler counts them as out of bounds)."""
    inside = (c > 0) & (c < size - 1)
    return c.where(inside, c.detach().clamp(0, size - 1))


def grid_sample(input, grid, mode="bilinear",  # noqa: A002
                padding_mode="zeros", align_corners=None):
    """Samples input [N, C, H, W] at grid [N, Ho, Wo, 2] ((x, y) in
    [-1, 1]) with bilinear or nearest interpolation and zeros, border or
    reflection padding, from ops (gathers of the corner pixels and their
    weights), so both input and grid get gradients."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', "
            "'nearest' or 'bicubic', but got: '{}'".format(mode))
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be "
            "'zeros', 'border', or 'reflection', but got: '{}'".format(
                padding_mode))
    if mode == "bicubic":
        raise NotImplementedError(
            "tensord: grid_sample with mode='bicubic' is not supported")
    if align_corners is None:
        _warn_align_corners()
        align_corners = False
    if input.dim() != 4 or grid.dim() != 4:
        if input.dim() == 5:
            raise NotImplementedError(
                "tensord: grid_sample of 5-d input is not supported")
        raise RuntimeError(
            "grid_sampler(): expected 4D or 5D input and grid with same "
            "number of dimensions, but got input with sizes {} and grid with "
            "sizes {}".format(list(input.shape), list(grid.shape)))
    N, C, H, W = input.shape
    if grid.shape[0] != N:
        raise RuntimeError(
            "grid_sampler(): expected grid and input to have same batch size, "
            "but got input with sizes {} and grid with sizes {}".format(
                list(input.shape), list(grid.shape)))
    if grid.shape[-1] != 2:
        raise RuntimeError(
            "grid_sampler(): expected grid to have size 2 in last dimension, "
            "but got grid with sizes {}".format(list(grid.shape)))
    Ho, Wo = grid.shape[1], grid.shape[2]
    x = _grid_coords(grid[..., 0], W, padding_mode, align_corners)
    y = _grid_coords(grid[..., 1], H, padding_mode, align_corners)
    flat = input.reshape(N, C, H * W)

    def corner(ix, iy):
        # Values at integer pixel (ix, iy) [N, Ho, Wo]; zero outside.
        inside = (ix >= 0) & (ix <= W - 1) & (iy >= 0) & (iy <= H - 1)
        idx = (iy.clamp(0, H - 1) * W + ix.clamp(0, W - 1)).long()
        idx = idx.reshape(N, 1, Ho * Wo).expand(N, C, Ho * Wo)
        v = flat.gather(2, idx).reshape(N, C, Ho, Wo)
        return v.where(inside.unsqueeze(1), v.new_zeros(()))

    if mode == "nearest":
        return corner(x.round(), y.round())
    x0, y0 = x.detach().floor(), y.detach().floor()
    wx, wy = x - x0, y - y0
    ex, sy = 1 - wx, 1 - wy
    nw, ne, sw, se = sy * ex, sy * wx, wy * ex, wy * wx
    out = corner(x0, y0) * nw.unsqueeze(1)
    out = out + corner(x0 + 1, y0) * ne.unsqueeze(1)
    out = out + corner(x0, y0 + 1) * sw.unsqueeze(1)
    out = out + corner(x0 + 1, y0 + 1) * se.unsqueeze(1)
    return out


def pixel_shuffle(input, upscale_factor):  # noqa: A002
    """(*, C r^2, H, W) -> (*, C, H r, W r), as ATen's pixel_shuffle
    rearranges it (a reshape, a permute and a contiguous reshape)."""
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError(
            "pixel_shuffle expects input to have at least 3 dimensions, but "
            "got input with %d dimension(s)" % input.dim())
    if r <= 0:
        raise RuntimeError("pixel_shuffle expects a positive upscale_factor, "
                           "but got %d" % r)
    batch = list(input.shape[:-3])
    c, h, w = input.shape[-3:]
    if c % (r * r) != 0:
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be "
            "divisible by the square of upscale_factor, but "
            "input.size(-3)=%d is not divisible by %d" % (c, r * r))
    n = len(batch)
    x = input.reshape(batch + [c // (r * r), r, r, h, w])
    x = x.permute(list(range(n)) + [n, n + 3, n + 1, n + 4, n + 2])
    return x.reshape(batch + [c // (r * r), h * r, w * r])


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    """(*, C, H r, W r) -> (*, C r^2, H, W): pixel_shuffle's inverse."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError(
            "pixel_unshuffle expects input to have at least 3 dimensions, "
            "but got input with %d dimension(s)" % input.dim())
    if r <= 0:
        raise RuntimeError("pixel_unshuffle expects a positive "
                           "downscale_factor, but got %d" % r)
    batch = list(input.shape[:-3])
    c, h, w = input.shape[-3:]
    if h % r != 0:
        raise RuntimeError(
            "pixel_unshuffle expects height to be divisible by "
            "downscale_factor, but input.size(-2)=%d is not divisible by %d"
            % (h, r))
    if w % r != 0:
        raise RuntimeError(
            "pixel_unshuffle expects width to be divisible by "
            "downscale_factor, but input.size(-1)=%d is not divisible by %d"
            % (w, r))
    n = len(batch)
    x = input.reshape(batch + [c, h // r, r, w // r, r])
    x = x.permute(list(range(n)) + [n, n + 2, n + 4, n + 1, n + 3])
    return x.reshape(batch + [c * r * r, h // r, w // r])


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False,  # noqa: A002
          inplace=False):
    """In evaluation: leaky_relu with slope (lower + upper) / 2, as torch's.
    Training mode draws a random slope per element, which tensord does not
    do."""
    if training:
        raise NotImplementedError(
            "tensord: F.rrelu(training=True) (random slopes) is not "
            "supported; evaluation mode is")
    slope = (lower + upper) / 2
    if inplace:
        return _ops.call("leaky_relu_", (input, slope), {})
    return _ops.call("leaky_relu", (input, slope), {})


def local_response_norm(input, size, alpha=1e-4, beta=0.75,  # noqa: A002
                        k=1.0):
    """torch's local_response_norm: each value over (k + alpha * the mean of
    the squares of `size` neighbouring channels) ** beta."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(
            "Expected 3D or higher dimensionality input (got {} dimensions)"
            .format(dim))
    if input.numel() == 0:
        return input
    div = input.mul(input).unsqueeze(1)
    if dim == 3:
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        # avg_pool3d with a (size, 1, 1) window is avg_pool2d over
        # (channels, the rest flattened) with a (size, 1) window.
        sizes = input.size()
        div = div.reshape(sizes[0], 1, sizes[1], -1)
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
        div = div.reshape(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """torch's gumbel_softmax: softmax((logits + Gumbel noise) / tau), the
    noise -log(exponential_()) drawn as torch draws it; hard=True returns
    the one-hot of the argmax with the soft sample's gradient."""
    from .. import zeros_like
    gumbels = -zeros_like(logits).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if hard:
        index = y_soft.max(dim, keepdim=True)[1]
        y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
        return y_hard - y_soft.detach() + y_soft
    return y_soft


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
    # One function object per name, as torch's (F.relu is F.relu).
    fn = _FUNCTIONS.get(name)
    if fn is None:
        fn = _FUNCTIONS[name] = _make_function(name)
    return fn


_FUNCTIONS = {}


def _make_function(name):
    from ... import _session
    if name in _INPLACE_AT:
        return _with_inplace(name, _INPLACE_AT[name])
    if name.startswith("__") or \
            name not in _session.current_session().engine.schemas:
        raise AttributeError(
            "module 'torch.nn.functional' has no attribute '%s'" % name)

    def fn(*args, **kwargs):
        return _ops.call(name, args, kwargs)
    fn.__name__ = _BUILTIN_NAMES.get(name, name)
    return fn


# F functions that are ATen builtins named otherwise (F.logsigmoid is
# torch._C._nn.log_sigmoid)
_BUILTIN_NAMES = {"logsigmoid": "log_sigmoid"}
