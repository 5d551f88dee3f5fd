// Elementwise ops: type promotion, broadcasting, the binary kernels,
// clamp and where, and their derivatives (each next to its forward). The
// unary kernels are in ops_unary.cc, the in-place ops in ops_inplace.cc.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/transaction.h"
#include "core/vec_math.h"

namespace tensord {

// ---------------------------------------------------------------------------
// layouts of pointwise results

bool IsPermutedDense(const Tensor& t) {
  if (t.numel() < 2 || t.is_contiguous()) return false;
  std::vector<std::pair<int64_t, int64_t>> dims;  // (stride, size)
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) == 1) continue;
    if (t.strides()[d] <= 0) return false;
    dims.emplace_back(t.strides()[d], t.size(d));
  }
  std::sort(dims.begin(), dims.end());
  int64_t expect = 1;
  for (const auto& [stride, size] : dims) {
    if (stride != expect) return false;
    expect *= size;
  }
  return true;
}

absl::StatusOr<Tensor> MemoryOrderFlat(const Tensor& t) {
  return MakeTensor(t.storage(), t.dtype(), {t.numel()}, {1},
                    t.storage_offset());
}

absl::StatusOr<Tensor> WithLayoutOf(const Tensor& flat, const Tensor& like) {
  if (flat.dim() != 1 || flat.numel() != like.numel() ||
      !flat.is_contiguous()) {
    return absl::InternalError("WithLayoutOf: not a flat result of like");
  }
  return MakeTensor(flat.storage(), flat.dtype(), like.sizes(), like.strides(),
                    flat.storage_offset());
}

Shape PointwiseStrides(const Shape& shape,
                       std::initializer_list<const Tensor*> inputs) {
  const int64_t nd = static_cast<int64_t>(shape.size());
  std::vector<Shape> st;  // each input's strides over shape, 0 if broadcast
  for (const Tensor* t : inputs) {
    if (t == nullptr || !t->defined() || t->dim() == 0) continue;
    const int64_t off = nd - t->dim();
    if (off < 0) return ContiguousStrides(shape);
    Shape s(nd, 0);
    for (int64_t d = 0; d < t->dim(); ++d) {
      const bool broadcast = t->size(d) == 1 && shape[off + d] != 1;
      s[off + d] = broadcast ? 0 : t->strides()[d];
    }
    st.push_back(std::move(s));
  }
  if (nd <= 1 || st.empty()) return ContiguousStrides(shape);
  // perm[0] is the fastest dim.
  const std::vector<int64_t> perm =
      TorchDimOrder(nd, [&](int64_t d0, int64_t d1) {
        for (const Shape& s : st) {
          if (s[d0] == 0 || s[d1] == 0) continue;
          if (s[d0] < s[d1]) return -1;
          if (s[d0] > s[d1]) return 1;
          if (shape[d0] > shape[d1]) return 1;
        }
        return 0;
      });
  bool row_major = true;
  for (int64_t i = 0; i < nd; ++i)
    row_major = row_major && perm[i] == nd - 1 - i;
  if (row_major) return ContiguousStrides(shape);
  Shape out(nd);
  int64_t s = 1;
  for (int64_t i = 0; i < nd; ++i) {
    out[perm[i]] = s;
    s *= shape[perm[i]];
  }
  return out;
}

absl::StatusOr<Tensor> EmptyPointwise(
    const Shape& shape, DType dtype,
    std::initializer_list<const Tensor*> inputs) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, dtype));
  const Shape strides = PointwiseStrides(shape, inputs);
  if (strides == out.strides() || out.numel() < 2) return out;
  return MakeTensor(out.storage(), dtype, shape, strides, 0);
}

// ---------------------------------------------------------------------------
// dtype conversion and promotion

// Copies src (any strides) into dst (same shape, any strides), converting.
void CopyConvert(const Tensor& src, const Tensor& dst) {
  const Shape& shape = dst.sizes();
  std::array<Shape, 2> strides = {dst.strides(), BroadcastStrides(src, shape)};
  DispatchStorage(dst.dtype(), [&](auto otag) {
    using O = typename decltype(otag)::type;
    DispatchStorage(src.dtype(), [&](auto itag) {
      using I = typename decltype(itag)::type;
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
                            o[i] = ConvertValue<O>(x[i]);
                        }
                      } else {
                        for (int64_t i = 0; i < n; ++i)
                          o[i * step[0]] = ConvertValue<O>(x[i * step[1]]);
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
      // Wrapped numbers alone: ints are int64, floats the default dtype,
      // complex numbers its complex counterpart.
      DType t = *lo;
      if (t == DType::kFloat64) return DefaultFloat();
      if (t == DType::kComplex128) return ToComplexDType(DefaultFloat());
      return t;
    }
    if (!lo) return hi;
    if (Category(*lo) > Category(*hi)) {
      DType l = *lo;
      if (lo_wrapped && l == DType::kFloat64) l = DefaultFloat();
      if (lo_wrapped && l == DType::kComplex128) {
        l = ToComplexDType(DefaultFloat());
      }
      if (lo_wrapped && l == DType::kInt64 && Category(*hi) == 0)
        l = DType::kInt64;
      return PromoteTypes(*hi, l) == l ? l : PromoteTypes(*hi, l);
    }
    return hi;
  };
  std::optional<DType> r = combine(dim_t, zero_t, false);
  r = combine(r, wrapped_t, true);
  return r.value_or(DefaultFloat());
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

// alpha in the compute type; integers stay exact.
template <typename T>
T AlphaAs(const Scalar& alpha) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(alpha.to_int());
  } else if constexpr (kIsComplex<T>) {
    return ConvertValue<T>(alpha.to_complex());
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

// x ** e for float32/float64 x and a Python number e, as PyTorch 1.13's
// pow_tensor_scalar kernel computes it: multiplies for 2, 3 and -2, sqrt,
// 1/sqrt and 1/x for 0.5, -0.5 and -1, and otherwise SLEEF's pow on whole
// blocks of 16 floats (8 doubles) of each inner loop and std::pow in double
// on the rest. (-2's scalar tail divides in double, as torch's does.) An
// inner loop is the whole tensor when x is contiguous, else its rows: the
// trailing dims that are contiguous together. out is contiguous and of x's
// shape and dtype.
absl::Status PowNumberKernel(const Tensor& x, double e, const Tensor& out) {
  int64_t run = out.numel();
  if (!x.is_contiguous() && x.dim() > 0 && x.strides().back() == 1) {
    run = x.sizes().back();
    for (int64_t d = x.dim() - 2; d >= 0; --d) {
      if (x.strides()[d] != x.sizes()[d + 1] * x.strides()[d + 1]) break;
      run *= x.sizes()[d];
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(x));
  const int64_t n = out.numel();
  if (n == 0) return absl::OkStatus();
  TENSORD_DISPATCH_FLOATING(out.dtype(), T, {
    constexpr int64_t kBlock = std::is_same_v<T, float> ? 16 : 8;
    for (int64_t start = 0; start < n; start += run) {
      const T* p = c.data<T>() + start;
      T* o = out.data<T>() + start;
      const int64_t m = std::min(run, n - start);
      const int64_t whole = m - m % kBlock;
      if (e == 2.0) {
        for (int64_t i = 0; i < m; ++i) o[i] = p[i] * p[i];
      } else if (e == 3.0) {
        for (int64_t i = 0; i < m; ++i) o[i] = p[i] * p[i] * p[i];
      } else if (e == -2.0) {
        for (int64_t i = 0; i < whole; ++i) o[i] = T(1) / (p[i] * p[i]);
        for (int64_t i = whole; i < m; ++i) {
          o[i] = static_cast<T>(1.0 / static_cast<double>(p[i] * p[i]));
        }
      } else if (e == 0.5) {
        for (int64_t i = 0; i < m; ++i) o[i] = std::sqrt(p[i]);
      } else if (e == -0.5) {
        for (int64_t i = 0; i < m; ++i) o[i] = T(1) / std::sqrt(p[i]);
      } else if (e == -1.0) {
        for (int64_t i = 0; i < m; ++i) o[i] = T(1) / p[i];
      } else if (!VecPowScalar(p, e, o, m)) {
        for (int64_t i = 0; i < m; ++i) {
          o[i] = static_cast<T>(std::pow(static_cast<double>(p[i]), e));
        }
      }
    }
  });
  return absl::OkStatus();
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
              // torch fuses x + alpha * y into one FMA (float and double).
              if constexpr (std::is_floating_point_v<T>) {
                return std::fma(al, y, x);
              } else {
                return WrapAdd(x, WrapMul(al, y));
              }
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
          if constexpr (std::is_floating_point_v<T>) {
            // torch computes x - alpha * y as x + (-alpha) * y, fused.
            if (al == T(1)) {
              RunBinary<T, T>(a, b, out, [](T x, T y) { return x - y; });
            } else {
              RunBinary<T, T>(a, b, out,
                              [al](T x, T y) { return std::fma(-al, y, x); });
            }
          } else {
            RunBinary<T, T>(a, b, out, [al](T x, T y) {
              return WrapSub(x, WrapMul(al, y));
            });
          }
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
  if (op == Bin::kDiv && !IsDifferentiable(ct)) ct = DefaultFloat();
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
  if (op == Bin::kPow && b.is_wrapped_number() &&
      (ct == DType::kFloat32 || ct == DType::kFloat64)) {
    const double e = b.item().to_double();
    return InMemoryOrder(ca, [&](const Tensor& x) -> StatusOrTensor {
      TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), ct));
      TENSORD_RETURN_IF_ERROR(PowNumberKernel(x, e, out));
      return out;
    });
  }
  TENSORD_ASSIGN_OR_RETURN(
      Tensor out,
      EmptyPointwise(shape, IsComparison(op) ? DType::kBool : ct, {&a, &b}));
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
    node->set_backward(
        [alpha = alpha.to_double()](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          Tensor gb = g[0];
          if (alpha != 1.0) {
            TENSORD_ASSIGN_OR_RETURN(gb, Mul(g[0], WrapScalar(alpha)));
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
    node->set_backward(
        [alpha = alpha.to_double()](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor gb, Mul(g[0], WrapScalar(-alpha)));
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
    const int a_slot = need_a ? node->Save(a) : -1;
    const int b_slot = need_b ? node->Save(b) : -1;
    node->set_backward(
        [a_slot, b_slot](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          // Complex values: g * conj(other), as conj(conj(g) * other).
          const bool cx = IsComplex(n.output_dtypes.at(0));
          Tensor gin = g[0];
          if (cx) {
            TENSORD_ASSIGN_OR_RETURN(gin, Conj(g[0]));
          }
          GradList r(2);
          if (b_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
            TENSORD_ASSIGN_OR_RETURN(r[0], Mul(gin, b));
          }
          if (a_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
            TENSORD_ASSIGN_OR_RETURN(r[1], Mul(gin, a));
          }
          if (cx) {
            for (Tensor& t : r) {
              if (t.defined()) {
                TENSORD_ASSIGN_OR_RETURN(t, Conj(t));
              }
            }
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
    const int a_slot = b.requires_grad() ? node->Save(a) : -1;
    const int b_slot = node->Save(b);
    node->set_backward(
        [a_slot, b_slot](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          // Complex values: the conjugated derivatives, as
          // conj(f(conj(g))) of the real formulas (linear in g).
          const bool cx = IsComplex(n.output_dtypes.at(0));
          Tensor gin = g[0];
          if (cx) {
            TENSORD_ASSIGN_OR_RETURN(gin, Conj(g[0]));
          }
          GradList r(2);
          TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
          TENSORD_ASSIGN_OR_RETURN(r[0], Div(gin, b));
          if (a_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
            // d(a/b)/db = -a / b^2, as torch's div_tensor_other_backward:
            // -grad * ((a / b) / b).
            TENSORD_ASSIGN_OR_RETURN(Tensor ab, Div(a, b));
            TENSORD_ASSIGN_OR_RETURN(Tensor q, Div(ab, b));
            TENSORD_ASSIGN_OR_RETURN(Tensor ng, Neg(gin));
            TENSORD_ASSIGN_OR_RETURN(r[1], Mul(ng, q));
          }
          if (cx) {
            for (Tensor& t : r) {
              if (t.defined()) {
                TENSORD_ASSIGN_OR_RETURN(t, Conj(t));
              }
            }
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
    const int a_slot = node->Save(a);
    const int b_slot = node->Save(b);
    const int out_slot = b.requires_grad() ? node->Save(out, true) : -1;
    node->set_backward(
        [scalar_exp, a_slot, b_slot, out_slot](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          GradList r(2);
          TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
          // da = g * b * a^(b-1), zero where b == 0. For a number b,
          // b - 1 stays a number (torch's pow_backward: a.pow(b - 1)).
          Tensor bm1;
          if (scalar_exp) {
            const Scalar s = b.item();
            bm1 = WrapScalar(s.is_integral() ? Scalar(s.to_int() - 1)
                                             : Scalar(s.to_double() - 1.0));
          } else {
            TENSORD_ASSIGN_OR_RETURN(bm1, Sub(b, WrapScalar(1.0)));
          }
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
          if (out_slot >= 0) {
            // db = g * a^b * log(a), zero where a == 0 and b >= 0.
            TENSORD_ASSIGN_OR_RETURN(Tensor result, n.Saved(out_slot));
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
    const int a_slot = node->Save(a);
    const int b_slot = node->Save(b);
    const bool is_max = op == Bin::kMax;
    node->set_backward([a_slot, b_slot, is_max](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
      // torch: the gradient goes to the selected input, ties split it
      // evenly, and where a NaN was propagated both inputs get it.
      TENSORD_ASSIGN_OR_RETURN(Tensor tie, Eq(a, b));
      TENSORD_ASSIGN_OR_RETURN(Tensor half, Mul(g[0], WrapScalar(0.5)));
      TENSORD_ASSIGN_OR_RETURN(Tensor shared, Where(tie, half, g[0]));
      TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(g[0]));
      TENSORD_ASSIGN_OR_RETURN(Tensor a_loses, is_max ? Lt(a, b) : Gt(a, b));
      TENSORD_ASSIGN_OR_RETURN(Tensor b_loses, is_max ? Gt(a, b) : Lt(a, b));
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
// clamp, where

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
    const int x_slot = node->Save(a);
    std::optional<double> lo, hi;
    if (min) lo = min->to_double();
    if (max) hi = max->to_double();
    node->set_backward(
        [x_slot, lo, hi](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
          Tensor grad = g[0];
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(grad));
          if (lo) {
            TENSORD_ASSIGN_OR_RETURN(Tensor ok, Ge(x, WrapScalar(*lo)));
            TENSORD_ASSIGN_OR_RETURN(grad, Where(ok, grad, zero));
          }
          if (hi) {
            TENSORD_ASSIGN_OR_RETURN(Tensor ok, Le(x, WrapScalar(*hi)));
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
    const int cond_slot = node->Save(cond);
    node->set_backward(
        [cond_slot](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor c, n.Saved(cond_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(g[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, Where(c, g[0], zero));
          TENSORD_ASSIGN_OR_RETURN(Tensor gb, Where(c, zero, g[0]));
          return GradList{ga, gb};
        });
  }
  return out;
}

}  // namespace tensord
