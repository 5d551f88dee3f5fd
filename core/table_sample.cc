// The op table's sampling and set family: bernoulli, multinomial, logspace,
// tril/triu_indices, searchsorted, bucketize, unique, meshgrid,
// cartesian_prod, block_diag, and clamp_min/clamp_max.
#include "absl/strings/str_cat.h"
#include "core/op_def.h"
#include "core/ops.h"
#include "core/status_macros.h"

namespace tensord {
namespace op_def {
namespace {

using AT = AttrType;

OpDef Variadic(OpDef d) {
  d.variadic = true;
  return d;
}

OpDef Variable(OpDef d) {
  d.variable_outputs = true;
  return d;
}

}  // namespace

void AddSampleOps(std::vector<OpDef>& t) {
  // Differentiable with a zero gradient in torch (BernoulliBackward0); not
  // gradient-checked, as the draws change with every call.
  t.push_back(Def("bernoulli", {"self"}, {Opt("p", AT::kFloat)}, false,
                  "1 with probability self (or p), else 0, in self's dtype",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    if (a.Has("p")) {
                      return One(Bernoulli(a[0], a.Float("p"), *g));
                    }
                    return One(Bernoulli(a[0], std::nullopt, *g));
                  }));
  {
    OpDef d = Def("bernoulli_", {"self", "p"}, {}, false,
                  "fill self with draws of probability p (a number or a "
                  "tensor; 0.5 without)",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    const auto& in = a.all();
                    if (in.size() < 2) {
                      return One(BernoulliInplace(a[0], nullptr, 0.5, *g));
                    }
                    if (in[1].is_wrapped_number()) {
                      return One(BernoulliInplace(
                          a[0], nullptr, in[1].item().to_double(), *g));
                    }
                    return One(BernoulliInplace(a[0], &in[1], 0, *g));
                  });
    d.min_inputs = 1;
    t.push_back(std::move(d));
  }
  t.push_back(
      Def("multinomial", {"self"},
          {Req("num_samples", AT::kInt), Opt("replacement", AT::kBool, false)},
          false, "indices drawn from the rows of self as weights",
          [](const Args& a, OpContext& c) -> Outs {
            TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
            return One(Multinomial(a[0], a.Int("num_samples"),
                                   a.Bool("replacement"), *g));
          }));
  t.push_back(
      Def("logspace", {},
          {Req("start", AT::kScalar), Req("end", AT::kScalar),
           Req("steps", AT::kInt), Opt("base", AT::kFloat, 10.0), DTypeAttr()},
          false, "base ** linspace(start, end, steps)",
          [](const Args& a, OpContext&) {
            return One(Logspace(a.Num("start"), a.Num("end"), a.Int("steps"),
                                a.Float("base"), a.OptDType("dtype")));
          }));
  for (const bool lower : {true, false}) {
    t.push_back(Def(lower ? "tril_indices" : "triu_indices", {},
                    {Req("row", AT::kInt), Req("col", AT::kInt),
                     Opt("offset", AT::kInt, int64_t{0}), DTypeAttr()},
                    false,
                    lower ? "coordinates of the lower triangle, [2, n]"
                          : "coordinates of the upper triangle, [2, n]",
                    [lower](const Args& a, OpContext&) {
                      return One(TriIndices(a.Int("row"), a.Int("col"),
                                            a.Int("offset"), lower,
                                            a.DTypeOr("dtype", DType::kInt64)));
                    }));
  }
  t.push_back(
      Def("searchsorted", {"sorted_sequence", "self"},
          {Opt("out_int32", AT::kBool, false), Opt("right", AT::kBool, false),
           Opt("side", AT::kString)},
          false, "where self's values would go in the sorted last dim",
          [](const Args& a, OpContext&) -> Outs {
            bool right = a.Bool("right");
            if (a.Has("side")) {
              const std::string side = a.Str("side");
              if (side != "left" && side != "right") {
                return absl::InvalidArgumentError(absl::StrCat(
                    "torch.searchsorted(): side can only be 'left' or 'right' "
                    "but got ",
                    side.substr(0, 64)));
              }
              if (right && side == "left") {
                return absl::InvalidArgumentError(
                    "torch.searchsorted(): side and right can't be set to "
                    "opposites, got side of left while right was True");
              }
              right = side == "right";
            }
            return One(Searchsorted(a[0], a[1], right, a.Bool("out_int32")));
          }));
  t.push_back(
      Def("bucketize", {"self", "boundaries"},
          {Opt("out_int32", AT::kBool, false), Opt("right", AT::kBool, false)},
          false, "the bucket of each value among 1-d boundaries",
          [](const Args& a, OpContext&) -> Outs {
            if (a[1].dim() != 1) {
              return absl::InvalidArgumentError(
                  absl::StrCat("boundaries tensor must be 1 dimension, but got "
                               "dim(",
                               a[1].dim(), ")"));
            }
            return One(
                Searchsorted(a[1], a[0], a.Bool("right"), a.Bool("out_int32")));
          }));
  for (const bool consecutive : {false, true}) {
    t.push_back(Def(
        consecutive ? "unique_consecutive" : "unique", {"self"},
        {Opt("sorted", AT::kBool, true),
         Opt("return_inverse", AT::kBool, false),
         Opt("return_counts", AT::kBool, false), Opt("dim", AT::kInt)},
        false,
        consecutive ? "runs of equal values: (values, inverse, counts)"
                    : "the sorted distinct values: (values, inverse, counts)",
        [consecutive](const Args& a, OpContext&) -> Outs {
          if (a.Has("dim")) {
            return absl::UnimplementedError(
                "tensord: unique(dim=...) is not supported yet");
          }
          return Unique(a[0], a.Bool("sorted"), consecutive);
        },
        {"values", "inverse", "counts"}));
  }
  t.push_back(
      Variable(Variadic(Def("meshgrid", {"tensors"},
                            {Opt("indexing", AT::kString, std::string("ij"))},
                            true, "coordinate grids of 0-d/1-d tensors (views)",
                            [](const Args& a, OpContext&) -> Outs {
                              return Meshgrid(a.all(), a.Str("indexing"));
                            }))));
  t.push_back(Variadic(Def(
      "cartesian_prod", {"tensors"}, {}, true,
      "the cartesian product of 1-d tensors, [n, k]",
      [](const Args& a, OpContext&) { return One(CartesianProd(a.all())); })));
  t.push_back(Variadic(
      Def("block_diag", {"tensors"}, {}, true,
          "the tensors as blocks of a block-diagonal matrix",
          [](const Args& a, OpContext&) { return One(BlockDiag(a.all())); })));
  for (const bool nan : {false, true}) {
    t.push_back(Def(nan ? "nanquantile" : "quantile", {"self", "q"},
                    {Opt("dim", AT::kInt), KeepDim(),
                     Opt("interpolation", AT::kString, std::string("linear"))},
                    true,
                    nan ? "the q-th quantiles of the non-NaN values"
                        : "the q-th quantiles (NaN if any)",
                    [nan](const Args& a, OpContext&) {
                      return One(Quantile(a[0], a[1], a.OptInt("dim"),
                                          a.Bool("keepdim"),
                                          a.Str("interpolation"), nan));
                    }));
  }
  t.push_back(Def("mode", {"self"},
                  {Opt("dim", AT::kInt, int64_t{-1}), KeepDim()}, true,
                  "the most frequent value along dim and its index",
                  [](const Args& a, OpContext&) {
                    return Two(Mode(a[0], a.Int("dim"), a.Bool("keepdim")));
                  },
                  {"values", "indices"}));
  t.push_back(Def("clamp_min", {"self"}, {Req("min", AT::kScalar)}, true,
                  "clamp(self, min=min)", [](const Args& a, OpContext&) {
                    return One(Clamp(a[0], a.Num("min"), std::nullopt));
                  }));
  t.push_back(Def("clamp_max", {"self"}, {Req("max", AT::kScalar)}, true,
                  "clamp(self, max=max)", [](const Args& a, OpContext&) {
                    return One(Clamp(a[0], std::nullopt, a.Num("max")));
                  }));
}

}  // namespace op_def
}  // namespace tensord
