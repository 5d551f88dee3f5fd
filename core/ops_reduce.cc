// Reductions (sum, mean, prod, max, min, argmax, argmin), scans (cumsum,
// cumprod) and norms, with their derivatives.
#include <cmath>
#include <complex>
#include <limits>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

// Which dims a reduction removes, with torch's validation.
struct ReduceDims {
  std::vector<bool> reduced;  // per input dim
  Shape out_keep;             // output shape with keepdim=true
  Shape out;                  // output shape as requested
  int64_t count = 1;          // elements reduced into each output
};

absl::StatusOr<ReduceDims> MakeReduceDims(const Tensor& t, const DimList& dims,
                                          bool keepdim) {
  ReduceDims r;
  const int64_t nd = t.dim();
  r.reduced.assign(nd, dims.empty());
  for (int64_t d : dims) {
    TENSORD_ASSIGN_OR_RETURN(int64_t w, WrapDim(d, nd));
    if (nd == 0) continue;
    if (r.reduced[w] && !dims.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dim ", w, " appears multiple times in the list of dims"));
    }
    r.reduced[w] = true;
  }
  for (int64_t d = 0; d < nd; ++d) {
    if (r.reduced[d]) {
      r.count *= t.size(d);
      r.out_keep.push_back(1);
      if (keepdim) r.out.push_back(1);
    } else {
      r.out_keep.push_back(t.size(d));
      r.out.push_back(t.size(d));
    }
  }
  return r;
}

// Rearranges `t` as a contiguous [kept, reduced] matrix (a copy only when
// the reduced dims are not already innermost and contiguous).
absl::StatusOr<Tensor> KeptThenReduced(const Tensor& t, const ReduceDims& rd) {
  DimList perm;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (!rd.reduced[d]) perm.push_back(d);
  for (int64_t d = 0; d < t.dim(); ++d)
    if (rd.reduced[d]) perm.push_back(d);
  NoGradGuard g;
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Permute(t, perm));
  return Contiguous(p);
}

// True if `t` is contiguous and its reduced dims come before all kept dims.
bool ReducedLeading(const Tensor& t, const ReduceDims& rd) {
  if (!t.is_contiguous()) return false;
  bool seen_kept = false;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (!rd.reduced[d])
      seen_kept = true;
    else if (seen_kept && t.size(d) != 1)
      return false;
  }
  return true;
}

template <typename T>
struct SumOp {
  using Acc = std::conditional_t<std::is_same_v<T, float>, float, T>;
  static T Identity() { return T(0); }
  static T Combine(T a, T b) { return WrapAdd(a, b); }
};
template <typename T>
struct ProdOp {
  static T Identity() { return T(1); }
  static T Combine(T a, T b) { return WrapMul(a, b); }
};

// Sum of n contiguous values. Floats are summed in blocks whose partial sums
// are added in double, which keeps float32 sums accurate.
// Sum of n contiguous floats: blocks of 8192 summed in 64 independent
// lanes (so the adds pipeline and vectorize; each lane adds 128 values),
// lanes folded as a tree, block sums added in double (so large sums stay
// accurate). Compiled for AVX-512, AVX2 and baseline x86-64; the loader
// picks one for the CPU.
TENSORD_MULTIVERSION
double SumF32(const float* p, int64_t n) {
  constexpr int64_t kLanes = 64, kBlock = 8192;
  double total = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t e = std::min(n, b + kBlock);
    float acc[kLanes] = {};
    int64_t i = b;
    for (; i + kLanes <= e; i += kLanes) {
      for (int64_t j = 0; j < kLanes; ++j) acc[j] += p[i + j];
    }
    for (int64_t w = kLanes / 2; w >= 1; w /= 2) {
      for (int64_t j = 0; j < w; ++j) acc[j] += acc[j + w];
    }
    float s = acc[0];
    for (; i < e; ++i) s += p[i];
    total += s;
  }
  return total;
}

// out[j] = sum over `rows` rows (stride `ld`) of x[r][j], for j < w; four
// rows per pass so out is loaded and stored a quarter as often.
TENSORD_MULTIVERSION
void ColumnSumF32(const float* x, int64_t rows, int64_t ld, int64_t w,
                  float* out) {
  for (int64_t j = 0; j < w; ++j) out[j] = x[j];
  int64_t r = 1;
  for (; r + 4 <= rows; r += 4) {
    const float* r0 = x + r * ld;
    const float* r1 = r0 + ld;
    const float* r2 = r1 + ld;
    const float* r3 = r2 + ld;
    for (int64_t j = 0; j < w; ++j) out[j] += (r0[j] + r1[j]) + (r2[j] + r3[j]);
  }
  for (; r < rows; ++r) {
    const float* rr = x + r * ld;
    for (int64_t j = 0; j < w; ++j) out[j] += rr[j];
  }
}

template <typename T>
T SumContiguous(const T* p, int64_t n) {
  if constexpr (std::is_same_v<T, float>) {
    return static_cast<float>(SumF32(p, n));
  } else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, bool>) {
    T acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = 0; i < n; ++i) acc += p[i];
    return acc;
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // Unsigned, so that overflow wraps as in PyTorch (see WrapAdd).
    std::make_unsigned_t<T> acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int64_t i = 0; i < n; ++i)
      acc += static_cast<std::make_unsigned_t<T>>(p[i]);
    return static_cast<T>(acc);
  } else {
    T acc = T(0);
    for (int64_t i = 0; i < n; ++i) acc += p[i];
    return acc;
  }
}

template <typename T, typename Op>
T ReduceContiguous(const T* p, int64_t n) {
  if constexpr (std::is_same_v<Op, SumOp<T>>) {
    return SumContiguous(p, n);
  } else {
    T acc = Op::Identity();
    for (int64_t i = 0; i < n; ++i) acc = Op::Combine(acc, p[i]);
    return acc;
  }
}

// Reduces `x` (dtype T) over rd into a fresh tensor of shape rd.out.
template <typename T, typename Op>
absl::StatusOr<Tensor> ReduceKernel(const Tensor& x, const ReduceDims& rd) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(rd.out, x.dtype()));
  T* po = out.data<T>();
  const int64_t kept = out.numel();
  const int64_t count = rd.count;
  if (count == 0) {
    for (int64_t i = 0; i < kept; ++i) po[i] = Op::Identity();
    return out;
  }
  if constexpr (std::is_same_v<Op, SumOp<float>> ||
                std::is_same_v<Op, SumOp<double>>) {
    // PyTorch's order of additions (so its rounding).
    Shape os(x.dim());
    int64_t s = 1;
    for (int64_t d = x.dim() - 1; d >= 0; --d) {
      os[d] = rd.reduced[d] ? 0 : s;
      s *= rd.out_keep[d];
    }
    CascadeSum<T>(x.data<T>(), x.sizes(), x.strides(), os, po, kept);
    return out;
  }
  if (kept == 1) {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(x));
    const T* p = c.data<T>();
    const int threads = ThreadsFor(count);
    std::vector<T> partial(threads, Op::Identity());
    ParallelFor(threads, kParallelGrain, [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; ++t) {
        const int64_t lo = count * t / threads, hi = count * (t + 1) / threads;
        partial[t] = ReduceContiguous<T, Op>(p + lo, hi - lo);
      }
    });
    T acc = Op::Identity();
    for (T v : partial) acc = Op::Combine(acc, v);
    po[0] = acc;
    return out;
  }
  if (ReducedLeading(x, rd)) {
    // [count, kept] row-major: accumulate whole rows, vectorized over kept.
    const T* p = x.data<T>();
    ParallelFor(kept, count, [&](int64_t b, int64_t e) {
      T* o = po + b;
      const int64_t w = e - b;
      if constexpr (std::is_same_v<Op, SumOp<float>>) {
        ColumnSumF32(p + b, count, kept, w, o);
        return;
      }
      for (int64_t j = 0; j < w; ++j) o[j] = p[b + j];
      for (int64_t r = 1; r < count; ++r) {
        const T* row = p + r * kept + b;
        for (int64_t j = 0; j < w; ++j) o[j] = Op::Combine(o[j], row[j]);
      }
    });
    return out;
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor m, KeptThenReduced(x, rd));
  const T* p = m.data<T>();
  ParallelFor(kept, count, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k)
      po[k] = ReduceContiguous<T, Op>(p + k * count, count);
  });
  return out;
}

// Gradient of a reduction broadcast back to the input's shape `in_shape`;
// `keep_shape` is the output shape with keepdim.
absl::StatusOr<Tensor> ExpandBack(const Tensor& g, const Shape& in_shape,
                                  const Shape& keep_shape) {
  TENSORD_ASSIGN_OR_RETURN(
      Tensor r, Reshape(g, DimList(keep_shape.begin(), keep_shape.end())));
  return Expand(r, DimList(in_shape.begin(), in_shape.end()));
}

DType SumDType(DType t) { return IsIntegral(t, true) ? DType::kInt64 : t; }

}  // namespace

StatusOrTensor Sum(const Tensor& t, const DimList& dims, bool keepdim) {
  TENSORD_ASSIGN_OR_RETURN(ReduceDims rd, MakeReduceDims(t, dims, keepdim));
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor x, To(t, SumDType(t.dtype())));
    absl::Status st;
    TENSORD_DISPATCH_ALL(x.dtype(), T, {
      if constexpr (!std::is_same_v<T, bool>) {
        auto r = ReduceKernel<T, SumOp<T>>(x, rd);
        if (r.ok())
          out = *r;
        else
          st = r.status();
      }
    });
    TENSORD_RETURN_IF_ERROR(st);
  }
  if (auto node = RecordOp(dims.empty() ? "SumBackward0" : "SumBackward1", {&t},
                           {&out})) {
    node->set_backward(
        [in_shape = t.sizes(), keep_shape = rd.out_keep](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor r,
                                   ExpandBack(g[0], in_shape, keep_shape));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Mean(const Tensor& t, const DimList& dims, bool keepdim) {
  if (!IsDifferentiable(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mean(): could not infer output dtype. Input dtype must be either a "
        "floating point or complex dtype. Got: ",
        DTypeShortName(t.dtype())));
  }
  TENSORD_ASSIGN_OR_RETURN(ReduceDims rd, MakeReduceDims(t, dims, keepdim));
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(t, dims, keepdim));
    TENSORD_ASSIGN_OR_RETURN(out,
                             Div(s, WrapScalar(static_cast<double>(rd.count))));
  }
  if (auto node = RecordOp(dims.empty() ? "MeanBackward0" : "MeanBackward1",
                           {&t}, {&out})) {
    node->set_backward([in_shape = t.sizes(), keep_shape = rd.out_keep,
                        count = static_cast<double>(rd.count)](
                           Node&,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor d, Div(g[0], WrapScalar(count)));
      TENSORD_ASSIGN_OR_RETURN(Tensor r, ExpandBack(d, in_shape, keep_shape));
      return GradList{r};
    });
  }
  return out;
}

namespace {

// d prod / d x_i = product of the other elements, computed per row of a
// [rows, n] contiguous matrix without dividing (so zeros are handled).
template <typename T>
void ProdOthers(const T* x, T* out, int64_t rows, int64_t n) {
  ParallelFor(rows, n, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const T* xr = x + r * n;
      T* o = out + r * n;
      T left = T(1);
      for (int64_t i = 0; i < n; ++i) {
        o[i] = left;
        left *= xr[i];
      }
      T right = T(1);
      for (int64_t i = n - 1; i >= 0; --i) {
        o[i] *= right;
        right *= xr[i];
      }
    }
  });
}

// The exclusive cumulative product along dim d (x.size(d) >= 1), from
// differentiable ops: [1, x_0, x_0 x_1, ...].
absl::StatusOr<Tensor> ExclusiveCumprod(const Tensor& x, int64_t d) {
  Shape one = x.sizes();
  one[d] = 1;
  TENSORD_ASSIGN_OR_RETURN(Tensor ones, Ones(one, x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor head, Narrow(x, d, 0, x.size(d) - 1));
  TENSORD_ASSIGN_OR_RETURN(Tensor e, Cat({ones, head}, d));
  return Cumprod(e, d);
}

// ProdOthers from differentiable ops along dim d of x (x.dim() >= 1), for
// create_graph: the exclusive cumulative products from the left times
// those from the right.
absl::StatusOr<Tensor> ProdOthersOps(const Tensor& x, int64_t d) {
  if (x.size(d) == 0) return OnesLike(x);
  TENSORD_ASSIGN_OR_RETURN(Tensor left, ExclusiveCumprod(x, d));
  TENSORD_ASSIGN_OR_RETURN(Tensor flipped, Flip(x, {d}));
  TENSORD_ASSIGN_OR_RETURN(Tensor right, ExclusiveCumprod(flipped, d));
  TENSORD_ASSIGN_OR_RETURN(right, Flip(right, {d}));
  return Mul(left, right);
}

}  // namespace

StatusOrTensor Prod(const Tensor& t, std::optional<int64_t> dim, bool keepdim) {
  DimList dims;
  if (dim) dims.push_back(*dim);
  TENSORD_ASSIGN_OR_RETURN(ReduceDims rd,
                           MakeReduceDims(t, dims, dim ? keepdim : false));
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor x, To(t, SumDType(t.dtype())));
    absl::Status st;
    TENSORD_DISPATCH_ALL(x.dtype(), T, {
      if constexpr (!std::is_same_v<T, bool>) {
        auto r = ReduceKernel<T, ProdOp<T>>(x, rd);
        if (r.ok())
          out = *r;
        else
          st = r.status();
      }
    });
    TENSORD_RETURN_IF_ERROR(st);
  }
  if (auto node =
          RecordOp(dim ? "ProdBackward1" : "ProdBackward0", {&t}, {&out})) {
    const int x_slot = node->Save(t);
    node->set_backward([in_shape = t.sizes(), keep_shape = rd.out_keep, x_slot,
                        dim](Node& n,
                             const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
      if (GradEnabled() && IsFloating(x.dtype())) {
        // create_graph: the products of the others from differentiable ops.
        Tensor others;
        if (x.dim() == 0) {
          TENSORD_ASSIGN_OR_RETURN(others, OnesLike(x));
        } else if (dim) {
          TENSORD_ASSIGN_OR_RETURN(const int64_t d, WrapDim(*dim, x.dim()));
          TENSORD_ASSIGN_OR_RETURN(others, ProdOthersOps(x, d));
        } else {
          TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(x, {-1}));
          TENSORD_ASSIGN_OR_RETURN(Tensor o, ProdOthersOps(flat, 0));
          TENSORD_ASSIGN_OR_RETURN(
              others, Reshape(o, DimList(x.sizes().begin(), x.sizes().end())));
        }
        TENSORD_ASSIGN_OR_RETURN(Tensor ge,
                                 ExpandBack(g[0], in_shape, keep_shape));
        TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(ge, others));
        return GradList{r};
      }
      // Move the reduced dim last, compute products of the others per row,
      // and move it back.
      const int64_t nd = x.dim();
      const int64_t d = dim ? *WrapDim(*dim, nd) : 0;
      Tensor xm = x;
      DimList perm(nd);
      std::iota(perm.begin(), perm.end(), 0);
      if (dim && nd > 0) {
        perm.erase(perm.begin() + d);
        perm.push_back(d);
      }
      if (dim && nd > 0) {
        TENSORD_ASSIGN_OR_RETURN(xm, Permute(x, perm));
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(xm));
      const int64_t len = dim ? (nd ? x.size(d) : 1) : x.numel();
      const int64_t rows = len ? x.numel() / len : 0;
      TENSORD_ASSIGN_OR_RETURN(Tensor others, Empty(xc.sizes(), xc.dtype()));
      TENSORD_DISPATCH_ALL(xc.dtype(), T, {
        if constexpr (std::is_floating_point_v<T> || kIsComplex<T>) {
          ProdOthers<T>(xc.data<T>(), others.data<T>(), rows, len);
        }
      });
      if (dim && nd > 0) {
        DimList inv(nd);
        for (int64_t i = 0; i < nd; ++i) inv[perm[i]] = i;
        TENSORD_ASSIGN_OR_RETURN(others, Permute(others, inv));
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor ge,
                               ExpandBack(g[0], in_shape, keep_shape));
      TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(ge, others));
      return GradList{r};
    });
  }
  return out;
}

namespace {

template <typename T>
inline bool IsNan(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// For each row of a [rows, n] contiguous matrix: the index of the max (or
// min) value, the first one on ties; NaN wins, as in torch.
template <typename T>
void ArgExtreme(const T* x, int64_t rows, int64_t n, bool is_max,
                int64_t* idx) {
  ParallelFor(rows, n, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const T* xr = x + r * n;
      int64_t best = 0;
      for (int64_t i = 1; i < n; ++i) {
        if (IsNan(xr[best])) break;
        if (IsNan(xr[i]) || (is_max ? xr[i] > xr[best] : xr[i] < xr[best]))
          best = i;
      }
      idx[r] = best;
    }
  });
}

// Values and indices of max/min along `dim` (indices int64).
absl::StatusOr<std::pair<Tensor, Tensor>> ExtremeDim(const Tensor& t,
                                                     int64_t dim, bool keepdim,
                                                     bool is_max) {
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        is_max ? "max" : "min", "(): does not support complex input"));
  }
  TENSORD_ASSIGN_OR_RETURN(ReduceDims rd, MakeReduceDims(t, {dim}, keepdim));
  if (rd.count == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(is_max ? "max" : "min", "(): Expected reduction dim ", dim,
                     " to have non-zero size."));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor m, KeptThenReduced(t, rd));
  TENSORD_ASSIGN_OR_RETURN(Tensor values, Empty(rd.out, t.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor indices, Empty(rd.out, DType::kInt64));
  const int64_t rows = values.numel();
  TENSORD_DISPATCH_REAL(t.dtype(), T, {
    const T* p = m.data<T>();
    int64_t* idx = indices.data<int64_t>();
    ArgExtreme<T>(p, rows, rd.count, is_max, idx);
    T* v = values.data<T>();
    for (int64_t r = 0; r < rows; ++r) v[r] = p[r * rd.count + idx[r]];
  });
  return std::make_pair(values, indices);
}

absl::StatusOr<std::pair<Tensor, Tensor>> MaxMinDim(const Tensor& t,
                                                    int64_t dim, bool keepdim,
                                                    bool is_max) {
  Tensor values, indices;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(auto vi, ExtremeDim(t, dim, keepdim, is_max));
    values = vi.first;
    indices = vi.second;
  }
  if (auto node = RecordOp(is_max ? "MaxBackward0" : "MinBackward0", {&t},
                           {&values, &indices})) {
    TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
    const int idx_slot = node->Save(indices, true);
    node->set_backward([in_shape = t.sizes(), idx_slot, d, keepdim](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor idx, n.Saved(idx_slot));
      Tensor grad = g[0];
      const int64_t nd = static_cast<int64_t>(in_shape.size());
      if (!keepdim && nd > 0) {
        TENSORD_ASSIGN_OR_RETURN(idx, Unsqueeze(idx, d));
        TENSORD_ASSIGN_OR_RETURN(grad, Unsqueeze(grad, d));
      }
      if (nd == 0) return GradList{grad};
      // mask[..., i, ...] = (i == index): the gradient goes to the argmax.
      TENSORD_ASSIGN_OR_RETURN(Tensor ar,
                               Arange(0, in_shape[d], 1, DType::kInt64));
      DimList view_shape(nd, 1);
      view_shape[d] = in_shape[d];
      TENSORD_ASSIGN_OR_RETURN(ar, Reshape(ar, view_shape));
      TENSORD_ASSIGN_OR_RETURN(Tensor mask, Eq(ar, idx));
      TENSORD_ASSIGN_OR_RETURN(
          Tensor ge, Expand(grad, DimList(in_shape.begin(), in_shape.end())));
      TENSORD_ASSIGN_OR_RETURN(Tensor zero, Zeros(in_shape, grad.dtype()));
      TENSORD_ASSIGN_OR_RETURN(Tensor r, Where(mask, ge, zero));
      return GradList{r};
    });
  }
  return std::make_pair(values, indices);
}

StatusOrTensor MaxMinAll(const Tensor& t, bool is_max) {
  if (t.numel() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        is_max ? "max" : "min",
        "(): Expected reduction dim to be specified for input.numel() == 0. "
        "Specify the reduction dim with the 'dim' argument."));
  }
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        is_max ? "max" : "min", "(): does not support complex input"));
  }
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(t, {-1}));
    TENSORD_ASSIGN_OR_RETURN(auto vi, ExtremeDim(flat, 0, false, is_max));
    out = vi.first;
  }
  if (auto node =
          RecordOp(is_max ? "MaxBackward1" : "MinBackward1", {&t}, {&out})) {
    const int x_slot = node->Save(t);
    const int out_slot = node->Save(out, true);
    node->set_backward(
        [x_slot, out_slot](Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
          // The gradient is shared evenly by all elements equal to the result.
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor v, n.Saved(out_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor mask, Eq(x, v));
          TENSORD_ASSIGN_OR_RETURN(Tensor cnt, Sum(mask));
          TENSORD_ASSIGN_OR_RETURN(Tensor share, Div(g[0], cnt));
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(x));
          TENSORD_ASSIGN_OR_RETURN(
              Tensor ge,
              Expand(share, DimList(x.sizes().begin(), x.sizes().end())));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Where(mask, ge, zero));
          return GradList{r};
        });
  }
  return out;
}

}  // namespace

StatusOrTensor Max(const Tensor& t) { return MaxMinAll(t, true); }
StatusOrTensor Min(const Tensor& t) { return MaxMinAll(t, false); }
absl::StatusOr<std::pair<Tensor, Tensor>> MaxDim(const Tensor& t, int64_t dim,
                                                 bool keepdim) {
  return MaxMinDim(t, dim, keepdim, true);
}
absl::StatusOr<std::pair<Tensor, Tensor>> MinDim(const Tensor& t, int64_t dim,
                                                 bool keepdim) {
  return MaxMinDim(t, dim, keepdim, false);
}

namespace {
StatusOrTensor ArgImpl(const Tensor& t, std::optional<int64_t> dim,
                       bool keepdim, bool is_max) {
  NoGradGuard g;
  if (t.dtype() == DType::kBool) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", is_max ? "argmax" : "argmin",
                     "_cpu\" not implemented for 'Bool'"));
  }
  if (!dim) {
    if (t.numel() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(is_max ? "argmax" : "argmin",
                       "(): Expected reduction dim to be specified for "
                       "input.numel() == 0."));
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(t, {-1}));
    TENSORD_ASSIGN_OR_RETURN(auto vi, ExtremeDim(flat, 0, false, is_max));
    if (keepdim) {
      DimList ones(t.dim(), 1);
      return Reshape(vi.second, ones);
    }
    return vi.second;
  }
  TENSORD_ASSIGN_OR_RETURN(auto vi, ExtremeDim(t, *dim, keepdim, is_max));
  return vi.second;
}
}  // namespace

StatusOrTensor Argmax(const Tensor& t, std::optional<int64_t> dim,
                      bool keepdim) {
  return ArgImpl(t, dim, keepdim, true);
}
StatusOrTensor Argmin(const Tensor& t, std::optional<int64_t> dim,
                      bool keepdim) {
  return ArgImpl(t, dim, keepdim, false);
}

StatusOrTensor SumToShape(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  const int64_t lead = grad.dim() - static_cast<int64_t>(shape.size());
  if (lead < 0) {
    return absl::InternalError(absl::StrCat("cannot sum ",
                                            ShapeToString(grad.sizes()), " to ",
                                            ShapeToString(shape)));
  }
  DimList dims;
  for (int64_t d = 0; d < grad.dim(); ++d) {
    if (d < lead || (shape[d - lead] == 1 && grad.size(d) != 1))
      dims.push_back(d);
  }
  Tensor r = grad;
  if (!dims.empty()) {
    TENSORD_ASSIGN_OR_RETURN(r, Sum(grad, dims, true));
  }
  return Reshape(r, DimList(shape.begin(), shape.end()));
}

// ---------------------------------------------------------------------------
// scans

namespace {

// The running value's type: PyTorch accumulates float scans in double
// (its CPU acc_type), complex64 in complex<double>; double and complex128
// stay as they are.
template <typename T>
using ScanAcc = std::conditional_t<
    std::is_same_v<T, float>, double,
    std::conditional_t<std::is_same_v<T, complex64>, std::complex<double>, T>>;

// Running sum/product along `dim` of contiguous x viewed as [outer, len,
// inner], accumulated in ScanAcc<T>. With inner > 1 each step combines
// whole rows (vectorized), which is far faster than a strided walk per
// column.
template <typename T, template <typename> class OpT>
void ScanKernel(const T* x, T* out, int64_t outer, int64_t len, int64_t inner) {
  using A = ScanAcc<T>;
  using Op = OpT<A>;
  if (inner == 1) {
    ParallelFor(outer, len, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) {
        const T* xr = x + o * len;
        T* yr = out + o * len;
        A acc = Op::Identity();
        for (int64_t i = 0; i < len; ++i) {
          acc = Op::Combine(acc, static_cast<A>(xr[i]));
          yr[i] = static_cast<T>(acc);
        }
      }
    });
    return;
  }
  // Split the work over (outer x inner-chunk) pieces.
  const int64_t chunk = 1024;
  const int64_t nchunks = (inner + chunk - 1) / chunk;
  ParallelFor(outer * nchunks, len * chunk, [&](int64_t b, int64_t e) {
    std::vector<A> acc(chunk);
    for (int64_t w = b; w < e; ++w) {
      const int64_t o = w / nchunks;
      const int64_t c0 = (w % nchunks) * chunk;
      const int64_t c1 = std::min(inner, c0 + chunk);
      const T* xo = x + o * len * inner;
      T* yo = out + o * len * inner;
      for (int64_t j = c0; j < c1; ++j) {
        acc[j - c0] = static_cast<A>(xo[j]);
        yo[j] = xo[j];
      }
      for (int64_t i = 1; i < len; ++i) {
        const T* xi = xo + i * inner;
        T* yi = yo + i * inner;
        for (int64_t j = c0; j < c1; ++j) {
          A& a = acc[j - c0];
          a = Op::Combine(a, static_cast<A>(xi[j]));
          yi[j] = static_cast<T>(a);
        }
      }
    }
  });
}

template <template <typename> class OpT>
absl::StatusOr<Tensor> ScanForward(const Tensor& t, int64_t d) {
  NoGradGuard g;
  TENSORD_ASSIGN_OR_RETURN(Tensor x0, To(t, SumDType(t.dtype())));
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Contiguous(x0));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  if (x.numel() == 0) return out;
  int64_t outer = 1, inner = 1;
  const int64_t len = x.dim() ? x.size(d) : 1;
  for (int64_t i = 0; i < d; ++i) outer *= x.size(i);
  for (int64_t i = d + 1; i < x.dim(); ++i) inner *= x.size(i);
  TENSORD_DISPATCH_ALL(x.dtype(), T, {
    if constexpr (!std::is_same_v<T, bool>) {
      ScanKernel<T, OpT>(x.data<T>(), out.data<T>(), outer, len, inner);
    }
  });
  return out;
}

// Gradient of cumprod for one row: dx_i = sum_{j>=i} g_j prod_{k<=j,k!=i} x_k,
// in O(n) and exact when x has zeros.
template <typename T>
void CumprodGradRow(const T* x, const T* y, const T* g, T* dx, int64_t n) {
  int64_t z = n;
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] == T(0)) {
      z = i;
      break;
    }
  }
  // Suffix sums of g*y up to the first zero.
  T acc = T(0);
  for (int64_t i = std::min(z, n) - 1; i >= 0; --i) {
    acc += g[i] * y[i];
    dx[i] = acc / x[i];
  }
  if (z < n) {
    T p = z > 0 ? y[z - 1] : T(1);
    T s = T(0);
    for (int64_t j = z; j < n; ++j) {
      if (j > z) p *= x[j];
      s += g[j] * p;
    }
    dx[z] = s;
    for (int64_t i = z + 1; i < n; ++i) dx[i] = T(0);
  }
}

// out[i] = sum_{j >= i} g[j] along `d` (cumsum's backward), summed from
// the end so that no large partial sums cancel.
absl::StatusOr<Tensor> ReverseCumsum(const Tensor& g, int64_t d) {
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Contiguous(g));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  if (x.numel() == 0) return out;
  int64_t outer = 1, inner = 1;
  const int64_t len = x.size(d);
  for (int64_t i = 0; i < d; ++i) outer *= x.size(i);
  for (int64_t i = d + 1; i < x.dim(); ++i) inner *= x.size(i);
  TENSORD_DISPATCH_ALL(x.dtype(), T, {
    if constexpr (!std::is_same_v<T, bool>) {
      const T* px = x.data<T>();
      T* po = out.data<T>();
      ParallelFor(outer, len * inner, [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o) {
          const T* xo = px + o * len * inner;
          T* yo = po + o * len * inner;
          for (int64_t j = 0; j < inner; ++j) {
            yo[(len - 1) * inner + j] = xo[(len - 1) * inner + j];
          }
          for (int64_t i = len - 2; i >= 0; --i) {
            for (int64_t j = 0; j < inner; ++j) {
              yo[i * inner + j] = yo[(i + 1) * inner + j] + xo[i * inner + j];
            }
          }
        }
      });
    }
  });
  return out;
}

// cumprod's gradient from differentiable ops, for create_graph (zeros
// allowed, no division): along d,
//   dx_j = E_j * sum_{i >= j} g_i * prod_{j < k <= i} x_k,
// with E_j the product of the x_k before j. The inner products are the
// cumulative products of an [n, n] matrix per row (x_k where k > j, else 1).
absl::StatusOr<Tensor> CumprodGradOps(const Tensor& x0, const Tensor& g0,
                                      int64_t d) {
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Movedim(x0, {d}, {-1}));
  TENSORD_ASSIGN_OR_RETURN(Tensor g, Movedim(g0, {d}, {-1}));
  const int64_t n = x.size(-1);
  if (n == 0) return ZerosLike(x0);
  const int64_t last = x.dim() - 1;
  Tensor upper, upper_eq;  // [n, n]: k > j, and i >= j
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor ones, Ones({n, n}, DType::kBool));
    TENSORD_ASSIGN_OR_RETURN(upper, Triu(ones, 1));
    TENSORD_ASSIGN_OR_RETURN(upper_eq, Triu(ones, 0));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor xr, Unsqueeze(x, -2));  // [..., 1, n]
  TENSORD_ASSIGN_OR_RETURN(Tensor m, Where(upper, xr, WrapScalar(1.0)));
  TENSORD_ASSIGN_OR_RETURN(m, Cumprod(m, -1));  // [..., j, i]
  TENSORD_ASSIGN_OR_RETURN(Tensor gr, Unsqueeze(g, -2));
  TENSORD_ASSIGN_OR_RETURN(Tensor terms, Mul(gr, m));
  TENSORD_ASSIGN_OR_RETURN(terms, Where(upper_eq, terms, WrapScalar(0.0)));
  TENSORD_ASSIGN_OR_RETURN(Tensor sums, Sum(terms, {-1}));
  TENSORD_ASSIGN_OR_RETURN(Tensor e, ExclusiveCumprod(x, last));
  TENSORD_ASSIGN_OR_RETURN(Tensor dx, Mul(e, sums));
  return Movedim(dx, {-1}, {d});
}

}  // namespace

StatusOrTensor Cumsum(const Tensor& t, int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, ScanForward<SumOp>(t, t.dim() ? d : 0));
  if (auto node = RecordOp("CumsumBackward0", {&t}, {&out})) {
    node->set_backward([d](Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      // The gradient is the reverse cumulative sum of g.
      if (g[0].dim() == 0) return GradList{g[0]};
      TENSORD_ASSIGN_OR_RETURN(
          Tensor r,
          LinearInGrad(
              n, g[0], [d](const Tensor& gi) { return ReverseCumsum(gi, d); },
              [d](const Tensor& gg) { return Cumsum(gg, d); }));
      return GradList{r};
    });
  }
  return out;
}

StatusOrTensor Cumprod(const Tensor& t, int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, ScanForward<ProdOp>(t, t.dim() ? d : 0));
  if (auto node = RecordOp("CumprodBackward0", {&t}, {&out})) {
    const int x_slot = node->Save(t);
    const int out_slot = node->Save(out, true);
    node->set_backward([d, x_slot, out_slot](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor y, n.Saved(out_slot));
      if (x.dim() == 0) return GradList{g[0]};
      if (GradEnabled() && IsFloating(x.dtype())) {
        TENSORD_ASSIGN_OR_RETURN(Tensor r, CumprodGradOps(x, g[0], d));
        return GradList{r};
      }
      const int64_t nd = x.dim();
      DimList perm(nd);
      std::iota(perm.begin(), perm.end(), 0);
      perm.erase(perm.begin() + d);
      perm.push_back(d);
      DimList inv(nd);
      for (int64_t i = 0; i < nd; ++i) inv[perm[i]] = i;
      TENSORD_ASSIGN_OR_RETURN(Tensor xp, Permute(x, perm));
      TENSORD_ASSIGN_OR_RETURN(Tensor yp, Permute(y, perm));
      TENSORD_ASSIGN_OR_RETURN(Tensor gp, Permute(g[0], perm));
      TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(xp));
      TENSORD_ASSIGN_OR_RETURN(Tensor yc, Contiguous(yp));
      TENSORD_ASSIGN_OR_RETURN(Tensor gc0, To(gp, xc.dtype()));
      TENSORD_ASSIGN_OR_RETURN(Tensor gc, Contiguous(gc0));
      TENSORD_ASSIGN_OR_RETURN(Tensor dx, Empty(xc.sizes(), xc.dtype()));
      const int64_t len = x.size(d);
      const int64_t rows = len ? x.numel() / len : 0;
      TENSORD_DISPATCH_ALL(xc.dtype(), T, {
        if constexpr (std::is_floating_point_v<T> || kIsComplex<T>) {
          for (int64_t r = 0; r < rows; ++r) {
            CumprodGradRow<T>(xc.data<T>() + r * len, yc.data<T>() + r * len,
                              gc.data<T>() + r * len, dx.data<T>() + r * len,
                              len);
          }
        }
      });
      TENSORD_ASSIGN_OR_RETURN(Tensor res, Permute(dx, inv));
      return GradList{res};
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// norms

namespace {

// The 2-norm of each contiguous row as torch's CPU norm kernel computes it.
// float (binary_kernel_reduce_lastdim, AVX2 build): squares fused into 8
// lane accumulators, the lanes added in order; of the rest of the row,
// groups of four squared unfused (the compiler's vector multiply) and
// added in order, the last one to three fused; then the sqrt. double
// (the generic reduction): the squares fused into one accumulator in order.
template <typename T>
void NormTwoRows(const T* x, int64_t rows, int64_t len, T* out) {
  ParallelFor(rows, len, [&](int64_t rb, int64_t re) {
    for (int64_t r = rb; r < re; ++r) {
      const T* row = x + r * len;
      T b = 0;
      int64_t d = 0;
      if constexpr (sizeof(T) == 4) {
        constexpr int L = 8;
        T acc[L] = {};
        for (; d < len - len % L; d += L) {
          for (int j = 0; j < L; ++j) {
            acc[j] = std::fma(row[d + j], row[d + j], acc[j]);
          }
        }
        b = acc[0];
        for (int j = 1; j < L; ++j) b = b + acc[j];
        for (; d + 4 <= len; d += 4) {
          T sq[4];
          for (int j = 0; j < 4; ++j) sq[j] = row[d + j] * row[d + j];
          for (int j = 0; j < 4; ++j) b += sq[j];
        }
      }
      for (; d < len; ++d) b = std::fma(row[d], row[d], b);
      out[r] = std::sqrt(b);
    }
  });
}

// True if the reduced dims of `rd` are the trailing dims of t (each output
// reduces one contiguous run when t is contiguous).
bool ReducesTrailingDims(const ReduceDims& rd) {
  bool seen_reduced = false;
  for (bool r : rd.reduced) {
    if (r) seen_reduced = true;
    if (!r && seen_reduced) return false;
  }
  return seen_reduced;
}

StatusOrTensor NormImpl(const Tensor& t, double p, const DimList& dims,
                        bool keepdim, const char* name, const char* fn_name) {
  if (!IsDifferentiable(t.dtype())) {
    if (std::string_view(fn_name) == "norm") {
      return absl::InvalidArgumentError(absl::StrCat(
          "norm(): input dtype should be either floating point or complex. "
          "Got ",
          DTypeShortName(t.dtype()), " instead."));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        fn_name, ": Expected a floating point or complex tensor as input. Got ",
        DTypeShortName(t.dtype())));
  }
  TENSORD_ASSIGN_OR_RETURN(ReduceDims rd, MakeReduceDims(t, dims, keepdim));
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor a, Abs(t));
    if (std::isinf(p)) {
      if (dims.empty()) {
        TENSORD_ASSIGN_OR_RETURN(out, p > 0 ? Max(a) : Min(a));
      } else if (dims.size() == 1) {
        TENSORD_ASSIGN_OR_RETURN(auto vi, p > 0 ? MaxDim(a, dims[0], keepdim)
                                                : MinDim(a, dims[0], keepdim));
        out = vi.first;
      } else {
        return absl::InvalidArgumentError(
            "inf-norm over several dims is not supported");
      }
    } else if (p == 1.0) {
      TENSORD_ASSIGN_OR_RETURN(out, Sum(a, dims, keepdim));
    } else if (p == 2.0 && t.numel() > 0 &&
               (t.dtype() == DType::kFloat32 || t.dtype() == DType::kFloat64) &&
               ((t.is_contiguous() && ReducesTrailingDims(rd)) ||
                (IsPermutedDense(t) && rd.count == t.numel()))) {
      // (A permuted tensor reduced whole is one row in memory order.)
      Tensor rows = t;
      if (!t.is_contiguous()) {
        TENSORD_ASSIGN_OR_RETURN(rows, MemoryOrderFlat(t));
      }
      TENSORD_ASSIGN_OR_RETURN(out, Empty(rd.out, t.dtype()));
      const int64_t len = rd.count;
      TENSORD_DISPATCH_FLOATING(t.dtype(), T, {
        NormTwoRows<T>(rows.data<T>(), t.numel() / len, len, out.data<T>());
      });
    } else if (p == 2.0) {
      TENSORD_ASSIGN_OR_RETURN(Tensor sq, Mul(a, a));
      TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(sq, dims, keepdim));
      TENSORD_ASSIGN_OR_RETURN(out, Sqrt(s));
    } else if (p == 0.0) {
      TENSORD_ASSIGN_OR_RETURN(Tensor nz, Ne(a, WrapScalar(0.0)));
      TENSORD_ASSIGN_OR_RETURN(Tensor nzf, To(nz, a.dtype()));
      TENSORD_ASSIGN_OR_RETURN(out, Sum(nzf, dims, keepdim));
    } else {
      TENSORD_ASSIGN_OR_RETURN(Tensor ap, Pow(a, WrapScalar(p)));
      TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(ap, dims, keepdim));
      TENSORD_ASSIGN_OR_RETURN(out, Pow(s, WrapScalar(1.0 / p)));
    }
  }
  if (auto node = RecordOp(name, {&t}, {&out})) {
    const int x_slot = node->Save(t);
    const int out_slot = node->Save(out, true);
    node->set_backward(
        [in_shape = t.sizes(), keep_shape = rd.out_keep, p, x_slot, out_slot](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor y, n.Saved(out_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor ge,
                                   ExpandBack(g[0], in_shape, keep_shape));
          TENSORD_ASSIGN_OR_RETURN(Tensor ye,
                                   ExpandBack(y, in_shape, keep_shape));
          Tensor scale;
          if (p == 0.0) {
            return GradList{Tensor()};  // torch: no gradient flows
          } else if (p == 1.0) {
            TENSORD_ASSIGN_OR_RETURN(scale, SignOf(x));
          } else if (std::isinf(p)) {
            // Shared evenly among the elements attaining the extreme.
            TENSORD_ASSIGN_OR_RETURN(Tensor a, Abs(x));
            TENSORD_ASSIGN_OR_RETURN(Tensor hit, Eq(a, ye));
            TENSORD_ASSIGN_OR_RETURN(Tensor hitf, To(hit, x.dtype()));
            TENSORD_ASSIGN_OR_RETURN(Tensor cnt0, SumToShape(hitf, keep_shape));
            TENSORD_ASSIGN_OR_RETURN(
                Tensor cnt,
                Expand(cnt0, DimList(in_shape.begin(), in_shape.end())));
            TENSORD_ASSIGN_OR_RETURN(Tensor sign, SignOf(x));
            TENSORD_ASSIGN_OR_RETURN(Tensor s1, Mul(sign, hitf));
            TENSORD_ASSIGN_OR_RETURN(scale, Div(s1, cnt));
          } else {
            // x * |x|^(p-2) / y^(p-1), zero where y == 0.
            TENSORD_ASSIGN_OR_RETURN(Tensor a, Abs(x));
            Tensor num = x;
            if (p != 2.0) {
              TENSORD_ASSIGN_OR_RETURN(Tensor ap, Pow(a, WrapScalar(p - 2.0)));
              TENSORD_ASSIGN_OR_RETURN(num, Mul(x, ap));
            }
            Tensor den = ye;
            if (p != 2.0) {
              TENSORD_ASSIGN_OR_RETURN(den, Pow(ye, WrapScalar(p - 1.0)));
            }
            TENSORD_ASSIGN_OR_RETURN(Tensor q, Div(num, den));
            TENSORD_ASSIGN_OR_RETURN(Tensor yz, Eq(ye, WrapScalar(0.0)));
            TENSORD_ASSIGN_OR_RETURN(Tensor z, ZerosLike(q));
            TENSORD_ASSIGN_OR_RETURN(scale, Where(yz, z, q));
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(ge, scale));
          return GradList{r};
        });
  }
  return out;
}

}  // namespace

StatusOrTensor Norm(const Tensor& t, double p, const DimList& dims,
                    bool keepdim) {
  return NormImpl(t, p, dims, keepdim, "NormBackward1", "norm");
}

StatusOrTensor LinalgVectorNorm(const Tensor& t, double ord,
                                const DimList& dims, bool keepdim) {
  return NormImpl(t, ord, dims, keepdim, "LinalgVectorNormBackward0",
                  "linalg.vector_norm");
}

}  // namespace tensord
