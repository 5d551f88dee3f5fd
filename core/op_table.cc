#include "core/op_table.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/errors.h"
#include "core/op_def.h"
#include "core/status_macros.h"
#include "core/storage_dtypes.h"

namespace tensord {

absl::string_view AttrTypeName(AttrType t) {
  switch (t) {
    case AttrType::kInt:
      return "int";
    case AttrType::kInts:
      return "int[]";
    case AttrType::kFloat:
      return "float";
    case AttrType::kScalar:
      return "Scalar";
    case AttrType::kBool:
      return "bool";
    case AttrType::kDType:
      return "dtype";
    case AttrType::kString:
      return "str";
    case AttrType::kOrd:
      return "float or str";
  }
  return "?";
}

namespace {
using namespace op_def;  // NOLINT: the table's own vocabulary

std::vector<OpDef> BuildTable() {
  using AT = AttrType;
  std::vector<OpDef> t;
  // ---- creation ----
  t.push_back(Def("zeros", {}, {Req("size", AT::kInts), DTypeAttr()}, false,
                  "tensor of zeros", [](const Args& a, OpContext&) {
                    return One(Zeros(a.ShapeOf("size"),
                                     a.DTypeOr("dtype", DefaultFloat())));
                  }));
  t.push_back(Def("ones", {}, {Req("size", AT::kInts), DTypeAttr()}, false,
                  "tensor of ones", [](const Args& a, OpContext&) {
                    return One(Ones(a.ShapeOf("size"),
                                    a.DTypeOr("dtype", DefaultFloat())));
                  }));
  t.push_back(
      Def("full", {},
          {Req("size", AT::kInts), Req("fill_value", AT::kScalar), DTypeAttr()},
          false, "tensor filled with a value", [](const Args& a, OpContext&) {
            return One(Full(a.ShapeOf("size"), a.Num("fill_value"),
                            a.OptDType("dtype")));
          }));
  t.push_back(Def(
      "arange", {},
      {Opt("start", AT::kScalar, Scalar(int64_t{0})), Req("end", AT::kScalar),
       Opt("step", AT::kScalar, Scalar(int64_t{1})), DTypeAttr()},
      false, "values from start to end (exclusive) by step",
      [](const Args& a, OpContext&) {
        return One(Arange(a.Num("start"), a.Num("end"), a.Num("step"),
                          a.OptDType("dtype")));
      }));
  t.push_back(Def("linspace", {},
                  {Req("start", AT::kScalar), Req("end", AT::kScalar),
                   Req("steps", AT::kInt), DTypeAttr()},
                  false, "evenly spaced values", [](const Args& a, OpContext&) {
                    return One(Linspace(a.Num("start"), a.Num("end"),
                                        a.Int("steps"), a.OptDType("dtype")));
                  }));
  t.push_back(Def("eye", {},
                  {Req("n", AT::kInt), Opt("m", AT::kInt), DTypeAttr()}, false,
                  "identity matrix", [](const Args& a, OpContext&) {
                    return One(Eye(a.Int("n"), a.OptInt("m"),
                                   a.DTypeOr("dtype", DefaultFloat())));
                  }));
  t.push_back(Def("rand", {}, {Req("size", AT::kInts), DTypeAttr()}, false,
                  "uniform [0, 1) from the session's generator",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    return One(Rand(a.ShapeOf("size"), *g,
                                    a.DTypeOr("dtype", DefaultFloat())));
                  }));
  t.push_back(Def("randn", {}, {Req("size", AT::kInts), DTypeAttr()}, false,
                  "standard normal from the session's generator",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    return One(Randn(a.ShapeOf("size"), *g,
                                     a.DTypeOr("dtype", DefaultFloat())));
                  }));
  t.push_back(Def("randint", {},
                  {Opt("low", AT::kInt, int64_t{0}), Req("high", AT::kInt),
                   Req("size", AT::kInts),
                   Opt("dtype", AT::kDType, DType::kInt64, "result dtype")},
                  false,
                  "integers uniform in [low, high) from the session's "
                  "generator",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    return One(RandInt(a.Int("low"), a.Int("high"),
                                       a.ShapeOf("size"), *g,
                                       a.DTypeOr("dtype", DType::kInt64)));
                  }));
  t.push_back(Def("randperm", {},
                  {Req("n", AT::kInt),
                   Opt("dtype", AT::kDType, DType::kInt64, "result dtype")},
                  false, "a random permutation of 0..n-1",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    return One(RandPerm(a.Int("n"), *g,
                                        a.DTypeOr("dtype", DType::kInt64)));
                  }));
  t.push_back(Def(
      "normal", {"mean", "std"}, {Opt("size", AT::kInts), DTypeAttr()}, false,
      "normal samples: number mean and std with a size, or tensors of means "
      "and/or standard deviations (broadcast)",
      [](const Args& a, OpContext& c) -> Outs {
        TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
        std::optional<Shape> size;
        if (a.Has("size")) size = a.ShapeOf("size");
        return One(Normal(a[0], a[1], size, *g, a.OptDType("dtype")));
      }));
  t.push_back(Def(
      "normal_", {"self"},
      {Opt("mean", AT::kFloat, 0.0), Opt("std", AT::kFloat, 1.0)}, false,
      "fill self with normal samples", [](const Args& a, OpContext& c) -> Outs {
        TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
        return One(NormalInplace(a[0], a.Float("mean"), a.Float("std"), *g));
      }));
  t.push_back(Def("uniform_", {"self"},
                  {Opt("from", AT::kFloat, 0.0), Opt("to", AT::kFloat, 1.0)},
                  false, "fill self with uniform samples in [from, to)",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    return One(UniformInplace(a[0], a.Float("from"),
                                              a.Float("to"), *g));
                  }));
  for (const auto& [name, d, first, a0, second, b0, doc] :
       {std::tuple{"exponential_", Distribution::kExponential, "lambd", 1.0, "",
                   0.0, "fill self with exponential samples"},
        std::tuple{"geometric_", Distribution::kGeometric, "p", 0.0, "", 0.0,
                   "fill self with geometric samples (trials to success)"},
        std::tuple{"log_normal_", Distribution::kLogNormal, "mean", 1.0, "std",
                   2.0, "fill self with exp of normal samples"},
        std::tuple{"cauchy_", Distribution::kCauchy, "median", 0.0, "sigma",
                   1.0, "fill self with Cauchy samples"}}) {
    std::vector<AttrSpec> attrs;
    if (d == Distribution::kGeometric) {
      attrs.push_back(Req(first, AT::kFloat));
    } else {
      attrs.push_back(Opt(first, AT::kFloat, a0));
    }
    if (*second) attrs.push_back(Opt(second, AT::kFloat, b0));
    t.push_back(Def(
        name, {"self"}, attrs, false, doc,
        [d = d, first = std::string(first), second = std::string(second)](
            const Args& a, OpContext& c) -> Outs {
          TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
          return One(DistributionInplace(a[0], d, a.Float(first),
                                         second.empty() ? 0.0 : a.Float(second),
                                         *g));
        }));
  }
  t.push_back(Def(
      "random_", {"self"}, {Opt("from", AT::kInt), Opt("to", AT::kInt)}, false,
      "fill self with integers from the session's generator: "
      "random_() over the dtype's range, random_(to), "
      "random_(from, to)",
      [](const Args& a, OpContext& c) -> Outs {
        TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
        return One(RandomInplace(a[0], a.OptInt("from"), a.OptInt("to"), *g));
      }));
  for (const bool normal : {false, true}) {
    t.push_back(Def(normal ? "randn_like" : "rand_like", {"self"},
                    {DTypeAttr()}, false,
                    normal ? "standard normal samples shaped like self"
                           : "uniform [0, 1) samples shaped like self",
                    [normal](const Args& a, OpContext& c) -> Outs {
                      TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                      const DType dt = a.DTypeOr("dtype", a[0].dtype());
                      return One(normal ? Randn(a[0].sizes(), *g, dt)
                                        : Rand(a[0].sizes(), *g, dt));
                    }));
  }
  t.push_back(Def("empty", {}, {Req("size", AT::kInts), DTypeAttr()}, false,
                  "a new tensor (zero-filled here: memory is never handed "
                  "out uninitialised)",
                  [](const Args& a, OpContext&) {
                    return One(Zeros(a.ShapeOf("size"),
                                     a.DTypeOr("dtype", DefaultFloat())));
                  }));
  t.push_back(Def("empty_like", {"self"}, {DTypeAttr()}, false,
                  "a new tensor shaped like self (zero-filled here)",
                  [](const Args& a, OpContext&) {
                    return One(ZerosLike(a[0], a.OptDType("dtype")));
                  }));
  t.push_back(Def("full_like", {"self"},
                  {Req("fill_value", AT::kScalar), DTypeAttr()}, false,
                  "fill_value shaped like self", [](const Args& a, OpContext&) {
                    return One(Full(a[0].sizes(), a.Num("fill_value"),
                                    a.DTypeOr("dtype", a[0].dtype())));
                  }));
  t.push_back(Def("zeros_like", {"self"}, {DTypeAttr()}, false,
                  "zeros shaped like self", [](const Args& a, OpContext&) {
                    return One(ZerosLike(a[0], a.OptDType("dtype")));
                  }));
  t.push_back(Def("ones_like", {"self"}, {DTypeAttr()}, false,
                  "ones shaped like self", [](const Args& a, OpContext&) {
                    return One(OnesLike(a[0], a.OptDType("dtype")));
                  }));
  // ---- dtype ----
  t.push_back(Def("to", {"self"}, {Req("dtype", AT::kDType)}, true,
                  "convert to dtype", [](const Args& a, OpContext&) {
                    return One(To(a[0], *a.OptDType("dtype")));
                  }));
  // ---- shape ----
  t.push_back(Def("reshape", {"self"}, {Req("shape", AT::kInts)}, true,
                  "same data with a new shape (a view when possible)",
                  [](const Args& a, OpContext&) {
                    return One(Reshape(a[0], a.Ints("shape")));
                  }));
  t.push_back(Def("view", {"self"}, {Req("shape", AT::kInts)}, true,
                  "a view with a new shape", [](const Args& a, OpContext&) {
                    return One(View(a[0], a.Ints("shape")));
                  }));
  t.push_back(Def(
      "flatten", {"self"},
      {Opt("start_dim", AT::kInt, int64_t{0}),
       Opt("end_dim", AT::kInt, int64_t{-1})},
      true, "flatten dims start_dim..end_dim", [](const Args& a, OpContext&) {
        return One(Flatten(a[0], a.Int("start_dim"), a.Int("end_dim")));
      }));
  t.push_back(Def(
      "squeeze", {"self"}, {Opt("dim", AT::kInt)}, true,
      "remove size-1 dims (all, or `dim`)", [](const Args& a, OpContext&) {
        return One(a.Has("dim") ? Squeeze(a[0], a.Int("dim")) : Squeeze(a[0]));
      }));
  t.push_back(Def("unsqueeze", {"self"}, {Req("dim", AT::kInt)}, true,
                  "insert a size-1 dim", [](const Args& a, OpContext&) {
                    return One(Unsqueeze(a[0], a.Int("dim")));
                  }));
  t.push_back(Def("transpose", {"self"},
                  {Req("dim0", AT::kInt), Req("dim1", AT::kInt)}, true,
                  "swap two dims (a view)", [](const Args& a, OpContext&) {
                    return One(Transpose(a[0], a.Int("dim0"), a.Int("dim1")));
                  }));
  t.push_back(Unary("T", &T, "reverse all dims (.T)"));
  t.push_back(
      Unary("t", &MatrixT, "swap the dims of a matrix (<= 2 dims: a view)"));
  {
    // In-place view ops: the result replaces self (OpDef::replaces_self).
    auto replacing = [](OpDef d) {
      d.replaces_self = true;
      return d;
    };
    t.push_back(replacing(Def(
        "t_", {"self"}, {}, true, "transpose a matrix in place (its geometry)",
        [](const Args& a, OpContext&) { return One(TInplace(a[0])); })));
    for (const char* name : {"transpose_", "swapdims_", "swapaxes_"}) {
      const bool axes = std::string(name) == "swapaxes_";
      const std::string d0 = axes ? "axis0" : "dim0";
      const std::string d1 = axes ? "axis1" : "dim1";
      t.push_back(replacing(
          Def(name, {"self"}, {Req(d0, AT::kInt), Req(d1, AT::kInt)}, true,
              "swap two dims in place (self's geometry)",
              [d0, d1](const Args& a, OpContext&) {
                return One(TransposeInplace(a[0], a.Int(d0), a.Int(d1)));
              })));
    }
    t.push_back(replacing(
        Def("unsqueeze_", {"self"}, {Req("dim", AT::kInt)}, true,
            "insert a size-1 dim in place", [](const Args& a, OpContext&) {
              return One(UnsqueezeInplace(a[0], a.Int("dim")));
            })));
    t.push_back(replacing(
        Def("resize_", {"self"}, {Req("size", AT::kInts)}, false,
            "resize self in place (contiguous, over its storage; grown storage "
            "is zero-filled beyond the old bytes)",
            [](const Args& a, OpContext&) {
              return One(ResizeInplace(a[0], a.Ints("size")));
            })));
    t.push_back(
        replacing(Def("squeeze_", {"self"}, {Opt("dim", AT::kInt)}, true,
                      "remove size-1 dims (all, or `dim`) in place",
                      [](const Args& a, OpContext&) {
                        return One(SqueezeInplace(a[0], a.OptInt("dim")));
                      })));
  }
  t.push_back(Def("permute", {"self"}, {Req("dims", AT::kInts)}, true,
                  "reorder dims (a view)", [](const Args& a, OpContext&) {
                    return One(Permute(a[0], a.Ints("dims")));
                  }));
  t.push_back(Def("expand", {"self"}, {Req("size", AT::kInts)}, true,
                  "broadcast to a size (-1 keeps a dim)",
                  [](const Args& a, OpContext&) {
                    return One(Expand(a[0], a.Ints("size")));
                  }));
  {
    OpDef cat =
        Def("cat", {"tensors"}, {Opt("dim", AT::kInt, int64_t{0})}, true,
            "concatenate along dim", [](const Args& a, OpContext&) {
              return One(Cat(a.all(), a.Int("dim")));
            });
    cat.variadic = true;
    t.push_back(std::move(cat));
    OpDef stack =
        Def("stack", {"tensors"}, {Opt("dim", AT::kInt, int64_t{0})}, true,
            "stack along a new dim", [](const Args& a, OpContext&) {
              return One(Stack(a.all(), a.Int("dim")));
            });
    stack.variadic = true;
    t.push_back(std::move(stack));
  }
  t.push_back(Unary("clone", &Clone, "a copy"));
  t.push_back(Unary("contiguous", &Contiguous, "self, or a contiguous copy"));
  t.push_back(Def("select", {"self"},
                  {Req("dim", AT::kInt), Req("index", AT::kInt)}, true,
                  "self[..., index, ...] along dim (a view)",
                  [](const Args& a, OpContext&) {
                    return One(Select(a[0], a.Int("dim"), a.Int("index")));
                  }));
  t.push_back(Def("slice", {"self"},
                  {Opt("dim", AT::kInt, int64_t{0}), Opt("start", AT::kInt),
                   Opt("end", AT::kInt), Opt("step", AT::kInt, int64_t{1})},
                  true, "start:end:step along dim (a view)",
                  [](const Args& a, OpContext&) {
                    return One(Slice(a[0], a.Int("dim"), a.OptInt("start"),
                                     a.OptInt("end"), a.Int("step")));
                  }));
  t.push_back(Def(
      "index", {"self"},
      {Req("index", AT::kString, "Python index, e.g. \"0, 1:3, None\"")}, true,
      "self[index] (a view)", [](const Args& a, OpContext&) -> Outs {
        TENSORD_ASSIGN_OR_RETURN(auto items, ParseIndexSpec(a.Str("index")));
        return One(Index(a[0], items));
      }));
  t.push_back(Def(
      "index_put_", {"self", "value"},
      {Req("index", AT::kString, "Python index, e.g. \":\"")}, true,
      "self[index] = value (in place)", [](const Args& a, OpContext&) -> Outs {
        TENSORD_ASSIGN_OR_RETURN(auto items, ParseIndexSpec(a.Str("index")));
        TENSORD_RETURN_IF_ERROR(IndexPut(a[0], items, a[1]));
        return std::vector<Tensor>{a[0]};
      }));
  {
    // Variadic: self, then one tensor per "@" of the index.
    OpDef adv = Def(
        "index.advanced", {"tensors"},
        {Req("index", AT::kString,
             "Python index with @ for each index tensor, e.g. \"@, 1:3\"")},
        true,
        "self[index] with tensor indices (long, or bool masks): "
        "tensors = [self, index tensors...]",
        [](const Args& a, OpContext&) -> Outs {
          TENSORD_ASSIGN_OR_RETURN(auto items, ParseIndexSpec(a.Str("index")));
          const auto& all = a.all();
          return One(IndexAdvanced(
              all[0], items, std::vector<Tensor>(all.begin() + 1, all.end())));
        });
    adv.variadic = true;
    t.push_back(std::move(adv));
    OpDef put = Def(
        "index_put_.advanced", {"tensors"},
        {Req("index", AT::kString,
             "Python index with @ for each index tensor, e.g. \"@\""),
         Opt("accumulate", AT::kBool, false)},
        true,
        "self[index] = value (or += with accumulate) with tensor indices, in "
        "place: tensors = [self, value, index tensors...]",
        [](const Args& a, OpContext&) -> Outs {
          TENSORD_ASSIGN_OR_RETURN(auto items, ParseIndexSpec(a.Str("index")));
          const auto& all = a.all();
          if (all.size() < 2) {
            return absl::InvalidArgumentError(
                "index_put_.advanced takes self, value and the index tensors");
          }
          TENSORD_RETURN_IF_ERROR(IndexPutAdvanced(
              all[0], items, std::vector<Tensor>(all.begin() + 2, all.end()),
              all[1], a.Bool("accumulate")));
          return std::vector<Tensor>{all[0]};
        });
    put.variadic = true;
    put.inplace = true;
    t.push_back(std::move(put));
  }
  {
    OpDef stride = Def("stride", {"self"}, {Opt("dim", AT::kInt)}, false,
                       "the strides (of one dim), in elements",
                       [](const Args& a, OpContext&) -> Outs {
                         TENSORD_ASSIGN_OR_RETURN(Tensor s, Strides(a[0]));
                         if (!a.Has("dim")) return One(s);
                         return One(Select(s, 0, a.Int("dim")));
                       });
    stride.python_value = true;
    t.push_back(std::move(stride));
    OpDef offset = Unary("storage_offset", &StorageOffset,
                         "the offset in its storage, in elements", false);
    offset.python_value = true;
    t.push_back(std::move(offset));
    OpDef contiguous = Unary("is_contiguous", &IsContiguous,
                             "True if row-major contiguous", false);
    contiguous.python_value = true;
    t.push_back(std::move(contiguous));
    for (const bool all : {false, true}) {
      OpDef close =
          Def(all ? "allclose" : "isclose", {"self", "other"},
              {Opt("rtol", AT::kFloat, 1e-05), Opt("atol", AT::kFloat, 1e-08),
               Opt("equal_nan", AT::kBool, false)},
              false,
              all ? "True if |self - other| <= atol + rtol * |other| everywhere"
                  : "|self - other| <= atol + rtol * |other|, elementwise",
              [all](const Args& a, OpContext&) {
                return One(all ? AllClose(a[0], a[1], a.Float("rtol"),
                                          a.Float("atol"), a.Bool("equal_nan"))
                               : IsClose(a[0], a[1], a.Float("rtol"),
                                         a.Float("atol"), a.Bool("equal_nan")));
              });
      close.python_value = all;
      t.push_back(std::move(close));
    }
    OpDef equal =
        Binary("equal", &Equal, "True if same shape and same values", false);
    equal.python_value = true;
    t.push_back(std::move(equal));
  }
  t.push_back(Def(
      "diagonal", {"self"},
      {Opt("offset", AT::kInt, int64_t{0}), Opt("dim1", AT::kInt, int64_t{0}),
       Opt("dim2", AT::kInt, int64_t{1})},
      true, "the diagonal of dims dim1 and dim2 (a view)",
      [](const Args& a, OpContext&) {
        return One(
            Diagonal(a[0], a.Int("offset"), a.Int("dim1"), a.Int("dim2")));
      }));
  t.push_back(Def("diag", {"self"}, {Opt("diagonal", AT::kInt, int64_t{0})},
                  true,
                  "a vector's diagonal matrix, or a matrix's diagonal (a "
                  "copy)",
                  [](const Args& a, OpContext&) {
                    return One(Diag(a[0], a.Int("diagonal")));
                  }));
  t.push_back(Binary("inner", &Inner, "sum over the last dims"));
  // ---- elementwise ----
  t.push_back(Def("add", {"self", "other"},
                  {Opt("alpha", AT::kScalar, Scalar(int64_t{1}))}, true,
                  "self + alpha * other", [](const Args& a, OpContext&) {
                    return One(Add(a[0], a[1], a.Num("alpha")));
                  }));
  t.push_back(Def("sub", {"self", "other"},
                  {Opt("alpha", AT::kScalar, Scalar(int64_t{1}))}, true,
                  "self - alpha * other", [](const Args& a, OpContext&) {
                    return One(Sub(a[0], a[1], a.Num("alpha")));
                  }));
  t.push_back(Binary("mul", &Mul, "self * other"));
  t.push_back(
      Def("div", {"self", "other"}, {Opt("rounding_mode", AT::kString)}, true,
          "self / other (true division, or rounded: 'trunc', 'floor')",
          [](const Args& a, OpContext&) {
            return One(DivMode(a[0], a[1],
                               a.Has("rounding_mode") ? a.Str("rounding_mode")
                                                      : std::string()));
          }));
  t.push_back(Binary("pow", &Pow, "self ** other"));
  t.push_back(Binary("maximum", &Maximum, "elementwise maximum"));
  t.push_back(Binary("minimum", &Minimum, "elementwise minimum"));
  t.push_back(Unary("neg", &Neg, "-self"));
  t.push_back(Unary("abs", &Abs, "|self|"));
  t.push_back(Unary("exp", &Exp, "e ** self"));
  t.push_back(Unary("log", &Log, "natural logarithm"));
  t.push_back(Unary("sqrt", &Sqrt, "square root"));
  t.push_back(Unary("sin", &Sin, "sine"));
  t.push_back(Unary("cos", &Cos, "cosine"));
  t.push_back(Unary("tanh", &Tanh, "hyperbolic tangent"));
  t.push_back(Unary("sigmoid", &Sigmoid, "1 / (1 + e ** -self)"));
  t.push_back(Unary("relu", &Relu, "max(self, 0)"));
  // ops_math.cc
  t.push_back(Unary("log2", &Log2, "base-2 logarithm"));
  t.push_back(Unary("log10", &Log10, "base-10 logarithm"));
  t.push_back(Unary("log1p", &Log1p, "log(1 + self)"));
  t.push_back(Unary("expm1", &Expm1, "exp(self) - 1"));
  t.push_back(Unary("exp2", &Exp2, "2 ** self"));
  t.push_back(Unary("tan", &Tan, "tangent"));
  t.push_back(Unary("asin", &Asin, "arcsine"));
  t.push_back(Unary("acos", &Acos, "arccosine"));
  t.push_back(Unary("atan", &Atan, "arctangent"));
  t.push_back(Unary("sinh", &Sinh, "hyperbolic sine"));
  t.push_back(Unary("cosh", &Cosh, "hyperbolic cosine"));
  t.push_back(Unary("asinh", &Asinh, "inverse hyperbolic sine"));
  t.push_back(Unary("acosh", &Acosh, "inverse hyperbolic cosine"));
  t.push_back(Unary("atanh", &Atanh, "inverse hyperbolic tangent"));
  t.push_back(Unary("erf", &Erf, "the error function"));
  t.push_back(Unary("erfc", &Erfc, "1 - erf(self)"));
  t.push_back(Unary("erfinv", &Erfinv, "the inverse error function"));
  t.push_back(Unary("rsqrt", &Rsqrt, "1 / sqrt(self)"));
  t.push_back(Unary("reciprocal", &Reciprocal, "1 / self"));
  t.push_back(Unary("floor", &Floor, "round down (integers unchanged)"));
  t.push_back(Unary("ceil", &Ceil, "round up (integers unchanged)"));
  t.push_back(Unary("trunc", &Trunc, "round toward zero"));
  t.push_back(Def("round", {"self"}, {Opt("decimals", AT::kInt, int64_t{0})},
                  true, "round half to even (at `decimals` places)",
                  [](const Args& a, OpContext&) {
                    return One(Round(a[0], a.Int("decimals")));
                  }));
  t.push_back(Unary("frac", &Frac, "self - trunc(self)"));
  t.push_back(Unary("sign", &Sign, "-1, 0 or 1"));
  t.push_back(Unary("isnan", &IsNan, "True where NaN", false));
  t.push_back(Unary("isinf", &IsInf, "True where +-inf", false));
  t.push_back(
      Unary("isfinite", &IsFinite, "True where neither NaN nor inf", false));
  t.push_back(
      Unary("signbit", &SignBit, "True where the sign bit is set", false));
  t.push_back(Def("clamp", {"self"},
                  {Opt("min", AT::kScalar), Opt("max", AT::kScalar)}, true,
                  "limit values to [min, max]", [](const Args& a, OpContext&) {
                    return One(Clamp(a[0], a.OptNum("min"), a.OptNum("max")));
                  }));
  t.push_back(Def(
      "where", {"condition", "self", "other"}, {}, true,
      "self where condition else other",
      [](const Args& a, OpContext&) { return One(Where(a[0], a[1], a[2])); }));
  t.push_back(Binary("eq", &Eq, "self == other", false));
  t.push_back(Binary("ne", &Ne, "self != other", false));
  t.push_back(Binary("lt", &Lt, "self < other", false));
  t.push_back(Binary("le", &Le, "self <= other", false));
  t.push_back(Binary("gt", &Gt, "self > other", false));
  t.push_back(Binary("ge", &Ge, "self >= other", false));
  // ---- reductions ----
  t.push_back(Def(
      "sum", {"self"}, {Opt("dim", AT::kInts), KeepDim(), DTypeAttr()}, true,
      "sum over all or the given dims", [](const Args& a, OpContext&) -> Outs {
        // With dtype, torch casts the input first.
        Tensor x = a[0];
        if (a.Has("dtype")) {
          TENSORD_ASSIGN_OR_RETURN(x, To(x, *a.OptDType("dtype")));
        }
        TENSORD_ASSIGN_OR_RETURN(Tensor s,
                                 Sum(x, a.Ints("dim"), a.Bool("keepdim")));
        if (a.Has("dtype") && s.dtype() != *a.OptDType("dtype")) {
          return One(To(s, *a.OptDType("dtype")));
        }
        return std::vector<Tensor>{s};
      }));
  t.push_back(Def("mean", {"self"}, {Opt("dim", AT::kInts), KeepDim()}, true,
                  "mean over all or the given dims",
                  [](const Args& a, OpContext&) {
                    return One(Mean(a[0], a.Ints("dim"), a.Bool("keepdim")));
                  }));
  t.push_back(Def("prod", {"self"}, {Opt("dim", AT::kInt), KeepDim()}, true,
                  "product over all or one dim", [](const Args& a, OpContext&) {
                    return One(Prod(a[0], a.OptInt("dim"), a.Bool("keepdim")));
                  }));
  for (const bool is_std : {false, true}) {
    t.push_back(Def(
        is_std ? "std" : "var", {"self"},
        {Opt("dim", AT::kInts), Opt("unbiased", AT::kBool, std::monostate{}),
         KeepDim(), Opt("correction", AT::kFloat)},
        true,
        is_std ? "standard deviation (Bessel-corrected unless unbiased=False "
                 "or correction=0)"
               : "variance (Bessel-corrected unless unbiased=False or "
                 "correction=0)",
        [is_std](const Args& a, OpContext&) -> Outs {
          double correction = 1.0;
          if (a.Has("correction")) {
            correction = a.Float("correction");
          } else if (a.Has("unbiased")) {
            correction = a.Bool("unbiased") ? 1.0 : 0.0;
          }
          return One(
              is_std ? Std(a[0], a.Ints("dim"), correction, a.Bool("keepdim"))
                     : Var(a[0], a.Ints("dim"), correction, a.Bool("keepdim")));
        }));
  }
  t.push_back(Def("all", {"self"}, {Opt("dim", AT::kInts), KeepDim()}, false,
                  "True if every element (along dim) is nonzero",
                  [](const Args& a, OpContext&) {
                    return One(All(a[0], a.Ints("dim"), a.Bool("keepdim")));
                  }));
  t.push_back(Def("any", {"self"}, {Opt("dim", AT::kInts), KeepDim()}, false,
                  "True if any element (along dim) is nonzero",
                  [](const Args& a, OpContext&) {
                    return One(Any(a[0], a.Ints("dim"), a.Bool("keepdim")));
                  }));
  t.push_back(Def("count_nonzero", {"self"}, {Opt("dim", AT::kInts)}, false,
                  "number of nonzero elements (along dims)",
                  [](const Args& a, OpContext&) {
                    return One(CountNonzero(a[0], a.Ints("dim")));
                  }));
  t.push_back(Def("amax", {"self"}, {Opt("dim", AT::kInts), KeepDim()}, true,
                  "largest values over dims (gradient shared among ties)",
                  [](const Args& a, OpContext&) {
                    return One(Amax(a[0], a.Ints("dim"), a.Bool("keepdim")));
                  }));
  t.push_back(Def("amin", {"self"}, {Opt("dim", AT::kInts), KeepDim()}, true,
                  "smallest values over dims (gradient shared among ties)",
                  [](const Args& a, OpContext&) {
                    return One(Amin(a[0], a.Ints("dim"), a.Bool("keepdim")));
                  }));
  t.push_back(Def("logsumexp", {"self"}, {Req("dim", AT::kInts), KeepDim()},
                  true, "log(sum(exp(self))) over dims, computed stably",
                  [](const Args& a, OpContext&) {
                    return One(
                        Logsumexp(a[0], a.Ints("dim"), a.Bool("keepdim")));
                  }));
  t.push_back(Binary("remainder", &Remainder,
                     "Python's %: the remainder with the divisor's sign"));
  t.push_back(Binary("fmod", &Fmod, "C's fmod: the dividend's sign"));
  t.push_back(Binary("floor_divide", &FloorDivide, "Python's //", false));
  t.push_back(Binary("bitwise_and", &BitwiseAnd, "self & other", false));
  t.push_back(Binary("bitwise_or", &BitwiseOr, "self | other", false));
  t.push_back(Binary("bitwise_xor", &BitwiseXor, "self ^ other", false));
  t.push_back(Unary("bitwise_not", &BitwiseNot, "~self", false));
  t.push_back(Binary("logical_and", &LogicalAnd, "both nonzero", false));
  t.push_back(Binary("logical_or", &LogicalOr, "either nonzero", false));
  t.push_back(Binary("logical_xor", &LogicalXor, "exactly one nonzero", false));
  t.push_back(Unary("logical_not", &LogicalNot, "zero", false));
  t.push_back(Unary("max", &Max, "largest element"));
  t.push_back(Unary("min", &Min, "smallest element"));
  t.push_back(Def("max.dim", {"self"}, {Req("dim", AT::kInt), KeepDim()}, true,
                  "largest values along dim and their indices",
                  [](const Args& a, OpContext&) {
                    return Two(MaxDim(a[0], a.Int("dim"), a.Bool("keepdim")));
                  },
                  {"values", "indices"}));
  t.push_back(Def("min.dim", {"self"}, {Req("dim", AT::kInt), KeepDim()}, true,
                  "smallest values along dim and their indices",
                  [](const Args& a, OpContext&) {
                    return Two(MinDim(a[0], a.Int("dim"), a.Bool("keepdim")));
                  },
                  {"values", "indices"}));
  t.push_back(Def("argmax", {"self"}, {Opt("dim", AT::kInt), KeepDim()}, false,
                  "index of the largest element (flat, or along dim)",
                  [](const Args& a, OpContext&) {
                    return One(
                        Argmax(a[0], a.OptInt("dim"), a.Bool("keepdim")));
                  }));
  t.push_back(Def("argmin", {"self"}, {Opt("dim", AT::kInt), KeepDim()}, false,
                  "index of the smallest element (flat, or along dim)",
                  [](const Args& a, OpContext&) {
                    return One(
                        Argmin(a[0], a.OptInt("dim"), a.Bool("keepdim")));
                  }));
  // ---- scans ----
  t.push_back(Def("cumsum", {"self"}, {Req("dim", AT::kInt)}, true,
                  "running sum along dim", [](const Args& a, OpContext&) {
                    return One(Cumsum(a[0], a.Int("dim")));
                  }));
  t.push_back(Def("cumprod", {"self"}, {Req("dim", AT::kInt)}, true,
                  "running product along dim", [](const Args& a, OpContext&) {
                    return One(Cumprod(a[0], a.Int("dim")));
                  }));
  // ---- linear algebra ----
  t.push_back(Binary("dot", &Dot, "inner product of two vectors"));
  t.push_back(Binary("mv", &Mv, "matrix @ vector"));
  t.push_back(Binary("mm", &Mm, "matrix @ matrix"));
  t.push_back(Binary("matmul", &Matmul, "matrix product (batched, broadcast)"));
  t.push_back(Binary("outer", &Outer, "outer product of two vectors"));
  t.push_back(Def(
      "norm", {"self"},
      {Opt("p", AT::kOrd, std::string("fro"),
           "'fro' (default), 'nuc', or a number"),
       Opt("dim", AT::kInts), KeepDim()},
      true, "torch.norm", [](const Args& a, OpContext&) -> Outs {
        const NormOrd ord = a.Ord("p");
        if (ord.kind == NormOrd::kNuc) {
          if (!a.Has("dim") && a[0].dim() != 2) {
            return absl::InvalidArgumentError(absl::StrCat(
                "Expected a tensor with 2 dimensions, but got a tensor with ",
                a[0].dim(), " dimensions instead."));
          }
          DimList dims = a.Has("dim") ? a.Ints("dim") : DimList{-2, -1};
          return One(MatrixNorm(a[0], ord, dims, a.Bool("keepdim")));
        }
        return One(Norm(a[0], ord.p, a.Ints("dim"), a.Bool("keepdim")));
      }));
  t.push_back(Def(
      "linalg.norm", {"self"},
      {Opt("ord", AT::kOrd, std::monostate{}, "None, a number, 'fro' or 'nuc'"),
       Opt("dim", AT::kInts), KeepDim()},
      true, "torch.linalg.norm (vector or matrix norm)",
      [](const Args& a, OpContext&) {
        std::optional<DimList> dims;
        if (a.Has("dim")) dims = a.Ints("dim");
        return One(LinalgNorm(a[0], a.Ord("ord"), dims, a.Bool("keepdim")));
      }));
  t.push_back(
      Def("linalg.eigh", {"self"}, {}, true,
          "eigenvalues (ascending) and eigenvectors of a symmetric matrix",
          [](const Args& a, OpContext&) { return Two(Eigh(a[0])); },
          {"eigenvalues", "eigenvectors"}));
  t.push_back(Def("linalg.eig", {"self"}, {}, false,
                  "complex eigenvalues and eigenvectors (forward only)",
                  [](const Args& a, OpContext&) { return Two(Eig(a[0])); },
                  {"eigenvalues", "eigenvectors"}));
  t.push_back(
      Def("linalg.eigvals", {"self"}, {}, false,
          "complex eigenvalues (forward only)",
          [](const Args& a, OpContext&) { return One(Eigvals(a[0])); }));
  // ---- in place ----
  t.push_back(Def("add_", {"self", "other"},
                  {Opt("alpha", AT::kScalar, Scalar(int64_t{1}))}, true,
                  "self += alpha * other", [](const Args& a, OpContext&) {
                    return One(AddInplace(a[0], a[1], a.Num("alpha")));
                  }));
  t.push_back(Def("sub_", {"self", "other"},
                  {Opt("alpha", AT::kScalar, Scalar(int64_t{1}))}, true,
                  "self -= alpha * other", [](const Args& a, OpContext&) {
                    return One(SubInplace(a[0], a[1], a.Num("alpha")));
                  }));
  t.push_back(Binary("mul_", &MulInplace, "self *= other"));
  t.push_back(Binary("div_", &DivInplace, "self /= other"));
  t.push_back(Unary("zero_", &ZeroInplace, "fill self with zeros", false));
  t.push_back(Def("fill_", {"self"}, {Req("value", AT::kScalar)}, false,
                  "fill self with value", [](const Args& a, OpContext&) {
                    return One(FillInplace(a[0], a.Num("value")));
                  }));
  t.push_back(Def(
      "copy_", {"self", "src"}, {}, true, "copy src into self (broadcast)",
      [](const Args& a, OpContext&) { return One(CopyInplace(a[0], a[1])); }));
  // ---- nn functional ----
  AddNnOps(t);
  AddConvOps(t);
  // ---- autograd ----
  {
    OpDef bw = Def(
        "backward", {"self", "gradient"},
        {Opt("retain_graph", AT::kBool, false),
         Opt("create_graph", AT::kBool, false,
             "record the pass, so the gradients can be differentiated again")},
        false,
        "accumulate gradients of self into the leaves (gradient required "
        "unless self has one element)",
        [](const Args& a, OpContext&) -> Outs {
          const Tensor grad = a.all().size() > 1 ? a[1] : Tensor();
          TENSORD_RETURN_IF_ERROR(Backward(a[0], grad, a.Bool("retain_graph"),
                                           a.Bool("create_graph")));
          return std::vector<Tensor>{};
        },
        {});
    bw.min_inputs = 1;
    t.push_back(std::move(bw));
  }
  {
    OpDef g = Def(
        "autograd.grad", {"tensors"},
        {Req("n_outputs", AT::kInt,
             "how many of the tensors are outputs; then come the inputs, "
             "then (optionally) one gradient per output"),
         Req("n_inputs", AT::kInt, "how many inputs follow the outputs"),
         Opt("retain_graph", AT::kBool, false),
         Opt("allow_unused", AT::kBool, false),
         Opt("create_graph", AT::kBool, false,
             "record the pass, so the gradients can be differentiated again")},
        false,
        "torch.autograd.grad: the gradients of the outputs with respect to "
        "the inputs (one result per input; None when unused), leaving .grad "
        "alone",
        [](const Args& a, OpContext&) -> Outs {
          const int64_t no = a.Int("n_outputs"), ni = a.Int("n_inputs");
          const int64_t n = static_cast<int64_t>(a.all().size());
          // Compared without adding first: both counts come from the client
          // and no + ni could overflow.
          if (no < 1 || ni < 1 || no > n || ni > n - no ||
              (n != no + ni && n != 2 * no + ni)) {
            return absl::InvalidArgumentError(absl::StrCat(
                "autograd.grad(): ", n, " tensors do not hold ", no,
                " outputs, ", ni, " inputs and optionally ", no, " gradients"));
          }
          const auto& all = a.all();
          std::vector<Tensor> outs(all.begin(), all.begin() + no);
          std::vector<Tensor> ins(all.begin() + no, all.begin() + no + ni);
          std::vector<Tensor> grads(all.begin() + no + ni, all.end());
          return Grad(outs, ins, grads, a.Bool("retain_graph"),
                      a.Bool("allow_unused"), a.Bool("create_graph"));
        },
        {"grads"});
    g.variadic = true;
    t.push_back(std::move(g));
  }
  t.push_back(Def("grad", {"self"}, {}, false,
                  "self.grad (None if no gradient has reached it)",
                  [](const Args& a, OpContext&) -> Outs {
                    return std::vector<Tensor>{a[0].grad()};
                  }));
  t.push_back(Def("alias", {"self"}, {}, false,
                  "self itself, not a copy: binds, keeps or returns an "
                  "existing tensor",
                  [](const Args& a, OpContext&) -> Outs {
                    return std::vector<Tensor>{a[0]};
                  }));
  t.push_back(Def("manual_seed", {}, {Req("seed", AT::kInt)}, false,
                  "reseed the session's generator (torch.manual_seed)",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    g->ManualSeed(static_cast<uint64_t>(a.Int("seed")));
                    return std::vector<Tensor>{};
                  },
                  {}));
  t.push_back(Def("get_rng_state", {}, {}, false,
                  "the generator's state: torch's 5056 bytes as a uint8 tensor "
                  "(torch.get_rng_state, Generator.get_state)",
                  [](const Args&, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    return One(GetRngState(*g));
                  }));
  t.push_back(Def("set_rng_state", {"new_state"}, {}, false,
                  "put the generator in a state get_rng_state returned "
                  "(torch.set_rng_state, Generator.set_state)",
                  [](const Args& a, OpContext& c) -> Outs {
                    TENSORD_ASSIGN_OR_RETURN(Generator * g, Gen(c));
                    TENSORD_RETURN_IF_ERROR(SetRngState(*g, a[0]));
                    return std::vector<Tensor>{};
                  },
                  {}));
  t.push_back(Def("detach", {"self"}, {}, false,
                  "the same data without history (shares storage)",
                  [](const Args& a, OpContext&) -> Outs {
                    return std::vector<Tensor>{a[0].detach()};
                  }));
  t.push_back(Def(
      "requires_grad_", {"self"}, {Opt("requires_grad", AT::kBool, true)},
      false, "set requires_grad of a leaf (in place)",
      [](const Args& a, OpContext&) -> Outs {
        Tensor x = a[0];
        TENSORD_RETURN_IF_ERROR(x.set_requires_grad(a.Bool("requires_grad")));
        return std::vector<Tensor>{x};
      }));
  t.push_back(Def("retain_grad", {"self"}, {}, false,
                  "keep .grad of a non-leaf during backward",
                  [](const Args& a, OpContext&) -> Outs {
                    Tensor x = a[0];
                    TENSORD_RETURN_IF_ERROR(x.retain_grad());
                    return std::vector<Tensor>{};
                  },
                  {}));
  AddIndexingOps(t);
  AddMathOps(t);
  AddSampleOps(t);
  AddLinalgOps(t);
  AddAliases(t);
  AddInplaceForms(t);  // last: in-place forms of ops of every family
  for (OpDef& d : t) {
    d.inplace |= !d.name.empty() && d.name.back() == '_';
  }
  std::sort(t.begin(), t.end(),
            [](const OpDef& x, const OpDef& y) { return x.name < y.name; });
  return t;
}

// Checks `v` against `type`, converting where Python would (int -> float,
// int -> [int]). Returns INVALID_ARGUMENT naming the op and attribute.
absl::StatusOr<AttrValue> Coerce(const OpDef& op, const AttrSpec& spec,
                                 const AttrValue& v) {
  auto bad = [&](absl::string_view got) {
    return TypeError(absl::StrCat(op.name, "(): argument '", spec.name,
                                  "' must be ", AttrTypeName(spec.type),
                                  ", not ", got));
  };
  auto kind = [](const AttrValue& x) -> absl::string_view {
    switch (x.index()) {
      case 0:
        return "None";
      case 1:
        return "int";
      case 2:
        return "int[]";
      case 3:
        return "float";
      case 4:
        return "bool";
      case 5:
        return "dtype";
      case 6:
        return "str";
      case 7:
        return "Scalar";
    }
    return "?";
  };
  if (std::holds_alternative<std::monostate>(v)) {
    if (spec.required) {
      return TypeError(absl::StrCat(op.name, "() missing required argument '",
                                    spec.name, "'"));
    }
    // None stands for "not given" only where that is the default (as in
    // torch: sum(x, keepdim=None) is a TypeError).
    if (!std::holds_alternative<std::monostate>(spec.default_value)) {
      return bad("None");
    }
    return v;
  }
  switch (spec.type) {
    case AttrType::kInt:
      if (auto* i = std::get_if<int64_t>(&v)) return *i;
      if (auto* s = std::get_if<Scalar>(&v); s && s->dtype() == DType::kInt64)
        return s->to_int();
      return bad(kind(v));
    case AttrType::kInts:
      if (auto* l = std::get_if<std::vector<int64_t>>(&v)) return *l;
      if (auto* i = std::get_if<int64_t>(&v)) return std::vector<int64_t>{*i};
      return bad(kind(v));
    case AttrType::kFloat:
      if (auto* d = std::get_if<double>(&v)) return *d;
      if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
      if (auto* s = std::get_if<Scalar>(&v); s && !IsComplex(s->dtype())) {
        return s->to_double();
      }
      return bad(kind(v));
    case AttrType::kScalar:
      if (auto* s = std::get_if<Scalar>(&v)) return *s;
      if (auto* i = std::get_if<int64_t>(&v)) return Scalar(*i);
      if (auto* d = std::get_if<double>(&v)) return Scalar(*d);
      if (auto* b = std::get_if<bool>(&v)) return Scalar(*b);
      return bad(kind(v));
    case AttrType::kBool:
      if (auto* b = std::get_if<bool>(&v)) return *b;
      return bad(kind(v));
    case AttrType::kDType:
      if (auto* d = std::get_if<DType>(&v)) return *d;
      if (auto* s = std::get_if<std::string>(&v)) {
        DType d;
        if (ParseDType(*s, &d)) return d;
        return absl::InvalidArgumentError(
            absl::StrCat(op.name, "(): unknown dtype ", Quoted(*s)));
      }
      return bad(kind(v));
    case AttrType::kString:
      if (auto* s = std::get_if<std::string>(&v)) return *s;
      return bad(kind(v));
    case AttrType::kOrd:
      if (auto* s = std::get_if<std::string>(&v)) {
        if (*s == "fro" || *s == "nuc") return *s;
        return absl::InvalidArgumentError(
            absl::StrCat(op.name, "(): invalid norm order ", Quoted(*s)));
      }
      if (auto* d = std::get_if<double>(&v)) return *d;
      if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
      if (auto* sc = std::get_if<Scalar>(&v); sc && !IsComplex(sc->dtype())) {
        return sc->to_double();
      }
      return bad(kind(v));
  }
  return bad(kind(v));
}

}  // namespace

const std::vector<OpDef>& OpTable() {
  static const std::vector<OpDef>* table = new std::vector<OpDef>(BuildTable());
  return *table;
}

const OpDef* FindOp(absl::string_view name) {
  const auto& t = OpTable();
  auto it = std::lower_bound(
      t.begin(), t.end(), name,
      [](const OpDef& d, absl::string_view n) { return d.name < n; });
  if (it == t.end() || it->name != name) return nullptr;
  return &*it;
}

absl::StatusOr<std::vector<Tensor>> RunOp(absl::string_view name,
                                          const std::vector<Tensor>& inputs,
                                          const AttrMap& attrs,
                                          OpContext& ctx) {
  const OpDef* op = FindOp(name);
  if (op == nullptr)
    return absl::NotFoundError(absl::StrCat("unknown op ", Quoted(name)));
  const size_t max_in = op->inputs.size();
  const size_t min_in = op->min_inputs < 0 ? max_in : op->min_inputs;
  if (op->variadic ? inputs.empty()
                   : (inputs.size() < min_in || inputs.size() > max_in)) {
    std::string want = op->variadic ? "at least 1"
                       : min_in == max_in
                           ? std::to_string(max_in)
                           : absl::StrCat(min_in, " to ", max_in);
    return TypeError(absl::StrCat(op->name, "() takes ", want, " tensor input",
                                  max_in == 1 ? "" : "s", " but ",
                                  inputs.size(), " were given"));
  }
  for (size_t i = 0; i < std::min(inputs.size(), min_in); ++i) {
    if (!inputs[i].defined()) {
      return absl::InvalidArgumentError(
          absl::StrCat(op->name, "(): input ", i, " is None"));
    }
  }
  for (const auto& [k, v] : attrs) {
    // A named copy: clang before 16 cannot capture a structured binding.
    const std::string& key = k;
    bool known = std::any_of(op->attrs.begin(), op->attrs.end(),
                             [&](const AttrSpec& s) { return s.name == key; });
    if (!known) {
      return TypeError(absl::StrCat(
          op->name, "() got an unexpected keyword argument ", Quoted(k)));
    }
  }
  AttrMap full;
  for (const AttrSpec& s : op->attrs) {
    auto it = attrs.find(s.name);
    const AttrValue& v = it == attrs.end() ? s.default_value : it->second;
    TENSORD_ASSIGN_OR_RETURN(AttrValue c, Coerce(*op, s, v));
    full.emplace(s.name, std::move(c));
  }
  TENSORD_RETURN_IF_ERROR(CheckScalarsFit(*op, inputs, full));
  try {
    if (NeedsComputeDTypes(*op, inputs, full)) {
      return RunInComputeDTypes(*op, inputs, std::move(full), ctx);
    }
    return op->fn(inputs, full, ctx);
  } catch (const std::bad_alloc& e) {
    // Allocation failures (a session's quota, or the machine's memory)
    // end the op, never the process.
    return absl::ResourceExhaustedError(
        absl::StrCat(op->name, "(): ", e.what()));
  } catch (const std::exception& e) {
    // A bug in an op, not the caller's mistake; it still ends only the op.
    return absl::InternalError(
        absl::StrCat(op->name, "(): internal error: ", e.what()));
  }
}

absl::StatusOr<std::vector<IndexItem>> ParseIndexSpec(absl::string_view spec) {
  std::vector<IndexItem> items;
  absl::string_view s = absl::StripAsciiWhitespace(spec);
  if (s.empty()) return absl::InvalidArgumentError("empty index");
  auto parse_int = [&](absl::string_view p, int64_t* out) -> absl::Status {
    p = absl::StripAsciiWhitespace(p);
    if (!absl::SimpleAtoi(p, out)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "only integers, slices (`:`), ellipsis (`...`) and None are valid "
          "indices (got ",
          Quoted(p), ")"));
    }
    return absl::OkStatus();
  };
  for (absl::string_view part : absl::StrSplit(s, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty()) continue;  // trailing comma: "1,"
    if (part == "None") {
      items.push_back(IndexItem::NewAxis());
    } else if (part == "@") {
      items.push_back(IndexItem::TensorPlace());
    } else if (part == "...") {
      items.push_back(IndexItem::Ellipsis());
    } else if (part.find(':') != absl::string_view::npos) {
      std::vector<absl::string_view> f = absl::StrSplit(part, ':');
      if (f.size() > 3)
        return absl::InvalidArgumentError(
            absl::StrCat("invalid slice ", Quoted(part)));
      std::optional<int64_t> bounds[2];
      int64_t step = 1;
      for (size_t i = 0; i < f.size(); ++i) {
        absl::string_view x = absl::StripAsciiWhitespace(f[i]);
        if (x.empty() || x == "None") continue;
        int64_t v;
        TENSORD_RETURN_IF_ERROR(parse_int(x, &v));
        if (i < 2)
          bounds[i] = v;
        else
          step = v;
      }
      if (step <= 0)
        return absl::InvalidArgumentError("step must be greater than zero");
      items.push_back(IndexItem::Slice(bounds[0], bounds[1], step));
    } else {
      int64_t v;
      TENSORD_RETURN_IF_ERROR(parse_int(part, &v));
      items.push_back(IndexItem::Int(v));
    }
  }
  return items;
}

}  // namespace tensord
