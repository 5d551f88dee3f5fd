// More pointwise ops: atan2, hypot, fmax, fmin, copysign, logaddexp, xlogy,
// heaviside, lerp, addcmul, addcdiv, logit, nan_to_num, sinc, deg2rad,
// rad2deg, sgn, square, isposinf, isneginf, div with rounding_mode, and
// the shifts; and the special functions lgamma and digamma. (The small
// reductions and the batched and fused products are in
// ops_small_reductions.cc.)
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
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/vec_math.h"

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
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", name, "_cpu\" not implemented for '", DTypeShortName(dt), "'"));
  }
  if (float_result && !IsFloating(dt)) dt = DefaultFloat();
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

// `out` (a fresh row-major result, no history) in the layout torch's
// iterator gives a pointwise result of `inputs` (PointwiseStrides): a
// copy when that is not row-major, `out` itself otherwise.
StatusOrTensor InPointwiseLayout(const Tensor& out,
                                 std::initializer_list<const Tensor*> inputs) {
  if (PointwiseStrides(out.sizes(), inputs) == out.strides()) return out;
  TENSORD_ASSIGN_OR_RETURN(Tensor r,
                           EmptyPointwise(out.sizes(), out.dtype(), inputs));
  CopyConvert(out, r);
  return r;
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
  return InPointwiseLayout(p.out, {&a, &b});
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

// fma(a, b, c) elementwise over the broadcast of the three (all of the
// floating dtype `dt`), without recording: the one rounding torch's AVX2
// kernels give where they fuse a multiply and an add.
StatusOrTensor FusedMulAddRaw(const Tensor& a, const Tensor& b, const Tensor& c,
                              DType dt) {
  NoGradGuard ng;
  TRY(Shape s1, BroadcastShapes(a.sizes(), b.sizes()));
  TRY(Shape shape, BroadcastShapes(s1, c.sizes()));
  TRY(Tensor ca, To(a, dt));
  TRY(Tensor cb, To(b, dt));
  TRY(Tensor cc, To(c, dt));
  TRY(Tensor out, Empty(shape, dt));
  std::array<Shape, 4> strides = {out.strides(), BroadcastStrides(ca, shape),
                                  BroadcastStrides(cb, shape),
                                  BroadcastStrides(cc, shape)};
  TENSORD_DISPATCH_FLOATING(dt, T, {
    T* po = out.data<T>();
    const T* pa = ca.data<T>();
    const T* pb = cb.data<T>();
    const T* pc = cc.data<T>();
    ForEachRow<4>(shape, strides,
                  [&](const std::array<int64_t, 4>& off, int64_t n,
                      const std::array<int64_t, 4>& st) {
                    for (int64_t i = 0; i < n; ++i) {
                      po[off[0] + i * st[0]] = std::fma(pa[off[1] + i * st[1]],
                                                        pb[off[2] + i * st[2]],
                                                        pc[off[3] + i * st[3]]);
                    }
                  });
  });
  return out;
}

StatusOrTensor Lerp(const Tensor& start, const Tensor& end,
                    const Tensor& weight) {
  // torch: |w| < 0.5 ? s + w * (e - s) : e - (e - s) * (1 - w)
  const bool scalar = weight.is_wrapped_number();
  Tensor out;
  {
    NoGradGuard ng;
    const DType rt = ResultType({&start, &end});
    TRY(Tensor w, To(weight, rt));
    TRY(Tensor d, Sub(end, start));
    TRY(Tensor omw, Sub(WrapScalar(1.0), w));
    TRY(Tensor aw, Abs(w));
    TRY(Tensor small, Lt(aw, WrapScalar(0.5)));
    if (rt == DType::kFloat32 || rt == DType::kFloat64) {
      // Fused as torch's kernel: fma(w, d, start) or fma(-d, 1 - w, end).
      TRY(Tensor lo, FusedMulAddRaw(w, d, start, rt));
      TRY(Tensor nd, Neg(d));
      TRY(Tensor hi, FusedMulAddRaw(nd, omw, end, rt));
      TRY(out, Where(small, lo, hi));
    } else {
      TRY(Tensor lo0, Mul(w, d));
      TRY(Tensor lo, Add(start, lo0));
      TRY(Tensor hi0, Mul(d, omw));
      TRY(Tensor hi, Sub(end, hi0));
      TRY(out, Where(small, lo, hi));
    }
    if (out.dtype() != start.dtype()) {
      TRY(out, To(out, start.dtype()));
    }
    TRY(out, InPointwiseLayout(out, {&start, &end, &weight}));
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
  // torch computes self + (value * t1) * t2 with the last multiply and the
  // add fused; an optimizer step (no grad) takes that path here too.
  const DType rt = ResultType({&self, &t1, &t2});
  if ((rt == DType::kFloat32 || rt == DType::kFloat64) &&
      !AnyRequiresGrad({&self, &t1, &t2}) && self.dtype() == rt) {
    NoGradGuard ng;
    TRY(Tensor p, Mul(WrapScalar(value), t1));
    TRY(Tensor r, FusedMulAddRaw(p, t2, self, rt));
    return InPointwiseLayout(r, {&self, &t1, &t2});
  }
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
    TRY(z, To(x, DefaultFloat()));
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
    return absl::InvalidArgumentError(absl::StrCat(
        "\"sinc_cpu\" not implemented for '", DTypeShortName(x.dtype()), "'"));
  }
  Tensor out;
  {
    NoGradGuard ng;
    Tensor z = x.detach();
    if (!IsFloating(z.dtype())) {
      TRY(z, To(z, DefaultFloat()));
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
    TRY(z, To(x, DefaultFloat()));
  }
  TRY(Tensor r, Mul(z, WrapScalar(M_PI / 180.0)));
  return Composite("Deg2RadBackward0", r);
}

StatusOrTensor Rad2deg(const Tensor& x) {
  Tensor z = x;
  if (!IsFloating(x.dtype()) && !IsComplex(x.dtype())) {
    TRY(z, To(x, DefaultFloat()));
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
          TRY(Tensor ga, Zeros(sa, IsDifferentiable(da) ? da : DefaultFloat()));
          TRY(Tensor gb, Zeros(sb, IsDifferentiable(db) ? db : DefaultFloat()));
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

// The Hurwitz zeta function sum_{k>=0} (q + k)^-s for s > 1, by
// Euler-Maclaurin summation: terms up to q + k > 9 (at least nine), the
// integral of the tail and its Bernoulli corrections. q may be negative
// (the integer s of polygamma keeps every power real); a pole at q = 0,
// -1, ... is +inf.
template <typename T>
T HurwitzZeta(T s, T q) {
  if (s == 1) return std::numeric_limits<T>::infinity();
  if (s < 1) return std::numeric_limits<T>::quiet_NaN();
  if (q <= 0) {
    if (q == std::floor(q)) return std::numeric_limits<T>::infinity();
    if (s != std::floor(s)) return std::numeric_limits<T>::quiet_NaN();
  }
  constexpr T kEps = static_cast<T>(1.11022302462515654042e-16);
  // (2j)! / B_2j for j = 1..12.
  static const T kFactOverBernoulli[] = {12.0,
                                         -720.0,
                                         30240.0,
                                         -1209600.0,
                                         47900160.0,
                                         -1.8924375803183791606e9,
                                         7.47242496e10,
                                         -2.950130727918164224e12,
                                         1.1646782814350067249e14,
                                         -4.5979787224074726105e15,
                                         1.8152105401943546773e17,
                                         -7.1661652561756670113e18};
  T sum = std::pow(q, -s), a = q, term = 0;
  for (int i = 0; i < 9 || a <= 9; ++i) {
    a += 1;
    term = std::pow(a, -s);
    sum += term;
    if (std::fabs(term / sum) < kEps) return sum;
  }
  const T w = a;
  sum += term * w / (s - 1) - T(0.5) * term;
  T rising = 1, k = 0;
  for (T c : kFactOverBernoulli) {
    rising *= s + k;
    term /= w;
    const T t = rising * term / c;
    sum += t;
    if (std::fabs(t / sum) < kEps) break;
    k += 1;
    rising *= s + k;
    term /= w;
    k += 1;
  }
  return sum;
}

// polygamma(n, x) for n >= 2: (-1)^(n+1) n! zeta(n + 1, x) as torch's
// kernel computes it: zeta in T, n! as exp(lgamma(n + 1)) in double.
template <typename T>
T PolygammaValue(int64_t n, T x) {
  const double sign = n % 2 ? 1.0 : -1.0;
  const T zeta = static_cast<T>(
      HurwitzZeta<double>(static_cast<double>(n + 1), static_cast<double>(x)));
  return static_cast<T>(sign * std::exp(std::lgamma(n + 1.0)) * zeta);
}

enum class Gamma { kLgamma, kDigamma, kTrigamma, kPolygamma };

StatusOrTensor GammaMap(const Tensor& a, Gamma which, int64_t n = 0) {
  if (IsComplex(a.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"lgamma\" not implemented for '", DTypeShortName(a.dtype()), "'"));
  }
  NoGradGuard ng;
  Tensor x = a.detach();
  if (!IsFloating(x.dtype())) {
    TENSORD_ASSIGN_OR_RETURN(x, To(x, DefaultFloat()));
  }
  TENSORD_ASSIGN_OR_RETURN(x, Contiguous(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    const T* p = x.data<T>();
    T* o = out.data<T>();
    // torch's lgamma is SLEEF's (vec_math.h).
    if (which == Gamma::kLgamma &&
        VecMap(VecFn::kLgamma, p, 1, o, 1, x.numel())) {
      return;
    }
    for (int64_t i = 0; i < x.numel(); ++i) {
      o[i] = which == Gamma::kLgamma     ? std::lgamma(p[i])
             : which == Gamma::kDigamma  ? DigammaValue<T>(p[i])
             : which == Gamma::kTrigamma ? TrigammaValue<T>(p[i])
                                         : PolygammaValue<T>(n, p[i]);
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
          TENSORD_ASSIGN_OR_RETURN(Tensor d, Polygamma(1, x));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(g[0], d));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Polygamma(int64_t n, const Tensor& a) {
  if (n < 0) {
    return absl::InvalidArgumentError(
        "polygamma(n, x) does not support negative n.");
  }
  if (n == 0) return Digamma(a);
  TENSORD_ASSIGN_OR_RETURN(
      Tensor out,
      GammaMap(a, n == 1 ? Gamma::kTrigamma : Gamma::kPolygamma, n));
  if (auto node = RecordOp("PolygammaBackward0", {&a}, {&out})) {
    const int sa = node->Save(a);
    node->set_backward(
        [sa, n](Node& self, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, self.Saved(sa));
          TENSORD_ASSIGN_OR_RETURN(Tensor d, Polygamma(n + 1, x));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(g[0], d));
          return GradList{r};
        });
  }
  return out;
}

}  // namespace tensord
