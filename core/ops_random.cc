// Random creation and in-place sampling (randint, randperm, normal,
// normal_, uniform_, the *_like factories) and the small tensor queries and
// comparisons whose result a Python front end turns into a Python value
// (stride, storage_offset, is_contiguous, equal, allclose), plus isclose,
// diag, diagonal and inner.
//
// The random ops draw from the session's Generator exactly as PyTorch's CPU
// kernels draw from theirs, so the same manual_seed gives the same numbers
// (randint, randperm, uniform_, and normal where randn matches).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

StatusOrTensor RandInt(int64_t low, int64_t high, const Shape& shape,
                       Generator& gen, DType dtype) {
  if (low >= high) {
    return absl::InvalidArgumentError(
        absl::StrCat("random_ expects 'from' to be less than 'to', but got "
                     "from=",
                     low, " >= to=", high));
  }
  if (IsComplex(dtype)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"random_from_to_kernel_cpu\" not implemented for '",
                     DTypeShortName(dtype), "'"));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t n, CheckShape(shape));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, dtype));
  // range fits uint64 (high - low < 2^64); torch draws 64 bits only when
  // the range needs them.
  const uint64_t range =
      static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  gen.WillChange();
  TENSORD_DISPATCH_ALL(dtype, T, {
    if constexpr (!kIsComplex<T>) {
      T* p = out.data<T>();
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t draw = range >= (uint64_t{1} << 32)
                                  ? gen.Next64()
                                  : static_cast<uint64_t>(gen.Next32());
        const int64_t v =
            static_cast<int64_t>(draw % range + static_cast<uint64_t>(low));
        if constexpr (std::is_same_v<T, bool>) {
          p[i] = v != 0;
        } else {
          p[i] = static_cast<T>(v);
        }
      }
    }
  });
  return out;
}

StatusOrTensor RandPerm(int64_t n, Generator& gen, DType dtype) {
  if (n < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Trying to create tensor with negative dimension ", n, ": [", n, "]"));
  }
  if (dtype == DType::kBool || IsComplex(dtype)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"randperm\" not implemented for '", DTypeShortName(dtype), "'"));
  }
  if (dtype == DType::kInt32 && n > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(
        absl::StrCat("n must be less than 2^31 for dtype Int, got ", n));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor idx, Empty({n}, DType::kInt64));
  int64_t* p = idx.data<int64_t>();
  std::iota(p, p + n, int64_t{0});
  gen.WillChange();
  // torch's CPU randperm: Fisher–Yates from the front with 32-bit draws.
  for (int64_t i = 0; i + 1 < n; ++i) {
    const int64_t z =
        static_cast<int64_t>(gen.Next32() % static_cast<uint64_t>(n - i));
    std::swap(p[i], p[i + z]);
  }
  if (dtype == DType::kInt64) return idx;
  NoGradGuard ng;
  return To(idx, dtype);
}

namespace {

// mean + std * normal draws, in double, as torch's normal kernel.
StatusOrTensor NormalFill(const Shape& shape, double mean, double std,
                          Generator& gen, DType dtype) {
  if (!IsDifferentiable(dtype) || IsComplex(dtype)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"normal_kernel_cpu\" not implemented for '",
                     DTypeShortName(dtype), "'"));
  }
  if (!(std >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("normal expects std >= 0.0, but found std ", std));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t n, CheckShape(shape));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, dtype));
  if (dtype == DType::kFloat32) {
    NormalFloat32(out.data<float>(), n, gen, mean, std);
    return out;
  }
  if (dtype != DType::kFloat64) {  // float16/bfloat16 arrive as float32
    return absl::InvalidArgumentError(
        absl::StrCat("\"normal_kernel_cpu\" not implemented for '",
                     DTypeShortName(dtype), "'"));
  }
  const std::vector<double> v = StandardNormals(n, gen, dtype);
  // torch's kernels compute draw * std + mean as one fused multiply-add.
  {
    double* p = out.data<double>();
    for (int64_t i = 0; i < n; ++i) p[i] = std::fma(v[i], std, mean);
  }
  return out;
}

}  // namespace

StatusOrTensor Normal(const Tensor& mean, const Tensor& std,
                      const std::optional<Shape>& size, Generator& gen,
                      std::optional<DType> dtype) {
  const bool mean_number = mean.is_wrapped_number();
  const bool std_number = std.is_wrapped_number();
  NoGradGuard ng;
  if (mean_number && std_number) {
    if (!size) {
      return absl::InvalidArgumentError(
          "normal() with a number mean and std needs a size");
    }
    return NormalFill(*size, mean.item().to_double(), std.item().to_double(),
                      gen, dtype.value_or(DefaultFloat()));
  }
  if (size) {
    return absl::InvalidArgumentError(
        "normal() takes a size only with a number mean and std");
  }
  if (!std_number) {
    // torch checks the tensor std up front.
    TENSORD_ASSIGN_OR_RETURN(Tensor neg, Lt(std, WrapScalar(0.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor any, Any(neg, {}, false));
    if (any.item().to_double() != 0) {
      return absl::InvalidArgumentError(
          "normal expects all elements of std >= 0.0");
    }
  }
  const DType dt = dtype.value_or(ResultType({&mean, &std}) == DType::kFloat64
                                      ? DType::kFloat64
                                      : DefaultFloat());
  if (!mean_number && std_number) {
    // torch: output.normal_(0, std) then output.add_(mean).
    TENSORD_ASSIGN_OR_RETURN(
        Tensor draw,
        NormalFill(mean.sizes(), 0.0, std.item().to_double(), gen, dt));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Add(draw, mean));
    return To(r, dt);
  }
  // torch: output.normal_(0, 1), then output.mul_(std).add_(mean).
  Shape shape = std.sizes();
  if (!mean_number) {
    TENSORD_ASSIGN_OR_RETURN(shape, BroadcastShapes(mean.sizes(), std.sizes()));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor draw, NormalFill(shape, 0.0, 1.0, gen, dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor scaled, Mul(draw, std));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Add(scaled, mean));
  return To(r, dt);
}

StatusOrTensor NormalInplace(const Tensor& self, double mean, double std,
                             Generator& gen) {
  return Inplace(self, {}, [&]() -> StatusOrTensor {
    NoGradGuard ng;
    return NormalFill(self.sizes(), mean, std, gen, self.dtype());
  });
}

StatusOrTensor UniformInplace(const Tensor& self, double from, double to,
                              Generator& gen) {
  if (!(from <= to)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "uniform_ expects to return a [from, to) range, but found from=", from,
        " > to=", to));
  }
  if (!IsDifferentiable(self.dtype()) || IsComplex(self.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"check_uniform_bounds\" not implemented for '",
                     DTypeShortName(self.dtype()), "'"));
  }
  return Inplace(self, {}, [&]() -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(self.sizes(), self.dtype()));
    gen.WillChange();
    const int64_t n = out.numel();
    // torch: x * (to - from) + from in the element type, fused (its
    // kernels are built for AVX2 with FMA, which contracts it).
    if (self.dtype() == DType::kFloat32) {
      float* p = out.data<float>();
      const float lo = static_cast<float>(from);
      const float width = static_cast<float>(to) - lo;
      for (int64_t i = 0; i < n; ++i) {
        p[i] = std::fma(gen.UniformFloat(), width, lo);
      }
    } else if (self.dtype() == DType::kFloat64) {
      double* p = out.data<double>();
      const double width = to - from;
      for (int64_t i = 0; i < n; ++i) {
        p[i] = std::fma(gen.UniformDouble(), width, from);
      }
    } else if (self.dtype() == DType::kFloat16 ||
               self.dtype() == DType::kBFloat16) {
      // torch: bounds and their difference rounded to the dtype, the
      // draw's low 11 (float16) or 8 (bfloat16) bits over 2^bits, then
      // x * (to - from) + from in float.
      const bool half = self.dtype() == DType::kFloat16;
      const int bits = half ? 11 : 8;
      const uint32_t mask = (1u << bits) - 1;
      const float scale = std::ldexp(1.0f, -bits);
      auto round = [half](float v) {
        return half ? static_cast<float>(Half(v))
                    : static_cast<float>(BFloat16(v));
      };
      const float lo = round(static_cast<float>(from));
      const float width = round(round(static_cast<float>(to)) - lo);
      for (int64_t i = 0; i < n; ++i) {
        const float x = static_cast<float>(gen.Next32() & mask) * scale;
        const float v = std::fma(x, width, lo);
        if (half) {
          out.data<Half>()[i] = Half(v);
        } else {
          out.data<BFloat16>()[i] = BFloat16(v);
        }
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("\"uniform_kernel_cpu\" not implemented for '",
                       DTypeShortName(self.dtype()), "'"));
    }
    return out;
  });
}

StatusOrTensor DistributionInplace(const Tensor& self, Distribution d, double a,
                                   double b, Generator& gen) {
  const char* name = d == Distribution::kExponential ? "exponential"
                     : d == Distribution::kGeometric ? "geometric"
                     : d == Distribution::kLogNormal ? "log_normal"
                                                     : "cauchy";
  const DType dt = self.dtype();
  const bool ok = d == Distribution::kGeometric
                      ? dt != DType::kBool && !IsComplex(dt)
                      : IsFloating(dt);
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", name, "_cpu\" not implemented for '", DTypeShortName(dt), "'"));
  }
  if (d == Distribution::kExponential && !(a >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "exponential_ expects lambda >= 0.0, but found lambda=", a));
  }
  if (d == Distribution::kGeometric && !(a > 0.0 && a < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("geometric_ expects p to be in (0, 1), but got p=", a));
  }
  if (d == Distribution::kLogNormal && !(b > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("log_normal_ expects std > 0.0, but found std=", b));
  }
  return Inplace(self, {}, [&]() -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(self.sizes(), dt));
    gen.WillChange();
    auto draw = [&]() -> double {
      switch (d) {
        case Distribution::kExponential:
          return -1.0 / a * std::log(1.0 - gen.UniformDouble());
        case Distribution::kGeometric:
          return std::ceil(std::log(gen.UniformDouble()) / std::log1p(-a));
        case Distribution::kLogNormal:
          return std::exp(gen.Normal() * b + a);
        case Distribution::kCauchy:
          return a + b * std::tan(M_PI * (gen.UniformDouble() - 0.5));
      }
      return 0.0;
    };
    TENSORD_DISPATCH_REAL(dt, T, {
      T* p = out.data<T>();
      for (int64_t i = 0, n = out.numel(); i < n; ++i) {
        p[i] = ConvertValue<T>(draw());
      }
    });
    return out;
  });
}

StatusOrTensor RandomInplace(const Tensor& self, std::optional<int64_t> from,
                             std::optional<int64_t> to, Generator& gen) {
  const DType dt = self.dtype();
  if (IsComplex(dt)) {
    return absl::InvalidArgumentError(absl::StrCat(
        from || to ? "\"random_from_to_kernel_cpu\"" : "\"random_kernel_cpu\"",
        " not implemented for '", DTypeShortName(dt), "'"));
  }
  // The largest value torch's random_ may give for the dtype: the top of an
  // integer type, 2^digits for a floating one (every integer below it is
  // exact), 1 for bool.
  int64_t top = 0;
  switch (dt) {
    case DType::kBool:
      top = 1;
      break;
    case DType::kInt32:
      top = std::numeric_limits<int32_t>::max();
      break;
    case DType::kInt64:
      top = std::numeric_limits<int64_t>::max();
      break;
    case DType::kFloat32:
      top = int64_t{1} << 24;
      break;
    default:
      top = int64_t{1} << 53;
      break;
  }
  const bool full = !from && !to;
  const int64_t lo = from.value_or(0);
  if (to && lo >= *to) {
    return absl::InvalidArgumentError(
        absl::StrCat("random_ expects 'from' to be less than 'to', but got "
                     "from=",
                     lo, " >= to_exclusive=", *to));
  }
  // (torch only warns for a floating type's range.)
  if (!IsFloating(dt) &&
      (lo < (dt == DType::kInt32   ? std::numeric_limits<int32_t>::min()
             : dt == DType::kInt64 ? std::numeric_limits<int64_t>::min()
                                   : (dt == DType::kBool ? 0 : -top)) ||
       lo > top || (to && *to - 1 > top))) {
    return absl::InvalidArgumentError(
        absl::StrCat("random_ expects ", to ? "'from' and 'to - 1'" : "'from'",
                     " to be within the range of ", DTypeName(dt)));
  }
  return Inplace(self, {}, [&]() -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(self.sizes(), dt));
    gen.WillChange();
    const int64_t n = out.numel();
    // torch: random_() is draw % (top + 1) with 64-bit draws for int64 and
    // double, 32-bit ones otherwise (bool keeps the low bit); random_(from,
    // to) is from + draw % (to - from), 64-bit draws only when the range
    // needs them; random_(from) runs to the top inclusive.
    const uint64_t range = full ? 0
                                : static_cast<uint64_t>(to ? *to : top) -
                                      static_cast<uint64_t>(lo) + (to ? 0 : 1);
    const bool wide = full ? (dt == DType::kInt64 || dt == DType::kFloat64)
                           : range >= (uint64_t{1} << 32);
    TENSORD_DISPATCH_ALL(dt, T, {
      if constexpr (!kIsComplex<T>) {
        T* p = out.data<T>();
        for (int64_t i = 0; i < n; ++i) {
          const uint64_t draw =
              wide ? gen.Next64() : static_cast<uint64_t>(gen.Next32());
          uint64_t v = 0;
          if (!full) {
            v = draw % range + static_cast<uint64_t>(lo);
          } else if (dt == DType::kBool) {
            v = draw & 1;
          } else {
            v = draw % (static_cast<uint64_t>(top) + 1);
          }
          if constexpr (std::is_same_v<T, bool>) {
            p[i] = v != 0;
          } else {
            p[i] = static_cast<T>(static_cast<int64_t>(v));
          }
        }
      }
    });
    return out;
  });
}

// ---------------------------------------------------------------------------
// Queries and comparisons with Python results

StatusOrTensor Strides(const Tensor& t) {
  const Shape& st = t.strides();
  return FromInts(std::vector<int64_t>(st.begin(), st.end()),
                  {static_cast<int64_t>(st.size())}, DType::kInt64);
}

StatusOrTensor StorageOffset(const Tensor& t) {
  return FromInts({t.storage_offset()}, {}, DType::kInt64);
}

StatusOrTensor IsContiguous(const Tensor& t) {
  return FromInts({t.is_contiguous() ? 1 : 0}, {}, DType::kBool);
}

StatusOrTensor IsClose(const Tensor& a, const Tensor& b, double rtol,
                       double atol, bool equal_nan) {
  if (a.dtype() != b.dtype() && !a.is_wrapped_number() &&
      !b.is_wrapped_number()) {
    return absl::InvalidArgumentError(absl::StrCat(DTypeShortName(a.dtype()),
                                                   " did not match ",
                                                   DTypeShortName(b.dtype())));
  }
  if (rtol < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rtol must be greater than or equal to zero, but got ", rtol));
  }
  if (atol < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "atol must be greater than or equal to zero, but got ", atol));
  }
  NoGradGuard ng;
  // torch: a == b, or (both finite and) |a - b| <= atol + rtol * |b|,
  // computed in the inputs' dtype (double for integers).
  TENSORD_ASSIGN_OR_RETURN(Tensor eq, Eq(a, b));
  if (a.dtype() == DType::kBool) return eq;
  Tensor x = a, y = b;
  if (!IsDifferentiable(ResultType({&a, &b}))) {
    TENSORD_ASSIGN_OR_RETURN(x, To(a, DType::kFloat64));
    TENSORD_ASSIGN_OR_RETURN(y, To(b, DType::kFloat64));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor diff, Sub(x, y));
  TENSORD_ASSIGN_OR_RETURN(Tensor adiff, Abs(diff));
  TENSORD_ASSIGN_OR_RETURN(Tensor ay, Abs(y));
  TENSORD_ASSIGN_OR_RETURN(Tensor scaled, Mul(ay, WrapScalar(rtol)));
  TENSORD_ASSIGN_OR_RETURN(Tensor tol, Add(scaled, WrapScalar(atol)));
  TENSORD_ASSIGN_OR_RETURN(Tensor within, Le(adiff, tol));
  TENSORD_ASSIGN_OR_RETURN(Tensor finite, IsFinite(diff));
  TENSORD_ASSIGN_OR_RETURN(Tensor close, LogicalAnd(within, finite));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, LogicalOr(eq, close));
  if (equal_nan) {
    TENSORD_ASSIGN_OR_RETURN(Tensor na, IsNan(a));
    TENSORD_ASSIGN_OR_RETURN(Tensor nb, IsNan(b));
    TENSORD_ASSIGN_OR_RETURN(Tensor both, LogicalAnd(na, nb));
    TENSORD_ASSIGN_OR_RETURN(r, LogicalOr(r, both));
  }
  return r;
}

StatusOrTensor AllClose(const Tensor& a, const Tensor& b, double rtol,
                        double atol, bool equal_nan) {
  TENSORD_ASSIGN_OR_RETURN(Tensor c, IsClose(a, b, rtol, atol, equal_nan));
  NoGradGuard ng;
  return All(c, {}, false);
}

StatusOrTensor Equal(const Tensor& a, const Tensor& b) {
  NoGradGuard ng;
  if (a.sizes() != b.sizes()) return FromInts({0}, {}, DType::kBool);
  TENSORD_ASSIGN_OR_RETURN(Tensor eq, Eq(a, b));
  return All(eq, {}, false);
}

// ---------------------------------------------------------------------------
// diagonal, diag, inner

StatusOrTensor Diagonal(const Tensor& t, int64_t offset, int64_t dim1,
                        int64_t dim2) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d1, WrapDim(dim1, t.dim()));
  TENSORD_ASSIGN_OR_RETURN(int64_t d2, WrapDim(dim2, t.dim()));
  if (d1 == d2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "diagonal dimensions cannot be identical ", dim1, ", ", dim2));
  }
  const Shape& sz = t.sizes();
  const Shape& st = t.strides();
  int64_t len, off = t.storage_offset();
  if (offset >= 0) {
    len = std::max<int64_t>(std::min(sz[d1], sz[d2] - std::min(offset, sz[d2])),
                            0);
    if (len > 0) off += offset * st[d2];
  } else {
    const int64_t o = offset == std::numeric_limits<int64_t>::min()
                          ? std::numeric_limits<int64_t>::max()
                          : -offset;
    len = std::max<int64_t>(std::min(sz[d1] - std::min(o, sz[d1]), sz[d2]), 0);
    if (len > 0) off += o * st[d1];
  }
  Shape nsz, nst;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (d == d1 || d == d2) continue;
    nsz.push_back(sz[d]);
    nst.push_back(st[d]);
  }
  nsz.push_back(len);
  // With one element or none the stride is never used to address.
  nst.push_back(len > 1 ? st[d1] + st[d2] : 1);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, nsz, nst, off));
  if (auto node = RecordOp("DiagonalBackward0", {&t}, {&out})) {
    node->set_backward(
        [in_shape = t.sizes(), dt = t.dtype(), offset, d1, d2](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(
              Tensor z, LinearInGrad(
                            n, g[0],
                            [&](const Tensor& gi) -> StatusOrTensor {
                              TENSORD_ASSIGN_OR_RETURN(Tensor z,
                                                       Zeros(in_shape, dt));
                              TENSORD_ASSIGN_OR_RETURN(
                                  Tensor region, Diagonal(z, offset, d1, d2));
                              CopyConvert(gi, region);
                              return z;
                            },
                            [offset, d1, d2](const Tensor& gg) {
                              return Diagonal(gg, offset, d1, d2);
                            }));
          return GradList{z};
        });
  }
  return out;
}

StatusOrTensor Diag(const Tensor& t, int64_t diagonal) {
  if (t.dim() == 2) {
    Tensor d;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(Tensor v, Diagonal(t, diagonal, 0, 1));
      TENSORD_ASSIGN_OR_RETURN(d, Clone(v));
    }
    if (auto node = RecordOp("DiagBackward0", {&t}, {&d})) {
      node->set_backward(
          [in_shape = t.sizes(), dt = t.dtype(), diagonal](
              Node& n, const GradList& g) -> absl::StatusOr<GradList> {
            TENSORD_ASSIGN_OR_RETURN(
                Tensor z, LinearInGrad(
                              n, g[0],
                              [&](const Tensor& gi) -> StatusOrTensor {
                                TENSORD_ASSIGN_OR_RETURN(Tensor z,
                                                         Zeros(in_shape, dt));
                                TENSORD_ASSIGN_OR_RETURN(
                                    Tensor region, Diagonal(z, diagonal, 0, 1));
                                CopyConvert(gi, region);
                                return z;
                              },
                              [diagonal](const Tensor& gg) -> StatusOrTensor {
                                TENSORD_ASSIGN_OR_RETURN(
                                    Tensor v, Diagonal(gg, diagonal, 0, 1));
                                return Clone(v);
                              }));
            return GradList{z};
          });
    }
    return d;
  }
  if (t.dim() != 1) {
    return absl::InvalidArgumentError("matrix or a vector expected");
  }
  const int64_t n = t.size(0);
  const int64_t k = diagonal;
  if (k > (int64_t{1} << 40) || k < -(int64_t{1} << 40)) {
    return absl::InvalidArgumentError(
        absl::StrCat("diag(): diagonal ", k, " is too large"));
  }
  const int64_t side = n + (k >= 0 ? k : -k);
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, Zeros({side, side}, t.dtype()));
    TENSORD_ASSIGN_OR_RETURN(Tensor region, Diagonal(out, k, 0, 1));
    CopyConvert(t, region);
  }
  if (auto node = RecordOp("DiagBackward0", {&t}, {&out})) {
    node->set_backward(
        [k](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(
              Tensor c, LinearInGrad(
                            n, g[0],
                            [k](const Tensor& gi) -> StatusOrTensor {
                              TENSORD_ASSIGN_OR_RETURN(Tensor v,
                                                       Diagonal(gi, k, 0, 1));
                              return Clone(v);
                            },
                            [k](const Tensor& gg) { return Diag(gg, k); }));
          return GradList{c};
        });
  }
  return out;
}

StatusOrTensor Inner(const Tensor& a, const Tensor& b) {
  if (a.dim() == 0 || b.dim() == 0) return Mul(a, b);
  const int64_t ka = a.size(-1), kb = b.size(-1);
  if (ka != kb) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inner() the last dimension must match on both input tensors but got "
        "shapes ",
        ShapeToString(a.sizes()), " and ", ShapeToString(b.sizes())));
  }
  // torch: tensordot over the last dims, i.e. a reshaped to [m, k] times
  // b with its last dim moved first, reshaped to [k, n] (a view where it
  // can be, so a 1-d b is a contiguous [k, 1] column and the BLAS call is
  // torch's), reshaped to a[:-1] + b[:-1].
  TENSORD_ASSIGN_OR_RETURN(Tensor a2, Reshape(a, {-1, ka}));
  TENSORD_ASSIGN_OR_RETURN(Tensor bm, Movedim(b, {-1}, {0}));
  TENSORD_ASSIGN_OR_RETURN(Tensor bt, Reshape(bm, {kb, -1}));
  TENSORD_ASSIGN_OR_RETURN(Tensor m, Mm(a2, bt));
  DimList shape(a.sizes().begin(), a.sizes().end() - 1);
  shape.insert(shape.end(), b.sizes().begin(), b.sizes().end() - 1);
  return Reshape(m, shape);
}

}  // namespace tensord
