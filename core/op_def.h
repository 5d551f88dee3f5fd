// op_def.h — the vocabulary of the op table (core/op_table.cc and the
// family tables core/table_*.cc): typed attribute access (Args) and the
// builders of OpDefs (Def, Unary, Binary, Req, Opt). Internal to core/.
#ifndef TENSORD_CORE_OP_DEF_H_
#define TENSORD_CORE_OP_DEF_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/op_table.h"
#include "core/ops.h"

namespace tensord {
namespace op_def {

using Outs = absl::StatusOr<std::vector<Tensor>>;

// Typed access to validated attributes (present, right type, or None).
class Args {
 public:
  Args(const std::vector<Tensor>& in, const AttrMap& a) : in_(in), a_(a) {}
  const Tensor& operator[](size_t i) const { return in_[i]; }
  const std::vector<Tensor>& all() const { return in_; }
  bool Has(absl::string_view k) const {
    auto it = a_.find(k);
    return it != a_.end() &&
           !std::holds_alternative<std::monostate>(it->second);
  }
  int64_t Int(absl::string_view k) const {
    return std::get<int64_t>(a_.find(k)->second);
  }
  std::optional<int64_t> OptInt(absl::string_view k) const {
    return Has(k) ? std::optional<int64_t>(Int(k)) : std::nullopt;
  }
  DimList Ints(absl::string_view k) const {
    return Has(k) ? std::get<std::vector<int64_t>>(a_.find(k)->second)
                  : DimList{};
  }
  Shape ShapeOf(absl::string_view k) const {
    DimList d = Ints(k);
    return Shape(d.begin(), d.end());
  }
  double Float(absl::string_view k) const {
    return std::get<double>(a_.find(k)->second);
  }
  std::optional<double> OptFloat(absl::string_view k) const {
    return Has(k) ? std::optional<double>(Float(k)) : std::nullopt;
  }
  bool Bool(absl::string_view k) const {
    return std::get<bool>(a_.find(k)->second);
  }
  Scalar Num(absl::string_view k) const {
    return std::get<Scalar>(a_.find(k)->second);
  }
  std::optional<Scalar> OptNum(absl::string_view k) const {
    return Has(k) ? std::optional<Scalar>(Num(k)) : std::nullopt;
  }
  std::optional<DType> OptDType(absl::string_view k) const {
    return Has(k) ? std::optional<DType>(std::get<DType>(a_.find(k)->second))
                  : std::nullopt;
  }
  DType DTypeOr(absl::string_view k, DType d) const {
    return OptDType(k).value_or(d);
  }
  NormOrd Ord(absl::string_view k) const {
    if (!Has(k)) return NormOrd{};
    const AttrValue& v = a_.find(k)->second;
    if (auto* s = std::get_if<std::string>(&v)) {
      return NormOrd{*s == "nuc" ? NormOrd::kNuc : NormOrd::kFro, 2.0};
    }
    return NormOrd::Number(std::get<double>(v));
  }
  std::string Str(absl::string_view k) const {
    return std::get<std::string>(a_.find(k)->second);
  }
  std::optional<bool> OptBool(absl::string_view k) const {
    return Has(k) ? std::optional<bool>(Bool(k)) : std::nullopt;
  }
  // Input i, or an undefined tensor when it was not given.
  Tensor OptInput(size_t i) const { return i < in_.size() ? in_[i] : Tensor(); }
  // A loss's reduction from `reduction` and the deprecated size_average and
  // reduce.
  absl::StatusOr<Reduction> Red() const {
    return LegacyReduction(OptBool("size_average"), OptBool("reduce"),
                           Str("reduction"));
  }

 private:
  const std::vector<Tensor>& in_;
  const AttrMap& a_;
};

inline Outs One(absl::StatusOr<Tensor> t) {
  if (!t.ok()) return t.status();
  return std::vector<Tensor>{*std::move(t)};
}
inline Outs Two(absl::StatusOr<std::pair<Tensor, Tensor>> t) {
  if (!t.ok()) return t.status();
  return std::vector<Tensor>{t->first, t->second};
}

inline AttrSpec Req(std::string name, AttrType t, std::string doc = "") {
  return AttrSpec{std::move(name), t, true, std::monostate{}, std::move(doc)};
}
inline AttrSpec Opt(std::string name, AttrType t,
                    AttrValue dflt = std::monostate{}, std::string doc = "") {
  return AttrSpec{std::move(name), t, false, std::move(dflt), std::move(doc)};
}
inline AttrSpec KeepDim() {
  return Opt("keepdim", AttrType::kBool, false, "keep reduced dims as size 1");
}
inline AttrSpec DTypeAttr() {
  return Opt("dtype", AttrType::kDType, std::monostate{}, "result dtype");
}

using Fn = std::function<Outs(const Args&, OpContext&)>;

inline OpDef Def(std::string name, std::vector<std::string> inputs,
                 std::vector<AttrSpec> attrs, bool differentiable,
                 std::string doc, Fn fn,
                 std::vector<std::string> outputs = {"result"}) {
  OpDef d;
  d.name = std::move(name);
  d.inputs = std::move(inputs);
  d.attrs = std::move(attrs);
  d.outputs = std::move(outputs);
  d.differentiable = differentiable;
  d.doc = std::move(doc);
  d.inplace = !d.name.empty() && d.name.back() == '_';
  d.fn = [fn = std::move(fn)](const std::vector<Tensor>& in, const AttrMap& a,
                              OpContext& c) { return fn(Args(in, a), c); };
  return d;
}

inline OpDef Unary(std::string name, StatusOrTensor (*f)(const Tensor&),
                   std::string doc, bool differentiable = true) {
  return Def(std::move(name), {"self"}, {}, differentiable, std::move(doc),
             [f](const Args& a, OpContext&) { return One(f(a[0])); });
}

inline OpDef Binary(std::string name,
                    StatusOrTensor (*f)(const Tensor&, const Tensor&),
                    std::string doc, bool differentiable = true) {
  return Def(std::move(name), {"self", "other"}, {}, differentiable,
             std::move(doc),
             [f](const Args& a, OpContext&) { return One(f(a[0], a[1])); });
}

inline absl::StatusOr<Generator*> Gen(OpContext& c) {
  if (c.generator == nullptr) {
    return absl::FailedPreconditionError("no random generator in this context");
  }
  return c.generator;
}
// Family tables, appended to the main one (each in its table_*.cc).
void AddIndexingOps(std::vector<OpDef>& t);  // table_indexing.cc
void AddMathOps(std::vector<OpDef>& t);      // table_math.cc
void AddLinalgOps(std::vector<OpDef>& t);    // table_linalg.cc
void AddNnOps(std::vector<OpDef>& t);        // table_nn.cc
void AddSampleOps(std::vector<OpDef>& t);    // table_sample.cc
void AddConvOps(std::vector<OpDef>& t);      // table_conv.cc
// x.exp_(), x.clamp_(0, 1), ...: the in-place form of each op of a list,
// from the op's own entry (table_math.cc).
void AddInplaceForms(std::vector<OpDef>& t);
void AddAliases(std::vector<OpDef>& t);

}  // namespace op_def
}  // namespace tensord

#endif  // TENSORD_CORE_OP_DEF_H_
