// ops_internal.h — helpers shared by the op implementation files; not part
// of the public API.
#ifndef TENSORD_CORE_OPS_INTERNAL_H_
#define TENSORD_CORE_OPS_INTERNAL_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "core/ops.h"
#include "core/status_macros.h"
#include "core/tensor.h"

namespace tensord {

// Sums `in` (float or double; sizes and strides in elements) into `out`
// (out_numel elements; out_strides per input dim, 0 where reduced) in
// PyTorch's order of additions, so the result has PyTorch's rounding
// (core/cascade_sum.cc).
template <typename T>
void CascadeSum(const T* in, const Shape& sizes, const Shape& in_strides,
                const Shape& out_strides, T* out, int64_t out_numel);

// Integer + - * and negation that wrap around in two's complement, as
// PyTorch's integer tensors do (INT64_MAX + 1 == INT64_MIN), where C++'s
// signed overflow is undefined behaviour: computed in the unsigned type.
// Other types (float, complex) get the plain operators.
template <typename T>
inline constexpr bool kWraps =
    std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <typename T>
inline T WrapAdd(T a, T b) {
  if constexpr (kWraps<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <typename T>
inline T WrapSub(T a, T b) {
  if constexpr (kWraps<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}
template <typename T>
inline T WrapMul(T a, T b) {
  if constexpr (kWraps<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return a * b;
  }
}
template <typename T>
inline T WrapNeg(T a) {
  if constexpr (kWraps<T>) {
    return WrapSub(T(0), a);
  } else {
    return -a;  // not 0 - a: -(0.) is -0.
  }
}

// Copies src into dst elementwise (src broadcast to dst's shape), converting
// dtypes. No autograd, no version bump.
void CopyConvert(const Tensor& src, const Tensor& dst);

// ---- Layouts of pointwise results (ops_elementwise.cc) ----
// torch gives a pointwise result the memory order of its inputs (its
// TensorIterator sorts the dims by the inputs' strides) and walks them in
// that order, so x.t().exp() is laid out like x.t(), and sums over it add
// in memory order. These helpers do the same.

// True if t fills [offset, offset + numel) of its storage, each element
// once, with positive strides, but not row-major (a transpose or
// permutation of a contiguous tensor).
bool IsPermutedDense(const Tensor& t);
// t's elements in memory order as a 1-d tensor over the same storage (no
// autograd). t must be IsPermutedDense.
absl::StatusOr<Tensor> MemoryOrderFlat(const Tensor& t);
// `flat` (1-d, contiguous, like's numel) seen with like's sizes and
// strides: the inverse of MemoryOrderFlat, for a fresh result.
absl::StatusOr<Tensor> WithLayoutOf(const Tensor& flat, const Tensor& like);
// compute(t) for a pointwise kernel returning a fresh contiguous tensor of
// its input's shape; when t IsPermutedDense the kernel runs over t in
// memory order and the result gets t's layout, as torch's does.
template <typename F>
absl::StatusOr<Tensor> InMemoryOrder(const Tensor& t, F&& compute) {
  if (!IsPermutedDense(t)) return compute(t);
  absl::StatusOr<Tensor> flat = MemoryOrderFlat(t);
  if (!flat.ok()) return flat.status();
  absl::StatusOr<Tensor> r = compute(*flat);
  if (!r.ok()) return r.status();
  return WithLayoutOf(*r, t);
}
// TensorIterator's order of n dims (reorder_dimensions): perm[0] the
// fastest. Starting from row-major, an insertion sort by should_swap(d0,
// d1): 1 puts d0 after d1, -1 keeps it before, 0 (undecided) looks further.
template <typename Cmp>
std::vector<int64_t> TorchDimOrder(int64_t n, Cmp should_swap) {
  std::vector<int64_t> perm(n);
  for (int64_t i = 0; i < n; ++i) perm[i] = n - 1 - i;
  for (int64_t i = 1; i < n; ++i) {
    int64_t d1 = i;
    for (int64_t d0 = i - 1; d0 >= 0; --d0) {
      const int c = should_swap(perm[d0], perm[d1]);
      if (c > 0) {
        std::swap(perm[d0], perm[d1]);
        d1 = d0;
      } else if (c < 0) {
        break;
      }
    }
  }
  return perm;
}
// The strides torch's iterator gives a fresh result of `shape` computed
// from `inputs` (broadcast to shape; undefined ones ignored): the dims
// ordered by the first input whose strides tell them apart (a broadcast
// dim tells nothing; equal strides put the smaller dim inside), laid out
// densely in that order. Row-major inputs give row-major strides.
Shape PointwiseStrides(const Shape& shape,
                       std::initializer_list<const Tensor*> inputs);
// A fresh, uninitialised tensor of `shape` with PointwiseStrides.
absl::StatusOr<Tensor> EmptyPointwise(
    const Shape& shape, DType dtype,
    std::initializer_list<const Tensor*> inputs);

// The shared path of every in-place op: `compute` returns self's new value
// as an out-of-place result with history (of self's shape); Inplace checks
// that autograd allows the change, writes the value into self, bumps its
// version, records the undo in the current Transaction and rebases self's
// history (CopySlices on the base when self is a view). `others` are the
// op's other inputs (checked for partial overlap with self). An expanded
// self (a stride 0 over several elements) is refused as torch refuses it,
// unless `same_value_everywhere` (fill_, zero_: every write is the same).
absl::StatusOr<Tensor> Inplace(
    const Tensor& self, const std::vector<const Tensor*>& others,
    const std::function<absl::StatusOr<Tensor>()>& compute,
    bool same_value_everywhere = false);

// n standard normal draws as torch's normal kernel makes them for a tensor
// of n elements of `dtype` (2n for complex), in double.
std::vector<double> StandardNormals(int64_t n, Generator& gen, DType dtype);
// n float32 normal draws * std + mean into p, as torch's float32 kernel
// draws them (its AVX2 Box-Muller for n >= 16, bit for bit).
void NormalFloat32(float* p, int64_t n, Generator& gen, double mean,
                   double std);

// out[..., index[i], ...] += src[i] along dim (scatter_add_ without checks
// on shapes, autograd or versions; every index is checked). out and src
// have the same dtype.
absl::Status ScatterAddRaw(const Tensor& out, int64_t dim, const Tensor& index,
                           const Tensor& src);

// `out` as the output of a node (named as torch names it, usually
// "NotImplemented") whose backward fails with `message`, as PyTorch's
// outputs of ops without a derivative do.
absl::StatusOr<Tensor> NotDifferentiable(const char* node_name,
                                         const std::vector<const Tensor*>& ins,
                                         Tensor out, std::string message);

// fma(a, b, c) elementwise over the broadcast of the three, computed in
// the floating dtype `dt` with one rounding, as torch's AVX2 kernels fuse
// a multiply and an add. No autograd (ops_pointwise.cc).
absl::StatusOr<Tensor> FusedMulAddRaw(const Tensor& a, const Tensor& b,
                                      const Tensor& c, DType dt);

// sign(x) in x's dtype: 1, -1 or 0. No autograd.
absl::StatusOr<Tensor> SignOf(const Tensor& x);

// addmm for float32/float64 operands of one dtype, rounded as torch 1.13
// rounds it: the expanded input is copied into the result and BLAS adds the
// product onto it with beta (ops_linalg.cc).
absl::StatusOr<Tensor> AddmmBlas(const Tensor& input, const Tensor& m1,
                                 const Tensor& m2, const Scalar& beta,
                                 const Scalar& alpha);

// baddbmm for float32/float64 operands of one dtype, as torch 1.13 rounds
// it (ops_linalg.cc).
absl::StatusOr<Tensor> BaddbmmFloat(const Tensor& input, const Tensor& b1,
                                    const Tensor& b2, const Scalar& beta,
                                    const Scalar& alpha);

// ---- Matrix helpers of the LAPACK-backed ops (ops_decomp.cc and
// ops_decomp_derived.cc) ----

// The checks torch makes of a matrix input (in its order), plus the limits
// of LAPACK's 32-bit integers (ops_decomp.cc).
absl::Status CheckMatrices(const Tensor& a, const std::string& name,
                           bool square);

// A fresh contiguous copy of `t` (no history).
inline absl::StatusOr<Tensor> Fresh(const Tensor& t) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(t.sizes(), t.dtype()));
  CopyConvert(t, out);
  return out;
}

// The number of matrices in `a` (0 when they are empty).
inline int64_t BatchCount(const Tensor& a) {
  const int64_t m = a.size(-2), n = a.size(-1);
  return m * n == 0 ? 0 : a.numel() / (m * n);
}

// a's batch dims: all but the last two.
inline Shape BatchShape(const Tensor& a) {
  return Shape(a.sizes().begin(), a.sizes().end() - 2);
}

// Each matrix of `t` transposed (a view).
inline absl::StatusOr<Tensor> Mt(const Tensor& t) {
  return Transpose(t, -2, -1);
}

// Identity matrices of a's batch shape and dtype: [..., n, n].
inline absl::StatusOr<Tensor> BatchEye(const Tensor& a, int64_t n) {
  TENSORD_ASSIGN_OR_RETURN(Tensor eye, Eye(n, std::nullopt, a.dtype()));
  DimList shape(a.sizes().begin(), a.sizes().end() - 2);
  shape.push_back(n);
  shape.push_back(n);
  return Expand(eye, shape);
}

// The machine epsilon of T.
template <typename T>
inline T Epsilon() {
  return std::numeric_limits<T>::epsilon();
}

// ---- Helpers of the convolution, pooling and fold ops (ops_conv.cc,
// ops_pool.cc and ops_fold.cc) ----

// Contiguous(t) without history (ops_conv.cc).
absl::StatusOr<Tensor> ContiguousOf(const Tensor& t);

// The error for sizes computed from client arguments that overflow int64.
inline absl::Status TooLarge(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": the computed sizes overflow int64"));
}

// a + b, a * b, checked.
inline bool AddOk(int64_t a, int64_t b, int64_t* r) {
  return !__builtin_add_overflow(a, b, r);
}
inline bool MulOk(int64_t a, int64_t b, int64_t* r) {
  return !__builtin_mul_overflow(a, b, r);
}

// Division rounding toward negative infinity.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// The error for an op that takes only floating inputs.
inline absl::Status NotFloating(const char* op, DType dt) {
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", op, "\" not implemented for '", DTypeShortName(dt), "'"));
}

// The geometry of a grouped 2-d convolution (1-d: H = kh = 1).
struct ConvGeom {
  int64_t N = 0, C = 0, H = 0, W = 0;  // input
  int64_t O = 0, G = 1, kh = 1, kw = 1;
  int64_t sh = 1, sw = 1, pt = 0, pl = 0, dh = 1, dw = 1;
  // Padding after (bottom, right); -1 where the caller leaves it implicit
  // (only ConvUsesDnnl needs it).
  int64_t pb = -1, pr = -1;
  int64_t OH = 0, OW = 0;
  int64_t Cg() const { return C / G; }
  int64_t Og() const { return O / G; }
  int64_t K() const { return Cg() * kh * kw; }  // rows of a column matrix
  int64_t L() const { return OH * OW; }         // its columns
  // A 1x1 kernel over the whole input: the input is its own column matrix.
  bool Pointwise() const {
    return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 &&
           OH == H && OW == W;
  }
};

// col[K, L] from x[Cg, H, W] (one sample, one group).
template <typename T>
void Im2Col(const ConvGeom& g, const T* x, T* col) {
  const int64_t L = g.L();
  for (int64_t c = 0; c < g.Cg(); ++c) {
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        T* row = col + ((c * g.kh + ki) * g.kw + kj) * L;
        for (int64_t oh = 0; oh < g.OH; ++oh) {
          const int64_t ih = oh * g.sh - g.pt + ki * g.dh;
          T* r = row + oh * g.OW;
          if (ih < 0 || ih >= g.H) {
            std::fill(r, r + g.OW, T(0));
            continue;
          }
          const T* xr = x + (c * g.H + ih) * g.W;
          for (int64_t ow = 0; ow < g.OW; ++ow) {
            const int64_t iw = ow * g.sw - g.pl + kj * g.dw;
            r[ow] = (iw >= 0 && iw < g.W) ? xr[iw] : T(0);
          }
        }
      }
    }
  }
}

// x[Cg, H, W] += col[K, L] scattered back (the adjoint of Im2Col).
template <typename T>
void Col2Im(const ConvGeom& g, const T* col, T* x) {
  const int64_t L = g.L();
  for (int64_t c = 0; c < g.Cg(); ++c) {
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        const T* row = col + ((c * g.kh + ki) * g.kw + kj) * L;
        for (int64_t oh = 0; oh < g.OH; ++oh) {
          const int64_t ih = oh * g.sh - g.pt + ki * g.dh;
          if (ih < 0 || ih >= g.H) continue;
          const T* r = row + oh * g.OW;
          T* xr = x + (c * g.H + ih) * g.W;
          for (int64_t ow = 0; ow < g.OW; ++ow) {
            const int64_t iw = ow * g.sw - g.pl + kj * g.dw;
            if (iw >= 0 && iw < g.W) xr[iw] += r[ow];
          }
        }
      }
    }
  }
}

}  // namespace tensord

#endif  // TENSORD_CORE_OPS_INTERNAL_H_
