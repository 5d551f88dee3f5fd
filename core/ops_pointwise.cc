// More pointwise ops: atan2, hypot, fmax, fmin, copysign, logaddexp, xlogy,
// heaviside, lerp, addcmul, addcdiv, logit, nan_to_num, sinc, deg2rad,
// rad2deg, sgn, square, isposinf, isneginf, div with rounding_mode, and
// the shifts; the small reductions trace, std_mean, var_mean, aminmax,
// nansum, nanmean, dist, diff, cummax, cummin, bincount and histc; and the
// batched and fused products bmm, addmm, addmv, addr, baddbmm.
//
// Kernels that PyTorch computes with one libm call per element (atan2,
// hypot, copysign, sinc) have one here, so values agree; the rest compose
// differentiable ops and carry torch's grad_fn name through Composite.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

// a and b broadcast and converted to their common floating dtype (integers
// to the default float), contiguous.
struct FloatPair {
  Tensor x, y, out;
};

absl::StatusOr<FloatPair> Broadcast2(const Tensor& a, const Tensor& b,
                                     const char* name, bool float_result) {
  DType dt = ResultType({&a, &b});
  if (IsComplex(dt)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", name, "_cpu\" not implemented for 'ComplexFloat'"));
  }
  if (float_result && !IsFloating(dt)) dt = kDefaultFloat;
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(a.sizes(), b.sizes()));
  const DimList ds(shape.begin(), shape.end());
  TENSORD_ASSIGN_OR_RETURN(Tensor ac, To(a.detach(), dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor bc, To(b.detach(), dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor ae, Expand(ac, ds));
  TENSORD_ASSIGN_OR_RETURN(Tensor be, Expand(bc, ds));
  FloatPair p;
  TENSORD_ASSIGN_OR_RETURN(p.x, Contiguous(ae));
  TENSORD_ASSIGN_OR_RETURN(p.y, Contiguous(be));
  TENSORD_ASSIGN_OR_RETURN(p.out, Empty(shape, dt));
  return p;
}

// out[i] = f(x[i], y[i]) over float32/float64 (and integers where `ints`).
template <typename F>
StatusOrTensor MapFloat2(const Tensor& a, const Tensor& b, const char* name,
                         F f) {
  TENSORD_ASSIGN_OR_RETURN(FloatPair p, Broadcast2(a, b, name, true));
  TENSORD_DISPATCH_FLOATING(p.out.dtype(), T, {
    const T* x = p.x.data<T>();
    const T* y = p.y.data<T>();
    T* o = p.out.data<T>();
    const int64_t n = p.out.numel();
    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
  });
  return p.out;
}

using Grad2 = std::function<absl::StatusOr<std::pair<Tensor, Tensor>>(
    const Tensor& g, const Tensor& a, const Tensor& b, const Tensor& out)>;

// Records `name` on out with inputs a, b (saved) and the given derivative.
StatusOrTensor Record2(const char* name, const Tensor& a, const Tensor& b,
                       Tensor out, Grad2 grad) {
  if (auto node = RecordOp(name, {&a, &b}, {&out})) {
    const int sa = node->Save(a), sb = node->Save(b),
              so = node->Save(out, true);
    node->set_backward(
        [sa, sb, so, grad = std::move(grad)](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(sa));
          TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(sb));
          TENSORD_ASSIGN_OR_RETURN(Tensor out, n.Saved(so));
          TENSORD_ASSIGN_OR_RETURN(auto r, grad(g[0], a, b, out));
          return GradList{r.first, r.second};
        });
  }
  return out;
}

#define TRY(lhs, expr) TENSORD_ASSIGN_OR_RETURN(lhs, expr)

}  // namespace

StatusOrTensor NotDifferentiable(const char* node_name,
                                 const std::vector<const Tensor*>& ins,
                                 Tensor out, std::string message) {
  if (auto node = RecordOp(node_name, ins, {&out})) {
    node->set_backward([message = std::move(message)](
                           Node&, const GradList&) -> absl::StatusOr<GradList> {
      return absl::UnimplementedError(message);
    });
  }
  return out;
}

StatusOrTensor Atan2(const Tensor& a, const Tensor& b) {
  TRY(Tensor out, MapFloat2(a, b, "atan2",
                            [](auto x, auto y) { return std::atan2(x, y); }));
  return Record2(
      "Atan2Backward0", a, b, out,
      [](const Tensor& g, const Tensor& a, const Tensor& b,
         const Tensor&) -> absl::StatusOr<std::pair<Tensor, Tensor>> {
        TRY(Tensor aa, Mul(a, a));
        TRY(Tensor bb, Mul(b, b));
        TRY(Tensor den, Add(aa, bb));
        TRY(Tensor gd, Div(g, den));
        TRY(Tensor ga, Mul(gd, b));
        TRY(Tensor gb0, Mul(gd, a));
        TRY(Tensor gb, Neg(gb0));
        return std::make_pair(ga, gb);
      });
}

StatusOrTensor Hypot(const Tensor& a, const Tensor& b) {
  TRY(Tensor out, MapFloat2(a, b, "hypot",
                            [](auto x, auto y) { return std::hypot(x, y); }));
  return Record2(
      "HypotBackward0", a, b, out,
      [](const Tensor& g, const Tensor& a, const Tensor& b,
         const Tensor& out) -> absl::StatusOr<std::pair<Tensor, Tensor>> {
        TRY(Tensor go, Div(g, out));
        TRY(Tensor ga, Mul(go, a));
        TRY(Tensor gb, Mul(go, b));
        return std::make_pair(ga, gb);
      });
}

StatusOrTensor Copysign(const Tensor& a, const Tensor& b) {
  TRY(Tensor out, MapFloat2(a, b, "copysign", [](auto x, auto y) {
        return std::copysign(x, y);
      }));
  return Record2(
      "CopysignBackward0", a, b, out,
      [](const Tensor& g, const Tensor& a, const Tensor& b,
         const Tensor& out) -> absl::StatusOr<std::pair<Tensor, Tensor>> {
        // d/da = out / a where a != 0, else 0; nothing to b.
        TRY(Tensor q, Div(out, a));
        TRY(Tensor zero, Zeros({}, q.dtype()));
        TRY(Tensor a0, Eq(a, zero));
        TRY(Tensor r, Where(a0, zero, q));
        TRY(Tensor ga, Mul(g, r));
        TRY(Tensor gb, ZerosLike(b));
        return std::make_pair(ga, gb);
      });
}

StatusOrTensor Logaddexp(const Tensor& a, const Tensor& b) {
  TRY(Tensor out, MapFloat2(a, b, "logaddexp", [](auto x, auto y) {
        using T = decltype(x);
        if (std::isinf(x) && x == y) return x;
        const T m = std::max(x, y);
        return m + std::log1p(std::exp(-std::abs(x - y)));
      }));
  return Record2(
      "LogaddexpBackward0", a, b, out,
      [](const Tensor& g, const Tensor& a, const Tensor& b,
         const Tensor&) -> absl::StatusOr<std::pair<Tensor, Tensor>> {
        // g / (1 + exp(b - a)) and g / (1 + exp(a - b))
        TRY(Tensor d1, Sub(b, a));
        TRY(Tensor e1, Exp(d1));
        TRY(Tensor p1, Add(e1, WrapScalar(1.0)));
        TRY(Tensor ga, Div(g, p1));
        TRY(Tensor d2, Sub(a, b));
        TRY(Tensor e2, Exp(d2));
        TRY(Tensor p2, Add(e2, WrapScalar(1.0)));
        TRY(Tensor gb, Div(g, p2));
        return std::make_pair(ga, gb);
      });
}

StatusOrTensor Xlogy(const Tensor& a, const Tensor& b) {
  TRY(Tensor out, MapFloat2(a, b, "xlogy", [](auto x, auto y) {
        using T = decltype(x);
        if (std::isnan(y)) return std::numeric_limits<T>::quiet_NaN();
        if (x == 0) return T(0);
        return x * std::log(y);
      }));
  return Record2(
      "XlogyBackward0", a, b, out,
      [](const Tensor& g, const Tensor& a, const Tensor& b,
         const Tensor&) -> absl::StatusOr<std::pair<Tensor, Tensor>> {
        TRY(Tensor zero, Zeros({}, a.dtype()));
        TRY(Tensor nz, Ne(a, zero));
        TRY(Tensor ga0, Xlogy(nz, b));
        TRY(Tensor ga, Mul(g, ga0));
        TRY(Tensor q, Div(a, b));
        TRY(Tensor gb, Mul(g, q));
        return std::make_pair(ga, gb);
      });
}

namespace {

StatusOrTensor FmaxFmin(const Tensor& a, const Tensor& b, bool max) {
  TRY(FloatPair p, Broadcast2(a, b, max ? "fmax" : "fmin", false));
  TENSORD_DISPATCH_REAL(p.out.dtype(), T, {
    const T* x = p.x.data<T>();
    const T* y = p.y.data<T>();
    T* o = p.out.data<T>();
    const int64_t n = p.out.numel();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_floating_point_v<T>) {
        o[i] = max ? std::fmax(x[i], y[i]) : std::fmin(x[i], y[i]);
      } else {
        o[i] = max ? std::max(x[i], y[i]) : std::min(x[i], y[i]);
      }
    }
  });
  return Record2(
      max ? "FmaxBackward0" : "FminBackward0", a, b, p.out,
      [max](const Tensor& g, const Tensor& a, const Tensor& b,
            const Tensor&) -> absl::StatusOr<std::pair<Tensor, Tensor>> {
        // to a where a wins (a >= b for fmax) or b is NaN
        TRY(Tensor win, max ? Ge(a, b) : Le(a, b));
        TRY(Tensor bn, IsNan(b));
        TRY(Tensor to_a, LogicalOr(win, bn));
        TRY(Tensor zero, Zeros({}, g.dtype()));
        TRY(Tensor ga, Where(to_a, g, zero));
        TRY(Tensor gb, Where(to_a, zero, g));
        return std::make_pair(ga, gb);
      });
}

}  // namespace

StatusOrTensor Fmax(const Tensor& a, const Tensor& b) {
  return FmaxFmin(a, b, true);
}
StatusOrTensor Fmin(const Tensor& a, const Tensor& b) {
  return FmaxFmin(a, b, false);
}

StatusOrTensor Heaviside(const Tensor& x, const Tensor& values) {
  if (x.dtype() != values.dtype() && !values.is_wrapped_number()) {
    return absl::InvalidArgumentError(
        "heaviside is not yet implemented for tensors with different dtypes.");
  }
  if (IsComplex(x.dtype())) {
    return absl::InvalidArgumentError(
        "heaviside is not yet implemented for complex tensors.");
  }
  Tensor out;
  {
    NoGradGuard ng;
    TRY(Tensor zero, Zeros({}, x.dtype()));
    TRY(Tensor is0, Eq(x, zero));
    TRY(Tensor pos, Gt(x, zero));
    TRY(Tensor posv, To(pos, x.dtype()));
    TRY(Tensor v, To(values, x.dtype()));
    TRY(out, Where(is0, v, posv));
  }
  return NotDifferentiable("NotImplemented", {&x, &values}, out,
                           "derivative for aten::heaviside is not implemented");
}

StatusOrTensor Lerp(const Tensor& start, const Tensor& end,
                    const Tensor& weight) {
  // torch: w < 0.5 ? s + w * (e - s) : e - (e - s) * (1 - w)
  const bool scalar = weight.is_wrapped_number();
  Tensor out;
  {
    NoGradGuard ng;
    TRY(Tensor w, To(weight, ResultType({&start, &end})));
    TRY(Tensor d, Sub(end, start));
    TRY(Tensor lo0, Mul(w, d));
    TRY(Tensor lo, Add(start, lo0));
    TRY(Tensor omw, Sub(WrapScalar(1.0), w));
    TRY(Tensor hi0, Mul(d, omw));
    TRY(Tensor hi, Sub(end, hi0));
    TRY(Tensor small, Lt(w, WrapScalar(0.5)));
    TRY(out, Where(small, lo, hi));
    if (out.dtype() != start.dtype()) {
      TRY(out, To(out, start.dtype()));
    }
  }
  const char* name = scalar ? "LerpBackward0" : "LerpBackward1";
  std::vector<const Tensor*> ins = {&start, &end};
  if (!scalar) ins.push_back(&weight);
  if (auto node = RecordOp(name, ins, {&out})) {
    const int ss = node->Save(start), se = node->Save(end),
              sw = node->Save(weight);
    node->set_backward(
        [ss, se, sw, scalar](Node& n,
                             const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor s, n.Saved(ss));
          TRY(Tensor e, n.Saved(se));
          TRY(Tensor w, n.Saved(sw));
          TRY(Tensor omw, Sub(WrapScalar(1.0), w));
          TRY(Tensor gs, Mul(g[0], omw));
          TRY(Tensor ge, Mul(g[0], w));
          if (scalar) return GradList{gs, ge};
          TRY(Tensor d, Sub(e, s));
          TRY(Tensor gw, Mul(g[0], d));
          return GradList{gs, ge, gw};
        });
  }
  return out;
}

StatusOrTensor Addcmul(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value) {
  TRY(Tensor p, Mul(WrapScalar(value), t1));
  TRY(Tensor q, Mul(p, t2));
  TRY(Tensor r, Add(self, q));
  return Composite("AddcmulBackward0", r);
}

StatusOrTensor Addcdiv(const Tensor& self, const Tensor& t1, const Tensor& t2,
                       const Scalar& value) {
  if (!IsFloating(t1.dtype()) && !IsComplex(t1.dtype()) &&
      !IsFloating(t2.dtype()) && !IsComplex(t2.dtype())) {
    return absl::InvalidArgumentError(
        "Integer division with addcdiv is no longer supported, and in a "
        "future release addcdiv will perform a true division of tensor1 and "
        "tensor2. The historic addcdiv behavior can be implemented as "
        "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
        "for integer inputs and as (input + value * tensor1 / tensor2) for "
        "float inputs. The future addcdiv behavior is just the latter "
        "implementation: (input + value * tensor1 / tensor2), for all dtypes.");
  }
  TRY(Tensor p, Mul(WrapScalar(value), t1));
  TRY(Tensor q, Div(p, t2));
  TRY(Tensor r, Add(self, q));
  return Composite("AddcdivBackward0", r);
}

StatusOrTensor Logit(const Tensor& x, std::optional<double> eps) {
  Tensor z = x;
  if (!IsFloating(x.dtype())) {
    TRY(z, To(x, kDefaultFloat));
  }
  if (eps.has_value()) {
    TRY(z, Clamp(z, Scalar(*eps), Scalar(1.0 - *eps)));
  }
  TRY(Tensor omz, Sub(WrapScalar(1.0), z));
  TRY(Tensor q, Div(z, omz));
  TRY(Tensor r, Log(q));
  return Composite("LogitBackward0", r);
}

StatusOrTensor NanToNum(const Tensor& x, std::optional<double> nan,
                        std::optional<double> posinf,
                        std::optional<double> neginf) {
  Tensor out;
  {
    NoGradGuard ng;
    TRY(out, Clone(x.detach()));
    TRY(out, Contiguous(out));
    TENSORD_DISPATCH_FLOATING(out.dtype(), T, {
      T* p = out.data<T>();
      const T nv = static_cast<T>(nan.value_or(0.0));
      const T pv =
          posinf ? static_cast<T>(*posinf) : std::numeric_limits<T>::max();
      const T mv =
          neginf ? static_cast<T>(*neginf) : std::numeric_limits<T>::lowest();
      for (int64_t i = 0; i < out.numel(); ++i) {
        if (std::isnan(p[i])) {
          p[i] = nv;
        } else if (std::isinf(p[i])) {
          p[i] = p[i] > 0 ? pv : mv;
        }
      }
    });
  }
  if (auto node = RecordOp("NanToNumBackward0", {&x}, {&out})) {
    const int sx = node->Save(x);
    node->set_backward(
        [sx](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor x, n.Saved(sx));
          TRY(Tensor fin, IsFinite(x));
          TRY(Tensor zero, Zeros({}, g[0].dtype()));
          TRY(Tensor r, Where(fin, g[0], zero));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Sinc(const Tensor& x) {
  if (IsComplex(x.dtype())) {
    return absl::InvalidArgumentError(
        "\"sinc_cpu\" not implemented for 'ComplexFloat'");
  }
  Tensor out;
  {
    NoGradGuard ng;
    Tensor z = x.detach();
    if (!IsFloating(z.dtype())) {
      TRY(z, To(z, kDefaultFloat));
    }
    TRY(z, Contiguous(z));
    TRY(out, Empty(z.sizes(), z.dtype()));
    TENSORD_DISPATCH_FLOATING(z.dtype(), T, {
      const T* p = z.data<T>();
      T* o = out.data<T>();
      for (int64_t i = 0; i < z.numel(); ++i) {
        if (p[i] == 0) {
          o[i] = T(1);
        } else {
          const T prod = static_cast<T>(M_PI) * p[i];
          o[i] = std::sin(prod) / prod;
        }
      }
    });
  }
  if (auto node = RecordOp("SincBackward0", {&x}, {&out})) {
    const int sx = node->Save(x);
    node->set_backward(
        [sx](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          // ((pi x cos(pi x) - sin(pi x)) / (pi x^2)), 0 at x = 0
          TRY(Tensor x, n.Saved(sx));
          TRY(Tensor px, Mul(x, WrapScalar(M_PI)));
          TRY(Tensor c, Cos(px));
          TRY(Tensor s, Sin(px));
          TRY(Tensor pc, Mul(px, c));
          TRY(Tensor num, Sub(pc, s));
          TRY(Tensor den, Mul(px, x));
          TRY(Tensor q, Div(num, den));
          TRY(Tensor zero, Zeros({}, q.dtype()));
          TRY(Tensor x0, Eq(x, zero));
          TRY(Tensor d, Where(x0, zero, q));
          TRY(Tensor r, Mul(g[0], d));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Deg2rad(const Tensor& x) {
  Tensor z = x;
  if (!IsFloating(x.dtype()) && !IsComplex(x.dtype())) {
    TRY(z, To(x, kDefaultFloat));
  }
  TRY(Tensor r, Mul(z, WrapScalar(M_PI / 180.0)));
  return Composite("Deg2RadBackward0", r);
}

StatusOrTensor Rad2deg(const Tensor& x) {
  Tensor z = x;
  if (!IsFloating(x.dtype()) && !IsComplex(x.dtype())) {
    TRY(z, To(x, kDefaultFloat));
  }
  TRY(Tensor r, Mul(z, WrapScalar(180.0 / M_PI)));
  return Composite("Rad2DegBackward0", r);
}

StatusOrTensor Sgn(const Tensor& x) {
  TRY(Tensor r, Sign(x));
  return Composite("SgnBackward0", r);
}

StatusOrTensor Square(const Tensor& x) {
  if (x.dtype() == DType::kBool) {
    TRY(Tensor i, To(x, DType::kInt64));
    return Pow(i, WrapScalar(Scalar(int64_t{2})));
  }
  return Pow(x, WrapScalar(Scalar(int64_t{2})));
}

StatusOrTensor IsPosInf(const Tensor& x) {
  NoGradGuard ng;
  if (!IsFloating(x.dtype())) return ZerosLike(x, DType::kBool);
  return Eq(x, WrapScalar(std::numeric_limits<double>::infinity()));
}

StatusOrTensor IsNegInf(const Tensor& x) {
  NoGradGuard ng;
  if (!IsFloating(x.dtype())) return ZerosLike(x, DType::kBool);
  return Eq(x, WrapScalar(-std::numeric_limits<double>::infinity()));
}

StatusOrTensor DivMode(const Tensor& a, const Tensor& b,
                       const std::string& mode) {
  if (mode.empty()) return Div(a, b);
  if (mode != "trunc" && mode != "floor") {
    return absl::InvalidArgumentError(absl::StrCat(
        "div expected rounding_mode to be one of None, 'trunc', or 'floor' "
        "but found '",
        mode, "'"));
  }
  Tensor out;
  {
    NoGradGuard ng;
    const DType dt = ResultType({&a, &b});
    if (mode == "floor") {
      TRY(out, FloorDivide(a, b));
    } else if (IsFloating(dt) || IsComplex(dt)) {
      TRY(Tensor q, Div(a, b));
      TRY(out, Trunc(q));
    } else {
      TRY(FloatPair p, Broadcast2(a, b, "div_trunc", false));
      absl::Status st;
      TENSORD_DISPATCH_REAL(dt, T, {
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          const T* x = p.x.data<T>();
          const T* y = p.y.data<T>();
          T* o = p.out.data<T>();
          for (int64_t i = 0; i < p.out.numel(); ++i) {
            if (y[i] == 0) {
              st = absl::InvalidArgumentError("ZeroDivisionError");
              return;
            }
            o[i] = y[i] == -1 ? WrapNeg(x[i]) : static_cast<T>(x[i] / y[i]);
          }
        }
      });
      TENSORD_RETURN_IF_ERROR(st);
      out = p.out;
    }
  }
  // torch: DivBackward2, whose gradient is zero.
  if (auto node = RecordOp("DivBackward2", {&a, &b}, {&out})) {
    node->set_backward(
        [sa = a.sizes(), sb = b.sizes(), da = a.dtype(), db = b.dtype()](
            Node&, const GradList&) -> absl::StatusOr<GradList> {
          TRY(Tensor ga, Zeros(sa, IsDifferentiable(da) ? da : kDefaultFloat));
          TRY(Tensor gb, Zeros(sb, IsDifferentiable(db) ? db : kDefaultFloat));
          return GradList{ga, gb};
        });
  }
  return out;
}

StatusOrTensor Shift(const Tensor& a, const Tensor& b, bool left) {
  const DType dt = ResultType({&a, &b});
  if (!IsIntegral(dt, true)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", left ? "lshift" : "rshift",
                     "_cpu\" not implemented for '", DTypeShortName(dt), "'"));
  }
  const DType rt = dt == DType::kBool ? DType::kInt64 : dt;
  NoGradGuard ng;
  TRY(Tensor ac, To(a, rt));
  TRY(Tensor bc, To(b, rt));
  TRY(FloatPair p, Broadcast2(ac, bc, "shift", false));
  TENSORD_DISPATCH_REAL(rt, T, {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      using U = std::make_unsigned_t<T>;
      constexpr unsigned kMask = sizeof(T) * 8 - 1;
      const T* x = p.x.data<T>();
      const T* y = p.y.data<T>();
      T* o = p.out.data<T>();
      for (int64_t i = 0; i < p.out.numel(); ++i) {
        // x86's shift: the count taken modulo the width.
        const unsigned s = static_cast<unsigned>(static_cast<U>(y[i])) & kMask;
        o[i] = left ? static_cast<T>(static_cast<U>(x[i]) << s)
                    : static_cast<T>(x[i] >> s);
      }
    }
  });
  return p.out;
}

// ---------------------------------------------------------------------------
// small reductions

StatusOrTensor Trace(const Tensor& x) {
  if (x.dim() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "trace: expected a matrix, but got tensor with dim ", x.dim()));
  }
  TRY(Tensor d, Diagonal(x, 0, 0, 1));
  TRY(Tensor s, Sum(d));
  return Composite("TraceBackward0", s);
}

absl::StatusOr<std::pair<Tensor, Tensor>> StdVarMean(const Tensor& t,
                                                     const DimList& dims,
                                                     double correction,
                                                     bool keepdim, bool std) {
  TRY(Tensor v, std ? Std(t, dims, correction, keepdim)
                    : Var(t, dims, correction, keepdim));
  TRY(Tensor m, Mean(t, dims, keepdim));
  const char* name = std ? "StdMeanBackward0" : "VarMeanBackward0";
  TRY(Tensor a, Composite(name, v));
  TRY(Tensor b, Composite(name, m));
  return std::make_pair(a, b);
}

absl::StatusOr<std::pair<Tensor, Tensor>> Aminmax(const Tensor& t,
                                                  std::optional<int64_t> dim,
                                                  bool keepdim) {
  if (t.numel() == 0) {
    return absl::InvalidArgumentError(
        "aminmax(): cannot compute aminmax over an empty dimension as the "
        "operation has no identity.");
  }
  DimList dims;
  if (dim) dims.push_back(*dim);
  Tensor lo, hi;
  {
    NoGradGuard ng;
    TRY(lo, Amin(t, dims, keepdim));
    TRY(hi, Amax(t, dims, keepdim));
  }
  // torch 1.13 cannot differentiate aminmax.
  for (Tensor* o : {&lo, &hi}) {
    if (auto node = RecordOp("NotImplemented", {&t}, {o})) {
      node->set_backward(
          [](Node&, const GradList&) -> absl::StatusOr<GradList> {
            return absl::UnimplementedError(
                "the derivative for 'aminmax' is not implemented.");
          });
    }
  }
  return std::make_pair(lo, hi);
}

StatusOrTensor Nansum(const Tensor& t, const DimList& dims, bool keepdim,
                      std::optional<DType> dtype) {
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError("nansum does not support complex inputs");
  }
  Tensor x = t;
  if (dtype) {
    TRY(x, To(t, *dtype));
  }
  if (IsFloating(x.dtype())) {
    TRY(Tensor nan, IsNan(x));
    TRY(Tensor zero, Zeros({}, x.dtype()));
    TRY(x, Where(nan, zero, x));
  }
  TRY(Tensor s, Sum(x, dims, keepdim));
  return Composite("NansumBackward0", s);
}

StatusOrTensor Nanmean(const Tensor& t, const DimList& dims, bool keepdim) {
  if (!IsFloating(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "nanmean(): expected input to have floating point dtype but got ",
        DTypeShortName(t.dtype())));
  }
  Tensor cnt;
  {
    NoGradGuard ng;
    TRY(Tensor nan, IsNan(t));
    TRY(Tensor ok, LogicalNot(nan));
    TRY(Tensor okf, To(ok, t.dtype()));
    TRY(cnt, Sum(okf, dims, keepdim));
  }
  TRY(Tensor s, Nansum(t, dims, keepdim, std::nullopt));
  return Div(s, cnt);
}

StatusOrTensor Dist(const Tensor& a, const Tensor& b, double p) {
  TRY(Tensor d, Sub(a, b));
  TRY(Tensor n, Norm(d, p));
  return Composite("DistBackward0", n);
}

StatusOrTensor Diff(const Tensor& t, int64_t n, int64_t dim,
                    const Tensor* prepend, const Tensor* append) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "diff expects input to be at least one-dimensional");
  }
  if (n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("order must be non-negative but got ", n));
  }
  TRY(int64_t d, WrapDim(dim, t.dim()));
  Tensor x = t;
  if (prepend != nullptr || append != nullptr) {
    std::vector<Tensor> parts;
    if (prepend != nullptr) parts.push_back(*prepend);
    parts.push_back(t);
    if (append != nullptr) parts.push_back(*append);
    TRY(x, Cat(parts, d));
  }
  for (int64_t k = 0; k < n && x.size(d) > 0; ++k) {
    const int64_t len = x.size(d);
    TRY(Tensor hi, Slice(x, d, 1, len, 1));
    TRY(Tensor lo, Slice(x, d, 0, len - 1, 1));
    if (x.dtype() == DType::kBool) {
      TRY(x, LogicalXor(hi, lo));
    } else {
      TRY(x, Sub(hi, lo));
    }
  }
  if (n == 0 || x.impl() == t.impl()) {
    TRY(x, Clone(x));
  }
  return x;
}

absl::StatusOr<std::pair<Tensor, Tensor>> CumExtreme(const Tensor& t,
                                                     int64_t dim, bool max) {
  TRY(int64_t d, WrapDim(dim, std::max<int64_t>(t.dim(), 1)));
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", max ? "cummax" : "cummin",
                     "_cpu\" not implemented for 'ComplexFloat'"));
  }
  Tensor values, indices;
  {
    NoGradGuard ng;
    TRY(Tensor c, Contiguous(t.detach()));
    TRY(values, Clone(c));
    TRY(indices, Empty(t.sizes(), DType::kInt64));
    const int64_t len = t.dim() == 0 ? 1 : t.size(d);
    int64_t inner = 1;
    for (int64_t k = d + 1; k < t.dim(); ++k) inner *= t.size(k);
    const int64_t outer = len == 0 ? 0 : t.numel() / (len * inner);
    int64_t* ip = indices.data<int64_t>();
    TENSORD_DISPATCH_REAL(t.dtype(), T, {
      T* vp = values.data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t in = 0; in < inner; ++in) {
          const int64_t base = o * len * inner + in;
          T best = vp[base];
          int64_t bi = 0;
          for (int64_t k = 0; k < len; ++k) {
            const T v = vp[base + k * inner];
            bool take;
            if constexpr (std::is_floating_point_v<T>) {
              take = std::isnan(v) ||
                     (!std::isnan(best) && (max ? v >= best : v <= best));
            } else {
              take = max ? v >= best : v <= best;
            }
            if (take) {
              best = v;
              bi = k;
            }
            vp[base + k * inner] = best;
            ip[base + k * inner] = bi;
          }
        }
      }
    });
  }
  if (auto node = RecordOp(max ? "CummaxBackward0" : "CumminBackward0", {&t},
                           {&values})) {
    const int si = node->Save(indices);
    node->set_backward(
        [si, d, shape = t.sizes(), dt = t.dtype()](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          NoGradGuard ng;
          TRY(Tensor idx, n.Saved(si));
          TRY(Tensor z, Zeros(shape, dt));
          TRY(Tensor gc, To(g[0], dt));
          TRY(gc, Contiguous(gc));
          TENSORD_RETURN_IF_ERROR(ScatterAddRaw(z, d, idx, gc));
          return GradList{z};
        });
  }
  return std::make_pair(values, indices);
}

namespace {

StatusOrTensor BincountRaw(const Tensor& t, const Tensor* weights,
                           int64_t minlength) {
  if (t.dim() != 1 ||
      (t.dtype() != DType::kInt64 && t.dtype() != DType::kInt32 &&
       t.dtype() != DType::kBool)) {
    return absl::InvalidArgumentError(
        "bincount only supports 1-d non-negative integral inputs.");
  }
  if (minlength < 0) {
    return absl::InvalidArgumentError("minlength should be >= 0");
  }
  NoGradGuard ng;
  TRY(Tensor i64, To(t, DType::kInt64));
  TRY(Tensor c, Contiguous(i64));
  const int64_t* p = c.data<int64_t>();
  int64_t top = -1;
  for (int64_t k = 0; k < c.numel(); ++k) {
    if (p[k] < 0) {
      return absl::InvalidArgumentError(
          "bincount only supports 1-d non-negative integral inputs.");
    }
    top = std::max(top, p[k]);
  }
  if (weights != nullptr && weights->sizes() != t.sizes()) {
    return absl::InvalidArgumentError(
        "weights should be 1-d and have the same length as input");
  }
  if (top == std::numeric_limits<int64_t>::max()) {
    return absl::ResourceExhaustedError(
        "bincount: 2^63 bins are more than any session may hold");
  }
  const int64_t bins = std::max(top + 1, minlength);
  if (weights == nullptr) {
    TRY(Tensor out, Zeros({bins}, DType::kInt64));
    int64_t* o = out.data<int64_t>();
    for (int64_t k = 0; k < c.numel(); ++k) ++o[p[k]];
    return out;
  }
  const DType wt =
      IsFloating(weights->dtype()) ? weights->dtype() : DType::kFloat64;
  TRY(Tensor w, To(weights->detach(), DType::kFloat64));
  TRY(w, Contiguous(w));
  TRY(Tensor acc, Zeros({bins}, DType::kFloat64));
  double* o = acc.data<double>();
  const double* wp = w.data<double>();
  for (int64_t k = 0; k < c.numel(); ++k) o[p[k]] += wp[k];
  return To(acc, wt);
}

}  // namespace

StatusOrTensor Bincount(const Tensor& t, const Tensor* weights,
                        int64_t minlength) {
  TRY(Tensor out, BincountRaw(t, weights, minlength));
  if (weights == nullptr) return out;
  return NotDifferentiable("NotImplemented", {weights}, out,
                           "derivative for aten::bincount is not implemented");
}

StatusOrTensor Histc(const Tensor& t, int64_t bins, double min, double max) {
  if (!IsFloating(t.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"histogram_cpu\" not implemented for '",
                     DTypeShortName(t.dtype()), "'"));
  }
  if (bins <= 0) {
    return absl::InvalidArgumentError("bins must be > 0");
  }
  if (bins > (int64_t{1} << 30)) {
    return absl::InvalidArgumentError("histc: too many bins");
  }
  NoGradGuard ng;
  TRY(Tensor c, Contiguous(t.detach()));
  TRY(Tensor d, To(c, DType::kFloat64));
  const double* p = d.data<double>();
  double lo = min, hi = max;
  if (lo == hi && d.numel() > 0) {
    lo = *std::min_element(p, p + d.numel());
    hi = *std::max_element(p, p + d.numel());
  }
  if (lo == hi) {
    lo -= 1;
    hi += 1;
  }
  if (lo > hi) {
    return absl::InvalidArgumentError("max must be larger than min");
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    return absl::InvalidArgumentError(
        absl::StrCat("range of [", lo, ", ", hi, "] is not finite"));
  }
  TRY(Tensor acc, Zeros({bins}, DType::kFloat64));
  double* o = acc.data<double>();
  for (int64_t k = 0; k < d.numel(); ++k) {
    const double v = p[k];
    if (!(v >= lo && v <= hi)) continue;
    int64_t b =
        static_cast<int64_t>((v - lo) * static_cast<double>(bins) / (hi - lo));
    if (b >= bins) b = bins - 1;
    o[b] += 1;
  }
  return To(acc, t.dtype());
}

// ---------------------------------------------------------------------------
// batched and fused products

StatusOrTensor Bmm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 3) {
    return absl::InvalidArgumentError("batch1 must be a 3D tensor");
  }
  if (b.dim() != 3) {
    return absl::InvalidArgumentError("batch2 must be a 3D tensor");
  }
  if (a.size(0) != b.size(0) || a.size(2) != b.size(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected size for first two dimensions of batch2 tensor to be: [",
        a.size(0), ", ", a.size(2), "] but got: [", b.size(0), ", ", b.size(1),
        "]."));
  }
  TRY(Tensor r, Matmul(a, b));
  return Composite("BmmBackward0", r);
}

namespace {

// beta * input + alpha * product (beta 0: input ignored, even NaN).
StatusOrTensor Fused(const Tensor& input, const Tensor& product,
                     const Scalar& beta, const Scalar& alpha,
                     const char* name) {
  Tensor p = product;
  if (!(alpha.is_integral() && alpha.to_int() == 1)) {
    TRY(p, Mul(product, WrapScalar(alpha)));
  }
  Tensor r;
  if (beta.to_double() == 0) {
    // input is ignored (even NaN), but gets a zero gradient, as in torch.
    {
      NoGradGuard ng;
      TRY(Shape s, BroadcastShapes(input.sizes(), p.sizes()));
      TRY(Tensor e, Expand(p.detach(), DimList(s.begin(), s.end())));
      TRY(r, Clone(e));
    }
    if (auto node = RecordOp(name, {&input, &p}, {&r})) {
      node->set_backward([shape = input.sizes(), dt = input.dtype()](
                             Node&,
                             const GradList& g) -> absl::StatusOr<GradList> {
        TRY(Tensor z, Zeros(shape, IsDifferentiable(dt) ? dt : g[0].dtype()));
        return GradList{z, g[0]};
      });
    }
    return r;
  } else if (beta.is_integral() && beta.to_int() == 1) {
    TRY(r, Add(input, p));
  } else {
    TRY(Tensor bi, Mul(input, WrapScalar(beta)));
    TRY(r, Add(bi, p));
  }
  return Composite(name, r);
}

}  // namespace

StatusOrTensor Addmm(const Tensor& input, const Tensor& m1, const Tensor& m2,
                     const Scalar& beta, const Scalar& alpha) {
  if (m1.dim() != 2 || m2.dim() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(m1.dim() != 2 ? "mat1" : "mat2", " must be a matrix, got ",
                     m1.dim() != 2 ? m1.dim() : m2.dim(), "-D tensor"));
  }
  const DType dt = m1.dtype();
  if ((dt == DType::kFloat32 || dt == DType::kFloat64) && m2.dtype() == dt &&
      input.dtype() == dt && alpha.dtype() != DType::kComplex64 &&
      beta.dtype() != DType::kComplex64) {
    return AddmmBlas(input, m1, m2, beta, alpha);  // as torch rounds it
  }
  TRY(Tensor p, Mm(m1, m2));
  return Fused(input, p, beta, alpha, "AddmmBackward0");
}

StatusOrTensor Addmv(const Tensor& input, const Tensor& mat, const Tensor& vec,
                     const Scalar& beta, const Scalar& alpha) {
  TRY(Tensor p, Mv(mat, vec));
  return Fused(input, p, beta, alpha, "AddmvBackward0");
}

StatusOrTensor Addr(const Tensor& input, const Tensor& v1, const Tensor& v2,
                    const Scalar& beta, const Scalar& alpha) {
  if (v1.dim() != 1 || v2.dim() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "addr: Expected 1-D argument vec1, but got ", v1.dim(), "-D"));
  }
  TRY(Tensor p, Outer(v1, v2));
  return Fused(input, p, beta, alpha, "AddrBackward0");
}

StatusOrTensor Baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2,
                       const Scalar& beta, const Scalar& alpha) {
  const DType dt = b1.dtype();
  if ((dt == DType::kFloat32 || dt == DType::kFloat64) && b2.dtype() == dt &&
      input.dtype() == dt && b1.dim() == 3 && b2.dim() == 3 &&
      b1.size(0) == b2.size(0) && b1.size(2) == b2.size(1) &&
      alpha.dtype() != DType::kComplex64 && beta.dtype() != DType::kComplex64) {
    return BaddbmmFloat(input, b1, b2, beta, alpha);  // as torch rounds it
  }
  TRY(Tensor p, Bmm(b1, b2));
  return Fused(input, p, beta, alpha, "BaddbmmBackward0");
}

#undef TRY

}  // namespace tensord

// ---------------------------------------------------------------------------
// lgamma, digamma (torch's series: recurrence to x >= 10, then the
// asymptotic expansion; reflection below 0) and its derivative trigamma.

namespace tensord {
namespace {

template <typename T>
T Polevl(T x, const T* a, int n) {
  T r = 0;
  for (int i = 0; i <= n; ++i) r = r * x + a[i];
  return r;
}

template <typename T>
T DigammaValue(T x) {
  const T kPsi10 = static_cast<T>(2.25175258906672110764);
  if (x == 0) return std::copysign(std::numeric_limits<T>::infinity(), -x);
  const bool integer = x == std::trunc(x);
  if (x < 0) {
    if (integer) return std::numeric_limits<T>::quiet_NaN();
    T q;
    const T r = std::modf(x, &q);
    return DigammaValue<T>(1 - x) -
           static_cast<T>(M_PI) / std::tan(static_cast<T>(M_PI) * r);
  }
  T result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  if (x == 10) return result + kPsi10;
  static const T kA[] = {static_cast<T>(8.33333333333333333333E-2),
                         static_cast<T>(-2.10927960927960927961E-2),
                         static_cast<T>(7.57575757575757575758E-3),
                         static_cast<T>(-4.16666666666666666667E-3),
                         static_cast<T>(3.96825396825396825397E-3),
                         static_cast<T>(-8.33333333333333333333E-3),
                         static_cast<T>(8.33333333333333333333E-2)};
  T y = 0;
  if (x < static_cast<T>(1.0e17)) {
    const T z = 1 / (x * x);
    y = z * Polevl<T>(z, kA, 6);
  }
  return result + std::log(x) - (static_cast<T>(0.5) / x) - y;
}

template <typename T>
T TrigammaValue(T x) {
  T sign = 1, result = 0;
  if (x < static_cast<T>(0.5)) {
    sign = -1;
    const T s = std::sin(static_cast<T>(M_PI) * x);
    result -= static_cast<T>(M_PI * M_PI) / (s * s);
    x = 1 - x;
  }
  for (int i = 0; i < 6; ++i) {
    result += 1 / (x * x);
    x += 1;
  }
  const T ixx = 1 / (x * x);
  result +=
      (1 + 1 / (2 * x) +
       ixx * (static_cast<T>(1. / 6) - ixx * (static_cast<T>(1. / 30) -
                                              ixx * static_cast<T>(1. / 42)))) /
      x;
  return sign * result;
}

enum class Gamma { kLgamma, kDigamma, kTrigamma };

StatusOrTensor GammaMap(const Tensor& a, Gamma which) {
  if (IsComplex(a.dtype())) {
    return absl::InvalidArgumentError(
        "\"lgamma\" not implemented for 'ComplexFloat'");
  }
  NoGradGuard ng;
  Tensor x = a.detach();
  if (!IsFloating(x.dtype())) {
    TENSORD_ASSIGN_OR_RETURN(x, To(x, kDefaultFloat));
  }
  TENSORD_ASSIGN_OR_RETURN(x, Contiguous(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    const T* p = x.data<T>();
    T* o = out.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      o[i] = which == Gamma::kLgamma    ? std::lgamma(p[i])
             : which == Gamma::kDigamma ? DigammaValue<T>(p[i])
                                        : TrigammaValue<T>(p[i]);
    }
  });
  return out;
}

}  // namespace

StatusOrTensor Lgamma(const Tensor& a) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, GammaMap(a, Gamma::kLgamma));
  if (auto node = RecordOp("LgammaBackward0", {&a}, {&out})) {
    const int sa = node->Save(a);
    node->set_backward(
        [sa](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(sa));
          TENSORD_ASSIGN_OR_RETURN(Tensor d, Digamma(x));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(g[0], d));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Digamma(const Tensor& a) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, GammaMap(a, Gamma::kDigamma));
  if (auto node = RecordOp("DigammaBackward0", {&a}, {&out})) {
    const int sa = node->Save(a);
    node->set_backward(
        [sa](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(sa));
          TENSORD_ASSIGN_OR_RETURN(Tensor d, GammaMap(x, Gamma::kTrigamma));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(g[0], d));
          return GradList{r};
        });
  }
  return out;
}

}  // namespace tensord

// ---------------------------------------------------------------------------
// logcumsumexp (accumulated in double for float, as torch's acc_type), cdist

namespace tensord {

StatusOrTensor Logcumsumexp(const Tensor& t, int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(t.dim(), 1)));
  if (!IsFloating(t.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"logcumsumexp_out_cpu\" not implemented for '",
                     DTypeShortName(t.dtype()), "'"));
  }
  Tensor out;
  const int64_t len = t.dim() == 0 ? 1 : t.size(d);
  int64_t inner = 1;
  for (int64_t k = d + 1; k < t.dim(); ++k) inner *= t.size(k);
  const int64_t outer = len == 0 ? 0 : t.numel() / (len * inner);
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(t.detach()));
    TENSORD_ASSIGN_OR_RETURN(out, Empty(t.sizes(), t.dtype()));
    TENSORD_DISPATCH_FLOATING(t.dtype(), T, {
      const T* p = c.data<T>();
      T* o = out.data<T>();
      auto log_add_exp = [](double x, double y) {
        const double lo = std::isnan(y) ? y : std::min(x, y);
        const double hi = std::isnan(y) ? y : std::max(x, y);
        if (lo != hi || std::isfinite(lo)) {
          return std::log1p(std::exp(lo - hi)) + hi;
        }
        return x;
      };
      for (int64_t a = 0; a < outer; ++a) {
        for (int64_t b = 0; b < inner; ++b) {
          double acc = -std::numeric_limits<double>::infinity();
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = (a * len + k) * inner + b;
            acc = log_add_exp(static_cast<double>(p[i]), acc);
            o[i] = static_cast<T>(acc);
          }
        }
      }
    });
  }
  if (auto node = RecordOp("LogcumsumexpBackward0", {&t}, {&out})) {
    const int sx = node->Save(t), so = node->Save(out, true);
    node->set_backward(
        [sx, so, len, inner, outer](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          // grad_i = sum_{j >= i} g_j exp(x_i - out_j); every term is at most
          // |g_j| (out_j >= x_i), so it is computed directly.
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(sx));
          TENSORD_ASSIGN_OR_RETURN(Tensor y, n.Saved(so));
          TENSORD_ASSIGN_OR_RETURN(Tensor xd, To(x, DType::kFloat64));
          TENSORD_ASSIGN_OR_RETURN(xd, Contiguous(xd));
          TENSORD_ASSIGN_OR_RETURN(Tensor yd, To(y, DType::kFloat64));
          TENSORD_ASSIGN_OR_RETURN(yd, Contiguous(yd));
          TENSORD_ASSIGN_OR_RETURN(Tensor gd, To(g[0], DType::kFloat64));
          TENSORD_ASSIGN_OR_RETURN(gd, Contiguous(gd));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Zeros(x.sizes(), DType::kFloat64));
          const double* xp = xd.data<double>();
          const double* yp = yd.data<double>();
          const double* gp = gd.data<double>();
          double* rp = r.data<double>();
          for (int64_t a = 0; a < outer; ++a) {
            for (int64_t b = 0; b < inner; ++b) {
              for (int64_t i = 0; i < len; ++i) {
                const int64_t ii = (a * len + i) * inner + b;
                double s = 0;
                for (int64_t j = i; j < len; ++j) {
                  const int64_t jj = (a * len + j) * inner + b;
                  if (gp[jj] != 0) s += gp[jj] * std::exp(xp[ii] - yp[jj]);
                }
                rp[ii] = s;
              }
            }
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor rr, To(r, x.dtype()));
          return GradList{rr};
        });
  }
  return out;
}

StatusOrTensor Cdist(const Tensor& x1, const Tensor& x2, double p) {
  if (x1.dim() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cdist only supports at least 2D tensors, X1 got: ", x1.dim(), "D"));
  }
  if (x2.dim() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cdist only supports at least 2D tensors, X2 got: ", x2.dim(), "D"));
  }
  if (x1.size(-1) != x2.size(-1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "X1 and X2 must have the same number of columns. X1: ", x1.size(-1),
        " X2: ", x2.size(-1)));
  }
  if (!IsFloating(x1.dtype()) || !IsFloating(x2.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("cdist only supports floating-point dtypes, X1 got: ",
                     DTypeShortName(x1.dtype())));
  }
  if (!(p >= 0)) {
    return absl::InvalidArgumentError(
        "cdist only supports non-negative p values");
  }
  const int64_t r1 = x1.size(-2), r2 = x2.size(-2);
  Tensor r;
  if (p == 2 && (r1 > 25 || r2 > 25)) {
    // torch's matrix-product form for large inputs (its values):
    // sqrt(clamp_min(-2 x1 x2^T + |x1|^2 + |x2|^2, 0))
    TENSORD_ASSIGN_OR_RETURN(Tensor s1, Mul(x1, x1));
    TENSORD_ASSIGN_OR_RETURN(Tensor n1, Sum(s1, {-1}, true));
    TENSORD_ASSIGN_OR_RETURN(Tensor s2, Mul(x2, x2));
    TENSORD_ASSIGN_OR_RETURN(Tensor n2, Sum(s2, {-1}, true));
    TENSORD_ASSIGN_OR_RETURN(Tensor o1, OnesLike(n1));
    TENSORD_ASSIGN_OR_RETURN(Tensor o2, OnesLike(n2));
    TENSORD_ASSIGN_OR_RETURN(Tensor m1,
                             Mul(x1, WrapScalar(Scalar(int64_t{-2}))));
    TENSORD_ASSIGN_OR_RETURN(Tensor a, Cat({m1, n1, o1}, -1));
    TENSORD_ASSIGN_OR_RETURN(Tensor b, Cat({x2, o2, n2}, -1));
    TENSORD_ASSIGN_OR_RETURN(Tensor bt, Transpose(b, -2, -1));
    TENSORD_ASSIGN_OR_RETURN(Tensor prod, Matmul(a, bt));
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Clamp(prod, Scalar(0.0), std::nullopt));
    TENSORD_ASSIGN_OR_RETURN(r, Sqrt(c));
  } else {
    TENSORD_ASSIGN_OR_RETURN(Tensor u1, Unsqueeze(x1, -2));
    TENSORD_ASSIGN_OR_RETURN(Tensor u2, Unsqueeze(x2, -3));
    TENSORD_ASSIGN_OR_RETURN(Tensor diff, Sub(u1, u2));
    TENSORD_ASSIGN_OR_RETURN(r, Norm(diff, p, {-1}, false));
  }
  return Composite("CdistBackward0", r);
}

}  // namespace tensord
