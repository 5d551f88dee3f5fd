"""torch.testing: assert_close and assert_allclose for tensors and Python
numbers, with PyTorch 1.13's default tolerances and messages.

    torch.testing.assert_close(actual, expected)   # AssertionError if not
"""
import builtins

# (rtol, atol) by dtype name, as torch.testing's defaults.
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5),
               "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
               "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}


def _as_tensor(v):
    from . import Tensor, as_tensor
    return v if isinstance(v, Tensor) else as_tensor(v)


def _unravel(flat, shape):
    idx = []
    for size in reversed(shape):
        flat, mod = divmod(flat, size)
        idx.append(mod)
    return tuple(reversed(idx))


def _mismatch_msg(identifier, equality, extra, abs_diff, abs_idx, atol,
                  rel_diff, rel_idx, rtol):
    def diff_msg(kind, diff, idx, tol):
        if idx is None:
            m = "%s difference: %s" % (kind.title(), diff)
        else:
            m = "Greatest %s difference: %s at index %s" % (kind, diff, idx)
        if not equality:
            m += " (up to %s allowed)" % tol
        return m + "\n"
    msg = "%s are not %s!\n\n" % (identifier,
                                  "equal" if equality else "close")
    if extra:
        msg += extra.strip() + "\n"
    msg += diff_msg("absolute", abs_diff, abs_idx, atol)
    msg += diff_msg("relative", rel_diff, rel_idx, rtol)
    return msg.strip()


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None,
                 atol=None, equal_nan=False, check_device=True,
                 check_dtype=True, check_layout=True, check_stride=False,
                 msg=None):
    """Raises AssertionError unless actual and expected have the same shape
    (and dtype, with check_dtype) and are close elementwise:
    |actual - expected| <= atol + rtol * |expected|."""
    from . import Tensor, promote_types
    from . import _dtypes
    scalars = not isinstance(actual, Tensor) and not isinstance(
        expected, Tensor) and isinstance(
            actual, (builtins.int, builtins.float, builtins.complex)) and \
        isinstance(expected, (builtins.int, builtins.float, builtins.complex))
    if isinstance(actual, (list, tuple)) and isinstance(expected,
                                                        (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(
                msg or "The length of the sequences mismatch: %d != %d" %
                (len(actual), len(expected)))
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan,
                         check_dtype=check_dtype, msg=msg)
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        if set(actual) != set(expected):
            raise AssertionError(msg or "The keys of the mappings do not "
                                 "match")
        for k in actual:
            assert_close(actual[k], expected[k], rtol=rtol, atol=atol,
                         equal_nan=equal_nan, check_dtype=check_dtype,
                         msg=msg)
        return
    a, e = _as_tensor(actual), _as_tensor(expected)
    if (rtol is None) != (atol is None):
        raise ValueError(
            "Both 'rtol' and 'atol' must be either specified or omitted, "
            "but got no %s." % ("rtol" if rtol is None else "atol"))
    if a.shape != e.shape:
        raise AssertionError(msg or "The values for attribute 'shape' do not "
                             "match: %s != %s." % (a.shape, e.shape))
    if check_dtype and a.dtype != e.dtype and not scalars:
        raise AssertionError(msg or "The values for attribute 'dtype' do not "
                             "match: %s != %s." % (a.dtype, e.dtype))
    if rtol is None:
        rt = [_TOLERANCES.get(t.name, (0.0, 0.0)) for t in (a.dtype, e.dtype)]
        rtol = builtins.max(r for r, _ in rt)
        atol = builtins.max(x for _, x in rt)
    # compared (and the differences reported) in the widest dtype of the
    # category, as torch.testing does
    dtype = promote_types(a.dtype, e.dtype)
    dtype = (_dtypes.complex128 if dtype.is_complex else _dtypes.float64
             if dtype.is_floating_point else _dtypes.int64)
    a, e = a.detach().to(dtype), e.detach().to(dtype)
    if a.dtype == _dtypes.bool:
        ok = a.eq(e)
    else:
        from . import isclose
        ok = isclose(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if builtins.bool(ok.all()):
        return
    if msg is not None:
        raise AssertionError(msg)
    equality = rtol == 0 and atol == 0
    if a.dim() == 0:
        av, ev = a.item(), e.item()
        abs_diff = builtins.abs(av - ev)
        rel_diff = abs_diff / builtins.abs(ev) if ev != 0 else float("inf")
        raise AssertionError(_mismatch_msg(
            "Scalars", equality, None, abs_diff, None, atol, rel_diff, None,
            rtol))
    mismatches = ~ok
    n = mismatches.numel()
    bad = builtins.int(mismatches.sum().item())
    extra = "Mismatched elements: %d / %d (%s)" % (
        bad, n, "{:.1%}".format(bad / n))
    af, ef, mf = a.flatten(), e.flatten(), ok.flatten()
    abs_diff = (af - ef).abs()
    abs_diff[mf] = 0
    max_abs, abs_i = abs_diff.max(0)
    rel_diff = abs_diff / ef.abs()
    rel_diff[mf] = 0
    max_rel, rel_i = rel_diff.max(0)
    raise AssertionError(_mismatch_msg(
        "Tensor-likes", equality, extra, max_abs.item(),
        _unravel(builtins.int(abs_i), tuple(a.shape)), atol, max_rel.item(),
        _unravel(builtins.int(rel_i), tuple(a.shape)), rtol))


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True,
                    msg=""):
    """The deprecated torch.testing.assert_allclose: no dtype check, NaNs
    equal by default."""
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_dtype=False, msg=msg or None)
