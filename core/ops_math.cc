// More elementwise math: the float functions (log2 ... erfc, rsqrt,
// reciprocal), rounding (floor, ceil, round, trunc, frac, sign) and the
// float predicates (isnan, isinf, isfinite, signbit), each with its
// derivative a few lines below its forward, as in ops_elementwise.cc.
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/vec_math.h"

namespace tensord {
namespace {

using Deriv = std::function<StatusOrTensor(const Tensor& g, const Tensor& x,
                                           const Tensor& out)>;

// The functions torch computes with SLEEF (vec_math.h), by torch name.
const VecFn* SleefFor(std::string_view torch_name) {
  static const std::pair<std::string_view, VecFn> kTable[] = {
      {"log2", VecFn::kLog2},   {"log10", VecFn::kLog10},
      {"log1p", VecFn::kLog1p}, {"expm1", VecFn::kExpm1},
      {"tan", VecFn::kTan},     {"asin", VecFn::kAsin},
      {"acos", VecFn::kAcos},   {"atan", VecFn::kAtan},
      {"sinh", VecFn::kSinh},   {"cosh", VecFn::kCosh},
      {"erf", VecFn::kErf},     {"erfc", VecFn::kErfc}};
  for (const auto& [name, fn] : kTable) {
    if (name == torch_name) return &fn;
  }
  return nullptr;
}

// `f` of each element of `a` (integers are computed in the default float
// dtype, as torch does; complex is refused): a contiguous result of
// x's floating dtype. Where torch uses SLEEF, so do we (vec_math.h): its
// "VML" kernels (log10, erf, ...) map SLEEF over every element, the last
// partial vector too; sinh and cosh run through cpu_kernel_vec, SLEEF on
// whole blocks of two vectors (16 floats, 8 doubles) and the scalar
// function (libm) on the rest.
StatusOrTensor FloatMap(const Tensor& a, const char* torch_name,
                        float (*f32)(float), double (*f64)(double)) {
  if (IsPermutedDense(a)) {
    return InMemoryOrder(
        a, [&](const Tensor& x) { return FloatMap(x, torch_name, f32, f64); });
  }
  if (IsComplex(a.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", torch_name, "\" not implemented for '",
                     DTypeShortName(a.dtype()), "'"));
  }
  Tensor x = a;
  if (!IsFloating(x.dtype())) {
    TENSORD_ASSIGN_OR_RETURN(x, To(a, DefaultFloat()));
  }
  TENSORD_ASSIGN_OR_RETURN(x, Contiguous(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  const int64_t n = x.numel();
  const VecFn* vf = SleefFor(torch_name);
  int64_t start = 0;
  if (vf != nullptr) {
    const bool f32_input = x.dtype() == DType::kFloat32;
    const std::string_view name(torch_name);
    const int64_t block =
        name == "sinh" || name == "cosh" ? (f32_input ? 16 : 8) : 1;
    const int64_t whole = n - n % block;
    const bool done =
        f32_input
            ? VecMap(*vf, x.data<float>(), 1, out.data<float>(), 1, whole)
            : VecMap(*vf, x.data<double>(), 1, out.data<double>(), 1, whole);
    if (done) start = whole;
  }
  if (x.dtype() == DType::kFloat32) {
    const float* in = x.data<float>();
    float* o = out.data<float>();
    for (int64_t i = start; i < n; ++i) o[i] = f32(in[i]);
  } else {
    const double* in = x.data<double>();
    double* o = out.data<double>();
    for (int64_t i = start; i < n; ++i) o[i] = f64(in[i]);
  }
  return out;
}

// Runs `forward` without recording, then records `name` whose backward is
// deriv(g, x, out) (both saved).
StatusOrTensor WithGrad(const char* name, const Tensor& a,
                        const std::function<StatusOrTensor()>& forward,
                        Deriv deriv) {
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, forward());
  }
  if (auto node = RecordOp(name, {&a}, {&out})) {
    const int x_slot = node->Save(a);
    const int out_slot = node->Save(out, true);
    node->set_backward(
        [deriv = std::move(deriv), x_slot, out_slot](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor out, n.Saved(out_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor gi, deriv(g[0], x, out));
          return GradList{gi};
        });
  }
  return out;
}

StatusOrTensor S(double v) { return WrapScalar(v); }

// g * k / d, g / d and the like, written once.
StatusOrTensor Over(const Tensor& g, const Tensor& d) { return Div(g, d); }

// Zero gradient of a's shape (the piecewise-constant functions).
Deriv ZeroGrad() {
  return [](const Tensor& g, const Tensor&, const Tensor&) {
    return ZerosLike(g);
  };
}

template <typename T>
T SignOfValue(T v) {
  return static_cast<T>((T(0) < v) - (v < T(0)));
}

}  // namespace

#define TENSORD_FLOAT_UNARY(Fn, torch_name, fname, fexpr, dexpr)     \
  StatusOrTensor Fn(const Tensor& a) {                               \
    return WithGrad(                                                 \
        fname, a,                                                    \
        [&]() {                                                      \
          return FloatMap(                                           \
              a, torch_name, [](float v) -> float { return fexpr; }, \
              [](double v) -> double { return fexpr; });             \
        },                                                           \
        [](const Tensor& g, const Tensor& x,                         \
           const Tensor& out) -> StatusOrTensor { dexpr });          \
  }

// d/dx log2 x = 1 / (x ln 2) ... each derivative from differentiable ops.
TENSORD_FLOAT_UNARY(Log2, "log2", "Log2Backward0", std::log2(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(x, *S(M_LN2)));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Log10, "log10", "Log10Backward0", std::log10(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(x, *S(M_LN10)));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Log1p, "log1p", "Log1PBackward0", std::log1p(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Add(x, *S(1.0)));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Expm1, "expm1", "Expm1Backward0", std::expm1(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Add(out, *S(1.0)));
  (void)x;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Exp2, "exp2", "Exp2Backward0", std::exp2(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(out, *S(M_LN2)));
  (void)x;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Tan, "tan", "TanBackward0", std::tan(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor r2, Mul(out, out));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Add(r2, *S(1.0)));
  (void)x;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Asin, "asin", "AsinBackward0", std::asin(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Sub(*S(1.0), x2));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sqrt(r));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Acos, "acos", "AcosBackward0", std::acos(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Sub(*S(1.0), x2));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sqrt(r));
  TENSORD_ASSIGN_OR_RETURN(Tensor ng, Neg(g));
  (void)out;
  return Over(ng, d);
})
TENSORD_FLOAT_UNARY(Atan, "atan", "AtanBackward0", std::atan(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Add(x2, *S(1.0)));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Sinh, "sinh", "SinhBackward0", std::sinh(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Cosh(x));
  (void)out;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Cosh, "cosh", "CoshBackward0", std::cosh(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sinh(x));
  (void)out;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Asinh, "asinh", "AsinhBackward0", std::asinh(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Add(x2, *S(1.0)));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sqrt(r));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Acosh, "acosh", "AcoshBackward0", std::acosh(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Sub(x2, *S(1.0)));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sqrt(r));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Atanh, "atanh", "AtanhBackward0", std::atanh(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(*S(1.0), x2));
  (void)out;
  return Over(g, d);
})
TENSORD_FLOAT_UNARY(Erf, "erf", "ErfBackward0", std::erf(v), {
  // 2/sqrt(pi) exp(-x^2)
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor nx2, Neg(x2));
  TENSORD_ASSIGN_OR_RETURN(Tensor e, Exp(nx2));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(e, *S(M_2_SQRTPI)));
  (void)out;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Erfc, "erfc", "ErfcBackward0", std::erfc(v), {
  TENSORD_ASSIGN_OR_RETURN(Tensor x2, Mul(x, x));
  TENSORD_ASSIGN_OR_RETURN(Tensor nx2, Neg(x2));
  TENSORD_ASSIGN_OR_RETURN(Tensor e, Exp(nx2));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(e, *S(-M_2_SQRTPI)));
  (void)out;
  return Mul(g, d);
})
// torch's calc_erfinv (ATen/native/Math.h): a rational first guess
// (Pavlis's MATLAB erfinv) and two Newton steps, in the element's type. The
// polynomials are fused multiply-adds as in torch's AVX2 kernel (compiled
// with -mfma, so GCC contracts them); the last bit depends on it.
template <typename T>
T CalcErfinv(T y) {
  constexpr T kA[4] = {T(0.886226899), T(-1.645349621), T(0.914624893),
                       T(-0.140543331)};
  constexpr T kB[4] = {T(-2.118377725), T(1.442710462), T(-0.329097515),
                       T(0.012229801)};
  constexpr T kC[4] = {T(-1.970840454), T(-1.624906493), T(3.429567803),
                       T(1.641345311)};
  constexpr T kD[2] = {T(3.543889200), T(1.637067800)};
  const T y_abs = std::abs(y);
  if (y_abs > T(1.0)) return std::numeric_limits<T>::quiet_NaN();
  if (y_abs == T(1.0)) {
    return std::copysign(std::numeric_limits<T>::infinity(), y);
  }
  T x;
  if (y_abs <= T(0.7)) {
    const T z = y * y;
    const T num =
        std::fma(std::fma(std::fma(kA[3], z, kA[2]), z, kA[1]), z, kA[0]);
    const T dem = std::fma(
        std::fma(std::fma(std::fma(kB[3], z, kB[2]), z, kB[1]), z, kB[0]), z,
        T(1.0));
    x = y * num / dem;
  } else {
    const T z = std::sqrt(-std::log((T(1.0) - y_abs) / T(2.0)));
    const T num =
        std::fma(std::fma(std::fma(kC[3], z, kC[2]), z, kC[1]), z, kC[0]);
    const T dem = std::fma(std::fma(kD[1], z, kD[0]), z, T(1.0));
    x = std::copysign(num, y) / dem;
  }
  const T two_over_sqrt_pi = T(2.0) / static_cast<T>(std::sqrt(M_PI));
  x = x - (std::erf(x) - y) / (two_over_sqrt_pi * std::exp(-x * x));
  x = x - (std::erf(x) - y) / (two_over_sqrt_pi * std::exp(-x * x));
  return x;
}

TENSORD_FLOAT_UNARY(Erfinv, "erfinv", "ErfinvBackward0", CalcErfinv(v), {
  // 0.5 sqrt(pi) exp(erfinv(x)^2)
  TENSORD_ASSIGN_OR_RETURN(Tensor e, Erfinv(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor e2, Mul(e, e));
  TENSORD_ASSIGN_OR_RETURN(Tensor ex, Exp(e2));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(ex, *S(0.5 * std::sqrt(M_PI))));
  (void)out;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Rsqrt, "rsqrt", "RsqrtBackward0", 1 / std::sqrt(v), {
  // -0.5 r^3
  TENSORD_ASSIGN_OR_RETURN(Tensor r2, Mul(out, out));
  TENSORD_ASSIGN_OR_RETURN(Tensor r3, Mul(r2, out));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(r3, *S(-0.5)));
  (void)x;
  return Mul(g, d);
})
TENSORD_FLOAT_UNARY(Reciprocal, "reciprocal", "ReciprocalBackward0", 1 / v, {
  TENSORD_ASSIGN_OR_RETURN(Tensor r2, Mul(out, out));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Neg(r2));
  (void)x;
  return Mul(g, d);
})

#undef TENSORD_FLOAT_UNARY

namespace {

// `f` of each element, keeping the dtype (integers and bools unchanged by
// the rounding functions, as in torch).
template <typename F>
StatusOrTensor SameTypeMap(const Tensor& a, const char* torch_name, F f) {
  if (IsPermutedDense(a)) {
    return InMemoryOrder(
        a, [&](const Tensor& x) { return SameTypeMap(x, torch_name, f); });
  }
  if (IsComplex(a.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", torch_name, "\" not implemented for '",
                     DTypeShortName(a.dtype()), "'"));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Contiguous(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  TENSORD_DISPATCH_REAL(x.dtype(), T, {
    const T* in = x.data<T>();
    T* o = out.data<T>();
    for (int64_t i = 0, n = x.numel(); i < n; ++i) o[i] = f(in[i]);
  });
  return out;
}

// Rounding of a floating value; integers pass through.
template <double (*Fd)(double), float (*Ff)(float)>
struct Rounder {
  template <typename T>
  T operator()(T v) const {
    if constexpr (std::is_same_v<T, float>) {
      return Ff(v);
    } else if constexpr (std::is_same_v<T, double>) {
      return Fd(v);
    } else {
      return v;
    }
  }
};

float RoundHalfEvenF(float v) { return std::nearbyint(v); }
double RoundHalfEvenD(double v) { return std::nearbyint(v); }
float FloorF(float v) { return std::floor(v); }
double FloorD(double v) { return std::floor(v); }
float CeilF(float v) { return std::ceil(v); }
double CeilD(double v) { return std::ceil(v); }
float TruncF(float v) { return std::trunc(v); }
double TruncD(double v) { return std::trunc(v); }

}  // namespace

StatusOrTensor Floor(const Tensor& a) {
  return WithGrad(
      "FloorBackward0", a,
      [&] { return SameTypeMap(a, "floor", Rounder<FloorD, FloorF>()); },
      ZeroGrad());
}

StatusOrTensor Ceil(const Tensor& a) {
  return WithGrad(
      "CeilBackward0", a,
      [&] { return SameTypeMap(a, "ceil", Rounder<CeilD, CeilF>()); },
      ZeroGrad());
}

StatusOrTensor Trunc(const Tensor& a) {
  return WithGrad(
      "TruncBackward0", a,
      [&] { return SameTypeMap(a, "trunc", Rounder<TruncD, TruncF>()); },
      ZeroGrad());
}

StatusOrTensor Round(const Tensor& a, int64_t decimals) {
  if (decimals == 0) {
    return WithGrad(
        "RoundBackward0", a,
        [&] {
          return SameTypeMap(a, "round",
                             Rounder<RoundHalfEvenD, RoundHalfEvenF>());
        },
        ZeroGrad());
  }
  // torch: round(x * 10^d) / 10^d in x's dtype (negative d: / then *).
  return WithGrad(
      "RoundBackward1", a,
      [&]() -> StatusOrTensor {
        if (!IsFloating(a.dtype())) {
          return absl::InvalidArgumentError(
              "round_cpu(): decimals argument only supported for floating "
              "point tensors");
        }
        const double ten_pow =
            std::pow(10.0, static_cast<double>(std::abs(decimals)));
        const bool neg = decimals < 0;
        return SameTypeMap(a, "round", [&](auto v) {
          using T = decltype(v);
          const T p = static_cast<T>(ten_pow);
          if constexpr (std::is_floating_point_v<T>) {
            return neg ? std::nearbyint(v / p) * p : std::nearbyint(v * p) / p;
          } else {
            return v;
          }
        });
      },
      ZeroGrad());
}

StatusOrTensor Frac(const Tensor& a) {
  if (!IsFloating(a.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"frac_cpu\" not implemented for '", DTypeShortName(a.dtype()), "'"));
  }
  return WithGrad(
      "FracBackward0", a,
      [&] {
        return SameTypeMap(a, "frac", [](auto v) {
          using T = decltype(v);
          if constexpr (std::is_floating_point_v<T>) {
            return v - std::trunc(v);
          } else {
            return v;
          }
        });
      },
      [](const Tensor& g, const Tensor&, const Tensor&) -> StatusOrTensor {
        return g;
      });
}

StatusOrTensor Sign(const Tensor& a) {
  return WithGrad(
      "SignBackward0", a,
      [&] {
        return SameTypeMap(a, "sign", [](auto v) {
          using T = decltype(v);
          if constexpr (std::is_same_v<T, bool>) {
            return v;
          } else {
            return SignOfValue(v);
          }
        });
      },
      ZeroGrad());
}

namespace {

// A bool tensor of `pred` over each element (no autograd).
template <typename P>
StatusOrTensor Predicate(const Tensor& a, P pred) {
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Contiguous(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), DType::kBool));
  bool* o = out.data<bool>();
  TENSORD_DISPATCH_ALL(x.dtype(), T, {
    const T* in = x.data<T>();
    for (int64_t i = 0, n = x.numel(); i < n; ++i) o[i] = pred(in[i]);
  });
  return out;
}

template <typename T>
bool IsNanValue(T v) {
  if constexpr (kIsComplex<T>) {
    return std::isnan(v.real()) || std::isnan(v.imag());
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

template <typename T>
bool IsInfValue(T v) {
  if constexpr (kIsComplex<T>) {
    return std::isinf(v.real()) || std::isinf(v.imag());
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::isinf(v);
  } else {
    return false;
  }
}

}  // namespace

StatusOrTensor IsNan(const Tensor& a) {
  return Predicate(a, [](auto v) { return IsNanValue(v); });
}

StatusOrTensor IsInf(const Tensor& a) {
  return Predicate(a, [](auto v) { return IsInfValue(v); });
}

StatusOrTensor IsFinite(const Tensor& a) {
  return Predicate(a, [](auto v) { return !IsNanValue(v) && !IsInfValue(v); });
}

StatusOrTensor SignBit(const Tensor& a) {
  if (IsComplex(a.dtype())) {
    return absl::InvalidArgumentError(
        "signbit is not implemented for complex tensors.");
  }
  return Predicate(a, [](auto v) {
    using T = decltype(v);
    if constexpr (std::is_floating_point_v<T>) {
      return static_cast<bool>(std::signbit(v));
    } else if constexpr (std::is_same_v<T, bool>) {
      return false;
    } else if constexpr (std::is_signed_v<T>) {
      return v < 0;
    } else {
      return false;
    }
  });
}

}  // namespace tensord
