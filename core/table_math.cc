// The op table's pointwise, small-reduction and fused-product families, and
// the in-place forms (x.exp_(), x.clamp_(0, 1), ...) made from the
// out-of-place entries.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/op_def.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace op_def {
namespace {

using AT = AttrType;

OpDef Order(OpDef d, std::vector<std::string> order) {
  d.python_order = std::move(order);
  return d;
}

OpDef MinInputs(OpDef d, int n) {
  d.min_inputs = n;
  return d;
}

AttrSpec Beta() { return Opt("beta", AT::kScalar, Scalar(int64_t{1})); }
AttrSpec Alpha() { return Opt("alpha", AT::kScalar, Scalar(int64_t{1})); }

std::optional<double> OptFloat(const Args& a, absl::string_view k) {
  return a.Has(k) ? std::optional<double>(a.Float(k)) : std::nullopt;
}

double Correction(const Args& a) {
  if (a.Has("correction")) return a.Float("correction");
  if (a.Has("unbiased")) return a.Bool("unbiased") ? 1.0 : 0.0;
  return 1.0;
}

// torch's casting rule for in-place results (c10::canCast).
bool CanCast(DType from, DType to) {
  if (IsComplex(from) && !IsComplex(to)) return false;
  if (IsFloating(from) && IsIntegral(to, true)) return false;
  if (from != DType::kBool && to == DType::kBool) return false;
  return true;
}

// In-place forms PyTorch cannot differentiate: grad_fn name and message.
struct NoDerivative {
  const char* node;
  const char* message;
};
const std::map<std::string, NoDerivative>& InplaceWithoutDerivative() {
  static const auto* m = new std::map<std::string, NoDerivative>{
      {"acosh_",
       {"AcoshBackward1",
        "the derivative for 'inplace version of acosh' is not implemented."}},
      {"asinh_",
       {"AsinhBackward1",
        "the derivative for 'inplace version of asinh' is not implemented."}},
      {"atanh_",
       {"AtanhBackward1",
        "the derivative for 'inplace version of atanh' is not implemented."}},
      // (and under their numpy names)
      {"arccosh_",
       {"AcoshBackward1",
        "the derivative for 'inplace version of acosh' is not implemented."}},
      {"arcsinh_",
       {"AsinhBackward1",
        "the derivative for 'inplace version of asinh' is not implemented."}},
      {"arctanh_",
       {"AtanhBackward1",
        "the derivative for 'inplace version of atanh' is not implemented."}},
      {"heaviside_",
       {"NotImplemented",
        "derivative for aten::heaviside_ is not implemented"}},
  };
  return *m;
}

OpDef InplaceForm(const OpDef& base) {
  OpDef d = base;
  d.name = base.name + "_";
  d.inplace = true;
  d.python_value = false;
  d.doc = "in-place " + base.name;
  std::optional<NoDerivative> none;
  if (auto it = InplaceWithoutDerivative().find(d.name);
      it != InplaceWithoutDerivative().end()) {
    none = it->second;
    d.differentiable = false;
  }
  d.fn = [fn = base.fn, none](
             const std::vector<Tensor>& in, const AttrMap& attrs,
             OpContext& ctx) -> absl::StatusOr<std::vector<Tensor>> {
    if (in.empty()) {
      return absl::InvalidArgumentError("an in-place op needs self");
    }
    std::vector<const Tensor*> others;
    bool track = in[0].requires_grad();
    for (size_t k = 1; k < in.size(); ++k) {
      others.push_back(&in[k]);
      track |= in[k].requires_grad();
    }
    TENSORD_ASSIGN_OR_RETURN(
        Tensor r, Inplace(in[0], others, [&]() -> StatusOrTensor {
          // A derivative may need self's old value (abs_, pow_): compute on
          // a copy, as torch's codegen does (original_self).
          std::vector<Tensor> args = in;
          if (GradEnabled() && track) {
            TENSORD_ASSIGN_OR_RETURN(args[0], Clone(in[0]));
          }
          TENSORD_ASSIGN_OR_RETURN(std::vector<Tensor> outs,
                                   fn(args, attrs, ctx));
          if (outs.empty()) return absl::InternalError("no result");
          if (!CanCast(outs[0].dtype(), in[0].dtype())) {
            return absl::InvalidArgumentError(
                absl::StrCat("result type ", DTypeShortName(outs[0].dtype()),
                             " can't be cast to the desired output type ",
                             DTypeShortName(in[0].dtype())));
          }
          if (none) {
            std::vector<const Tensor*> ins;
            for (const Tensor& x : args) ins.push_back(&x);
            return NotDifferentiable(none->node, ins, outs[0].detach(),
                                     none->message);
          }
          return outs[0];
        }));
    return std::vector<Tensor>{r};
  };
  return d;
}

}  // namespace

void AddMathOps(std::vector<OpDef>& t) {
  // ---- pointwise ----
  struct Bin {
    const char* name;
    StatusOrTensor (*f)(const Tensor&, const Tensor&);
    const char* doc;
    bool differentiable;
  };
  for (const Bin& b : {
           Bin{"atan2", &Atan2, "atan(self / other) in the right quadrant",
               true},
           Bin{"arctan2", &Atan2, "atan2", true},
           Bin{"hypot", &Hypot, "sqrt(self^2 + other^2)", true},
           Bin{"copysign", &Copysign, "|self| with other's sign", true},
           Bin{"logaddexp", &Logaddexp, "log(exp(self) + exp(other))", true},
           Bin{"xlogy", &Xlogy, "self * log(other), 0 where self is 0", true},
           Bin{"fmax", &Fmax, "elementwise max ignoring NaN", true},
           Bin{"fmin", &Fmin, "elementwise min ignoring NaN", true},
           Bin{"true_divide", &Div, "self / other", true},
           Bin{"divide", &Div, "self / other", true},
           Bin{"multiply", &Mul, "self * other", true},
           Bin{"bitwise_left_shift", nullptr, "self << other", false},
           Bin{"bitwise_right_shift", nullptr, "self >> other", false},
       }) {
    if (b.f == nullptr) {
      const bool left = std::string(b.name) == "bitwise_left_shift";
      t.push_back(Def(b.name, {"self", "other"}, {}, false, b.doc,
                      [left](const Args& a, OpContext&) {
                        return One(Shift(a[0], a[1], left));
                      }));
      continue;
    }
    static const std::set<std::string> kTensorOnly = {
        "atan2", "arctan2", "hypot", "logaddexp", "fmax", "fmin"};
    if (kTensorOnly.count(b.name)) {
      // torch has no Scalar overload: a Python number is a TypeError.
      t.push_back(Def(b.name, {"self", "other"}, {}, b.differentiable, b.doc,
                      [f = b.f, name = std::string(b.name)](
                          const Args& a, OpContext&) -> Outs {
                        for (int k = 0; k < 2; ++k) {
                          if (a[k].is_wrapped_number()) {
                            return TypeError(absl::StrCat(
                                name, "(): argument '",
                                k == 0 ? "input" : "other", "' (position ",
                                k + 1, ") must be Tensor, not ",
                                IsFloating(a[k].dtype())       ? "float"
                                : a[k].dtype() == DType::kBool ? "bool"
                                                               : "int"));
                          }
                        }
                        return One(f(a[0], a[1]));
                      }));
      continue;
    }
    t.push_back(Binary(b.name, b.f, b.doc, b.differentiable));
  }
  t.push_back(Def("heaviside", {"self", "values"}, {}, false,
                  "0 below zero, 1 above, values at zero",
                  [](const Args& a, OpContext&) -> Outs {
                    if (a[1].is_wrapped_number()) {
                      return TypeError(
                          "heaviside(): argument 'values' (position 2) must "
                          "be Tensor, not a number");
                    }
                    return One(Heaviside(a[0], a[1]));
                  }));
  t.push_back(Def(
      "lerp", {"self", "end", "weight"}, {}, true,
      "self + weight * (end - self)",
      [](const Args& a, OpContext&) { return One(Lerp(a[0], a[1], a[2])); }));
  t.push_back(Def("addcmul", {"self", "tensor1", "tensor2"},
                  {Opt("value", AT::kScalar, Scalar(int64_t{1}))}, true,
                  "self + value * tensor1 * tensor2",
                  [](const Args& a, OpContext&) {
                    return One(Addcmul(a[0], a[1], a[2], a.Num("value")));
                  }));
  t.push_back(Def("addcdiv", {"self", "tensor1", "tensor2"},
                  {Opt("value", AT::kScalar, Scalar(int64_t{1}))}, true,
                  "self + value * tensor1 / tensor2",
                  [](const Args& a, OpContext&) {
                    return One(Addcdiv(a[0], a[1], a[2], a.Num("value")));
                  }));
  t.push_back(Def("logit", {"self"}, {Opt("eps", AT::kFloat)}, true,
                  "log(self / (1 - self)), self clamped to [eps, 1 - eps]",
                  [](const Args& a, OpContext&) {
                    return One(Logit(a[0], OptFloat(a, "eps")));
                  }));
  t.push_back(Def("nan_to_num", {"self"},
                  {Opt("nan", AT::kFloat, 0.0), Opt("posinf", AT::kFloat),
                   Opt("neginf", AT::kFloat)},
                  true, "NaN and infinities replaced by finite values",
                  [](const Args& a, OpContext&) {
                    return One(NanToNum(a[0], OptFloat(a, "nan"),
                                        OptFloat(a, "posinf"),
                                        OptFloat(a, "neginf")));
                  }));
  t.push_back(Unary("sinc", &Sinc, "sin(pi x) / (pi x), 1 at 0"));
  t.push_back(Unary("lgamma", &Lgamma, "log |gamma(x)|"));
  t.push_back(Unary("digamma", &Digamma, "d/dx lgamma(x)"));
  t.push_back(Order(Def("polygamma", {"self"}, {Req("n", AT::kInt)}, true,
                        "the n-th derivative of digamma",
                        [](const Args& a, OpContext&) {
                          return One(Polygamma(a.Int("n"), a[0]));
                        }),
                    {"n", "self"}));
  t.push_back(Unary("deg2rad", &Deg2rad, "degrees to radians"));
  t.push_back(Unary("rad2deg", &Rad2deg, "radians to degrees"));
  t.push_back(Unary("sgn", &Sgn, "sign (x / |x| for complex)"));
  t.push_back(Unary("square", &Square, "self * self"));
  // ---- complex numbers ----
  for (const auto& [name, f, first, second, doc] :
       {std::tuple{"complex", &Complex, "real", "imag",
                   "real + i imag (complex64 from float32, complex128 from "
                   "float64)"},
        std::tuple{"polar", &Polar, "abs", "angle",
                   "abs (cos(angle) + i sin(angle))"}}) {
    t.push_back(
        Def(name, {first, second}, {}, true, doc,
            [f = f, name = std::string(name), first = std::string(first),
             second = std::string(second)](const Args& a, OpContext&) -> Outs {
              for (int k = 0; k < 2; ++k) {
                if (a[k].is_wrapped_number()) {
                  return TypeError(absl::StrCat(
                      name, "(): argument '", k == 0 ? first : second,
                      "' (position ", k + 1, ") must be Tensor, not a number"));
                }
              }
              return One(f(a[0], a[1]));
            }));
  }
  t.push_back(Unary("real", &Real, "the real parts (a copy; self if real)"));
  t.push_back(Unary("imag", &Imag, "the imaginary parts (a copy)"));
  t.push_back(Unary("conj", &Conj, "complex conjugate (self if real)"));
  t.push_back(Unary("angle", &Angle, "the argument (0 or pi for reals)"));
  t.push_back(
      Unary("view_as_real", &ViewAsReal, "[..., 2] of real and imaginary"));
  t.push_back(Unary("view_as_complex", &ViewAsComplex,
                    "complex from [..., 2] of real and imaginary"));
  t.push_back(Unary("isposinf", &IsPosInf, "True at +inf", false));
  t.push_back(Unary("isneginf", &IsNegInf, "True at -inf", false));
  {
    // clip: clamp's other name, with clamp's attributes.
    for (const OpDef& d : t) {
      if (d.name == "clamp") {
        OpDef clip = d;
        clip.name = "clip";
        clip.doc = "clamp";
        t.push_back(std::move(clip));
        break;
      }
    }
  }
  // ---- small reductions ----
  t.push_back(Unary("trace", &Trace, "sum of the main diagonal"));
  for (const bool is_std : {true, false}) {
    t.push_back(Def(
        is_std ? "std_mean" : "var_mean", {"self"},
        {Opt("dim", AT::kInts), Opt("unbiased", AT::kBool, std::monostate{}),
         KeepDim(), Opt("correction", AT::kFloat)},
        true, is_std ? "(std, mean) in one call" : "(var, mean) in one call",
        [is_std](const Args& a, OpContext&) {
          return Two(StdVarMean(a[0], a.Ints("dim"), Correction(a),
                                a.Bool("keepdim"), is_std));
        },
        {"", ""}));  // unnamed: a plain tuple
  }
  // torch 1.13 has no derivative for aminmax (grad_fn NotImplemented).
  t.push_back(Def("aminmax", {"self"}, {Opt("dim", AT::kInt), KeepDim()}, false,
                  "(amin, amax) in one call",
                  [](const Args& a, OpContext&) {
                    return Two(
                        Aminmax(a[0], a.OptInt("dim"), a.Bool("keepdim")));
                  },
                  {"min", "max"}));
  t.push_back(Def("nansum", {"self"},
                  {Opt("dim", AT::kInts), KeepDim(), DTypeAttr()}, true,
                  "sum treating NaN as zero", [](const Args& a, OpContext&) {
                    return One(Nansum(a[0], a.Ints("dim"), a.Bool("keepdim"),
                                      a.OptDType("dtype")));
                  }));
  t.push_back(Def("nanmean", {"self"}, {Opt("dim", AT::kInts), KeepDim()}, true,
                  "mean of the non-NaN values", [](const Args& a, OpContext&) {
                    return One(Nanmean(a[0], a.Ints("dim"), a.Bool("keepdim")));
                  }));
  for (const bool nan : {false, true}) {
    const std::string name = nan ? "nanmedian" : "median";
    t.push_back(Def(
        name, {"self"}, {}, true,
        nan ? "the lower median of the non-NaN values"
            : "the lower median (NaN if any)",
        [nan](const Args& a, OpContext&) { return One(Median(a[0], nan)); }));
    t.push_back(
        Def(name + ".dim", {"self"}, {Req("dim", AT::kInt), KeepDim()}, true,
            "the lower median along dim and its index",
            [nan](const Args& a, OpContext&) {
              return Two(MedianDim(a[0], a.Int("dim"), a.Bool("keepdim"), nan));
            },
            {"values", "indices"}));
  }
  t.push_back(Def("dist", {"self", "other"}, {Opt("p", AT::kFloat, 2.0)}, true,
                  "the p-norm of self - other", [](const Args& a, OpContext&) {
                    return One(Dist(a[0], a[1], a.Float("p")));
                  }));
  t.push_back(Order(
      MinInputs(Def("diff", {"self", "prepend", "append"},
                    {Opt("n", AT::kInt, int64_t{1}),
                     Opt("dim", AT::kInt, int64_t{-1})},
                    true, "n-th forward difference along dim",
                    [](const Args& a, OpContext&) {
                      const auto& in = a.all();
                      // prepend/append are bound by name; None leaves them out.
                      const Tensor* pre =
                          in.size() > 1 && in[1].defined() ? &in[1] : nullptr;
                      const Tensor* app =
                          in.size() > 2 && in[2].defined() ? &in[2] : nullptr;
                      return One(
                          Diff(a[0], a.Int("n"), a.Int("dim"), pre, app));
                    }),
                1),
      {"self", "n", "dim", "prepend", "append"}));
  for (const bool max : {true, false}) {
    t.push_back(Def(max ? "cummax" : "cummin", {"self"}, {Req("dim", AT::kInt)},
                    true,
                    max ? "running maximum along dim and its index"
                        : "running minimum along dim and its index",
                    [max](const Args& a, OpContext&) {
                      return Two(CumExtreme(a[0], a.Int("dim"), max));
                    },
                    {"values", "indices"}));
  }
  t.push_back(MinInputs(
      Def("bincount", {"self", "weights"},
          {Opt("minlength", AT::kInt, int64_t{0})}, false,
          "occurrences (or summed weights) of each non-negative integer",
          [](const Args& a, OpContext&) {
            const auto& in = a.all();
            const Tensor* w =
                in.size() > 1 && in[1].defined() ? &in[1] : nullptr;
            return One(Bincount(a[0], w, a.Int("minlength")));
          }),
      1));
  t.push_back(Def("histc", {"self"},
                  {Opt("bins", AT::kInt, int64_t{100}),
                   Opt("min", AT::kScalar, Scalar(int64_t{0})),
                   Opt("max", AT::kScalar, Scalar(int64_t{0}))},
                  false, "histogram of bins equal-width bins over [min, max]",
                  [](const Args& a, OpContext&) {
                    return One(Histc(a[0], a.Int("bins"),
                                     a.Num("min").to_double(),
                                     a.Num("max").to_double()));
                  }));
  // ---- batched and fused products ----
  t.push_back(Binary("bmm", &Bmm, "batched matrix product of 3-d tensors"));
  struct Fused {
    const char* name;
    StatusOrTensor (*f)(const Tensor&, const Tensor&, const Tensor&,
                        const Scalar&, const Scalar&);
    const char* a;
    const char* b;
    const char* doc;
  };
  for (const Fused& f :
       {Fused{"addmm", &Addmm, "mat1", "mat2",
              "beta * self + alpha * mat1 @ mat2"},
        Fused{"addmv", &Addmv, "mat", "vec", "beta * self + alpha * mat @ vec"},
        Fused{"addr", &Addr, "vec1", "vec2",
              "beta * self + alpha * outer(vec1, vec2)"},
        Fused{"baddbmm", &Baddbmm, "batch1", "batch2",
              "beta * self + alpha * bmm(batch1, batch2)"}}) {
    t.push_back(Def(f.name, {"self", f.a, f.b}, {Beta(), Alpha()}, true, f.doc,
                    [fn = f.f](const Args& a, OpContext&) {
                      return One(
                          fn(a[0], a[1], a[2], a.Num("beta"), a.Num("alpha")));
                    }));
  }
}

void AddAliases(std::vector<OpDef>& t) {
  std::set<std::string> have;
  for (const OpDef& d : t) have.insert(d.name);
  std::vector<OpDef> add;
  for (const auto& [alias, name] : OpAliases()) {
    if (have.count(alias)) continue;  // a dedicated entry exists
    for (const OpDef& d : t) {
      if (d.name == name) {
        OpDef a = d;
        a.name = alias;
        a.doc = name;
        add.push_back(std::move(a));
        break;
      }
    }
  }
  for (OpDef& d : add) t.push_back(std::move(d));
}

void AddInplaceForms(std::vector<OpDef>& t) {
  static const char* const kForms[] = {
      // unary math
      "abs", "neg", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid",
      "relu", "floor", "ceil", "trunc", "round", "frac", "sign", "sgn",
      "reciprocal", "rsqrt", "log2", "log10", "log1p", "expm1", "exp2", "tan",
      "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf",
      "erfc", "erfinv", "square", "sinc", "deg2rad", "rad2deg", "logit",
      "nan_to_num", "clamp", "clip", "clamp_min", "clamp_max", "lgamma",
      "digamma", "polygamma", "arccos", "arcsin", "arctan", "arccosh",
      "arcsinh", "arctanh", "multiply", "divide", "arctan2", "cumsum",
      "cumprod",
      // binary
      "pow", "remainder", "fmod", "floor_divide", "atan2", "hypot", "copysign",
      "xlogy", "lerp", "addcmul", "addcdiv", "true_divide", "bitwise_and",
      "bitwise_or", "bitwise_xor", "bitwise_not", "logical_and", "logical_or",
      "logical_xor", "logical_not", "bitwise_left_shift", "bitwise_right_shift",
      "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
      "less_equal", "not_equal", "heaviside", "addmm", "addmv", "addr",
      "baddbmm"};
  std::set<std::string> have;
  for (const OpDef& d : t) have.insert(d.name);
  std::vector<OpDef> add;
  for (const char* name : kForms) {
    const std::string n = name;
    if (have.count(n + "_")) continue;  // a dedicated entry exists
    for (const OpDef& d : t) {
      if (d.name == n) {
        add.push_back(InplaceForm(d));
        break;
      }
    }
  }
  for (OpDef& d : add) t.push_back(std::move(d));
}

}  // namespace op_def

const std::vector<std::pair<std::string, std::string>>& OpAliases() {
  // torch's other names for ops of the table (numpy's spellings): the same
  // op, attributes and grad_fn under a second name.
  static const auto* aliases =
      new std::vector<std::pair<std::string, std::string>>{
          {"arccos", "acos"},   {"arcsin", "asin"},      {"arctan", "atan"},
          {"arccosh", "acosh"}, {"arcsinh", "asinh"},    {"arctanh", "atanh"},
          {"greater", "gt"},    {"greater_equal", "ge"}, {"less", "lt"},
          {"less_equal", "le"}, {"not_equal", "ne"},     {"concatenate", "cat"},
      };
  return *aliases;
}

}  // namespace tensord
