// Unary elementwise ops: neg, sign, abs, exp, log, sqrt, sin, cos, tanh,
// sigmoid and relu, with their derivatives (each next to its forward); the
// kernels run through ForEachRow (loops.h).
#include <atomic>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/vec_math.h"

namespace tensord {

// ---------------------------------------------------------------------------
// unary kernels

namespace {

// Applies f elementwise from `in` (type I, any strides) into a fresh
// contiguous tensor of dtype `out_dtype` (C++ type O).
template <typename I, typename O, typename F>
StatusOrTensor RunUnary(const Tensor& in, DType out_dtype, F f) {
  if (IsPermutedDense(in)) {
    return InMemoryOrder(
        in, [&](const Tensor& x) { return RunUnary<I, O>(x, out_dtype, f); });
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(in.sizes(), out_dtype));
  std::array<Shape, 2> strides = {out.strides(), in.strides()};
  O* po = out.data<O>();
  const I* pi = in.data<I>();
  ForEachRow<2>(in.sizes(), strides,
                [&](const std::array<int64_t, 2>& off, int64_t n,
                    const std::array<int64_t, 2>& s) {
                  O* o = po + off[0];
                  const I* x = pi + off[1];
                  if (s[0] == 1 && s[1] == 1) {
                    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i]);
                  } else {
                    for (int64_t i = 0; i < n; ++i)
                      o[i * s[0]] = f(x[i * s[1]]);
                  }
                });
  return out;
}

// fn of each element as torch computes it: SLEEF for float and double
// (vec_math.h), `f` otherwise or where SLEEF is not used.
template <typename T, typename F>
StatusOrTensor RunVec(const Tensor& in, DType out_dtype, VecFn fn, F f) {
  if (IsPermutedDense(in)) {
    return InMemoryOrder(
        in, [&](const Tensor& x) { return RunVec<T>(x, out_dtype, fn, f); });
  }
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(in.sizes(), out_dtype));
    std::array<Shape, 2> strides = {out.strides(), in.strides()};
    T* po = out.data<T>();
    const T* pi = in.data<T>();
    std::atomic<bool> ok{true};
    ForEachRow<2>(in.sizes(), strides,
                  [&](const std::array<int64_t, 2>& off, int64_t n,
                      const std::array<int64_t, 2>& s) {
                    if (!VecMap(fn, pi + off[1], s[1], po + off[0], s[0], n)) {
                      ok.store(false, std::memory_order_relaxed);
                    }
                  });
    if (ok.load()) return out;
  }
  return RunUnary<T, T>(in, out_dtype, f);
}

// 1 / (1 + exp(-x)) as torch's sigmoid kernel computes it: its vector
// formula takes SLEEF's exp, its scalar one (a chunk's last elements)
// glibc's; vec_math.h's TorchVecRanges says which element takes which.
// A contiguous tensor is one run in torch's order; a tensor whose last
// dims are contiguous (a narrowed slice, an LSTM gate) is walked one run
// of those dims at a time, each with its vectors and scalar tail; other
// layouts use the vector formula throughout.
template <typename T>
StatusOrTensor Sigmoid(const Tensor& in, DType dt) {
  if (IsPermutedDense(in)) {
    return InMemoryOrder(in,
                         [&](const Tensor& x) { return Sigmoid<T>(x, dt); });
  }
  const auto scalar = [](T v) { return T(1) / (T(1) + std::exp(-v)); };
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(in));
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(in.sizes(), dt));
    T* o = out.data<T>();
    const T* x = xc.data<T>();
    const int64_t n = out.numel();
    // The extent of the trailing dims that are contiguous in `in`, which
    // torch's iterator coalesces into its inner loop.
    int64_t run = 1;
    for (int64_t d = in.dim() - 1, expect = 1; d >= 0; --d) {
      if (in.size(d) == 1) continue;
      if (in.strides()[d] != expect) break;
      run *= in.size(d);
      expect *= in.size(d);
    }
    const bool rows = !in.is_contiguous() && run > 1 && n > 0 && n % run == 0;
    const int64_t block = in.is_contiguous() || rows ? 64 / sizeof(T) : 1;
    const int64_t row = rows ? run : n;
    for (int64_t r0 = 0; r0 < n; r0 += std::max<int64_t>(row, 1)) {
      TorchVecRanges(
          row, block,
          [&](int64_t b, int64_t e) {
            b += r0;
            e += r0;
            for (int64_t i = b; i < e; ++i) o[i] = T(0) - x[i];
            if (!VecMap(VecFn::kExp, o + b, 1, o + b, 1, e - b)) {
              for (int64_t i = b; i < e; ++i) o[i] = std::exp(o[i]);
            }
            for (int64_t i = b; i < e; ++i) o[i] = T(1) / (o[i] + T(1));
          },
          [&](int64_t b, int64_t e) {
            for (int64_t i = b + r0; i < e + r0; ++i) o[i] = scalar(x[i]);
          });
    }
    return out;
  }
  return RunUnary<T, T>(in, dt, scalar);
}

enum class Un {
  kNeg,
  kAbs,
  kExp,
  kLog,
  kSqrt,
  kSin,
  kCos,
  kTanh,
  kSigmoid,
  kRelu
};

// Ops whose integer inputs are computed in the default float dtype.
bool PromotesIntToFloat(Un op) {
  return op == Un::kExp || op == Un::kLog || op == Un::kSqrt ||
         op == Un::kSin || op == Un::kCos || op == Un::kTanh ||
         op == Un::kSigmoid;
}

absl::StatusOr<Tensor> UnaryForward(Un op, const Tensor& a) {
  Tensor x = a;
  if (PromotesIntToFloat(op) && !IsDifferentiable(a.dtype())) {
    TENSORD_ASSIGN_OR_RETURN(x, To(a, DefaultFloat()));
  }
  const DType dt = x.dtype();
  if (op == Un::kNeg && dt == DType::kBool) {
    return absl::InvalidArgumentError(
        "Negation, the `-` operator, on a bool tensor is not supported. If you "
        "are trying to invert a mask, use the `~` or `logical_not()` operator "
        "instead.");
  }
  if (dt == DType::kBool && op == Un::kAbs) {
    return absl::InvalidArgumentError("\"abs_cpu\" not implemented for 'Bool'");
  }
  if (dt == DType::kBool && op == Un::kRelu) {
    return absl::InvalidArgumentError("Boolean inputs not supported for relu");
  }
  if (IsComplex(dt) && (op == Un::kSigmoid || op == Un::kRelu)) {
    return absl::InvalidArgumentError(
        absl::StrCat(op == Un::kRelu ? "relu" : "sigmoid",
                     " is not supported for complex tensors"));
  }
  StatusOrTensor out = Tensor();
  if (op == Un::kAbs && IsComplex(dt)) {
    if (dt == DType::kComplex128) {
      return RunUnary<complex128, double>(
          x, DType::kFloat64, [](complex128 v) { return std::abs(v); });
    }
    return RunUnary<complex64, float>(x, DType::kFloat32,
                                      [](complex64 v) { return std::abs(v); });
  }
  TENSORD_DISPATCH_ALL(dt, T, {
    switch (op) {
      case Un::kNeg:
        if constexpr (!std::is_same_v<T, bool>)
          out = RunUnary<T, T>(x, dt, [](T v) { return WrapNeg(v); });
        break;
      case Un::kAbs:
        if constexpr (std::is_same_v<T, bool>) {
          out = RunUnary<T, T>(x, dt, [](T v) { return v; });
        } else if constexpr (!kIsComplex<T>) {
          out = RunUnary<T, T>(x, dt,
                               [](T v) { return v < T(0) ? WrapNeg(v) : v; });
        }
        break;
      case Un::kRelu:
        if constexpr (std::is_same_v<T, bool>) {
          out = RunUnary<T, T>(x, dt, [](T v) { return v; });
        } else if constexpr (!kIsComplex<T>) {
          out = RunUnary<T, T>(x, dt, [](T v) { return v < T(0) ? T(0) : v; });
        }
        break;
      default:
        if constexpr (std::is_floating_point_v<T> || kIsComplex<T>) {
          switch (op) {
            case Un::kExp:
              out = RunVec<T>(x, dt, VecFn::kExp,
                              [](T v) { return std::exp(v); });
              break;
            case Un::kLog:
              out = RunVec<T>(x, dt, VecFn::kLog,
                              [](T v) { return std::log(v); });
              break;
            case Un::kSqrt:
              out = RunUnary<T, T>(x, dt, [](T v) { return std::sqrt(v); });
              break;
            case Un::kSin:
              out = RunVec<T>(x, dt, VecFn::kSin,
                              [](T v) { return std::sin(v); });
              break;
            case Un::kCos:
              out = RunVec<T>(x, dt, VecFn::kCos,
                              [](T v) { return std::cos(v); });
              break;
            case Un::kTanh:
              out = RunVec<T>(x, dt, VecFn::kTanh,
                              [](T v) { return std::tanh(v); });
              break;
            case Un::kSigmoid:
              if constexpr (!kIsComplex<T>) {
                out = Sigmoid<T>(x, dt);
              }
              break;
            default:
              break;
          }
        }
        break;
    }
  });
  return out;
}

// Records a unary node: grad_in = g * deriv, where deriv is computed from
// the saved input or output by `deriv`.
template <typename DerivFn>
StatusOrTensor UnaryOp(Un op, const char* name, const Tensor& a,
                       bool save_output, DerivFn deriv) {
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, UnaryForward(op, a));
  }
  if (auto node = RecordOp(name, {&a}, {&out})) {
    const int slot = save_output ? node->Save(out, true) : node->Save(a);
    node->set_backward(
        [deriv, slot](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor saved, n.Saved(slot));
          if (IsComplex(saved.dtype())) {
            // Complex input: g * conj(f'(z)), as conj(f(conj(g))) of the
            // real formula (linear in g).
            TENSORD_ASSIGN_OR_RETURN(Tensor gc, Conj(g[0]));
            TENSORD_ASSIGN_OR_RETURN(Tensor gi, deriv(gc, saved));
            TENSORD_ASSIGN_OR_RETURN(gi, Conj(gi));
            return GradList{gi};
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor gi, deriv(g[0], saved));
          return GradList{gi};
        });
  }
  return out;
}

}  // namespace

StatusOrTensor Neg(const Tensor& a) {
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, UnaryForward(Un::kNeg, a));
  }
  if (auto node = RecordOp("NegBackward0", {&a}, {&out})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Neg(g[0]));
          return GradList{r};
        });
  }
  return out;
}

absl::StatusOr<Tensor> SignOf(const Tensor& x) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor pos, Gt(x, WrapScalar(0.0)));
  TENSORD_ASSIGN_OR_RETURN(Tensor neg, Lt(x, WrapScalar(0.0)));
  TENSORD_ASSIGN_OR_RETURN(Tensor posf, To(pos, x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor negf, To(neg, x.dtype()));
  return Sub(posf, negf);
}

StatusOrTensor Abs(const Tensor& a) {
  return UnaryOp(
      Un::kAbs, "AbsBackward0", a, false,
      [](const Tensor& g, const Tensor& x) -> StatusOrTensor {
        if (IsComplex(x.dtype())) {
          // torch: grad * sgn(z), sgn(z) = z / |z| (0 at 0);
          // UnaryOp conjugates what this returns.
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Abs(x));
          TENSORD_ASSIGN_OR_RETURN(Tensor q, Div(x, r));
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, Zeros({}, x.dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor at0, Eq(r, WrapScalar(0.0)));
          TENSORD_ASSIGN_OR_RETURN(Tensor sgn, Where(at0, zero, q));
          TENSORD_ASSIGN_OR_RETURN(Tensor c, Conj(sgn));
          return Mul(g, c);
        }
        TENSORD_ASSIGN_OR_RETURN(Tensor sign, SignOf(x));
        return Mul(g, sign);
      });
}

StatusOrTensor Exp(const Tensor& a) {
  return UnaryOp(Un::kExp, "ExpBackward0", a, true,
                 [](const Tensor& g, const Tensor& r) { return Mul(g, r); });
}

StatusOrTensor Log(const Tensor& a) {
  return UnaryOp(Un::kLog, "LogBackward0", a, false,
                 [](const Tensor& g, const Tensor& x) { return Div(g, x); });
}

StatusOrTensor Sqrt(const Tensor& a) {
  return UnaryOp(Un::kSqrt, "SqrtBackward0", a, true,
                 [](const Tensor& g, const Tensor& r) -> StatusOrTensor {
                   TENSORD_ASSIGN_OR_RETURN(Tensor two_r,
                                            Mul(r, WrapScalar(2.0)));
                   return Div(g, two_r);
                 });
}

StatusOrTensor Sin(const Tensor& a) {
  return UnaryOp(Un::kSin, "SinBackward0", a, false,
                 [](const Tensor& g, const Tensor& x) -> StatusOrTensor {
                   TENSORD_ASSIGN_OR_RETURN(Tensor c, Cos(x));
                   return Mul(g, c);
                 });
}

StatusOrTensor Cos(const Tensor& a) {
  return UnaryOp(Un::kCos, "CosBackward0", a, false,
                 [](const Tensor& g, const Tensor& x) -> StatusOrTensor {
                   TENSORD_ASSIGN_OR_RETURN(Tensor s, Sin(x));
                   TENSORD_ASSIGN_OR_RETURN(Tensor ns, Neg(s));
                   return Mul(g, ns);
                 });
}

namespace {

// torch's tanh_backward(grad, result): grad * (1 - result * result), the
// inner part fused into one rounding. With grad mode on (create_graph) it
// is recorded as torch records it (TanhBackwardBackward0, whose own
// derivative is torch's formula), so second derivatives round alike too.
StatusOrTensor TanhBackward(const Tensor& g, const Tensor& r) {
  const DType dt = r.dtype();
  if (g.dtype() != dt || (dt != DType::kFloat32 && dt != DType::kFloat64)) {
    TENSORD_ASSIGN_OR_RETURN(Tensor r2, Mul(r, r));
    TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(WrapScalar(1.0), r2));
    return Mul(g, d);
  }
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor nr, Neg(r));
    TENSORD_ASSIGN_OR_RETURN(Tensor d,
                             FusedMulAddRaw(nr, r, WrapScalar(1.0), dt));
    TENSORD_ASSIGN_OR_RETURN(out, Mul(g, d));
  }
  if (auto node = RecordOp("TanhBackwardBackward0", {&g, &r}, {&out})) {
    const int g_slot = node->Save(g), r_slot = node->Save(r);
    node->set_backward(
        [g_slot, r_slot](Node& n,
                         const GradList& gl) -> absl::StatusOr<GradList> {
          GradList res(2);
          if (!gl[0].defined()) return res;
          TENSORD_ASSIGN_OR_RETURN(Tensor gs, n.Saved(g_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor rs, n.Saved(r_slot));
          const auto& e = n.next_edges();
          if (e[0].fn) {
            TENSORD_ASSIGN_OR_RETURN(res[0], TanhBackward(gl[0], rs));
          }
          if (e[1].fn) {  // grad * (-2 * result * grad_output)
            TENSORD_ASSIGN_OR_RETURN(Tensor t, Mul(rs, WrapScalar(-2.0)));
            TENSORD_ASSIGN_OR_RETURN(t, Mul(t, gs));
            TENSORD_ASSIGN_OR_RETURN(res[1], Mul(gl[0], t));
          }
          return res;
        });
    node->twice_differentiable = true;
  }
  return out;
}

}  // namespace

StatusOrTensor Tanh(const Tensor& a) {
  return UnaryOp(Un::kTanh, "TanhBackward0", a, true,
                 [](const Tensor& g, const Tensor& r) -> StatusOrTensor {
                   return TanhBackward(g, r);
                 });
}

StatusOrTensor Sigmoid(const Tensor& a) {
  return UnaryOp(Un::kSigmoid, "SigmoidBackward0", a, true,
                 [](const Tensor& g, const Tensor& r) -> StatusOrTensor {
                   TENSORD_ASSIGN_OR_RETURN(Tensor one_minus,
                                            Sub(WrapScalar(1.0), r));
                   // (g * (1 - r)) * r, in torch's order.
                   TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(g, one_minus));
                   return Mul(d, r);
                 });
}

namespace {
// relu's derivative in one pass: g where the result is positive, else 0.
StatusOrTensor ReluBackward(const Tensor& g, const Tensor& r) {
  // Recorded (create_graph) or mixed: g where r > 0, in differentiable ops.
  if (GradEnabled() || g.dtype() != r.dtype() || g.sizes() != r.sizes()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor mask, Gt(r, WrapScalar(0.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(g));
    return Where(mask, g, zero);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(g.sizes(), g.dtype()));
  TENSORD_DISPATCH_REAL(g.dtype(), T, {
    RunBinary<T, T>(g, r, out,
                    [](T gv, T rv) { return rv > T(0) ? gv : T(0); });
  });
  return out;
}
}  // namespace

StatusOrTensor Relu(const Tensor& a) {
  return UnaryOp(Un::kRelu, "ReluBackward0", a, true, ReluBackward);
}

}  // namespace tensord
