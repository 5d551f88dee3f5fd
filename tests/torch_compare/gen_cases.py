#!/usr/bin/python3
"""Generates the torch_compare cases: every op of tensord's op table, run
through PyTorch, with its outputs and gradients, as a line-based text file
that torch_compare_test.cc parses.

Run with Debian's python3-torch, always as /usr/bin/python3:

    /usr/bin/python3 gen_cases.py > torch_cases.txt

Deterministic: input data, upstream gradients and rand seeds all come from
fixed seeds, so the same torch gives the same file.

File format (tokens separated by single spaces, one record per line; lines
starting with '#' are comments):

    version 1
    exclude <op> <reason...>            op deliberately not in the suite
    case <name> <op>                    starts a case
    seed <u64>                          generator seed (rand/randn)
    clone <0|1>                         run in-place ops on a clone of input 0
    attr <name> int <v>
    attr <name> ints <n> <v1> ... <vn>
    attr <name> float <v>
    attr <name> bool <0|1>
    attr <name> scalar <int|float|bool> <v>      a Scalar attribute
    attr <name> dtype <torch dtype name>
    attr <name> str <rest of the line>
    in <dtype> <wrapped 0|1> <requires_grad 0|1> <ndim> <dims...> <values...>
    perm <input index> <n> <dims...>    pass input.permute(dims) (a strided view)
    alias <input index> <other index>   pass the very same tensor as the other
                                        (earlier) input (its own `in` line
                                        repeats the data; its grad is the
                                        other's)
    err <torch's error message (first line)>     torch raised: expect an error
    errmsg <Python exception type> <message (first line)>
                                        torch raised: expect an error of that
                                        type with that message (cases made
                                        with msg=True)
    bwderr <torch's error message>      torch's backward raised: expect
                                        tensord's backward to fail (no grads)
    out <cmp> <dtype> <ndim> <dims...> <values...>
    gout <output index> <lin|sq> <dtype> <ndim> <dims...> <values...>
    grad <input index> <dtype> <ndim> <dims...> <values...>
    grad <input index> none                      torch's .grad is None
    end

Values are row-major; floats are printed with repr() (exact round trip,
'nan', 'inf', '-inf'), bools as 0/1, complex numbers as two tokens (real,
imaginary). A wrapped input is a Python number in the torch call (`x * 2.5`):
a 0-dim tensor with wrapped-number type promotion on tensord's side.

Inputs are prepared in order, each as: the leaf (`in`, requires_grad as
given) or, for an `alias`, the already prepared earlier input; for input 0 of
an in-place op with `clone 1` and requires_grad, a clone of the leaf; then
the permutation (`perm`) if any. Gradients are those of the leaves.

`cmp` says how an output is compared:
    tol            dtype, shape, values (exact for ints/bools, rtol/atol for
                   floats)
    exact          dtype, shape and bit-exact values (rand)
    eigvec_sign    eigenvectors of eigh: per column up to sign
    eigvals_set    eigenvalues of eig: as a multiset (LAPACK's order is not
                   specified)
    eigvecs_phase  eigenvectors of eig: each column, matched to its eigenvalue,
                   up to a unit complex factor

Loss for the gradients: the sum over outputs with a `gout` line of
(out * g).sum() ("lin") or (out * out * g).sum() ("sq", used for eigh's
eigenvectors, which is invariant to their signs).
"""

import math
import sys
import warnings
import zlib

import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

DATA_SEED = 20240611
G = torch.Generator().manual_seed(DATA_SEED)

f32, f64, i32, i64, bl = torch.float32, torch.float64, torch.int32, torch.int64, torch.bool
FLOATING = (torch.float32, torch.float64)

# Ops whose attribute of these names is a Scalar (keeps bool/int/float kind).
SCALAR_ATTRS = {
    "add": {"alpha"}, "sub": {"alpha"}, "add_": {"alpha"}, "sub_": {"alpha"},
    "clamp": {"min", "max"}, "full": {"fill_value"}, "fill_": {"value"},
    "arange": {"start", "end", "step"}, "linspace": {"start", "end"},
    "full_like": {"fill_value"}, "fill_diagonal_": {"fill_value"},
}

# Ops that are intentionally not in the suite, with the reason (the test's
# coverage check accepts them).
EXCLUDED = {}
# The autograd ops of the table are not tensor computations; autograd_test
# covers them against torch's behaviour and messages.
for _op in ("backward", "grad", "autograd.grad", "detach", "requires_grad_",
            "retain_grad"):
    EXCLUDED[_op] = "an autograd op, covered by autograd_test"
EXCLUDED["alias"] = ("not a torch computation: returns its input itself "
                     "(op_generic_test checks that)")
EXCLUDED["manual_seed"] = ("reseeds the generator; the conformance scripts "
                           "compare torch.manual_seed + rand/randn with torch")
EXCLUDED["set_rng_state"] = ("sets the generator and returns nothing; conformance "
                             "313 compares draws after set_rng_state with torch's")


class W:
    """A wrapped number: a Python scalar operand (`x * 2.5`)."""

    def __init__(self, v):
        self.v = v


class S:
    """The same tensor as input i (`x * x`)."""

    def __init__(self, i):
        self.i = i


# ---------------------------------------------------------------------------
# input data


def F(shape, dtype=f32, lo=-2.0, hi=2.0):
    t = torch.rand(shape, generator=G, dtype=f64) * (hi - lo) + lo
    return t.to(dtype)


def I(shape, dtype=i64, lo=-5, hi=6):
    return torch.randint(lo, hi, shape, generator=G).to(dtype)


def B(shape):
    return torch.rand(shape, generator=G) < 0.5


def C(shape, lo=-2.0, hi=2.0, dtype=f32):
    return torch.complex(F(shape, dtype, lo, hi), F(shape, dtype, lo, hi))


def V(values, dtype):
    return torch.tensor(values, dtype=dtype)


def Sym(n, dtype=f64, batch=()):
    a = torch.randn(tuple(batch) + (n, n), generator=G, dtype=f64)
    return ((a + a.transpose(-1, -2)) / 2).to(dtype)


# ---------------------------------------------------------------------------
# the torch call for each op of the table


def _opt(attrs, k, d=None):
    return attrs.get(k, d)


def _binary(op, a, b, attrs):
    import operator
    wrapped = not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor)
    if op in ("add", "sub") and "alpha" in attrs:
        return getattr(torch, op)(a, b, alpha=attrs["alpha"])
    if wrapped:
        f = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
             "div": operator.truediv, "pow": operator.pow, "eq": operator.eq,
             "ne": operator.ne, "lt": operator.lt, "le": operator.le,
             "gt": operator.gt, "ge": operator.ge}[op]
        return f(a, b)
    return getattr(torch, op)(a, b)


# ops_math.cc's unary functions: (op, lo, hi) of their domain away from edges.
MATH_UNARY_RANGES = (
    ("log2", 0.5, 2), ("log10", 0.5, 2), ("log1p", -0.5, 2), ("expm1", -1, 1),
    ("exp2", -1, 1), ("tan", -1, 1), ("asin", -0.8, 0.8), ("acos", -0.8, 0.8),
    ("atan", -2, 2), ("sinh", -1, 1), ("cosh", -1, 1), ("asinh", -2, 2),
    ("acosh", 1.2, 3), ("atanh", -0.8, 0.8), ("erf", -1.5, 1.5),
    ("erfc", -1.5, 1.5), ("rsqrt", 0.5, 2), ("reciprocal", 0.5, 2),
    ("floor", -3, 3), ("ceil", -3, 3), ("trunc", -3, 3), ("frac", -3, 3),
    ("sign", -1, 1))
MATH_UNARY = {op for op, _, _ in MATH_UNARY_RANGES}


def torch_call(op, args, attrs):
    a = attrs
    x = args[0] if args else None
    r = _conv_call(op, args, a)
    if r is not NotImplemented:
        return r
    r = _misc_call(op, args, a)
    if r is not NotImplemented:
        return r
    r = _scatter_stats_call(op, args, a)
    if r is not NotImplemented:
        return r
    r = _rnn_call(op, args, a)
    if r is not NotImplemented:
        return r
    if op == "div" and "rounding_mode" in a:
        return torch.div(args[0], args[1], rounding_mode=a["rounding_mode"])
    if op in ("zeros", "ones", "rand", "randn"):
        return getattr(torch, op)(a["size"], dtype=_opt(a, "dtype"))
    if op == "full":
        return torch.full(a["size"], a["fill_value"], dtype=_opt(a, "dtype"))
    if op == "arange":
        return torch.arange(a.get("start", 0), a["end"], a.get("step", 1), dtype=_opt(a, "dtype"))
    if op == "linspace":
        return torch.linspace(a["start"], a["end"], a["steps"], dtype=_opt(a, "dtype"))
    if op == "eye":
        if "m" in a:
            return torch.eye(a["n"], a["m"], dtype=_opt(a, "dtype"))
        return torch.eye(a["n"], dtype=_opt(a, "dtype"))
    if op in ("zeros_like", "ones_like", "rand_like", "randn_like"):
        return getattr(torch, op)(x, dtype=_opt(a, "dtype"))
    if op == "empty":  # tensord zero-fills: compared with zeros
        return torch.zeros(a["size"], dtype=_opt(a, "dtype"))
    if op == "empty_like":
        return torch.zeros_like(x, dtype=_opt(a, "dtype"))
    if op == "full_like":
        return torch.full_like(x, a["fill_value"], dtype=_opt(a, "dtype"))
    if op == "randint":
        return torch.randint(a.get("low", 0), a["high"], a["size"],
                             dtype=a.get("dtype", i64))
    if op == "randperm":
        return torch.randperm(a["n"], dtype=a.get("dtype", i64))
    if op == "normal":
        if "size" in a:
            return torch.normal(args[0], args[1], a["size"], dtype=_opt(a, "dtype"))
        return torch.normal(args[0], args[1])
    if op == "normal_":
        return x.normal_(a.get("mean", 0.0), a.get("std", 1.0))
    if op == "uniform_":
        return x.uniform_(a.get("from", 0.0), a.get("to", 1.0))
    if op == "exponential_":
        return x.exponential_(a.get("lambd", 1.0))
    if op == "geometric_":
        return x.geometric_(a["p"])
    if op == "log_normal_":
        return x.log_normal_(a.get("mean", 1.0), a.get("std", 2.0))
    if op == "cauchy_":
        return x.cauchy_(a.get("median", 0.0), a.get("sigma", 1.0))
    if op == "random_":
        if "from" in a:
            return x.random_(a["from"], a.get("to"))
        return x.random_(a["to"]) if "to" in a else x.random_()
    if op == "stride":
        if "dim" in a:
            return torch.tensor(x.stride(a["dim"]))
        return torch.tensor(x.stride(), dtype=i64)
    if op == "storage_offset":
        return torch.tensor(x.storage_offset())
    if op == "is_contiguous":
        return torch.tensor(x.is_contiguous())
    if op in ("isclose", "allclose"):
        r = getattr(torch, op)(args[0], args[1], rtol=a.get("rtol", 1e-05),
                               atol=a.get("atol", 1e-08),
                               equal_nan=a.get("equal_nan", False))
        return torch.tensor(r) if op == "allclose" else r
    if op == "equal":
        return torch.tensor(torch.equal(args[0], args[1]))
    if op == "diagonal":
        return torch.diagonal(x, a.get("offset", 0), a.get("dim1", 0), a.get("dim2", 1))
    if op == "diag":
        return torch.diag(x, a.get("diagonal", 0))
    if op == "inner":
        return torch.inner(args[0], args[1])
    if op == "to":
        return x.to(a["dtype"])
    if op == "reshape":
        return x.reshape(a["shape"])
    if op == "view":
        return x.view(a["shape"])
    if op == "flatten":
        return torch.flatten(x, a.get("start_dim", 0), a.get("end_dim", -1))
    if op == "squeeze":
        return x.squeeze(a["dim"]) if "dim" in a else x.squeeze()
    if op == "unsqueeze":
        return x.unsqueeze(a["dim"])
    if op == "transpose":
        return x.transpose(a["dim0"], a["dim1"])
    if op == "T":
        return x.T
    if op == "t":
        return x.t()
    if op == "permute":
        return x.permute(a["dims"])
    if op == "expand":
        return x.expand(a["size"])
    if op in ("cat", "stack", "concatenate"):
        return getattr(torch, op)(list(args), a.get("dim", 0))
    if op == "clone":
        return x.clone()
    if op == "contiguous":
        return x.contiguous()
    if op == "select":
        return x.select(a["dim"], a["index"])
    if op == "slice":
        return torch.ops.aten.slice(x, a.get("dim", 0), a.get("start"), a.get("end"),
                                    a.get("step", 1))
    if op == "index":
        return eval("x[" + a["index"] + "]", {"x": x})
    if op == "index.advanced":
        spec = a["index"]
        env = {"x": args[0]}
        for k, t in enumerate(args[1:]):
            spec = spec.replace("@", "i%d" % k, 1)
            env["i%d" % k] = t
        return eval("x[" + spec + "]", env)
    if op == "index_put_.advanced":
        x, v, idx = args[0], args[1], args[2:]
        if a.get("accumulate", False):
            return x.index_put_(tuple(idx), v, accumulate=True)
        spec = a["index"]
        env = {"x": x, "v": v}
        for k, t in enumerate(idx):
            spec = spec.replace("@", "i%d" % k, 1)
            env["i%d" % k] = t
        exec("x[" + spec + "] = v", env)
        return x
    if op == "index_put_":
        exec("x[" + a["index"] + "] = v", {"x": x, "v": args[1]})
        return x
    if op in ("add", "sub", "mul", "div", "pow", "eq", "ne", "lt", "le", "gt", "ge"):
        return _binary(op, args[0], args[1], a)
    if op in ("maximum", "minimum", "dot", "mv", "mm", "matmul", "outer"):
        return getattr(torch, op)(args[0], args[1])
    if op in ("neg", "abs", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu"):
        return getattr(torch, op)(x)
    if op in MATH_UNARY or op in ("isnan", "isinf", "isfinite", "signbit"):
        return getattr(torch, op)(x)
    if op == "round":
        return torch.round(x, decimals=a["decimals"]) if "decimals" in a else torch.round(x)
    if op == "clamp":
        return torch.clamp(x, a.get("min"), a.get("max"))
    if op == "where":
        return torch.where(args[0], args[1], args[2])
    if op in ("sum", "mean"):
        kw = {}
        if "dtype" in a:
            kw["dtype"] = a["dtype"]
        if "dim" in a:
            return getattr(torch, op)(x, a["dim"], a.get("keepdim", False), **kw)
        return getattr(torch, op)(x, **kw)
    if op == "prod":
        if "dim" in a:
            return torch.prod(x, a["dim"], a.get("keepdim", False))
        return torch.prod(x)
    if op in ("var", "std"):
        f = getattr(torch, op)
        if "correction" in a:  # torch 1.13: an int correction, with dim
            return f(x, a["dim"], correction=int(a["correction"]),
                     keepdim=a.get("keepdim", False))
        if "dim" in a:
            return f(x, a["dim"], a.get("unbiased", True), a.get("keepdim", False))
        return f(x, a.get("unbiased", True))
    if op in ("all", "any"):
        if "dim" in a:  # torch 1.13 reduces one dim at a time
            r = x
            for d in sorted((d % x.dim() for d in a["dim"]), reverse=True):
                r = getattr(torch, op)(r, d, keepdim=a.get("keepdim", False))
            return r
        return getattr(torch, op)(x)
    if op == "count_nonzero":
        return torch.count_nonzero(x, dim=a.get("dim"))
    if op in ("amax", "amin"):
        return getattr(torch, op)(x, a.get("dim", ()), a.get("keepdim", False))
    if op == "logsumexp":
        return torch.logsumexp(x, a["dim"], a.get("keepdim", False))
    if op in ("remainder", "fmod", "floor_divide", "bitwise_and", "bitwise_or",
              "bitwise_xor", "logical_and", "logical_or", "logical_xor"):
        import operator
        if not isinstance(args[0], torch.Tensor) or not isinstance(args[1], torch.Tensor):
            f = {"remainder": operator.mod, "floor_divide": operator.floordiv,
                 "bitwise_and": operator.and_, "bitwise_or": operator.or_,
                 "bitwise_xor": operator.xor}.get(op)
            if f is not None:
                return f(args[0], args[1])
        return getattr(torch, op)(args[0], args[1])
    if op in ("bitwise_not", "logical_not"):
        return getattr(torch, op)(x)
    if op in ("max", "min"):
        return getattr(torch, op)(x)
    if op in ("max.dim", "min.dim"):
        r = getattr(torch, op[:3])(x, a["dim"], a.get("keepdim", False))
        return (r.values, r.indices)
    if op in ("argmax", "argmin"):
        return getattr(torch, op)(x, a.get("dim"), a.get("keepdim", False))
    if op in ("cumsum", "cumprod"):
        return getattr(torch, op)(x, a["dim"])
    if op == "norm":
        return torch.norm(x, p=a.get("p", 2), dim=a.get("dim"), keepdim=a.get("keepdim", False))
    if op == "linalg.norm":
        return torch.linalg.norm(x, ord=a.get("ord"), dim=a.get("dim"),
                                 keepdim=a.get("keepdim", False))
    if op == "linalg.eigh":
        r = torch.linalg.eigh(x)
        return (r.eigenvalues, r.eigenvectors)
    if op == "linalg.eig":
        r = torch.linalg.eig(x)
        return (r.eigenvalues, r.eigenvectors)
    if op == "linalg.eigvals":
        return torch.linalg.eigvals(x)
    if op in ("add_", "sub_"):
        return getattr(x, op)(args[1], alpha=a.get("alpha", 1))
    if op in ("mul_", "div_", "copy_"):
        return getattr(x, op)(args[1])
    if op == "zero_":
        return x.zero_()
    if op == "fill_":
        return x.fill_(a["value"])
    if op in NN_WEIGHTED or op in NN_OPS:
        return nn_call(op, args, a)
    r = _index_sort_layout_call(op, args, a)
    if r is not NotImplemented:
        return r
    r = _linalg_call(op, args, a)
    if r is not NotImplemented:
        return r
    r = _pointwise_call(op, args, a)
    if r is not NotImplemented:
        return r
    raise KeyError("no torch call for op " + op)


def _linalg_call(op, args, a):
    """The linear-algebra family (core/table_linalg.cc)."""
    x = args[0] if args else None
    if op in ("det", "inverse", "logdet"):
        return getattr(torch, op)(x)
    if op in ("linalg.det", "linalg.inv", "linalg.svdvals"):
        return getattr(torch.linalg, op[7:])(x)
    if op in ("slogdet", "linalg.slogdet"):
        r = torch.slogdet(x) if op == "slogdet" else torch.linalg.slogdet(x)
        return (r.sign, r.logabsdet)
    if op == "linalg.inv_ex":
        r = torch.linalg.inv_ex(x, check_errors=a.get("check_errors", False))
        return (r.inverse, r.info)
    if op == "linalg.solve":
        return torch.linalg.solve(args[0], args[1], left=a.get("left", True))
    if op == "linalg.solve_triangular":
        return torch.linalg.solve_triangular(
            args[0], args[1], upper=a["upper"], left=a.get("left", True),
            unitriangular=a.get("unitriangular", False))
    if op == "triangular_solve":
        return tuple(torch.triangular_solve(
            args[0], args[1], upper=a.get("upper", True),
            transpose=a.get("transpose", False),
            unitriangular=a.get("unitriangular", False)))
    if op == "cholesky_solve":
        return torch.cholesky_solve(args[0], args[1], upper=a.get("upper", False))
    if op == "linalg.cholesky":
        return torch.linalg.cholesky(x, upper=a.get("upper", False))
    if op == "cholesky":
        return torch.cholesky(x, upper=a.get("upper", False))
    if op == "linalg.qr":
        r = torch.linalg.qr(x, mode=a.get("mode", "reduced"))
        return (r.Q, r.R)
    if op == "qr":
        r = torch.qr(x, some=a.get("some", True))
        return (r.Q, r.R)
    if op == "linalg.svd":
        r = torch.linalg.svd(x, full_matrices=a.get("full_matrices", True))
        return (r.U, r.S, r.Vh)
    if op == "svd":
        r = torch.svd(x, some=a.get("some", True))
        return (r.U, r.S, r.V)
    if op == "linalg.eigvalsh":
        return torch.linalg.eigvalsh(x, UPLO=a.get("UPLO", "L"))
    if op in ("linalg.pinv", "linalg.matrix_rank"):
        return getattr(torch.linalg, op[7:])(x, **a)
    if op == "pinverse":
        return torch.pinverse(x, rcond=a.get("rcond", 1e-15))
    if op in ("matrix_exp", "linalg.matrix_exp"):
        return torch.linalg.matrix_exp(x)
    if op == "linalg.matrix_norm":
        return torch.linalg.matrix_norm(x, ord=a.get("ord", "fro"), dim=a.get("dim", (-2, -1)),
                                        keepdim=a.get("keepdim", False))
    if op == "linalg.vector_norm":
        return torch.linalg.vector_norm(x, ord=a.get("ord", 2), dim=a.get("dim"),
                                        keepdim=a.get("keepdim", False))
    if op in ("matrix_power", "linalg.matrix_power"):
        return torch.linalg.matrix_power(x, a["n"])
    if op == "kron":
        return torch.kron(args[0], args[1])
    if op == "tensordot":
        if "dims_a" in a or "dims_b" in a:
            return torch.tensordot(args[0], args[1], dims=(a.get("dims_a", []), a.get("dims_b", [])))
        return torch.tensordot(args[0], args[1], dims=a.get("dims", 2))
    if op == "linalg.multi_dot":
        return torch.linalg.multi_dot(list(args))
    if op == "chain_matmul":
        return torch.chain_matmul(*args)
    if op == "cross":
        return torch.cross(args[0], args[1], dim=a.get("dim"))
    if op == "linalg.cross":
        return torch.linalg.cross(args[0], args[1], dim=a.get("dim", -1))
    if op == "linalg.vecdot":
        return torch.linalg.vecdot(args[0], args[1], dim=a.get("dim", -1))
    if op == "einsum":
        return torch.einsum(a["equation"], *args)
    if op == "linalg.lstsq":
        r = torch.linalg.lstsq(args[0], args[1], rcond=a.get("rcond"), driver=a.get("driver"))
        return (r.solution, r.residuals, r.rank, r.singular_values)
    if op == "linalg.cond":
        return torch.linalg.cond(x, a.get("p"))
    if op == "linalg.householder_product":
        return torch.linalg.householder_product(args[0], args[1])
    return NotImplemented


# The in-place forms the table makes from out-of-place entries
# (core/table_math.cc AddInplaceForms) that have no case of their own above.
GENERATED_INPLACE = [
    "abs_", "acos_", "acosh_", "addcdiv_", "addcmul_", "addmm_", "addmv_",
    "addr_", "asin_", "asinh_", "atan2_", "atan_", "atanh_", "baddbmm_",
    "bitwise_and_", "bitwise_left_shift_", "bitwise_not_", "bitwise_or_",
    "bitwise_right_shift_", "bitwise_xor_", "ceil_", "clamp_", "clip_",
    "copysign_", "cos_", "cosh_", "deg2rad_", "eq_", "erf_", "erfc_", "exp2_",
    "exp_", "expm1_", "floor_", "floor_divide_", "fmod_", "frac_", "ge_",
    "gt_", "heaviside_", "hypot_", "le_", "lerp_", "log10_", "log1p_",
    "log2_", "log_", "logical_and_", "logical_not_", "logical_or_",
    "logical_xor_", "logit_", "lt_", "nan_to_num_", "ne_", "neg_", "pow_",
    "rad2deg_", "reciprocal_", "relu_", "remainder_", "round_", "rsqrt_",
    "sgn_", "sigmoid_", "sign_", "sin_", "sinc_", "sinh_", "sqrt_",
    "square_", "tan_", "tanh_", "true_divide_", "trunc_", "xlogy_",
    "clamp_min_", "clamp_max_", "lgamma_", "digamma_", "polygamma_",
    "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_", "arctanh_",
    "arctan2_", "multiply_", "divide_", "greater_", "greater_equal_", "less_",
    "less_equal_", "not_equal_", "cumsum_", "cumprod_"]


def _pointwise_call(op, args, a):
    x = args[0] if args else None
    if op in ("median.dim", "nanmedian.dim"):
        r = getattr(torch, op[:-4])(x, a["dim"], a.get("keepdim", False))
        return (r.values, r.indices)
    if op in ("cummax", "cummin"):
        r = getattr(torch, op)(x, a["dim"])
        return (r.values, r.indices)
    if op == "aminmax":
        r = torch.aminmax(x, dim=a.get("dim"), keepdim=a.get("keepdim", False))
        return (r.min, r.max)
    if op in ("std_mean", "var_mean"):
        kw = {k: a[k] for k in ("dim", "unbiased", "keepdim", "correction") if k in a}
        return getattr(torch, op)(x, **kw)
    if op == "diff":
        return torch.diff(x, n=a.get("n", 1), dim=a.get("dim", -1),
                          prepend=args[1] if len(args) > 1 else None,
                          append=args[2] if len(args) > 2 else None)
    if op == "bincount":
        return torch.bincount(x, weights=args[1] if len(args) > 1 else None,
                              minlength=a.get("minlength", 0))
    if op in GENERATED_INPLACE:
        return getattr(x, op)(*args[1:], **a)
    if op == "polygamma":
        return torch.polygamma(a["n"], x)
    if op in ("quantile", "nanquantile"):
        return getattr(torch, op)(x, args[1], dim=a.get("dim"), keepdim=a.get("keepdim", False),
                                  interpolation=a.get("interpolation", "linear"))
    if op == "tensor_split":
        return torch.tensor_split(x, a["sections"], a.get("dim", 0))
    if op == "tensor_split.indices":
        return torch.tensor_split(x, a["indices"], a.get("dim", 0))
    if op == "diag_embed":
        return torch.diag_embed(x, a.get("offset", 0), a.get("dim1", -2), a.get("dim2", -1))
    if op == "logcumsumexp":
        return torch.logcumsumexp(x, a["dim"])
    if op == "cdist":
        return torch.cdist(x, args[1], p=a.get("p", 2.0))
    if op == "mode":
        r = torch.mode(x, a.get("dim", -1), a.get("keepdim", False))
        return (r.values, r.indices)
    if op == "bernoulli":
        return torch.bernoulli(x, a["p"]) if "p" in a else torch.bernoulli(x)
    if op == "bernoulli_":
        return x.bernoulli_(args[1] if len(args) > 1 else 0.5)
    if op == "nonzero.tuple":
        return torch.nonzero(x, as_tuple=True)
    if op in ("unique", "unique_consecutive"):
        kw = {"return_inverse": True, "return_counts": True}
        if op == "unique":
            kw["sorted"] = a.get("sorted", True)
        return getattr(torch, op)(x, **kw)
    if op in ("meshgrid", "cartesian_prod", "block_diag"):
        return getattr(torch, op)(*args, **a)
    if op in ("tril_indices", "triu_indices"):
        return getattr(torch, op)(a["row"], a["col"], a.get("offset", 0),
                                  dtype=a.get("dtype", i64))
    if op == "logspace":
        return torch.logspace(a["start"], a["end"], a["steps"], a.get("base", 10.0),
                              dtype=_opt(a, "dtype"))
    fn = getattr(torch, op, None)
    if fn is None or op in ("div",):
        return NotImplemented
    return fn(*args, **a)


def build_pointwise_cases():
    def pair(op, **kw):
        case(op, "broadcast", F([2, 3]), F([3], lo=0.5, hi=2.0), **kw)
        case(op, "scalar", F([3], f64), W(-0.7), **kw)
    for op in ("atan2", "arctan2", "hypot", "copysign", "logaddexp", "fmax",
               "fmin", "true_divide", "divide", "multiply"):
        pair(op)
    # torch's second names (the table's aliases)
    for op in ("arccos", "arcsin", "arctan", "arcsinh", "arctanh"):
        case(op, "matrix", F([2, 3], lo=-0.8, hi=0.8))
    case("arccosh", "matrix", F([2, 3], lo=1.2, hi=3.0))
    for op in ("greater", "greater_equal", "less", "less_equal", "not_equal"):
        case(op, "broadcast", F([2, 3]), F([3]), grad=False)
    case("concatenate", "dim1", F([2, 3]), F([2, 1]), dim=1)
    case("fmax", "nan", V([float("nan"), 1.0, float("nan")], f32),
         V([2.0, float("nan"), float("nan")], f32))
    case("fmin", "int", I([4]), I([4]))
    case("logaddexp", "inf", V([float("inf"), -float("inf"), 1.0], f32),
         V([float("inf"), -float("inf"), float("inf")], f32))
    case("xlogy", "zero_x", V([0.0, 0.0, 2.0, 1.0], f32), V([0.0, float("nan"), 3.0, 0.5], f32),
         grad=False)
    case("xlogy", "positive", F([2, 3]), F([2, 3], lo=0.5, hi=2.0))
    case("div", "trunc", F([2, 3]), F([3], lo=0.5, hi=2.0), rounding_mode="trunc")
    case("div", "floor_int", V([7, -7, 5], i64), V([2, 2, -3], i64), rounding_mode="floor")
    case("div", "trunc_int", V([7, -7, 5], i64), V([2, 2, -3], i64), rounding_mode="trunc")
    case("div", "bad_mode", F([2]), F([2]), rounding_mode="round")
    case("bitwise_left_shift", "int64", V([1, -8, 1024, 3], i64), V([2, 1, 64, -1], i64))
    case("bitwise_right_shift", "int64", V([1, -8, 1024, -1024], i64), V([2, 1, 65, 65], i64))
    case("bitwise_left_shift", "int32", V([1024], i32), W(33))
    case("bitwise_left_shift", "float", F([2]), W(1))
    case("heaviside", "values", V([-1.0, 0.0, 2.0], f32), V([0.5], f32))
    case("heaviside", "dtypes", V([-1.0, 0.0], f32), V([1], i64))
    case("lerp", "scalar_weight", F([2, 3]), F([2, 3]), W(0.3))
    case("lerp", "tensor_weight", F([2, 3]), F([3]), V([[0.0], [0.75]], f32))
    case("addcmul", "value", F([2, 3]), F([3]), F([2, 3]), value=-1.5)
    case("addcdiv", "value", F([2, 3]), F([2, 3]), F([3], lo=0.5, hi=2.0), value=0.5)
    case("addcdiv", "ints", I([2]), I([2]), V([1, 2], i64))
    case("logit", "plain", F([2, 3], lo=0.05, hi=0.95))
    case("logit", "eps", V([0.0, 0.3, 1.0], f32), eps=1e-6, grad=False)
    case("nan_to_num", "defaults", V([float("nan"), float("inf"), -float("inf"), 1.0], f32))
    case("nan_to_num", "given_f64", V([float("nan"), float("inf"), -float("inf")], f64),
         nan=2.0, posinf=9.0, neginf=-9.0)
    case("sinc", "values", V([0.0, 0.5, 1.5, -2.25], f32))
    case("sinc", "f64", F([3], f64))
    case("deg2rad", "f32", F([2, 3], lo=-180, hi=180))
    case("deg2rad", "int", V([180, 90], i64))
    case("rad2deg", "f64", F([3], f64))
    case("sgn", "values", V([-2.0, 0.0, 3.0], f32), grad=False)
    case("square", "float", F([2, 3]))
    case("square", "int", V([3, -2], i64))
    case("isposinf", "values", V([float("inf"), -float("inf"), 1.0], f32))
    case("isneginf", "values", V([float("inf"), -float("inf"), 1.0], f64))
    case("clip", "both", F([2, 3]), min=-0.5, max=0.5)
    case("trace", "rect", F([3, 4]))
    case("trace", "int", I([3, 3]))
    case("trace", "vector", F([3]))
    case("std_mean", "dim1", F([3, 4]), dim=[1])
    case("std_mean", "all_unbiased_false", F([5], f64), unbiased=False)
    case("var_mean", "dim0_keepdim", F([3, 4]), dim=[0], keepdim=True)
    case("var_mean", "unbiased_false", F([5]), unbiased=False)
    case("aminmax", "all", F([3, 4]), grad=False)
    case("aminmax", "dim0_keepdim", F([3, 4]), dim=0, keepdim=True, grad=False)
    case("aminmax", "empty", F([0]), grad=False)
    nanm = V([[1.0, float("nan"), 3.0], [4.0, 5.0, 6.0]], f32)
    case("nansum", "all", nanm, grad=False)
    case("nansum", "dim1", F([3, 4]), dim=[1])
    case("nanmean", "all", nanm, grad=False)
    case("nanmean", "dim0", F([3, 4]), dim=[0])
    case("nanmean", "int", I([3]))
    case("median", "all_nan", nanm, grad=False)
    case("median", "all", F([3, 4]))
    case("median", "empty", V([], f32))
    case("nanmedian", "all", nanm, grad=False)
    case("median.dim", "dim1", F([3, 4]), dim=1)
    case("median.dim", "nan_row", nanm, dim=1, grad=False)
    case("median.dim", "dim0_keepdim", F([4, 2]), dim=0, keepdim=True)
    case("nanmedian.dim", "nan_row", nanm, dim=1, grad=False)
    case("nanmedian.dim", "dim0", F([3, 2]), dim=0)
    case("dist", "p2", F([2, 3]), F([3]))
    case("dist", "p1", F([2, 3], f64), F([2, 3], f64), p=1.0)
    case("dist", "pinf", F([4]), F([4]), p=float("inf"))
    case("diff", "int", V([1, 4, 9, 16], i64))
    case("diff", "n2_dim0", F([4, 3]), n=2, dim=0)
    case("diff", "prepend", F([3]), F([2]))
    case("diff", "bool", V([True, False, False, True], bl))
    case("diff", "0dim", F([]))
    case("cummax", "ties_nan", V([1.0, 3.0, 3.0, 2.0, float("nan"), 5.0], f32), dim=0, grad=False)
    case("cummax", "dim1", F([3, 4]), dim=1)
    case("cummin", "ties", V([1.0, 3.0, 3.0, 2.0, 1.0], f64), dim=0, grad=False)
    case("cummin", "int_dim0", I([4, 2]), dim=0)
    case("bincount", "plain", V([1, 1, 3], i64))
    case("bincount", "weights_minlength", V([1, 1, 3], i64), V([0.5, 0.5, 1.0], f32), minlength=6)
    case("bincount", "negative", V([-1, 2], i64))
    case("bincount", "float", F([3]))
    case("histc", "range", V([1.0, 2.0, 1.0, 3.0, -1.0], f32), bins=4, min=0, max=3)
    case("histc", "auto_range", V([1.0, 2.0, 1.0, 2.5], f64))
    case("histc", "int", V([1, 2], i64))
    case("bmm", "batch2", F([2, 3, 4]), F([2, 4, 2]))
    case("bmm", "not_3d", F([2, 2]), F([2, 2]))
    case("bmm", "mismatch", F([2, 3, 4]), F([3, 4, 2]))
    case("addmm", "beta_alpha", F([3]), F([2, 4]), F([4, 3]), beta=0.5, alpha=-2.0)
    case("addmm", "beta0_nan_input", V([float("nan")], f32), F([2, 2]), F([2, 2]), beta=0.0, nograd={0})
    case("addmm", "plain", F([2, 3]), F([2, 4]), F([4, 3]))
    case("addmv", "plain", F([2]), F([2, 3]), F([3]))
    case("addr", "alpha", F([2, 3]), F([2]), F([3]), alpha=2)
    case("baddbmm", "alpha", F([2, 3, 2]), F([2, 3, 4]), F([2, 4, 2]), alpha=0.5)
    # sampling and sets
    case("bernoulli", "tensor_p", F([3, 4], lo=0.0, hi=1.0), seed=0, cmp=["exact"])
    case("bernoulli", "f64_p", F([5], f64, lo=0.0, hi=1.0), seed=3, cmp=["exact"])
    case("bernoulli", "scalar_p", F([6]), seed=1, p=0.3, cmp=["exact"])
    case("bernoulli", "bad_p", V([1.5], f32), seed=1)
    case("bernoulli_", "half", F([2, 3]), seed=2, cmp=["exact"], grad=False)
    case("bernoulli_", "tensor_p", F([2, 3]), F([3], lo=0.0, hi=1.0), seed=2,
         cmp=["exact"], grad=False)
    case("multinomial", "replacement", F([2, 4], lo=0.1, hi=1.0), seed=0,
         num_samples=7, replacement=True, cmp=["exact"])
    case("multinomial", "no_replacement", F([6], lo=0.1, hi=1.0), seed=4,
         num_samples=4, cmp=["exact"])
    case("multinomial", "one", F([6], f64, lo=0.1, hi=1.0), seed=5,
         num_samples=1, cmp=["exact"])
    case("multinomial", "negative", V([0.5, -0.1], f32), seed=0, num_samples=1)
    case("multinomial", "too_many", V([0.5, 0.5], f32), seed=0, num_samples=3)
    case("multinomial", "zero_sum", V([0.0, 0.0], f32), seed=0, num_samples=1)
    case("logspace", "base10", start=0, end=2, steps=3)
    case("logspace", "base2_f64", start=-1, end=1, steps=5, base=2.0, dtype=f64)
    case("logspace", "int", start=0, end=3, steps=4, dtype=i64)
    case("logspace", "f32_20", start=-3, end=3.5, steps=20)
    case("tril_indices", "square", row=3, col=3)
    case("tril_indices", "neg_offset", row=4, col=3, offset=-1)
    case("triu_indices", "offset", row=3, col=4, offset=1)
    case("searchsorted", "left", V([1.0, 2.0, 3.0, 5.0], f32), V([2.5, 3.0, 9.0, -1.0], f32))
    case("searchsorted", "right_int", V([1, 3, 5, 7], i64), V([[3, 4], [7, 0]], i64), right=True)
    case("searchsorted", "side_right_2d", V([[1.0, 3.0], [2.0, 4.0]], f64), V([[2.0], [5.0]], f64),
         side="right")
    case("searchsorted", "int32_out", V([1.0, 2.0], f32), V([1.5], f32), out_int32=True)
    case("searchsorted", "bad_shape", V([[1.0, 2.0]], f32), V([1.0, 2.0, 3.0], f32))
    case("bucketize", "right", V([[2.5, 0.0], [3.0, 9.0]], f32), V([1.0, 2.0, 3.0], f32), right=True)
    case("bucketize", "left", V([2.0, 0.5], f64), V([1.0, 2.0, 3.0], f64))
    case("unique", "int", V([3, 1, 3, 2, 1], i64))
    case("unique", "float_2d", V([[1.5, -1.0], [1.5, 0.0]], f32))
    case("unique_consecutive", "runs", V([1, 1, 2, 2, 1], i64))
    case("meshgrid", "ij", F([2]), F([3]), indexing="ij")
    case("meshgrid", "xy", F([2]), F([3]), F([2]), indexing="xy")
    case("cartesian_prod", "two", F([2]), F([3]))
    case("cartesian_prod", "int3", V([1, 2], i64), V([3], i64), V([4, 5], i64))
    case("block_diag", "mixed", F([2, 2]), F([3]), F([]))
    case("block_diag", "dtypes", V([[1, 2]], i64), F([1, 1], f64))
    case("clamp_min", "min", F([2, 3]), min=-0.2)
    case("clamp_max", "max", F([2, 3], f64), max=0.2)
    case("lgamma", "values", V([0.5, 1.0, 4.5, -1.5, 0.0, -2.0], f32), grad=False)
    case("lgamma", "positive", F([2, 3], lo=0.5, hi=5.0))
    case("lgamma", "f64", F([4], f64, lo=0.1, hi=20.0))
    case("digamma", "values", V([0.5, 1.0, 4.5, -1.5, 12.0, 10.0], f32), grad=False)
    case("digamma", "positive_f64", F([2, 3], f64, lo=0.5, hi=15.0))
    case("digamma", "negative_f64", F([4], f64, lo=-3.9, hi=-0.1))
    for n in (1, 2, 3, 5):
        case("polygamma", "n%d" % n, F([2, 3], f64, lo=0.3, hi=12.0), n=n)
    case("polygamma", "n2_f32", F([4], lo=0.5, hi=4.0), n=2)
    case("polygamma", "negative_x", V([-1.5, -0.25, -2.0, 0.0, 1.0], f64), n=2, grad=False)
    case("polygamma", "negative_n", F([2]), n=-1)
    case("quantile", "vector_q_dim1", F([3, 5]), V([0.2, 0.75], f32), dim=1)
    case("quantile", "scalar_q_all", F([2, 3], f64), W(0.4))
    case("quantile", "keepdim", F([2, 3]), V([0.5], f32), dim=0, keepdim=True)
    for mode in ("lower", "higher", "midpoint", "nearest"):
        case("quantile", mode, F([7]), V([0.1, 0.5, 0.66], f32), interpolation=mode)
    case("quantile", "nan", V([1.0, float("nan"), 3.0], f32), W(0.5), grad=False)
    case("quantile", "bad_q", F([3]), W(1.5))
    case("quantile", "bad_mode", F([3]), W(0.5), interpolation="cubic")
    case("quantile", "int_input", V([1, 2], i64), W(0.5))
    case("nanquantile", "nan", V([[1.0, float("nan"), 3.0], [float("nan")] * 3], f32), W(0.5),
         dim=1, grad=False)
    case("nanquantile", "plain", F([4, 3]), V([0.3], f32), dim=0)
    case("tensor_split", "sections", F([7, 2]), sections=3)
    case("tensor_split", "more_than_len", F([2]), sections=4)
    case("tensor_split", "zero", F([2]), sections=0)
    case("tensor_split.indices", "cuts", F([2, 6]), indices=[1, 4], dim=1)
    case("tensor_split.indices", "past_end", F([5]), indices=[-2, 9])
    case("diag_embed", "offset", F([2, 3]), offset=1)
    case("diag_embed", "dims", F([2, 3], f64), dim1=0, dim2=2)
    case("logcumsumexp", "dim1", F([3, 4]), dim=1)
    case("logcumsumexp", "f64_big", V([1e4, 1e4, -1e4], f64), dim=0)
    case("logcumsumexp", "int", V([1, 2], i64), dim=0)
    case("cdist", "p2", F([3, 2]), F([4, 2]))
    case("cdist", "p2_mm", F([30, 3]), F([26, 3]))
    case("cdist", "p1_batched", F([2, 3, 2], f64), F([2, 2, 2], f64), p=1.0)
    case("cdist", "pinf", F([3, 2]), F([2, 2]), p=float("inf"))
    case("cdist", "bad_cols", F([3, 2]), F([2, 3]))
    case("mode", "int", V([[1, 2, 2, 3, 3], [4, 4, 1, 1, 0]], i64))
    case("mode", "float_keepdim", V([[5.0, 1.0, 5.0], [2.0, 2.0, 7.0]], f32), dim=1, keepdim=True)
    case("mode", "dim0", F([3, 2]), dim=0)
    # in-place forms
    unary = {"acos_", "acosh_", "asin_", "asinh_", "atan_", "atanh_", "abs_",
             "ceil_", "cos_", "cosh_", "deg2rad_", "erf_", "erfc_", "exp2_",
             "exp_", "expm1_", "floor_", "frac_", "log10_", "log1p_", "log2_",
             "log_", "logit_", "nan_to_num_", "neg_", "rad2deg_", "reciprocal_",
             "relu_", "round_", "rsqrt_", "sgn_", "sigmoid_", "sign_", "sin_",
             "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_",
             "lgamma_", "digamma_", "arccos_", "arccosh_", "arcsin_",
             "arcsinh_", "arctan_", "arctanh_"}
    positive = {"acosh_", "arccosh_", "log10_", "log2_", "log_", "rsqrt_", "sqrt_", "reciprocal_",
                "lgamma_", "digamma_"}
    unit = {"acos_", "asin_", "atanh_", "logit_", "arccos_", "arcsin_",
            "arctanh_"}
    for op in GENERATED_INPLACE:
        if op in unary:
            lo, hi = (0.5, 2.0) if op in positive else (0.1, 0.9) if op in unit else (-2.0, 2.0)
            if op in ("acosh_", "arccosh_"):
                lo, hi = 1.1, 3.0
            # (torch's sgn gradient is an unallocated zero tensor)
            case(op, "f32", F([2, 3], lo=lo, hi=hi), grad=op != "sgn_")
        elif op in ("bitwise_and_", "bitwise_or_", "bitwise_xor_",
                    "bitwise_left_shift_", "bitwise_right_shift_"):
            case(op, "int", I([3], lo=0, hi=8), I([3], lo=0, hi=4))
        elif op == "bitwise_not_":
            case(op, "int", I([3]))
        elif op in ("logical_and_", "logical_or_", "logical_xor_"):
            case(op, "float", F([3]), V([1.0, 0.0, 1.0], f32))
        elif op == "logical_not_":
            case(op, "bool", V([True, False], bl))
        elif op in ("cumsum_", "cumprod_"):
            case(op, "dim1", F([2, 3]), dim=1)
        elif op in ("eq_", "ne_", "lt_", "le_", "gt_", "ge_", "greater_",
                    "greater_equal_", "less_", "less_equal_", "not_equal_"):
            case(op, "float", F([2, 3]), F([3]), grad=False)
        elif op == "clamp_min_":
            case(op, "min", F([2, 3]), min=-0.5)
        elif op == "clamp_max_":
            case(op, "max", F([2, 3]), max=0.5)
        elif op in ("clamp_", "clip_"):
            case(op, "both", F([2, 3]), min=-0.5, max=0.5)
        elif op in ("addcmul_", "addcdiv_"):
            case(op, "value", F([2, 3]), F([3]), F([2, 3], lo=0.5, hi=2.0), value=0.5)
        elif op == "lerp_":
            case(op, "scalar", F([2, 3]), F([3]), W(0.25))
        elif op == "addmm_":
            case(op, "plain", F([2, 3]), F([2, 4]), F([4, 3]), beta=0.5)
        elif op == "addmv_":
            case(op, "plain", F([2]), F([2, 3]), F([3]))
        elif op == "addr_":
            case(op, "plain", F([2, 3]), F([2]), F([3]))
        elif op == "baddbmm_":
            case(op, "plain", F([2, 3, 2]), F([2, 3, 4]), F([2, 4, 2]))
        elif op == "heaviside_":
            case(op, "values", V([-1.0, 0.0, 2.0], f32), V([0.5], f32))
        elif op in ("pow_",):
            case(op, "tensor", F([2, 3], lo=0.5, hi=2.0), F([3]))
        elif op in ("xlogy_",):
            case(op, "positive", F([2, 3]), F([3], lo=0.5, hi=2.0))
        elif op == "polygamma_":
            case(op, "n1", F([2, 3], lo=0.5, hi=3.0), n=1)
        elif op == "floor_divide_":
            case(op, "float", F([3]), F([3], lo=0.5, hi=2.0), grad=False)
        else:
            case(op, "broadcast", F([2, 3]), F([3], lo=0.5, hi=2.0))
    case("sqrt_", "int_self", V([1, 4], i64))
    case("add_", "bool_self", V([True], bl), W(1))
    case("eq_", "int_self", V([1, 2], i64), V([1, 3], i64))


def _index_sort_layout_call(op, args, a):
    x = args[0] if args else None
    if op == "gather":
        return torch.gather(x, a["dim"], args[1])
    if op in ("scatter_reduce", "scatter_reduce_"):
        return getattr(x, op)(a["dim"], args[1], args[2], a["reduce"],
                              include_self=a.get("include_self", True))
    if op in ("scatter", "scatter_add", "scatter_", "scatter_add_"):
        src = args[2]
        if not isinstance(src, torch.Tensor):
            return getattr(x, op)(a["dim"], args[1], value=src) \
                if op.startswith("scatter_") and "add" not in op else \
                getattr(x, op)(a["dim"], args[1], src)
        return getattr(x, op)(a["dim"], args[1], src)
    if op == "index_select":
        return torch.index_select(x, a["dim"], args[1])
    if op in ("index_add", "index_add_"):
        return getattr(x, op)(a["dim"], args[1], args[2], alpha=a.get("alpha", 1))
    if op in ("index_copy", "index_copy_", "index_fill", "index_fill_"):
        return getattr(x, op)(a["dim"], args[1], args[2])
    if op in ("masked_fill", "masked_fill_"):
        return getattr(x, op)(args[1], args[2])
    if op == "masked_select":
        return torch.masked_select(x, args[1])
    if op == "take":
        return torch.take(x, args[1])
    if op == "take_along_dim":
        return torch.take_along_dim(x, args[1], a.get("dim"))
    if op == "nonzero":
        return torch.nonzero(x)
    if op == "nonzero.tuple":
        return torch.nonzero(x, as_tuple=True)
    if op == "sort":
        r = torch.sort(x, dim=a.get("dim", -1), descending=a.get("descending", False),
                       stable=a.get("stable", False))
        return (r.values, r.indices)
    if op == "argsort":
        return torch.argsort(x, dim=a.get("dim", -1), descending=a.get("descending", False),
                             stable=a.get("stable", False))
    if op == "msort":
        return torch.msort(x)
    if op == "topk":
        r = torch.topk(x, a["k"], dim=a.get("dim", -1), largest=a.get("largest", True),
                       sorted=a.get("sorted", True))
        return (r.values, r.indices)
    if op == "kthvalue":
        r = torch.kthvalue(x, a["k"], dim=a.get("dim", -1), keepdim=a.get("keepdim", False))
        return (r.values, r.indices)
    if op == "split":
        return torch.split(x, a["split_size"], a.get("dim", 0))
    if op == "split_with_sizes":
        return torch.split(x, a["split_sizes"], a.get("dim", 0))
    if op == "chunk":
        return torch.chunk(x, a["chunks"], a.get("dim", 0))
    if op == "unbind":
        return torch.unbind(x, a.get("dim", 0))
    if op == "broadcast_tensors":
        return torch.broadcast_tensors(*args)
    if op == "unfold":
        return x.unfold(a["dimension"], a["size"], a["step"])
    if op == "narrow":
        return torch.narrow(x, a["dim"], a["start"], a["length"])
    if op in ("movedim", "moveaxis"):
        return getattr(torch, op)(x, a["source"], a["destination"])
    if op == "swapaxes":
        return torch.swapaxes(x, a["axis0"], a["axis1"])
    if op == "swapdims":
        return torch.swapdims(x, a["dim0"], a["dim1"])
    if op == "flip":
        return torch.flip(x, a["dims"])
    if op in ("fliplr", "flipud", "msort", "atleast_1d", "atleast_2d", "atleast_3d"):
        return getattr(torch, op)(x)
    if op == "roll":
        return torch.roll(x, a["shifts"], a.get("dims"))
    if op == "rot90":
        return torch.rot90(x, a.get("k", 1), a.get("dims", [0, 1]))
    if op == "repeat":
        return x.repeat(a["repeats"])
    if op == "tile":
        return torch.tile(x, a["dims"])
    if op == "repeat_interleave":
        return torch.repeat_interleave(x, args[1], a.get("dim"))
    if op in ("tril", "triu", "tril_", "triu_"):
        return getattr(x, op)(a.get("diagonal", 0))
    if op in ("hstack", "vstack", "row_stack", "dstack", "column_stack"):
        return getattr(torch, op)(list(args))
    if op == "broadcast_to":
        return torch.broadcast_to(x, a["size"])
    if op == "unflatten":
        return torch.unflatten(x, a["dim"], a["sizes"])
    if op in ("new_zeros", "new_ones"):
        return getattr(x, op)(a["size"], dtype=_opt(a, "dtype"))
    if op == "new_empty":  # tensord zero-fills: compared with new_zeros
        return x.new_zeros(a["size"], dtype=_opt(a, "dtype"))
    if op == "new_full":
        return x.new_full(a["size"], a["fill_value"], dtype=_opt(a, "dtype"))
    return NotImplemented


# torch.nn.functional ops: inputs after the first two are these tensor
# keyword arguments.
NN_WEIGHTED = {"nll_loss": ("weight",), "cross_entropy": ("weight",),
               "binary_cross_entropy": ("weight",),
               "binary_cross_entropy_with_logits": ("weight", "pos_weight"),
               "linear": ("bias",)}
NN_OPS = {"softmax", "log_softmax", "softmin", "mse_loss", "l1_loss", "smooth_l1_loss",
          "huber_loss", "kl_div", "one_hot", "normalize", "cosine_similarity",
          "pairwise_distance"}
# Activations; those in NN_INPLACE also have an in-place op (name + "_"),
# which is torch's inplace=True.
NN_ACTS = {"relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish",
           "softplus", "softsign", "hardtanh", "hardsigmoid", "hardswish",
           "logsigmoid"}
NN_INPLACE = {"relu", "relu6", "leaky_relu", "elu", "selu", "celu", "silu", "mish",
              "hardtanh", "hardsigmoid", "hardswish"}
NN_OPS |= NN_ACTS | {op + "_" for op in NN_INPLACE}


def nn_call(op, args, attrs):
    import torch.nn.functional as F
    kw = dict(attrs)
    for name, t in zip(NN_WEIGHTED.get(op, ()), args[2:]):
        kw[name] = t
    if op.endswith("_") and op[:-1] in NN_INPLACE:
        return getattr(F, op[:-1])(*args, inplace=True, **kw)
    return getattr(F, op)(*args[:2], **kw)


# ---------------------------------------------------------------------------
# cases

CASES = []


class Case:
    def __init__(self, desc, op, inputs, attrs, seed, grad, clone, loss, cmp, perm, nograd,
                 gout):
        self.desc, self.op, self.inputs, self.attrs = desc, op, list(inputs), dict(attrs or {})
        self.seed, self.grad, self.clone, self.loss, self.cmp = seed, grad, clone, loss, cmp
        self.perm, self.nograd, self.gout = dict(perm or {}), set(nograd or ()), dict(gout or {})
        self.msg = False


def case(op, desc, *inputs, seed=None, grad=True, clone=True, loss=None, cmp=None, perm=None,
         nograd=None, gout=None, **attrs):
    """Adds a case. inputs: tensors, W(number) or S(index of an earlier
    input); grad: differentiate (all floating inputs require grad except those
    in `nograd`); clone: in-place ops act on a clone of a requires-grad input
    0; loss/cmp: per output; perm: {input index: dims} to pass permuted
    (non-contiguous) views; gout: {output index: upstream gradient} instead
    of a random one."""
    CASES.append(Case(desc, op, inputs, attrs, seed, grad, clone, loss, cmp, perm, nograd, gout))


def build_cases():
    # ---- creation ----
    case("zeros", "f32", size=[2, 3])
    case("zeros", "0dim_i32", size=[], dtype=i32)
    case("zeros", "empty", size=[0, 3])
    case("ones", "bool", size=[3], dtype=bl)
    case("ones", "f64", size=[2, 2], dtype=f64)
    case("full", "float_value", size=[2, 3], fill_value=2.5)
    case("full", "int_value", size=[2], fill_value=7)
    case("full", "bool_value", size=[2], fill_value=True)
    case("full", "int_value_f64", size=[2, 2], fill_value=3, dtype=f64)
    case("full", "float_value_i32", size=[3], fill_value=2.5, dtype=i32)
    case("arange", "end_only", end=5)
    case("arange", "float_step", start=0, end=1, step=0.1)
    case("arange", "int_f64", start=1, end=10, step=3, dtype=f64)
    case("arange", "negative_step", start=10, end=0, step=-3)
    case("arange", "float_step_i64", start=0, end=5, step=0.5, dtype=i64)
    case("arange", "float_negative", start=2.5, end=-1.5, step=-0.5)
    case("arange", "third_f64", start=0, end=1, step=1.0 / 3, dtype=f64)
    case("arange", "zero_step", start=0, end=5, step=0)
    case("arange", "wrong_sign", start=0, end=5, step=-1)
    case("linspace", "f32", start=0, end=1, steps=5)
    case("linspace", "f64", start=-1, end=1, steps=7, dtype=f64)
    case("linspace", "i64", start=0, end=10, steps=4, dtype=i64)
    case("linspace", "one_step", start=3, end=3, steps=1)
    case("linspace", "zero_steps", start=0, end=1, steps=0)
    case("linspace", "f32_100", start=0, end=1, steps=100)
    case("linspace", "f32_float_ends", start=-2.5, end=7.25, steps=33)
    case("linspace", "f64_20", start=1, end=2, steps=20, dtype=f64)
    case("eye", "3", n=3)
    case("eye", "2x4", n=2, m=4)
    case("eye", "i64", n=3, dtype=i64)
    case("eye", "0", n=0)
    case("rand", "f32_5", seed=0, size=[5], cmp=["exact"])
    case("rand", "f64_3x4", seed=42, size=[3, 4], dtype=f64, cmp=["exact"])
    case("rand", "f32_1000", seed=7, size=[1000], cmp=["exact"])
    case("rand", "f64_700", seed=123, size=[700], dtype=f64, cmp=["exact"])
    case("rand", "i64_error", seed=1, size=[3], dtype=i64)
    # ops_random.cc: torch's draws, bit for bit after the same seed
    case("randint", "small_range", seed=0, low=0, high=10, size=[8], cmp=["exact"])
    case("randint", "negative_low", seed=5, low=-5, high=3, size=[2, 3], cmp=["exact"])
    case("randint", "range_2_40", seed=0, low=-5, high=2**40, size=[4], cmp=["exact"])
    case("randint", "f32_dtype", seed=2, low=0, high=100, size=[5], dtype=f32,
         cmp=["exact"])
    case("randint", "empty_range", seed=2, low=3, high=3, size=[2])
    case("randperm", "10", seed=0, n=10, cmp=["exact"])
    case("randperm", "1000", seed=9, n=1000, cmp=["exact"])
    case("randperm", "i32_0", seed=9, n=0, dtype=i32, cmp=["exact"])
    case("randperm", "f64", seed=1, n=6, dtype=f64, cmp=["exact"])
    case("randperm", "negative", seed=1, n=-1)
    case("normal", "numbers_size", W(0.0), W(0.01), seed=0, size=[2, 3], cmp=["exact"])
    case("normal", "numbers_f64_100", W(2.0), W(3.0), seed=4, size=[100], dtype=f64,
         cmp=["exact"])
    case("normal", "tensor_mean", V([0.0, 10.0, -5.0], f64), W(1.0), seed=3, grad=False,
         cmp=["exact"])
    case("normal", "tensor_std", W(1.0), V([0.5, 2.0], f64), seed=3, grad=False,
         cmp=["exact"])
    case("normal", "both_tensors", V([0.0, 1.0], f64), V([1.0, 0.1], f64), seed=8,
         grad=False, cmp=["exact"])
    case("normal", "negative_std", W(0.0), W(-1.0), seed=0, size=[2])
    case("normal_", "f32", F([5]), seed=0, mean=1.0, std=2.0, grad=False, cmp=["exact"])
    case("normal_", "f64_40", F([40], f64), seed=11, grad=False, cmp=["exact"])
    case("uniform_", "f32", F([6]), seed=0, **{"from": -1.0, "to": 1.0}, grad=False,
         cmp=["exact"])
    case("uniform_", "f64", F([2, 3], f64), seed=5, **{"from": 2.0, "to": 3.5},
         grad=False, cmp=["exact"])
    case("uniform_", "default", F([4]), seed=1, grad=False, cmp=["exact"])
    case("uniform_", "i64_error", I([3]), seed=1, grad=False)
    # float16 and bfloat16 draws: 11 and 8 bits of each 32-bit draw.
    f16, bf16 = torch.float16, torch.bfloat16
    case("rand", "f16_40", seed=3, size=[40], dtype=f16, cmp=["exact"])
    case("rand", "bf16_7", seed=3, size=[7], dtype=bf16, cmp=["exact"])
    case("rand_like", "f16", F([2, 5]).to(f16), seed=2, grad=False, cmp=["exact"])
    case("uniform_", "f16", F([9]).to(f16), seed=0, **{"from": -3.0, "to": 5.3},
         grad=False, cmp=["exact"])
    case("uniform_", "bf16", F([9]).to(bf16), seed=4, **{"from": 0.1, "to": 0.7},
         grad=False, cmp=["exact"])
    case("exponential_", "f32", F([7]), seed=2, grad=False, cmp=["exact"])
    case("exponential_", "f64_lambd", F([2, 3], f64), seed=3, lambd=0.5, grad=False,
         cmp=["exact"])
    case("exponential_", "lambd_error", F([2]), seed=3, lambd=-1.0, grad=False)
    case("exponential_", "i64_error", I([2]), seed=3, grad=False)
    case("geometric_", "f32", F([8]), seed=4, p=0.3, grad=False, cmp=["exact"])
    case("geometric_", "i64", I([5]), seed=5, p=0.6, grad=False, cmp=["exact"])
    case("geometric_", "p_error", F([2]), seed=5, p=1.5, grad=False)
    case("log_normal_", "f64", F([9], f64), seed=6, grad=False, cmp=["exact"])
    case("log_normal_", "f32_args", F([4]), seed=7, mean=0.5, std=0.25, grad=False,
         cmp=["exact"])
    case("log_normal_", "std_error", F([2]), seed=7, std=0.0, grad=False)
    case("cauchy_", "f32", F([6]), seed=8, median=1.0, sigma=2.0, grad=False,
         cmp=["exact"])
    case("cauchy_", "f64", F([3], f64), seed=9, grad=False, cmp=["exact"])
    case("rand_like", "f32", F([2, 3]), seed=0, grad=False, cmp=["exact"])
    case("rand_like", "f64_dtype", F([4]), seed=6, dtype=f64, grad=False, cmp=["exact"])
    case("randn_like", "f64", F([3], f64), seed=2, grad=False, cmp=["exact"])
    case("empty", "2x3", size=[2, 3])
    case("empty", "i64", size=[4], dtype=i64)
    case("empty_like", "f64", F([2, 2], f64), grad=False)
    case("full_like", "float", F([2, 3]), fill_value=2.5, grad=False)
    case("full_like", "int_on_i64", I([3]), fill_value=7, grad=False)
    case("full_like", "dtype", I([2]), fill_value=1.5, dtype=f64, grad=False)
    case("randn", "f32_5", seed=0, size=[5], cmp=["exact"])
    case("randn", "f32_16", seed=3, size=[16], cmp=["exact"])
    case("randn", "f32_20", seed=4, size=[4, 5], cmp=["exact"])
    case("randn", "f64_8", seed=5, size=[8], dtype=f64, cmp=["exact"])
    case("randn", "f64_33", seed=6, size=[33], dtype=f64, cmp=["exact"])
    case("randn", "f32_15", seed=8, size=[15], cmp=["exact"])
    case("randn", "f64_16", seed=10, size=[16], dtype=f64, cmp=["exact"])
    case("randn", "f64_1000", seed=12, size=[1000], dtype=f64, cmp=["exact"])
    case("randn", "complex64_4", seed=13, size=[4], dtype=torch.complex64, cmp=["exact"])
    case("randn", "complex64_20", seed=14, size=[20], dtype=torch.complex64, cmp=["exact"])
    case("zeros_like", "i32", I([2, 3], i32))
    case("zeros_like", "bool", B([4]))
    case("ones_like", "f32_to_f64", F([2, 2]), dtype=f64)
    case("ones_like", "0dim", F([], f64))

    # ---- dtype ----
    case("to", "f32_to_f64", F([2, 3]), dtype=f64)
    case("to", "f64_to_f32", F([4], f64), dtype=f32)
    case("to", "f32_to_i64_trunc", V([2.7, -2.7, 0.5, -0.5, 3.0], f32), dtype=i64)
    case("to", "i64_to_f32", I([5]), dtype=f32)
    case("to", "f32_to_bool", V([0.0, -0.0, 0.1, -3.0], f32), dtype=bl)
    case("to", "bool_to_i32", B([5]), dtype=i32)
    case("to", "same_dtype", F([3]), dtype=f32)
    case("to", "i64_to_i32", V([1, -2, 300000], i64), dtype=i32)

    # ---- shape ----
    case("reshape", "2d", F([2, 3, 4]), shape=[6, 4])
    case("reshape", "flat", F([2, 3]), shape=[-1])
    case("reshape", "infer_middle", F([2, 3, 4], f64), shape=[4, -1, 3])
    case("reshape", "bad_size", F([2, 3]), shape=[4, 2])
    case("reshape", "two_minus_one", F([2, 3]), shape=[-1, -1])
    case("reshape", "0dim_to_1", F([]), shape=[1])
    case("reshape", "1_to_0dim", F([1], f64), shape=[])
    case("reshape", "i64", I([6]), shape=[3, 2])
    case("view", "2x6_to_3x4", F([2, 6]), shape=[3, 4])
    case("view", "infer", F([12], f64), shape=[2, -1])
    case("view", "bad_size", F([12]), shape=[5, -1])
    case("flatten", "default", F([2, 3, 4]))
    case("flatten", "start1", F([2, 3, 4]), start_dim=1)
    case("flatten", "middle_4d", F([2, 3, 4, 2], f64), start_dim=1, end_dim=2)
    case("flatten", "0dim", F([]))
    case("flatten", "start_after_end", F([2, 3, 4]), start_dim=2, end_dim=1)
    case("squeeze", "all", F([1, 3, 1, 2]))
    case("squeeze", "dim1", F([2, 1, 3]), dim=1)
    case("squeeze", "dim_not_one", F([2, 1, 3]), dim=0)
    case("squeeze", "dim_out_of_range", F([2, 1, 3]), dim=3)
    case("squeeze", "0dim", F([], f64))
    case("unsqueeze", "dim0", F([3]), dim=0)
    case("unsqueeze", "dim_neg", F([2, 3], f64), dim=-1)
    case("unsqueeze", "dim_end", F([2, 3, 4]), dim=3)
    case("unsqueeze", "out_of_range", F([2, 3]), dim=4)
    case("transpose", "01", F([2, 3]), dim0=0, dim1=1)
    case("transpose", "neg_3d", F([2, 3, 4], f64), dim0=-1, dim1=-3)
    case("transpose", "same", F([2, 3]), dim0=1, dim1=1)
    case("transpose", "0dim", F([]), dim0=0, dim1=-1)
    case("T", "2d", F([2, 3]))
    case("T", "1d", F([4], f64))
    case("T", "3d", F([2, 3, 4]))
    case("T", "0dim", F([]))
    case("t", "2d", F([2, 3]))
    case("t", "1d", F([4], f64))
    case("t", "0dim", F([]))
    nncase("t", "3d_error", F([2, 3, 4]))
    case("permute", "201", F([2, 3, 4]), dims=[2, 0, 1])
    case("permute", "negative", F([2, 3, 4], f64), dims=[-1, -3, -2])
    case("permute", "repeated", F([2, 3, 4]), dims=[0, 0, 1])
    case("permute", "wrong_count", F([2, 3, 4]), dims=[1, 0])
    case("expand", "3x1_to_3x4", F([3, 1]), size=[3, 4])
    case("expand", "new_leading", F([3], f64), size=[2, 3])
    case("expand", "keep", F([2, 1]), size=[-1, 3])
    case("expand", "bad", F([2, 3]), size=[3, 3])
    case("expand", "0dim", F([]), size=[2, 2])
    case("cat", "dim0", F([2, 3]), F([1, 3]))
    case("cat", "three_dim1", F([2, 1], f64), F([2, 2], f64), F([2, 3], f64), dim=1)
    case("cat", "mixed_dtype", F([2]), I([3]))
    case("cat", "dim_neg", F([2, 2]), F([2, 1]), dim=-1)
    case("cat", "shape_mismatch", F([2, 3]), F([2, 2]))
    case("cat", "legacy_empty", F([0]), F([2, 3]))
    case("cat", "0dim", F([]), F([]))
    case("cat", "i64_bool", I([2]), B([2]))
    case("stack", "dim0", F([3]), F([3]))
    case("stack", "dim1", F([2, 3], f64), F([2, 3], f64), F([2, 3], f64), dim=1)
    case("stack", "dim_neg", F([2]), F([2]), dim=-1)
    case("stack", "shape_mismatch", F([2]), F([3]))
    case("stack", "0dim", F([]), F([]))
    case("stack", "mixed_dtype", F([2]), F([2], f64))
    case("clone", "f32", F([2, 3]))
    case("clone", "i64", I([4]))
    case("contiguous", "f64", F([3, 2], f64))
    case("contiguous", "bool", B([2, 2]))
    case("select", "dim0", F([3, 4]), dim=0, index=1)
    case("select", "dim1_neg", F([3, 4], f64), dim=1, index=-1)
    case("select", "out_of_range", F([3, 4]), dim=0, index=3)
    case("select", "i64_3d", I([2, 3, 4]), dim=2, index=0)
    case("slice", "dim1", F([3, 4]), dim=1, start=1, end=3)
    case("slice", "step2", F([7], f64), start=0, end=7, step=2)
    case("slice", "negative_start", F([5]), start=-2)
    case("slice", "end_past_size", F([4, 3]), dim=0, start=1, end=100)
    case("slice", "empty", F([5]), start=3, end=1)
    case("slice", "dim_neg_step3", F([2, 8]), dim=-1, start=1, step=3)
    case("index", "int", F([3, 4]), index="1")
    case("index", "int_and_step", F([3, 4]), index="1, ::2")
    case("index", "ellipsis_int", F([2, 3, 4], f64), index="..., 1")
    case("index", "none_int", F([3, 4]), index="None, 0")
    case("index", "mixed", F([3, 4]), index=":, None, 1:")
    case("index", "negative", F([3, 4]), index="-1")
    case("index", "out_of_range", F([3, 4]), index="5")
    case("index", "too_many", F([3, 4]), index="0, 0, 0")
    case("index", "slice_clamped", F([3, 4]), index="1:100")
    case("index", "step3_ellipsis", F([7, 2], f64), index="::3, ...")
    case("index", "0dim_none", F([]), index="None")
    case("index", "0dim_ellipsis", F([], f64), index="...")
    case("index", "i64_scalar", I([2, 3]), index="1, 2")
    case("index_put_", "column", F([3, 4]), F([3]), index=":, 1", grad=False)
    case("index_put_", "row_wrapped", F([3, 4]), W(2.5), index="0", grad=False)
    case("index_put_", "broadcast", F([2, 3, 4], f64), F([4], f64), index="1, 1:", grad=False)
    case("index_put_", "i64_float_value", I([3, 2]), W(2.5), index="1", grad=False)
    case("index_put_", "bad_value_shape", F([3, 4]), F([3]), index="0", grad=False)
    case("index_put_", "with_grad", F([3, 4]), F([4]), index="1")

    # ---- elementwise: binary arithmetic ----
    case("add", "f32", F([2, 3]), F([2, 3]))
    case("add", "broadcast_row", F([2, 3]), F([3]))
    case("add", "broadcast_both_f64", F([4, 1], f64), F([1, 3], f64))
    case("add", "f32_f64_0dim", F([2, 3]), F([], f64))
    case("add", "i64_f64_0dim", I([2, 3]), F([], f64))
    case("add", "i32_i64", I([3], i32), I([3]))
    case("add", "i32_i64_0dim", I([3], i32), I([]))
    case("add", "i64_wrapped_float", I([3]), W(2.5))
    case("add", "i32_wrapped_int", I([3], i32), W(2))
    case("add", "bool_bool", B([4]), B([4]))
    case("add", "bool_wrapped_int", B([3]), W(1))
    case("add", "f32_wrapped_bool", F([3]), W(True))
    case("add", "alpha_float", F([2, 3]), F([2, 3]), alpha=2.5)
    case("add", "i64_alpha_float", I([3]), I([3]), alpha=2.5)
    case("add", "i64_alpha_int", I([3]), I([3]), alpha=3)
    case("add", "wrapped_self", W(2.5), F([3]))
    case("add", "0dim_0dim_f64", F([], f64), F([], f64))
    case("add", "broadcast_error", F([2, 3]), F([4]))
    case("add", "empty", F([0, 3]), F([3]))
    case("add", "size1_broadcast", F([1]), F([2, 3]))
    case("add", "bool_f32", B([3]), F([3]))
    case("add", "i32_f32", I([3], i32), F([3]))
    case("add", "f32_f64_same_dims", F([2, 3]), F([2, 3], f64))
    case("sub", "broadcast", F([2, 3]), F([2, 1]))
    case("sub", "alpha_f64", F([3], f64), F([3], f64), alpha=0.5)
    case("sub", "bool_bool", B([3]), B([3]))
    case("sub", "wrapped_self_int", W(3), I([4]))
    case("sub", "i64_wrapped_float", I([3]), W(1.5))
    case("sub", "wrapped_other_alpha", F([3]), W(2), alpha=3)
    case("mul", "broadcast", F([2, 1, 3]), F([4, 1]))
    case("mul", "i64_f32", I([3]), F([3]))
    case("mul", "bool_bool", B([4]), B([4]))
    case("mul", "i32_wrapped_int", I([3], i32), W(3))
    case("mul", "f64_wrapped_float", F([2, 2], f64), W(-1.5))
    case("mul", "wrapped_self_i32", W(2.5), I([3], i32))
    case("mul", "f32_f64_0dim", F([3, 1]), F([], f64))
    case("mul", "same_tensor_values", V([1.0, -2.0, 3.0], f32), V([1.0, -2.0, 3.0], f32))
    case("div", "f32", F([2, 3]), F([2, 3], lo=0.5, hi=2.0))
    case("div", "i64_i64", V([7, -7, 1, 0, 0], i64), V([2, 2, 0, 0, 5], i64))
    case("div", "i32_wrapped_int", I([4], i32), W(2))
    case("div", "wrapped_self_f64", W(1.0), F([3], f64, lo=0.5, hi=2.0))
    case("div", "broadcast_f64", F([2, 3], f64), F([3], f64, lo=0.5, hi=2.0))
    case("div", "bool_bool", V([True, False, True], bl), V([True, True, False], bl))
    case("div", "by_zero", V([1.0, -1.0, 0.0], f32), V([0.0, 0.0, 0.0], f32), grad=False)
    case("pow", "f32_wrapped_2", F([2, 3]), W(2))
    case("pow", "tensor_tensor", F([2, 3], lo=0.5, hi=2.0), F([2, 3]))
    case("pow", "f64_wrapped_half", F([4], f64, lo=0.1, hi=3.0), W(0.5))
    case("pow", "i64_wrapped_2", I([4]), W(2))
    case("pow", "i64_negative_exponent", I([3], lo=1, hi=4), W(-1))
    case("pow", "i64_i64", I([4], lo=-3, hi=4), I([4], lo=0, hi=4))
    case("pow", "wrapped_base", W(2.0), F([3]))
    case("pow", "i32_wrapped_float", I([3], i32, lo=1, hi=5), W(2.5))
    case("pow", "wrapped_0", F([3]), W(0))
    case("pow", "negative_base_int_exp", V([-2.0, -0.5, 3.0], f32), W(3))
    case("pow", "negative_base_half", V([-2.0, 4.0], f64), W(0.5), grad=False)
    case("pow", "broadcast_f64", F([2, 1], f64, lo=0.5, hi=2.0), F([3], f64))
    case("pow", "zero_base_wrapped_zero", V([0.0, 1.0, 2.0], f64), W(0.0))
    case("pow", "zero_base_tensor_exp", V([0.0, 0.0, 2.0], f64), V([2.0, 0.0, 0.5], f64))
    case("maximum", "broadcast", F([2, 3]), F([3]))
    case("maximum", "i64_f32", I([3]), F([3]))
    case("maximum", "ties", V([1.0, 2.0, 3.0], f32), V([1.0, 0.0, 3.0], f32))
    case("maximum", "i32", I([4], i32), I([4], i32))
    case("maximum", "bool", B([4]), B([4]))
    case("maximum", "nan", V([math.nan, 1.0], f64), V([0.0, math.nan], f64), grad=False)
    case("maximum", "0dim_f64", F([], f64), F([3], f64))
    case("minimum", "broadcast_f64", F([2, 1], f64), F([3], f64))
    case("minimum", "ties", V([1.0, 2.0, -3.0], f64), V([1.0, 5.0, -3.0], f64))
    case("minimum", "i64_i32", I([3]), I([3], i32))

    # ---- elementwise: unary ----
    for op, lo, hi in (("neg", -2, 2), ("abs", -2, 2), ("exp", -2, 2), ("log", 0.1, 3),
                       ("sqrt", 0.1, 3), ("sin", -3, 3), ("cos", -3, 3), ("tanh", -2, 2),
                       ("sigmoid", -3, 3), ("relu", -2, 2)):
        case(op, "f32", F([2, 3], f32, lo, hi))
        case(op, "f64_0dim", F([], f64, lo, hi))
        case(op, "i64", I([4], i64, max(int(lo), 1) if op in ("log", "sqrt") else -3, 4))
    case("neg", "i32", I([3], i32))
    case("neg", "bool", B([3]))
    case("abs", "bool", B([3]))
    case("abs", "at_zero", V([0.0, -1.0, 2.0], f32))
    case("abs", "i32", V([-3, 0, 4], i32))
    case("exp", "bool", B([3]))
    case("exp", "empty", F([0]))
    case("log", "edge", V([0.0, -1.0, 1.0], f64), grad=False)
    case("log", "i32", V([1, 2, 10], i32))
    case("sqrt", "edge", V([-1.0, 4.0], f32), grad=False)
    case("sqrt", "bool", B([3]))
    case("sin", "bool", B([3]))
    case("tanh", "i32", I([3], i32))
    case("sigmoid", "bool", B([3]))
    case("relu", "at_zero", V([0.0, -1.0, 2.0], f64))
    case("relu", "i32", I([4], i32))
    case("relu", "bool", B([3]))
    for op, lo, hi in MATH_UNARY_RANGES:
        case(op, "f32", F([2, 3], f32, lo, hi))
        case(op, "f64_0dim", F([], f64, lo, hi))
    for op in ("log2", "sqrt", "rsqrt", "reciprocal", "floor", "ceil", "trunc",
               "sign", "exp2", "erf"):
        case(op, "i64", V([1, 4, 9], i64))
    case("sign", "bool", B([4]))
    case("sign", "zeros", V([0.0, -0.0, 2.5, -1.0], f32))
    case("floor", "i32", V([-3, 0, 7], i32))
    case("round", "f32", F([2, 3], f32, -3, 3))
    case("round", "half_even", V([0.5, 1.5, 2.5, -0.5, -1.5], f64))
    case("round", "decimals", F([5], f32, -3, 3), decimals=2)
    case("round", "negative_decimals", F([4], f64, -500, 500), decimals=-2)
    case("round", "i64", V([3, -4], i64))
    specials = [1.0, -0.0, math.inf, -math.inf, math.nan, -2.5]
    for op in ("isnan", "isinf", "isfinite", "signbit"):
        case(op, "specials_f32", V(specials, f32), grad=False)
        case(op, "specials_f64", V(specials, f64), grad=False)
        case(op, "i64", V([-1, 0, 3], i64), grad=False)
    case("asin", "outside", V([2.0, -1.5, 0.5], f64), grad=False)
    case("log2", "edge", V([0.0, -1.0, 8.0], f32), grad=False)
    # ops_random.cc: queries, comparisons, diag, inner
    case("stride", "matrix", F([2, 3]), grad=False)
    case("stride", "transposed", F([3, 4]), perm={0: [1, 0]}, grad=False)
    case("stride", "dim", F([2, 3, 4]), dim=1, grad=False)
    case("stride", "0dim", F([]), grad=False)
    case("storage_offset", "fresh", F([3]), grad=False)
    case("is_contiguous", "fresh", F([2, 3]), grad=False)
    case("is_contiguous", "transposed", F([2, 3]), perm={0: [1, 0]}, grad=False)
    case("isclose", "default", V([1.0, 1.0 + 1e-6, 2.0, math.nan, math.inf], f64),
         V([1.0, 1.0, 2.1, math.nan, math.inf], f64), grad=False)
    case("isclose", "equal_nan", V([math.nan, 1.0], f32), V([math.nan, 1.5], f32),
         equal_nan=True, grad=False)
    case("isclose", "tolerances", V([1.0, 10.0], f64), V([1.05, 11.0], f64), rtol=0.0,
         atol=0.1, grad=False)
    case("isclose", "i64", V([1, 2, 3], i64), V([1, 3, 3], i64), grad=False)
    case("isclose", "broadcast", F([2, 3]), F([3]), grad=False)
    case("isclose", "dtype_mismatch", F([2]), F([2], f64), grad=False)
    case("isclose", "inf_signs", V([math.inf, -math.inf], f64), V([-math.inf, -math.inf], f64),
         grad=False)
    case("allclose", "close", V([1.0, 2.0], f64), V([1.0 + 1e-9, 2.0], f64), grad=False)
    case("allclose", "not_close", V([1.0, 2.0], f32), V([1.0, 2.1], f32), grad=False)
    case("allclose", "nan", V([math.nan], f32), V([math.nan], f32), grad=False)
    case("allclose", "nan_equal", V([math.nan], f32), V([math.nan], f32), equal_nan=True,
         grad=False)
    case("equal", "same", V([1.0, 2.0], f32), V([1.0, 2.0], f32), grad=False)
    case("equal", "different", V([1.0, 2.0], f32), V([1.0, 2.5], f32), grad=False)
    case("equal", "shapes", F([2]), F([3]), grad=False)
    case("equal", "int_float", V([1, 2], i64), V([1.0, 2.0], f32), grad=False)
    case("equal", "nan", V([math.nan], f64), V([math.nan], f64), grad=False)
    case("diagonal", "square", F([3, 3]))
    case("diagonal", "offset", F([3, 4], f64), offset=1)
    case("diagonal", "negative_offset", F([4, 3]), offset=-2)
    case("diagonal", "dims", F([2, 3, 4], f64), dim1=1, dim2=2)
    case("diagonal", "dims_reversed", F([2, 3, 4]), offset=1, dim1=2, dim2=0)
    case("diagonal", "past_edge", F([2, 2]), offset=5)
    case("diagonal", "same_dims", F([2, 2]), dim1=1, dim2=1)
    case("diag", "vector", F([3]))
    case("diag", "vector_offset", F([2], f64), diagonal=2)
    case("diag", "vector_negative", F([3]), diagonal=-1)
    case("diag", "matrix", F([3, 4]))
    case("diag", "matrix_offset", F([4, 3], f64), diagonal=-1)
    case("diag", "i64_vector", V([1, 2], i64))
    case("diag", "3d_error", F([2, 2, 2]))
    case("inner", "vectors", F([3]), F([3]))
    case("inner", "matrices", F([2, 3], f64), F([4, 3], f64))
    case("inner", "vector_matrix", F([3]), F([2, 3]))
    case("inner", "scalar", F([]), F([2, 2]))
    case("inner", "3d", F([2, 2, 3]), F([3]))
    case("inner", "mismatch", F([2]), F([3]))
    # ops_index.cc: advanced indexing
    L = lambda v: V(v, i64)
    case("index.advanced", "long", F([4, 3]), L([0, 2, 2, -1]), index="@")
    case("index.advanced", "long_2d", F([4, 3], f64), L([[0, 1], [3, 3]]), index="@")
    case("index.advanced", "two_adjacent", F([2, 3, 4]), L([0, 1, 1]), L([2, 0, 2]),
         index=":, @, @")
    case("index.advanced", "two_apart", F([2, 3, 4], f64), L([0, 1]), L([1, 3]),
         index="@, :, @")
    case("index.advanced", "int_then_list", F([2, 3, 4]), L([1, 3]), index="0, :, @")
    case("index.advanced", "broadcast", F([3, 4]), L([[0], [2]]), L([1, 3, 0]),
         index="@, @")
    case("index.advanced", "none_between", F([2, 4]), L([0, 1]), L([1, 2]),
         index="None, @, None, @")
    case("index.advanced", "ellipsis", F([2, 3, 4]), L([0, 3]), index="..., @")
    case("index.advanced", "slice_and_long", F([4, 5]), L([4, 0]), index="1:3, @")
    case("index.advanced", "mask", F([3, 4]), B([3, 4]), index="@")
    case("index.advanced", "mask_rows", F([3, 4]), V([True, False, True], bl), index="@")
    case("index.advanced", "mask_cols", F([3, 4], f64), V([False, True, True, False], bl),
         index=":, @")
    case("index.advanced", "mask_none", F([3]), V([False, False, False], bl), index="@")
    case("index.advanced", "empty_long", F([3, 2]), V([], i64), index="@")
    case("index.advanced", "i64_data", I([5]), L([4, 0]), index="@")
    case("index.advanced", "bool_data", B([4]), L([3, 3]), index="@")
    case("index.advanced", "out_of_range", F([3]), L([0, 3]), index="@")
    case("index.advanced", "negative_out_of_range", F([3, 2]), L([1]), L([-3]),
         index="@, @")
    case("index.advanced", "i32_error", F([3]), V([0, 1], i32), index="@")
    case("index.advanced", "f32_error", F([3]), V([0.0], f32), index="@")
    case("index.advanced", "broadcast_error", F([3, 3]), L([0, 1]), L([0, 1, 2]),
         index="@, @")
    case("index.advanced", "mask_shape_error", F([3, 4]), V([True, False], bl), index="@")
    case("index.advanced", "too_many", F([3]), L([0]), L([0]), index="@, @")
    case("index_put_.advanced", "long", F([4, 3]), F([2, 3]), L([0, 2]), index="@")
    case("index_put_.advanced", "scalar_value", F([4, 3], f64), F([], f64), L([1, 3]),
         index="@")
    case("index_put_.advanced", "pairs", F([3, 4]), F([3]), L([0, 1, 2]), L([3, 0, 1]),
         index="@, @")
    case("index_put_.advanced", "mask", F([3, 4]), F([]), B([3, 4]), index="@")
    case("index_put_.advanced", "mask_i64", I([2, 3]), V(0, i64), I([2, 3]).lt(0),
         index="@")
    case("index_put_.advanced", "slice_then_long", F([4, 5]), F([2, 1]), L([4, 0, 2]),
         index="1:3, @")
    case("index_put_.advanced", "accumulate", F([5]), F([4]), L([0, 0, 3, 0]),
         index="@", accumulate=True)
    case("index_put_.advanced", "accumulate_2d", F([3, 2], f64), F([3, 2], f64), L([2, 2, 1]),
         index="@", accumulate=True)
    case("index_put_.advanced", "value_shape_error", F([4, 3]), F([2]), L([0, 2]), index="@")
    case("index_put_.advanced", "out_of_range", F([4]), F([]), L([4]), index="@")
    # ops_more.cc
    case("var", "all", F([3, 4]))
    case("var", "dim_keepdim", F([3, 4], f64), dim=[1], keepdim=True)
    case("var", "dims", F([2, 3, 4]), dim=[0, 2])
    case("var", "biased", F([5], f64), unbiased=False)
    case("var", "correction0_dim", F([2, 5], f64), dim=[1], correction=0)
    case("var", "correction2", F([2, 5], f64), dim=[-1], correction=2)
    # torch 1.13's VarBackward0 fails on one element (a torch bug): forward only
    case("var", "one_element", F([1], f64), grad=False)
    case("var", "i64_error", I([3]), grad=False)
    case("std", "all", F([3, 4]))
    case("std", "dim", F([3, 4], f64), dim=[0])
    case("std", "biased_keepdim", F([2, 3], f64), dim=[1], unbiased=False, keepdim=True)
    case("std", "constant", V([2.0, 2.0, 2.0], f64), grad=False)
    for op in ("all", "any"):
        case(op, "bool", B([2, 3]), grad=False)
        case(op, "f32_dim", V([[0.0, 1.0], [2.0, 3.0]], f32), dim=[1], grad=False)
        case(op, "i64_keepdim", V([[0, 1, 2], [3, 4, 5]], i64), dim=[0], keepdim=True,
             grad=False)
        case(op, "empty", F([0]), grad=False)
        case(op, "dims", B([2, 3, 4]), dim=[0, 2], grad=False)
    case("count_nonzero", "all", V([[0, 1, 2], [0, 0, 5]], i64), grad=False)
    case("count_nonzero", "dim", V([[0.0, 1.0], [2.0, 0.0], [0.0, 0.0]], f32), dim=[0],
         grad=False)
    case("count_nonzero", "dims", B([2, 3, 4]), dim=[0, 2], grad=False)
    for op in ("amax", "amin"):
        case(op, "all", F([3, 4]))
        case(op, "dim", F([3, 4], f64), dim=[1])
        case(op, "dims_keepdim", F([2, 3, 4]), dim=[0, 2], keepdim=True)
        case(op, "ties", V([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], f64), dim=[1])
        case(op, "i64", I([2, 3]), dim=[0])
        case(op, "nan", V([1.0, math.nan, 2.0], f64), grad=False)
    case("logsumexp", "dim", F([3, 4]), dim=[1])
    case("logsumexp", "dims_keepdim", F([2, 3, 4], f64), dim=[0, 2], keepdim=True)
    case("logsumexp", "large", V([1000.0, 1000.0, -1000.0], f64), dim=[0])
    case("logsumexp", "all_neg_inf", V([[-math.inf, -math.inf], [0.0, 1.0]], f64), dim=[1],
         grad=False)
    case("logsumexp", "i64", V([1, 2, 3], i64), dim=[0])
    for op in ("remainder", "fmod"):
        case(op, "f32", F([2, 3], f32, -5, 5), F([2, 3], f32, 0.5, 2))
        case(op, "neg_divisor", F([4], f64, -5, 5), V([-1.5, -1.5, 2.0, -2.0], f64))
        case(op, "i64", V([7, -7, 7, -7], i64), V([3, 3, -3, -3], i64))
        case(op, "wrapped", F([4], f64, -5, 5), W(1.5))
        case(op, "i64_by_zero", V([1, 2], i64), V([0, 1], i64))
        case(op, "f32_by_zero", V([1.0, -1.0], f32), V([0.0, 0.0], f32), grad=False)
        case(op, "broadcast", F([3, 1], f64, -5, 5), F([4], f64, 1, 2))
    case("remainder", "wrapped_lhs", W(5), I([4], i64, 1, 5))
    case("floor_divide", "i64", V([7, -7, 7, -7], i64), V([2, 2, -2, -2], i64))
    case("floor_divide", "f32", F([2, 3], f32, -5, 5), F([2, 3], f32, 0.5, 2), grad=False)
    case("floor_divide", "wrapped", I([4]), W(3))
    case("floor_divide", "i64_by_zero", V([1, 2], i64), V([0, 1], i64))
    case("floor_divide", "grad_error", F([3], f32, -5, 5), F([3], f32, 1, 2))
    for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        case(op, "i64", V([12, -5, 0, 7], i64), V([10, 3, 9, -1], i64))
        case(op, "bool", B([4]), B([4]))
        case(op, "wrapped", V([12, -5, 6], i32), W(6))
        case(op, "f32_error", F([3]), F([3]))
    case("bitwise_not", "i64", V([0, 5, -1], i64))
    case("bitwise_not", "bool", V([True, False], bl))
    case("bitwise_not", "f32_error", F([2]))
    for op in ("logical_and", "logical_or", "logical_xor"):
        case(op, "f32", V([0.0, 1.5, 0.0, -2.0], f32), V([0.0, 0.0, 3.0, 1.0], f32))
        case(op, "mixed", I([2, 3], i64, -1, 2), B([3]))
    case("logical_not", "f32", V([0.0, 2.0, math.nan], f32))
    case("logical_not", "i64", V([0, 3], i64))
    case("clamp", "both", F([2, 3]), min=-0.5, max=0.5)
    case("clamp", "min_only", F([4], f64), min=0.0)
    case("clamp", "max_only", F([4]), max=0.25)
    case("clamp", "i64_int_bounds", I([5]), min=0, max=3)
    case("clamp", "i64_float_min", I([5]), min=0.5)
    case("clamp", "min_gt_max", F([4]), min=1.0, max=0.0)
    case("clamp", "no_bounds", F([3]))
    case("clamp", "grad_at_bounds", V([-1.0, -0.5, 0.0, 0.5, 1.0], f64), min=-0.5, max=0.5)
    case("clamp", "f64_0dim", F([], f64), min=-1, max=1)
    case("clamp", "i32_int_bounds", I([4], i32), min=-1, max=1)
    case("where", "basic", B([2, 3]), F([2, 3]), F([2, 3]))
    case("where", "broadcast", B([3]), F([2, 1], f64), F([], f64))
    case("where", "mixed_dtype", B([4]), I([4]), F([4]))
    case("where", "wrapped_other", B([3]), F([3]), W(0.0))
    case("where", "wrapped_both", B([3]), W(1), W(0))
    case("where", "wrapped_self_i32", B([3]), W(2.5), I([3], i32))
    case("where", "float_condition", F([3]), F([3]), F([3]))
    case("where", "i64_i32", B([4]), I([4]), I([4], i32))

    # ---- comparisons ----
    for op in ("eq", "ne", "lt", "le", "gt", "ge"):
        case(op, "f32_broadcast", V([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], f32), V([2.0, 2.0, 2.0], f32))
        case(op, "i64_wrapped_float", V([1, 2, 3], i64), W(2.5))
        case(op, "f32_i64", V([1.0, 2.5, 3.0], f32), V([1, 2, 4], i64))
    case("eq", "nan", V([math.nan, 1.0], f64), V([math.nan, 1.0], f64))
    case("ne", "nan", V([math.nan, 1.0], f32), V([math.nan, 1.0], f32))
    case("lt", "bool", V([True, False, False], bl), V([True, True, False], bl))
    case("ge", "i32_f64_0dim", V([1, 2, 3], i32), V(2.0, f64))
    case("gt", "wrapped_self", W(2), V([1, 2, 3], i64))
    case("le", "broadcast_error", F([2, 3]), F([2]))

    # ---- reductions ----
    case("sum", "all", F([2, 3, 4]))
    case("sum", "dim1", F([2, 3, 4]), dim=[1])
    case("sum", "dims_keepdim", F([2, 3, 4], f64), dim=[0, 2], keepdim=True)
    case("sum", "dim_int", F([2, 3]), dim=-1)
    case("sum", "i32", I([2, 3], i32))
    case("sum", "bool", B([5]))
    case("sum", "dtype_f64", F([3, 4]), dtype=f64)
    case("sum", "i64_dtype_f32", I([2, 2]), dim=[0], dtype=f32)
    case("sum", "empty_dim0", F([0, 3]), dim=[0])
    case("sum", "0dim", F([], f64))
    case("sum", "duplicate_dims", F([2, 3]), dim=[1, 1])
    case("sum", "dim_out_of_range", F([2, 3]), dim=[2])
    case("mean", "all", F([3, 4]))
    case("mean", "dim0_keepdim", F([3, 4]), dim=[0], keepdim=True)
    case("mean", "f64_dims", F([2, 3, 4], f64), dim=[-1, -2])
    case("mean", "i64", I([4]))
    case("mean", "empty", F([0]))
    case("mean", "bool", B([3]))
    case("prod", "all", F([2, 3], lo=0.5, hi=1.5))
    case("prod", "dim1_keepdim", F([2, 3]), dim=1, keepdim=True)
    case("prod", "i32", I([4], i32, lo=1, hi=4))
    case("prod", "one_zero", V([2.0, 0.0, 3.0, 4.0], f64))
    case("prod", "two_zeros_dim", V([[2.0, 0.0, 0.0], [1.0, 0.0, 3.0]], f32), dim=1)
    case("prod", "0dim", F([], f64))
    case("prod", "bool", B([4]))
    case("prod", "empty", F([0]))
    case("max", "f32", F([3, 4]))
    case("max", "i64", I([5]))
    case("max", "bool", B([4]))
    case("max", "ties_grad", V([1.0, 3.0, 2.0, 3.0], f32))
    case("max", "empty", F([0]))
    case("max", "0dim", F([], f64))
    case("max", "nan", V([1.0, math.nan, 3.0], f64), grad=False)
    case("min", "f64", F([2, 3], f64))
    case("min", "ties_grad", V([[1.0, 3.0], [1.0, 2.0]], f64))
    case("min", "i32", I([4], i32))
    case("max.dim", "dim1", F([3, 4]), dim=1)
    case("max.dim", "dim0_keepdim", F([3, 4], f64), dim=0, keepdim=True)
    case("max.dim", "i64", V([[1, 5, 2], [7, 0, 3]], i64), dim=-1)
    case("max.dim", "0dim", F([]), dim=0)
    case("max.dim", "nan", V([[1.0, math.nan, 0.0], [2.0, 3.0, 1.0]], f64), dim=1, grad=False)
    case("max.dim", "dim_out_of_range", F([3, 4]), dim=2)
    case("min.dim", "dim0", F([3, 4]), dim=0)
    case("min.dim", "f64_keepdim", F([2, 3, 2], f64), dim=1, keepdim=True)
    case("min.dim", "i32", V([[4, 1], [0, 9]], i32), dim=1)
    case("argmax", "all", F([3, 4]))
    case("argmax", "dim1", F([3, 4], f64), dim=1)
    case("argmax", "keepdim", F([3, 4]), dim=0, keepdim=True)
    case("argmax", "ties_first", V([1, 5, 5, 2, 5], i64))
    case("argmax", "bool", B([4]))
    case("argmax", "0dim", F([]))
    case("argmin", "all", F([2, 3], f64))
    case("argmin", "dim0", F([3, 4]), dim=0)
    case("argmin", "ties_first", V([[3, 1, 1], [0, 0, 2]], i32), dim=1)
    case("argmin", "empty", F([0]))

    # ---- scans ----
    case("cumsum", "dim1", F([2, 3]), dim=1)
    case("cumsum", "f64_dim0", F([3, 2], f64), dim=0)
    case("cumsum", "i32", I([5], i32), dim=0)
    case("cumsum", "bool", B([5]), dim=0)
    case("cumsum", "0dim", F([], f64), dim=0)
    case("cumsum", "dim_neg", F([2, 3, 2]), dim=-1)
    case("cumsum", "empty", F([0, 2]), dim=0)
    case("cumprod", "dim1", F([2, 3], lo=0.5, hi=1.5), dim=1)
    case("cumprod", "f64_dim0", F([4, 2], f64), dim=0)
    case("cumprod", "with_zero", V([2.0, 0.0, 3.0, 4.0], f64), dim=0)
    case("cumprod", "two_zeros", V([2.0, 0.0, 3.0, 0.0, 5.0], f32), dim=0)
    case("cumprod", "i32", I([4], i32, lo=1, hi=4), dim=0)
    case("cumprod", "0dim", F([]), dim=0)

    # ---- linear algebra ----
    case("dot", "f32", F([5]), F([5]))
    case("dot", "f64", F([7], f64), F([7], f64))
    case("dot", "i64", I([4]), I([4]))
    case("dot", "dtype_mismatch", F([3]), F([3], f64))
    case("dot", "size_mismatch", F([3]), F([4]))
    case("dot", "2d", F([2, 2]), F([2, 2]))
    case("mv", "f32", F([3, 4]), F([4]))
    case("mv", "f64", F([2, 5], f64), F([5], f64))
    case("mv", "size_mismatch", F([3, 4]), F([3]))
    case("mv", "i64", I([2, 3]), I([3]))
    case("mm", "f32", F([2, 3]), F([3, 4]))
    case("mm", "f64", F([5, 6], f64), F([6, 2], f64))
    case("mm", "i64", I([2, 3]), I([3, 2]))
    case("mm", "shape_mismatch", F([2, 3]), F([2, 3]))
    case("mm", "dtype_mismatch", F([2, 3]), F([3, 2], f64))
    case("mm", "empty", F([0, 3]), F([3, 2]))
    case("mm", "1d", F([3]), F([3, 2]))
    case("mm", "f32_large", F([17, 33]), F([33, 9]))
    case("matmul", "1d_1d", F([4]), F([4]))
    case("matmul", "2d_1d", F([3, 4]), F([4]))
    case("matmul", "1d_2d", F([3], f64), F([3, 2], f64))
    case("matmul", "batched", F([2, 3, 4]), F([2, 4, 5]))
    case("matmul", "broadcast_batch", F([2, 1, 3, 4], f64), F([5, 4, 2], f64))
    case("matmul", "3d_1d", F([2, 3, 4]), F([4]))
    case("matmul", "1d_3d", F([3]), F([2, 3, 4]))
    case("matmul", "2d_3d", F([2, 3]), F([4, 3, 2]))
    case("matmul", "i64", I([2, 3]), I([3, 2]))
    case("matmul", "dtype_mismatch", F([2, 3]), F([3, 2], f64))
    case("matmul", "shape_mismatch", F([2, 3]), F([4, 2]))
    case("matmul", "0dim", F([]), F([3]))
    case("outer", "f32", F([3]), F([4]))
    case("outer", "f64", F([2], f64), F([3], f64))
    case("outer", "i64_f32", I([2]), F([3]))
    case("outer", "2d", F([2, 2]), F([3]))
    case("norm", "p2_all", F([3, 4]))
    case("norm", "p1", F([5], f64), p=1)
    case("norm", "inf", F([2, 3]), p=math.inf)
    case("norm", "p3_dim1", F([2, 3], f64), p=3, dim=[1])
    case("norm", "fro", F([3, 3]), p="fro")
    case("norm", "fro_dims", F([2, 3, 4], f64), p="fro", dim=[1, 2])
    case("norm", "dim0_keepdim", F([3, 4]), dim=[0], keepdim=True)
    case("norm", "zero_vector_grad", V([0.0, 0.0, 0.0], f64))
    case("norm", "i64", I([3]))
    case("norm", "p0", V([0.0, 1.5, -2.0, 0.0], f32), p=0)
    case("norm", "p_half", F([4], f64, lo=0.5, hi=2.0), p=0.5)
    case("norm", "neg_inf", F([2, 3]), p=-math.inf)
    case("linalg.norm", "1d_default", F([5]))
    case("linalg.norm", "2d_default_fro", F([3, 4], f64))
    case("linalg.norm", "ord1_dim1", F([3, 4]), ord=1, dim=[1])
    case("linalg.norm", "inf_1d", F([6], f64), ord=math.inf)
    case("linalg.norm", "ord2_matrix", F([3, 3], f64), ord=2)
    case("linalg.norm", "ord3_keepdim", F([2, 4], f64), ord=3, dim=[-1], keepdim=True)
    case("linalg.norm", "fro_string", F([2, 3]), ord="fro")
    case("linalg.norm", "3d_default", F([2, 2, 3]))
    case("linalg.norm", "zero_vector_grad", V([0.0, 0.0], f32))
    case("linalg.eigh", "f64_3x3", Sym(3), loss=["lin", "sq"], cmp=["tol", "eigvec_sign"])
    case("linalg.eigh", "f32_4x4", Sym(4, f32), loss=["lin", "sq"], cmp=["tol", "eigvec_sign"])
    case("linalg.eigh", "batched", Sym(3, f64, (2,)), loss=["lin", "sq"], cmp=["tol", "eigvec_sign"])
    case("linalg.eigh", "1x1", F([1, 1], f64), loss=["lin", "sq"], cmp=["tol", "eigvec_sign"])
    case("linalg.eigh", "i64", I([2, 2]))
    case("linalg.eigh", "not_square", F([2, 3], f64))
    case("linalg.eig", "f64_3x3", F([3, 3], f64), cmp=["eigvals_set", "eigvecs_phase"])
    case("linalg.eig", "f32_4x4", F([4, 4], f32), cmp=["eigvals_set", "eigvecs_phase"])
    case("linalg.eig", "f32_rotation", V([[0.0, -2.0], [2.0, 0.0]], f32),
         cmp=["eigvals_set", "eigvecs_phase"])
    case("linalg.eig", "not_square", F([2, 3]))
    case("linalg.eigvals", "f32_4x4", F([4, 4]), cmp=["eigvals_set"])
    case("linalg.eigvals", "f64_complex_pair", V([[1.0, -3.0], [2.0, 0.5]], f64),
         cmp=["eigvals_set"])

    # ---- in place ----
    case("add_", "broadcast", F([2, 3]), F([3]))
    case("add_", "alpha", F([3], f64), F([3], f64), alpha=-2)
    case("add_", "i64_wrapped_float", I([3]), W(2.5))
    case("add_", "f32_i64", F([3]), I([3]))
    case("add_", "shape_grows", F([3]), F([2, 3]))
    case("add_", "leaf_requires_grad", F([3]), F([3]), clone=False)
    case("add_", "i32_i64", I([3], i32), I([3]))
    case("add_", "f32_f64", F([2, 2]), F([2, 2], f64))
    case("add_", "bool_bool", B([3]), B([3]))
    case("sub_", "alpha_f64", F([2, 2], f64), F([2, 2], f64), alpha=2)
    case("sub_", "bool", B([3]), B([3]))
    case("sub_", "f32_wrapped", F([3]), W(1))
    case("mul_", "wrapped_int", F([2, 3]), W(2))
    case("mul_", "i64_f32", I([3]), F([3]))
    case("mul_", "f32_f64_0dim", F([3]), F([], f64))
    case("mul_", "i32_bool", I([3], i32), B([3]))
    case("div_", "f32", F([2, 3]), F([2, 3], lo=0.5, hi=2.0))
    case("div_", "i64_wrapped_int", I([3]), W(2))
    case("div_", "f64_by_zero", F([3], f64), W(0.0), grad=False)
    case("div_", "broadcast", F([2, 3], f64), F([2, 1], f64, lo=0.5, hi=2.0))
    case("zero_", "f32", F([2, 3]))
    case("zero_", "i64", I([4]))
    case("fill_", "f32", F([2, 3]), value=2.5)
    case("fill_", "i64_int", I([3]), value=3)
    case("fill_", "bool", B([3]), value=True)
    case("fill_", "i32_float", I([3], i32), value=2.7)
    case("fill_", "f64_0dim", F([], f64), value=-1)
    case("copy_", "f32_from_f64", F([2, 3]), F([2, 3], f64))
    case("copy_", "broadcast", F([2, 3]), F([3]))
    case("copy_", "i64_from_f32", I([4]), V([1.7, -1.7, 2.2, 0.0], f32))
    case("copy_", "bad_shape", F([3]), F([2, 3]))
    case("copy_", "bool_from_f32", B([3]), V([0.0, 2.0, -0.5], f32))
    case("copy_", "f64_from_i32", F([3], f64), I([3], i32))


def build_more_cases():
    """Strided inputs, promotion corners, special values, larger sizes,
    complex64 and further edge cases."""
    # ---- creation edges ----
    case("arange", "rounding_3", start=0, end=0.3, step=0.1)
    case("arange", "rounding_4_f64", start=1, end=2.2, step=0.4, dtype=f64)
    case("arange", "float_start_f32_100", start=0.1, end=10, step=0.1)
    case("arange", "int_f32", start=0, end=10, step=3, dtype=f32)
    case("arange", "large_i64", start=2**40, end=2**40 + 5)
    # bit for bit: torch's kernel uses fused multiply-adds in vectors
    case("arange", "d2l_relu_grid_exact", start=-8.0, end=8.0, step=0.1, cmp=["exact"])
    case("arange", "d2l_relu_grid_f64_exact", start=-8.0, end=8.0, step=0.1, dtype=f64,
         cmp=["exact"])
    case("arange", "tail_exact", start=-3.7, end=100.2, step=0.37, cmp=["exact"])
    case("arange", "tail_f64_exact", start=-3.7, end=100.2, step=0.37, dtype=f64,
         cmp=["exact"])
    case("arange", "short_exact", start=0.5, end=37.3, step=0.3, cmp=["exact"])
    case("linspace", "i64_fractional", start=0, end=1, steps=5, dtype=i64)
    case("linspace", "i64_descending", start=10, end=0, steps=4, dtype=i64)
    case("linspace", "two_steps", start=-1.5, end=2.5, steps=2)
    case("linspace", "negative_steps", start=0, end=1, steps=-1)
    case("linspace", "f64_1000", start=-3, end=7, steps=1000, dtype=f64)
    case("full", "bool_dtype_from_float", size=[2], fill_value=0.0, dtype=bl)
    case("full", "negative_size", size=[-1, 2], fill_value=1.0)
    case("zeros", "negative_size", size=[2, -3])
    case("eye", "negative", n=-1)
    case("eye", "3x0", n=3, m=0)
    case("ones_like", "empty", F([0, 2]))
    case("zeros_like", "0dim_i64", I([]))
    case("rand", "f32_empty", seed=9, size=[0])
    case("rand", "f64_big_seed", seed=2**32 + 5, size=[2, 3], dtype=f64, cmp=["exact"])
    case("rand", "f32_0dim", seed=11, size=[], cmp=["exact"])
    case("rand", "complex64", seed=1, size=[3], dtype=torch.complex64, cmp=["exact"])
    case("rand", "bool_error", seed=1, size=[3], dtype=bl)
    case("ones", "complex64", size=[2], dtype=torch.complex64)

    # ---- strided (permuted) inputs ----
    case("sum", "perm_dim0", F([3, 4]), perm={0: [1, 0]}, dim=[0])
    case("sum", "perm3d_keepdim", F([2, 3, 4], f64), perm={0: [2, 0, 1]}, dim=[1], keepdim=True)
    case("mean", "perm_all", F([3, 5]), perm={0: [1, 0]})
    case("cumsum", "perm", F([3, 4]), perm={0: [1, 0]}, dim=1)
    case("cumprod", "perm", F([3, 4], f64, 0.5, 1.5), perm={0: [1, 0]}, dim=0)
    case("max.dim", "perm", F([3, 4]), perm={0: [1, 0]}, dim=1)
    case("argmin", "perm", F([3, 4], f64), perm={0: [1, 0]}, dim=0)
    case("prod", "perm", F([3, 4], f64, 0.5, 1.5), perm={0: [1, 0]}, dim=1)
    case("add", "perm_both", F([3, 4]), F([4, 3]), perm={0: [1, 0]})
    case("mul", "perm_broadcast", F([3, 4], f64), F([3], f64), perm={0: [1, 0]})
    case("exp", "perm", F([2, 3, 4]), perm={0: [2, 1, 0]})
    case("where", "perm", B([4, 3]), F([3, 4]), F([4, 3]), perm={0: [1, 0], 2: [1, 0]})
    case("mm", "perm_lhs", F([3, 2]), F([3, 4]), perm={0: [1, 0]})
    case("mm", "perm_both_f64", F([5, 3], f64), F([2, 5], f64), perm={0: [1, 0], 1: [1, 0]})
    case("matmul", "perm_batched", F([4, 2, 3]), F([2, 4, 5]), perm={0: [1, 2, 0]})
    case("mv", "perm", F([4, 3]), F([4]), perm={0: [1, 0]})
    case("dot", "perm_no_effect_1d", F([5]), F([5]), perm={0: [0]})
    case("view", "perm_error", F([3, 2]), perm={0: [1, 0]}, shape=[6])
    case("view", "perm_compatible", F([3, 1, 2]), perm={0: [1, 0, 2]}, shape=[3, 2])
    case("reshape", "perm_copy", F([3, 2]), perm={0: [1, 0]}, shape=[6])
    case("flatten", "perm", F([2, 3, 4]), perm={0: [0, 2, 1]})
    case("contiguous", "perm", F([3, 4]), perm={0: [1, 0]})
    case("clone", "perm", F([3, 4], f64), perm={0: [1, 0]})
    case("T", "perm", F([3, 4]), perm={0: [1, 0]})
    case("expand", "perm", F([1, 3]), perm={0: [1, 0]}, size=[3, 4])
    case("index", "perm", F([3, 4, 2]), perm={0: [2, 0, 1]}, index="1, ::2")
    case("cat", "perm", F([3, 2]), F([2, 2]), perm={0: [1, 0]}, dim=1)
    case("stack", "perm", F([3, 2]), F([2, 3]), perm={0: [1, 0]})
    case("to", "perm_f64", F([3, 4]), perm={0: [1, 0]}, dtype=f64)
    case("norm", "perm_dim", F([3, 4]), perm={0: [1, 0]}, dim=[1])
    case("eq", "perm", I([3, 4]), I([4, 3]), perm={1: [1, 0]})
    case("add_", "perm_self_nograd", F([3, 4]), F([3]), perm={0: [1, 0]}, grad=False)
    case("add_", "perm_self_view_of_clone", F([3, 4]), F([3]), perm={0: [1, 0]})
    case("mul_", "perm_other", F([3, 4]), F([4, 3]), perm={1: [1, 0]})
    case("copy_", "perm_self_nograd", F([3, 4]), F([3], f64), perm={0: [1, 0]}, grad=False)
    case("copy_", "perm_src", F([3, 4]), F([4, 3]), perm={1: [1, 0]})
    case("fill_", "perm_nograd", F([3, 4]), perm={0: [1, 0]}, grad=False, value=1.5)
    case("zero_", "perm_view_of_clone", F([3, 4]), perm={0: [1, 0]})
    case("index_put_", "perm_self", F([3, 4]), F([3]), perm={0: [1, 0]}, grad=False, index="1")
    case("add_", "perm_leaf_view", F([3, 4]), F([3]), perm={0: [1, 0]}, clone=False)

    # ---- type promotion corners ----
    case("add", "bool_i32_0dim", B([3]), I([], i32))
    case("add", "i64_f32_0dim", I([3]), F([]))
    case("add", "f64_0dim_f32_0dim", F([], f64), F([]))
    case("add", "wrapped_float_f64_0dim", W(1.5), F([], f64))
    case("add", "bool_wrapped_float", B([3]), W(0.5))
    case("mul", "i32_wrapped_bool", I([3], i32), W(True))
    case("mul", "i32_0dim_wrapped_float", I([], i32), W(2.5))
    case("mul", "bool_wrapped_bool", B([3]), W(False))
    case("sub", "i32_f64_0dim", I([3], i32), F([], f64))
    case("div", "i32_i64_0dim", I([3], i32), V(2, i64))
    case("pow", "i32_i64_0dim", I([3], i32, 0, 4), V(2, i64))
    case("pow", "f32_f64_same_dims", F([3], f32, 0.5, 2.0), F([3], f64))
    case("pow", "bool_wrapped_int", B([3]), W(2))
    case("maximum", "f32_f64_0dim", F([3]), F([], f64))
    case("minimum", "bool_i32", B([3]), I([3], i32))
    case("where", "i32_wrapped_int", B([3]), I([3], i32), W(7))
    case("where", "bool_bool", B([3]), B([3]), B([3]))
    case("eq", "bool_wrapped_float", V([True, False], bl), W(1.0))
    case("lt", "i32_wrapped_float", V([1, 2, 3], i32), W(2.5))
    case("cat", "i32_i64", I([2], i32), I([3]))
    case("cat", "bool_f64", B([2]), F([2], f64))
    case("stack", "i32_f32", I([2], i32), F([2]))
    case("clamp", "f32_int_bounds", F([4]), min=-1, max=1)
    case("clamp", "i32_float_max", I([4], i32), max=0.5)
    case("clamp", "bool_int_bounds", B([4]), min=0, max=1)
    case("add_", "bool_wrapped_int", B([3]), W(1))
    case("add_", "f32_wrapped_float", F([3]), W(0.25), alpha=4)
    case("mul_", "i32_i64_0dim", I([3], i32), V(3, i64))
    case("div_", "f32_i64", F([3]), V([1, 2, 4], i64))
    case("sub_", "i64_wrapped_bool", I([3]), W(True))
    case("fill_", "f32_bool_value", F([3]), value=True, grad=False)
    case("fill_", "bool_float_value", B([3]), value=0.5)
    case("copy_", "i32_from_bool", I([3], i32), B([3]))

    # ---- special values ----
    case("exp", "overflow", V([100.0, -200.0, 0.0], f32))
    case("log", "grad_at_zero", V([0.0, 1.0], f64))
    case("sqrt", "grad_at_zero", V([0.0, 4.0], f32))
    case("sigmoid", "extremes", V([-800.0, 800.0, -50.0, 0.0], f64))
    case("sigmoid", "extremes_f32", V([-100.0, 100.0, -20.0], f32))
    case("tanh", "extremes", V([-40.0, 40.0, 1e-8], f32))
    case("relu", "nan", V([math.nan, -1.0], f32), grad=False)
    case("abs", "neg_zero_inf", V([-0.0, -math.inf, math.inf], f64), grad=False)
    case("clamp", "nan", V([math.nan, 2.0, -2.0], f32), min=-1.0, max=1.0, grad=False)
    case("maximum", "inf", V([math.inf, -math.inf, 1.0], f32), V([1.0, 1.0, math.inf], f32), grad=False)
    case("minimum", "nan_f32", V([math.nan, 1.0, 2.0], f32), V([0.0, math.nan, 1.0], f32))
    case("maximum", "nan_f64_grad", V([math.nan, 1.0, 2.0], f64), V([0.0, math.nan, 3.0], f64))
    case("div", "zero_by_zero", V([0.0, 1.0], f64), V([0.0, -0.0], f64), grad=False)
    case("div", "i64_zero_by_zero", V([0, 5, -5], i64), V([0, 0, 0], i64))
    case("pow", "zero_negative_exp", V([0.0, 2.0], f32), W(-1.0), grad=False)
    case("pow", "negative_base_cuberoot", V([-8.0], f64), W(1.0 / 3), grad=False)
    case("pow", "i64_overflow", V([10, 3], i64), W(19))
    case("pow", "f32_wrapped_int_neg", F([3], f32, 0.5, 2.0), W(-2))
    case("pow", "wrapped_base_zero", W(0.0), V([0.0, 1.0, 2.0], f64))
    case("add", "i32_overflow_wraps", V([2**31 - 1, -2**31], i32), V([1, -1], i32))
    case("sum", "i32_no_overflow", V([2**31 - 1, 2**31 - 1, 5], i32))
    case("cumsum", "i32_no_overflow", V([2**31 - 1, 2**31 - 1, 5], i32), dim=0)
    case("prod", "i32_no_overflow", V([100000, 100000, 3], i32))
    case("cumprod", "i32_no_overflow", V([100000, 100000, 3], i32), dim=0)
    case("to", "i64_to_i32_wraps", V([2**40 + 7, -(2**33) - 1], i64), dtype=i32)
    case("to", "nan_to_bool", V([math.nan, 0.0], f32), dtype=bl)
    case("to", "inf_to_f32", V([1e300, -1e300, 1e-300], f64), dtype=f32)
    case("max", "inf", V([-math.inf, -1.0], f32))
    case("argmax", "nan", V([1.0, math.nan, 3.0], f32))
    case("argmin", "inf", V([1.0, -math.inf, -math.inf], f64))
    case("min.dim", "nan", V([[1.0, math.nan], [2.0, 0.0]], f32), dim=1, grad=False)
    case("sum", "inf_nan", V([math.inf, -math.inf, 1.0], f64), grad=False)
    case("mean", "inf", V([math.inf, 1.0], f32), grad=False)
    case("norm", "inf_ties_grad", V([1.0, -3.0, 3.0, 2.0], f64), p=math.inf)
    case("norm", "p1_zero_grad", V([0.0, -2.0, 1.0], f32), p=1)
    case("norm", "p3_zero_vector_grad", V([0.0, 0.0], f64), p=3)
    case("linalg.norm", "inf_ties_grad", V([[2.0, -2.0], [1.0, 0.5]], f32), ord=math.inf,
         dim=[1])
    case("norm", "overflow_safe_f32", V([3e20, 4e20], f32))
    case("norm", "underflow_safe_f32", V([3e-25, 4e-25], f32))
    case("cumprod", "zero_first", V([0.0, 2.0, 3.0], f64), dim=0)
    case("prod", "zero_dim_keepdim", V([[1.0, 0.0], [0.0, 0.0], [2.0, 3.0]], f64), dim=1,
         keepdim=True)

    # ---- reductions and shapes: more edges ----
    case("sum", "dim_empty_keepdim", F([2, 3]), dim=[], keepdim=True)
    case("sum", "all_dims_keepdim", F([2, 3], f64), dim=[0, 1], keepdim=True)
    case("sum", "bool_dim", B([3, 4]), dim=[1])
    case("sum", "i32_dtype_i32", I([4], i32), dtype=i32)
    case("sum", "dim_size1", F([3, 1]), dim=[1])
    case("mean", "dim_empty_keepdim", F([2, 3], f64), dim=[], keepdim=True)
    case("mean", "empty_dim", F([0, 3]), dim=[0])
    case("prod", "i64_dim", I([2, 3], i64, 1, 4), dim=0)
    case("prod", "bool_dim", B([2, 3]), dim=1)
    case("max.dim", "bool", V([[True, False], [False, False]], bl), dim=1)
    case("max.dim", "empty_dim", F([0, 3]), dim=0)
    case("max.dim", "0dim_keepdim", F([], f64), dim=-1, keepdim=True)
    case("min.dim", "i64_keepdim", I([3, 2]), dim=0, keepdim=True)
    case("max", "i32_0dim", I([], i32))
    case("argmax", "keepdim_no_dim", F([3, 4]), keepdim=True)
    case("argmax", "empty_dim", F([2, 0]), dim=1)
    case("argmin", "0dim_dim", F([]), dim=0)
    case("cumsum", "dim_size1", F([3, 1]), dim=1)
    case("cumsum", "dim_out_of_range", F([3]), dim=1)
    case("cumprod", "bool", B([4]), dim=0)
    case("squeeze", "empty_dims", F([0, 1, 2]))
    case("squeeze", "0dim_dim0", F([]), dim=0)
    case("unsqueeze", "0dim", F([], f64), dim=0)
    case("unsqueeze", "0dim_neg", F([]), dim=-1)
    case("expand", "zero_size", F([1, 3]), size=[0, 3])
    case("expand", "fewer_dims_error", F([2, 3]), size=[3])
    case("reshape", "empty_minus_one", F([0, 3]), shape=[-1, 0])
    case("reshape", "empty_infer", F([0, 3]), shape=[3, -1])
    case("flatten", "1d", F([4]))
    case("flatten", "end_out_of_range", F([2, 3]), start_dim=0, end_dim=2)
    case("permute", "0dim", F([]), dims=[])
    case("transpose", "out_of_range", F([2, 3]), dim0=0, dim1=2)
    case("select", "0dim_error", F([]), dim=0, index=0)
    case("select", "1d_to_0dim", F([4], f64), dim=-1, index=2)
    case("slice", "negative_end", F([6]), start=1, end=-1)
    case("slice", "step_past_size", F([3, 4]), dim=1, step=10)
    case("slice", "dim_out_of_range", F([3]), dim=1)
    case("slice", "zero_step_error", F([3]), step=0)
    case("cat", "dim_out_of_range", F([2]), F([2]), dim=1)
    case("cat", "empty_piece", F([0, 3]), F([2, 3]), F([1, 3]), dim=0)
    case("cat", "dim1_empty_pieces", F([2, 0], f64), F([2, 2], f64), dim=1)
    case("cat", "single", F([2, 2]))
    case("stack", "new_last_dim", F([2, 3]), F([2, 3]), dim=2)
    case("stack", "dim_out_of_range", F([2]), F([2]), dim=3)
    case("stack", "empty", F([0]), F([0]))
    case("index", "negative_slice", F([5, 2]), index="-2:")
    case("index", "none_ellipsis_int", F([3, 4, 2], f64), index="::2, None, ..., 0")
    case("index", "empty_slice", F([4]), index="1:1")
    case("index", "1d_int_0dim", F([4]), index="2")
    case("index", "bool_tensor", B([3, 2]), index="1")
    case("index", "two_nones", F([2]), index="None, None")
    case("index", "two_ellipses", F([2, 3]), index="..., ...")
    case("index", "negative_out_of_range", F([3]), index="-4")
    case("index", "none_after", F([2, 3]), index="..., None")
    case("index_put_", "0dim_ellipsis", F([], f64), W(4.0), index="...", grad=False)
    case("index_put_", "f32_from_f64_value", F([2, 3]), F([3], f64), index="0", grad=False)
    case("index_put_", "value_grad_only", F([3, 4]), F([4]), index="2", nograd=[0])
    case("index_put_", "slice_step", F([6]), F([3]), index="::2")
    case("index_put_", "bool_from_wrapped_int", B([4]), W(1), index="1:3", grad=False)
    case("index_put_", "out_of_range", F([3]), W(1.0), index="3", grad=False)

    # ---- elementwise gradients with broadcasting ----
    case("div", "broadcast_grad_both", F([2, 3]), F([2, 1], f32, 0.5, 2.0))
    case("pow", "broadcast_grad_both", F([2, 1, 3], f64, 0.5, 2.0), F([4, 1], f64))
    case("maximum", "broadcast_grad", F([3, 1], f64), F([1, 4], f64))
    case("minimum", "broadcast_0dim_grad", F([2, 3]), F([]))
    case("sub", "broadcast_0dim_alpha_grad", F([2, 3], f64), F([], f64), alpha=-1.5)
    case("mul", "i64_f32_grad_float_only", I([2, 3]), F([3]))
    case("where", "broadcast_cond_grad", B([2, 1]), F([3]), F([2, 3]))
    case("clamp", "broadcast_none_f64_grad", F([2, 3], f64), min=-0.1)
    case("mul", "size1_dims_grad", F([1, 3, 1]), F([2, 1, 4]))
    case("add", "0dim_into_0dim_grad", F([]), F([], f64))

    # ---- linear algebra: more ----
    case("mm", "k0_f32", F([2, 0]), F([0, 3]))
    case("mm", "k0_f64", F([3, 0], f64), F([0, 2], f64))
    case("mm", "f32_64x128x96", F([64, 128]), F([128, 96]))
    case("mm", "f64_33x65x17", F([33, 65], f64), F([65, 17], f64))
    case("mm", "f32_odd_31x17x45", F([31, 17]), F([17, 45]))
    case("mm", "i32", I([2, 3], i32), I([3, 2], i32))
    case("mm", "bool", B([2, 2]), B([2, 2]))
    case("mv", "dtype_mismatch", F([2, 3], f64), F([3]))
    case("mv", "empty_rows", F([0, 3]), F([3]))
    case("dot", "i32", I([3], i32), I([3], i32))
    case("dot", "bool", B([3]), B([3]))
    case("dot", "empty", F([0]), F([0]))
    case("matmul", "2d_4d_broadcast", F([3, 4]), F([2, 3, 4, 2]))
    case("matmul", "empty_batch", F([0, 2, 3]), F([3, 4]))
    case("matmul", "1d_1d_i64", I([3]), I([3]))
    case("matmul", "batch_mismatch", F([2, 2, 3]), F([3, 3, 2]))
    case("matmul", "f32_batched_large", F([3, 20, 30]), F([3, 30, 10]))
    case("outer", "bool", B([2]), B([3]))
    case("outer", "i32_i64", I([2], i32), I([2]))
    case("outer", "empty", F([0]), F([3]))
    case("norm", "0dim", F([], f64))
    case("norm", "empty", F([0]))
    case("norm", "p2_dims_3d", F([2, 3, 4]), dim=[0, 2])
    case("norm", "p_neg1", F([4], f64, 0.5, 2.0), p=-1)
    case("linalg.norm", "ord1_matrix", F([3, 3], f64), ord=1)
    case("linalg.norm", "inf_matrix", F([2, 3]), ord=math.inf)
    case("linalg.norm", "ord2_dim_pair", F([2, 3, 3], f64), ord=2, dim=[1, 2])
    case("linalg.norm", "ord0", V([0.0, 1.0, -2.0], f32), ord=0)
    case("linalg.norm", "neg_inf", F([4], f64), ord=-math.inf)
    case("linalg.norm", "i64_error", I([3]))
    case("linalg.eigh", "f32_6x6", Sym(6, f32), loss=["lin", "sq"], cmp=["tol", "eigvec_sign"])
    case("linalg.eigh", "diagonal", V([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 2.0]], f64),
         loss=["lin", "sq"], cmp=["tol", "eigvec_sign"])
    case("linalg.eigh", "uses_lower_triangle",
         V([[2.0, 100.0], [1.0, 3.0]], f64), cmp=["tol", "eigvec_sign"], grad=False)
    case("linalg.eigh", "empty_0x0", F([0, 0], f64), loss=["lin", "sq"],
         cmp=["tol", "eigvec_sign"])
    case("linalg.eigh", "eigenvalues_only_grad", Sym(3), loss=["lin", "sq"],
         cmp=["tol", "eigvec_sign"])
    case("linalg.eig", "batched", F([2, 3, 3], f64), cmp=["eigvals_set", "eigvecs_phase"])
    case("linalg.eig", "symmetric_f32", Sym(3, f32), cmp=["eigvals_set", "eigvecs_phase"])
    case("linalg.eig", "i64_error", I([2, 2]))
    case("linalg.eigvals", "f32_complex_pair", V([[0.0, 1.0], [-4.0, 0.0]], f32),
         cmp=["eigvals_set"])
    case("linalg.eigvals", "batched_f32", F([3, 2, 2]), cmp=["eigvals_set"])

    # ---- larger sizes (accuracy of accumulation) ----
    case("sum", "f32_20000", F([20000], f32, 0.0, 1.0), grad=False)
    case("sum", "f32_200x100_dim0", F([200, 100], f32, 0.0, 1.0), dim=[0], grad=False)
    case("mean", "f32_20000", F([20000], f32, 0.0, 1.0), grad=False)
    case("cumsum", "f32_5000", F([5000], f32, 0.0, 1.0), dim=0)
    case("norm", "f32_20000", F([20000], f32, 0.0, 1.0), grad=False)
    case("dot", "f32_20000", F([20000], f32, 0.0, 1.0), F([20000], f32, 0.0, 1.0), grad=False)
    case("max", "f32_5000", F([5000]), grad=False)

    # ---- more error-vs-result probes ----
    case("cumsum", "f32_cancellation", F([5000], f32, -1.0, 1.0), dim=0, grad=False)
    case("cumsum", "f32_grad_cancellation", F([4]), dim=0,
         gout={0: V([1e8, 1.0, 1.0, 1.0], f32)})
    case("cumsum", "f64_grad_cancellation", F([4], f64), dim=0,
         gout={0: V([1e17, 1.0, 1.0, 1.0], f64)})
    case("sub", "i64_bool", I([3]), B([3]))
    case("sub", "bool_wrapped_int", B([3]), W(1))
    case("sub", "i64_wrapped_bool", I([3]), W(True))
    case("pow", "i64_negative_tensor_exp", V([2, -1, 1, 3, 0], i64), V([-1, -1, -2, 0, 2], i64))
    case("pow", "i32_negative_base_half", V([-4, 4], i32), W(0.5))
    case("div", "f32_wrapped_zero", V([1.0, -1.0, 0.0], f32), W(0), grad=False)
    case("reshape", "negative_dim_error", F([6]), shape=[-2, 3])
    case("expand", "minus_one_leading_error", F([3]), size=[-1, 3])
    case("permute", "out_of_range", F([2, 3]), dims=[0, 2])
    case("unsqueeze", "negative_out_of_range", F([2, 3]), dim=-4)
    case("select", "negative_out_of_range", F([3]), dim=0, index=-4)
    case("slice", "start_past_size", F([3]), start=5)
    case("index", "negative_step_error", F([3]), index="::-1")
    case("mm", "0dim_error", F([]), F([2, 2]))
    case("dot", "0dim_error", F([]), F([]))
    case("outer", "0dim_error", F([]), F([3]))
    case("mv", "1d_matrix_error", F([3]), F([3]))
    case("linalg.eigh", "0dim_error", F([], f64))
    case("linalg.norm", "three_dims_error", F([2, 2, 2]), dim=[0, 1, 2])
    case("norm", "nuclear", F([3, 3], f64), p="nuc")
    case("prod", "dim_out_of_range", F([2]), dim=1)
    case("argmax", "dim_out_of_range", F([2]), dim=1)
    case("max.dim", "empty_other_dim", F([0, 3]), dim=1)
    case("mean", "empty_dim1", F([0, 3]), dim=[1])
    case("where", "0dim_cond", V(True, bl), F([3]), F([2, 1]))
    case("eq", "empty_broadcast", F([0, 3]), F([3]))
    case("cat", "i32_bool", I([2], i32), B([2]))
    case("linspace", "f32_large_range", start=-1e6, end=1e6, steps=7)
    case("arange", "f32_hundredths", start=-1, end=1, step=0.01)
    case("eye", "bool", n=2, m=3, dtype=bl)
    case("sum", "0dim_dim0_keepdim", F([], f64), dim=[0], keepdim=True)
    case("index_put_", "f32_wrapped_bool", F([3]), W(True), index="0", grad=False)

    # ---- precision of the computation dtype ----
    big = 2**53 + 1
    case("sum", "f32_dtype_i64_truncates_first", V([0.6, 0.6, 0.6], f32), dtype=i64,
         grad=False)
    case("sum", "f64_dtype_i32_dim", V([[1.5, 2.5], [-1.5, 0.7]], f64), dim=[1], dtype=i32,
         grad=False)
    case("eq", "f32_vs_f64_0dim", V([0.1, 0.2], f32), V(0.1, f64))
    case("eq", "f32_vs_wrapped_float", V([0.1, 0.2], f32), W(0.1))
    case("eq", "i64_vs_wrapped_float_in_f32", V([2**24 + 1, 5], i64), W(float(2**24)))
    case("lt", "i64_vs_f64_0dim", V([2**53 + 1], i64), V(float(2**53), f64))
    case("full", "i64_big", size=[2], fill_value=big)
    case("arange", "i64_big_start", start=big, end=big + 3)
    case("fill_", "i64_big", I([2]), value=big)
    case("clamp", "i64_big_min", V([0, 2**62], i64), min=big)
    case("mul", "i64_wrapped_big", V([1, 2], i64), W(big))
    case("eq", "i64_wrapped_big", V([big, big - 1], i64), W(big))
    case("add", "i64_alpha_big", V([0, 1], i64), V([1, 1], i64), alpha=big)
    case("index_put_", "i64_wrapped_big", I([3]), W(big), index="1", grad=False)
    case("sum", "i64_big", V([big, 2**60], i64))
    case("cumsum", "i64_big", V([big, 2**60], i64), dim=0)
    case("max", "i64_big", V([big, big - 1], i64))
    case("to", "i64_big_to_f64", V([big], i64), dtype=f64)

    # ---- the same tensor twice (gradient accumulation, self-aliasing) ----
    case("mul", "alias_x_x", F([2, 3]), S(0))
    case("add", "alias_alpha", F([3], f64), S(0), alpha=-3)
    case("sub", "alias", F([3]), S(0))
    case("div", "alias", F([3], f32, 0.5, 2.0), S(0))
    case("pow", "alias", F([3], f64, 0.5, 2.0), S(0))
    case("maximum", "alias", F([4]), S(0))
    case("matmul", "alias_square", F([3, 3], f64), S(0))
    case("dot", "alias", F([4]), S(0))
    case("outer", "alias", F([3]), S(0))
    case("cat", "alias", F([2, 2]), S(0), dim=1)
    case("stack", "alias", F([3], f64), S(0))
    case("where", "alias", B([4]), F([4]), S(1))
    case("mm", "alias_perm", F([3, 3]), S(0), perm={1: [1, 0]})
    case("add_", "alias_self", F([3]), S(0))
    case("mul_", "alias_self", F([2, 2], f64), S(0))
    case("div_", "alias_self", F([3], f32, 0.5, 2.0), S(0))
    case("copy_", "alias_self", F([3]), S(0))
    case("add_", "alias_self_nograd", F([3]), S(0), grad=False)
    case("copy_", "alias_transposed_self_nograd", F([3, 3]), S(0), perm={1: [1, 0]}, grad=False)
    case("add_", "alias_transposed_self_nograd", F([3, 3]), S(0), perm={1: [1, 0]}, grad=False)

    # ---- complex64 (forward) ----
    c32 = torch.complex64
    case("add", "complex", C([3]), C([3]))
    case("mul", "complex_f32", C([3]), F([3]))
    case("mul", "complex_wrapped_float", C([2]), W(2.5))
    case("div", "complex", C([3]), C([3], 0.5, 2.0))
    case("abs", "complex", C([4]))
    case("exp", "complex", C([3]))
    case("neg", "complex", C([2]))
    case("eq", "complex", V([1 + 2j, 3 + 0j], c32), V([1 + 2j, 3 + 1j], c32))
    case("sum", "complex", C([2, 3]), dim=[1])
    case("mean", "complex", C([4]))
    case("matmul", "complex", C([2, 3]), C([3, 2]))
    case("to", "f32_to_complex", F([3]), dtype=c32)
    case("to", "complex_to_f32", C([3]), dtype=f32)
    case("where", "complex", B([3]), C([3]), F([3]))
    case("cat", "complex_f32", C([2]), F([2]))
    case("sqrt", "complex", V([-4 + 0j, 3 + 4j], c32))
    case("max", "complex_error", C([3]))
    case("lt", "complex_error", C([3]), C([3]))
    case("clamp", "complex_error", C([3]), min=0.0)
    case("linalg.eigvals", "complex_input", V([[1 + 1j, 2 + 0j], [0 + 0j, 3 - 1j]], c32),
         cmp=["eigvals_set"])
    case("fill_", "complex", C([2]), value=1.5)
    case("zeros_like", "complex", C([2]))

    # ---- complex128 and the complex-number ops (forward) ----
    c64 = torch.complex128
    case("add", "complex128", C([3], dtype=f64), C([3], dtype=f64))
    case("mul", "complex64_float64", C([3]), F([3], f64))
    case("mul", "complex64_float64_0dim", C([3]), F([], f64))
    case("mul", "complex128_wrapped_float", C([2], dtype=f64), W(2.5))
    case("div", "complex128", C([3], dtype=f64), C([3], 0.5, 2.0, dtype=f64))
    case("abs", "complex128", C([4], dtype=f64))
    case("exp", "complex128", C([3], dtype=f64))
    case("sum", "complex128", C([2, 3], dtype=f64), dim=[1])
    case("mean", "complex128", C([4], dtype=f64))
    case("matmul", "complex128", C([2, 3], dtype=f64), C([3, 2], dtype=f64))
    case("to", "f64_to_complex128", F([3], f64), dtype=c64)
    case("to", "complex128_to_complex64", C([3], dtype=f64), dtype=c32)
    case("sqrt", "complex128", V([-4 + 0j, 3 + 4j], c64))
    case("max", "complex128_error", C([3], dtype=f64))
    case("rand", "complex128", seed=3, size=[3], dtype=c64, cmp=["exact"])
    case("randn", "complex128_4", seed=15, size=[4], dtype=c64, cmp=["exact"])
    case("randn", "complex128_20", seed=16, size=[20], dtype=c64, cmp=["exact"])
    for dt, sfx in ((f32, ""), (f64, "_f64")):
        case("complex", "same" + sfx, F([2, 3], dt), F([2, 3], dt))
        case("complex", "broadcast" + sfx, F([2, 1], dt), F([3], dt))
        case("polar", "broadcast" + sfx, F([2, 3], dt, 0.5, 2.0), F([3], dt))
        case("real", "complex" + sfx, C([2, 3], dtype=dt))
        case("imag", "complex" + sfx, C([2, 3], dtype=dt))
        case("conj", "complex" + sfx, C([2, 3], dtype=dt))
        case("angle", "complex" + sfx, C([2, 3], dtype=dt))
        case("view_as_real", "complex" + sfx, C([2, 3], dtype=dt))
        case("view_as_complex", "pairs" + sfx, F([3, 2], dt))
    case("complex", "dtype_mismatch", F([2]), F([2], f64))
    case("complex", "int_error", I([2]), I([2]))
    case("real", "real_input", F([2, 3]))
    case("conj", "real_input", F([2, 3]))
    case("angle", "real_input", V([-1.5, 0.0, 2.0, float("nan")], f32))
    case("angle", "int_input", I([4]))
    case("imag", "real_error", F([2]))
    case("view_as_real", "real_error", F([2]))
    case("view_as_complex", "last_dim_error", F([2, 3]))
    case("view_as_complex", "int_error", I([3, 2]))


def nncase(op, desc, *inputs, **kw):
    """A case whose error, if torch raises one, must match torch's type and
    message."""
    case(op, desc, *inputs, **kw)
    if CASES and CASES[-1].op == op and CASES[-1].desc == desc:
        CASES[-1].msg = True


def build_nn_cases():
    """torch.nn.functional (core/ops_nn.cc)."""
    L = lambda v: V(v, i64)  # noqa: E731 - class indices
    # ---- softmax, log_softmax, softmin ----
    for op in ("softmax", "log_softmax", "softmin"):
        nncase(op, "dim1", F([3, 4]), dim=1)
        nncase(op, "dim0_f64", F([3, 4], f64), dim=0)
        nncase(op, "dim_neg_3d", F([2, 3, 4]), dim=-1)
        nncase(op, "middle_dim_3d", F([2, 3, 4], f64), dim=1)
        nncase(op, "perm", F([3, 4]), perm={0: [1, 0]}, dim=1)
        nncase(op, "0dim", F([]), dim=0)
        nncase(op, "empty", F([0, 3]), dim=1)
        nncase(op, "dtype_f64", F([2, 3]), dim=1, dtype=f64)
        nncase(op, "int_dtype", V([1, 2, 3], i64), dim=0, dtype=f32)
        nncase(op, "large", V([[1000.0, 1001.0, -1000.0], [-5e3, -5e3, -5e3]], f32), dim=1)
        nncase(op, "inf", V([[-math.inf, 0.0, 1.0], [math.inf, 0.0, 1.0]], f64), dim=1,
               grad=False)
        nncase(op, "int_error", V([1, 2, 3], i64), dim=0)
        nncase(op, "bool_error", B([3]), dim=0)
        nncase(op, "dim_error", F([3, 4]), dim=2)
    nncase("log_softmax", "tiny_probs", V([[0.0, -60.0, -120.0]], f32), dim=1)
    nncase("softmax", "long_rows", F([5, 300]), dim=1)
    nncase("softmax", "long_cols_f64", F([300, 5], f64), dim=0)

    # ---- nll_loss ----
    x34 = F([3, 4])
    nncase("nll_loss", "mean", x34, L([1, 0, 3]))
    nncase("nll_loss", "sum_f64", F([3, 4], f64), L([1, 0, 3]), reduction="sum")
    nncase("nll_loss", "none", F([3, 4]), L([2, 2, 0]), reduction="none")
    nncase("nll_loss", "weight", F([3, 4]), L([1, 0, 3]), F([4], f32, 0.1, 2.0),
           nograd={2})
    nncase("nll_loss", "weight_sum", F([3, 4]), L([1, 0, 3]), F([4], f32, 0.1, 2.0),
           nograd={2}, reduction="sum")
    nncase("nll_loss", "weight_none", F([3, 4]), L([1, 0, 3]), F([4], f32, 0.1, 2.0),
           nograd={2}, reduction="none")
    nncase("nll_loss", "ignore_index", F([4, 3]), L([1, 2, 1, 0]), ignore_index=1)
    nncase("nll_loss", "ignore_index_weight", F([4, 3]), L([1, 2, 1, 0]),
           F([3], f32, 0.1, 2.0), nograd={2}, ignore_index=2)
    nncase("nll_loss", "ignore_index_none", F([4, 3]), L([1, 2, 1, 0]), ignore_index=1,
           reduction="none")
    nncase("nll_loss", "ignore_negative", F([3, 3]), L([-1, 2, -1]), ignore_index=-1)
    nncase("nll_loss", "all_ignored", F([2, 3]), L([1, 1]), ignore_index=1)
    nncase("nll_loss", "1d", F([5]), L(3))
    nncase("nll_loss", "1d_none", F([5]), L(3), reduction="none")
    nncase("nll_loss", "3d_mean", F([2, 3, 4]), I([2, 4], i64, 0, 3))
    nncase("nll_loss", "3d_none", F([2, 3, 4]), I([2, 4], i64, 0, 3), reduction="none")
    nncase("nll_loss", "4d_none", F([2, 3, 2, 2], f64), I([2, 2, 2], i64, 0, 3),
           reduction="none")
    nncase("nll_loss", "4d_sum_weight", F([2, 3, 2, 2]), I([2, 2, 2], i64, 0, 3),
           F([3], f32, 0.5, 1.5), nograd={2}, reduction="sum")
    nncase("nll_loss", "5d_mean", F([2, 3, 2, 1, 2]), I([2, 2, 1, 2], i64, 0, 3))
    nncase("nll_loss", "perm_input", F([4, 3]), L([1, 2, 0]), perm={0: [1, 0]})
    nncase("nll_loss", "empty_mean", F([0, 3]), V([], i64))
    nncase("nll_loss", "empty_sum", F([0, 3]), V([], i64), reduction="sum")
    nncase("nll_loss", "legacy_size_average", F([3, 4]), L([1, 0, 3]), size_average=False)
    nncase("nll_loss", "legacy_reduce", F([3, 4]), L([1, 0, 3]), reduce=False)
    nncase("nll_loss", "target_oob", F([3, 4]), L([1, 4, 0]))
    nncase("nll_loss", "target_negative", F([3, 4]), L([1, -1, 0]))
    nncase("nll_loss", "target_float", F([3, 4]), V([1.0, 0.0, 2.0], f32), grad=False)
    nncase("nll_loss", "target_i32", F([3, 4]), V([1, 0, 2], i32))
    nncase("nll_loss", "batch_mismatch", F([3, 4]), L([1, 0]))
    nncase("nll_loss", "0dim_input", F([]), L(1))
    nncase("nll_loss", "weight_shape", F([3, 4]), L([1, 0, 3]), F([3]), nograd={2})
    nncase("nll_loss", "weight_requires_grad", F([3, 4]), L([1, 0, 3]), F([4]))
    nncase("nll_loss", "1d_target_on_1d", F([4]), L([1]))
    nncase("nll_loss", "2d_target_on_2d", F([3, 4]), V([[1, 0, 3], [0, 0, 0], [1, 1, 1]], i64))
    nncase("nll_loss", "3d_target_size", F([2, 3, 4]), I([2, 3], i64, 0, 3))
    nncase("nll_loss", "4d_target_dims", F([2, 3, 2, 2]), I([2, 4], i64, 0, 3))
    nncase("nll_loss", "4d_target_size", F([2, 3, 2, 2]), I([2, 2, 3], i64, 0, 3))
    nncase("nll_loss", "bad_reduction", F([3, 4]), L([1, 0, 3]), reduction="avg")
    nncase("nll_loss", "int_input", I([3, 4]), L([1, 0, 3]))

    # ---- cross_entropy ----
    nncase("cross_entropy", "mean", F([3, 5]), L([1, 0, 4]))
    nncase("cross_entropy", "sum_f64", F([4, 3], f64), L([1, 0, 2, 2]), reduction="sum")
    nncase("cross_entropy", "none", F([4, 3]), L([1, 0, 2, 2]), reduction="none")
    nncase("cross_entropy", "1d", F([5]), L(2))
    nncase("cross_entropy", "weight", F([4, 3]), L([1, 0, 2, 2]), F([3], f32, 0.2, 2.0),
           nograd={2})
    nncase("cross_entropy", "ignore_index", F([4, 3]), L([1, 0, 2, 0]), ignore_index=0)
    nncase("cross_entropy", "3d", F([2, 3, 4]), I([2, 4], i64, 0, 3))
    nncase("cross_entropy", "3d_none", F([2, 3, 4]), I([2, 4], i64, 0, 3), reduction="none")
    nncase("cross_entropy", "4d_weight_sum", F([2, 3, 2, 2], f64), I([2, 2, 2], i64, 0, 3),
           F([3], f64, 0.5, 1.5), nograd={2}, reduction="sum")
    nncase("cross_entropy", "large_logits", V([[1000.0, -1000.0, 0.0], [50.0, 50.0, 50.0]], f32),
           L([1, 2]))
    nncase("cross_entropy", "smoothing", F([4, 3]), L([1, 0, 2, 2]), label_smoothing=0.1)
    nncase("cross_entropy", "smoothing_sum", F([4, 3]), L([1, 0, 2, 2]), label_smoothing=0.25,
           reduction="sum")
    nncase("cross_entropy", "smoothing_none_3d", F([2, 3, 4]), I([2, 4], i64, 0, 3),
           label_smoothing=0.2, reduction="none")
    nncase("cross_entropy", "smoothing_weight_ignore", F([5, 3]), L([1, 0, 2, 2, 1]),
           F([3], f32, 0.2, 2.0), nograd={2}, label_smoothing=0.3, ignore_index=1)
    nncase("cross_entropy", "smoothing_ignore_none", F([5, 3]), L([1, 0, 2, 2, 1]),
           label_smoothing=0.3, ignore_index=2, reduction="none")
    nncase("cross_entropy", "smoothing_1d", F([4]), L(3), label_smoothing=0.5)
    nncase("cross_entropy", "smoothing_one", F([3, 4]), L([1, 0, 3]), label_smoothing=1.0)
    nncase("cross_entropy", "smoothing_negative", F([3, 4]), L([1, 0, 3]), label_smoothing=-0.5)
    prob = torch.softmax(F([3, 4], f64), 1)
    nncase("cross_entropy", "probs", F([3, 4]), prob.to(f32))
    nncase("cross_entropy", "probs_sum_f64", F([3, 4], f64), prob, reduction="sum")
    nncase("cross_entropy", "probs_none", F([3, 4]), prob.to(f32), reduction="none")
    nncase("cross_entropy", "probs_weight", F([3, 4]), prob.to(f32), F([4], f32, 0.5, 1.5),
           nograd={2})
    nncase("cross_entropy", "probs_smoothing", F([3, 4]), prob.to(f32), label_smoothing=0.2)
    nncase("cross_entropy", "probs_3d", F([2, 3, 2]), torch.softmax(F([2, 3, 2]), 1))
    nncase("cross_entropy", "probs_1d", F([4]), torch.softmax(F([4]), 0))
    nncase("cross_entropy", "probs_target_no_grad", F([3, 4]), prob.to(f32), nograd={1})
    nncase("cross_entropy", "probs_empty", F([0, 4]), F([0, 4]))
    nncase("cross_entropy", "probs_int_target", F([3, 4]), I([3, 4]))
    nncase("cross_entropy", "probs_ignore_index", F([3, 4]), prob.to(f32), ignore_index=1)
    nncase("cross_entropy", "probs_weight_shape", F([3, 4]), prob.to(f32), F([3]), nograd={2})
    nncase("cross_entropy", "smoothing_too_big", F([3, 4]), L([1, 0, 3]), label_smoothing=1.5)
    nncase("cross_entropy", "probs_smoothing_too_big", F([3, 4]), prob.to(f32),
           label_smoothing=1.5)
    nncase("cross_entropy", "target_oob", F([3, 4]), L([1, 4, 0]))
    nncase("cross_entropy", "float_target_shape", F([3, 4]), F([3]))
    nncase("cross_entropy", "0dim", F([]), L(1))
    nncase("cross_entropy", "0dim_probs", F([]), F([]))
    nncase("cross_entropy", "int_input", I([3, 4]), L([1, 0, 3]))
    nncase("cross_entropy", "int_input_smoothing", I([3, 4]), L([1, 0, 3]), label_smoothing=0.1)
    nncase("cross_entropy", "weight_shape", F([3, 4]), L([1, 0, 3]), F([3]), nograd={2})
    nncase("cross_entropy", "weight_requires_grad", F([3, 4]), L([1, 0, 3]), F([4]))
    nncase("cross_entropy", "batch_mismatch", F([3, 4]), L([1, 0]))
    nncase("cross_entropy", "smoothing_batch_mismatch", F([3, 4]), L([1, 0]),
           label_smoothing=0.1)
    nncase("cross_entropy", "bad_reduction", F([3, 4]), L([1, 0, 3]), reduction="batchmean")
    nncase("cross_entropy", "legacy_reduce_false", F([3, 4]), L([1, 0, 3]), reduce=False)

    # ---- activations ----
    acts = (("relu6", -2, 8, {}), ("leaky_relu", -2, 2, {"negative_slope": 0.2}),
            ("elu", -3, 2, {"alpha": 1.5}), ("selu", -3, 2, {}), ("celu", -3, 2, {"alpha": 0.5}),
            ("gelu", -4, 4, {}), ("silu", -5, 5, {}), ("mish", -5, 5, {}),
            ("softplus", -3, 3, {"beta": 2.0, "threshold": 4.0}), ("softsign", -3, 3, {}),
            ("hardtanh", -3, 3, {"min_val": -0.5, "max_val": 2.0}),
            ("hardsigmoid", -5, 5, {}), ("hardswish", -5, 5, {}), ("logsigmoid", -30, 30, {}))
    for op, lo, hi, kw in acts:
        nncase(op, "f32", F([3, 5], f32, lo, hi), **kw)
        nncase(op, "f64", F([2, 4], f64, lo, hi), **kw)
        nncase(op, "defaults_perm", F([3, 4], f32, lo, hi), perm={0: [1, 0]})
        nncase(op, "0dim", F([], f32, lo, hi), **kw)
        nncase(op, "empty", F([0, 2]))
        nncase(op, "int", I([4]), grad=False)
        nncase(op, "bool", B([3]))
        if op in NN_INPLACE:
            nncase(op + "_", "f32", F([3, 5], f32, lo, hi), **kw)
            nncase(op + "_", "f64_nograd", F([4], f64, lo, hi), grad=False, **kw)
            nncase(op + "_", "leaf_error", F([3], f32, lo, hi), clone=False, **kw)
            nncase(op + "_", "perm", F([3, 4], f32, lo, hi), perm={0: [1, 0]}, **kw)
    nncase("relu_", "f32", F([3, 5]))
    nncase("relu_", "int", I([5]), grad=False)
    nncase("relu_", "leaf_error", F([3]), clone=False)
    nncase("gelu", "tanh", F([3, 5], f32, -4, 4), approximate="tanh")
    nncase("gelu", "tanh_f64", F([6], f64, -4, 4), approximate="tanh")
    nncase("gelu", "bad_approximate", F([3]), approximate="fast")
    nncase("gelu", "extremes", V([-100.0, -10.0, 0.0, 10.0, 100.0], f32))
    nncase("silu", "extremes", V([-100.0, -30.0, 0.0, 30.0, 100.0], f32))
    nncase("mish", "extremes", V([-100.0, -30.0, 0.0, 30.0, 100.0], f64))
    nncase("softplus", "defaults", V([-30.0, -1.0, 0.0, 1.0, 19.0, 21.0, 100.0], f32))
    nncase("softplus", "negative_beta", F([5]), beta=-1.0)
    nncase("logsigmoid", "extremes", V([-200.0, -50.0, 0.0, 50.0, 200.0], f32))
    nncase("elu", "negative_alpha", F([5]), alpha=-1.0)
    nncase("celu", "zero_alpha", F([5]), alpha=0.0)
    nncase("leaky_relu", "negative_slope", F([5]), negative_slope=-0.3)
    nncase("hardtanh", "min_above_max", F([5]), min_val=1.0, max_val=-1.0)
    nncase("hardtanh", "boundaries", V([-1.0, 1.0, 0.0, 2.0], f32))
    nncase("relu6", "boundaries", V([0.0, 6.0, -1.0, 7.0, 3.0], f64))
    nncase("hardsigmoid", "boundaries", V([-3.0, 3.0, 0.0], f32))
    nncase("hardswish", "boundaries", V([-3.0, 3.0, 0.0], f32))
    nncase("hardtanh", "nan", V([math.nan, 0.5], f32), grad=False)
    nncase("elu", "nan", V([math.nan, -0.5], f32), grad=False)

    # ---- more losses ----
    for op in ("l1_loss", "smooth_l1_loss", "huber_loss"):
        nncase(op, "mean", F([3, 4]), F([3, 4]))
        nncase(op, "sum_f64", F([3, 4], f64), F([3, 4], f64), reduction="sum")
        nncase(op, "none", F([3, 4]), F([3, 4]), reduction="none")
        nncase(op, "broadcast", F([3, 4]), F([4]))
        nncase(op, "0dim", F([]), F([]))
        nncase(op, "int_error", I([3]), I([3]))
        nncase(op, "bad_reduction", F([3]), F([3]), reduction="avg")
        nncase(op, "shape_error", F([3, 4]), F([3]))
    nncase("smooth_l1_loss", "beta", F([3, 4]), F([3, 4]), beta=0.5)
    nncase("smooth_l1_loss", "beta0", F([3, 4]), F([3, 4]), beta=0.0)
    nncase("smooth_l1_loss", "beta_negative", F([3]), F([3]), beta=-1.0)
    nncase("smooth_l1_loss", "legacy", F([3]), F([3]), reduce=False)
    nncase("huber_loss", "delta", F([3, 4]), F([3, 4]), delta=0.3)
    nncase("huber_loss", "delta_big_f64", F([3, 4], f64), F([3, 4], f64), delta=5.0)
    nncase("huber_loss", "delta_zero", F([3]), F([3]), delta=0.0)
    nncase("l1_loss", "legacy", F([3]), F([3]), size_average=False)
    p01 = lambda shape, dt=f32: F(shape, dt, 0.05, 0.95)  # noqa: E731
    nncase("binary_cross_entropy", "mean", p01([3, 4]), p01([3, 4]))
    nncase("binary_cross_entropy", "sum_f64", p01([3, 4], f64), p01([3, 4], f64), reduction="sum")
    nncase("binary_cross_entropy", "none", p01([3, 4]), p01([3, 4]), reduction="none")
    nncase("binary_cross_entropy", "hard_targets", p01([4]), V([0.0, 1.0, 1.0, 0.0], f32))
    nncase("binary_cross_entropy", "weight", p01([3, 4]), p01([3, 4]), F([4], f32, 0.5, 2),
           nograd={2})
    nncase("binary_cross_entropy", "extremes", V([0.0, 1.0, 0.5, 1e-30], f32),
           V([0.0, 1.0, 1.0, 1.0], f32), grad=False)
    nncase("binary_cross_entropy", "extremes_log_clamp", V([0.0, 1.0], f64), V([1.0, 0.0], f64),
           grad=False)
    nncase("binary_cross_entropy", "out_of_range", V([1.5, 0.5], f32), V([1.0, 0.0], f32))
    nncase("binary_cross_entropy", "size_mismatch", p01([3, 4]), p01([4]))
    nncase("binary_cross_entropy", "int_target", p01([2]), V([1, 0], i64))
    nncase("binary_cross_entropy", "f64_target", p01([2]), V([1.0, 0.0], f64))
    nncase("binary_cross_entropy", "int_input", V([1, 0], i64), V([1, 0], i64))
    nncase("binary_cross_entropy", "weight_requires_grad", p01([3]), p01([3]), F([3]))
    nncase("binary_cross_entropy", "weight_shape", p01([3]), p01([3]), F([2]), nograd={2})
    bcel = "binary_cross_entropy_with_logits"
    nncase(bcel, "mean", F([3, 4], f32, -4, 4), p01([3, 4]))
    nncase(bcel, "sum_f64", F([3, 4], f64, -4, 4), p01([3, 4], f64), reduction="sum")
    nncase(bcel, "none", F([3, 4], f32, -4, 4), p01([3, 4]), reduction="none")
    nncase(bcel, "weight", F([3, 4]), p01([3, 4]), F([4], f32, 0.5, 2), nograd={2})
    nncase(bcel, "weight_pos_weight", F([3, 4]), p01([3, 4]), F([4], f32, 0.5, 2),
           F([4], f32, 0.5, 3), nograd={2, 3})
    nncase(bcel, "large_logits", V([100.0, -100.0, 50.0, -50.0], f32),
           V([1.0, 0.0, 0.0, 1.0], f32))
    nncase(bcel, "size_mismatch", F([3, 4]), p01([4]))
    nncase(bcel, "int_input", V([1, 0], i64), V([1, 0], i64))
    nncase(bcel, "weight_requires_grad", F([3]), p01([3]), F([3]))
    nncase("kl_div", "mean", F([3, 4]), p01([3, 4]))
    nncase("kl_div", "batchmean", F([3, 4]), p01([3, 4]), reduction="batchmean")
    nncase("kl_div", "sum_f64", F([3, 4], f64), p01([3, 4], f64), reduction="sum")
    nncase("kl_div", "none", F([3, 4]), p01([3, 4]), reduction="none")
    nncase("kl_div", "log_target", F([3, 4]), F([3, 4]), log_target=True)
    nncase("kl_div", "log_target_none", F([3, 4]), F([3, 4]), log_target=True, reduction="none")
    nncase("kl_div", "zero_target", F([3]), V([0.0, 0.5, 0.5], f32), grad=False)
    nncase("kl_div", "broadcast", F([3, 4]), p01([4]))
    nncase("kl_div", "0dim_batchmean", F([]), p01([]), reduction="batchmean")
    nncase("kl_div", "int_error", I([3]), I([3]))
    nncase("kl_div", "bad_reduction", F([3]), F([3]), reduction="avg")
    # ---- one_hot, normalize, linear, cosine_similarity, pairwise_distance ----
    nncase("one_hot", "inferred", L([0, 2, 1, 2]))
    nncase("one_hot", "num_classes", L([0, 2, 1]), num_classes=5)
    nncase("one_hot", "2d", V([[0, 2], [1, 1]], i64))
    nncase("one_hot", "0dim", L(2))
    nncase("one_hot", "empty_num_classes", V([], i64), num_classes=3)
    nncase("one_hot", "empty_inferred", V([], i64))
    nncase("one_hot", "too_small", L([0, 2, 1]), num_classes=2)
    nncase("one_hot", "negative", L([0, -2, 1]))
    nncase("one_hot", "float", F([3]))
    nncase("one_hot", "int32", V([0, 1], i32))
    nncase("normalize", "default", F([3, 4]))
    nncase("normalize", "p1_dim0_f64", F([3, 4], f64), p=1.0, dim=0)
    nncase("normalize", "1d", F([5]), dim=0)
    nncase("normalize", "zero_row", V([[0.0, 0.0], [3.0, 4.0]], f32))
    nncase("normalize", "eps", F([2, 3], f32, -1e-3, 1e-3), eps=0.1)
    nncase("normalize", "3d_p3", F([2, 3, 2]), p=3.0, dim=2)
    nncase("normalize", "int_error", I([2, 3]))
    nncase("normalize", "dim_error", F([2, 3]), dim=2)
    nncase("linear", "bias", F([3, 4]), F([5, 4]), F([5]))
    nncase("linear", "no_bias", F([3, 4]), F([5, 4]))
    nncase("linear", "f64", F([3, 4], f64), F([2, 4], f64), F([2], f64))
    nncase("linear", "1d", F([4]), F([5, 4]))
    nncase("linear", "1d_bias", F([4]), F([5, 4]), F([5]))
    nncase("linear", "3d_bias", F([2, 3, 4]), F([5, 4]), F([5]))
    nncase("linear", "3d", F([2, 3, 4]), F([5, 4]))
    nncase("linear", "4d_bias", F([2, 2, 3, 4]), F([5, 4]), F([5]))
    nncase("linear", "perm_3d_bias", F([2, 4, 3]), F([5, 4]), F([5]), perm={0: [0, 2, 1]})
    nncase("linear", "vector_weight", F([3, 4]), F([4]))
    nncase("linear", "weight_no_grad", F([3, 4]), F([5, 4]), F([5]), nograd={0})
    nncase("linear", "int", I([2, 3]), I([4, 3]))
    nncase("linear", "shape_error", F([3, 4]), F([5, 3]))
    nncase("linear", "3d_shape_error", F([2, 3, 4]), F([5, 3]))
    nncase("linear", "bias_shape_error", F([3, 4]), F([5, 4]), F([4]))
    nncase("cosine_similarity", "rows", F([3, 4]), F([3, 4]))
    nncase("cosine_similarity", "dim0_f64", F([3, 4], f64), F([3, 4], f64), dim=0)
    nncase("cosine_similarity", "1d", F([5]), F([5]), dim=0)
    nncase("cosine_similarity", "broadcast", F([3, 4]), F([4]))
    nncase("cosine_similarity", "zero_vector", V([[0.0, 0.0], [1.0, 2.0]], f32),
           V([[1.0, 1.0], [2.0, 4.0]], f32))
    nncase("cosine_similarity", "3d", F([2, 3, 4]), F([2, 3, 4]), dim=-1)
    nncase("cosine_similarity", "int_error", I([2, 3]), I([2, 3]))
    nncase("cosine_similarity", "shape_error", F([3, 4]), F([3]))
    nncase("pairwise_distance", "rows", F([3, 4]), F([3, 4]))
    nncase("pairwise_distance", "p1_keepdim", F([3, 4]), F([3, 4]), p=1.0, keepdim=True)
    nncase("pairwise_distance", "1d", F([5]), F([5]))
    nncase("pairwise_distance", "broadcast_f64", F([3, 4], f64), F([4], f64))
    nncase("pairwise_distance", "3d_p3", F([2, 3, 4]), F([2, 3, 4]), p=3.0)
    nncase("pairwise_distance", "int", I([2, 3]), I([2, 3]))
    nncase("pairwise_distance", "eps", F([2, 3]), F([2, 3]), eps=0.5)

    # ---- mse_loss ----
    nncase("mse_loss", "mean", F([3, 4]), F([3, 4]))
    nncase("mse_loss", "sum", F([3, 4]), F([3, 4]), reduction="sum")
    nncase("mse_loss", "none", F([3, 4]), F([3, 4]), reduction="none")
    nncase("mse_loss", "f64", F([5], f64), F([5], f64))
    # (torch's backward of mixed float32/float64 fails: "Found dtype Double
    # but expected Float"; tensord's works.)
    nncase("mse_loss", "f32_f64", F([5]), F([5], f64), grad=False)
    nncase("mse_loss", "broadcast", F([3, 4]), F([4]))
    nncase("mse_loss", "perm", F([3, 4]), F([4, 3]), perm={1: [1, 0]})
    nncase("mse_loss", "0dim", F([]), F([]))
    nncase("mse_loss", "empty_mean", F([0]), F([0]))
    nncase("mse_loss", "target_no_grad", F([3]), F([3]), nograd={1})
    nncase("mse_loss", "legacy", F([3]), F([3]), size_average=False, reduce=True)
    nncase("mse_loss", "shape_error", F([3, 4]), F([3]))
    nncase("mse_loss", "int_error", I([3]), I([3]))
    nncase("mse_loss", "bad_reduction", F([3]), F([3]), reduction="avg")


# ---------------------------------------------------------------------------
# running a case through torch and writing it out


def dtype_name(dt):
    return str(dt).replace("torch.", "")


def fmt_value(v, dt):
    if dt == torch.bool:
        return "1" if v else "0"
    if dt.is_complex:
        return repr(float(v.real)) + " " + repr(float(v.imag))
    if dt.is_floating_point:
        return repr(float(v))
    return str(int(v))


def fmt_tensor(t):
    t = t.detach()
    parts = [dtype_name(t.dtype), str(t.dim())] + [str(s) for s in t.shape]
    parts += [fmt_value(v, t.dtype) for v in t.reshape(-1).tolist()]
    return " ".join(parts)


def fmt_attr(op, name, v):
    if name in SCALAR_ATTRS.get(op, ()):
        kind = "bool" if isinstance(v, bool) else "int" if isinstance(v, int) else "float"
        return "scalar %s %s" % (kind, fmt_value(v, {"bool": bl, "int": i64, "float": f64}[kind]))
    if isinstance(v, bool):
        return "bool %d" % int(v)
    if isinstance(v, int):
        return "int %d" % v
    if isinstance(v, float):
        return "float " + repr(v)
    if isinstance(v, (list, tuple)):
        return "ints %d%s" % (len(v), "".join(" %d" % int(e) for e in v))
    if isinstance(v, torch.dtype):
        return "dtype " + dtype_name(v)
    if isinstance(v, str):
        return "str " + v
    raise TypeError("attr %s=%r" % (name, v))


def run_torch(c, index, with_grad):
    """Returns (leaves, requires_grad flags, outputs, gouts, error); a
    backward error is returned as gouts + [("bwderr", message)]."""
    leaves, args, rgs = [], [], []
    for i, inp in enumerate(c.inputs):
        if isinstance(inp, W):
            leaves.append(None)
            rgs.append(False)
            args.append(inp.v)
            continue
        if isinstance(inp, S):
            leaves.append(None)
            rgs.append(False)
            t = args[inp.i]
            args.append(t.permute(c.perm[i]) if i in c.perm else t)
            continue
        t = inp.clone()
        if with_grad and t.dtype in FLOATING and i not in c.nograd:
            t.requires_grad_(True)
        leaves.append(t)
        # Recorded now: an in-place op on a leaf that does not require grad
        # can make it require grad (x[i] = v with v requiring grad).
        rgs.append(t.requires_grad)
        if i == 0 and c.op.endswith("_") and c.clone and t.requires_grad:
            t = t.clone()
        if i in c.perm:
            t = t.permute(c.perm[i])
        args.append(t)
    if c.seed is not None:
        torch.manual_seed(c.seed)
    try:
        out = torch_call(c.op, args, c.attrs)
    except (RuntimeError, IndexError, ValueError, TypeError) as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return leaves, rgs, None, None, (type(e).__name__, msg)
    outs = list(out) if isinstance(out, tuple) else [out]
    gouts = []
    if with_grad:
        # Seeded by the case's op and description, so adding cases does not
        # change the others.
        gg = torch.Generator().manual_seed(zlib.crc32(("%s %s" % (c.op, c.desc)).encode()))
        loss = None
        for k, o in enumerate(outs):
            if o.dtype in FLOATING and o.requires_grad:
                g = torch.randn(o.shape, generator=gg, dtype=f64).to(o.dtype)
                if k in c.gout:
                    g = c.gout[k].to(o.dtype)
                kind = c.loss[k] if c.loss else "lin"
                term = (o * g).sum() if kind == "lin" else (o * o * g).sum()
                loss = term if loss is None else loss + term
                gouts.append((k, kind, g))
        if loss is not None:
            try:
                loss.backward()
            except RuntimeError as e:
                gouts.append(("bwderr", str(e).strip().splitlines()[0]))
    return leaves, rgs, outs, gouts, None


def emit(c, index, w):
    name = "%03d_%s_%s" % (index, c.op.replace(".", "_"), c.desc)
    can_grad = c.grad and any(isinstance(t, torch.Tensor) and t.dtype in FLOATING
                              and i not in c.nograd for i, t in enumerate(c.inputs))
    # An alias repeats the data of the input it aliases.
    shown = [c.inputs[x.i] if isinstance(x, S) else x for x in c.inputs]
    leaves, rgs, outs, gouts, err = run_torch(c, index, can_grad)
    if can_grad and err is None and not gouts:
        # Nothing floating to differentiate: record the case without grad.
        can_grad = False
        leaves, rgs, outs, gouts, err = run_torch(c, index, False)
    w("case %s %s" % (name, c.op))
    if c.seed is not None:
        w("seed %d" % c.seed)
    if c.op.endswith("_"):
        w("clone %d" % int(bool(c.clone)))
    for k, v in c.attrs.items():
        w("attr %s %s" % (k, fmt_attr(c.op, k, v)))
    for i, (inp, leaf) in enumerate(zip(shown, leaves)):
        if isinstance(inp, W):
            dt = bl if isinstance(inp.v, bool) else i64 if isinstance(inp.v, int) else f64
            w("in %s 1 0 0 %s" % (dtype_name(dt), fmt_value(inp.v, dt)))
        else:
            rg = int(rgs[i])
            t = fmt_tensor(inp).split(" ", 1)
            w("in %s 0 %d %s" % (t[0], rg, t[1]))
        if i in c.perm:
            w("perm %d %d %s" % (i, len(c.perm[i]), " ".join(str(d) for d in c.perm[i])))
        if isinstance(c.inputs[i], S):
            w("alias %d %d" % (i, c.inputs[i].i))
    if err is not None:
        if c.msg:
            w("errmsg %s %s" % err)
        else:
            w("err " + err[1])
    else:
        for k, o in enumerate(outs):
            mode = c.cmp[k] if c.cmp else "tol"
            w("out %s %s" % (mode, fmt_tensor(o)))
        bwderr = [g for g in gouts if g[0] == "bwderr"]
        gouts = [g for g in gouts if g[0] != "bwderr"]
        for k, kind, g in gouts:
            w("gout %d %s %s" % (k, kind, fmt_tensor(g)))
        if bwderr:
            w("bwderr " + bwderr[0][1])
        elif gouts:
            for i, leaf in enumerate(leaves):
                if leaf is None or not rgs[i]:
                    continue
                if leaf.grad is None:
                    w("grad %d none" % i)
                else:
                    w("grad %d %s" % (i, fmt_tensor(leaf.grad)))
    w("end")


def build_index_sort_layout_cases():
    L = lambda v: V(v, i64)  # noqa: E731
    # ---- index along a dim ----
    case("gather", "dim1", F([3, 4]), L([[0, 3], [1, 1], [2, 0]]), dim=1)
    case("gather", "dim0_f64_smaller", F([4, 3], f64), L([[3, 0, 1]]), dim=0)
    case("gather", "neg_dim_int", I([2, 3]), L([[2], [0]]), dim=-1)
    case("gather", "0dim", F([]), V(0, i64), dim=0)
    case("gather", "out_of_range", F([2, 3]), L([[0], [5]]), dim=1)
    case("gather", "negative_index", F([2, 3]), L([[-1]]), dim=1)
    case("gather", "wrong_rank", F([2, 3]), L([0]), dim=1)
    case("gather", "i32_index", F([2, 3]), V([[0]], i32), dim=1)
    case("gather", "index_too_big", F([2, 3]), L([[0, 1, 2], [0, 0, 0], [1, 1, 1]]), dim=1)
    case("gather", "perm_self", F([3, 4]), L([[0, 2], [1, 1], [3, 0]]), dim=1, perm={0: [1, 0]})
    case("scatter", "src", F([2, 4]), L([[3, 0], [1, 2]]), F([2, 2]), dim=1)
    case("scatter", "value", F([3, 2]), L([[2, 0]]), W(1.5), dim=0)
    case("scatter", "int_value", I([3]), L([0, 2]), W(9), dim=0)
    case("scatter", "dtype_mismatch", F([2, 3]), L([[0]]), F([1, 1], f64), dim=1)
    case("scatter", "out_of_range", F([2, 3]), L([[5]]), F([1, 1]), dim=1)
    case("scatter", "src_too_small", F([2, 3]), L([[0, 1]]), F([1, 1]), dim=1)
    case("scatter_", "src", F([2, 4]), L([[3, 0], [1, 2]]), F([2, 2]), dim=1)
    case("scatter_add", "repeats", F([2, 3]), L([[0, 0, 2], [1, 1, 1]]), F([2, 3]), dim=1)
    case("scatter_add", "int", I([4]), L([1, 1, 3]), I([3]), dim=0)
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for self_too in (True, False):
            case("scatter_reduce", reduce + ("" if self_too else "_no_self"),
                 F([3, 4]), L([[0, 2, 2, 1], [2, 2, 0, 0]]), F([2, 4]), dim=0,
                 reduce=reduce, include_self=self_too)
        case("scatter_reduce", reduce + "_int", I([4]), L([1, 1, 3]), I([3]),
             dim=0, reduce=reduce, include_self=False, grad=False)
    case("scatter_reduce", "nan", V([1.0, 2.0], f32), L([0, 0, 1]),
         V([float("nan"), 3.0, -1.0], f32), dim=0, reduce="amax", grad=False)
    case("scatter_reduce", "bad_reduce", F([3]), L([0]), F([1]), dim=0,
         reduce="max")
    case("scatter_reduce", "out_of_range", F([3]), L([3]), F([1]), dim=0,
         reduce="sum")
    case("scatter_reduce", "dtype_mismatch", F([3]), L([0]), F([1], f64),
         dim=0, reduce="sum")
    case("scatter_reduce_", "mean", F([2, 4]), L([[3, 0, 3]]), F([1, 3]),
         dim=1, reduce="mean")
    case("scatter_add_", "dim0", F([3, 2], f64), L([[2, 0], [2, 2]]), F([2, 2], f64), dim=0)
    case("index_select", "dim1", F([3, 4]), L([3, 0, 3]), dim=1)
    case("index_select", "scalar_index", F([3, 2]), V(1, i64), dim=0)
    case("index_select", "i32_index", I([4]), V([2, 1], i32), dim=0)
    case("index_select", "out_of_range", F([2, 3]), L([5]), dim=1)
    case("index_select", "float_index", F([2, 3]), V([1.0], f32), dim=1)
    case("index_select", "matrix_index", F([2, 3]), L([[1]]), dim=1)
    case("index_add", "alpha", F([4, 2]), L([1, 1, 3]), F([3, 2]), dim=0, alpha=2.0)
    case("index_add_", "dim1", F([2, 4]), L([0, 3]), F([2, 2]), dim=1)
    case("index_copy", "dim1", F([2, 4]), L([3, 0]), F([2, 2]), dim=1)
    case("index_copy_", "dim0", F([3, 2]), L([2]), F([1, 2]), dim=0)
    case("index_fill", "dim0", F([3, 2]), L([2, 0]), W(-1.5), dim=0)
    case("index_fill_", "int", I([2, 3]), L([1]), W(7), dim=1)
    case("masked_fill", "broadcast", F([2, 3]), B([3]), W(2.0))
    case("masked_fill", "tensor_value", F([2, 2]), B([2, 2]), F([]))
    case("masked_fill", "int_self_float_value", I([3]), V([True, False, True], bl), W(2.5))
    case("masked_fill", "vector_value", F([2, 3]), B([3]), F([2]))
    case("masked_fill_", "value", F([2, 3]), B([2, 3]), W(-3.0))
    case("masked_select", "broadcast", F([2, 3]), V([False, True, True], bl))
    case("masked_select", "all_false", F([2]), V([False, False], bl))
    case("masked_select", "long_mask", F([2]), L([1, 0]))
    case("take", "2d_index", F([2, 3]), L([[5, 0], [-1, 2]]))
    case("take", "out_of_range", F([2, 3]), L([10]))
    case("take_along_dim", "dim1", F([2, 3]), L([[2, 0], [1, 1]]), dim=1)
    case("take_along_dim", "flat", F([2, 3]), L([4, 1]))
    case("take_along_dim", "broadcast", F([2, 3]), L([[2], [0]]), dim=1)
    case("nonzero", "matrix", V([[0, 1, 1], [0, 1, 0]], i64))
    case("nonzero", "0dim", V(1.5, f32))
    case("nonzero", "empty_result", V([0.0, 0.0], f32))
    case("nonzero.tuple", "matrix", V([[0, 3], [2, 0]], i64))
    case("nonzero.tuple", "bool_3d", B([2, 2, 2]))
    # ---- sorting ----
    case("sort", "dim1_desc", F([3, 4]), dim=1, descending=True)
    case("sort", "dim0", F([3, 2], f64), dim=0)
    case("sort", "ties_stable", V([1, 0, 1, 0, 1], i64), descending=True)
    case("sort", "nan_last", V([3.0, float("nan"), 1.0, float("nan")], f32))
    case("sort", "nan_first_desc", V([3.0, float("nan"), 1.0, -float("inf")], f64), descending=True)
    case("sort", "bool", V([True, False, True], bl))
    case("sort", "0dim", F([]))
    case("sort", "perm", F([3, 4]), dim=0, perm={0: [1, 0]})
    case("argsort", "desc", F([2, 5]), descending=True)
    case("argsort", "int_ties", V([2, 1, 2, 1], i32))
    case("msort", "matrix", F([4, 2]))
    case("topk", "k2", F([3, 5]), k=2)
    case("topk", "smallest_dim0", F([4, 3], f64), k=3, dim=0, largest=False)
    case("topk", "k_too_big", F([3]), k=4)
    case("topk", "k0", F([3]), k=0)
    case("kthvalue", "k2", F([3, 4]), k=2)
    case("kthvalue", "keepdim_dim0", F([4, 2]), k=3, dim=0, keepdim=True)
    case("kthvalue", "k_out_of_range", F([3]), k=4)
    # Ties in rows longer than 16: torch's unstable sort (std::sort), its
    # quickselect (kthvalue), nth_element without sorting (topk
    # sorted=False) and mode's sort each leave equal values in their own
    # order, and the indices print that order.
    case("sort", "ties_unstable", I([40], i64, 0, 5))
    case("sort", "ties_unstable_desc_rows", I([3, 30], i64, 0, 4), descending=True)
    case("sort", "ties_stable_long", I([40], i64, 0, 5), stable=True)
    case("sort", "ties_dim0_float", I([30, 3], i64, 0, 3).to(f32), dim=0)
    case("sort", "ties_nan", V([1.0, float("nan"), 0.0] * 7, f64))
    case("argsort", "ties_unstable", I([2, 25], i32, 0, 3), dim=1)
    case("argsort", "ties_stable", I([25], i64, 0, 3), stable=True, descending=True)
    case("msort", "ties", I([20, 2], i64, 0, 3).to(f64))
    case("topk", "unsorted", F([20]), k=5, sorted=False)
    case("topk", "ties_unsorted", I([40], i64, 0, 4), k=7, sorted=False)
    case("topk", "ties_smallest", I([2, 40], i64, 0, 4).to(f32), k=9, largest=False)
    case("kthvalue", "ties", I([31], i64, 0, 5), k=16)
    case("kthvalue", "ties_rows", I([4, 23], i64, 0, 3).to(f32), k=7, dim=1)
    case("mode", "ties_rows", I([3, 40], i64, 0, 4), dim=1)
    case("mode", "ties_float_dim0", I([33, 2], i64, 0, 3).to(f64), dim=0)
    # ---- layout ----
    case("split", "uneven", F([5, 2]), split_size=2)
    case("split", "dim1_exact", F([2, 4]), split_size=2, dim=1)
    case("split", "zero", F([2, 3]), split_size=0, dim=1)
    case("split", "bigger_than_dim", F([3]), split_size=5)
    case("split_with_sizes", "dim1", F([2, 5]), split_sizes=[1, 4], dim=1)
    case("split_with_sizes", "bad_sum", F([2, 3]), split_sizes=[1, 1], dim=1)
    case("chunk", "3_of_7", F([7]), chunks=3)
    case("chunk", "4_of_6", F([6, 2]), chunks=4)
    case("chunk", "zero", F([2]), chunks=0)
    case("unbind", "dim1", F([2, 3]), dim=1)
    case("unbind", "0dim", F([]))
    case("broadcast_tensors", "two", F([2, 1]), F([3]))
    case("broadcast_tensors", "mismatch", F([2]), F([3]))
    case("unfold", "overlapping", F([3, 7]), dimension=1, size=3, step=2)
    case("unfold", "dim0", F([5, 2]), dimension=0, size=2, step=1)
    case("unfold", "neg_dim_whole", F([2, 4]), dimension=-1, size=4, step=3)
    case("unfold", "size_error", F([4]), dimension=0, size=5, step=1)
    case("unfold", "step_error", F([4]), dimension=0, size=2, step=0)
    case("narrow", "dim1", F([2, 5]), dim=1, start=1, length=3)
    case("narrow", "neg_start", F([4]), dim=0, start=-2, length=2)
    case("narrow", "too_long", F([2, 3]), dim=1, start=2, length=2)
    case("movedim", "0_to_2", F([2, 3, 4]), source=[0], destination=[2])
    case("movedim", "two", F([2, 3, 4]), source=[0, 1], destination=[2, 0])
    case("moveaxis", "neg", F([2, 3, 4]), source=[-1], destination=[0])
    case("swapaxes", "0_2", F([2, 3, 4]), axis0=0, axis1=2)
    case("swapdims", "1_0", F([2, 3]), dim0=1, dim1=0)
    case("flip", "two_dims", F([2, 3, 2]), dims=[0, 2])
    case("flip", "int", I([4]), dims=[0])
    case("flip", "duplicate", F([2, 3]), dims=[0, 0])
    case("fliplr", "matrix", F([2, 3]))
    case("fliplr", "vector", F([3]))
    case("flipud", "matrix", F([3, 2]))
    case("roll", "two_dims", F([3, 4]), shifts=[1, -5], dims=[0, 1])
    case("roll", "flat", F([2, 3]), shifts=[2])
    case("roll", "mismatch", F([2, 3]), shifts=[1, 2], dims=[0])
    case("rot90", "once", F([2, 3]))
    case("rot90", "k3_other_plane", F([2, 3, 2]), k=3, dims=[1, 2])
    case("rot90", "k2_negative", F([2, 3]), k=-2)
    case("rot90", "same_dims", F([2, 3]), dims=[0, 0])
    case("repeat", "new_dim", F([2, 3]), repeats=[2, 1, 2])
    case("repeat", "too_few", F([2, 3]), repeats=[2])
    case("repeat", "int", I([2]), repeats=[3])
    case("tile", "padded", F([2, 3]), dims=[2])
    case("repeat_interleave", "int_dim0", F([2, 3]), V(2, i64), dim=0)
    case("repeat_interleave", "tensor_flat", F([3]), L([1, 0, 3]))
    case("repeat_interleave", "wrong_length", F([3]), L([1, 2]), dim=0)
    case("tril", "diag1", F([3, 4]), diagonal=1)
    case("tril", "batched_neg", F([2, 3, 3]), diagonal=-1)
    case("tril", "vector", F([3]))
    case("triu", "diag1", F([3, 4]), diagonal=1)
    case("triu", "int_big_diag", I([3, 3]), diagonal=-5)
    case("tril_", "diag0", F([3, 3]))
    case("triu_", "diag2", F([3, 4]), diagonal=2)
    case("atleast_1d", "scalar", F([]))
    case("atleast_2d", "vector", F([3]))
    case("atleast_3d", "matrix", F([2, 3]))
    case("atleast_3d", "vector", F([3]))
    case("hstack", "vectors", F([2]), F([3]))
    case("hstack", "matrices", F([2, 1]), F([2, 2]))
    case("vstack", "vector_and_matrix", F([3]), F([2, 3]))
    case("row_stack", "vectors", F([3]), F([3]))
    case("dstack", "matrices", F([2, 3]), F([2, 3]))
    case("column_stack", "vector_and_matrix", F([2]), F([2, 2]))
    case("broadcast_to", "new_dims", F([3, 1]), size=[2, 3, 4])
    case("broadcast_to", "bad", F([3]), size=[2])
    case("unflatten", "infer", F([2, 6]), dim=1, sizes=[3, -1])
    case("unflatten", "bad", F([2, 6]), dim=1, sizes=[4, 2])
    case("new_zeros", "int", I([2]), size=[2, 3])
    case("new_ones", "dtype", F([2]), size=[3], dtype=f64)
    case("new_empty", "f32", F([2]), size=[1, 2])
    case("new_full", "int_self", I([2]), size=[3], fill_value=2.5)


def SPD(n, dtype=f64, batch=()):
    """A symmetric positive-definite matrix (batch)."""
    a = torch.randn(tuple(batch) + (n, n), generator=G, dtype=f64)
    return (a @ a.transpose(-1, -2) + n * torch.eye(n, dtype=f64)).to(dtype)


def Dom(n, dtype=f32, batch=()):
    """A well-conditioned (diagonally dominant) matrix (batch)."""
    return (F(tuple(batch) + (n, n), f64) + 4 * torch.eye(n, dtype=f64)).to(dtype)


def build_linalg_cases():
    """Determinants, inverses, solvers and decompositions
    (core/ops_decomp.cc); errors must be torch's type and message."""
    lc = nncase
    nan, inf = float("nan"), float("inf")
    singular = V([[1.0, 2.0], [2.0, 4.0]], f32)
    for op in ("det", "linalg.det"):
        lc(op, "f32_3x3", F([3, 3]))
        lc(op, "f64_batched", F([2, 3, 3], f64))
        lc(op, "perm", F([3, 3]), perm={0: [1, 0]})
        lc(op, "singular", singular)
        lc(op, "1x1", F([1, 1], f64))
        lc(op, "0x0", F([0, 0]))
        lc(op, "empty_batch", F([0, 2, 2]))
        lc(op, "nan", V([[nan, 1.0], [1.0, 1.0]], f32), grad=False)
        lc(op, "int", V([[1, 2], [3, 4]], i64))
        lc(op, "vector", F([3]))
        lc(op, "nonsquare", F([2, 3]))
    for op in ("slogdet", "linalg.slogdet"):
        lc(op, "f64_3x3", F([3, 3], f64))
        lc(op, "batched_f32", Dom(3, f32, (2,)))
        lc(op, "negative_det", V([[0.0, 1.0], [1.0, 0.0]], f64))
        lc(op, "singular", singular)
        lc(op, "vector", F([3]))
    lc("logdet", "positive", Dom(3, f64))
    lc("logdet", "negative_det_nan", V([[0.0, 1.0], [1.0, 0.0]], f32))
    lc("logdet", "batched", Dom(2, f32, (3,)))
    lc("logdet", "nonsquare", F([2, 3]))
    for op in ("inverse", "linalg.inv"):
        lc(op, "f32_3x3", Dom(3))
        lc(op, "f64_batched", Dom(3, f64, (2,)))
        lc(op, "perm", Dom(3), perm={0: [1, 0]})
        lc(op, "singular", singular)
        lc(op, "batch_singular", torch.stack([Dom(2), singular]))
        lc(op, "0x0", F([0, 0]))
        lc(op, "int", V([[1, 2], [3, 4]], i64))
        lc(op, "vector", F([3]))
        lc(op, "nonsquare", F([2, 3]))
    lc("linalg.inv_ex", "ok", Dom(3))
    lc("linalg.inv_ex", "singular_batch", torch.stack([Dom(2), singular]), grad=False)
    lc("linalg.inv_ex", "check_errors", singular, check_errors=True)
    lc("linalg.solve", "vector", Dom(3), F([3]))
    lc("linalg.solve", "matrix_f64", Dom(3, f64), F([3, 2], f64))
    lc("linalg.solve", "batch_broadcast", Dom(3, f32, (2,)), F([3, 2]))
    lc("linalg.solve", "batch_vectors", Dom(3, f64, (2,)), F([2, 3], f64))
    lc("linalg.solve", "b_batch_broadcast", Dom(2), F([4, 2, 1]))
    lc("linalg.solve", "perm", Dom(3), F([2, 3]), perm={0: [1, 0], 1: [1, 0]})
    lc("linalg.solve", "singular", singular, F([2]))
    lc("linalg.solve", "batch_singular", torch.stack([Dom(2), singular]), F([2, 2]))
    lc("linalg.solve", "bad_vector", Dom(2), F([3]))
    lc("linalg.solve", "bad_matrix", Dom(2), F([3, 3]))
    lc("linalg.solve", "dtype_mismatch", Dom(2), F([2], f64))
    lc("linalg.solve", "nonsquare", F([2, 3]), F([2]))
    for op in ("linalg.cholesky", "cholesky"):
        lc(op, "f64_3x3", SPD(3))
        lc(op, "f32_batched", SPD(3, f32, (2,)))
        lc(op, "upper", SPD(4), upper=True)
        lc(op, "not_pd", V([[1.0, 2.0], [2.0, 1.0]], f32))
        lc(op, "batch_not_pd", torch.stack([SPD(2, f32), V([[1.0, 2.0], [2.0, 1.0]], f32)]))
        lc(op, "0x0", F([0, 0]))
        lc(op, "int", V([[1, 0], [0, 1]], i64))
        lc(op, "vector", F([3]))
        lc(op, "nonsquare", F([2, 3]))
    lc("linalg.qr", "tall_f64", F([4, 3], f64))
    lc("linalg.qr", "wide_f32", F([3, 5]))
    lc("linalg.qr", "square_batched", F([2, 3, 3], f64))
    lc("linalg.qr", "complete_tall", F([4, 2], f64), mode="complete", grad=False)
    lc("linalg.qr", "complete_square", F([3, 3], f64), mode="complete")
    lc("linalg.qr", "complete_tall_grad", F([4, 2], f64), mode="complete")
    lc("linalg.qr", "r_only", F([4, 3]), mode="r", grad=False)
    lc("linalg.qr", "r_grad", F([4, 3]), mode="r")
    lc("linalg.qr", "perm", F([3, 4]), perm={0: [1, 0]})
    lc("linalg.qr", "empty_complete", F([3, 0]), mode="complete")
    lc("linalg.qr", "bad_mode", F([3, 2]), mode="foo")
    lc("linalg.qr", "int", V([[1, 2], [3, 4]], i64))
    lc("linalg.qr", "vector", F([3]))
    lc("qr", "tall", F([4, 3], f64))
    lc("qr", "some_false_square", F([3, 3], f64), some=False)
    lc("linalg.svd", "tall_reduced_f64", F([4, 3], f64), full_matrices=False)
    lc("linalg.svd", "wide_reduced_f32", F([2, 4]), full_matrices=False)
    lc("linalg.svd", "square_full", F([3, 3], f64))
    lc("linalg.svd", "tall_full", F([4, 2], f64))
    lc("linalg.svd", "batched", F([2, 3, 2], f64), full_matrices=False)
    lc("linalg.svd", "perm", F([3, 4], f64), perm={0: [1, 0]}, full_matrices=False)
    lc("linalg.svd", "empty_full", F([0, 3]))
    lc("linalg.svd", "nan", V([[nan, 1.0], [1.0, 1.0]], f32))
    # (torch runs gesdd on infinities and can hang: tensord refuses them, see
    # the README's known differences; tests/reliability/hostile.py checks it)
    lc("linalg.svd", "int", V([[1, 2], [3, 4]], i64))
    lc("linalg.svd", "vector", F([3]))
    lc("svd", "tall_some", F([4, 3], f64))
    lc("svd", "wide_f32", F([2, 3]))
    lc("svd", "some_false_square", F([3, 3], f64), some=False)
    # Non-finite inputs go through LAPACK as in torch (NaN out, no crash).
    lc("linalg.inv", "nan", V([[nan, 1.0], [1.0, 1.0]], f32), grad=False)
    lc("linalg.inv", "inf", V([[inf, 1.0], [1.0, 1.0]], f64), grad=False)
    lc("linalg.solve", "nan", V([[1.0, nan], [1.0, 1.0]], f64), F([2], f64), grad=False)
    lc("linalg.det", "inf", V([[inf, 1.0], [1.0, 1.0]], f64), grad=False)
    lc("linalg.slogdet", "nan", V([[nan, 1.0], [1.0, 1.0]], f32), grad=False)
    lc("linalg.cholesky", "nan", V([[nan, 1.0], [1.0, 1.0]], f32), grad=False)
    lc("linalg.cholesky", "inf", V([[inf, 1.0], [1.0, 1.0]], f64), grad=False)
    lc("linalg.qr", "nan", V([[nan, 1.0], [1.0, 1.0], [2.0, 0.0]], f32), grad=False)
    lc("linalg.svdvals", "wide", F([3, 4], f64))
    lc("linalg.svdvals", "batched_f32", F([2, 3, 3]))
    # ---- built on the decompositions, and products ----
    lc("linalg.eigvalsh", "lower", Sym(3), loss=["lin"])
    lc("linalg.eigvalsh", "upper_f32", F([3, 3]), UPLO="U")
    lc("linalg.eigvalsh", "bad_uplo", Sym(2), UPLO="X")
    lc("linalg.pinv", "tall", F([4, 3], f64))
    lc("linalg.pinv", "rank_deficient", V([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]], f64), grad=False)
    lc("linalg.pinv", "batched_rtol", F([2, 2, 3]), rtol=1e-3)
    lc("linalg.pinv", "atol", F([3, 3], f64), atol=0.5, grad=False)
    lc("linalg.pinv", "int", V([[1, 2], [3, 4]], i64))
    lc("pinverse", "wide", F([2, 4], f64))
    lc("pinverse", "rcond", V([[1.0, 0.0], [0.0, 1e-8]], f64), rcond=1e-6, grad=False)
    lc("linalg.matrix_rank", "full", F([3, 3]))
    lc("linalg.matrix_rank", "rank1_batch", V([[[1.0, 2.0], [2.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]]], f64))
    lc("linalg.matrix_rank", "atol", F([3, 4], f64), atol=1.0)
    lc("linalg.matrix_rank", "tol", F([3, 3], f64), tol=0.5)
    lc("linalg.matrix_rank", "vector", F([3]))
    for op in ("matrix_exp", "linalg.matrix_exp"):
        lc(op, "f32_3x3", F([3, 3]))
        lc(op, "f64_batched_large", F([2, 3, 3], f64, -4.0, 4.0))
        lc(op, "nilpotent", V([[0.0, 1.0], [0.0, 0.0]], f64))
        lc(op, "nonsquare", F([2, 3]))
        lc(op, "int", V([[1, 0], [0, 1]], i64))
    lc("linalg.matrix_norm", "fro", F([3, 4]))
    lc("linalg.matrix_norm", "nuc_batched", F([2, 3, 3], f64), ord="nuc")
    lc("linalg.matrix_norm", "ord_inf", F([3, 4], f64), ord=math.inf)
    lc("linalg.matrix_norm", "ord2_dims_keepdim", F([3, 2, 4], f64), ord=2, dim=[0, 2], keepdim=True)
    lc("linalg.matrix_norm", "bad_ord", F([3, 3]), ord=3)
    lc("linalg.matrix_norm", "vector", F([3]))
    lc("linalg.vector_norm", "all", F([3, 4]))
    lc("linalg.vector_norm", "ord1_dim", F([3, 4], f64), ord=1, dim=[1])
    lc("linalg.vector_norm", "ord_inf_keepdim", F([3, 4], f64), ord=math.inf, dim=[0], keepdim=True)
    lc("linalg.vector_norm", "ord0", F([5]), ord=0, grad=False)
    for op in ("matrix_power", "linalg.matrix_power"):
        lc(op, "n3", F([3, 3]), n=3)
        lc(op, "n0", F([2, 2], f64), n=0)
        lc(op, "n1", F([2, 2]), n=1)
        lc(op, "n6_batched", F([2, 2, 2], f64, -1.0, 1.0), n=6)
        lc(op, "neg2", Dom(3, f64), n=-2)
        lc(op, "neg1", Dom(2), n=-1)
        lc(op, "int_n3", V([[1, 2], [3, 4]], i64), n=3)
        lc(op, "int_neg", V([[1, 2], [3, 4]], i64), n=-1)
        lc(op, "nonsquare", F([2, 3]), n=2)
        lc(op, "vector", F([3]), n=2)
    lc("kron", "matrices", F([2, 3]), F([2, 2]))
    lc("kron", "vector_matrix_f64", F([3], f64), F([2, 2], f64))
    lc("kron", "int", V([[1, 2]], i64), V([[3], [4]], i64))
    lc("tensordot", "dims2", F([2, 3, 4]), F([3, 4, 2]))
    lc("tensordot", "lists", F([2, 3, 4], f64), F([4, 2, 3], f64), dims_a=[2, 0], dims_b=[0, 1])
    lc("tensordot", "dims0", F([2]), F([3]), dims=0)
    lc("tensordot", "mismatch", F([2, 3]), F([2, 3]), dims=1)
    lc("linalg.multi_dot", "vector_ends", F([3]), F([3, 4]), F([4, 2]), F([2]))
    lc("linalg.multi_dot", "matrices_f64", F([2, 3], f64), F([3, 3], f64), F([3, 2], f64))
    lc("linalg.multi_dot", "one", F([2, 2]))
    lc("linalg.multi_dot", "bad_middle", F([2, 2]), F([2]), F([2, 2]))
    lc("linalg.multi_dot", "bad_shapes", F([2, 3]), F([2, 3]))
    lc("chain_matmul", "three", F([2, 3]), F([3, 4]), F([4, 2]))
    lc("cross", "default_dim", F([3, 2]), F([3, 2]))
    lc("cross", "dim1_f64", F([2, 3], f64), F([2, 3], f64), dim=1)
    lc("linalg.cross", "last", F([4, 3]), F([4, 3]))
    lc("linalg.cross", "broadcast", F([1, 3], f64), F([4, 3], f64))
    lc("linalg.cross", "bad_size", F([2, 2]), F([2, 2]))
    lc("linalg.vecdot", "vectors", F([5]), F([5]))
    lc("linalg.vecdot", "dim0_f64", F([3, 2], f64), F([3, 2], f64), dim=0)
    lc("linalg.vecdot", "broadcast", F([2, 3]), F([3]))
    ein = [
        ("matmul", "ij,jk->ik", [[2, 3], [3, 4]]),
        ("trace", "ii", [[3, 3]]),
        ("sum_all", "ij->", [[2, 3]]),
        ("transpose", "ij->ji", [[2, 3]]),
        ("implicit_batched", "bij,bjk", [[2, 2, 3], [2, 3, 2]]),
        ("implicit_order", "ba,ac", [[2, 3], [3, 4]]),
        ("ellipsis", "...ij->...ji", [[2, 3, 4]]),
        ("ellipsis_broadcast", "...ij,...jk->...ik", [[2, 1, 2, 3], [3, 3, 2]]),
        ("ellipsis_implicit", "i...,i...", [[3, 2], [3, 2]]),
        ("outer", "i,j->ij", [[3], [2]]),
        ("dot", "i,i->", [[4], [4]]),
        ("three", "ab,bc,cd->ad", [[2, 3], [3, 4], [4, 2]]),
        ("bilinear", "bn,anm,bm->ba", [[2, 3], [4, 3, 2], [2, 2]]),
        ("diag_sum", "iij->j", [[3, 3, 2]]),
        ("diag_keep", "ii->i", [[3, 3]]),
        ("broadcast_1", "ij,ij->j", [[1, 3], [2, 3]]),
        ("upper_labels", "Ab,bC->AC", [[2, 3], [3, 2]]),
        ("spaces", "i j , j k -> i k", [[2, 3], [3, 2]]),
    ]
    for desc, eq, shapes in ein:
        lc("einsum", desc, *[F(s) for s in shapes], equation=eq)
    lc("linalg.lstsq", "tall_f64", F([4, 2], f64), F([4, 3], f64))
    lc("linalg.lstsq", "square_f32", Dom(3), F([3, 2]))
    # (torch 1.13 cannot differentiate a vector B: IndexError in backward)
    lc("linalg.lstsq", "vector_rhs", F([4, 2], f64), F([4], f64), grad=False)
    lc("linalg.lstsq", "batched", F([2, 4, 3], f64), F([2, 4, 1], f64))
    lc("linalg.lstsq", "rank_deficient", torch.ones(3, 2, dtype=f64), F([3, 1], f64), grad=False)
    lc("linalg.lstsq", "vector_a", F([3]), F([3]))
    lc("linalg.lstsq", "row_mismatch", F([3, 2]), F([2, 2]))
    lc("linalg.lstsq", "dtype_mismatch", F([3, 2]), F([3, 2], f64))
    lc("linalg.lstsq", "bad_driver", F([3, 2]), F([3, 1]), driver="foo")
    lc("linalg.cond", "default", F([3, 3], f64))
    lc("linalg.cond", "p_minus2", F([3, 3]), p=-2)
    lc("linalg.cond", "tall", F([4, 2], f64))
    # (torch 1.13's backward of cond for 'fro' and inf fails: "modified by an
    # inplace operation"; tensord differentiates them)
    lc("linalg.cond", "fro", Dom(3, f64), p="fro", grad=False)
    lc("linalg.cond", "nuc_f32", Dom(2), p="nuc")
    lc("linalg.cond", "inf", Dom(3, f64), p=math.inf, grad=False)
    lc("linalg.cond", "ord1_singular", V([[1.0, 2.0], [2.0, 4.0]], f64), p=1, grad=False)
    lc("linalg.cond", "ord1_nonsquare", F([2, 3]), p=1)
    lc("linalg.cond", "vector", F([3]))
    lc("linalg.householder_product", "tall_f64", F([4, 3], f64), F([3], f64))
    lc("linalg.householder_product", "fewer_tau", F([4, 3]), F([2]))
    lc("linalg.householder_product", "batched", F([2, 3, 3], f64), F([2, 3], f64))
    lc("linalg.householder_product", "from_geqrf", *torch.geqrf(F([4, 3], f64)))
    lc("linalg.householder_product", "vector", F([3]), F([1]))
    lc("linalg.householder_product", "wide", F([2, 3]), F([2]))
    lc("linalg.householder_product", "too_many_tau", F([4, 2]), F([3]))
    lc("linalg.householder_product", "tau_rank", F([4, 2]), F([2, 2]))
    lc("einsum", "f64_matmul", F([2, 3], f64), F([3, 2], f64), equation="ij,jk")
    lc("einsum", "too_few_operands", F([2, 3]), equation="ij,jk->ik")
    lc("einsum", "too_many_operands", F([2, 3]), F([3]), equation="ij->i")
    lc("einsum", "wrong_rank", F([2, 3]), equation="ijk->i")
    lc("einsum", "bad_char", F([2, 3]), equation="i1->i")
    lc("einsum", "output_twice", F([2, 3]), equation="ij->ii")
    lc("einsum", "output_unknown", F([2, 3]), equation="ij->k")
    lc("einsum", "size_mismatch", F([2, 3]), F([4, 2]), equation="ij,jk->ik")
def _conv_call(op, args, a):
    """torch.nn.functional's convolution / pooling / normalization part
    (core/ops_conv.cc)."""
    import torch.nn.functional as F
    name = op.split(".")[0]
    if name in ("conv1d", "conv2d"):
        return getattr(F, name)(*args, **a)
    if op in ("max_pool1d_with_indices", "max_pool2d_with_indices",
              "adaptive_max_pool2d_with_indices"):
        return getattr(F, op.replace("_with_indices", ""))(*args, return_indices=True, **a)
    if op in ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d",
              "adaptive_max_pool2d", "dropout"):
        return getattr(F, op)(*args, **a)
    if op in ("batch_norm", "layer_norm", "group_norm"):
        # Tensor inputs after the first: the op's optional ones, a 0-d
        # placeholder (a number) standing for None.
        names = {"batch_norm": ("running_mean", "running_var", "weight", "bias"),
                 "layer_norm": ("weight", "bias"), "group_norm": ("weight", "bias")}[op]
        kw = dict(a)
        for n, t in zip(names, args[1:]):
            kw[n] = None if not isinstance(t, torch.Tensor) else t
        if op == "batch_norm":
            kw.setdefault("running_mean", None)
            kw.setdefault("running_var", None)
        return getattr(F, op)(args[0], **kw)
    if op == "embedding":
        return F.embedding(args[0], args[1], **a)
    if op == "embedding_bag":
        psw = args[3] if len(args) > 3 else None
        return F.embedding_bag(args[0], args[1], args[2], per_sample_weights=psw, **a)
    if op in ("conv_transpose1d", "conv_transpose2d"):
        return getattr(F, op)(*args, **a)
    if op == "pad":
        return F.pad(args[0], **a)
    if op == "im2col":
        return F.unfold(args[0], **a)
    if op == "col2im":
        return F.fold(args[0], **a)
    if op == "upsample_nearest1d":
        return torch._C._nn.upsample_nearest1d(args[0], a["output_size"], a.get("scales"))
    if op == "upsample_nearest2d":
        return torch._C._nn.upsample_nearest2d(args[0], a["output_size"], a.get("scales_h"),
                                               a.get("scales_w"))
    if op == "upsample_bilinear2d":
        return torch._C._nn.upsample_bilinear2d(args[0], a["output_size"], a["align_corners"],
                                                a.get("scales_h"), a.get("scales_w"))
    return NotImplemented


def build_conv_cases():
    """torch.nn.functional: convolution, pooling, normalization."""
    # ---- conv2d, conv1d ----
    for op, nd in (("conv2d", 2), ("conv1d", 1)):
        sp = [6, 7][:nd] if nd == 2 else [9]
        k = [3, 2][:nd] if nd == 2 else [3]
        nncase(op, "bias", F([2, 3] + sp), F([4, 3] + k), F([4]))
        nncase(op, "no_bias_f64", F([2, 3] + sp, f64), F([4, 3] + k, f64))
        nncase(op, "stride_pad_dil", F([2, 2] + sp), F([3, 2] + k), F([3]), stride=2,
               padding=1, dilation=2 if nd == 1 else [1, 2])
        nncase(op, "groups", F([2, 4] + sp), F([6, 2] + k), F([6]), groups=2)
        nncase(op, "depthwise", F([1, 3] + sp), F([3, 1] + k), groups=3)
        nncase(op, "unbatched", F([3] + sp), F([2, 3] + k), F([2]))
        nncase(op, "perm_input", F(sp[::-1] + [3, 2]), F([2, 3] + k),
               perm={0: [nd + 1, nd] + list(range(nd - 1, -1, -1))})
        nncase(op, "pointwise", F([2, 5] + sp), F([4, 5] + [1] * nd), F([4]))
        nncase(op, "empty_batch", F([0, 3] + sp), F([4, 3] + k))
        nncase(op, "channels_error", F([2, 5] + sp), F([4, 3] + k))
        nncase(op, "kernel_too_big", F([1, 3] + [2] * nd), F([4, 3] + k))
        nncase(op, "neg_padding", F([1, 3] + sp), F([4, 3] + k), padding=-1)
        nncase(op, "zero_stride", F([1, 3] + sp), F([4, 3] + k), stride=0)
        nncase(op, "zero_dilation", F([1, 3] + sp), F([4, 3] + k), dilation=0)
        nncase(op, "zero_groups", F([1, 3] + sp), F([4, 3] + k), groups=0)
        nncase(op, "groups_not_dividing", F([1, 6] + sp), F([3, 3] + k), groups=2)
        nncase(op, "bias_size", F([1, 3] + sp), F([4, 3] + k), F([5]))
        nncase(op, "dtype_mismatch", F([1, 3] + sp), F([4, 3] + k, f64))
        nncase(op, "input_rank", F(sp), F([4, 3] + k))
        nncase(op, "stride_list_length", F([1, 3] + sp), F([4, 3] + k), stride=[1, 1, 1])
        nncase(op, "weight_rank", F([1, 3] + sp), F([4, 3] + k + [1]))
        nncase(op + ".padding", "same", F([2, 3] + sp), F([4, 3] + k), F([4]), padding="same")
        nncase(op + ".padding", "same_even_dilated", F([1, 2] + sp, f64), F([3, 2] + [4] * nd, f64),
               padding="same", dilation=2)
        nncase(op + ".padding", "valid", F([1, 2] + sp), F([3, 2] + k), padding="valid")
        nncase(op + ".padding", "same_strided", F([1, 2] + sp), F([3, 2] + k), padding="same",
               stride=2)
        nncase(op + ".padding", "bad_string", F([1, 2] + sp), F([3, 2] + k), padding="full")
    nncase("conv2d", "large_f64", F([4, 8, 12, 12], f64), F([16, 8, 3, 3], f64), F([16], f64), padding=1)

    # ---- pooling ----
    for op in ("max_pool2d", "max_pool2d_with_indices"):
        nncase(op, "2x2", F([2, 3, 6, 7]), kernel_size=2)
        nncase(op, "f64_stride", F([2, 2, 7, 7], f64), kernel_size=3, stride=2)
        nncase(op, "pad_dil_ceil", F([1, 2, 9, 8]), kernel_size=[3, 2], stride=[2, 3],
               padding=[1, 1], dilation=[2, 1], ceil_mode=True)
        nncase(op, "ceil_edge", F([1, 1, 5, 5]), kernel_size=2, ceil_mode=True)
        nncase(op, "unbatched", F([3, 5, 4]), kernel_size=2, stride=1)
        nncase(op, "perm", F([5, 6, 2]), kernel_size=2, perm={0: [2, 0, 1]})
        nncase(op, "ties", V([[[[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]]], f32), kernel_size=2,
               stride=1)
        nncase(op, "nan_inf", V([[[[float("nan"), 1.0], [2.0, -math.inf]],
                                  [[-math.inf, -math.inf], [-math.inf, -math.inf]]]], f32),
               kernel_size=2, grad=False)
        nncase(op, "empty_batch", F([0, 2, 4, 4]), kernel_size=2)
        nncase(op, "2d_error", F([4, 4]), kernel_size=2)
        nncase(op, "k0", F([1, 1, 4, 4]), kernel_size=0)
        nncase(op, "s0", F([1, 1, 4, 4]), kernel_size=2, stride=0)
        nncase(op, "pad_too_big", F([1, 1, 4, 4]), kernel_size=2, padding=2)
        nncase(op, "neg_pad", F([1, 1, 4, 4]), kernel_size=2, padding=-1)
        nncase(op, "dil0", F([1, 1, 4, 4]), kernel_size=2, dilation=0)
        nncase(op, "too_small", F([1, 3, 4, 4]), kernel_size=5)
        nncase(op, "kernel_3", F([1, 1, 4, 4]), kernel_size=[2, 2, 2])
        nncase(op, "stride_3", F([1, 1, 4, 4]), kernel_size=2, stride=[2, 2, 2])
        nncase(op, "padding_3", F([1, 1, 4, 4]), kernel_size=2, padding=[1, 1, 1])
        nncase(op, "empty_channels", F([2, 0, 4, 4]), kernel_size=2)
    for op in ("max_pool1d", "max_pool1d_with_indices"):
        nncase(op, "3", F([2, 3, 8]), kernel_size=3)
        nncase(op, "stride_pad_dil_ceil", F([2, 2, 9], f64), kernel_size=3, stride=2, padding=1,
               dilation=2, ceil_mode=True)
        nncase(op, "unbatched", F([3, 6]), kernel_size=2, stride=1)
        nncase(op, "4d_error", F([1, 2, 3, 4]), kernel_size=2)
        nncase(op, "too_small", F([2, 3]), kernel_size=4)
        nncase(op, "pad_too_big", F([2, 6]), kernel_size=2, padding=2)
        nncase(op, "kernel_2", F([2, 6]), kernel_size=[2, 2])
        nncase(op, "stride_2", F([2, 6]), kernel_size=2, stride=[1, 1])
        nncase(op, "dilation_2", F([2, 6]), kernel_size=2, dilation=[1, 1])
    nncase("avg_pool2d", "2x2", F([2, 3, 6, 7]), kernel_size=2)
    nncase("avg_pool2d", "f64_pad_include", F([2, 2, 7, 7], f64), kernel_size=3, stride=2,
           padding=1)
    nncase("avg_pool2d", "pad_exclude_ceil", F([1, 2, 8, 9]), kernel_size=[3, 2],
           stride=[2, 3], padding=[1, 1], ceil_mode=True, count_include_pad=False)
    nncase("avg_pool2d", "ceil_include", F([1, 1, 5, 5]), kernel_size=2, ceil_mode=True)
    nncase("avg_pool2d", "ceil_pad_include", F([1, 1, 6, 6]), kernel_size=3, stride=2, padding=1,
           ceil_mode=True)
    nncase("avg_pool2d", "divisor_override", F([1, 2, 5, 5]), kernel_size=3, stride=1,
           padding=1, divisor_override=4)
    nncase("avg_pool2d", "unbatched", F([3, 5, 4]), kernel_size=2, stride=1)
    nncase("avg_pool2d", "perm", F([5, 6, 2]), kernel_size=2, perm={0: [2, 0, 1]})
    nncase("avg_pool2d", "empty_batch", F([0, 2, 4, 4]), kernel_size=2)
    nncase("avg_pool2d", "2d_error", F([4, 4]), kernel_size=2)
    nncase("avg_pool2d", "k0", F([1, 1, 4, 4]), kernel_size=0)
    nncase("avg_pool2d", "pad_too_big", F([1, 1, 4, 4]), kernel_size=2, padding=2)
    nncase("avg_pool2d", "too_small", F([1, 3, 4, 4]), kernel_size=5)
    nncase("avg_pool2d", "divisor_zero", F([1, 1, 4, 4]), kernel_size=2, divisor_override=0)
    nncase("avg_pool2d", "kernel_3", F([1, 1, 4, 4]), kernel_size=[2, 2, 2])
    nncase("avg_pool2d", "stride_3", F([1, 1, 4, 4]), kernel_size=2, stride=[1, 1, 1])
    nncase("avg_pool1d", "3", F([2, 3, 8]), kernel_size=3)
    nncase("avg_pool1d", "pad_exclude_ceil", F([2, 2, 9], f64), kernel_size=3, stride=2,
           padding=1, ceil_mode=True, count_include_pad=False)
    nncase("avg_pool1d", "unbatched", F([3, 6]), kernel_size=2, stride=1)
    nncase("avg_pool1d", "4d_error", F([1, 2, 3, 4]), kernel_size=2)
    nncase("avg_pool1d", "too_small", F([2, 3]), kernel_size=4)
    nncase("avg_pool1d", "stride_2", F([2, 6]), kernel_size=2, stride=[1, 1])
    nncase("adaptive_avg_pool2d", "3x2_of_7x5", F([2, 3, 7, 5]), output_size=[3, 2])
    nncase("adaptive_avg_pool2d", "f64_larger", F([1, 2, 3, 2], f64), output_size=[5, 4])
    nncase("adaptive_avg_pool2d", "1x1_mean", F([2, 3, 4, 4]), output_size=1)
    nncase("adaptive_avg_pool2d", "unbatched", F([3, 5, 4]), output_size=2)
    nncase("adaptive_avg_pool2d", "zero", F([1, 2, 3, 3]), output_size=0)
    nncase("adaptive_avg_pool2d", "2d_error", F([4, 4]), output_size=2)
    nncase("adaptive_avg_pool2d", "negative", F([1, 1, 4, 4]), output_size=-1)
    nncase("adaptive_avg_pool2d", "three", F([1, 1, 4, 4]), output_size=[1, 2, 3])
    nncase("adaptive_avg_pool2d", "empty_dim", F([2, 3, 0, 4]), output_size=2)
    for op in ("adaptive_max_pool2d", "adaptive_max_pool2d_with_indices"):
        nncase(op, "3x2_of_7x5", F([2, 3, 7, 5]), output_size=[3, 2])
        nncase(op, "f64_larger", F([1, 2, 3, 2], f64), output_size=[5, 4])
        nncase(op, "unbatched", F([3, 5, 4]), output_size=2)
        nncase(op, "2d_error", F([4, 4]), output_size=2)
        nncase(op, "three", F([1, 1, 4, 4]), output_size=[1, 2, 3])
        nncase(op, "empty_dim", F([2, 3, 0, 4]), output_size=2)
        nncase(op, "zero", F([1, 2, 3, 3]), output_size=0)

    # ---- normalization ----
    rm, rv = F([3], f32, -1, 1), F([3], f32, 0.5, 2)
    nncase("batch_norm", "train_no_stats", F([4, 3, 5]), training=True)
    nncase("batch_norm", "train_affine_f64", F([4, 3, 2, 2], f64), W(0), W(0), F([3], f64),
           F([3], f64), training=True, momentum=0.2, eps=1e-3)
    nncase("batch_norm", "eval_stats_affine", F([4, 3, 5]), rm, rv, F([3]), F([3]),
           nograd={1, 2})
    nncase("batch_norm", "eval_stats", F([2, 3]), rm, rv, nograd={1, 2})
    nncase("batch_norm", "2d_train", F([5, 3]), W(0), W(0), F([3]), training=True)
    nncase("batch_norm", "perm", F([4, 5, 3]), W(0), W(0), F([4]), F([4]), training=True,
           perm={0: [1, 0, 2]})
    nncase("batch_norm", "one_value", F([1, 3]), training=True)
    nncase("batch_norm", "eval_no_stats", F([2, 3]))
    nncase("batch_norm", "stats_size", F([2, 3]), F([4]), F([4]), nograd={1, 2})
    nncase("batch_norm", "weight_size", F([2, 3]), rm, rv, F([4]), nograd={1, 2})
    nncase("batch_norm", "int_error", I([2, 3]), rm, rv, nograd={1, 2})
    nncase("layer_norm", "last", F([3, 5]), normalized_shape=[5])
    nncase("layer_norm", "two_affine", F([2, 3, 4]), F([3, 4]), F([3, 4]),
           normalized_shape=[3, 4])
    nncase("layer_norm", "f64_eps", F([4, 6], f64), F([6], f64), normalized_shape=[6], eps=0.1)
    nncase("layer_norm", "bias_only", F([4, 6]), W(0), F([6]), normalized_shape=[6])
    nncase("layer_norm", "perm", F([5, 4]), F([5]), F([5]), normalized_shape=[5],
           perm={0: [1, 0]})
    nncase("layer_norm", "bad_shape", F([3, 5]), normalized_shape=[4])
    nncase("layer_norm", "bad_weight", F([3, 5]), F([4]), normalized_shape=[5])
    nncase("layer_norm", "empty_shape", F([3, 5]), normalized_shape=[])
    nncase("layer_norm", "int_error", I([3, 5]), normalized_shape=[5])
    nncase("group_norm", "2_groups_affine", F([2, 4, 3]), F([4]), F([4]), num_groups=2)
    nncase("group_norm", "4d_f64", F([3, 6, 2, 2], f64), num_groups=3, eps=1e-3)
    nncase("group_norm", "2d", F([3, 4]), F([4]), num_groups=2)
    nncase("group_norm", "bias_only", F([2, 4, 3]), W(0), F([4]), num_groups=1, grad=False)
    nncase("group_norm", "not_divisible", F([2, 3, 4]), num_groups=2)
    nncase("group_norm", "bad_weight", F([2, 4, 3]), F([3]), num_groups=2)
    nncase("group_norm", "one_value", F([1, 2]), num_groups=2)
    nncase("group_norm", "1d", F([4]), num_groups=1)
    nncase("group_norm", "int_error", I([2, 4]), num_groups=2)
    # ---- dropout ----
    nncase("dropout", "p03", F([6, 7]), seed=3, p=0.3)
    nncase("dropout", "default_f64", F([40], f64), seed=11)
    nncase("dropout", "p09_perm", F([5, 4]), seed=5, p=0.9, perm={0: [1, 0]})
    nncase("dropout", "eval", F([3, 4]), seed=1, training=False)
    nncase("dropout", "p0", F([3, 4]), seed=1, p=0.0)
    nncase("dropout", "p1", F([3, 4]), seed=1, p=1.0)
    nncase("dropout", "p_too_big", F([3]), seed=1, p=1.5)
    nncase("dropout", "p_negative", F([3]), seed=1, p=-0.1)
    # ---- embedding ----
    L = lambda v: V(v, i64)  # noqa: E731
    nncase("embedding", "rows", L([[1, 4], [4, 0]]), F([5, 3]))
    nncase("embedding", "padding_idx", L([1, 2, 1, 0]), F([3, 4], f64), padding_idx=1)
    nncase("embedding", "neg_padding_idx", L([2, 0, 2]), F([3, 2]), padding_idx=-1)
    nncase("embedding", "int32_indices", V([[2], [0]], i32), F([3, 2]))
    nncase("embedding", "0d_index", V(2, i64), F([3, 2]))
    nncase("embedding", "out_of_range", L([3]), F([3, 2]))
    nncase("embedding", "negative_index", L([-1]), F([3, 2]))
    nncase("embedding", "float_indices", V([1.0], f32), F([3, 2]))
    nncase("embedding", "weight_1d", L([1]), F([3]))
    # ---- embedding_bag: 40 positions, so ATen's index sort is unstable ----
    many = I([40], i64, 0, 6)
    nncase("embedding_bag", "mean", many, F([6, 5]), V([0, 7, 7, 20, 33], i64))
    nncase("embedding_bag", "sum_f64", many, F([6, 5], f64), V([0, 7, 7, 20, 33], i64),
           mode="sum")
    nncase("embedding_bag", "max", many, F([6, 5]), V([0, 7, 7, 20, 33], i64), mode="max")
    nncase("embedding_bag", "per_sample_weights", many, F([6, 17]),
           V([0, 9, 25], i64), F([40]), mode="sum")
    nncase("embedding_bag", "padding_idx_mean", many, F([6, 3]), V([0, 4, 30], i64),
           padding_idx=2)
    # (values only: torch 1.13's gradient here reads memory it never wrote)
    nncase("embedding_bag", "include_last_offset", many, F([6, 3]),
           V([0, 4, 30], i64), mode="sum", include_last_offset=True, grad=False)
    nncase("embedding_bag", "int32", V([1, 2, 0], i32), F([3, 2]), V([0, 1], i32))
    case("embedding_bag", "out_of_range", L([1, 9]), F([3, 2]), L([0]))
    nncase("embedding_bag", "first_offset", L([1, 2]), F([3, 2]), L([1]), grad=False)
    nncase("embedding_bag", "offsets_too_far", L([1, 2]), F([3, 2]), L([0, 3]),
           grad=False)
    nncase("embedding_bag", "float_indices", V([1.0], f32), F([3, 2]), L([0]))
    nncase("embedding_bag", "psw_mean", L([1, 2]), F([3, 2]), L([0]), F([2]))
    nncase("embedding_bag", "psw_shape", L([1, 2]), F([3, 2]), L([0]), F([3]), mode="sum")


def build_generator_cases():
    """Tensor.random_ in each form (after every other family, so adding
    them shifts no other case's data)."""
    case("random_", "i64_full", I([4]), seed=3, grad=False, cmp=["exact"])
    case("random_", "f32_full", F([4]), seed=3, grad=False, cmp=["exact"])
    case("random_", "f64_to", F([5], f64), seed=4, to=7, grad=False,
         cmp=["exact"])
    case("random_", "i32_from_to", I([5], i32), seed=5, **{"from": -3, "to": 9},
         grad=False, cmp=["exact"])
    case("random_", "i64_wide", I([3]), seed=6, **{"from": -2**40, "to": 2**40},
         grad=False, cmp=["exact"])
    case("random_", "bool_full", I([6], torch.bool), seed=7, grad=False,
         cmp=["exact"])
    case("random_", "i32_out_of_range", I([2], i32), seed=1, to=2**40,
         grad=False)


def build_spatial_cases():
    """conv_transpose1d/2d, F.pad, upsample (F.interpolate's kernels),
    F.unfold / F.fold."""
    # ---- conv_transpose2d, conv_transpose1d ----
    for op, nd in (("conv_transpose2d", 2), ("conv_transpose1d", 1)):
        sp = [4, 5] if nd == 2 else [6]
        k = [3, 2] if nd == 2 else [3]
        nncase(op, "bias", F([2, 3] + sp), F([3, 4] + k), F([4]))
        nncase(op, "no_bias_f64", F([2, 3] + sp, f64), F([3, 2] + k, f64))
        nncase(op, "stride_pad_outpad", F([2, 2] + sp), F([2, 3] + k), F([3]), stride=2,
               padding=1, output_padding=1)
        nncase(op, "dilation_outpad", F([1, 2] + sp, f64), F([2, 2] + k, f64), stride=2,
               dilation=3, output_padding=2)
        nncase(op, "groups", F([2, 4] + sp), F([4, 3] + k), F([6]), groups=2, stride=2)
        nncase(op, "depthwise", F([1, 3] + sp), F([3, 1] + k), groups=3)
        nncase(op, "unbatched", F([3] + sp), F([3, 2] + k), F([2]), stride=2)
        nncase(op, "perm_input", F(sp[::-1] + [3, 2]), F([3, 2] + k),
               perm={0: [nd + 1, nd] + list(range(nd - 1, -1, -1))})
        nncase(op, "pointwise", F([2, 5] + sp), F([5, 4] + [1] * nd), F([4]))
        nncase(op, "empty_batch", F([0, 3] + sp), F([3, 4] + k))
        nncase(op, "channels_error", F([2, 5] + sp), F([3, 4] + k))
        nncase(op, "bias_size", F([1, 3] + sp), F([3, 4] + k), F([3]))
        nncase(op, "outpad_too_big", F([1, 3] + sp), F([3, 4] + k), output_padding=1)
        nncase(op, "outpad_eq_stride", F([1, 3] + sp), F([3, 4] + k), stride=2, output_padding=2)
        nncase(op, "neg_padding", F([1, 3] + sp), F([3, 4] + k), padding=-1)
        nncase(op, "zero_stride", F([1, 3] + sp), F([3, 4] + k), stride=0)
        nncase(op, "zero_groups", F([1, 3] + sp), F([3, 4] + k), groups=0)
        nncase(op, "groups_not_dividing", F([1, 3] + sp), F([3, 4] + k), groups=2)
        nncase(op, "too_small", F([1, 3] + sp), F([3, 4] + k), padding=4)
        nncase(op, "dtype_mismatch", F([1, 3] + sp), F([3, 4] + k, f64))
        nncase(op, "input_rank", F(sp), F([3, 4] + k))
        nncase(op, "stride_list_length", F([1, 3] + sp), F([3, 4] + k), stride=[1, 1, 1])
    nncase("conv_transpose2d", "zero_dilation", F([1, 3, 4, 5]), F([3, 4, 3, 2]), dilation=0)
    nncase("conv_transpose2d", "large_f64", F([2, 8, 9, 9], f64), F([8, 6, 4, 4], f64),
           F([6], f64), stride=2, padding=1)

    # ---- pad ----
    P = lambda *a, **k: nncase("pad", *a, **k)  # noqa: E731
    P("constant_1d", F([2, 3]), pad=[1, 2])
    P("constant_value", F([2, 3, 4]), pad=[2, 1, 0, 3], value=1.5)
    P("constant_crop", F([2, 3, 4]), pad=[-1, 2, 1, -2])
    P("constant_4dims", F([2, 2, 3, 2], f64), pad=[1, 0, 0, 1, 1, 1, 0, 2])
    P("constant_int", I([2, 3]), pad=[1, 1], value=2.5)
    P("constant_bool", B([2, 3]), pad=[1, 1, 1, 0], value=1.0)
    P("constant_empty_pad", F([2, 3]), pad=[])
    P("constant_to_empty", F([2, 4, 5]), pad=[-2, -3])
    P("constant_perm", F([4, 3, 2]), pad=[1, 1, 2, 0], perm={0: [2, 1, 0]})
    P("constant_odd", F([2, 3]), pad=[1])
    P("constant_too_long", F([2, 3]), pad=[1, 1, 1, 1, 1, 1])
    P("constant_crop_too_much", F([2, 4, 5]), pad=[-3, -3])
    P("constant_crop_start", F([2, 4, 5]), pad=[-6, 1])
    for mode in ("reflect", "replicate", "circular"):
        P(mode + "_1d", F([2, 3, 6]), pad=[2, 3], mode=mode)
        P(mode + "_2d", F([1, 2, 4, 5]), pad=[1, 3, 2, 1], mode=mode)
        # (torch 1.13's circular pad reads uninitialized memory when one
        # side of a dim crops and the other pads.)
        P(mode + "_2d_f64_crop", F([2, 3, 4, 5], f64),
          pad=[-1, -1, 1, 2] if mode == "circular" else [-1, 2, 3, -2], mode=mode)
        P(mode + "_3d", F([1, 2, 3, 4, 4]), pad=[1, 2, 0, 1, 2, 1], mode=mode)
        P(mode + "_perm", F([5, 4, 2, 1]), pad=[1, 2, 1, 1], mode=mode,
          perm={0: [3, 2, 1, 0]})
        P(mode + "_1d_input", F([5]), pad=[1, 1], mode=mode)
        P(mode + "_value", F([1, 2, 5]), pad=[1, 1], mode=mode, value=1.0)
        P(mode + "_value_0", F([1, 2, 5]), pad=[1, 1], mode=mode, value=0.0)
        P(mode + "_crop_too_much", F([1, 4, 5]), pad=[-3, -3], mode=mode)
        P(mode + "_5_pads", F([1, 2, 4, 5]), pad=[1, 1, 1, 1, 1, 1, 1, 1], mode=mode)
        P(mode + "_ints", I([1, 2, 5]), pad=[1, 1], mode=mode)
    for mode in ("reflect", "replicate"):
        P(mode + "_unbatched_2d", F([2, 4, 5]), pad=[1, 2, 2, 1], mode=mode)
        P(mode + "_unbatched_1d", F([3, 6]), pad=[2, 1], mode=mode)
        P(mode + "_empty_batch", F([0, 4, 5]), pad=[1, 1], mode=mode)
        P(mode + "_empty_channels", F([2, 0, 5]), pad=[1, 1], mode=mode)
        P(mode + "_empty_plane_2d", F([2, 2, 0, 5]), pad=[1, 1, 1, 1], mode=mode)
        P(mode + "_2d_ints", I([1, 2, 4, 5]), pad=[1, 1, 1, 1], mode=mode)
    P("reflect_too_big", F([1, 4, 5]), pad=[5, 0], mode="reflect")
    P("reflect_too_big_2d", F([1, 2, 4, 5]), pad=[1, 1, 4, 0], mode="reflect")
    P("reflect_too_big_3d", F([1, 2, 3, 4, 5]), pad=[1, 1, 4, 0, 1, 1], mode="reflect")
    P("reflect_edge", F([1, 4, 5]), pad=[4, 4], mode="reflect")
    P("replicate_far", F([1, 2, 3]), pad=[7, 5], mode="replicate")
    P("circular_full_wrap", F([1, 2, 4]), pad=[4, 4], mode="circular")
    P("circular_wrap_twice", F([1, 2, 4]), pad=[5, 0], mode="circular")
    P("circular_unbatched", F([2, 4]), pad=[1, 1], mode="circular")
    P("circular_ints", I([1, 2, 4]), pad=[2, 1], mode="circular")
    P("bad_mode", F([1, 2, 4]), pad=[1, 1], mode="wrap")

    # ---- upsample_nearest1d/2d, upsample_bilinear2d ----
    U = nncase
    U("upsample_nearest1d", "x2", F([2, 3, 5]), output_size=[10])
    U("upsample_nearest1d", "scale_2.5", F([2, 2, 4], f64), output_size=[10], scales=2.5)
    U("upsample_nearest1d", "down", F([1, 2, 7]), output_size=[3])
    U("upsample_nearest1d", "zero_out", F([1, 2, 7]), output_size=[0])
    U("upsample_nearest1d", "ints", I([1, 2, 7]), output_size=[3])
    U("upsample_nearest2d", "sizes", F([2, 3, 4, 5]), output_size=[7, 9])
    U("upsample_nearest2d", "x2", F([1, 2, 3, 4], f64), output_size=[6, 8])
    U("upsample_nearest2d", "scales", F([1, 2, 3, 4]), output_size=[4, 9], scales_h=1.5,
      scales_w=2.3)
    U("upsample_nearest2d", "down_scales", F([2, 1, 5, 6]), output_size=[3, 4], scales_h=0.7,
      scales_w=0.75)
    U("upsample_nearest2d", "perm", F([5, 4, 3, 2]), output_size=[8, 6],
      perm={0: [3, 2, 1, 0]})
    U("upsample_nearest2d", "empty_batch", F([0, 2, 3, 4]), output_size=[6, 8])
    U("upsample_nearest2d", "empty_channels", F([2, 0, 3, 4]), output_size=[6, 8])
    U("upsample_nearest2d", "neg_out", F([1, 2, 3, 4]), output_size=[6, -1])
    for ac in (False, True):
        tag = "_ac" if ac else ""
        U("upsample_bilinear2d", "up" + tag, F([2, 3, 4, 5]), output_size=[7, 9],
          align_corners=ac)
        U("upsample_bilinear2d", "x2_f64" + tag, F([1, 2, 3, 4], f64), output_size=[6, 8],
          align_corners=ac)
        U("upsample_bilinear2d", "down" + tag, F([2, 2, 7, 6]), output_size=[3, 4],
          align_corners=ac)
        U("upsample_bilinear2d", "to_1" + tag, F([1, 2, 3, 4]), output_size=[1, 1],
          align_corners=ac)
        U("upsample_bilinear2d", "perm" + tag, F([5, 4, 3, 2]), output_size=[9, 5],
          align_corners=ac, perm={0: [3, 2, 1, 0]})
    U("upsample_bilinear2d", "scales", F([1, 2, 3, 4]), output_size=[4, 9], align_corners=False,
      scales_h=1.5, scales_w=2.3)
    U("upsample_bilinear2d", "scales_f64", F([1, 2, 5, 4], f64), output_size=[2, 10],
      align_corners=False, scales_h=0.5, scales_w=2.5)
    U("upsample_bilinear2d", "same_size", F([1, 2, 3, 4]), output_size=[3, 4], align_corners=False)
    U("upsample_bilinear2d", "zero_out", F([1, 2, 3, 4]), output_size=[0, 4], align_corners=False)
    U("upsample_bilinear2d", "ints", I([1, 2, 3, 4]), output_size=[6, 8], align_corners=False)

    # ---- im2col (F.unfold), col2im (F.fold) ----
    U("im2col", "2x2", F([2, 3, 5, 6]), kernel_size=2)
    U("im2col", "params", F([2, 3, 5, 6], f64), kernel_size=[2, 3], dilation=[1, 2], padding=1,
      stride=[2, 1])
    U("im2col", "unbatched", F([3, 5, 6]), kernel_size=3, stride=2)
    U("im2col", "perm", F([6, 5, 3, 2]), kernel_size=2, perm={0: [3, 2, 1, 0]})
    U("im2col", "empty_batch", F([0, 3, 5, 6]), kernel_size=2)
    U("im2col", "empty_channels", F([2, 0, 5, 6]), kernel_size=2)
    U("im2col", "2d_input", F([5, 6]), kernel_size=2)
    U("im2col", "too_big", F([2, 3, 5, 6]), kernel_size=7)
    U("im2col", "k0", F([2, 3, 5, 6]), kernel_size=0)
    U("im2col", "s0", F([2, 3, 5, 6]), kernel_size=2, stride=0)
    U("im2col", "neg_pad", F([2, 3, 5, 6]), kernel_size=2, padding=-1)
    U("im2col", "d0", F([2, 3, 5, 6]), kernel_size=2, dilation=0)
    U("im2col", "kernel_3", F([2, 3, 5, 6]), kernel_size=[2, 2, 2])
    U("col2im", "2x2", F([2, 12, 20]), output_size=[5, 6], kernel_size=2)
    U("col2im", "params", F([2, 18, 12], f64), output_size=[5, 6], kernel_size=[2, 3],
      dilation=[1, 2], padding=1, stride=[2, 1])
    U("col2im", "unbatched", F([27, 6]), output_size=[5, 6], kernel_size=3, stride=2)
    U("col2im", "perm", F([20, 12, 2]), output_size=[5, 6], kernel_size=2, perm={0: [2, 1, 0]})
    U("col2im", "empty_batch", F([0, 12, 20]), output_size=[5, 6], kernel_size=2)
    U("col2im", "wrong_blocks", F([2, 12, 20]), output_size=[6, 7], kernel_size=2, padding=1)
    U("col2im", "not_divisible", F([2, 13, 20]), output_size=[5, 6], kernel_size=2)
    U("col2im", "too_small", F([2, 12, 20]), output_size=[1, 1], kernel_size=2)
    U("col2im", "1d_input", F([24]), output_size=[5, 6], kernel_size=2)
    U("col2im", "k0", F([2, 12, 20]), output_size=[5, 6], kernel_size=0)
    U("col2im", "s0", F([2, 12, 20]), output_size=[5, 6], kernel_size=2, stride=0)
    U("col2im", "neg_pad", F([2, 12, 20]), output_size=[5, 6], kernel_size=2, padding=-1)


def build_matmul_bits_cases():
    # float32/float64 products bit-exact with torch's BLAS calls: operand
    # layouts (contiguous, transposed views), k beyond OpenBLAS's blocking,
    # the bias added inside BLAS (addmm, linear), bmm below and above torch's
    # 400 multiply-add loop, baddbmm and matmul's folding.
    X = ["exact"]
    case("mm", "bits_contig", F([16, 5]), F([5, 8]), cmp=X)
    case("mm", "bits_b_transposed", F([16, 5]), F([8, 5]), perm={1: [1, 0]}, cmp=X)
    case("mm", "bits_a_transposed", F([5, 16]), F([5, 8]), perm={0: [1, 0]}, cmp=X)
    case("mm", "bits_k300", F([64, 300]), F([300, 40]), cmp=X)
    case("mm", "bits_col", F([40, 1]), F([1, 30]), cmp=X)
    case("mm", "bits_f64", F([33, 70], f64), F([70, 17], f64), cmp=X)
    case("addmm", "bits_bias", F([8]), F([16, 5]), F([8, 5]), perm={2: [1, 0]}, cmp=X)
    case("addmm", "bits_bias_k300", F([20]), F([64, 300]), F([300, 20]), cmp=X)
    case("addmm", "bits_beta_alpha", F([20]), F([30, 70]), F([70, 20]), beta=0.5,
         alpha=2.0, cmp=X)
    nncase("linear", "bits_2d", F([16, 5]), F([8, 5]), F([8]), cmp=X)
    nncase("linear", "bits_3d", F([4, 6, 5]), F([7, 5]), F([7]), cmp=X)
    nncase("linear", "bits_wide", F([32, 300]), F([24, 300]), F([24]), cmp=X)
    case("bmm", "bits_small", F([2, 3, 4]), F([2, 4, 5]), cmp=X)
    case("bmm", "bits_large", F([3, 30, 40]), F([3, 40, 20]), cmp=X)
    case("bmm", "bits_large_transposed", F([3, 30, 40]), F([3, 20, 40]),
         perm={1: [0, 2, 1]}, cmp=X)
    case("baddbmm", "bits_small", F([3]), F([2, 3, 5]), F([2, 5, 3]), beta=0.5, alpha=2.0,
         cmp=X)
    case("baddbmm", "bits_large", F([20]), F([2, 30, 300]), F([2, 300, 20]), cmp=X)
    case("matmul", "bits_3d_2d", F([3, 40, 50]), F([50, 30]), cmp=X)
    case("matmul", "bits_2d_3d", F([7, 50]), F([2, 50, 9]), cmp=X)
    case("matmul", "bits_3d_1d", F([3, 40, 50]), F([50]), cmp=X)
    case("matmul", "bits_4d", F([2, 4, 6, 7]), F([2, 4, 7, 5]), cmp=X)
    case("matmul", "bits_broadcast", F([2, 1, 30, 40]), F([3, 40, 20]), cmp=X)
    case("matmul", "bits_1d_3d", F([50]), F([2, 50, 9]), cmp=X)
    case("matmul", "bits_permuted_batch", F([3, 50, 40]), F([50, 30]),
         perm={0: [0, 2, 1]}, cmp=X)
    case("mv", "bits", F([40, 300]), F([300]), cmp=X)
    case("mv", "bits_transposed", F([300, 40]), F([300]), perm={0: [1, 0]}, cmp=X)


def _misc_call(op, args, a):
    """The ops of build_misc_cases."""
    x = args[0] if args else None
    if op == "erfinv":
        return torch.erfinv(x)
    if op == "erfinv_":
        return x.erfinv_()
    return NotImplemented


def build_misc_cases():
    """erfinv (after every other family, so adding them shifts no other
    case's data)."""
    case("erfinv", "f32", F([2, 3], f32, -0.9, 0.9), cmp=["exact"])
    case("erfinv", "f64", F([7], f64, -0.99, 0.99), cmp=["exact"])
    case("erfinv", "tails_f32", V([-0.999, -0.75, 0.7, 0.71, 0.9999], f32),
         cmp=["exact"])
    case("erfinv", "edges", V([-1.0, 1.0, 0.0, -0.0, 1.5, math.nan], f64),
         grad=False, cmp=["exact"])
    case("erfinv", "f64_0dim", F([], f64, -0.5, 0.5))
    case("erfinv", "i64", V([0, 1, -1], i64))
    case("erfinv", "perm", F([3, 4], f64, -0.9, 0.9), perm={0: [1, 0]})
    case("erfinv_", "f32", F([2, 3], f32, -0.9, 0.9))
    case("erfinv_", "i64_error", V([0, 1], i64), grad=False)


def _scatter_stats_call(op, args, a):
    """The ops of build_scatter_stats_cases."""
    x = args[0] if args else None
    if op == "select_scatter":
        return torch.select_scatter(x, args[1], a["dim"], a["index"])
    if op == "slice_scatter":
        # torch 1.13 mishandles an omitted end: pass every argument.
        size = x.shape[a.get("dim", 0)]
        return torch.slice_scatter(x, args[1], a.get("dim", 0), a.get("start", 0),
                                   a.get("end", size), a.get("step", 1))
    if op == "diagonal_scatter":
        return torch.diagonal_scatter(x, args[1], a.get("offset", 0), a.get("dim1", 0),
                                      a.get("dim2", 1))
    if op in ("masked_scatter", "masked_scatter_", "put", "put_"):
        return getattr(x, op)(args[1], args[2], **a)
    if op == "fill_diagonal_":
        return x.fill_diagonal_(a["fill_value"], a.get("wrap", False))
    if op == "isin":
        return torch.isin(x, args[1], **a)
    if op == "cov":
        w = [None if not isinstance(t, torch.Tensor) else t for t in args[1:]]
        w += [None] * (2 - len(w))
        return torch.cov(x, correction=a.get("correction", 1), fweights=w[0],
                         aweights=w[1])
    if op == "corrcoef":
        return torch.corrcoef(x)
    if op == "get_rng_state":
        return torch.get_rng_state()
    if op in ("t_", "unsqueeze_", "squeeze_", "transpose_", "swapdims_",
              "swapaxes_", "resize_"):
        return getattr(x, op)(**a)
    return NotImplemented


def build_scatter_stats_cases():
    """select/slice/diagonal_scatter, masked_scatter, put, fill_diagonal_,
    isin, cov, corrcoef, get_rng_state and the in-place view ops (after
    every other family, so adding them shifts no other case's data). Their
    errors must be torch's type and message."""
    first = len(CASES)
    case("select_scatter", "dim0", F([3, 4]), F([4]), dim=0, index=1)
    case("select_scatter", "neg_dim_index", F([2, 3, 4], f64), F([2, 3], f64), dim=-1,
         index=-2)
    case("select_scatter", "src_f64_into_f32", F([3, 2]), F([2], f64), dim=0, index=2)
    case("select_scatter", "int_src", F([2, 3]), I([3]), dim=0, index=0)
    case("select_scatter", "perm", F([4, 3]), F([3]), dim=1, index=0, perm={0: [1, 0]})
    case("select_scatter", "shape_error", F([3, 4]), F([3]), dim=0, index=1)
    case("select_scatter", "index_error", F([3, 4]), F([4]), dim=0, index=3)
    case("select_scatter", "dim_error", F([3, 4]), F([4]), dim=2, index=0)
    case("slice_scatter", "step2", F([3, 4]), F([3, 2]), dim=1, start=0, end=4, step=2)
    case("slice_scatter", "negative_start", F([3, 4]), F([3, 1]), dim=1, start=-1, end=4)
    case("slice_scatter", "rows", F([4, 2], f64), F([2, 2], f64), dim=0, start=1, end=3)
    case("slice_scatter", "shape_error", F([3, 4]), F([3, 3]), dim=1, start=0, end=4, step=2)
    case("slice_scatter", "step_error", F([3, 4]), F([3, 1]), dim=1, start=0, end=4, step=0)
    case("diagonal_scatter", "main", F([3, 4]), F([3]))
    case("diagonal_scatter", "offset_neg", F([3, 4]), F([2]), offset=-1)
    case("diagonal_scatter", "dims", F([2, 3, 4], f64), F([3, 2], f64), dim1=0, dim2=2)
    case("diagonal_scatter", "shape_error", F([3, 4]), F([4]))
    case("diagonal_scatter", "same_dims", F([3, 4]), F([3]), dim1=1, dim2=1)
    for op in ("masked_scatter", "masked_scatter_"):
        case(op, "mask", F([2, 3]), B([2, 3]), F([6]))
        case(op, "broadcast_mask", F([2, 3]), V([True, False, True], bl), F([2, 4]))
        case(op, "short_source", F([2, 3]), V([[True] * 3] * 2, bl), F([2]))
        case(op, "dtype_error", F([2, 3]), B([2, 3]), I([6]))
        case(op, "mask_shape_error", F([2, 3]), V([True, False], bl), F([6]))
    case("masked_scatter", "broadcast_self", F([3]), B([2, 3]), F([6], f64).float())
    case("masked_scatter_", "self_rank_error", F([3]), B([2, 3]), F([6]))
    for op in ("put", "put_"):
        case(op, "distinct", F([2, 3]), V([5, 0, -2], i64), F([3]))
        case(op, "accumulate", F([2, 3], f64), V([[1, 1], [4, 1]], i64), F([2, 2], f64),
             accumulate=True)
        case(op, "int", I([2, 3]), V([0, 4], i64), I([2]), accumulate=True)
        case(op, "out_of_range", F([2, 3]), V([0, 6], i64), F([2]))
        case(op, "count_error", F([2, 3]), V([0, 1], i64), F([3]))
        case(op, "int32_index", F([2, 3]), V([0, 1], i32), F([2]))
        case(op, "dtype_error", F([2, 3]), V([0, 1], i64), I([2]))
    case("fill_diagonal_", "tall", F([5, 3]), fill_value=2.0)
    case("fill_diagonal_", "tall_wrap", F([7, 3]), fill_value=-1.5, wrap=True)
    case("fill_diagonal_", "wide_wrap", F([3, 5], f64), fill_value=2, wrap=True)
    case("fill_diagonal_", "cube", F([3, 3, 3]), fill_value=0.5)
    case("fill_diagonal_", "int", I([3, 3]), fill_value=2.7)
    case("fill_diagonal_", "unequal_error", F([2, 3, 2]), fill_value=1.0)
    case("fill_diagonal_", "1d_error", F([3]), fill_value=1.0)
    case("isin", "ints", I([3, 4], lo=0, hi=8), I([4], lo=0, hi=8))
    case("isin", "invert", I([6], lo=0, hi=5), I([3], lo=0, hi=5), invert=True)
    case("isin", "float_vs_int", V([1.0, 2.5, 3.0, float("nan")], f32), V([2, 3], i64))
    case("isin", "int_vs_float", V([1, 2, 3], i64), V([2.0, 3.5], f64))
    case("isin", "scalar_elements", W(2), V([2, 3], i64))
    case("isin", "scalar_test", V([2, 3], i64), W(3))
    case("isin", "empty_test", V([1, 2], i64), V([], i64), assume_unique=True)
    case("isin", "bool_error", V([True], bl), V([True], bl))
    case("cov", "rows", F([3, 5]))
    case("cov", "f64_correction0", F([2, 4], f64), correction=0)
    case("cov", "vector", F([6]))
    case("cov", "int", I([2, 5]))
    case("cov", "fweights", F([2, 4]), V([1, 2, 0, 3], i64))
    case("cov", "aweights", F([2, 4]), W(0), F([4], lo=0.1, hi=2.0), nograd={2})
    case("cov", "both_correction2", F([2, 5], f64), V([1, 2, 1, 3, 1], i64),
         F([5], f64, lo=0.1, hi=2.0), correction=2)
    case("cov", "aweights_f64_promotes", F([2, 3]), W(0), F([3], f64, lo=0.5, hi=1.5))
    case("cov", "dof_zero", F([2, 1]))
    case("cov", "3d_error", F([2, 2, 2]))
    case("cov", "bool_error", B([2, 2]))
    case("cov", "fweights_float_error", F([2, 3]), F([3]))
    case("cov", "fweights_negative_error", F([2, 3]), V([1, -1, 1], i64))
    case("cov", "aweights_count_error", F([2, 3]), W(0), F([2], lo=0.1, hi=1.0))
    case("cov", "weights_zero_error", F([2, 3]), V([0, 0, 0], i64))
    case("corrcoef", "rows", F([3, 6]))
    case("corrcoef", "f64", F([2, 5], f64))
    case("corrcoef", "vector", F([4]))
    case("corrcoef", "int", I([2, 5]))
    case("corrcoef", "3d_error", F([2, 2, 2]))
    case("get_rng_state", "default_seed", seed=67280421310721, cmp=["exact"])
    case("get_rng_state", "seed_7", seed=7, cmp=["exact"])
    case("t_", "matrix", F([2, 3]))
    case("t_", "vector", F([3]))
    case("t_", "3d_error", F([2, 3, 4]))
    case("transpose_", "dims", F([2, 3, 4]), dim0=0, dim1=2)
    case("transpose_", "dim_error", F([2, 3]), dim0=0, dim1=2)
    case("swapdims_", "matrix", F([2, 3], f64), dim0=1, dim1=0)
    case("swapaxes_", "matrix", F([3, 2]), axis0=0, axis1=-1)
    case("unsqueeze_", "middle", F([2, 3]), dim=1)
    case("unsqueeze_", "end", F([2, 3]), dim=-1)
    case("unsqueeze_", "dim_error", F([2, 3]), dim=3)
    case("squeeze_", "all", F([1, 3, 1]))
    case("squeeze_", "dim", F([3, 1, 2]), dim=1)
    case("squeeze_", "dim_not_one", F([3, 2]), dim=0)
    case("squeeze_", "dim_error", F([3, 2]), dim=2)
    # (A grow leaves torch's new elements uninitialized: shrinks only.)
    case("resize_", "shrink", F([2, 3]), grad=False, size=[2, 2])
    case("resize_", "same_numel", F([2, 3], f64), grad=False, size=[3, 2])
    case("resize_", "to_0dim", F([4]), grad=False, size=[])
    case("resize_", "negative_error", F([4]), grad=False, size=[2, -1])
    case("resize_", "requires_grad_error", F([4]), size=[2])
    for c in CASES[first:]:
        c.msg = True


def _rnn_call(op, args, a):
    """_rnn_direction through PyTorch's own recurrent layer (torch._VF):
    its input projection is the identity without bias, which passes the
    precomputed gates through exactly; reverse runs the flipped sequence."""
    if op != "_rnn_direction":
        return NotImplemented
    xw, h0, w_hh = args[0], args[1], args[2]
    b_hh = args[3] if len(args) > 3 and isinstance(args[3], torch.Tensor) else None
    cx = args[4] if len(args) > 4 else None
    mode, reverse = a["mode"], a.get("reverse", False)
    gates = xw.shape[2]
    params = [torch.eye(gates, dtype=xw.dtype), w_hh]
    if b_hh is not None:
        params += [torch.zeros(gates, dtype=xw.dtype), b_hh]
    x = xw.flip(0) if reverse else xw
    flags = (b_hh is not None, 1, 0.0, False, False, False)
    if mode == "LSTM":
        out, h, c = torch._VF.lstm(x, (h0[None], cx[None]), params, *flags)
    else:
        fn = {"GRU": torch._VF.gru, "RNN_TANH": torch._VF.rnn_tanh,
              "RNN_RELU": torch._VF.rnn_relu}[mode]
        out, h = fn(x, h0[None], params, *flags)
        c = h
    return (out.flip(0) if reverse else out), h[0], c[0]


def build_rnn_cases():
    """_rnn_direction against PyTorch's recurrent layers (built last, so
    that their random inputs do not shift other cases')."""
    lc = nncase
    lc("_rnn_direction", "lstm", F([5, 3, 8]), F([3, 2]), F([8, 2]), F([8]),
       F([3, 2]), mode="LSTM", cmp=["exact"] * 3)
    lc("_rnn_direction", "lstm_reverse_f64", F([4, 2, 12], f64), F([2, 3], f64),
       F([12, 3], f64), F([12], f64), F([2, 3], f64), mode="LSTM", reverse=True)
    lc("_rnn_direction", "lstm_no_bias", F([3, 2, 4]), F([2, 1]), F([4, 1]),
       W(0), F([2, 1]), mode="LSTM")
    lc("_rnn_direction", "gru", F([6, 2, 9]), F([2, 3]), F([9, 3]), F([9]),
       mode="GRU")
    lc("_rnn_direction", "gru_reverse_no_bias", F([3, 4, 6]), F([4, 2]),
       F([6, 2]), mode="GRU", reverse=True)
    lc("_rnn_direction", "rnn_tanh", F([4, 3, 5]), F([3, 5]), F([5, 5]),
       F([5]), mode="RNN_TANH")
    lc("_rnn_direction", "rnn_relu_f64", F([3, 2, 4], f64, 0.1, 1.0),
       F([2, 4], f64, 0.1, 1.0), F([4, 4], f64, 0.1, 1.0), mode="RNN_RELU")
    lc("_rnn_direction", "perm_input", F([3, 5, 8]), F([3, 2]), F([8, 2]),
       F([8]), F([3, 2]), mode="LSTM", perm={0: [1, 0, 2]})


def build_triangular_solve_cases():
    """linalg.solve_triangular, triangular_solve and cholesky_solve (built
    last, so that their random inputs do not shift other cases')."""
    lc = nncase
    lc("linalg.solve_triangular", "upper", Dom(3), F([3, 2]), upper=True)
    lc("linalg.solve_triangular", "lower_f64_batch", Dom(3, f64, (2,)),
       F([3, 4], f64), upper=False)
    lc("linalg.solve_triangular", "right_unit", Dom(3), F([2, 3]), upper=False,
       left=False, unitriangular=True)
    lc("linalg.solve_triangular", "vector_b", Dom(3), F([3]), upper=True)
    lc("triangular_solve", "default", F([3, 2]), Dom(3))
    lc("triangular_solve", "transpose_unit", F([2, 3, 1], f64), Dom(3, f64, (2,)),
       upper=False, transpose=True, unitriangular=True)
    lc("cholesky_solve", "lower", F([3, 2], f64),
       torch.linalg.cholesky(SPD(3)))
    lc("cholesky_solve", "upper_f32", F([3, 1]),
       torch.linalg.cholesky(SPD(3, f32), upper=True), upper=True)


def main():
    build_cases()
    build_more_cases()
    build_index_sort_layout_cases()
    build_pointwise_cases()
    build_nn_cases()
    build_linalg_cases()
    build_conv_cases()
    build_generator_cases()
    build_spatial_cases()
    build_matmul_bits_cases()
    build_misc_cases()
    build_scatter_stats_cases()
    build_triangular_solve_cases()
    build_rnn_cases()
    lines = []
    w = lines.append
    w("# torch_compare cases, generated by gen_cases.py with torch %s" % torch.__version__)
    w("version 1")
    for op, reason in sorted(EXCLUDED.items()):
        w("exclude %s %s" % (op, reason))
    for i, c in enumerate(CASES):
        emit(c, i, w)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
