// Decompositions and solvers through LAPACK, with torch's drivers: getrf
// (det, slogdet, inv, solve), potrf (cholesky), geqrf/orgqr (qr), gesdd
// (svd). Each op copies its input into a fresh buffer, so strided inputs
// give the same bits as contiguous ones, checks every size that reaches
// LAPACK's 32-bit integers, and records a derivative made of other ops.
// Those derivatives are twice differentiable (core/double_backward.cc): in
// a create_graph pass (grad mode on inside the backward) they solve with
// LinalgSolve on the saved input or outputs instead of LAPACK on the saved
// factors, so the gradient can be differentiated again; a plain backward
// keeps the raw solves and their bits.
// The ops built on them (eigvalsh, pinv, matrix_rank, matrix_exp, lstsq,
// cond, householder_product) are in ops_decomp_derived.cc.
#include <complex>
#define lapack_complex_float std::complex<float>
#define lapack_complex_double std::complex<double>
#include <lapacke.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

constexpr int64_t kLapackMax = std::numeric_limits<lapack_int>::max();

// torch.linalg.LinAlgError (a RuntimeError).
absl::Status LinAlgError(const std::string& message) {
  return WithPythonType(absl::InvalidArgumentError(message), "_LinAlgError");
}

// "(Batch element k): " for batched inputs, as torch prefixes its errors.
std::string BatchPrefix(const Tensor& a, int64_t b) {
  return a.dim() > 2 ? absl::StrCat("(Batch element ", b, "): ") : "";
}

}  // namespace

// The checks torch makes of a matrix input (in its order), plus the limits
// of LAPACK's 32-bit integers.
absl::Status CheckMatrices(const Tensor& a, const std::string& name,
                           bool square) {
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": The input tensor A must have at least 2 dimensions."));
  }
  const int64_t m = a.size(-2), n = a.size(-1);
  if (square && m != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": A must be batches of square matrices, but they ",
                     "are ", m, " by ", n, " matrices"));
  }
  if (IsComplex(a.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": complex input is not supported by tensord"));
  }
  if (!IsFloating(a.dtype()) && name == "cholesky") {
    // torch.cholesky (deprecated) dispatches before checking.
    return absl::InvalidArgumentError(
        absl::StrCat("\"cholesky_cpu\" not implemented for '",
                     DTypeShortName(a.dtype()), "'"));
  }
  if (!IsFloating(a.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat(name,
                     ": Expected a floating point or complex tensor as "
                     "input. Got ",
                     DTypeShortName(a.dtype())));
  }
  // m and n are at most kMaxElements (2^33) each, so m * n cannot overflow.
  if (m > kLapackMax || n > kLapackMax || m * n > kLapackMax) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": matrices of more than ", kLapackMax,
                     " elements or rows or columns are not supported (got ", m,
                     " by ", n, ")"));
  }
  return absl::OkStatus();
}

namespace {

// A fresh contiguous copy of the matrices of `t` in column-major order
// (each [m, n] matrix stored as its transpose's rows).
absl::StatusOr<Tensor> ColMajor(const Tensor& t) {
  TENSORD_ASSIGN_OR_RETURN(Tensor tt, Transpose(t.detach(), -2, -1));
  return Fresh(tt);
}

// The row-major matrices of a column-major buffer `c` ([..., n, m] rows
// holding [..., m, n] matrices).
absl::StatusOr<Tensor> FromColMajor(const Tensor& c) {
  TENSORD_ASSIGN_OR_RETURN(Tensor t, Transpose(c, -2, -1));
  return Fresh(t);
}

Shape WithDims(Shape s, std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) s.push_back(d);
  return s;
}

// ---- LAPACK by element type (the _work forms: no NaN scan, as torch) ----

lapack_int Getrf(lapack_int n, float* a, lapack_int* piv) {
  return LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, n, n, a, n, piv);
}
lapack_int Getrf(lapack_int n, double* a, lapack_int* piv) {
  return LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, n, n, a, n, piv);
}
lapack_int Getrs(char trans, lapack_int n, lapack_int k, const float* a,
                 const lapack_int* piv, float* b) {
  return LAPACKE_sgetrs_work(LAPACK_COL_MAJOR, trans, n, k, a, n, piv, b, n);
}
lapack_int Getrs(char trans, lapack_int n, lapack_int k, const double* a,
                 const lapack_int* piv, double* b) {
  return LAPACKE_dgetrs_work(LAPACK_COL_MAJOR, trans, n, k, a, n, piv, b, n);
}
lapack_int Potrf(char uplo, lapack_int n, float* a) {
  return LAPACKE_spotrf_work(LAPACK_COL_MAJOR, uplo, n, a, n);
}
lapack_int Potrf(char uplo, lapack_int n, double* a) {
  return LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, uplo, n, a, n);
}
lapack_int Geqrf(lapack_int m, lapack_int n, float* a, lapack_int lda,
                 float* tau, float* work, lapack_int lwork) {
  return LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork);
}
lapack_int Geqrf(lapack_int m, lapack_int n, double* a, lapack_int lda,
                 double* tau, double* work, lapack_int lwork) {
  return LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork);
}
lapack_int Orgqr(lapack_int m, lapack_int n, lapack_int k, float* a,
                 lapack_int lda, const float* tau, float* work,
                 lapack_int lwork) {
  return LAPACKE_sorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work,
                             lwork);
}
lapack_int Orgqr(lapack_int m, lapack_int n, lapack_int k, double* a,
                 lapack_int lda, const double* tau, double* work,
                 lapack_int lwork) {
  return LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work,
                             lwork);
}
lapack_int Gesdd(char jobz, lapack_int m, lapack_int n, float* a, float* s,
                 float* u, lapack_int ldu, float* vt, lapack_int ldvt,
                 float* work, lapack_int lwork, lapack_int* iwork) {
  return LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, m, s, u, ldu, vt,
                             ldvt, work, lwork, iwork);
}
lapack_int Gesdd(char jobz, lapack_int m, lapack_int n, double* a, double* s,
                 double* u, lapack_int ldu, double* vt, lapack_int ldvt,
                 double* work, lapack_int lwork, lapack_int* iwork) {
  return LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, m, s, u, ldu, vt,
                             ldvt, work, lwork, iwork);
}

// A workspace size LAPACK asked for, as a checked lapack_int.
absl::StatusOr<lapack_int> WorkSize(double query, const char* name) {
  if (!(query >= 1) || query > static_cast<double>(kLapackMax)) {
    if (query < 1) return 1;
    return absl::ResourceExhaustedError(
        absl::StrCat(name, ": LAPACK workspace too large"));
  }
  return static_cast<lapack_int>(query);
}

// ---- LU ----

// torch's LU of a contiguous A: getrf of the row-major bytes read
// column-major, i.e. of A^T. lu: [..., n, n] those factors; piv: int32
// [..., n]; info: per matrix (k > 0: U(k, k) is zero).
struct LuFactors {
  Tensor lu;
  Tensor piv;
  std::vector<int64_t> info;
};

absl::StatusOr<LuFactors> LuFactor(const Tensor& a) {
  LuFactors f;
  TENSORD_ASSIGN_OR_RETURN(f.lu, Fresh(a.detach()));
  const int64_t n = a.size(-1), count = BatchCount(a);
  Shape ps(a.sizes().begin(), a.sizes().end() - 1);
  TENSORD_ASSIGN_OR_RETURN(f.piv, Empty(ps, DType::kInt32));
  f.info.assign(count, 0);
  TENSORD_DISPATCH_FLOATING(a.dtype(), T, {
    for (int64_t b = 0; b < count; ++b) {
      f.info[b] = Getrf(static_cast<lapack_int>(n), f.lu.data<T>() + b * n * n,
                        f.piv.data<int32_t>() + b * n);
    }
  });
  return f;
}

// X with A X = B (transpose_a false) or A^T X = B, from the factors of A^T.
// b: [..., n, k] with the factors' batch dims.
absl::StatusOr<Tensor> LuSolve(const LuFactors& f, const Tensor& b,
                               bool transpose_a) {
  const int64_t n = f.lu.size(-1), k = b.size(-1);
  if (k > kLapackMax || n * k > kLapackMax) {
    return absl::InvalidArgumentError(
        "linalg.solve: too many right-hand sides for LAPACK");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor x, ColMajor(b));  // [..., k, n]
  const int64_t count = BatchCount(f.lu);
  if (k > 0) {
    TENSORD_DISPATCH_FLOATING(b.dtype(), T, {
      for (int64_t i = 0; i < count; ++i) {
        Getrs(transpose_a ? 'N' : 'T', static_cast<lapack_int>(n),
              static_cast<lapack_int>(k), f.lu.data<T>() + i * n * n,
              f.piv.data<int32_t>() + i * n, x.data<T>() + i * n * k);
      }
    });
  }
  return FromColMajor(x);
}

// A^-1 B or A^-T B for any square A and B [..., n, k] of A's batch dims
// (the derivatives' solver; no checks, no history).
absl::StatusOr<Tensor> SolveRaw(const Tensor& a, const Tensor& b,
                                bool transpose_a) {
  TENSORD_ASSIGN_OR_RETURN(LuFactors f, LuFactor(a));
  return LuSolve(f, b, transpose_a);
}

// diag_embed(v) for v [..., k]: [..., k, k].
absl::StatusOr<Tensor> DiagEmbed(const Tensor& v) {
  const int64_t k = v.size(-1);
  TENSORD_ASSIGN_OR_RETURN(Tensor eye, Eye(k, std::nullopt, v.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor col, Unsqueeze(v, -1));
  return Mul(eye, col);
}

// x with its diagonal scaled by `s` (x [..., k, k]).
absl::StatusOr<Tensor> ScaleDiag(const Tensor& x, double s) {
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Diagonal(x, 0, -2, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor ds, Mul(d, WrapScalar(s - 1.0)));
  TENSORD_ASSIGN_OR_RETURN(Tensor de, DiagEmbed(ds));
  return Add(x, de);
}

// A^-1 B or A^-T B for a derivative. In a create_graph pass (grad mode on
// in a backward, saved tensors unpacked with their history) through
// LinalgSolve, which records its own derivative, so the result can be
// differentiated again; otherwise SolveRaw (the plain backward's bits).
absl::StatusOr<Tensor> SolveForBackward(const Tensor& a, const Tensor& b,
                                        bool transpose_a) {
  if (!GradEnabled()) return SolveRaw(a, b, transpose_a);
  Tensor m = a;
  if (transpose_a) {
    TENSORD_ASSIGN_OR_RETURN(m, Mt(a));
  }
  return LinalgSolve(m, b, /*left=*/true);
}

// The gradient g A^-T of a function of A (g: A's batch shape) through
// differentiable ops, for a create_graph pass: solve(A^T, g I).
absl::StatusOr<Tensor> ScaledInverseTranspose(const Tensor& A,
                                              const Tensor& g) {
  TENSORD_ASSIGN_OR_RETURN(Tensor g1, Unsqueeze(g, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor g2, Unsqueeze(g1, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor eye, BatchEye(A, A.size(-1)));
  TENSORD_ASSIGN_OR_RETURN(Tensor rhs, Mul(eye, g2));
  TENSORD_ASSIGN_OR_RETURN(Tensor At, Mt(A));
  return LinalgSolve(At, rhs, /*left=*/true);
}

// The product of the last dim of p (size >= 1) by halving, from
// differentiable ops only (narrow, mul, cat), so a create_graph pass can
// differentiate it again.
absl::StatusOr<Tensor> ProdLastDim(Tensor p) {
  while (p.size(-1) > 1) {
    const int64_t k = p.size(-1), h = k / 2;
    TENSORD_ASSIGN_OR_RETURN(Tensor lo, Narrow(p, -1, 0, h));
    TENSORD_ASSIGN_OR_RETURN(Tensor hi, Narrow(p, -1, h, h));
    TENSORD_ASSIGN_OR_RETURN(Tensor prod, Mul(lo, hi));
    if (k % 2 != 0) {
      TENSORD_ASSIGN_OR_RETURN(Tensor last, Narrow(p, -1, 2 * h, 1));
      TENSORD_ASSIGN_OR_RETURN(prod, Cat({prod, last}, -1));
    }
    p = prod;
  }
  return Squeeze(p, -1);
}

// The gradient of det at a (possibly) singular A for a create_graph pass,
// as torch computes it: with A = U diag(S) Vh, det A = det U det Vh prod S,
// so gA = U diag(g det U det Vh prod_{j != i} S_j) Vh, with no division.
absl::StatusOr<Tensor> DetBackwardSvd(const Tensor& A, const Tensor& g) {
  TENSORD_ASSIGN_OR_RETURN(std::vector<Tensor> usv, LinalgSvd(A, false));
  const Tensor &U = usv[0], &S = usv[1], &Vh = usv[2];
  Tensor sign;
  {
    // det U det Vh is +-1, locally constant: no derivative.
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor du, LinalgDet(U));
    TENSORD_ASSIGN_OR_RETURN(Tensor dv, LinalgDet(Vh));
    TENSORD_ASSIGN_OR_RETURN(sign, Mul(du, dv));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor alpha, Mul(g, sign));
  // P_ij = S_j off the diagonal, 1 on it; its row products are the
  // products of the other singular values.
  const int64_t k = S.size(-1);
  Tensor eye, off;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(eye, Eye(k, std::nullopt, S.dtype()));
    TENSORD_ASSIGN_OR_RETURN(off, Sub(WrapScalar(1.0), eye));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor Sr, Unsqueeze(S, -2));
  TENSORD_ASSIGN_OR_RETURN(Tensor p0, Mul(Sr, off));
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Add(p0, eye));
  TENSORD_ASSIGN_OR_RETURN(Tensor others, ProdLastDim(p));  // [..., k]
  TENSORD_ASSIGN_OR_RETURN(Tensor a1, Unsqueeze(alpha, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor D, Mul(others, a1));
  TENSORD_ASSIGN_OR_RETURN(Tensor Dr, Unsqueeze(D, -2));
  TENSORD_ASSIGN_OR_RETURN(Tensor ud, Mul(U, Dr));
  return Matmul(ud, Vh);
}

}  // namespace

// ---------------------------------------------------------------------------
// det, slogdet, logdet

StatusOrTensor LinalgDet(const Tensor& a) {
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.det", true));
  const int64_t n = a.size(-1), count = BatchCount(a);
  TENSORD_ASSIGN_OR_RETURN(LuFactors f, LuFactor(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor det, Empty(BatchShape(a), a.dtype()));
  TENSORD_DISPATCH_FLOATING(a.dtype(), T, {
    T* out = det.data<T>();
    if (n == 0) std::fill_n(out, det.numel(), T(1));
    for (int64_t b = 0; b < count; ++b) {
      const T* lu = f.lu.data<T>() + b * n * n;
      const int32_t* piv = f.piv.data<int32_t>() + b * n;
      T d = T(1);
      bool odd = false;
      for (int64_t i = 0; i < n; ++i) {
        d *= lu[i * n + i];
        odd ^= piv[i] != i + 1;
      }
      out[b] = odd ? -d : d;
    }
  });
  if (auto node = RecordOp("LinalgDetBackward0", {&a}, {&det})) {
    const int lu_slot = node->Save(f.lu), piv_slot = node->Save(f.piv),
              det_slot = node->Save(det, true), a_slot = node->Save(a);
    node->set_backward(
        [lu_slot, piv_slot, det_slot, a_slot](
            Node& self, const GradList& g) -> absl::StatusOr<GradList> {
          // torch: det * A^-T from the LU factors, with zero pivots moved to
          // eps (a singular A gets the gradient of a nearby invertible one).
          LuFactors lf;
          TENSORD_ASSIGN_OR_RETURN(Tensor lu0, self.Saved(lu_slot));
          // torch leaves the gradient of an empty input undefined (None).
          if (lu0.numel() == 0) return GradList{Tensor()};
          if (GradEnabled()) {
            // create_graph: from differentiable ops on A and det (saved
            // with history). det * solve(A^T, g I); a singular A (a zero
            // pivot) takes torch's SVD formula instead.
            TENSORD_ASSIGN_OR_RETURN(Tensor A, self.Saved(a_slot));
            bool singular = false;
            const int64_t n = lu0.size(-1);
            TENSORD_DISPATCH_FLOATING(lu0.dtype(), T, {
              const T* p = lu0.data<T>();
              for (int64_t b = 0, c = BatchCount(lu0); b < c; ++b) {
                for (int64_t i = 0; i < n; ++i) {
                  singular = singular || p[b * n * n + i * n + i] == T(0);
                }
              }
            });
            if (singular) {
              TENSORD_ASSIGN_OR_RETURN(Tensor ga, DetBackwardSvd(A, g[0]));
              return GradList{ga};
            }
            TENSORD_ASSIGN_OR_RETURN(Tensor det, self.Saved(det_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(det, g[0]));
            TENSORD_ASSIGN_OR_RETURN(Tensor ga, ScaledInverseTranspose(A, d));
            return GradList{ga};
          }
          TENSORD_ASSIGN_OR_RETURN(lf.piv, self.Saved(piv_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor det, self.Saved(det_slot));
          TENSORD_ASSIGN_OR_RETURN(lf.lu, Fresh(lu0));
          const int64_t n = lf.lu.size(-1);
          TENSORD_DISPATCH_FLOATING(lf.lu.dtype(), T, {
            T* p = lf.lu.data<T>();
            for (int64_t b = 0, c = BatchCount(lf.lu); b < c; ++b) {
              for (int64_t i = 0; i < n; ++i) {
                if (p[b * n * n + i * n + i] == T(0)) {
                  p[b * n * n + i * n + i] = Epsilon<T>();
                }
              }
            }
          });
          TENSORD_ASSIGN_OR_RETURN(Tensor d, Mul(det, g[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor d1, Unsqueeze(d, -1));
          TENSORD_ASSIGN_OR_RETURN(Tensor d2, Unsqueeze(d1, -1));
          TENSORD_ASSIGN_OR_RETURN(Tensor eye, BatchEye(lu0, n));
          TENSORD_ASSIGN_OR_RETURN(Tensor rhs, Mul(eye, d2));
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, LuSolve(lf, rhs, true));
          return GradList{ga};
        });
  }
  return det;
}

absl::StatusOr<std::pair<Tensor, Tensor>> LinalgSlogdet(const Tensor& a,
                                                        const char* name) {
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, name, true));
  const int64_t n = a.size(-1), count = BatchCount(a);
  TENSORD_ASSIGN_OR_RETURN(LuFactors f, LuFactor(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor sign, Empty(BatchShape(a), a.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor logabs, Empty(BatchShape(a), a.dtype()));
  TENSORD_DISPATCH_FLOATING(a.dtype(), T, {
    if (n == 0) {
      std::fill_n(sign.data<T>(), sign.numel(), T(1));
      std::fill_n(logabs.data<T>(), logabs.numel(), T(0));
    }
    for (int64_t b = 0; b < count; ++b) {
      const T* lu = f.lu.data<T>() + b * n * n;
      const int32_t* piv = f.piv.data<int32_t>() + b * n;
      T s = T(1), l = T(0);
      bool odd = false;
      for (int64_t i = 0; i < n; ++i) {
        const T u = lu[i * n + i];
        s *= u > 0 ? T(1) : u < 0 ? T(-1) : T(0);  // torch's sgn: NaN -> 0
        l += std::log(std::abs(u));
        odd ^= piv[i] != i + 1;
      }
      sign.data<T>()[b] = odd ? -s : s;
      logabs.data<T>()[b] = l;
    }
  });
  if (auto node = RecordOp("LinalgSlogdetBackward0", {&a}, {&sign, &logabs})) {
    const int lu_slot = node->Save(f.lu), piv_slot = node->Save(f.piv),
              a_slot = node->Save(a);
    node->set_backward([lu_slot, piv_slot, a_slot](
                           Node& self,
                           const GradList& g) -> absl::StatusOr<GradList> {
      // Real input: sign has no derivative; g_logabsdet * A^-T.
      if (!g[1].defined()) return GradList{Tensor()};
      if (GradEnabled()) {
        // create_graph: solve(A^T, g I) on A saved with its history.
        TENSORD_ASSIGN_OR_RETURN(Tensor A, self.Saved(a_slot));
        if (A.size(-1) > 0) {
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, ScaledInverseTranspose(A, g[1]));
          return GradList{ga};
        }
      }
      LuFactors lf;
      TENSORD_ASSIGN_OR_RETURN(lf.lu, self.Saved(lu_slot));
      TENSORD_ASSIGN_OR_RETURN(lf.piv, self.Saved(piv_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor d1, Unsqueeze(g[1], -1));
      TENSORD_ASSIGN_OR_RETURN(Tensor d2, Unsqueeze(d1, -1));
      TENSORD_ASSIGN_OR_RETURN(Tensor eye, BatchEye(lf.lu, lf.lu.size(-1)));
      TENSORD_ASSIGN_OR_RETURN(Tensor rhs, Mul(eye, d2));
      TENSORD_ASSIGN_OR_RETURN(Tensor ga, LuSolve(lf, rhs, true));
      return GradList{ga};
    });
  }
  return std::make_pair(sign, logabs);
}

StatusOrTensor Logdet(const Tensor& a) {
  // torch: where(sign == -1, nan, logabsdet).
  TENSORD_ASSIGN_OR_RETURN(auto sl, LinalgSlogdet(a, "logdet"));
  Tensor neg, nan;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(neg, Eq(sl.first, WrapScalar(-1.0)));
    nan = ScalarTensor(Scalar(std::numeric_limits<double>::quiet_NaN()),
                       a.dtype());
  }
  return Where(neg, nan, sl.second);
}

// ---------------------------------------------------------------------------
// inv, solve

absl::StatusOr<std::pair<Tensor, Tensor>> LinalgInvEx(const Tensor& a,
                                                      bool check_errors,
                                                      const char* name) {
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, name, true));
  const int64_t n = a.size(-1);
  TENSORD_ASSIGN_OR_RETURN(LuFactors f, LuFactor(a));
  Shape is(a.sizes().begin(), a.sizes().end() - 2);
  TENSORD_ASSIGN_OR_RETURN(Tensor info, Empty(is, DType::kInt32));
  for (size_t b = 0; b < f.info.size(); ++b) {
    info.data<int32_t>()[b] = static_cast<int32_t>(f.info[b]);
    if (check_errors && f.info[b] > 0) {
      return LinAlgError(absl::StrCat(
          name, ": ", BatchPrefix(a, static_cast<int64_t>(b)),
          "The diagonal element ", f.info[b],
          " is zero, the inversion could not be completed because the input "
          "matrix is singular."));
    }
  }
  if (n == 0) std::fill_n(info.data<int32_t>(), info.numel(), 0);
  Tensor inv;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor eye, BatchEye(a, n));
    TENSORD_ASSIGN_OR_RETURN(inv, LuSolve(f, eye, false));
  }
  if (auto node = RecordOp("LinalgInvExBackward0", {&a}, {&inv})) {
    const int inv_slot = node->Save(inv, true);
    node->set_backward(
        [inv_slot](Node& self, const GradList& g) -> absl::StatusOr<GradList> {
          // -A^-T g A^-T
          TENSORD_ASSIGN_OR_RETURN(Tensor inv, self.Saved(inv_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor it, Mt(inv));
          TENSORD_ASSIGN_OR_RETURN(Tensor t1, Matmul(g[0], it));
          TENSORD_ASSIGN_OR_RETURN(Tensor t2, Matmul(it, t1));
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, Neg(t2));
          return GradList{ga};
        });
  }
  return std::make_pair(inv, info);
}

StatusOrTensor LinalgInv(const Tensor& a, const char* name) {
  TENSORD_ASSIGN_OR_RETURN(auto r, LinalgInvEx(a, true, name));
  return r.first;
}

StatusOrTensor LinalgSolve(const Tensor& a, const Tensor& b, bool left) {
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.solve", true));
  if (!left) {
    return absl::UnimplementedError(
        "linalg.solve: left=False is not supported by tensord");
  }
  if (a.dtype() != b.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.solve: Expected A and B to have the same dtype, but found A "
        "of type ",
        DTypeShortName(a.dtype()), " and B of type ", DTypeShortName(b.dtype()),
        " instead"));
  }
  const int64_t n = a.size(-1);
  // torch's rule: B is a (batch of) vector(s) when it is 1-D or has A's
  // shape without the last dim.
  Shape a_rows(a.sizes().begin(), a.sizes().end() - 1);
  const bool vector =
      b.dim() == 1 || (b.dim() == a.dim() - 1 && Shape(b.sizes()) == a_rows);
  if (b.dim() == 0 || b.size(vector ? -1 : -2) != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.solve: Incompatible shapes of A and B for the equation AX = B "
        "(",
        n, "x", n, " and ",
        b.dim() == 0 ? 0 : b.size(vector || b.dim() == 1 ? -1 : -2), "x",
        vector || b.dim() < 2 ? 1 : b.size(-1), ")"));
  }
  Tensor bm = b;
  if (vector) {
    TENSORD_ASSIGN_OR_RETURN(bm, Unsqueeze(b.detach(), -1));
  }
  Shape ba = BatchShape(a);
  Shape bb(bm.sizes().begin(), bm.sizes().end() - 2);
  TENSORD_ASSIGN_OR_RETURN(Shape batch, BroadcastShapes(ba, bb));
  const int64_t k = bm.size(-1);
  DimList ea(batch.begin(), batch.end()), eb = ea;
  ea.push_back(n);
  ea.push_back(n);
  eb.push_back(n);
  eb.push_back(k);
  Tensor x;
  LuFactors f;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor ax, Expand(a.detach(), ea));
    TENSORD_ASSIGN_OR_RETURN(Tensor bx, Expand(bm.detach(), eb));
    TENSORD_ASSIGN_OR_RETURN(f, LuFactor(ax));
    for (size_t i = 0; i < f.info.size(); ++i) {
      if (f.info[i] > 0) {
        return LinAlgError(absl::StrCat(
            "torch.linalg.solve: ", BatchPrefix(ax, static_cast<int64_t>(i)),
            "The solver failed because the input matrix is singular."));
      }
    }
    TENSORD_ASSIGN_OR_RETURN(x, LuSolve(f, bx, false));
    if (vector) {
      TENSORD_ASSIGN_OR_RETURN(x, Squeeze(x, -1));
      TENSORD_ASSIGN_OR_RETURN(x, Fresh(x));
    }
  }
  if (auto node = RecordOp("LinalgSolveExBackward0", {&a, &b}, {&x})) {
    const int lu_slot = node->Save(f.lu), piv_slot = node->Save(f.piv),
              x_slot = node->Save(x, true), a_slot = node->Save(a);
    const bool need_a = a.requires_grad();
    node->set_backward(
        [lu_slot, piv_slot, x_slot, a_slot, vector, need_a](
            Node& self, const GradList& g) -> absl::StatusOr<GradList> {
          // gB = A^-T g; gA = -gB X^T.
          TENSORD_ASSIGN_OR_RETURN(Tensor x, self.Saved(x_slot));
          Tensor gx = g[0];
          if (vector) {
            TENSORD_ASSIGN_OR_RETURN(gx, Unsqueeze(gx, -1));
            TENSORD_ASSIGN_OR_RETURN(x, Unsqueeze(x, -1));
          }
          Tensor gb;
          if (GradEnabled()) {
            // create_graph: solve(A^T, g) on A saved with its history (the
            // LU factors have none).
            TENSORD_ASSIGN_OR_RETURN(Tensor A, self.Saved(a_slot));
            TENSORD_ASSIGN_OR_RETURN(Tensor At, Mt(A));
            TENSORD_ASSIGN_OR_RETURN(gb, LinalgSolve(At, gx, /*left=*/true));
          } else {
            LuFactors lf;
            TENSORD_ASSIGN_OR_RETURN(lf.lu, self.Saved(lu_slot));
            TENSORD_ASSIGN_OR_RETURN(lf.piv, self.Saved(piv_slot));
            TENSORD_ASSIGN_OR_RETURN(gb, LuSolve(lf, gx, true));
          }
          GradList r(2);
          if (need_a) {
            TENSORD_ASSIGN_OR_RETURN(Tensor xt, Mt(x));
            TENSORD_ASSIGN_OR_RETURN(Tensor p, Matmul(gb, xt));
            TENSORD_ASSIGN_OR_RETURN(r[0], Neg(p));
          }
          if (vector) {
            TENSORD_ASSIGN_OR_RETURN(gb, Squeeze(gb, -1));
          }
          r[1] = gb;
          return r;
        });
  }
  return x;
}

// ---------------------------------------------------------------------------
// cholesky

StatusOrTensor LinalgCholesky(const Tensor& a, bool upper, const char* name,
                              const char* grad_fn) {
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, name, true));
  const int64_t n = a.size(-1), count = BatchCount(a);
  // The lower triangle of A, read as torch reads it: potrf('U') of the
  // row-major bytes (A^T column-major) leaves L row-major.
  TENSORD_ASSIGN_OR_RETURN(Tensor l, Fresh(a.detach()));
  absl::Status st;
  TENSORD_DISPATCH_FLOATING(a.dtype(), T, {
    for (int64_t b = 0; b < count && st.ok(); ++b) {
      T* p = l.data<T>() + b * n * n;
      const lapack_int info = Potrf('U', static_cast<lapack_int>(n), p);
      if (info > 0) {
        st = LinAlgError(absl::StrCat(
            name, ": ", BatchPrefix(a, b),
            "The factorization could not be completed because the input is "
            "not positive-definite (the leading minor of order ",
            info, " is not positive-definite)."));
      }
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = i + 1; j < n; ++j) p[i * n + j] = T(0);
      }
    }
  });
  TENSORD_RETURN_IF_ERROR(st);
  if (upper) {
    TENSORD_ASSIGN_OR_RETURN(Tensor u, Mt(l));
    TENSORD_ASSIGN_OR_RETURN(l, Fresh(u));
  }
  if (auto node = RecordOp(grad_fn, {&a}, {&l})) {
    const int l_slot = node->Save(l, true);
    node->set_backward(
        [l_slot, upper](Node& self,
                        const GradList& g) -> absl::StatusOr<GradList> {
          // gA = L^-T Phi L^-1, Phi = (tril(L^T gL) + its strict lower part
          // transposed) / 2.
          TENSORD_ASSIGN_OR_RETURN(Tensor L, self.Saved(l_slot));
          Tensor gl = g[0];
          if (upper) {
            TENSORD_ASSIGN_OR_RETURN(L, Mt(L));
            TENSORD_ASSIGN_OR_RETURN(gl, Mt(gl));
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor lt, Mt(L));
          TENSORD_ASSIGN_OR_RETURN(Tensor m0, Matmul(lt, gl));
          TENSORD_ASSIGN_OR_RETURN(Tensor phi0, Tril(m0, 0));
          TENSORD_ASSIGN_OR_RETURN(Tensor low, Tril(phi0, -1));
          TENSORD_ASSIGN_OR_RETURN(Tensor lowt, Mt(low));
          TENSORD_ASSIGN_OR_RETURN(Tensor phi1, Add(phi0, lowt));
          TENSORD_ASSIGN_OR_RETURN(Tensor phi, Mul(phi1, WrapScalar(0.5)));
          TENSORD_ASSIGN_OR_RETURN(Tensor z,
                                   SolveForBackward(L, phi, true));  // L^-T Phi
          TENSORD_ASSIGN_OR_RETURN(Tensor zt, Mt(z));
          TENSORD_ASSIGN_OR_RETURN(Tensor wt, SolveForBackward(L, zt, true));
          TENSORD_ASSIGN_OR_RETURN(Tensor ga, Mt(wt));  // Z L^-1
          return GradList{ga};
        });
  }
  return l;
}

// ---------------------------------------------------------------------------
// qr

absl::StatusOr<std::pair<Tensor, Tensor>> LinalgQr(const Tensor& a,
                                                   const std::string& mode) {
  if (mode != "reduced" && mode != "complete" && mode != "r") {
    return absl::InvalidArgumentError(
        absl::StrCat("qr received unrecognized mode '", mode,
                     "' but expected one of 'reduced' (default), 'r', or "
                     "'complete'"));
  }
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.qr", false));
  const int64_t m = a.size(-2), n = a.size(-1), k = std::min(m, n);
  const bool complete = mode == "complete";
  const int64_t qcols = complete ? m : k, rrows = complete ? m : k;
  const int64_t count = BatchCount(a);
  const Shape batch = BatchShape(a);
  // Column-major work: [..., qw, m] holds the m x qw matrix (qw >= n).
  const int64_t qw = std::max(n, qcols);
  TENSORD_ASSIGN_OR_RETURN(Tensor work,
                           Empty(WithDims(batch, {qw, m}), a.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor r,
                           Zeros(WithDims(batch, {rrows, n}), a.dtype()));
  {
    TENSORD_ASSIGN_OR_RETURN(Tensor at, Mt(a.detach()));  // [..., n, m]
    TENSORD_ASSIGN_OR_RETURN(Tensor head, Narrow(work, -2, 0, n));
    CopyConvert(at, head);
  }
  if (qw > static_cast<int64_t>(kLapackMax) / std::max<int64_t>(m, 1)) {
    return absl::InvalidArgumentError(
        "linalg.qr: Q is too large for LAPACK's 32-bit sizes");
  }
  absl::Status st;
  TENSORD_DISPATCH_FLOATING(a.dtype(), T, {
    st = [&]() -> absl::Status {
      std::vector<T> tau(std::max<int64_t>(k, 1));
      const lapack_int lm = static_cast<lapack_int>(m),
                       ln = static_cast<lapack_int>(n),
                       lk = static_cast<lapack_int>(k),
                       lq = static_cast<lapack_int>(qcols),
                       lda = static_cast<lapack_int>(std::max<int64_t>(m, 1));
      for (int64_t b = 0; b < count; ++b) {
        T* w = work.data<T>() + b * qw * m;
        T query = T(0);
        Geqrf(lm, ln, w, lda, tau.data(), &query, -1);
        TENSORD_ASSIGN_OR_RETURN(lapack_int lwork,
                                 WorkSize(static_cast<double>(query), "qr"));
        std::vector<T> buf(lwork);
        Geqrf(lm, ln, w, lda, tau.data(), buf.data(), lwork);
        T* rp = r.data<T>() + b * rrows * n;
        for (int64_t i = 0; i < std::min(rrows, m); ++i) {
          for (int64_t j = i; j < n; ++j) rp[i * n + j] = w[j * m + i];
        }
        if (mode == "r" || lq == 0) continue;
        Orgqr(lm, lq, lk, w, lda, tau.data(), &query, -1);
        TENSORD_ASSIGN_OR_RETURN(lwork,
                                 WorkSize(static_cast<double>(query), "qr"));
        buf.assign(lwork, T(0));
        Orgqr(lm, lq, lk, w, lda, tau.data(), buf.data(), lwork);
      }
      return absl::OkStatus();
    }();
  });
  TENSORD_RETURN_IF_ERROR(st);
  Tensor q;
  if (mode == "r") {
    TENSORD_ASSIGN_OR_RETURN(q, Empty({0}, a.dtype()));
  } else {
    TENSORD_ASSIGN_OR_RETURN(Tensor qc, Narrow(work, -2, 0, qcols));
    if (m == 0 || qcols == 0) {
      TENSORD_ASSIGN_OR_RETURN(q,
                               Zeros(WithDims(batch, {m, qcols}), a.dtype()));
    } else {
      TENSORD_ASSIGN_OR_RETURN(q, FromColMajor(qc));
    }
    if (complete && m > 0 && n == 0) {
      TENSORD_ASSIGN_OR_RETURN(Tensor eye, BatchEye(q, m));
      TENSORD_ASSIGN_OR_RETURN(q, Fresh(eye));
    }
  }
  std::vector<Tensor*> outs = {&q, &r};
  if (auto node = RecordOp("LinalgQrBackward0", {&a}, outs)) {
    const int q_slot = mode == "r" ? -1 : node->Save(q, true);
    const int r_slot = node->Save(r, true);
    node->set_backward([q_slot, r_slot, mode](
                           Node& self,
                           const GradList& g) -> absl::StatusOr<GradList> {
      if (mode == "r") {
        return absl::InvalidArgumentError(
            "The derivative of linalg.qr depends on Q, which is not computed "
            "when mode='r'. Please use linalg.qr(A, mode='reduced') if you "
            "are going to differentiate through linalg.qr.");
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor Q, self.Saved(q_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor R, self.Saved(r_slot));
      const int64_t m = Q.size(-2), n = R.size(-1);
      if (mode == "complete" && m > n) {
        return absl::InvalidArgumentError(
            "The QR decomposition is not differentiable when mode='complete' "
            "and nrows > ncols.");
      }
      const Tensor& gQ = g[0];
      const Tensor& gR = g[1];
      if (!gQ.defined() && !gR.defined()) return GradList{Tensor()};
      TENSORD_ASSIGN_OR_RETURN(Tensor Qt, Mt(Q));
      TENSORD_ASSIGN_OR_RETURN(Tensor Rt, Mt(R));
      // M = gR R^T - Q^T gQ
      Tensor M;
      if (gR.defined()) {
        TENSORD_ASSIGN_OR_RETURN(M, Matmul(gR, Rt));
      }
      if (gQ.defined()) {
        TENSORD_ASSIGN_OR_RETURN(Tensor qg, Matmul(Qt, gQ));
        if (M.defined()) {
          TENSORD_ASSIGN_OR_RETURN(M, Sub(M, qg));
        } else {
          TENSORD_ASSIGN_OR_RETURN(M, Neg(qg));
        }
      }
      if (m >= n) {
        // gA = (gQ + Q sym) R^-T, sym = triu(M) + triu(M)^T, diag halved.
        TENSORD_ASSIGN_OR_RETURN(Tensor up, Triu(M, 0));
        TENSORD_ASSIGN_OR_RETURN(Tensor upt, Mt(up));
        TENSORD_ASSIGN_OR_RETURN(Tensor sym0, Add(up, upt));
        TENSORD_ASSIGN_OR_RETURN(Tensor sym, ScaleDiag(sym0, 0.5));
        TENSORD_ASSIGN_OR_RETURN(Tensor ga, Matmul(Q, sym));
        if (gQ.defined()) {
          TENSORD_ASSIGN_OR_RETURN(ga, Add(ga, gQ));
        }
        // X R^T = ga  <=>  R X^T = ga^T
        TENSORD_ASSIGN_OR_RETURN(Tensor gat, Mt(ga));
        TENSORD_ASSIGN_OR_RETURN(Tensor xt, SolveForBackward(R, gat, false));
        TENSORD_ASSIGN_OR_RETURN(Tensor x, Mt(xt));
        return GradList{x};
      }
      // Wide: the strictly lower part of X - X^T (X = -M) through R's
      // leading square block, zeros for the rest, plus Q gR.
      TENSORD_ASSIGN_OR_RETURN(Tensor X, Neg(M));
      TENSORD_ASSIGN_OR_RETURN(Tensor Xt, Mt(X));
      TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(X, Xt));
      TENSORD_ASSIGN_OR_RETURN(Tensor skew, Tril(d, 0));
      TENSORD_ASSIGN_OR_RETURN(Tensor ga0, Matmul(Q, skew));
      TENSORD_ASSIGN_OR_RETURN(Tensor r1, Narrow(R, -1, 0, m));
      TENSORD_ASSIGN_OR_RETURN(Tensor gat, Mt(ga0));
      TENSORD_ASSIGN_OR_RETURN(Tensor xt, SolveForBackward(r1, gat, false));
      TENSORD_ASSIGN_OR_RETURN(Tensor x, Mt(xt));
      Shape zs = x.sizes();
      zs.back() = n - m;
      TENSORD_ASSIGN_OR_RETURN(Tensor zeros, Zeros(zs, x.dtype()));
      TENSORD_ASSIGN_OR_RETURN(Tensor ga, Cat({x, zeros}, -1));
      if (gR.defined()) {
        TENSORD_ASSIGN_OR_RETURN(Tensor qgr, Matmul(Q, gR));
        TENSORD_ASSIGN_OR_RETURN(ga, Add(ga, qgr));
      }
      return GradList{ga};
    });
  }
  return std::make_pair(q, r);
}

// ---------------------------------------------------------------------------
// svd

namespace {

// True when every element is finite. gesdd refuses NaN (info -4, torch's
// "non-finite" error) but can loop forever on an infinity (torch 1.13 hangs
// on [[inf, 1, 0], [1, -inf, 1], [0, 1, 1]]), so infinities fail the same
// way here, before LAPACK sees them.
bool AllFinite(const Tensor& c) {
  bool finite = true;
  TENSORD_DISPATCH_FLOATING(c.dtype(), T, {
    const T* p = c.data<T>();
    for (int64_t i = 0, n = c.numel(); i < n && finite; ++i) {
      finite = std::isfinite(p[i]);
    }
  });
  return finite;
}

// The gradient of A = U diag(S) Vh (reduced factors) for the given output
// gradients (undefined: zero).
absl::StatusOr<Tensor> SvdBackward(const Tensor& gU, const Tensor& gS,
                                   const Tensor& gVh, const Tensor& U,
                                   const Tensor& S, const Tensor& Vh) {
  const int64_t m = U.size(-2), n = Vh.size(-1);
  TENSORD_ASSIGN_OR_RETURN(Tensor Sr, Unsqueeze(S, -2));  // [..., 1, k]
  TENSORD_ASSIGN_OR_RETURN(Tensor Sc, Unsqueeze(S, -1));  // [..., k, 1]
  if (!gU.defined() && !gVh.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor gs, Unsqueeze(gS, -2));
    TENSORD_ASSIGN_OR_RETURN(Tensor us, Mul(U, gs));
    return Matmul(us, Vh);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor Ut, Mt(U));
  TENSORD_ASSIGN_OR_RETURN(Tensor V, Mt(Vh));
  auto skew = [](const Tensor& x) -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor xt, Mt(x));
    return Sub(x, xt);
  };
  Tensor UhgU, VhgV;
  if (gU.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor p, Matmul(Ut, gU));
    TENSORD_ASSIGN_OR_RETURN(UhgU, skew(p));
  }
  if (gVh.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor gV, Mt(gVh));
    TENSORD_ASSIGN_OR_RETURN(Tensor p, Matmul(Vh, gV));
    TENSORD_ASSIGN_OR_RETURN(VhgV, skew(p));
  }
  // E_ij = S_j^2 - S_i^2, ones on the diagonal.
  TENSORD_ASSIGN_OR_RETURN(Tensor S2, Mul(S, S));
  TENSORD_ASSIGN_OR_RETURN(Tensor S2r, Unsqueeze(S2, -2));
  TENSORD_ASSIGN_OR_RETURN(Tensor S2c, Unsqueeze(S2, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor E0, Sub(S2r, S2c));
  TENSORD_ASSIGN_OR_RETURN(Tensor ones, OnesLike(S));
  TENSORD_ASSIGN_OR_RETURN(Tensor eye1, DiagEmbed(ones));
  TENSORD_ASSIGN_OR_RETURN(Tensor E, Add(E0, eye1));
  Tensor gA;
  if (gU.defined() && gVh.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor t1, Mul(UhgU, Sr));
    TENSORD_ASSIGN_OR_RETURN(Tensor t2, Mul(Sc, VhgV));
    TENSORD_ASSIGN_OR_RETURN(Tensor t, Add(t1, t2));
    TENSORD_ASSIGN_OR_RETURN(gA, Div(t, E));
  } else if (gU.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor t, Div(UhgU, E));
    TENSORD_ASSIGN_OR_RETURN(gA, Mul(t, Sr));
  } else {
    TENSORD_ASSIGN_OR_RETURN(Tensor t, Div(VhgV, E));
    TENSORD_ASSIGN_OR_RETURN(gA, Mul(Sc, t));
  }
  if (gS.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor d, DiagEmbed(gS));
    TENSORD_ASSIGN_OR_RETURN(gA, Add(gA, d));
  }
  if (m > n && gU.defined()) {
    TENSORD_ASSIGN_OR_RETURN(gA, Matmul(U, gA));
    TENSORD_ASSIGN_OR_RETURN(Tensor gUSinv, Div(gU, Sr));
    TENSORD_ASSIGN_OR_RETURN(Tensor p, Matmul(Ut, gUSinv));
    TENSORD_ASSIGN_OR_RETURN(Tensor up, Matmul(U, p));
    TENSORD_ASSIGN_OR_RETURN(gA, Add(gA, gUSinv));
    TENSORD_ASSIGN_OR_RETURN(gA, Sub(gA, up));
    return Matmul(gA, Vh);
  }
  if (m < n && gVh.defined()) {
    TENSORD_ASSIGN_OR_RETURN(gA, Matmul(gA, Vh));
    TENSORD_ASSIGN_OR_RETURN(Tensor SinvgVh, Div(gVh, Sc));
    TENSORD_ASSIGN_OR_RETURN(Tensor p, Matmul(SinvgVh, V));
    TENSORD_ASSIGN_OR_RETURN(Tensor pv, Matmul(p, Vh));
    TENSORD_ASSIGN_OR_RETURN(gA, Add(gA, SinvgVh));
    TENSORD_ASSIGN_OR_RETURN(gA, Sub(gA, pv));
    return Matmul(U, gA);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor ug, Matmul(U, gA));
  return Matmul(ug, Vh);
}

}  // namespace

absl::StatusOr<std::vector<Tensor>> LinalgSvd(const Tensor& a,
                                              bool full_matrices) {
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.svd", false));
  const int64_t m = a.size(-2), n = a.size(-1), k = std::min(m, n);
  const int64_t ucols = full_matrices ? m : k, vrows = full_matrices ? n : k;
  const Shape batch = BatchShape(a);
  const int64_t count = BatchCount(a);
  TENSORD_ASSIGN_OR_RETURN(Tensor work, ColMajor(a));  // [..., n, m]
  if (!AllFinite(work)) {
    return LinAlgError(
        "linalg.svd: The algorithm failed to converge because the input "
        "matrix contained non-finite values.");
  }
  if (m * ucols > kLapackMax || n * vrows > kLapackMax) {
    return absl::InvalidArgumentError(
        "linalg.svd: U or Vh is too large for LAPACK's 32-bit sizes");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor s, Empty(WithDims(batch, {k}), a.dtype()));
  // Column-major U (m x ucols) and Vh (vrows x n).
  TENSORD_ASSIGN_OR_RETURN(Tensor uc,
                           Zeros(WithDims(batch, {ucols, m}), a.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor vc,
                           Zeros(WithDims(batch, {n, vrows}), a.dtype()));
  absl::Status st;
  TENSORD_DISPATCH_FLOATING(a.dtype(), T, {
    st = [&]() -> absl::Status {
      std::vector<lapack_int> iwork(std::max<int64_t>(8 * k, 1));
      const char jobz = full_matrices ? 'A' : 'S';
      const lapack_int lm = static_cast<lapack_int>(m),
                       ln = static_cast<lapack_int>(n),
                       ldu = static_cast<lapack_int>(std::max<int64_t>(m, 1)),
                       ldvt =
                           static_cast<lapack_int>(std::max<int64_t>(vrows, 1));
      for (int64_t b = 0; b < count; ++b) {
        T* w = work.data<T>() + b * m * n;
        T* sp = s.data<T>() + b * k;
        T* up = uc.data<T>() + b * m * ucols;
        T* vp = vc.data<T>() + b * n * vrows;
        T query = T(0);
        Gesdd(jobz, lm, ln, w, sp, up, ldu, vp, ldvt, &query, -1, iwork.data());
        TENSORD_ASSIGN_OR_RETURN(lapack_int lwork,
                                 WorkSize(static_cast<double>(query), "svd"));
        std::vector<T> buf(lwork);
        const lapack_int info = Gesdd(jobz, lm, ln, w, sp, up, ldu, vp, ldvt,
                                      buf.data(), lwork, iwork.data());
        if (info != 0) {
          return LinAlgError(absl::StrCat(
              "linalg.svd: ", BatchPrefix(a, b),
              "The algorithm failed to converge because the input matrix is "
              "ill-conditioned or has too many repeated singular values (error "
              "code: ",
              info, ")."));
        }
      }
      return absl::OkStatus();
    }();
  });
  TENSORD_RETURN_IF_ERROR(st);
  Tensor u, vh;
  TENSORD_ASSIGN_OR_RETURN(u, FromColMajor(uc));
  TENSORD_ASSIGN_OR_RETURN(vh, FromColMajor(vc));
  if (count == 0 && full_matrices) {
    // Empty input: the full factors are identities (as LAPACK leaves them
    // for a zero-sized side and torch returns).
    TENSORD_ASSIGN_OR_RETURN(Tensor eu, BatchEye(u, m));
    TENSORD_ASSIGN_OR_RETURN(u, Fresh(eu));
    TENSORD_ASSIGN_OR_RETURN(Tensor ev, BatchEye(vh, n));
    TENSORD_ASSIGN_OR_RETURN(vh, Fresh(ev));
  }
  if (auto node = RecordOp("LinalgSvdBackward0", {&a}, {&u, &s, &vh})) {
    const int u_slot = node->Save(u, true), s_slot = node->Save(s, true),
              v_slot = node->Save(vh, true);
    node->set_backward([u_slot, s_slot, v_slot, full_matrices](
                           Node& self,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor U, self.Saved(u_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor S, self.Saved(s_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor Vh, self.Saved(v_slot));
      Tensor gU = g[0], gVh = g[2];
      if (!gU.defined() && !g[1].defined() && !gVh.defined()) {
        return GradList{Tensor()};
      }
      if (full_matrices) {
        const int64_t k = S.size(-1);
        TENSORD_ASSIGN_OR_RETURN(U, Narrow(U, -1, 0, k));
        TENSORD_ASSIGN_OR_RETURN(Vh, Narrow(Vh, -2, 0, k));
        if (gU.defined()) {
          TENSORD_ASSIGN_OR_RETURN(gU, Narrow(gU, -1, 0, k));
        }
        if (gVh.defined()) {
          TENSORD_ASSIGN_OR_RETURN(gVh, Narrow(gVh, -2, 0, k));
        }
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor ga, SvdBackward(gU, g[1], gVh, U, S, Vh));
      return GradList{ga};
    });
  }
  return std::vector<Tensor>{u, s, vh};
}

}  // namespace tensord
