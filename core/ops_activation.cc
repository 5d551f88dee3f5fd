// torch.nn.functional's elementwise activations (relu-likes, elu/selu/celu,
// gelu, silu, mish, softplus, hard* and log_sigmoid), with their
// derivatives: kernels through the Activation template, whose second
// derivative makes them differentiable twice under create_graph.
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/conv_dnnl.h"
#include "core/errors.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/vec_math.h"

namespace tensord {

namespace {

// y = f(x) elementwise over a floating tensor (any strides) into a fresh
// contiguous one; f is called with T.
template <typename T, typename F>
void MapKernel(const Tensor& x, Tensor& out, F f) {
  const T* px = x.data<T>();
  T* po = out.data<T>();
  std::array<Shape, 2> strides = {out.strides(), x.strides()};
  ForEachRow<2>(x.sizes(), strides,
                [&](const std::array<int64_t, 2>& off, int64_t n,
                    const std::array<int64_t, 2>& st) {
                  for (int64_t i = 0; i < n; ++i)
                    po[off[0] + i * st[0]] = f(px[off[1] + i * st[1]]);
                });
}

// No second derivative given: df is piecewise constant (relu-like), so the
// recorded g * df(x) is all there is to differentiate.
struct ConstantDerivative {};

// An activation's formulas as torch's cpu_kernel_vec computes them: its
// vector formula (vec, SLEEF's functions) over the 16-float (8-double)
// blocks of a contiguous run and its scalar one (glibc's) over the tail
// (TorchVecRanges), forward fwd(x, vec) and backward bwd(dy, x, vec).
// NoExact: the activation has no such kernel yet.
struct NoExact {};

// An Exact may compute a whole contiguous tensor at once (a library kernel
// torch calls); false: it does not, and fwd/bwd run per element.
struct ExactBase {
  template <typename T>
  bool FwdBulk(const T*, T*, int64_t) const {
    return false;
  }
  template <typename T>
  bool BwdBulk(const T*, const T*, T*, int64_t) const {
    return false;
  }
};

template <typename T, typename F>
void TorchBlocks(int64_t n, F&& f) {
  TorchVecRanges(
      n, 64 / sizeof(T),
      [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) f(i, true);
      },
      [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) f(i, false);
      });
}

// exp(v) as torch's vector formula (vec: SLEEF) or scalar one computes it.
template <typename T>
T TorchExp(T v, bool vec) {
  T r;
  if (vec && VecMapOne(VecFn::kExp, v, &r)) return r;
  return std::exp(v);
}

// fn(v) as torch's vector formula (vec: SLEEF) or scalar one (glibc).
template <typename T>
T TorchFn(VecFn fn, T v, bool vec, T (*scalar)(T)) {
  T r;
  if (vec && VecMapOne(fn, v, &r)) return r;
  return scalar(v);
}
template <typename T>
T Log1pOf(T v) {
  return std::log1p(v);
}
template <typename T>
T TanhOf(T v) {
  return std::tanh(v);
}
template <typename T>
T LogOf(T v) {
  return std::log(v);
}

// One elementwise activation: its forward f(x), its derivative df(x) (so
// that the input's gradient is g * df(x)), torch's kernel name (for the
// error on other dtypes) and grad_fn name. With create_graph, df(x) gets a
// node of its own whose backward is gg * d2f(x) (d2f: the second
// derivative), so the gradient can be differentiated once more.
template <typename Fwd, typename Deriv, typename Second = ConstantDerivative,
          typename Exact = NoExact>
StatusOrTensor Activation(const Tensor& x, const char* kernel,
                          const char* grad_fn, Fwd f, Deriv df,
                          bool for_inplace = false, Second d2f = {},
                          Exact ex = {}) {
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", kernel, "\" not implemented for '",
                     DTypeShortName(x.dtype()), "'"));
  }
  TENSORD_ASSIGN_OR_RETURN(
      Tensor out, InMemoryOrder(x, [&](const Tensor& in) -> StatusOrTensor {
        TENSORD_ASSIGN_OR_RETURN(Tensor o, Empty(in.sizes(), in.dtype()));
        TENSORD_DISPATCH_FLOATING(in.dtype(), T, {
          bool done = false;
          if constexpr (!std::is_same_v<Exact, NoExact>) {
            if (Exact::template kHandles<T>) {
              const T* px = in.data<T>();
              T* po = o.data<T>();
              if (in.is_contiguous()) {
                // (A library kernel takes only a contiguous input; torch's
                // own runs over a permuted one in memory order.)
                if (!x.is_contiguous() || !ex.FwdBulk(px, po, in.numel())) {
                  TorchBlocks<T>(in.numel(), [&](int64_t i, bool vec) {
                    po[i] = ex.fwd(px[i], vec);
                  });
                }
              } else {
                // torch's kernel over each run its iterator can merge: the
                // vector formula on a run with unit strides, else scalar.
                std::array<Shape, 2> st = {o.strides(), in.strides()};
                ForEachRow<2>(in.sizes(), st,
                              [&](const std::array<int64_t, 2>& off, int64_t n,
                                  const std::array<int64_t, 2>& step) {
                                const bool unit = step[0] == 1 && step[1] == 1;
                                TorchBlocks<T>(n, [&](int64_t i, bool vec) {
                                  po[off[0] + i * step[0]] = ex.fwd(
                                      px[off[1] + i * step[1]], vec && unit);
                                });
                              });
              }
              done = true;
            }
          }
          if (!done) MapKernel<T>(in, o, f);
        });
        return o;
      }));
  if (auto node = RecordOp(grad_fn, {&x}, {&out})) {
    // An in-place op overwrites x: its backward keeps a copy, recorded
    // as torch's clone of self is, so that a second derivative reaches x.
    Tensor saved = x;
    if (for_inplace) {
      TENSORD_ASSIGN_OR_RETURN(saved, Clone(x));
      node->KeepHistory(saved);
    }
    const int x_slot = node->Save(saved);
    node->set_backward([x_slot, df, d2f, ex, name = std::string(grad_fn)](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
      if constexpr (!std::is_same_v<Exact, NoExact>) {
        // A plain backward runs torch's backward kernel on dy and x.
        if (!GradEnabled() && x.is_contiguous() && g[0].dtype() == x.dtype() &&
            Exact::IsFor(x.dtype())) {
          TENSORD_ASSIGN_OR_RETURN(Tensor dy, Contiguous(g[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor gx, Empty(x.sizes(), x.dtype()));
          TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
            const T* px = x.data<T>();
            const T* pd = dy.data<T>();
            T* po = gx.data<T>();
            if (!ex.BwdBulk(pd, px, po, x.numel())) {
              TorchBlocks<T>(x.numel(), [&](int64_t i, bool vec) {
                po[i] = ex.bwd(pd[i], px[i], vec);
              });
            }
          });
          return GradList{gx};
        }
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor d, Empty(x.sizes(), x.dtype()));
      TENSORD_DISPATCH_FLOATING(x.dtype(), T, { MapKernel<T>(x, d, df); });
      if constexpr (!std::is_same_v<Second, ConstantDerivative>) {
        if (auto dn = RecordOp(BackwardOfName(name), {&x}, {&d})) {
          const int slot = dn->Save(x);
          dn->set_backward([slot, d2f](
                               Node& m,
                               const GradList& gg) -> absl::StatusOr<GradList> {
            TENSORD_ASSIGN_OR_RETURN(Tensor x, m.Saved(slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor d2, Empty(x.sizes(), x.dtype()));
            TENSORD_DISPATCH_FLOATING(x.dtype(), T,
                                      { MapKernel<T>(x, d2, d2f); });
            TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(gg[0], d2));
            return GradList{r};
          });
        }
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor gx, Mul(g[0], d));
      return GradList{gx};
    });
  }
  return out;
}

// gelu's tanh approximation.
constexpr double kBeta = M_SQRT2 * M_2_SQRTPI * 0.5, kKappa = 0.044715;
// erf as torch's gelu computes it: for float32 tensors of two or more
// elements, its vectorized erf (Abramowitz and Stegun 7.1.26 with fused
// multiply-adds), whose error shows after the cancellation in 1 + erf(x)
// for x below -2; otherwise the C library's.
template <typename T>
T GeluErf(T v, bool vec) {
  if constexpr (std::is_same_v<T, float>) {
    if (vec) {
      const float t = 1.0f / std::fma(0.3275911f, std::fabs(v), 1.0f);
      float r = std::fma(1.061405429f, t, -1.453152027f);
      r = std::fma(r, t, 1.421413741f);
      r = std::fma(r, t, -0.284496736f);
      r = std::fma(r, t, 0.254829592f);
      const float e = -std::exp(-(v * v));
      return std::copysign(std::fma(e * t, r, 1.0f), v);
    }
  }
  return std::erf(v);
}

// torch 1.13's gelu (erf form) on contiguous input. float32 of two or more
// elements: oneDNN's eltwise_gelu_erf, which torch calls (its mkldnn path).
// float64: x * 0.5 * (1 + erf(x / sqrt 2)) with SLEEF's erf in the vector
// blocks and glibc's in the tail; the backward dy * (cdf + x * pdf) with
// that sum fused. (A single float: glibc's erf, as torch's own kernel.)
struct GeluExact : ExactBase {
  template <typename T>
  static constexpr bool kHandles = true;
  static bool IsFor(DType) { return true; }
  template <typename T>
  bool FwdBulk(const T* x, T* y, int64_t n) const {
    if constexpr (std::is_same_v<T, float>) {
      return n > 1 && DnnlGeluErf(x, y, n).ok();
    }
    return false;
  }
  template <typename T>
  bool BwdBulk(const T* dy, const T* x, T* dx, int64_t n) const {
    if constexpr (std::is_same_v<T, float>) {
      return n > 1 && DnnlGeluErfBackward(x, dy, dx, n).ok();
    }
    return false;
  }
  template <typename T>
  static T Erf(T v, bool vec) {
    T r;
    if (vec && VecMapOne(VecFn::kErf, v, &r)) return r;
    return std::erf(v);
  }
  template <typename T>
  T fwd(T v, bool vec) const {
    return v * T(0.5) * (T(1) + Erf(v * T(M_SQRT1_2), vec));
  }
  template <typename T>
  T bwd(T dy, T v, bool vec) const {
    const T cdf = T(0.5) * (T(1) + Erf(v * T(M_SQRT1_2), vec));
    const T pdf =
        T(M_2_SQRTPI * M_SQRT1_2 * 0.5) * TorchExp(v * v * T(-0.5), vec);
    if (!vec) {
      const T xp = v * pdf;  // the scalar tail's sum is not fused
      return dy * (cdf + xp);
    }
    return dy * std::fma(v, pdf, cdf);
  }
};

// torch 1.13's gelu tanh approximation (its own kernel; oneDNN is only
// for the erf form): inner = beta * (x + kappa x^3) with that sum fused,
// 0.5 x (1 + tanh(inner)) with SLEEF's tanh in the vector blocks; the
// backward dy * (0.5 (1 + t) + 0.5 x (1 - t^2) beta (1 + 3 kappa x^2)),
// its multiply-adds fused as its build fuses them.
struct GeluTanhExact : ExactBase {
  template <typename T>
  static constexpr bool kHandles = true;
  static bool IsFor(DType) { return true; }
  template <typename T>
  static T Inner(T v, T x_cube) {
    return T(kBeta) * std::fma(T(kKappa), x_cube, v);
  }
  template <typename T>
  T fwd(T v, bool vec) const {
    const T t = TorchFn<T>(VecFn::kTanh, Inner(v, v * v * v), vec, TanhOf<T>);
    return T(0.5) * v * (T(1) + t);
  }
  template <typename T>
  T bwd(T dy, T v, bool vec) const {
    const T x_sq = v * v;
    const T t = TorchFn<T>(VecFn::kTanh, Inner(v, x_sq * v), vec, TanhOf<T>);
    const T left = T(0.5) * v;
    const T right = T(1) + t;
    const T tanh_d = std::fma(-t, t, T(1));
    const T three_kappa = T(3) * T(kKappa);
    const T inner_d = T(kBeta) * std::fma(three_kappa, x_sq, T(1));
    const T right_d = left * tanh_d * inner_d;
    return dy * std::fma(T(0.5), right, right_d);
  }
};

// torch 1.13's silu kernel: x / (1 + exp(-x)); backward
// dy * s * (1 + x * (1 - s)) with the inner multiply-add fused.
struct SiluExact : ExactBase {
  template <typename T>
  static constexpr bool kHandles = true;
  static bool IsFor(DType) { return true; }
  template <typename T>
  T fwd(T v, bool vec) const {
    return v / (T(1) + TorchExp(-v, vec));
  }
  template <typename T>
  T bwd(T dy, T v, bool vec) const {
    const T sg = T(1) / (T(1) + TorchExp(-v, vec));
    return dy * sg * std::fma(v, T(1) - sg, T(1));
  }
};

// torch 1.13's elu kernel (elu, selu, celu): x <= 0 ? (exp(x * input_scale)
// - 1) * alpha * scale : x * scale, the coefficients rounded to T first;
// backward (from the input) dy * input_scale * negcoef * exp(x *
// input_scale) or dy * scale, multiplied left to right.
struct EluExact : ExactBase {
  double alpha, scale, input_scale;
  template <typename T>
  static constexpr bool kHandles = true;
  static bool IsFor(DType) { return true; }
  template <typename T>
  T fwd(T v, bool vec) const {
    const T negcoef = T(alpha) * T(scale);
    if (v <= T(0)) {
      return (TorchExp(v * T(input_scale), vec) - T(1)) * negcoef;
    }
    return v * T(scale);
  }
  template <typename T>
  T bwd(T dy, T v, bool vec) const {
    const T negcoef = T(alpha) * T(scale);
    if (v <= T(0)) {
      return dy * T(input_scale) * negcoef * TorchExp(v * T(input_scale), vec);
    }
    return dy * T(scale);
  }
};

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

// elu with torch's three coefficients (selu and celu are elus).
StatusOrTensor EluImpl(const Tensor& x, double alpha, double scale,
                       double input_scale, const char* grad_fn,
                       bool for_inplace) {
  return Activation(
      x, "elu_cpu", grad_fn,
      [=](auto v) {
        using T = decltype(v);
        return v <= T(0) ? static_cast<T>(std::expm1(v * T(input_scale)) *
                                          T(alpha) * T(scale))
                         : static_cast<T>(v * T(scale));
      },
      [=](auto v) {
        using T = decltype(v);
        return v <= T(0) ? static_cast<T>(T(input_scale) * T(alpha) * T(scale) *
                                          std::exp(v * T(input_scale)))
                         : T(scale);
      },
      for_inplace,
      [=](auto v) {
        using T = decltype(v);
        // torch's elu_double_backward: strictly below zero.
        return v < T(0)
                   ? static_cast<T>(T(input_scale) * T(input_scale) * T(alpha) *
                                    T(scale) * std::exp(v * T(input_scale)))
                   : T(0);
      },
      EluExact{{}, alpha, scale, input_scale});
}

StatusOrTensor HardtanhImpl(const Tensor& x, double lo, double hi,
                            bool for_inplace) {
  if (x.dtype() == DType::kBool) {
    return absl::InvalidArgumentError("Bool inputs not supported for hardtanh");
  }
  if (IsIntegral(x.dtype(), false)) {
    // Integers keep their dtype (bounds truncated); no gradient.
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
    TENSORD_DISPATCH_REAL(x.dtype(), T, {
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        const T l = static_cast<T>(lo), h = static_cast<T>(hi);
        MapKernel<T>(x, out, [=](T v) { return std::min(std::max(v, l), h); });
      }
    });
    return out;
  }
  return Activation(
      x, "hardtanh_cpu", "HardtanhBackward0",
      [=](auto v) {
        using T = decltype(v);
        if (std::isnan(v)) return v;
        return std::min(std::max(v, T(lo)), T(hi));
      },
      [=](auto v) {
        using T = decltype(v);
        return (v <= T(lo) || v >= T(hi)) ? T(0) : T(1);
      },
      for_inplace);
}

}  // namespace

StatusOrTensor LeakyRelu(const Tensor& x, double slope, bool for_inplace) {
  return Activation(
      x, "leaky_relu_cpu",
      for_inplace ? "LeakyReluBackward1" : "LeakyReluBackward0",
      [=](auto v) {
        using T = decltype(v);
        return v > T(0) ? v : static_cast<T>(v * T(slope));
      },
      [=](auto v) {
        using T = decltype(v);
        return v > T(0) ? T(1) : T(slope);
      },
      for_inplace);
}

StatusOrTensor Elu(const Tensor& x, double alpha, bool for_inplace) {
  return EluImpl(x, alpha, 1.0, 1.0,
                 for_inplace ? "EluBackward1" : "EluBackward0", for_inplace);
}

StatusOrTensor Selu(const Tensor& x, bool for_inplace) {
  return EluImpl(x, kSeluAlpha, kSeluScale, 1.0,
                 for_inplace ? "EluBackward1" : "EluBackward0", for_inplace);
}

StatusOrTensor Celu(const Tensor& x, double alpha, bool for_inplace) {
  if (alpha == 0.0) {
    return absl::InvalidArgumentError(
        "ZeroDivisionError: alpha cannot be 0 for CELU");
  }
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"elu_cpu\" not implemented for '", DTypeShortName(x.dtype()), "'"));
  }
  return EluImpl(x, alpha, 1.0, 1.0 / alpha,
                 for_inplace ? "CeluBackward1" : "CeluBackward0", for_inplace);
}

StatusOrTensor Gelu(const Tensor& x, absl::string_view approximate) {
  if (approximate != "none" && approximate != "tanh") {
    return absl::InvalidArgumentError(
        "approximate argument must be either none or tanh.");
  }
  if (approximate == "tanh") {
    return Activation(
        x, "GeluKernelImpl", "GeluBackward0",
        [](auto v) {
          using T = decltype(v);
          const T inner = T(kBeta) * (v + T(kKappa) * v * v * v);
          return static_cast<T>(T(0.5) * v * (T(1) + std::tanh(inner)));
        },
        [](auto v) {
          using T = decltype(v);
          const T x2 = v * v;
          const T th = std::tanh(T(kBeta) * (v + T(kKappa) * x2 * v));
          const T left = T(0.5) * v, right = T(1) + th;
          const T dl = T(0.5) * right;
          const T dr = left * (T(1) - th * th) * T(kBeta) *
                       (T(1) + T(3) * T(kKappa) * x2);
          return static_cast<T>(dl + dr);
        },
        false,
        [](auto v) {
          using T = decltype(v);
          // u = beta (x + kappa x^3); d = (1 + th)/2 + x (1 - th^2) u' / 2
          const T x2 = v * v;
          const T th = std::tanh(T(kBeta) * (v + T(kKappa) * x2 * v));
          const T sech2 = T(1) - th * th;
          const T u1 = T(kBeta) * (T(1) + T(3) * T(kKappa) * x2);
          const T u2 = T(6) * T(kBeta) * T(kKappa) * v;
          return static_cast<T>(sech2 * u1 + T(0.5) * v * sech2 *
                                                 (u2 - T(2) * th * u1 * u1));
        },
        GeluTanhExact{});
  }
  // torch's float32 kernel takes its vector erf for two or more elements.
  const bool vec = x.numel() >= 2;
  return Activation(
      x, "GeluKernelImpl", "GeluBackward0",
      [vec](auto v) {
        using T = decltype(v);
        return static_cast<T>(v * T(0.5) *
                              (T(1) + GeluErf(v * T(M_SQRT1_2), vec)));
      },
      [vec](auto v) {
        using T = decltype(v);
        const T cdf = T(0.5) * (T(1) + GeluErf(v * T(M_SQRT1_2), vec));
        const T pdf =
            T(M_2_SQRTPI * M_SQRT1_2 * 0.5) * std::exp(v * v * T(-0.5));
        return static_cast<T>(cdf + v * pdf);
      },
      false,
      [](auto v) {
        using T = decltype(v);
        const T pdf =
            T(M_2_SQRTPI * M_SQRT1_2 * 0.5) * std::exp(v * v * T(-0.5));
        return static_cast<T>(pdf * (T(2) - v * v));
      },
      GeluExact{});
}

StatusOrTensor Silu(const Tensor& x, bool for_inplace) {
  return Activation(
      x, "silu_cpu", "SiluBackward0",
      [](auto v) {
        using T = decltype(v);
        return static_cast<T>(v / (T(1) + std::exp(-v)));
      },
      [](auto v) {
        using T = decltype(v);
        const T s = T(1) / (T(1) + std::exp(-v));
        return static_cast<T>(s * (T(1) + v * (T(1) - s)));
      },
      for_inplace,
      [](auto v) {
        using T = decltype(v);
        const T s = T(1) / (T(1) + std::exp(-v));
        return static_cast<T>(s * (T(1) - s) * (T(2) + v * (T(1) - T(2) * s)));
      },
      SiluExact{});
}

// torch 1.13's mish kernel: x * tanh(log1p(exp(x))) (SLEEF in the vector
// blocks); backward dy * (t + x * s * (1 - t * t)), its multiply-adds
// fused (in the scalar tail too).
struct MishExact : ExactBase {
  template <typename T>
  static constexpr bool kHandles = true;
  static bool IsFor(DType) { return true; }
  template <typename T>
  static T Tsp(T v, bool vec) {
    return TorchFn<T>(
        VecFn::kTanh,
        TorchFn<T>(VecFn::kLog1p, TorchExp(v, vec), vec, Log1pOf<T>), vec,
        TanhOf<T>);
  }
  template <typename T>
  T fwd(T v, bool vec) const {
    return v * Tsp(v, vec);
  }
  template <typename T>
  T bwd(T dy, T v, bool vec) const {
    const T sg = T(1) / (T(1) + TorchExp(-v, vec));
    const T t = Tsp(v, vec);
    return dy * std::fma(v * sg, std::fma(-t, t, T(1)), t);
  }
};

StatusOrTensor Mish(const Tensor& x, bool for_inplace) {
  return Activation(
      x, "mish_cpu", "MishBackward0",
      [](auto v) {
        using T = decltype(v);
        return static_cast<T>(v * std::tanh(std::log1p(std::exp(v))));
      },
      [](auto v) {
        using T = decltype(v);
        const T s = T(1) / (T(1) + std::exp(-v));
        const T t = std::tanh(std::log1p(std::exp(v)));
        return static_cast<T>(t + v * s * (T(1) - t * t));
      },
      for_inplace,
      [](auto v) {
        using T = decltype(v);
        // d = t + x s (1 - t^2), t = tanh(softplus x), t' = (1 - t^2) s
        const T s = T(1) / (T(1) + std::exp(-v));
        const T t = std::tanh(std::log1p(std::exp(v)));
        const T u = T(1) - t * t;
        return static_cast<T>(u * s * (T(2) + v * ((T(1) - s) - T(2) * t * s)));
      },
      MishExact{});
}

// torch 1.13's softplus kernel: x * beta > threshold ? x :
// log1p(exp(x * beta)) / beta (SLEEF in the vector blocks); backward
// dy * z / (z + 1), z = exp(x * beta), multiplied left to right.
struct SoftplusExact : ExactBase {
  double beta, threshold;
  template <typename T>
  static constexpr bool kHandles = true;
  static bool IsFor(DType) { return true; }
  template <typename T>
  T fwd(T v, bool vec) const {
    const T b = static_cast<T>(beta);
    if (v * b > static_cast<T>(threshold)) return v;
    return TorchFn<T>(VecFn::kLog1p, TorchExp(v * b, vec), vec, Log1pOf<T>) / b;
  }
  template <typename T>
  T bwd(T dy, T v, bool vec) const {
    const T b = static_cast<T>(beta);
    const T z = TorchExp(v * b, vec);
    if (v * b > static_cast<T>(threshold)) return dy;
    return dy * z / (z + T(1));
  }
};

StatusOrTensor Softplus(const Tensor& x, double beta, double threshold) {
  return Activation(
      x, "softplus_cpu", "SoftplusBackward0",
      [=](auto v) {
        using T = decltype(v);
        return v * T(beta) > T(threshold)
                   ? v
                   : static_cast<T>(std::log1p(std::exp(v * T(beta))) /
                                    T(beta));
      },
      [=](auto v) {
        using T = decltype(v);
        if (v * T(beta) > T(threshold)) return T(1);
        const T z = std::exp(v * T(beta));
        return static_cast<T>(z / (z + T(1)));
      },
      false,
      [=](auto v) {
        using T = decltype(v);
        if (v * T(beta) > T(threshold)) return T(0);
        const T s = T(1) / (T(1) + std::exp(-v * T(beta)));
        return static_cast<T>(T(beta) * s * (T(1) - s));
      },
      SoftplusExact{{}, beta, threshold});
}

StatusOrTensor Softsign(const Tensor& x) {
  TENSORD_ASSIGN_OR_RETURN(Tensor a, Abs(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Add(a, WrapScalar(int64_t{1})));
  return Div(x, d);
}

StatusOrTensor Hardtanh(const Tensor& x, double min_val, double max_val,
                        bool for_inplace) {
  return HardtanhImpl(x, min_val, max_val, for_inplace);
}

StatusOrTensor Hardsigmoid(const Tensor& x, bool for_inplace) {
  return Activation(
      x, "hardsigmoid_cpu", "HardsigmoidBackward0",
      [](auto v) {
        using T = decltype(v);
        return static_cast<T>(std::min(std::max(v + T(3), T(0)), T(6)) / T(6));
      },
      [](auto v) {
        using T = decltype(v);
        return (v > T(-3) && v < T(3)) ? static_cast<T>(T(1) / T(6)) : T(0);
      },
      for_inplace);
}

StatusOrTensor Hardswish(const Tensor& x, bool for_inplace) {
  return Activation(
      x, "hardswish_cpu", "HardswishBackward0",
      [](auto v) {
        using T = decltype(v);
        return static_cast<T>(v * std::min(std::max(v + T(3), T(0)), T(6)) /
                              T(6));
      },
      [](auto v) {
        using T = decltype(v);
        if (v < T(-3)) return T(0);
        if (v <= T(3)) return static_cast<T>(v / T(3) + T(0.5));
        return T(1);
      },
      for_inplace,
      [](auto v) {
        using T = decltype(v);
        return (v > T(-3) && v < T(3)) ? static_cast<T>(T(1) / T(3)) : T(0);
      });
}

// torch 1.13's log_sigmoid kernel, which runs every element (the tail as
// a partial vector) through SLEEF: buffer = exp(-|x|), y = min(x, 0) -
// log1p(buffer); backward (md - sign * buffer / (1 + buffer)) * dy with
// md, sign = 1, 1 for x < 0 else 0, -1.
struct LogSigmoidExact : ExactBase {
  template <typename T>
  static constexpr bool kHandles = true;
  static bool IsFor(DType) { return true; }
  template <typename T>
  T fwd(T v, bool) const {
    const T b = TorchExp(-std::abs(v), true);
    const T mn = std::isnan(v) ? v : std::min(v, T(0));
    return mn - TorchFn<T>(VecFn::kLog1p, b, true, Log1pOf<T>);
  }
  template <typename T>
  T bwd(T dy, T v, bool) const {
    const T b = TorchExp(-std::abs(v), true);
    const bool neg = v < T(0);
    const T md = neg ? T(1) : T(0);
    const T sign = neg ? T(1) : T(-1);
    return (md - sign * (b / (T(1) + b))) * dy;
  }
};

StatusOrTensor LogSigmoid(const Tensor& x) {
  return Activation(
      x, "log_sigmoid_cpu", "LogSigmoidBackward0",
      [](auto v) {
        using T = decltype(v);
        return static_cast<T>(std::min(v, T(0)) -
                              std::log1p(std::exp(-std::abs(v))));
      },
      [](auto v) {
        using T = decltype(v);
        const T z = std::exp(-std::abs(v));
        return v < T(0) ? static_cast<T>(T(1) - z / (T(1) + z))
                        : static_cast<T>(z / (T(1) + z));
      },
      false,
      [](auto v) {
        using T = decltype(v);
        const T s = T(1) / (T(1) + std::exp(-v));
        return static_cast<T>(-s * (T(1) - s));
      },
      LogSigmoidExact{});
}

StatusOrTensor ReluInplace(const Tensor& self) {
  return Inplace(self, {}, [&] { return Relu(self); });
}

StatusOrTensor ActivationInplace(
    const Tensor& self,
    const std::function<StatusOrTensor(const Tensor&)>& fn) {
  return Inplace(self, {}, [&] { return fn(self); });
}

}  // namespace tensord
