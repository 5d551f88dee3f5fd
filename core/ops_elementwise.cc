// Elementwise ops: type promotion, broadcasting, the binary and unary
// kernels, and their derivatives (each next to its forward).
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord {

// ---------------------------------------------------------------------------
// dtype conversion and promotion

namespace {

template <typename To, typename From>
inline To Convert(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<From, complex64>) {
    if constexpr (std::is_same_v<To, bool>) {
      return v != complex64(0.f, 0.f);
    } else if constexpr (std::is_integral_v<To>) {
      return FloatToInt<To>(v.real());  // NaN, inf, 1e30: defined
    } else {
      return static_cast<To>(v.real());
    }
  } else if constexpr (std::is_same_v<To, complex64>) {
    return complex64(static_cast<float>(v), 0.f);
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> &&
                       std::is_floating_point_v<From>) {
    return FloatToInt<To>(v);  // NaN, inf, 1e30: defined
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace

// Copies src (any strides) into dst (same shape, any strides), converting.
void CopyConvert(const Tensor& src, const Tensor& dst) {
  const Shape& shape = dst.sizes();
  std::array<Shape, 2> strides = {dst.strides(), BroadcastStrides(src, shape)};
  TENSORD_DISPATCH_ALL(dst.dtype(), O, {
    TENSORD_DISPATCH_ALL(src.dtype(), I, {
      O* out = dst.data<O>();
      const I* in = src.data<I>();
      ForEachRow<2>(shape, strides,
                    [&](const std::array<int64_t, 2>& off, int64_t n,
                        const std::array<int64_t, 2>& step) {
                      O* o = out + off[0];
                      const I* x = in + off[1];
                      if (step[0] == 1 && step[1] == 1) {
                        if constexpr (std::is_same_v<O, I>) {
                          std::memcpy(static_cast<void*>(o),
                                      static_cast<const void*>(x),
                                      n * sizeof(O));
                        } else {
                          for (int64_t i = 0; i < n; ++i)
                            o[i] = Convert<O>(x[i]);
                        }
                      } else {
                        for (int64_t i = 0; i < n; ++i)
                          o[i * step[0]] = Convert<O>(x[i * step[1]]);
                      }
                    });
    });
  });
}

StatusOrTensor To(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t;
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(t.sizes(), dtype));
  CopyConvert(t, out);
  if (auto node = RecordOp("ToCopyBackward0", {&t}, {&out})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          return GradList{g[0]};  // the engine casts to the input's dtype
        });
  }
  return out;
}

// PyTorch's result_type: dimensioned tensors outrank 0-dim tensors, which
// outrank wrapped numbers; a lower tier only matters if its category is
// higher (e.g. int tensor * 2.5 gives float32).
DType ResultType(const std::vector<const Tensor*>& ts) {
  std::optional<DType> dim_t, zero_t, wrapped_t;
  auto merge = [](std::optional<DType>& acc, DType t) {
    acc = acc ? PromoteTypes(*acc, t) : t;
  };
  for (const Tensor* t : ts) {
    if (t->is_wrapped_number()) {
      merge(wrapped_t, t->dtype());
    } else if (t->dim() == 0) {
      merge(zero_t, t->dtype());
    } else {
      merge(dim_t, t->dtype());
    }
  }
  auto combine = [](std::optional<DType> hi, std::optional<DType> lo,
                    bool lo_wrapped) -> std::optional<DType> {
    if (!hi) {
      if (!lo) return std::nullopt;
      if (!lo_wrapped) return lo;
      // Wrapped numbers alone: ints are int64, floats default dtype.
      DType t = *lo;
      if (t == DType::kFloat64) return kDefaultFloat;
      return t;
    }
    if (!lo) return hi;
    if (Category(*lo) > Category(*hi)) {
      DType l = *lo;
      if (lo_wrapped && l == DType::kFloat64) l = kDefaultFloat;
      if (lo_wrapped && l == DType::kInt64 && Category(*hi) == 0)
        l = DType::kInt64;
      return PromoteTypes(*hi, l) == l ? l : PromoteTypes(*hi, l);
    }
    return hi;
  };
  std::optional<DType> r = combine(dim_t, zero_t, false);
  r = combine(r, wrapped_t, true);
  return r.value_or(kDefaultFloat);
}

absl::StatusOr<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n, 1);
  // Right to left, as torch reports the rightmost mismatch.
  for (size_t i = n; i-- > 0;) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "The size of tensor a (", da, ") must match the size of tensor b (",
          db, ") at non-singleton dimension ", i));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// ---------------------------------------------------------------------------
// binary kernels

namespace {

enum class Bin {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kMax,
  kMin,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe
};

bool IsComparison(Bin op) { return op >= Bin::kEq; }

template <typename T>
inline T PowT(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || !b;
  } else if constexpr (std::is_integral_v<T>) {
    if (b < 0) {  // integer division semantics: only 1 and -1 survive
      if (a == 1) return T(1);
      if (a == -1) return (b % 2 == 0) ? T(1) : T(-1);
      return T(0);
    }
    T result = 1;
    T base = a;
    auto e = b;
    while (e > 0) {
      if (e & 1) result = WrapMul(result, base);
      base = WrapMul(base, base);
      e >>= 1;
    }
    return result;
  } else {
    return std::pow(a, b);
  }
}

// Applies `f` over the broadcast of a and b (both already of type T) into
// `out` (fresh, contiguous, of type O).
template <typename T, typename O, typename F>
void RunBinary(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  const Shape& shape = out.sizes();
  std::array<Shape, 3> strides = {out.strides(), BroadcastStrides(a, shape),
                                  BroadcastStrides(b, shape)};
  O* po = out.data<O>();
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  ForEachRow<3>(shape, strides,
                [&](const std::array<int64_t, 3>& off, int64_t n,
                    const std::array<int64_t, 3>& s) {
                  O* o = po + off[0];
                  const T* x = pa + off[1];
                  const T* y = pb + off[2];
                  if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
                    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
                  } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {
                    const T yv = *y;
                    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
                  } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {
                    const T xv = *x;
                    for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
                  } else {
                    for (int64_t i = 0; i < n; ++i)
                      o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
                  }
                });
}

template <typename T>
constexpr bool kIsComplex = std::is_same_v<T, complex64>;

// alpha in the compute type; integers stay exact.
template <typename T>
T AlphaAs(const Scalar& alpha) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(alpha.to_int());
  } else if constexpr (kIsComplex<T>) {
    return alpha.to_complex();
  } else {
    return static_cast<T>(alpha.to_double());
  }
}

template <typename T>
inline bool Less(T a, T b) {
  if constexpr (kIsComplex<T>) {
    return false;
  } else {
    return a < b;
  }
}

// Computes op(a, b) in dtype `compute`, writing `out` (its dtype is either
// `compute` or bool for comparisons).
absl::Status BinaryKernel(Bin op, const Tensor& a, const Tensor& b,
                          const Tensor& out, const Scalar& alpha) {
  const DType ct = a.dtype();
  absl::Status status;
  TENSORD_DISPATCH_ALL(ct, T, {
    if (IsComparison(op)) {
      if constexpr (kIsComplex<T>) {
        if (op != Bin::kEq && op != Bin::kNe) {
          status = absl::InvalidArgumentError(
              "comparison of complex tensors is not supported");
          return;
        }
      }
      switch (op) {
        case Bin::kEq:
          RunBinary<T, bool>(a, b, out, [](T x, T y) { return x == y; });
          break;
        case Bin::kNe:
          RunBinary<T, bool>(a, b, out, [](T x, T y) { return x != y; });
          break;
        case Bin::kLt:
          RunBinary<T, bool>(a, b, out, [](T x, T y) { return Less(x, y); });
          break;
        case Bin::kLe:
          RunBinary<T, bool>(a, b, out,
                             [](T x, T y) { return Less(x, y) || x == y; });
          break;
        case Bin::kGt:
          RunBinary<T, bool>(a, b, out, [](T x, T y) { return Less(y, x); });
          break;
        case Bin::kGe:
          RunBinary<T, bool>(a, b, out,
                             [](T x, T y) { return Less(y, x) || x == y; });
          break;
        default:
          break;
      }
      return;
    }
    switch (op) {
      case Bin::kAdd: {
        if constexpr (std::is_same_v<T, bool>) {
          RunBinary<T, T>(a, b, out, [](T x, T y) { return x || y; });
        } else {
          const T al = AlphaAs<T>(alpha);
          if (al == T(1)) {
            RunBinary<T, T>(a, b, out, [](T x, T y) { return WrapAdd(x, y); });
          } else {
            RunBinary<T, T>(a, b, out, [al](T x, T y) {
              return WrapAdd(x, WrapMul(al, y));
            });
          }
        }
        break;
      }
      case Bin::kSub: {
        if constexpr (std::is_same_v<T, bool>) {
          status = absl::InvalidArgumentError(
              "Subtraction, the `-` operator, with two bool tensors is not "
              "supported. Use the `^` or `logical_xor()` operator instead.");
        } else {
          const T al = AlphaAs<T>(alpha);
          RunBinary<T, T>(
              a, b, out, [al](T x, T y) { return WrapSub(x, WrapMul(al, y)); });
        }
        break;
      }
      case Bin::kMul:
        if constexpr (std::is_same_v<T, bool>) {
          RunBinary<T, T>(a, b, out, [](T x, T y) { return x && y; });
        } else {
          RunBinary<T, T>(a, b, out, [](T x, T y) { return WrapMul(x, y); });
        }
        break;
      case Bin::kDiv:
        if constexpr (std::is_floating_point_v<T> || kIsComplex<T>) {
          RunBinary<T, T>(a, b, out, [](T x, T y) { return x / y; });
        }
        break;
      case Bin::kPow:
        if constexpr (kIsComplex<T>) {
          RunBinary<T, T>(a, b, out, [](T x, T y) { return std::pow(x, y); });
        } else if constexpr (std::is_floating_point_v<T>) {
          // x ** 2 is common enough to deserve a multiply.
          if (b.numel() == 1 && b.dim() == 0 && *b.data<T>() == T(2)) {
            RunBinary<T, T>(a, b, out, [](T x, T) { return x * x; });
          } else {
            RunBinary<T, T>(a, b, out, [](T x, T y) { return PowT(x, y); });
          }
        } else {
          RunBinary<T, T>(a, b, out, [](T x, T y) { return PowT(x, y); });
        }
        break;
      case Bin::kMax:
      case Bin::kMin:
        if constexpr (kIsComplex<T>) {
          status = absl::InvalidArgumentError(
              "maximum/minimum not implemented for complex tensors.");
        } else if (op == Bin::kMax) {
          RunBinary<T, T>(a, b, out, [](T x, T y) {
            if constexpr (std::is_floating_point_v<T>) {
              if (std::isnan(x) || std::isnan(y)) return T(NAN);
            }
            return x > y ? x : y;
          });
        } else {
          RunBinary<T, T>(a, b, out, [](T x, T y) {
            if constexpr (std::is_floating_point_v<T>) {
              if (std::isnan(x) || std::isnan(y)) return T(NAN);
            }
            return x < y ? x : y;
          });
        }
        break;
      default:
        break;
    }
  });
  return status;
}

// Broadcasts, promotes, converts and runs a binary op. Returns the result
// without autograd.
absl::StatusOr<Tensor> BinaryForward(
    Bin op, const Tensor& a, const Tensor& b, const Scalar& alpha,
    std::optional<DType> compute_override = {}) {
  TENSORD_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(a.sizes(), b.sizes()));
  DType ct = compute_override ? *compute_override : ResultType({&a, &b});
  if (op == Bin::kDiv && !IsDifferentiable(ct)) ct = kDefaultFloat;
  if ((op == Bin::kAdd || op == Bin::kSub) && IsIntegral(ct, true) &&
      alpha.is_floating()) {
    return absl::InvalidArgumentError(
        "For integral input tensors, argument alpha must not be a floating "
        "point number.");
  }
  if (op == Bin::kSub) {
    const bool ba = a.dtype() == DType::kBool, bb = b.dtype() == DType::kBool;
    if (ba && bb) {
      return absl::InvalidArgumentError(
          "Subtraction, the `-` operator, with two bool tensors is not "
          "supported. Use the `^` or `logical_xor()` operator instead.");
    }
    if (ba || bb) {
      return absl::InvalidArgumentError(
          "Subtraction, the `-` operator, with a bool tensor is not "
          "supported. If you are trying to invert a mask, use the `~` or "
          "`logical_not()` operator instead.");
    }
  }
  if (op == Bin::kPow && IsIntegral(ct, true) && b.is_wrapped_number()) {
    // Integers to negative integer powers are not allowed.
    if (IsIntegral(b.dtype(), false)) {
      std::vector<int64_t> vals = b.ToInts();
      for (int64_t v : vals) {
        if (v < 0) {
          return absl::InvalidArgumentError(
              "Integers to negative integer powers are not allowed.");
        }
      }
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor ca, To(a, ct));
  TENSORD_ASSIGN_OR_RETURN(Tensor cb, To(b, ct));
  TENSORD_RETURN_IF_ERROR(CheckShape(shape).status());
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           Empty(shape, IsComparison(op) ? DType::kBool : ct));
  TENSORD_RETURN_IF_ERROR(BinaryKernel(op, ca, cb, out, alpha));
  return out;
}

}  // namespace

StatusOrTensor Add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, BinaryForward(Bin::kAdd, a, b, alpha));
  }
  if (auto node = RecordOp("AddBackward0", {&a, &b}, {&out})) {
    node->doubles = {alpha.to_double()};
    node->set_backward(
        [](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          Tensor gb = g[0];
          if (n.doubles[0] != 1.0) {
            TENSORD_ASSIGN_OR_RETURN(gb, Mul(g[0], WrapScalar(n.doubles[0])));
          }
          return GradList{g[0], gb};
        });
  }
  return out;
}

StatusOrTensor Sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, BinaryForward(Bin::kSub, a, b, alpha));
  }
  // `2 - x` is torch's rsub(x, 2): RsubBackward1.
  const bool rsub = a.is_wrapped_number() && !b.is_wrapped_number();
  if (auto node =
          RecordOp(rsub ? "RsubBackward1" : "SubBackward0", {&a, &b}, {&out})) {
    node->doubles = {alpha.to_double()};
    node->set_backward([](Node& n,
                          const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor gb, Mul(g[0], WrapScalar(-n.doubles[0])));
      return GradList{g[0], gb};
    });
  }
  return out;
}

StatusOrTensor Mul(const Tensor& a, const Tensor& b) {
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, BinaryForward(Bin::kMul, a, b, Scalar(1.0)));
  }
  if (auto node = RecordOp("MulBackward0", {&a, &b}, {&out})) {
    // Save only what the derivative needs: b for da, a for db.
    const bool need_a = b.requires_grad(), need_b = a.requires_grad();
    node->ints = {need_a ? node->Save(a) : -1, need_b ? node->Save(b) : -1};
    node->set_backward(
        [](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          GradList r(2);
          if (n.ints[1] >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(n.ints[1]));
            TENSORD_ASSIGN_OR_RETURN(r[0], Mul(g[0], b));
          }
          if (n.ints[0] >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(n.ints[0]));
            TENSORD_ASSIGN_OR_RETURN(r[1], Mul(g[0], a));
          }
          return r;
        });
  }
  return out;
}

StatusOrTensor Div(const Tensor& a, const Tensor& b) {
  if (a.is_wrapped_number() && !b.is_wrapped_number()) {
    // `2 / x` is torch's reciprocal(x) * 2 (grad_fn MulBackward0, and the
    // same rounding); x ** -1.0 is the reciprocal, promoting ints to float.
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Pow(b, WrapScalar(-1.0)));
    return Mul(r, a);
  }
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, BinaryForward(Bin::kDiv, a, b, Scalar(1.0)));
  }
  if (auto node = RecordOp("DivBackward0", {&a, &b}, {&out})) {
    node->ints = {b.requires_grad() ? node->Save(a) : -1, node->Save(b)};
    node->set_backward(
        [](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          GradList r(2);
          TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(n.ints[1]));
          TENSORD_ASSIGN_OR_RETURN(r[0], Div(g[0], b));
          if (n.ints[0] >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(n.ints[0]));
            // d(a/b)/db = -a / b^2
            TENSORD_ASSIGN_OR_RETURN(Tensor bb, Mul(b, b));
            TENSORD_ASSIGN_OR_RETURN(Tensor q, Div(a, bb));
            TENSORD_ASSIGN_OR_RETURN(Tensor t, Mul(g[0], q));
            TENSORD_ASSIGN_OR_RETURN(r[1], Neg(t));
          }
          return r;
        });
  }
  return out;
}

StatusOrTensor Pow(const Tensor& a, const Tensor& b) {
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, BinaryForward(Bin::kPow, a, b, Scalar(1.0)));
  }
  const bool scalar_exp = b.is_wrapped_number();
  if (auto node = RecordOp(scalar_exp ? "PowBackward0" : "PowBackward1",
                           {&a, &b}, {&out})) {
    node->ints = {node->Save(a), node->Save(b),
                  b.requires_grad() ? node->Save(out, true) : -1};
    node->set_backward(
        [scalar_exp](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          GradList r(2);
          TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(n.ints[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(n.ints[1]));
          // da = g * b * a^(b-1), zero where b == 0.
          TENSORD_ASSIGN_OR_RETURN(Tensor bm1, Sub(b, WrapScalar(1.0)));
          TENSORD_ASSIGN_OR_RETURN(Tensor p, Pow(a, bm1));
          TENSORD_ASSIGN_OR_RETURN(Tensor t, Mul(p, b));
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, Mul(g[0], t));
          if (scalar_exp) {
            // torch's pow_backward for a number: zeros for 0, else the
            // product (grad_fn MulBackward0 with create_graph).
            if (b.item().to_double() == 0.0) {
              TENSORD_ASSIGN_OR_RETURN(r[0], ZerosLike(ga));
            } else {
              r[0] = ga;
            }
          } else {
            TENSORD_ASSIGN_OR_RETURN(Tensor bz, Eq(b, WrapScalar(0.0)));
            TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(ga));
            TENSORD_ASSIGN_OR_RETURN(r[0], Where(bz, zero, ga));
          }
          if (n.ints[2] >= 0) {
            // db = g * a^b * log(a), zero where a == 0 and b >= 0.
            TENSORD_ASSIGN_OR_RETURN(Tensor result, n.Saved(n.ints[2]));
            TENSORD_ASSIGN_OR_RETURN(Tensor la, Log(a));
            TENSORD_ASSIGN_OR_RETURN(Tensor t2, Mul(result, la));
            TENSORD_ASSIGN_OR_RETURN(Tensor gb, Mul(g[0], t2));
            TENSORD_ASSIGN_OR_RETURN(Tensor az, Eq(a, WrapScalar(0.0)));
            TENSORD_ASSIGN_OR_RETURN(Tensor bnn, Ge(b, WrapScalar(0.0)));
            TENSORD_ASSIGN_OR_RETURN(Tensor mask, Mul(az, bnn));
            TENSORD_ASSIGN_OR_RETURN(Tensor zb, ZerosLike(gb));
            TENSORD_ASSIGN_OR_RETURN(r[1], Where(mask, zb, gb));
          }
          return r;
        });
  }
  return out;
}

namespace {
StatusOrTensor MaxMinBinary(Bin op, const Tensor& a, const Tensor& b) {
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, BinaryForward(op, a, b, Scalar(1.0)));
  }
  if (auto node =
          RecordOp(op == Bin::kMax ? "MaximumBackward0" : "MinimumBackward0",
                   {&a, &b}, {&out})) {
    node->ints = {node->Save(a), node->Save(b), op == Bin::kMax ? 1 : 0};
    node->set_backward([](Node& n,
                          const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(n.ints[0]));
      TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(n.ints[1]));
      // torch: the gradient goes to the selected input, ties split it
      // evenly, and where a NaN was propagated both inputs get it.
      TENSORD_ASSIGN_OR_RETURN(Tensor tie, Eq(a, b));
      TENSORD_ASSIGN_OR_RETURN(Tensor half, Mul(g[0], WrapScalar(0.5)));
      TENSORD_ASSIGN_OR_RETURN(Tensor shared, Where(tie, half, g[0]));
      TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(g[0]));
      TENSORD_ASSIGN_OR_RETURN(Tensor a_loses, n.ints[2] ? Lt(a, b) : Gt(a, b));
      TENSORD_ASSIGN_OR_RETURN(Tensor b_loses, n.ints[2] ? Gt(a, b) : Lt(a, b));
      TENSORD_ASSIGN_OR_RETURN(Tensor ga, Where(a_loses, zero, shared));
      TENSORD_ASSIGN_OR_RETURN(Tensor gb, Where(b_loses, zero, shared));
      return GradList{ga, gb};
    });
  }
  return out;
}

StatusOrTensor Compare(Bin op, const Tensor& a, const Tensor& b) {
  NoGradGuard g;
  return BinaryForward(op, a, b, Scalar(1.0));
}
}  // namespace

StatusOrTensor Maximum(const Tensor& a, const Tensor& b) {
  return MaxMinBinary(Bin::kMax, a, b);
}
StatusOrTensor Minimum(const Tensor& a, const Tensor& b) {
  return MaxMinBinary(Bin::kMin, a, b);
}
StatusOrTensor Eq(const Tensor& a, const Tensor& b) {
  return Compare(Bin::kEq, a, b);
}
StatusOrTensor Ne(const Tensor& a, const Tensor& b) {
  return Compare(Bin::kNe, a, b);
}
StatusOrTensor Lt(const Tensor& a, const Tensor& b) {
  return Compare(Bin::kLt, a, b);
}
StatusOrTensor Le(const Tensor& a, const Tensor& b) {
  return Compare(Bin::kLe, a, b);
}
StatusOrTensor Gt(const Tensor& a, const Tensor& b) {
  return Compare(Bin::kGt, a, b);
}
StatusOrTensor Ge(const Tensor& a, const Tensor& b) {
  return Compare(Bin::kGe, a, b);
}

// ---------------------------------------------------------------------------
// unary kernels

namespace {

// Applies f elementwise from `in` (type I, any strides) into a fresh
// contiguous tensor of dtype `out_dtype` (C++ type O).
template <typename I, typename O, typename F>
StatusOrTensor RunUnary(const Tensor& in, DType out_dtype, F f) {
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
    TENSORD_ASSIGN_OR_RETURN(x, To(a, kDefaultFloat));
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
              out = RunUnary<T, T>(x, dt, [](T v) { return std::exp(v); });
              break;
            case Un::kLog:
              out = RunUnary<T, T>(x, dt, [](T v) { return std::log(v); });
              break;
            case Un::kSqrt:
              out = RunUnary<T, T>(x, dt, [](T v) { return std::sqrt(v); });
              break;
            case Un::kSin:
              out = RunUnary<T, T>(x, dt, [](T v) { return std::sin(v); });
              break;
            case Un::kCos:
              out = RunUnary<T, T>(x, dt, [](T v) { return std::cos(v); });
              break;
            case Un::kTanh:
              out = RunUnary<T, T>(x, dt, [](T v) { return std::tanh(v); });
              break;
            case Un::kSigmoid:
              if constexpr (!kIsComplex<T>) {
                out = RunUnary<T, T>(
                    x, dt, [](T v) { return T(1) / (T(1) + std::exp(-v)); });
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
    node->ints = {save_output ? node->Save(out, true) : node->Save(a)};
    node->set_backward(
        [deriv](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor saved, n.Saved(n.ints[0]));
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
  return UnaryOp(Un::kAbs, "AbsBackward0", a, false,
                 [](const Tensor& g, const Tensor& x) -> StatusOrTensor {
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

StatusOrTensor Tanh(const Tensor& a) {
  return UnaryOp(Un::kTanh, "TanhBackward0", a, true,
                 [](const Tensor& g, const Tensor& r) -> StatusOrTensor {
                   TENSORD_ASSIGN_OR_RETURN(Tensor r2, Mul(r, r));
                   TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(WrapScalar(1.0), r2));
                   return Mul(g, d);
                 });
}

StatusOrTensor Sigmoid(const Tensor& a) {
  return UnaryOp(Un::kSigmoid, "SigmoidBackward0", a, true,
                 [](const Tensor& g, const Tensor& r) -> StatusOrTensor {
                   TENSORD_ASSIGN_OR_RETURN(Tensor one_minus,
                                            Sub(WrapScalar(1.0), r));
                   TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(r, one_minus));
                   return Mul(g, d);
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

StatusOrTensor Clamp(const Tensor& a, std::optional<Scalar> min,
                     std::optional<Scalar> max) {
  if (!min && !max) {
    return absl::InvalidArgumentError(
        "torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  Tensor out;
  {
    NoGradGuard g;
    out = a;
    if (min) {
      TENSORD_ASSIGN_OR_RETURN(
          out, BinaryForward(Bin::kMax, out, WrapScalar(*min), Scalar(1.0)));
    }
    if (max) {
      TENSORD_ASSIGN_OR_RETURN(
          out, BinaryForward(Bin::kMin, out, WrapScalar(*max), Scalar(1.0)));
    }
    if (out.is_same(a)) {
      TENSORD_ASSIGN_OR_RETURN(out, Clone(a));
    }
  }
  if (auto node = RecordOp("ClampBackward1", {&a}, {&out})) {
    node->ints = {node->Save(a), min.has_value(), max.has_value()};
    node->doubles = {min ? min->to_double() : 0.0,
                     max ? max->to_double() : 0.0};
    node->set_backward([](Node& n,
                          const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(n.ints[0]));
      Tensor grad = g[0];
      TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(grad));
      if (n.ints[1]) {
        TENSORD_ASSIGN_OR_RETURN(Tensor ok, Ge(x, WrapScalar(n.doubles[0])));
        TENSORD_ASSIGN_OR_RETURN(grad, Where(ok, grad, zero));
      }
      if (n.ints[2]) {
        TENSORD_ASSIGN_OR_RETURN(Tensor ok, Le(x, WrapScalar(n.doubles[1])));
        TENSORD_ASSIGN_OR_RETURN(grad, Where(ok, grad, zero));
      }
      return GradList{grad};
    });
  }
  return out;
}

StatusOrTensor Where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  if (cond.dtype() != DType::kBool) {
    return absl::InvalidArgumentError(absl::StrCat(
        "where expected condition to be a boolean tensor, but got a tensor "
        "with dtype ",
        DTypeShortName(cond.dtype())));
  }
  TENSORD_ASSIGN_OR_RETURN(Shape s1, BroadcastShapes(cond.sizes(), a.sizes()));
  TENSORD_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(s1, b.sizes()));
  const DType ct = ResultType({&a, &b});
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor ca, To(a, ct));
    TENSORD_ASSIGN_OR_RETURN(Tensor cb, To(b, ct));
    TENSORD_ASSIGN_OR_RETURN(out, Empty(shape, ct));
    std::array<Shape, 4> strides = {
        out.strides(), BroadcastStrides(cond, shape),
        BroadcastStrides(ca, shape), BroadcastStrides(cb, shape)};
    TENSORD_DISPATCH_ALL(ct, T, {
      T* po = out.data<T>();
      const bool* pc = cond.data<bool>();
      const T* pa = ca.data<T>();
      const T* pb = cb.data<T>();
      ForEachRow<4>(shape, strides,
                    [&](const std::array<int64_t, 4>& off, int64_t n,
                        const std::array<int64_t, 4>& s) {
                      for (int64_t i = 0; i < n; ++i) {
                        po[off[0] + i * s[0]] = pc[off[1] + i * s[1]]
                                                    ? pa[off[2] + i * s[2]]
                                                    : pb[off[3] + i * s[3]];
                      }
                    });
    });
  }
  if (auto node = RecordOp("WhereBackward0", {&a, &b}, {&out})) {
    node->ints = {node->Save(cond)};
    node->set_backward(
        [](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor c, n.Saved(n.ints[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(g[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, Where(c, g[0], zero));
          TENSORD_ASSIGN_OR_RETURN(Tensor gb, Where(c, zero, g[0]));
          return GradList{ga, gb};
        });
  }
  return out;
}

// ---------------------------------------------------------------------------
// in place
//
// Every in-place op computes the new value as an out-of-place op of the old
// self (and its other inputs), with history; writes it into self's storage;
// and rebases self's history onto that result. When self is a view, the
// base gets torch's CopySlices node and self becomes a strided view of it.

namespace {

// Start and one-past-end element offsets that `t` touches in its storage.
std::pair<int64_t, int64_t> MemoryRange(const Tensor& t) {
  int64_t lo = t.storage_offset(), hi = t.storage_offset();
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) == 0) return {0, 0};
    const int64_t span = (t.size(d) - 1) * t.strides()[d];
    if (span < 0)
      lo += span;
    else
      hi += span;
  }
  return {lo, hi + 1};
}

// torch refuses an in-place op whose input partly overlaps the output.
absl::Status CheckNoPartialOverlap(const Tensor& self, const Tensor& other) {
  if (!other.defined() || other.storage() != self.storage()) {
    return absl::OkStatus();
  }
  if (other.storage_offset() == self.storage_offset() &&
      other.sizes() == self.sizes() && other.strides() == self.strides()) {
    return absl::OkStatus();  // the very same elements (x.add_(x))
  }
  auto [a0, a1] = MemoryRange(self);
  auto [b0, b1] = MemoryRange(other);
  if (a0 < b1 && b0 < a1) {
    return absl::InvalidArgumentError(
        "unsupported operation: some elements of the input tensor and the "
        "written-to tensor refer to a single memory location. Please clone() "
        "the tensor before performing the operation.");
  }
  return absl::OkStatus();
}

// A view of the contiguous tensor `t` (shaped like a view's base) with the
// geometry a view has relative to its base.
StatusOrTensor RegionOf(const Tensor& t, const Shape& sizes,
                        const Shape& strides, int64_t offset) {
  return MakeView(t, sizes, strides, t.storage_offset() + offset);
}

// Rewires autograd after `self` was overwritten with `result`.
absl::Status RebaseHistory(const Tensor& self, const Tensor& result) {
  if (!GradEnabled() || !result.requires_grad()) return absl::OkStatus();
  const std::shared_ptr<TensorImpl> base_impl = self.impl()->view_base;
  if (!base_impl) {
    self.impl()->grad_fn = result.impl()->grad_fn;
    self.impl()->output_nr = result.impl()->output_nr;
    return absl::OkStatus();
  }
  Tensor base(base_impl);
  const Shape sizes = self.sizes();
  const Shape strides = self.strides();
  const int64_t offset = self.storage_offset() - base.storage_offset();
  // CopySlices: outside the view the gradient flows to the base's old
  // history, inside it to the in-place op's result.
  auto copy_slices = MakeNode<Node>(
      "CopySlices",
      std::vector<Edge>{GradientEdge(base), GradientEdge(result)});
  copy_slices->output_shapes = {base.sizes()};
  copy_slices->output_dtypes = {base.dtype()};
  copy_slices->set_backward(
      [sizes, strides, offset](Node& n,
                               const GradList& g) -> absl::StatusOr<GradList> {
        GradList r(2);
        {
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(r[0], Clone(g[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                   RegionOf(r[0], sizes, strides, offset));
          TENSORD_ASSIGN_OR_RETURN(r[1], Clone(region));
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(region));
          CopyConvert(zero, region);
        }
        // With create_graph: the transpose puts the inside gradient back
        // into the region of the rest's.
        return LinearInGradMulti(
            n, g[0], std::move(r),
            [sizes, strides, offset](const GradList& gg) -> StatusOrTensor {
              TENSORD_ASSIGN_OR_RETURN(Tensor out, Clone(gg[0]));
              TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                       RegionOf(out, sizes, strides, offset));
              CopyConvert(gg[1], region);
              return out;
            });
      });
  copy_slices->twice_differentiable = true;
  base_impl->grad_fn = copy_slices;
  base_impl->output_nr = 0;
  // self now reads its values out of the new base.
  auto as_strided = MakeNode<Node>("AsStridedBackward0",
                                   std::vector<Edge>{Edge{copy_slices, 0}});
  as_strided->output_shapes = {sizes};
  as_strided->output_dtypes = {self.dtype()};
  as_strided->set_backward(
      [base_sizes = base.sizes(), dt = base.dtype(), sizes, strides, offset](
          Node& n, const GradList& g) -> absl::StatusOr<GradList> {
        Tensor z;
        {
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(z, Zeros(base_sizes, dt));
          TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                   RegionOf(z, sizes, strides, offset));
          CopyConvert(g[0], region);
        }
        // With create_graph: the transpose reads the region back.
        return LinearInGradMulti(
            n, g[0], GradList{z},
            [sizes, strides, offset](const GradList& gg) -> StatusOrTensor {
              TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(gg[0]));
              TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                       RegionOf(c, sizes, strides, offset));
              return Clone(region);
            });
      });
  as_strided->twice_differentiable = true;
  self.impl()->grad_fn = as_strided;
  self.impl()->output_nr = 0;
  return absl::OkStatus();
}

}  // namespace

StatusOrTensor Inplace(const Tensor& self,
                       const std::vector<const Tensor*>& others,
                       const std::function<StatusOrTensor()>& compute) {
  TENSORD_RETURN_IF_ERROR(CheckInplace(self));
  for (const Tensor* o : others) {
    TENSORD_RETURN_IF_ERROR(CheckNoPartialOverlap(self, *o));
  }
  const auto& base_impl = self.impl()->view_base;
  if (GradEnabled() && base_impl && self.requires_grad() &&
      self.impl()->multi_view_index >= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Output ", self.impl()->multi_view_index, " of ",
        self.impl()->multi_view_fn,
        " is a view and is being modified inplace. This view is the output "
        "of a function that returns multiple views. Such functions do not "
        "allow the output views to be modified inplace. You should replace "
        "the inplace operation by an out-of-place one."));
  }
  if (GradEnabled() && base_impl) {
    Tensor base(base_impl);
    bool track = base.requires_grad();
    for (const Tensor* o : others) track |= o->requires_grad();
    if (base.requires_grad() && !self.requires_grad()) {
      return absl::FailedPreconditionError(
          "A view was created in no_grad mode and is being modified inplace "
          "with grad mode enabled. Given that this use case is ambiguous and "
          "error-prone, it is forbidden. You can clarify your code by moving "
          "both the view and the inplace either both inside the no_grad block "
          "(if you don't want the inplace to be tracked) or both outside (if "
          "you want the inplace to be tracked).");
    }
    if (track && !base.is_contiguous()) {
      return absl::UnimplementedError(
          "in-place modification of a view of a non-contiguous tensor that "
          "requires grad is not supported by tensord; use .contiguous() or "
          "an out-of-place op");
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor result, compute());
  if (result.sizes() != self.sizes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output with shape ", ShapeToString(self.sizes()),
        " doesn't match the broadcast shape ", ShapeToString(result.sizes())));
  }
  if (result.dtype() != self.dtype()) {
    TENSORD_ASSIGN_OR_RETURN(result, To(result, self.dtype()));
  }
  if (Transaction* txn = Transaction::Current()) {
    // Enough to put self (and its base's history) back as it was.
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor old_values, Clone(self));
    TensorImpl* impl = self.impl();
    std::shared_ptr<TensorImpl> base = impl->view_base;
    txn->OnRollback([self, old_values, version = self.version(),
                     fn = impl->grad_fn, nr = impl->output_nr, base,
                     base_fn = base ? base->grad_fn : nullptr,
                     base_nr = base ? base->output_nr : 0] {
      CopyConvert(old_values, self);
      self.impl()->version->version = version;
      self.impl()->grad_fn = fn;
      self.impl()->output_nr = nr;
      if (base) {
        base->grad_fn = base_fn;
        base->output_nr = base_nr;
      }
    });
  }
  CopyConvert(result, self);
  Tensor s = self;
  s.bump_version();
  TENSORD_RETURN_IF_ERROR(RebaseHistory(self, result));
  return self;
}

namespace {

// add_/sub_/mul_/div_: the broadcast result must have self's shape and a
// dtype self can hold.
StatusOrTensor InplaceBinary(const Tensor& self, const Tensor& other,
                             const std::function<StatusOrTensor()>& compute) {
  TENSORD_ASSIGN_OR_RETURN(Shape shape,
                           BroadcastShapes(self.sizes(), other.sizes()));
  if (shape != self.sizes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output with shape ", ShapeToString(self.sizes()),
        " doesn't match the broadcast shape ", ShapeToString(shape)));
  }
  const DType rt = ResultType({&self, &other});
  if (Category(rt) > Category(self.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("result type ", DTypeShortName(rt),
                     " can't be cast to the desired output type ",
                     DTypeShortName(self.dtype())));
  }
  return Inplace(self, {&other}, compute);
}

// The derivative of mul_/div_ with respect to `other` needs self's value
// from before the change: compute on a copy then (as torch's codegen does).
Tensor OriginalSelf(const Tensor& self, const Tensor& other) {
  if (GradEnabled() && other.requires_grad()) {
    auto c = Clone(self);
    if (c.ok()) return *c;
  }
  return self;
}

// A constant new value (fill_/zero_): gradient zero to the old self.
StatusOrTensor Constant(const Tensor& self, const Scalar& value,
                        const char* name) {
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Full(self.sizes(), value, self.dtype()));
  if (auto node = RecordOp(name, {&self}, {&r})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor z, ZerosLike(g[0]));
          return GradList{z};
        });
  }
  return r;
}

}  // namespace

StatusOrTensor AddInplace(const Tensor& self, const Tensor& other,
                          const Scalar& alpha) {
  return InplaceBinary(self, other, [&] { return Add(self, other, alpha); });
}

StatusOrTensor SubInplace(const Tensor& self, const Tensor& other,
                          const Scalar& alpha) {
  return InplaceBinary(self, other, [&] { return Sub(self, other, alpha); });
}

StatusOrTensor MulInplace(const Tensor& self, const Tensor& other) {
  return InplaceBinary(self, other,
                       [&] { return Mul(OriginalSelf(self, other), other); });
}

StatusOrTensor DivInplace(const Tensor& self, const Tensor& other) {
  if (!IsDifferentiable(self.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "result type Float can't be cast to the desired output type ",
        DTypeShortName(self.dtype())));
  }
  return InplaceBinary(self, other,
                       [&] { return Div(OriginalSelf(self, other), other); });
}

StatusOrTensor FillInplace(const Tensor& self, const Scalar& value) {
  return Inplace(self, {},
                 [&] { return Constant(self, value, "FillBackward0"); });
}

StatusOrTensor ZeroInplace(const Tensor& self) {
  return Inplace(self, {}, [&] {
    return Constant(self, Scalar(int64_t{0}), "ZeroBackward0");
  });
}

StatusOrTensor CopyInplace(const Tensor& self, const Tensor& src) {
  TENSORD_ASSIGN_OR_RETURN(Shape shape,
                           BroadcastShapes(self.sizes(), src.sizes()));
  if (shape != self.sizes()) {
    return absl::InvalidArgumentError(
        absl::StrCat("The size of tensor a (",
                     self.sizes().empty() ? 1 : self.sizes().back(),
                     ") must match the size of tensor b (",
                     src.sizes().empty() ? 1 : src.sizes().back(),
                     ") at non-singleton dimension ", self.dim() - 1));
  }
  return Inplace(self, {&src}, [&]() -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Empty(self.sizes(), self.dtype()));
    CopyConvert(src, r);
    if (auto node = RecordOp("CopyBackwards", {&self, &src}, {&r})) {
      node->set_backward(
          [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
            TENSORD_ASSIGN_OR_RETURN(Tensor z, ZerosLike(g[0]));
            return GradList{z, g[0]};
          });
    }
    return r;
  });
}

}  // namespace tensord
