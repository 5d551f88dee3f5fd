// Linear algebra: dot, mv, mm, matmul (batched, broadcast), outer, eigh
// (differentiable), eig/eigvals (complex, forward only).
#include <cblas.h>

#include <climits>
#include <complex>
#define lapack_complex_float std::complex<float>
#define lapack_complex_double std::complex<double>
#include <lapacke.h>

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/gemm.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

// A 2-D operand as BLAS sees it: pointer, leading dimension, transposed?
struct MatArg {
  Tensor keep;  // owns a contiguous copy when one was needed
  const void* data;
  int64_t ld;
  bool trans;
};

MatArg AsMat(const Tensor& t) {
  const int64_t r = t.size(0), c = t.size(1);
  const int64_t s0 = t.strides()[0], s1 = t.strides()[1];
  if ((s1 == 1 || c == 1) && s0 >= std::max<int64_t>(c, 1)) {
    return {t, t.raw_data(), std::max<int64_t>(s0, 1), false};
  }
  if ((s0 == 1 || r == 1) && s1 >= std::max<int64_t>(r, 1)) {
    return {t, t.raw_data(), std::max<int64_t>(s1, 1), true};
  }
  NoGradGuard g;
  Tensor c2 = *Clone(t);
  return {c2, c2.raw_data(), std::max<int64_t>(c, 1), false};
}

template <typename T>
void NaiveGemm(const MatArg& a, const MatArg& b, T* c, int64_t m, int64_t n,
               int64_t k) {
  const T* pa = static_cast<const T*>(a.data);
  const T* pb = static_cast<const T*>(b.data);
  auto at = [&](int64_t i, int64_t p) {
    return a.trans ? pa[p * a.ld + i] : pa[i * a.ld + p];
  };
  auto bt = [&](int64_t p, int64_t j) {
    return b.trans ? pb[j * b.ld + p] : pb[p * b.ld + j];
  };
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      T acc = T(0);
      for (int64_t p = 0; p < k; ++p) {
        acc = WrapAdd(acc, WrapMul(at(i, p), bt(p, j)));
      }
      c[i * n + j] = acc;
    }
  }
}

// c[m, n] (contiguous) = a[m, k] @ b[k, n].
absl::Status Gemm(const Tensor& a, const Tensor& b, const Tensor& c) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  if (c.numel() == 0) return absl::OkStatus();
  if (k == 0) {
    std::memset(c.raw_data(), 0, c.nbytes());
    return absl::OkStatus();
  }
  MatArg ma = AsMat(a), mb = AsMat(b);
  switch (c.dtype()) {
    case DType::kFloat32:
      GemmF32(ma.trans, mb.trans, m, n, k, static_cast<const float*>(ma.data),
              ma.ld, static_cast<const float*>(mb.data), mb.ld, c.data<float>(),
              n);
      break;
    case DType::kFloat64:
      cblas_dgemm(CblasRowMajor, ma.trans ? CblasTrans : CblasNoTrans,
                  mb.trans ? CblasTrans : CblasNoTrans, m, n, k, 1.0,
                  static_cast<const double*>(ma.data), ma.ld,
                  static_cast<const double*>(mb.data), mb.ld, 0.0,
                  c.data<double>(), n);
      break;
    case DType::kComplex64: {
      const complex64 one(1.f, 0.f), zero(0.f, 0.f);
      cblas_cgemm(CblasRowMajor, ma.trans ? CblasTrans : CblasNoTrans,
                  mb.trans ? CblasTrans : CblasNoTrans, m, n, k, &one, ma.data,
                  ma.ld, mb.data, mb.ld, &zero, c.raw_data(), n);
      break;
    }
    case DType::kComplex128: {
      const complex128 one(1.0, 0.0), zero(0.0, 0.0);
      cblas_zgemm(CblasRowMajor, ma.trans ? CblasTrans : CblasNoTrans,
                  mb.trans ? CblasTrans : CblasNoTrans, m, n, k, &one, ma.data,
                  ma.ld, mb.data, mb.ld, &zero, c.raw_data(), n);
      break;
    }
    case DType::kInt32:
      NaiveGemm<int32_t>(ma, mb, c.data<int32_t>(), m, n, k);
      break;
    case DType::kInt64:
      NaiveGemm<int64_t>(ma, mb, c.data<int64_t>(), m, n, k);
      break;
    case DType::kBool:
      return absl::InvalidArgumentError(
          "\"addmm_impl_cpu_\" not implemented for 'Bool'");
    default:
      ThrowStorageOnly(c.dtype());  // RunOp computes them in float32/int32
  }
  return absl::OkStatus();
}

absl::Status SameDType(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected scalar type ", DTypeShortName(a.dtype()),
                     " but found ", DTypeShortName(b.dtype())));
  }
  return absl::OkStatus();
}

absl::Status CheckMmShapes(const Tensor& a, const Tensor& b) {
  if (a.dim() != 2) return absl::InvalidArgumentError("self must be a matrix");
  if (b.dim() != 2) return absl::InvalidArgumentError("mat2 must be a matrix");
  if (a.size(1) != b.size(0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("mat1 and mat2 shapes cannot be multiplied (", a.size(0),
                     "x", a.size(1), " and ", b.size(0), "x", b.size(1), ")"));
  }
  return absl::OkStatus();
}

// result = beta * result + alpha * (m1 @ m2) for float32/float64, made the
// way torch 1.13's addmm_impl_cpu_ makes it, so the BLAS call is the same:
// a row-major result is computed as its column-major transpose (operands
// swapped); each operand goes to BLAS as 'N' or 'T' by its strides, or as a
// contiguous copy. result already holds the addend when beta != 0.
template <typename T>
absl::Status TorchAddmm(const Tensor& result, Tensor m1, Tensor m2, T beta,
                        T alpha) {
  const Shape& rs = result.sizes();
  const Shape& rst = result.strides();
  bool tc;
  if (rst[0] == 1 && (rs[1] == 1 || rst[1] >= std::max<int64_t>(1, rs[0]))) {
    tc = false;
  } else if (rst[1] == 1 &&
             (rs[0] == 1 || rst[0] >= std::max<int64_t>(1, rs[1]))) {
    std::swap(m1, m2);
    tc = true;
  } else {
    return absl::InternalError("addmm: result is neither row nor column major");
  }
  const int64_t m = rs[tc ? 1 : 0], n = rs[tc ? 0 : 1];
  const int64_t k = m1.size(tc ? 0 : 1);
  const int r = tc ? 1 : 0, q = tc ? 0 : 1;  // BLAS's row and column dims
  NoGradGuard g;
  auto cast = [&](Tensor& t, int64_t rows, int64_t cols, bool* trans) {
    const Shape& st = t.strides();
    if (st[r] == 1 && st[q] >= std::max<int64_t>(1, rows)) {
      *trans = false;
    } else if (st[q] == 1 && st[r] >= std::max<int64_t>(1, cols)) {
      *trans = true;
    } else {
      *trans = !tc;
      TENSORD_ASSIGN_OR_RETURN(t, Clone(t));
    }
    return absl::OkStatus();
  };
  bool ta, tb;
  TENSORD_RETURN_IF_ERROR(cast(m1, m, k, &ta));
  TENSORD_RETURN_IF_ERROR(cast(m2, k, n, &tb));
  const int64_t lda = m1.strides()[ta == tc ? 1 : 0];
  const int64_t ldb = m2.strides()[tb == tc ? 1 : 0];
  const int64_t ldc = rst[tc ? 0 : 1];
  TorchGemm<T>(ta, tb, m, n, k, alpha, m1.data<T>(), lda, m2.data<T>(), ldb,
               beta, result.data<T>(), ldc);
  return absl::OkStatus();
}

// c = a @ b as torch's mm computes it (c is a fresh or sliced row-major
// matrix).
absl::Status MmInto(const Tensor& a, const Tensor& b, const Tensor& c) {
  if (c.numel() == 0) return absl::OkStatus();
  if (a.size(1) == 0) {
    std::memset(c.raw_data(), 0, c.nbytes());
    return absl::OkStatus();
  }
  if (c.dtype() == DType::kFloat32) return TorchAddmm<float>(c, a, b, 0, 1);
  if (c.dtype() == DType::kFloat64) return TorchAddmm<double>(c, a, b, 0, 1);
  return Gemm(a, b, c);
}

absl::StatusOr<Tensor> MmForward(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Empty({a.size(0), b.size(1)}, a.dtype()));
  TENSORD_RETURN_IF_ERROR(MmInto(a, b, c));
  return c;
}

// torch's mm_mat1_backward / mm_mat2_backward: the grad of mat1 (mat2) of
// mat1 @ mat2, computed column-major when that input was column-major, as
// torch does (it changes which BLAS call runs, hence the rounding).
bool ColumnMajor(const Shape& sizes, const Shape& strides) {
  return strides[0] == 1 && strides[1] == sizes[0];
}

absl::StatusOr<Tensor> MmMat1Backward(const Tensor& grad, const Tensor& mat2,
                                      bool mat1_column_major) {
  if (mat1_column_major) {
    TENSORD_ASSIGN_OR_RETURN(Tensor gt, T(grad));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Mm(mat2, gt));
    return T(r);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor m2t, T(mat2));
  return Mm(grad, m2t);
}

absl::StatusOr<Tensor> MmMat2Backward(const Tensor& grad, const Tensor& mat1,
                                      bool mat2_column_major) {
  if (mat2_column_major) {
    TENSORD_ASSIGN_OR_RETURN(Tensor gt, T(grad));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Mm(gt, mat1));
    return T(r);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor m1t, T(mat1));
  return Mm(m1t, grad);
}

}  // namespace

StatusOrTensor Dot(const Tensor& a, const Tensor& b) {
  if (a.dim() != 1 || b.dim() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("1D tensors expected, but got ", a.dim(), "D and ",
                     b.dim(), "D tensors"));
  }
  if (a.numel() != b.numel()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inconsistent tensor size, expected tensor [", a.numel(), "] and src [",
        b.numel(), "] to have the same number of elements, but got ", a.numel(),
        " and ", b.numel(), " elements respectively"));
  }
  if (a.dtype() != b.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dot : expected both vectors to have same dtype, but found ",
        DTypeShortName(a.dtype()), " and ", DTypeShortName(b.dtype())));
  }
  if (a.dtype() == DType::kBool) {
    return absl::InvalidArgumentError("\"dot\" not implemented for 'Bool'");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty({}, a.dtype()));
  const int64_t n = a.numel();
  const int64_t sa = a.strides()[0], sb = b.strides()[0];
  TENSORD_DISPATCH_ALL(a.dtype(), T, {
    if constexpr (!std::is_same_v<T, bool>) {
      const T* x = a.data<T>();
      const T* y = b.data<T>();
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        // torch calls the BLAS dot (OpenBLAS here, as for Debian's torch
        // through libblas.so.3) within int range.
        const bool blas = n <= INT_MAX && sa <= INT_MAX && sb <= INT_MAX;
        const int bn = static_cast<int>(n);
        const int ia = n == 1 ? 1 : static_cast<int>(sa);
        const int ib = n == 1 ? 1 : static_cast<int>(sb);
        if (blas && std::is_same_v<T, float>) {
          *out.data<T>() = static_cast<T>(
              cblas_sdot(bn, reinterpret_cast<const float*>(x), ia,
                         reinterpret_cast<const float*>(y), ib));
        } else if (blas) {
          *out.data<T>() = static_cast<T>(
              cblas_ddot(bn, reinterpret_cast<const double*>(x), ia,
                         reinterpret_cast<const double*>(y), ib));
        } else {
          double acc = 0;
          for (int64_t i = 0; i < n; ++i)
            acc += double(x[i * sa]) * double(y[i * sb]);
          *out.data<T>() = static_cast<T>(acc);
        }
      } else {
        T acc = T(0);
        for (int64_t i = 0; i < n; ++i) {
          acc = WrapAdd(acc, WrapMul(x[i * sa], y[i * sb]));
        }
        *out.data<T>() = acc;
      }
    }
  });
  if (auto node = RecordOp("DotBackward0", {&a, &b}, {&out})) {
    const int a_slot = b.requires_grad() ? node->Save(a) : -1;
    const int b_slot = a.requires_grad() ? node->Save(b) : -1;
    node->set_backward(
        [a_slot, b_slot](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          GradList r(2);
          if (b_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
            TENSORD_ASSIGN_OR_RETURN(r[0], Mul(g[0], b));
          }
          if (a_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
            TENSORD_ASSIGN_OR_RETURN(r[1], Mul(g[0], a));
          }
          return r;
        });
  }
  return out;
}

StatusOrTensor Mm(const Tensor& a, const Tensor& b) {
  TENSORD_RETURN_IF_ERROR(CheckMmShapes(a, b));
  TENSORD_RETURN_IF_ERROR(SameDType(a, b));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MmForward(a, b));
  if (auto node = RecordOp("MmBackward0", {&a, &b}, {&out})) {
    const int a_slot = b.requires_grad() ? node->Save(a) : -1;
    const int b_slot = a.requires_grad() ? node->Save(b) : -1;
    const bool a_column_major = ColumnMajor(a.sizes(), a.strides());
    const bool b_column_major = ColumnMajor(b.sizes(), b.strides());
    node->set_backward([a_slot, b_slot, a_column_major, b_column_major](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      GradList r(2);
      if (b_slot >= 0) {  // da = g @ b^T
        TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
        TENSORD_ASSIGN_OR_RETURN(r[0], MmMat1Backward(g[0], b, a_column_major));
      }
      if (a_slot >= 0) {  // db = a^T @ g
        TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
        TENSORD_ASSIGN_OR_RETURN(r[1], MmMat2Backward(g[0], a, b_column_major));
      }
      return r;
    });
  }
  return out;
}

StatusOrTensor AddmmBlas(const Tensor& input, const Tensor& m1,
                         const Tensor& m2, const Scalar& beta,
                         const Scalar& alpha) {
  TENSORD_RETURN_IF_ERROR(CheckMmShapes(m1, m2));
  const double beta_d = beta.to_double(), alpha_d = alpha.to_double();
  Tensor out;
  {
    // torch: result = expand(input).copy(), then BLAS with beta on it.
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor e,
                             Expand(input.detach(), {m1.size(0), m2.size(1)}));
    if (beta_d != 0) {
      TENSORD_ASSIGN_OR_RETURN(out, Clone(e));
    } else {
      TENSORD_ASSIGN_OR_RETURN(out,
                               Empty({m1.size(0), m2.size(1)}, m1.dtype()));
    }
    if (out.numel() > 0) {
      if (m1.size(1) == 0) {
        TENSORD_ASSIGN_OR_RETURN(Tensor z, beta_d == 0
                                               ? ZerosLike(out)
                                               : Mul(out, WrapScalar(beta)));
        out = z;
      } else if (m1.dtype() == DType::kFloat32) {
        TENSORD_RETURN_IF_ERROR(TorchAddmm<float>(out, m1, m2,
                                                  static_cast<float>(beta_d),
                                                  static_cast<float>(alpha_d)));
      } else {
        TENSORD_RETURN_IF_ERROR(
            TorchAddmm<double>(out, m1, m2, beta_d, alpha_d));
      }
    }
  }
  if (auto node = RecordOp("AddmmBackward0", {&input, &m1, &m2}, {&out})) {
    const int m1_slot = m2.requires_grad() ? node->Save(m1) : -1;
    const int m2_slot = m1.requires_grad() ? node->Save(m2) : -1;
    const bool m1_column_major = ColumnMajor(m1.sizes(), m1.strides());
    const bool m2_column_major = ColumnMajor(m2.sizes(), m2.strides());
    node->set_backward(
        [beta, alpha, m1_slot, m2_slot, m1_column_major, m2_column_major](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          // torch's maybe_multiply: a factor of 1 leaves the gradient alone.
          auto scale = [](const Tensor& t, const Scalar& s) -> StatusOrTensor {
            if (s.to_double() == 1) return t;
            return Mul(t, WrapScalar(s));
          };
          GradList r(3);
          TENSORD_ASSIGN_OR_RETURN(r[0], scale(g[0], beta));
          if (m2_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor m2, n.Saved(m2_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor d,
                                     MmMat1Backward(g[0], m2, m1_column_major));
            TENSORD_ASSIGN_OR_RETURN(r[1], scale(d, alpha));
          }
          if (m1_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor m1, n.Saved(m1_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor d,
                                     MmMat2Backward(g[0], m1, m2_column_major));
            TENSORD_ASSIGN_OR_RETURN(r[2], scale(d, alpha));
          }
          return r;
        });
  }
  return out;
}

StatusOrTensor Mv(const Tensor& a, const Tensor& v) {
  if (a.dim() != 2 || v.dim() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "vector + matrix @ vector expected, got 1, ", a.dim(), ", ", v.dim()));
  }
  if (a.size(1) != v.size(0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("size mismatch, got ", a.size(0), ", ", a.size(0), "x",
                     a.size(1), ",", v.size(0)));
  }
  TENSORD_RETURN_IF_ERROR(SameDType(a, v));
  Tensor out;
  if ((a.dtype() == DType::kFloat32 || a.dtype() == DType::kFloat64) &&
      a.numel() > 0) {
    // torch 1.13's addmv: gemv 'n' on a column-major matrix, 't' on a
    // row-major one (or a contiguous copy).
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, Empty({a.size(0)}, a.dtype()));
    const int64_t m = a.size(0), n = a.size(1);
    const Shape& st = a.strides();
    auto lda_ok = [](int64_t rows, int64_t cols, int64_t lda) {
      return cols == 1 || lda >= std::max<int64_t>(1, rows);
    };
    Tensor mat = a;
    bool trans = true;
    int64_t lda;
    if (st[0] == 1 && lda_ok(m, n, st[1])) {
      trans = false;
      lda = st[1];
    } else if (st[1] == 1 && lda_ok(n, m, st[0])) {
      lda = st[0];
    } else {
      TENSORD_ASSIGN_OR_RETURN(mat, Clone(a));
      lda = mat.strides()[0];
    }
    TENSORD_DISPATCH_FLOATING(a.dtype(), F, {
      TorchGemv<F>(trans, trans ? n : m, trans ? m : n, F(1), mat.data<F>(),
                   lda, v.data<F>(), v.strides()[0], F(0), out.data<F>(),
                   out.strides()[0]);
    });
  } else {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor vm, Unsqueeze(v, 1));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, MmForward(a, vm));
    TENSORD_ASSIGN_OR_RETURN(out, Reshape(r, {a.size(0)}));
    out = out.detach();
    out.impl()->view_base = nullptr;
  }
  if (auto node = RecordOp("MvBackward0", {&a, &v}, {&out})) {
    const int a_slot = v.requires_grad() ? node->Save(a) : -1;
    const int v_slot = a.requires_grad() ? node->Save(v) : -1;
    node->set_backward(
        [a_slot, v_slot](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          GradList r(2);
          if (v_slot >= 0) {  // da = outer(g, v)
            TENSORD_ASSIGN_OR_RETURN(Tensor v, n.Saved(v_slot));
            TENSORD_ASSIGN_OR_RETURN(r[0], Outer(g[0], v));
          }
          if (a_slot >= 0) {  // dv = a^T @ g
            TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor at, T(a));
            TENSORD_ASSIGN_OR_RETURN(r[1], Mv(at, g[0]));
          }
          return r;
        });
  }
  return out;
}

StatusOrTensor Outer(const Tensor& a, const Tensor& b) {
  if (a.dim() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "outer: Expected 1-D argument self, but got ", a.dim(), "-D"));
  }
  if (b.dim() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "outer: Expected 1-D argument vec2, but got ", b.dim(), "-D"));
  }
  // torch.outer is a.reshape(-1, 1) * b (grad_fn MulBackward0).
  TENSORD_ASSIGN_OR_RETURN(Tensor col, Reshape(a, {-1, 1}));
  return Mul(col, b);
}

namespace {

// torch 1.13's bmm/baddbmm for products of fewer than 400 multiply-adds
// per matrix: a plain loop in the element type, summing in k order onto
// beta * out (bmm: onto 0). The product is (alpha * a) * b, as torch writes
// it.
template <typename T>
void SmallBaddbmm(const Tensor& out, const Tensor& a, const Tensor& b, T beta,
                  T alpha, bool is_bmm) {
  const int64_t batch = a.size(0), rows = a.size(1), cols = b.size(2),
                inner = a.size(2);
  const Shape &sa = a.strides(), &sb = b.strides(), &so = out.strides();
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* po = out.data<T>();
  for (int64_t x = 0; x < batch; ++x) {
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) {
        T& r = po[x * so[0] + i * so[1] + j * so[2]];
        const T* ra = pa + x * sa[0] + i * sa[1];
        const T* cb = pb + x * sb[0] + j * sb[2];
        if (is_bmm) {
          r = 0;
          for (int64_t p = 0; p < inner; ++p)
            r += ra[p * sa[2]] * cb[p * sb[1]];
        } else {
          r *= beta;
          for (int64_t p = 0; p < inner; ++p) {
            r += alpha * ra[p * sa[2]] * cb[p * sb[1]];
          }
        }
      }
    }
  }
}

// out (contiguous [B, n, m], holding the addend unless is_bmm) = beta * out
// + alpha * a @ b for a [B, n, k] and b [B, k, m] (any strides), as torch
// 1.13's bmm_out_or_baddbmm_: the small loop, else one BLAS product per
// batch entry.
template <typename T>
absl::Status TorchBaddbmm(const Tensor& out, const Tensor& a, const Tensor& b,
                          T beta, T alpha, bool is_bmm) {
  const int64_t k = a.size(2);
  if (out.numel() == 0) return absl::OkStatus();
  if (k == 0) {
    T* po = out.data<T>();
    for (int64_t i = 0; i < out.numel(); ++i) {
      po[i] = (is_bmm || beta == T(0)) ? T(0) : po[i] * beta;
    }
    return absl::OkStatus();
  }
  if (k * a.size(1) * b.size(2) < 400) {
    SmallBaddbmm<T>(out, a, b, beta, alpha, is_bmm);
    return absl::OkStatus();
  }
  NoGradGuard g;
  for (int64_t i = 0; i < a.size(0); ++i) {
    TENSORD_ASSIGN_OR_RETURN(Tensor ai, Select(a, 0, i));
    TENSORD_ASSIGN_OR_RETURN(Tensor bi, Select(b, 0, i));
    TENSORD_ASSIGN_OR_RETURN(Tensor oi, Select(out, 0, i));
    TENSORD_RETURN_IF_ERROR(
        TorchAddmm<T>(oi, ai, bi, is_bmm ? T(0) : beta, is_bmm ? T(1) : alpha));
  }
  return absl::OkStatus();
}

// Batched product of a [B, n, k] and b [B, k, m] (any strides) into [B, n, m].
absl::StatusOr<Tensor> BmmForward(const Tensor& a, const Tensor& b) {
  const int64_t batch = a.size(0);
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           Empty({batch, a.size(1), b.size(2)}, a.dtype()));
  if (a.dtype() == DType::kFloat32) {
    TENSORD_RETURN_IF_ERROR(TorchBaddbmm<float>(out, a, b, 0, 1, true));
    return out;
  }
  if (a.dtype() == DType::kFloat64) {
    TENSORD_RETURN_IF_ERROR(TorchBaddbmm<double>(out, a, b, 0, 1, true));
    return out;
  }
  for (int64_t i = 0; i < batch; ++i) {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor ai, Select(a, 0, i));
    TENSORD_ASSIGN_OR_RETURN(Tensor bi, Select(b, 0, i));
    TENSORD_ASSIGN_OR_RETURN(Tensor oi, Select(out, 0, i));
    TENSORD_RETURN_IF_ERROR(Gemm(ai, bi, oi));
  }
  return out;
}

StatusOrTensor BmmKernel(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, BmmForward(a, b));
  if (auto node = RecordOp("BmmBackward0", {&a, &b}, {&out})) {
    const int a_slot = b.requires_grad() ? node->Save(a) : -1;
    const int b_slot = a.requires_grad() ? node->Save(b) : -1;
    node->set_backward(
        [a_slot, b_slot](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          GradList r(2);
          if (b_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor bt, Transpose(b, 1, 2));
            TENSORD_ASSIGN_OR_RETURN(r[0], BmmKernel(g[0], bt));
          }
          if (a_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor at, Transpose(a, 1, 2));
            TENSORD_ASSIGN_OR_RETURN(r[1], BmmKernel(at, g[0]));
          }
          return r;
        });
  }
  return out;
}

}  // namespace

StatusOrTensor BaddbmmFloat(const Tensor& input, const Tensor& b1,
                            const Tensor& b2, const Scalar& beta,
                            const Scalar& alpha) {
  Tensor out;
  {
    // torch: result = expand(input).copy(), then the product added onto it.
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(
        Tensor e, Expand(input.detach(), {b1.size(0), b1.size(1), b2.size(2)}));
    TENSORD_ASSIGN_OR_RETURN(out, Clone(e));
    if (out.dtype() == DType::kFloat32) {
      TENSORD_RETURN_IF_ERROR(
          TorchBaddbmm<float>(out, b1, b2, static_cast<float>(beta.to_double()),
                              static_cast<float>(alpha.to_double()), false));
    } else {
      TENSORD_RETURN_IF_ERROR(TorchBaddbmm<double>(
          out, b1, b2, beta.to_double(), alpha.to_double(), false));
    }
  }
  if (auto node = RecordOp("BaddbmmBackward0", {&input, &b1, &b2}, {&out})) {
    const int b1_slot = b2.requires_grad() ? node->Save(b1) : -1;
    const int b2_slot = b1.requires_grad() ? node->Save(b2) : -1;
    node->set_backward(
        [beta, alpha, b1_slot, b2_slot](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          auto scale = [](const Tensor& t, const Scalar& s) -> StatusOrTensor {
            if (s.to_double() == 1) return t;  // torch's maybe_multiply
            return Mul(t, WrapScalar(s));
          };
          GradList r(3);
          TENSORD_ASSIGN_OR_RETURN(r[0], scale(g[0], beta));
          if (b2_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor b2, n.Saved(b2_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor b2t, Transpose(b2, 1, 2));
            TENSORD_ASSIGN_OR_RETURN(Tensor d, BmmKernel(g[0], b2t));
            TENSORD_ASSIGN_OR_RETURN(r[1], scale(d, alpha));
          }
          if (b1_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor b1, n.Saved(b1_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor b1t, Transpose(b1, 1, 2));
            TENSORD_ASSIGN_OR_RETURN(Tensor d, BmmKernel(b1t, g[0]));
            TENSORD_ASSIGN_OR_RETURN(r[2], scale(d, alpha));
          }
          return r;
        });
  }
  return out;
}

StatusOrTensor Matmul(const Tensor& a, const Tensor& b) {
  const int64_t da = a.dim(), db = b.dim();
  if (da == 0 || db == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "both arguments to matmul need to be at least 1D, but they are ", da,
        "D and ", db, "D"));
  }
  if (da == 1 && db == 1) return Dot(a, b);
  if (da == 2 && db == 1) return Mv(a, b);
  if (da == 2 && db == 2) return Mm(a, b);
  if (da == 1 && db == 2) {
    TENSORD_ASSIGN_OR_RETURN(Tensor a2, Unsqueeze(a, 0));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Mm(a2, b));
    return Squeeze(r, 0);
  }
  TENSORD_RETURN_IF_ERROR(SameDType(a, b));
  // torch 1.13 folds [..., n, k] @ [k, m] (or [k]) into one mm (mv) over
  // the rows, and so rounds as that mm does; [n, k] @ [..., k, m] likewise
  // as (b^T folded) @ a^T, transposed back. Not a [B, n, k] that is a
  // transposed batch (permute(0, 2, 1)) against a matrix: that is bmm.
  auto should_fold = [](const Tensor& t, int64_t other_dim) {
    if (t.dim() < 3 || other_dim > 2) return false;
    return !(t.dim() == 3 && other_dim == 2 && t.strides()[2] != 1 &&
             t.strides()[0] == t.size(1) * t.size(2));
  };
  const bool fold_a = should_fold(a, db), fold_b = should_fold(b, da);
  if ((fold_a && a.size(-1) == b.size(0)) ||
      (fold_b && b.size(-2) == a.size(-1))) {
    const bool transpose = db > da;
    Tensor t1 = a, t2 = b;
    if (transpose) {
      TENSORD_ASSIGN_OR_RETURN(t1, Transpose(b, -1, -2));
      if (da == 2) {
        TENSORD_ASSIGN_OR_RETURN(t2, T(a));
      } else {
        t2 = a;
      }
    }
    DimList out_shape(t1.sizes().begin(), t1.sizes().end() - 1);
    TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(t1, {-1, t1.size(-1)}));
    Tensor prod;
    if (t2.dim() == 1) {
      TENSORD_ASSIGN_OR_RETURN(prod, Mv(flat, t2));
    } else {
      TENSORD_ASSIGN_OR_RETURN(prod, Mm(flat, t2));
      out_shape.push_back(t2.size(1));
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Reshape(prod, out_shape));
    if (!transpose || t2.dim() == 1) return out;
    TENSORD_ASSIGN_OR_RETURN(Tensor outt, Transpose(out, -1, -2));
    return Contiguous(outt);
  }
  // Batched: treat 1-D operands as matrices, broadcast the batch dims, run
  // one batched product, and restore the shape.
  Tensor a3 = a, b3 = b;
  if (da == 1) {
    TENSORD_ASSIGN_OR_RETURN(a3, Unsqueeze(a, 0));
  }
  if (db == 1) {
    TENSORD_ASSIGN_OR_RETURN(b3, Unsqueeze(b, 1));
  }
  const int64_t n = a3.size(-2), k = a3.size(-1), k2 = b3.size(-2),
                m = b3.size(-1);
  Shape ba(a3.sizes().begin(), a3.sizes().end() - 2);
  Shape bb(b3.sizes().begin(), b3.sizes().end() - 2);
  if (k != k2) {
    if (ba.empty() || bb.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("mat1 and mat2 shapes cannot be multiplied (", n, "x", k,
                       " and ", k2, "x", m, ")"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected size for first two dimensions of batch2 tensor to be: [",
        ba.empty() ? 1 : ba[0], ", ", k, "] but got: [", bb.empty() ? 1 : bb[0],
        ", ", k2, "]."));
  }
  TENSORD_ASSIGN_OR_RETURN(Shape batch, BroadcastShapes(ba, bb));
  int64_t nb = 1;
  for (int64_t s : batch) nb *= s;
  DimList ea(batch.begin(), batch.end()), eb = ea;
  ea.push_back(n);
  ea.push_back(k);
  eb.push_back(k);
  eb.push_back(m);
  TENSORD_ASSIGN_OR_RETURN(Tensor ax, Expand(a3, ea));
  TENSORD_ASSIGN_OR_RETURN(Tensor bx, Expand(b3, eb));
  // As torch: expand, then reshape to one batch of matrices (a view when
  // the strides allow: a transposed batch stays transposed, and so goes to
  // BLAS as 'T', which rounds differently from a copy).
  TENSORD_ASSIGN_OR_RETURN(Tensor af, Reshape(ax, {nb, n, k}));
  TENSORD_ASSIGN_OR_RETURN(Tensor bf, Reshape(bx, {nb, k, m}));
  TENSORD_ASSIGN_OR_RETURN(Tensor prod, BmmKernel(af, bf));
  DimList out_shape(batch.begin(), batch.end());
  if (da > 1) out_shape.push_back(n);
  if (db > 1) out_shape.push_back(m);
  return Reshape(prod, out_shape);
}

// ---------------------------------------------------------------------------
// eigendecompositions

namespace {

absl::Status CheckSquare(const Tensor& a, const char* name) {
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": The input tensor A must have at least 2 dimensions."));
  }
  if (a.size(-1) != a.size(-2)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": A must be batches of square matrices, but they are ",
        a.size(-2), " by ", a.size(-1), " matrices"));
  }
  const bool complex_ok = std::string(name) != "linalg.eigh";
  if (!IsFloating(a.dtype()) && !(complex_ok && IsComplex(a.dtype()))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"",
        std::string(name) == "linalg.eigh" ? "linalg_eigh_cpu"
                                           : "linalg_eig_cpu",
        "\" not implemented for '", DTypeShortName(a.dtype()), "'"));
  }
  return absl::OkStatus();
}

// OK when every element of `a` (floating or complex) is finite.
// INVALID_ARGUMENT with `message` otherwise: LAPACK's general solvers
// (geev, gesdd) can corrupt memory on infs and NaNs, so torch and we refuse
// them before calling it.
absl::Status CheckFinite(const Tensor& a, const std::string& message) {
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(a));
  bool finite = true;
  TENSORD_DISPATCH_ALL(c.dtype(), T, {
    const T* p = c.data<T>();
    for (int64_t i = 0, n = c.numel(); i < n && finite; ++i) {
      if constexpr (kIsComplex<T>) {
        finite = std::isfinite(p[i].real()) && std::isfinite(p[i].imag());
      } else if constexpr (std::is_floating_point_v<T>) {
        finite = std::isfinite(p[i]);
      }
    }
  });
  if (!finite) return absl::InvalidArgumentError(message);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::pair<Tensor, Tensor>> Eigh(const Tensor& a) {
  TENSORD_RETURN_IF_ERROR(CheckSquare(a, "linalg.eigh"));
  const int64_t n = a.size(-1);
  const int64_t batch = n ? a.numel() / (n * n) : 0;
  Tensor vecs, vals;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(vecs, Clone(a));
    Shape vshape(a.sizes().begin(), a.sizes().end() - 1);
    TENSORD_ASSIGN_OR_RETURN(vals, Empty(vshape, a.dtype()));
    for (int64_t i = 0; i < batch; ++i) {
      lapack_int info;
      if (a.dtype() == DType::kFloat32) {
        info = LAPACKE_ssyevd(LAPACK_ROW_MAJOR, 'V', 'L', n,
                              vecs.data<float>() + i * n * n, n,
                              vals.data<float>() + i * n);
      } else {
        info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'L', n,
                              vecs.data<double>() + i * n * n, n,
                              vals.data<double>() + i * n);
      }
      if (info == -5) {
        // LAPACKE refuses a matrix with a NaN in the triangle it reads
        // (argument 5, A); LAPACK itself, which torch calls, returns NaN
        // eigenvalues and eigenvectors. So do we.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        TENSORD_DISPATCH_FLOATING(a.dtype(), T, {
          std::fill_n(vecs.data<T>() + i * n * n, n * n, static_cast<T>(nan));
          std::fill_n(vals.data<T>() + i * n, n, static_cast<T>(nan));
        });
        continue;
      }
      if (info != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "linalg.eigh: The algorithm failed to converge because the input "
            "matrix is ill-conditioned or has too many repeated eigenvalues "
            "(error code: ",
            info, ")."));
      }
    }
  }
  if (auto node = RecordOp("LinalgEighBackward0", {&a}, {&vals, &vecs})) {
    const int vals_slot = node->Save(vals, true);
    const int vecs_slot = node->Save(vecs, true);
    node->set_backward([vals_slot, vecs_slot](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      // gA = V (P ./ E + diag(gL)) V^T with P the skew-symmetric part of
      // V^T gV and E_ij = L_j - L_i (torch's linalg_eig_backward, hermitian).
      TENSORD_ASSIGN_OR_RETURN(Tensor L, n.Saved(vals_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor V, n.Saved(vecs_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor Vt, Transpose(V, -2, -1));
      TENSORD_ASSIGN_OR_RETURN(Tensor VtgV, Matmul(Vt, g[1]));
      TENSORD_ASSIGN_OR_RETURN(Tensor VtgVt, Transpose(VtgV, -2, -1));
      TENSORD_ASSIGN_OR_RETURN(Tensor skew0, Sub(VtgV, VtgVt));
      TENSORD_ASSIGN_OR_RETURN(Tensor skew, Mul(skew0, WrapScalar(0.5)));
      TENSORD_ASSIGN_OR_RETURN(Tensor Lr, Unsqueeze(L, -2));
      TENSORD_ASSIGN_OR_RETURN(Tensor Lc, Unsqueeze(L, -1));
      TENSORD_ASSIGN_OR_RETURN(Tensor E, Sub(Lr, Lc));
      const int64_t k = L.size(-1);
      TENSORD_ASSIGN_OR_RETURN(Tensor eye, Eye(k, std::nullopt, DType::kBool));
      TENSORD_ASSIGN_OR_RETURN(Tensor onesE, OnesLike(E));
      TENSORD_ASSIGN_OR_RETURN(Tensor Esafe, Where(eye, onesE, E));
      TENSORD_ASSIGN_OR_RETURN(Tensor inner0, Div(skew, Esafe));
      TENSORD_ASSIGN_OR_RETURN(Tensor gLd, Unsqueeze(g[0], -2));
      TENSORD_ASSIGN_OR_RETURN(
          Tensor gLm,
          Expand(gLd, DimList(inner0.sizes().begin(), inner0.sizes().end())));
      TENSORD_ASSIGN_OR_RETURN(Tensor inner, Where(eye, gLm, inner0));
      TENSORD_ASSIGN_OR_RETURN(Tensor t1, Matmul(V, inner));
      TENSORD_ASSIGN_OR_RETURN(Tensor gA, Matmul(t1, Vt));
      return GradList{gA};
    });
  }
  return std::make_pair(vals, vecs);
}

namespace {

// eig of complex matrices, computed in double precision (zgeev); the
// results have a's dtype.
absl::StatusOr<std::pair<Tensor, Tensor>> EigComplex(const Tensor& a) {
  using zd = std::complex<double>;
  const int64_t n = a.size(-1);
  const int64_t batch = n ? a.numel() / (n * n) : 0;
  TENSORD_ASSIGN_OR_RETURN(Tensor c0, Contiguous(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, To(c0, DType::kComplex128));
  Shape vshape(a.sizes().begin(), a.sizes().end() - 1);
  TENSORD_ASSIGN_OR_RETURN(Tensor vals, Empty(vshape, DType::kComplex128));
  TENSORD_ASSIGN_OR_RETURN(Tensor vecs, Empty(a.sizes(), DType::kComplex128));
  std::vector<zd> m(n * n);
  for (int64_t b = 0; b < batch; ++b) {
    const zd* src = c.data<zd>() + b * n * n;
    std::copy(src, src + n * n, m.begin());
    lapack_int info = LAPACKE_zgeev(
        LAPACK_ROW_MAJOR, 'N', 'V', n,
        reinterpret_cast<lapack_complex_double*>(m.data()), n,
        reinterpret_cast<lapack_complex_double*>(vals.data<zd>() + b * n),
        nullptr, 1,
        reinterpret_cast<lapack_complex_double*>(vecs.data<zd>() + b * n * n),
        n);
    if (info != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "linalg.eig: The algorithm failed to converge (error code: ", info,
          ")."));
    }
  }
  if (a.dtype() != DType::kComplex128) {
    TENSORD_ASSIGN_OR_RETURN(vals, To(vals, a.dtype()));
    TENSORD_ASSIGN_OR_RETURN(vecs, To(vecs, a.dtype()));
  }
  if (auto node = RecordOp("LinalgEigBackward0", {&a}, {&vals, &vecs})) {
    node->set_backward([](Node&, const GradList&) -> absl::StatusOr<GradList> {
      return absl::UnimplementedError(
          "the derivative of linalg.eig is not implemented in tensord");
    });
  }
  return std::make_pair(vals, vecs);
}

// Real eig (dgeev) written as complex C: complex64 for float32 input (as
// torch's), complex128 for float64.
template <typename C>
void StoreRealEig(const std::vector<double>& wr, const std::vector<double>& wi,
                  const std::vector<double>& vr, int64_t n, C* ov, C* oV) {
  using R = typename C::value_type;
  for (int64_t j = 0; j < n; ++j) {
    ov[j] = C(static_cast<R>(wr[j]), static_cast<R>(wi[j]));
    if (wi[j] != 0 && j + 1 < n) {
      // Conjugate pair: columns j and j+1 hold the real and imaginary parts.
      ov[j + 1] = C(static_cast<R>(wr[j + 1]), static_cast<R>(wi[j + 1]));
      for (int64_t i = 0; i < n; ++i) {
        const double re = vr[i * n + j], im = vr[i * n + j + 1];
        oV[i * n + j] = C(static_cast<R>(re), static_cast<R>(im));
        oV[i * n + j + 1] = C(static_cast<R>(re), static_cast<R>(-im));
      }
      ++j;
    } else {
      for (int64_t i = 0; i < n; ++i) {
        oV[i * n + j] = C(static_cast<R>(vr[i * n + j]), R(0));
      }
    }
  }
}

}  // namespace

absl::StatusOr<std::pair<Tensor, Tensor>> Eig(const Tensor& a) {
  TENSORD_RETURN_IF_ERROR(CheckSquare(a, "linalg.eig"));
  TENSORD_RETURN_IF_ERROR(CheckFinite(
      a, "torch.linalg.eig: input tensor should not contain infs or NaNs."));
  const int64_t n = a.size(-1);
  const int64_t batch = n ? a.numel() / (n * n) : 0;
  if (IsComplex(a.dtype())) return EigComplex(a);
  TENSORD_ASSIGN_OR_RETURN(Tensor work0, To(a, DType::kFloat64));
  TENSORD_ASSIGN_OR_RETURN(Tensor work, Clone(work0));
  Shape vshape(a.sizes().begin(), a.sizes().end() - 1);
  const DType ct = ToComplexDType(a.dtype());
  TENSORD_ASSIGN_OR_RETURN(Tensor vals, Empty(vshape, ct));
  TENSORD_ASSIGN_OR_RETURN(Tensor vecs, Empty(a.sizes(), ct));
  std::vector<double> wr(n), wi(n), vr(n * n);
  for (int64_t b = 0; b < batch; ++b) {
    double* m = work.data<double>() + b * n * n;
    lapack_int info =
        LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'V', n, m, n, wr.data(), wi.data(),
                      nullptr, 1, vr.data(), n);
    if (info != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "linalg.eig: The algorithm failed to converge (error code: ", info,
          ")."));
    }
    if (ct == DType::kComplex128) {
      StoreRealEig(wr, wi, vr, n, vals.data<complex128>() + b * n,
                   vecs.data<complex128>() + b * n * n);
    } else {
      StoreRealEig(wr, wi, vr, n, vals.data<complex64>() + b * n,
                   vecs.data<complex64>() + b * n * n);
    }
  }
  // Forward only: the graph is recorded (so grad_fn prints as in torch) but
  // backward through it is a clear error.
  if (auto node = RecordOp("LinalgEigBackward0", {&a}, {&vals, &vecs})) {
    node->set_backward([](Node&, const GradList&) -> absl::StatusOr<GradList> {
      return absl::UnimplementedError(
          "the derivative of linalg.eig is not implemented in tensord");
    });
  }
  return std::make_pair(vals, vecs);
}

StatusOrTensor Eigvals(const Tensor& a) {
  TENSORD_RETURN_IF_ERROR(CheckSquare(a, "linalg.eigvals"));
  TENSORD_RETURN_IF_ERROR(CheckFinite(
      a,
      "torch.linalg.eigvals: input tensor should not contain infs or NaNs."));
  TENSORD_ASSIGN_OR_RETURN(auto r, Eig(a));
  return r.first;
}

// ---------------------------------------------------------------------------
// singular values and matrix norms

StatusOrTensor Svdvals(const Tensor& a) {
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(
        "linalg.svd: The input tensor A must have at least 2 dimensions.");
  }
  if (!IsFloating(a.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"linalg_svd_cpu\" not implemented for '",
                     DTypeShortName(a.dtype()), "'"));
  }
  TENSORD_RETURN_IF_ERROR(
      CheckFinite(a,
                  "linalg.svd: The algorithm failed to converge because the "
                  "input matrix contained non-finite values."));
  if (GradEnabled() && a.requires_grad() &&
      (a.dtype() == DType::kFloat32 || a.dtype() == DType::kFloat64)) {
    // Differentiable: through the reduced SVD's node (torch's grad_fn,
    // LinalgSvdBackward0), whose U and Vh are saved with their history, so
    // a create_graph pass can differentiate the gradient again. The same
    // gesdd call (jobz 'S' on A column-major) as below, so the same values.
    TENSORD_ASSIGN_OR_RETURN(std::vector<Tensor> usv, LinalgSvd(a, false));
    return usv[1];
  }
  const int64_t m = a.size(-2), n = a.size(-1), k = std::min(m, n);
  const int64_t batch = (m > 0 && n > 0) ? a.numel() / (m * n) : 0;
  Shape sshape(a.sizes().begin(), a.sizes().end() - 2);
  Shape ushape = sshape, vshape = sshape;
  sshape.push_back(k);
  ushape.push_back(m);
  ushape.push_back(k);
  vshape.push_back(k);
  vshape.push_back(n);
  TENSORD_ASSIGN_OR_RETURN(Tensor s, Empty(sshape, a.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor u, Empty(ushape, a.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor vt, Empty(vshape, a.dtype()));
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(Tensor work, Clone(a));
    for (int64_t b = 0; b < batch; ++b) {
      lapack_int info;
      if (a.dtype() == DType::kFloat32) {
        info = LAPACKE_sgesdd(
            LAPACK_ROW_MAJOR, 'S', m, n, work.data<float>() + b * m * n, n,
            s.data<float>() + b * k, u.data<float>() + b * m * k, k,
            vt.data<float>() + b * k * n, n);
      } else {
        info = LAPACKE_dgesdd(
            LAPACK_ROW_MAJOR, 'S', m, n, work.data<double>() + b * m * n, n,
            s.data<double>() + b * k, u.data<double>() + b * m * k, k,
            vt.data<double>() + b * k * n, n);
      }
      if (info != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "linalg.svd: The algorithm failed to converge (error code: ", info,
            ")."));
      }
    }
  }
  if (auto node = RecordOp("LinalgSvdBackward0", {&a}, {&s})) {
    // (Not reached for float32 and float64, which take LinalgSvd above.)
    // u and vt have no history: create_graph cannot record this backward.
    node->twice_differentiable = false;
    const int u_slot = node->Save(u);
    const int vt_slot = node->Save(vt);
    node->set_backward(
        [u_slot, vt_slot](Node& n,
                          const GradList& g) -> absl::StatusOr<GradList> {
          // d sigma_i = u_i^T dA v_i, so gA = U diag(gS) V^T.
          TENSORD_ASSIGN_OR_RETURN(Tensor u, n.Saved(u_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor vt, n.Saved(vt_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor gs, Unsqueeze(g[0], -2));
          TENSORD_ASSIGN_OR_RETURN(Tensor us, Mul(u, gs));
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, Matmul(us, vt));
          return GradList{ga};
        });
  }
  return s;
}

StatusOrTensor MatrixNorm(const Tensor& t, NormOrd ord, const DimList& dims,
                          bool keepdim) {
  if (t.dim() < 2) {
    return absl::InvalidArgumentError(
        "linalg.matrix_norm: The input tensor A must have at least 2 "
        "dimensions.");
  }
  if (dims.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("linalg.matrix_norm: dim must be a 2-tuple. Got ",
                     absl::StrJoin(dims, " ")));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d0, WrapDim(dims[0], t.dim()));
  TENSORD_ASSIGN_OR_RETURN(int64_t d1, WrapDim(dims[1], t.dim()));
  if (d0 == d1) {
    return absl::InvalidArgumentError(
        absl::StrCat("linalg.matrix_norm: dims must be different. Got (",
                     dims[0], ", ", dims[1], ")"));
  }
  if (ord.kind == NormOrd::kDefault || ord.kind == NormOrd::kFro) {
    return LinalgVectorNorm(t, 2.0, {d0, d1}, keepdim);
  }
  const double p = ord.p;
  if (ord.kind == NormOrd::kNumber &&
      !(std::abs(p) == 1 || std::abs(p) == 2 || std::isinf(p))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.matrix_norm: Order ", p,
        " not supported. Order must be one of 'fro', 'nuc', inf, -inf, 1, -1, "
        "2, -2"));
  }
  // Move the two dims last (in the given order): [..., rows, cols].
  DimList perm;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (d != d0 && d != d1) perm.push_back(d);
  }
  perm.push_back(d0);
  perm.push_back(d1);
  TENSORD_ASSIGN_OR_RETURN(Tensor a, Permute(t, perm));
  Tensor r;
  if (ord.kind == NormOrd::kNuc || std::abs(p) == 2) {
    TENSORD_ASSIGN_OR_RETURN(Tensor sv, Svdvals(a));
    if (ord.kind == NormOrd::kNuc) {
      TENSORD_ASSIGN_OR_RETURN(r, Sum(sv, {-1}));
    } else {
      TENSORD_ASSIGN_OR_RETURN(r, Select(sv, -1, p > 0 ? 0 : -1));
    }
  } else {
    // 1: max column sum; inf: max row sum (min for the negative orders).
    TENSORD_ASSIGN_OR_RETURN(Tensor ab, Abs(a));
    TENSORD_ASSIGN_OR_RETURN(Tensor sums, Sum(ab, {std::isinf(p) ? -1 : -2}));
    TENSORD_ASSIGN_OR_RETURN(auto vi,
                             p > 0 ? MaxDim(sums, -1) : MinDim(sums, -1));
    r = vi.first;
  }
  if (keepdim) {
    for (int64_t d : {std::min(d0, d1), std::max(d0, d1)}) {
      TENSORD_ASSIGN_OR_RETURN(r, Unsqueeze(r, d));
    }
  }
  return r;
}

StatusOrTensor LinalgNorm(const Tensor& t, NormOrd ord,
                          std::optional<DimList> dims, bool keepdim) {
  if (dims) {
    if (dims->size() == 1) {
      if (ord.kind == NormOrd::kFro || ord.kind == NormOrd::kNuc) {
        return absl::InvalidArgumentError(
            absl::StrCat("linalg.vector_norm: ord must be a number, not '",
                         ord.kind == NormOrd::kFro ? "fro" : "nuc", "'"));
      }
      return LinalgVectorNorm(t, ord.p, *dims, keepdim);
    }
    if (dims->size() == 2) return MatrixNorm(t, ord, *dims, keepdim);
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.norm: If dim is specified, it must be of length 1 or 2. Got [",
        absl::StrJoin(*dims, ", "), "]"));
  }
  if (ord.kind == NormOrd::kDefault)
    return LinalgVectorNorm(t, 2.0, {}, keepdim);
  if (t.dim() == 1) {
    if (ord.kind != NormOrd::kNumber) {
      return MatrixNorm(t, ord, {-2, -1}, keepdim);  // the rank error
    }
    return LinalgVectorNorm(t, ord.p, {}, keepdim);
  }
  if (t.dim() == 2) return MatrixNorm(t, ord, {-2, -1}, keepdim);
  return absl::InvalidArgumentError(absl::StrCat(
      "linalg.norm: If dim is not specified but ord is, the input must be 1D "
      "or 2D. Got ",
      t.dim(), "D."));
}

}  // namespace tensord
