// The op table's linear-algebra family: determinants, inverses, solvers and
// decompositions (kernels in ops_decomp.cc), under torch's spellings:
// torch.det and torch.linalg.det, torch.inverse and torch.linalg.inv, ...
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/op_def.h"
#include "core/ops.h"

namespace tensord {
namespace op_def {
namespace {

using AT = AttrType;

OpDef Variadic(OpDef d) {
  d.variadic = true;
  return d;
}

std::optional<double> OptF(const Args& a, absl::string_view k) {
  return a.Has(k) ? std::optional<double>(a.Float(k)) : std::nullopt;
}

}  // namespace

void AddLinalgOps(std::vector<OpDef>& t) {
  {
    // The weights are keyword-only in torch; a client passes the number 0
    // for absent fweights before given aweights.
    OpDef cov = Def(
        "cov", {"self", "fweights", "aweights"},
        {Opt("correction", AT::kInt, int64_t{1})}, true,
        "covariance of the rows (variables) over the columns (observations)",
        [](const Args& a, OpContext&) {
          auto opt = [&a](size_t i) {
            Tensor t = a.OptInput(i);
            return t.defined() && t.is_wrapped_number() ? Tensor() : t;
          };
          return One(Cov(a[0], a.Int("correction"), opt(1), opt(2)));
        });
    cov.min_inputs = 1;
    t.push_back(std::move(cov));
  }
  t.push_back(
      Def("corrcoef", {"self"}, {}, true,
          "Pearson correlation coefficients of the rows (variables)",
          [](const Args& a, OpContext&) { return One(Corrcoef(a[0])); }));
  for (const char* name : {"det", "linalg.det"}) {
    t.push_back(
        Def(name, {"self"}, {}, true, "determinant (LU, getrf)",
            [](const Args& a, OpContext&) { return One(LinalgDet(a[0])); }));
  }
  for (const char* name : {"slogdet", "linalg.slogdet"}) {
    t.push_back(
        Def(name, {"self"}, {}, true, "sign and log |det|",
            [](const Args& a, OpContext&) { return Two(LinalgSlogdet(a[0])); },
            {"sign", "logabsdet"}));
  }
  t.push_back(Def("logdet", {"self"}, {}, true,
                  "log det (NaN for a negative det)",
                  [](const Args& a, OpContext&) { return One(Logdet(a[0])); }));
  for (const char* name : {"inverse", "linalg.inv"}) {
    t.push_back(Def(name, {"self"}, {}, true, "matrix inverse (getrf, getrs)",
                    [](const Args& a, OpContext&) {
                      return One(LinalgInv(a[0], "linalg.inv"));
                    }));
  }
  t.push_back(Def("linalg.inv_ex", {"self"},
                  {Opt("check_errors", AT::kBool, false)}, true,
                  "inverse and LAPACK's info (non-zero for a singular matrix)",
                  [](const Args& a, OpContext&) {
                    return Two(LinalgInvEx(a[0], a.Bool("check_errors")));
                  },
                  {"inverse", "info"}));
  t.push_back(Def("linalg.solve", {"A", "B"}, {Opt("left", AT::kBool, true)},
                  true, "X with A X = B (B a vector or a matrix, batched)",
                  [](const Args& a, OpContext&) {
                    return One(LinalgSolve(a[0], a[1], a.Bool("left")));
                  }));
  t.push_back(Def("linalg.solve_triangular", {"A", "B"},
                  {Req("upper", AT::kBool), Opt("left", AT::kBool, true),
                   Opt("unitriangular", AT::kBool, false)},
                  true, "X with A X = B (or X A = B) for triangular A",
                  [](const Args& a, OpContext&) {
                    return One(LinalgSolveTriangular(
                        a[0], a[1], a.Bool("upper"), a.Bool("left"),
                        a.Bool("unitriangular")));
                  }));
  t.push_back(
      Def("triangular_solve", {"self", "A"},
          {Opt("upper", AT::kBool, true), Opt("transpose", AT::kBool, false),
           Opt("unitriangular", AT::kBool, false)},
          true, "(X with A X = self, a copy of A), A triangular",
          [](const Args& a, OpContext&) {
            return Two(TriangularSolve(a[0], a[1], a.Bool("upper"),
                                       a.Bool("transpose"),
                                       a.Bool("unitriangular")));
          },
          {"solution", "cloned_coefficient"}));
  t.push_back(Def("cholesky_solve", {"self", "input2"},
                  {Opt("upper", AT::kBool, false)}, true,
                  "X with (L L^T) X = self, L = input2 a Cholesky factor",
                  [](const Args& a, OpContext&) {
                    return One(CholeskySolve(a[0], a[1], a.Bool("upper")));
                  }));
  t.push_back(Def("linalg.cholesky", {"self"}, {Opt("upper", AT::kBool, false)},
                  true, "Cholesky factor of a positive-definite matrix (potrf)",
                  [](const Args& a, OpContext&) {
                    return One(LinalgCholesky(a[0], a.Bool("upper"),
                                              "linalg.cholesky",
                                              "LinalgCholeskyExBackward0"));
                  }));
  t.push_back(Def("cholesky", {"self"}, {Opt("upper", AT::kBool, false)}, true,
                  "Cholesky factor (deprecated spelling)",
                  [](const Args& a, OpContext&) {
                    return One(LinalgCholesky(a[0], a.Bool("upper"), "cholesky",
                                              "CholeskyBackward0"));
                  }));
  t.push_back(Def("linalg.qr", {"self"},
                  {Opt("mode", AT::kString, std::string("reduced"),
                       "'reduced', 'complete' or 'r'")},
                  true, "QR decomposition (geqrf, orgqr)",
                  [](const Args& a, OpContext&) {
                    return Two(LinalgQr(a[0], a.Str("mode")));
                  },
                  {"Q", "R"}));
  t.push_back(
      Def("qr", {"self"}, {Opt("some", AT::kBool, true)}, true,
          "QR decomposition (reduced unless some=False)",
          [](const Args& a, OpContext&) {
            return Two(LinalgQr(a[0], a.Bool("some") ? "reduced" : "complete"));
          },
          {"Q", "R"}));
  t.push_back(Def("linalg.svd", {"self"},
                  {Opt("full_matrices", AT::kBool, true)}, true,
                  "singular value decomposition U, S, Vh (gesdd)",
                  [](const Args& a, OpContext&) {
                    return LinalgSvd(a[0], a.Bool("full_matrices"));
                  },
                  {"U", "S", "Vh"}));
  t.push_back(Def("svd", {"self"}, {Opt("some", AT::kBool, true)}, true,
                  "singular value decomposition U, S, V (V = Vh^T)",
                  [](const Args& a, OpContext&) -> Outs {
                    auto r = LinalgSvd(a[0], !a.Bool("some"));
                    if (!r.ok()) return r.status();
                    auto v = Transpose((*r)[2], -2, -1);
                    if (!v.ok()) return v.status();
                    return std::vector<Tensor>{(*r)[0], (*r)[1], *v};
                  },
                  {"U", "S", "V"}));
  t.push_back(
      Def("linalg.svdvals", {"self"}, {}, true, "singular values, descending",
          [](const Args& a, OpContext&) { return One(Svdvals(a[0])); }));
  // ---- built on the decompositions ----
  t.push_back(Def("linalg.eigvalsh", {"self"},
                  {Opt("UPLO", AT::kString, std::string("L"))}, true,
                  "eigenvalues of a symmetric matrix, ascending",
                  [](const Args& a, OpContext&) {
                    return One(Eigvalsh(a[0], a.Str("UPLO")));
                  }));
  t.push_back(Def(
      "linalg.pinv", {"self"},
      {Opt("atol", AT::kFloat), Opt("rtol", AT::kFloat),
       Opt("hermitian", AT::kBool, false)},
      true, "pseudo-inverse (through the SVD)", [](const Args& a, OpContext&) {
        return One(LinalgPinv(a[0], OptF(a, "atol"), OptF(a, "rtol")));
      }));
  t.push_back(Def("pinverse", {"self"}, {Opt("rcond", AT::kFloat, 1e-15)}, true,
                  "pseudo-inverse, singular values below rcond * max dropped",
                  [](const Args& a, OpContext&) {
                    return One(
                        LinalgPinv(a[0], std::nullopt, a.Float("rcond")));
                  }));
  t.push_back(Def("linalg.matrix_rank", {"self"},
                  {Opt("atol", AT::kFloat), Opt("rtol", AT::kFloat),
                   Opt("hermitian", AT::kBool, false), Opt("tol", AT::kFloat)},
                  false, "the number of singular values above the tolerance",
                  [](const Args& a, OpContext&) {
                    if (a.Has("tol")) {
                      return One(MatrixRank(a[0], a.Float("tol"), 0.0));
                    }
                    return One(
                        MatrixRank(a[0], OptF(a, "atol"), OptF(a, "rtol")));
                  }));
  for (const char* name : {"matrix_exp", "linalg.matrix_exp"}) {
    t.push_back(
        Def(name, {"self"}, {}, true, "matrix exponential",
            [](const Args& a, OpContext&) { return One(MatrixExp(a[0])); }));
  }
  t.push_back(Def(
      "linalg.matrix_norm", {"self"},
      {Opt("ord", AT::kOrd, std::string("fro"), "'fro', 'nuc' or a number"),
       Opt("dim", AT::kInts, std::vector<int64_t>{-2, -1}), KeepDim()},
      true, "matrix norm over two dims", [](const Args& a, OpContext&) -> Outs {
        const NormOrd ord = a.Ord("ord");
        const double p = std::abs(ord.p);
        if (a[0].dim() >= 2 && ord.kind == NormOrd::kNumber &&
            !(p == 1 || p == 2 || std::isinf(p))) {
          return absl::InvalidArgumentError(absl::StrCat(
              "linalg.matrix_norm: Order ", ord.p, " not supported."));
        }
        return One(
            MatrixNorm(a[0], a.Ord("ord"), a.Ints("dim"), a.Bool("keepdim")));
      }));
  t.push_back(Def(
      "linalg.vector_norm", {"self"},
      {Opt("ord", AT::kFloat, 2.0), Opt("dim", AT::kInts), KeepDim()}, true,
      "vector norm over dims (all by default)", [](const Args& a, OpContext&) {
        return One(LinalgVectorNorm(a[0], a.Float("ord"), a.Ints("dim"),
                                    a.Bool("keepdim")));
      }));
  t.push_back(Def("linalg.lstsq", {"self", "b"},
                  {Opt("rcond", AT::kFloat), Opt("driver", AT::kString)}, true,
                  "least-squares solution (minimum norm), rank",
                  [](const Args& a, OpContext&) -> Outs {
                    if (a.Has("driver") && a.Str("driver") != "gelsy" &&
                        a.Str("driver") != "gelsd" &&
                        a.Str("driver") != "gelss" &&
                        a.Str("driver") != "gels") {
                      return absl::InvalidArgumentError(
                          "torch.linalg.lstsq: parameter `driver` should be "
                          "one of (gels, gelsy, gelsd, gelss)");
                    }
                    return LinalgLstsq(a[0], a[1], OptF(a, "rcond"));
                  },
                  {"solution", "residuals", "rank", "singular_values"}));
  t.push_back(Def(
      "linalg.cond", {"self"},
      {Opt("p", AT::kOrd, std::monostate{}, "None, a number, 'fro' or 'nuc'")},
      true, "condition number", [](const Args& a, OpContext&) {
        return One(LinalgCond(a[0], a.Ord("p")));
      }));
  t.push_back(Def("linalg.householder_product", {"self", "tau"}, {}, true,
                  "Q from Householder reflectors (geqrf's output)",
                  [](const Args& a, OpContext&) {
                    return One(HouseholderProduct(a[0], a[1]));
                  }));
  // ---- products ----
  for (const char* name : {"matrix_power", "linalg.matrix_power"}) {
    t.push_back(Def(name, {"self"}, {Req("n", AT::kInt)}, true,
                    "A^n (n < 0: of the inverse)",
                    [](const Args& a, OpContext&) {
                      return One(MatrixPower(a[0], a.Int("n")));
                    }));
  }
  t.push_back(
      Def("kron", {"self", "other"}, {}, true, "Kronecker product",
          [](const Args& a, OpContext&) { return One(Kron(a[0], a[1])); }));
  t.push_back(Def(
      "tensordot", {"a", "b"},
      {Opt("dims", AT::kInt, int64_t{2}), Opt("dims_a", AT::kInts),
       Opt("dims_b", AT::kInts)},
      true,
      "contraction of a's last dims with b's first (or of dims_a with dims_b)",
      [](const Args& a, OpContext&) {
        if (a.Has("dims_a") || a.Has("dims_b")) {
          return One(Tensordot(a[0], a[1], a.Ints("dims_a"), a.Ints("dims_b")));
        }
        return One(TensordotN(a[0], a[1], a.Int("dims")));
      }));
  t.push_back(
      Variadic(Def("linalg.multi_dot", {"tensors"}, {}, true,
                   "product of a chain of matrices (the ends may be vectors)",
                   [](const Args& a, OpContext&) {
                     return One(MultiDot(a.all(), "multi_dot"));
                   })));
  t.push_back(Variadic(Def("chain_matmul", {"tensors"}, {}, true,
                           "product of a chain of matrices",
                           [](const Args& a, OpContext&) {
                             return One(MultiDot(a.all(), "chain_matmul"));
                           })));
  t.push_back(Def("cross", {"self", "other"}, {Opt("dim", AT::kInt)}, true,
                  "cross product (along the first dim of size 3 by default)",
                  [](const Args& a, OpContext&) {
                    return One(LinalgCross(a[0], a[1], a.OptInt("dim"),
                                           "linalg.cross"));
                  }));
  t.push_back(Def(
      "linalg.cross", {"self", "other"}, {Opt("dim", AT::kInt, int64_t{-1})},
      true, "cross product along dim", [](const Args& a, OpContext&) {
        return One(LinalgCross(a[0], a[1], a.Int("dim"), "linalg.cross"));
      }));
  t.push_back(Def("linalg.vecdot", {"x", "y"},
                  {Opt("dim", AT::kInt, int64_t{-1})}, true,
                  "dot products along dim", [](const Args& a, OpContext&) {
                    return One(Vecdot(a[0], a[1], a.Int("dim")));
                  }));
  t.push_back(Variadic(Def(
      "einsum", {"tensors"}, {Req("equation", AT::kString)}, true,
      "Einstein summation over the operands", [](const Args& a, OpContext&) {
        return One(Einsum(a.Str("equation"), a.all()));
      })));
}

}  // namespace op_def
}  // namespace tensord
