// The op table's linear-algebra family: determinants, inverses, solvers and
// decompositions (kernels in ops_decomp.cc), under torch's spellings:
// torch.det and torch.linalg.det, torch.inverse and torch.linalg.inv, ...
#include <string>
#include <vector>

#include "core/op_def.h"
#include "core/ops.h"

namespace tensord {
namespace op_def {
namespace {

using AT = AttrType;

}  // namespace

void AddLinalgOps(std::vector<OpDef>& t) {
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
}

}  // namespace op_def
}  // namespace tensord
