// Linear algebra built on the decompositions of ops_decomp.cc: eigvalsh,
// pinv, matrix_rank, matrix_exp, lstsq, cond and householder_product.
// Each composes differentiable ops (or records its own derivative, as
// matrix_exp does) and carries torch's grad_fn name.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

StatusOrTensor Eigvalsh(const Tensor& a, const std::string& uplo) {
  if (uplo != "L" && uplo != "U" && uplo != "l" && uplo != "u") {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected UPLO argument to be 'L' or 'U', but got ", uplo));
  }
  Tensor in = a;
  if (uplo == "U" || uplo == "u") {
    // The upper triangle of A is the lower one of A^T.
    TENSORD_ASSIGN_OR_RETURN(in, Transpose(a, -2, -1));
  }
  TENSORD_ASSIGN_OR_RETURN(auto r, Eigh(in));
  return r.first;
}

namespace {

// torch's tolerance of pinv and matrix_rank: max(atol, rtol * max(S)),
// rtol = eps * max(m, n) when neither is given (0 when only atol is).
absl::StatusOr<Tensor> Tolerance(const Tensor& s, int64_t m, int64_t n,
                                 std::optional<double> atol,
                                 std::optional<double> rtol) {
  double r = rtol.value_or(0.0);
  if (!atol && !rtol) {
    r = (s.dtype() == DType::kFloat32 ? Epsilon<float>() : Epsilon<double>()) *
        static_cast<double>(std::max(m, n));
  }
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor smax, Amax(s, {-1}, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor rt, Mul(smax, WrapScalar(r)));
  return Maximum(rt, WrapScalar(atol.value_or(0.0)));
}

}  // namespace

StatusOrTensor LinalgSolveTriangular(const Tensor& a, const Tensor& b,
                                     bool upper, bool left,
                                     bool unitriangular) {
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.solve_triangular", true));
  if (b.dim() < 2) {
    return absl::InvalidArgumentError(
        "linalg.solve_triangular: The input tensor B must have at least 2 "
        "dimensions.");
  }
  if (b.dtype() != a.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.solve_triangular: Expected A and B to have the same dtype, "
        "but found A of type ",
        DTypeShortName(a.dtype()), " and B of type ", DTypeShortName(b.dtype()),
        " instead."));
  }
  const int64_t n = a.size(-1);
  // Only A's triangle is read (a unit diagonal is not read either); the
  // solve is LAPACK's LU solve of that triangular matrix.
  TENSORD_ASSIGN_OR_RETURN(Tensor tri, upper ? Triu(a, unitriangular ? 1 : 0)
                                             : Tril(a, unitriangular ? -1 : 0));
  if (unitriangular) {
    TENSORD_ASSIGN_OR_RETURN(Tensor eye, BatchEye(a, n));
    TENSORD_ASSIGN_OR_RETURN(tri, Add(tri, eye));
  }
  // B as a batch of matrices (never linalg.solve's batch of vectors).
  Tensor bm = b;
  while (bm.dim() < tri.dim()) {
    TENSORD_ASSIGN_OR_RETURN(bm, Unsqueeze(bm, 0));
  }
  Tensor x;
  if (left) {
    TENSORD_ASSIGN_OR_RETURN(x, LinalgSolve(tri, bm, true));
  } else {  // X A = B: A^T X^T = B^T
    TENSORD_ASSIGN_OR_RETURN(Tensor at, Mt(tri));
    TENSORD_ASSIGN_OR_RETURN(Tensor bt, Mt(bm));
    TENSORD_ASSIGN_OR_RETURN(Tensor xt, LinalgSolve(at, bt, true));
    TENSORD_ASSIGN_OR_RETURN(x, Mt(xt));
  }
  return Composite("LinalgSolveTriangularBackward0", x);
}

absl::StatusOr<std::pair<Tensor, Tensor>> TriangularSolve(const Tensor& b,
                                                          const Tensor& a,
                                                          bool upper,
                                                          bool transpose,
                                                          bool unitriangular) {
  Tensor coef;
  { TENSORD_ASSIGN_OR_RETURN(coef, Clone(a)); }
  Tensor tri = a;
  bool up = upper;
  if (transpose) {
    TENSORD_ASSIGN_OR_RETURN(tri, Mt(a));
    up = !upper;
  }
  TENSORD_ASSIGN_OR_RETURN(
      Tensor x, LinalgSolveTriangular(tri, b, up, true, unitriangular));
  TENSORD_ASSIGN_OR_RETURN(x, Composite("TriangularSolveBackward0", x));
  return std::make_pair(x, coef);
}

StatusOrTensor CholeskySolve(const Tensor& b, const Tensor& l, bool upper) {
  if (b.dim() < 2 || l.dim() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("b should have at least 2 dimensions, but has ", b.dim(),
                     " dimensions instead"));
  }
  // A = L L^T (or U^T U) from the whole factor, as torch's derivative
  // takes it (so the gradient reaches every entry of L, as torch's does).
  TENSORD_ASSIGN_OR_RETURN(Tensor lt, Mt(l));
  TENSORD_ASSIGN_OR_RETURN(Tensor a, upper ? Matmul(lt, l) : Matmul(l, lt));
  Tensor bm = b;
  while (bm.dim() < a.dim()) {
    TENSORD_ASSIGN_OR_RETURN(bm, Unsqueeze(bm, 0));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor x, LinalgSolve(a, bm, true));
  return Composite("CholeskySolveBackward0", x);
}

StatusOrTensor LinalgPinv(const Tensor& a, std::optional<double> atol,
                          std::optional<double> rtol) {
  if (a.dim() < 2 || !IsFloating(a.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "linalg.pinv(", DTypeShortName(a.dtype()), "{[",
        absl::StrJoin(a.sizes(), ", "),
        "]}): expected a tensor with 2 or more dimensions of float, double, "
        "cfloat or cdouble types"));
  }
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.pinv", false));
  const int64_t m = a.size(-2), n = a.size(-1);
  if (m == 0 || n == 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor t, Transpose(a, -2, -1));
    TENSORD_ASSIGN_OR_RETURN(Tensor z, Mul(t, WrapScalar(0.0)));
    return Composite("LinalgPinvBackward0", z);
  }
  TENSORD_ASSIGN_OR_RETURN(std::vector<Tensor> usv, LinalgSvd(a, false));
  const Tensor &U = usv[0], &S = usv[1], &Vh = usv[2];
  TENSORD_ASSIGN_OR_RETURN(Tensor tol, Tolerance(S, m, n, atol, rtol));
  Tensor keep, ones;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(keep, Gt(S, tol));
    TENSORD_ASSIGN_OR_RETURN(ones, OnesLike(S));
  }
  // 1/S where kept, 0 elsewhere (the unkept S never divides anything, so
  // no 0 * inf reaches the gradient).
  TENSORD_ASSIGN_OR_RETURN(Tensor safe, Where(keep, S, ones));
  TENSORD_ASSIGN_OR_RETURN(Tensor inv0, Reciprocal(safe));
  TENSORD_ASSIGN_OR_RETURN(Tensor zeros, ZerosLike(S));
  TENSORD_ASSIGN_OR_RETURN(Tensor sinv, Where(keep, inv0, zeros));
  TENSORD_ASSIGN_OR_RETURN(Tensor V, Transpose(Vh, -2, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor srow, Unsqueeze(sinv, -2));
  TENSORD_ASSIGN_OR_RETURN(Tensor vs, Mul(V, srow));
  TENSORD_ASSIGN_OR_RETURN(Tensor Ut, Transpose(U, -2, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Matmul(vs, Ut));
  return Composite("LinalgPinvBackward0", p);
}

StatusOrTensor MatrixRank(const Tensor& a, std::optional<double> atol,
                          std::optional<double> rtol) {
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(
        "torch.linalg.matrix_rank: The input tensor input must have at least "
        "2 dimensions.");
  }
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.matrix_rank", false));
  NoGradGuard ng;
  const int64_t m = a.size(-2), n = a.size(-1);
  if (m == 0 || n == 0) {
    return Zeros(BatchShape(a), DType::kInt64);
  }
  TENSORD_ASSIGN_OR_RETURN(std::vector<Tensor> usv, LinalgSvd(a, false));
  TENSORD_ASSIGN_OR_RETURN(Tensor tol, Tolerance(usv[1], m, n, atol, rtol));
  TENSORD_ASSIGN_OR_RETURN(Tensor keep, Gt(usv[1], tol));
  return Sum(keep, {-1});
}

namespace {

// exp of each matrix of `a` (no history), in float64: scaling and
// squaring (one scale for the whole batch, at most 64 squarings: past 2^64
// the result overflows anyway) of a Taylor series summed until its terms
// vanish, every product a BLAS matmul. A matrix with a non-finite entry
// gives NaN.
absl::StatusOr<Tensor> MatrixExpRaw(const Tensor& a) {
  NoGradGuard ng;
  const int64_t n = a.size(-1);
  TENSORD_ASSIGN_OR_RETURN(Tensor d, To(a.detach(), DType::kFloat64));
  TENSORD_ASSIGN_OR_RETURN(Tensor w, Fresh(d));
  const int64_t count = BatchCount(w);
  double norm = 0;  // the largest 1-norm (max column sum)
  std::vector<bool> bad(count, false);
  for (int64_t b = 0; b < count; ++b) {
    const double* m = w.data<double>() + b * n * n;
    for (int64_t j = 0; j < n; ++j) {
      double c = 0;
      for (int64_t i = 0; i < n; ++i) c += std::abs(m[i * n + j]);
      if (std::isfinite(c)) {
        norm = std::max(norm, c);
      } else {
        bad[b] = true;
      }
    }
  }
  int s = 0;
  while (norm > 0.5 && s < 64) {
    norm /= 2;
    ++s;
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Mul(w, WrapScalar(std::ldexp(1.0, -s))));
  TENSORD_ASSIGN_OR_RETURN(Tensor eye, BatchEye(w, n));
  TENSORD_ASSIGN_OR_RETURN(Tensor term, Fresh(eye));
  Tensor sum = term;
  for (int k = 1; k <= 30; ++k) {
    TENSORD_ASSIGN_OR_RETURN(Tensor t1, Matmul(term, x));
    TENSORD_ASSIGN_OR_RETURN(term, Div(t1, WrapScalar(double(k))));
    TENSORD_ASSIGN_OR_RETURN(sum, Add(sum, term));
    TENSORD_ASSIGN_OR_RETURN(Tensor mag, Abs(term));
    if (mag.numel() == 0) break;
    TENSORD_ASSIGN_OR_RETURN(Tensor mx, Max(mag));
    const double v = mx.item().to_double();
    if (!(v >= 1e-18)) break;  // also NaN
  }
  for (int i = 0; i < s; ++i) {
    TENSORD_ASSIGN_OR_RETURN(sum, Matmul(sum, sum));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Fresh(sum));
  for (int64_t b = 0; b < count; ++b) {
    if (bad[b]) {
      std::fill_n(out.data<double>() + b * n * n, n * n,
                  std::numeric_limits<double>::quiet_NaN());
    }
  }
  if (a.dtype() == DType::kFloat64) return out;
  return To(out, a.dtype());
}

}  // namespace

StatusOrTensor MatrixExp(const Tensor& a) {
  if (a.dim() >= 2 && a.size(-1) == a.size(-2) && !IsFloating(a.dtype()) &&
      !IsComplex(a.dtype())) {
    // torch names the shape checks linalg.matrix_exp, this one matrix_exp.
    return absl::InvalidArgumentError(
        absl::StrCat("matrix_exp: Expected a floating point or complex "
                     "tensor as input. Got ",
                     DTypeShortName(a.dtype())));
  }
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.matrix_exp", true));
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, MatrixExpRaw(a));
  }
  if (auto node = RecordOp("LinalgMatrixExpBackward0", {&a}, {&out})) {
    const int a_slot = node->Save(a);
    node->set_backward(
        [a_slot](Node& self, const GradList& g) -> absl::StatusOr<GradList> {
          // The upper right block of exp([[A^T, G], [0, A^T]]).
          TENSORD_ASSIGN_OR_RETURN(Tensor A, self.Saved(a_slot));
          const int64_t n = A.size(-1);
          TENSORD_ASSIGN_OR_RETURN(Tensor At, Mt(A));
          TENSORD_ASSIGN_OR_RETURN(Tensor z, ZerosLike(At));
          TENSORD_ASSIGN_OR_RETURN(Tensor top, Cat({At, g[0]}, -1));
          TENSORD_ASSIGN_OR_RETURN(Tensor bottom, Cat({z, At}, -1));
          TENSORD_ASSIGN_OR_RETURN(Tensor block, Cat({top, bottom}, -2));
          // In a create_graph pass (A saved with its history) through
          // MatrixExp, which records this same derivative, as torch does;
          // the same values as MatrixExpRaw either way.
          Tensor e;
          if (GradEnabled()) {
            TENSORD_ASSIGN_OR_RETURN(e, MatrixExp(block));
          } else {
            TENSORD_ASSIGN_OR_RETURN(e, MatrixExpRaw(block));
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor r0, Narrow(e, -2, 0, n));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Narrow(r0, -1, n, n));
          return GradList{r};
        });
  }
  return out;
}

}  // namespace tensord

namespace tensord {

absl::StatusOr<std::vector<Tensor>> LinalgLstsq(const Tensor& a,
                                                const Tensor& b,
                                                std::optional<double> rcond) {
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(
        "torch.linalg.lstsq: input must have at least 2 dimensions.");
  }
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "torch.linalg.lstsq", false));
  if (a.dtype() != b.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "torch.linalg.lstsq: Expected input and other to have the same "
        "dtype, but got input's dtype ",
        DTypeShortName(a.dtype()), " and other's dtype ",
        DTypeShortName(b.dtype())));
  }
  const bool vector = b.dim() == a.dim() - 1;
  Tensor bm = b;
  if (vector) {
    TENSORD_ASSIGN_OR_RETURN(bm, Unsqueeze(b, -1));
  }
  if (bm.dim() < 2 || bm.size(-2) != a.size(-2)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"));
  }
  const int64_t m = a.size(-2), n = a.size(-1);
  // gelsy's default: singular values below eps * max(m, n) of the largest
  // are zero; the solution is the minimum-norm one, pinv(A) B.
  const double r = rcond.value_or(
      (a.dtype() == DType::kFloat32 ? Epsilon<float>() : Epsilon<double>()) *
      static_cast<double>(std::max(m, n)));
  TENSORD_ASSIGN_OR_RETURN(Tensor pinv, LinalgPinv(a, std::nullopt, r));
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Matmul(pinv, bm));
  if (vector) {
    TENSORD_ASSIGN_OR_RETURN(x, Squeeze(x, -1));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor solution,
                           Composite("LinalgLstsqBackward0", x));
  TENSORD_ASSIGN_OR_RETURN(Tensor rank, MatrixRank(a, std::nullopt, r));
  TENSORD_ASSIGN_OR_RETURN(Tensor residuals, Empty({0}, a.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor sv, Empty({0}, a.dtype()));
  return std::vector<Tensor>{solution, residuals, rank, sv};
}

StatusOrTensor LinalgCond(const Tensor& a, NormOrd p) {
  if (p.kind == NormOrd::kDefault ||
      (p.kind == NormOrd::kNumber && std::abs(p.p) == 2)) {
    if (a.dim() < 2) {
      return absl::InvalidArgumentError(
          "linalg.cond: The input tensor must have at least 2 dimensions.");
    }
    TENSORD_RETURN_IF_ERROR(CheckMatrices(a, "linalg.cond", false));
    TENSORD_ASSIGN_OR_RETURN(Tensor s, Svdvals(a));
    TENSORD_ASSIGN_OR_RETURN(Tensor first, Narrow(s, -1, 0, 1));
    TENSORD_ASSIGN_OR_RETURN(Tensor last, Narrow(s, -1, s.size(-1) - 1, 1));
    const bool neg = p.kind == NormOrd::kNumber && p.p < 0;
    TENSORD_ASSIGN_OR_RETURN(Tensor q,
                             neg ? Div(last, first) : Div(first, last));
    return Squeeze(q, -1);
  }
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(
        "linalg.cond: The input tensor must have at least 2 dimensions.");
  }
  {
    std::string ord = p.kind == NormOrd::kFro   ? "fro"
                      : p.kind == NormOrd::kNuc ? "nuc"
                                                : absl::StrCat(p.p);
    if (p.kind == NormOrd::kNumber && std::isinf(p.p)) {
      ord = p.p > 0 ? "inf" : "-inf";
    }
    TENSORD_RETURN_IF_ERROR(
        CheckMatrices(a, absl::StrCat("linalg.cond(ord=", ord, ")"), true));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor na, MatrixNorm(a, p, {-2, -1}, false));
  TENSORD_ASSIGN_OR_RETURN(auto inv, LinalgInvEx(a, false, "linalg.cond"));
  TENSORD_ASSIGN_OR_RETURN(Tensor ni,
                           MatrixNorm(inv.first, p, {-2, -1}, false));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Mul(na, ni));
  // torch: inf where the matrix is singular.
  Tensor singular;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(singular, Gt(inv.second, WrapScalar(int64_t{0})));
  }
  TENSORD_ASSIGN_OR_RETURN(
      Tensor r,
      Where(singular,
            ScalarTensor(Scalar(std::numeric_limits<double>::infinity()),
                         c.dtype()),
            c));
  return r;
}

StatusOrTensor HouseholderProduct(const Tensor& a, const Tensor& tau) {
  const std::string name = "torch.linalg.householder_product";
  if (a.dim() < 2) {
    return absl::InvalidArgumentError(
        name + ": input must have at least 2 dimensions.");
  }
  if (a.size(-2) < a.size(-1)) {
    return absl::InvalidArgumentError(
        name +
        ": input.shape[-2] must be greater than or equal to input.shape[-1]");
  }
  if (a.size(-1) < tau.size(-1) || tau.dim() == 0) {
    return absl::InvalidArgumentError(
        name +
        ": input.shape[-1] must be greater than or equal to tau.shape[-1]");
  }
  if (tau.dim() != a.dim() - 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        name,
        ": Expected tau to have one dimension less than input, but got "
        "tau.ndim equal to ",
        tau.dim(), " and input.ndim is equal to ", a.dim()));
  }
  TENSORD_RETURN_IF_ERROR(CheckMatrices(a, name, false));
  if (a.dtype() != tau.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": tau dtype ", DTypeShortName(tau.dtype()),
        " does not match input dtype ", DTypeShortName(a.dtype())));
  }
  const int64_t m = a.size(-2), n = a.size(-1), k = tau.size(-1);
  // V: the reflectors' vectors (unit diagonal, A's strictly lower part).
  TENSORD_ASSIGN_OR_RETURN(Tensor low, Tril(a, -1));
  TENSORD_ASSIGN_OR_RETURN(Tensor eye_mn, Eye(m, n, a.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor V, Add(low, eye_mn));
  TENSORD_ASSIGN_OR_RETURN(Tensor eye_m, Eye(m, std::nullopt, a.dtype()));
  Tensor q = eye_m;
  for (int64_t i = 0; i < k; ++i) {
    // Q <- Q (I - tau_i v_i v_i^T) = Q - tau_i (Q v_i) v_i^T
    TENSORD_ASSIGN_OR_RETURN(Tensor v, Narrow(V, -1, i, 1));     // [.., m, 1]
    TENSORD_ASSIGN_OR_RETURN(Tensor vt, Transpose(v, -2, -1));   // [.., 1, m]
    TENSORD_ASSIGN_OR_RETURN(Tensor t0, Narrow(tau, -1, i, 1));  // [.., 1]
    TENSORD_ASSIGN_OR_RETURN(Tensor t, Unsqueeze(t0, -1));       // [.., 1, 1]
    TENSORD_ASSIGN_OR_RETURN(Tensor qv, Matmul(q, v));           // [.., m, 1]
    TENSORD_ASSIGN_OR_RETURN(Tensor qvt, Matmul(qv, vt));        // [.., m, m]
    TENSORD_ASSIGN_OR_RETURN(Tensor upd, Mul(qvt, t));
    TENSORD_ASSIGN_OR_RETURN(q, Sub(q, upd));
  }
  if (k == 0) {
    DimList shape(a.sizes().begin(), a.sizes().end() - 2);
    shape.push_back(m);
    shape.push_back(m);
    TENSORD_ASSIGN_OR_RETURN(Tensor z, Mul(a, WrapScalar(0.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor zs, Sum(z));
    TENSORD_ASSIGN_OR_RETURN(Tensor e, Expand(eye_m, shape));
    TENSORD_ASSIGN_OR_RETURN(q, Add(e, zs));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Narrow(q, -1, 0, n));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Contiguous(r));
  return Composite("LinalgHouseholderProductBackward0", out);
}

}  // namespace tensord
