// storage_dtypes.cc — float16, bfloat16, int8, uint8 and int16 through the
// kernels of the six compute dtypes.
//
// PyTorch's CPU kernels compute float16 and bfloat16 in float and round
// each result; integer arithmetic modulo 2^32 truncated to 8 or 16 bits is
// arithmetic modulo 2^8 or 2^16. So an op on these dtypes runs on copies in
// float32 (int32), and the results that come out in the compute dtype are
// converted to the dtype PyTorch's promotion gives. Ops that make views or
// only move and convert values (view, transpose, to, copy_, ...) run on the
// tensors themselves, so views still alias their base.
#include "core/storage_dtypes.h"

#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

// Ops whose kernels never look at element values, or convert them with
// the all-dtype copy: views, geometry, conversions and autograd control;
// and the uniform draws (rand, rand_like, uniform_), which torch makes
// from 11 (float16) or 8 (bfloat16) bits of each draw, not 24.
// op_generic_test checks that every op whose result aliases its input is
// here.
bool RunsNatively(const OpDef& op) {
  static const auto* kNative =
      new std::set<std::string, std::less<>>{"T",
                                             "alias",
                                             "atleast_1d",
                                             "atleast_2d",
                                             "atleast_3d",
                                             "autograd.grad",
                                             "backward",
                                             "broadcast_tensors",
                                             "broadcast_to",
                                             "chunk",
                                             "clone",
                                             "contiguous",
                                             "copy_",
                                             "detach",
                                             "diagonal",
                                             "expand",
                                             "flatten",
                                             "grad",
                                             "index",
                                             "is_contiguous",
                                             "movedim",
                                             "moveaxis",
                                             "narrow",
                                             "permute",
                                             "rand",
                                             "rand_like",
                                             "requires_grad_",
                                             "reshape",
                                             "retain_grad",
                                             "select",
                                             "slice",
                                             "split",
                                             "split_with_sizes",
                                             "squeeze",
                                             "squeeze_",
                                             "storage_offset",
                                             "stride",
                                             "swapaxes",
                                             "swapaxes_",
                                             "swapdims",
                                             "swapdims_",
                                             "t",
                                             "t_",
                                             "tensor_split",
                                             "tensor_split.indices",
                                             "to",
                                             "transpose",
                                             "transpose_",
                                             "unbind",
                                             "unflatten",
                                             "uniform_",
                                             "unfold",
                                             "unsqueeze",
                                             "unsqueeze_",
                                             "view",
                                             "resize_",
                                             "meshgrid",
                                             "get_rng_state",
                                             "set_rng_state",
                                             "manual_seed"};
  return kNative->count(op.name) > 0;
}

// Inputs that hold positions, masks or class labels, not values: they do
// not take part in the result's dtype (gather(int8, int64 index) is int8).
bool IsIndexInput(const OpDef& op, size_t i) {
  if (op.variadic) {
    if (op.name == "index.advanced") return i >= 1;
    if (op.name == "index_put_.advanced") return i >= 2;
    return false;
  }
  if (i >= op.inputs.size()) return false;
  const std::string& n = op.inputs[i];
  return n == "index" || n == "indices" || n == "mask" || n == "target" ||
         n == "condition";
}

bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// `msg` with whole-word `from` replaced by `to`.
std::string ReplaceWord(absl::string_view msg, absl::string_view from,
                        absl::string_view to) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t at = msg.find(from, pos);
    if (at == absl::string_view::npos) break;
    const size_t end = at + from.size();
    const bool word = (at == 0 || !IsWordChar(msg[at - 1])) &&
                      (end == msg.size() || !IsWordChar(msg[end]));
    absl::StrAppend(&out, msg.substr(pos, at - pos), word ? to : from);
    pos = end;
  }
  absl::StrAppend(&out, msg.substr(pos));
  return out;
}

}  // namespace

bool NeedsComputeDTypes(const OpDef& op, const std::vector<Tensor>& inputs,
                        const AttrMap& attrs) {
  bool storage = false;
  for (const Tensor& t : inputs) {
    storage = storage || (t.defined() && IsStorageOnly(t.dtype()));
  }
  if (auto it = attrs.find("dtype"); !storage && it != attrs.end()) {
    const DType* d = std::get_if<DType>(&it->second);
    storage = d != nullptr && IsStorageOnly(*d);
  }
  return storage && !RunsNatively(op);
}

absl::StatusOr<std::vector<Tensor>> RunInComputeDTypes(
    const OpDef& op, const std::vector<Tensor>& inputs, AttrMap attrs,
    OpContext& ctx) {
  // The dtype the results are rounded to, if any.
  std::optional<DType> target;
  bool explicit_dtype = false;
  if (auto it = attrs.find("dtype"); it != attrs.end()) {
    if (DType* d = std::get_if<DType>(&it->second)) {
      explicit_dtype = true;
      if (IsStorageOnly(*d)) {
        target = *d;
        *d = ComputeDType(*d);
      }
    }
  }
  const bool inplace =
      op.inplace && !op.replaces_self && !inputs.empty() && inputs[0].defined();
  if (inplace) {
    if (IsStorageOnly(inputs[0].dtype())) target = inputs[0].dtype();
  } else if (!explicit_dtype) {
    std::vector<const Tensor*> data;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].defined() && !IsIndexInput(op, i)) {
        data.push_back(&inputs[i]);
      }
    }
    if (!data.empty()) {
      const DType r = ResultType(data);
      if (IsStorageOnly(r)) target = r;
    }
  }

  // The one op whose defaults depend on the dtype's range: nan_to_num's
  // infinities become the largest finite values of the caller's dtype.
  if (target && (op.name == "nan_to_num" || op.name == "nan_to_num_") &&
      (*target == DType::kFloat16 || *target == DType::kBFloat16)) {
    const double max =
        *target == DType::kFloat16 ? 65504.0 : 3.3895313892515355e+38;
    for (const auto& [key, value] :
         {std::pair{"posinf", max}, std::pair{"neginf", -max}}) {
      auto it = attrs.find(key);
      if (it != attrs.end() &&
          std::holds_alternative<std::monostate>(it->second)) {
        it->second = value;
      }
    }
  }

  // Integer Scalar arguments (clamp's bounds, fill values) become values
  // of the small integer dtype first, as PyTorch converts them: uint8
  // clamp_min(-5) clamps at 251.
  if (target && IsIntegral(*target, false)) {
    for (auto& [key, value] : attrs) {
      Scalar* s = std::get_if<Scalar>(&value);
      if (s == nullptr || s->dtype() != DType::kInt64) continue;
      int64_t wrapped = s->to_int();
      DispatchStorage(*target, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_integral_v<T>) {
          wrapped = static_cast<int64_t>(static_cast<T>(wrapped));
        }
      });
      *s = Scalar(wrapped);
    }
  }

  // The compute dtype of each storage-only dtype present, for error
  // messages: a kernel's "Float" means the caller's "Half" when nothing
  // else was float32.
  std::vector<std::pair<DType, DType>> renames;  // (compute, storage)
  std::vector<Tensor> in;
  in.reserve(inputs.size());
  for (const Tensor& t : inputs) {
    if (!t.defined() || !IsStorageOnly(t.dtype())) {
      in.push_back(t);
      continue;
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor c, To(t, ComputeDType(t.dtype())));
    renames.emplace_back(ComputeDType(t.dtype()), t.dtype());
    in.push_back(std::move(c));
  }
  if (target) renames.emplace_back(ComputeDType(*target), *target);
  auto fix_message = [&](const absl::Status& st) -> absl::Status {
    std::string msg(st.message());
    for (const auto& [compute, storage] : renames) {
      bool genuine = false, ambiguous = false;
      for (const Tensor& t : inputs) {
        if (t.defined() && t.dtype() == compute) genuine = true;
      }
      for (const auto& [c2, s2] : renames) {
        if (c2 == compute && s2 != storage) ambiguous = true;
      }
      if (genuine || ambiguous) continue;
      msg = ReplaceWord(msg, DTypeShortName(compute), DTypeShortName(storage));
      msg = ReplaceWord(msg, DTypeName(compute), DTypeName(storage));
    }
    return absl::Status(st.code(), msg);
  };

  absl::StatusOr<std::vector<Tensor>> outs = op.fn(in, attrs, ctx);
  if (!outs.ok()) return fix_message(outs.status());
  if (inplace && target) {
    // in[0] is a float32 (int32) copy the op changed: write it back.
    TENSORD_ASSIGN_OR_RETURN(Tensor back, CopyInplace(inputs[0], in[0]));
    for (Tensor& o : *outs) {
      if (o.defined() && o.is_same(in[0])) o = back;
    }
    return outs;
  }
  // An op that returns an input itself (dropout in eval mode) returns the
  // caller's tensor, not the float32 copy.
  for (Tensor& o : *outs) {
    for (size_t j = 0; j < in.size(); ++j) {
      if (o.defined() && in[j].defined() && !in[j].is_same(inputs[j]) &&
          o.is_same(in[j])) {
        o = inputs[j];
      }
    }
  }
  if (!target) return outs;
  const DType compute = ComputeDType(*target);
  for (Tensor& o : *outs) {
    if (!o.defined() || o.dtype() != compute) continue;
    const std::string name = o.grad_fn_name();
    TENSORD_ASSIGN_OR_RETURN(o, To(o, *target));
    if (!name.empty() && o.impl()->grad_fn) {
      // Shown as the op's own node (AddBackward0, not ToCopyBackward0).
      o.impl()->grad_fn->twice_differentiable = true;
      o.impl()->grad_fn->set_name(name);
    }
  }
  return outs;
}

namespace {

// The C++ type c10 names in "value cannot be converted to type X".
const char* CTypeName(DType t) {
  switch (t) {
    case DType::kUInt8:
      return "uint8_t";
    case DType::kInt8:
      return "int8_t";
    case DType::kInt16:
      return "int16_t";
    case DType::kInt32:
      return "int";
    case DType::kInt64:
      return "int64_t";
    case DType::kFloat16:
      return "at::Half";
    case DType::kBFloat16:
      return "at::BFloat16";
    case DType::kFloat32:
      return "float";
    case DType::kFloat64:
      return "double";
    case DType::kBool:
      return "bool";
    case DType::kComplex64:
      return "c10::complex<float>";
    case DType::kComplex128:
      return "c10::complex<double>";
  }
  return "?";
}

// (lowest, max) of a real dtype.
std::pair<double, double> Range(DType t) {
  std::pair<double, double> r{0, 0};
  DispatchStorage(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, Half>) {
      r = {-65504.0, 65504.0};
    } else if constexpr (std::is_same_v<T, BFloat16>) {
      r = {-3.3895313892515355e+38, 3.3895313892515355e+38};
    } else if constexpr (std::is_arithmetic_v<T>) {
      r = {static_cast<double>(std::numeric_limits<T>::lowest()),
           static_cast<double>(std::numeric_limits<T>::max())};
    }
  });
  return r;
}

}  // namespace

bool ScalarOverflows(const Scalar& s, DType t) {
  if (t == DType::kBool || IsComplex(t) || IsComplex(s.dtype())) return false;
  const auto [lowest, max] = Range(t);
  if (s.dtype() == DType::kBool) return false;
  if (IsFloating(t)) {
    const double d = s.to_double();
    if (std::isinf(d) || std::isnan(d)) return false;
    return d < lowest || d > max;
  }
  if (s.dtype() == DType::kInt64) {
    const int64_t v = s.to_int();
    if (t == DType::kInt64) return false;
    if (t == DType::kUInt8) {
      return v > static_cast<int64_t>(max) ||
             (v < 0 && -static_cast<double>(v) > max);
    }
    return v < static_cast<int64_t>(lowest) || v > static_cast<int64_t>(max);
  }
  const double d = s.to_double();  // a float into an integer dtype
  return d < lowest || d > max;
}

absl::Status CheckScalarsFit(const OpDef& op, const std::vector<Tensor>& inputs,
                             const AttrMap& attrs) {
  // The ops whose Scalar arguments PyTorch converts to the result's dtype
  // with c10::checked_convert, and where the numbers are.
  struct Rule {
    const char* op;
    std::vector<const char*> attrs;   // Scalar attributes
    std::vector<const char*> inputs;  // inputs that may be wrapped numbers
  };
  static const auto* kRules = new std::vector<Rule>{
      {"fill_", {"value"}, {}},          {"full", {"fill_value"}, {}},
      {"full_like", {"fill_value"}, {}}, {"new_full", {"fill_value"}, {}},
      {"clamp", {"min", "max"}, {}},     {"clamp_", {"min", "max"}, {}},
      {"clamp_min", {"min"}, {}},        {"clamp_max", {"max"}, {}},
      {"index_fill", {}, {"value"}},     {"index_fill_", {}, {"value"}},
      {"masked_fill", {}, {"value"}},    {"masked_fill_", {}, {"value"}},
      {"scatter", {}, {"src"}},          {"scatter_", {}, {"src"}},
      {"index_put_", {}, {"value"}},     {"where", {}, {"self", "other"}},
  };
  const Rule* rule = nullptr;
  for (const Rule& r : *kRules) {
    if (op.name == r.op) rule = &r;
  }
  if (rule == nullptr) return absl::OkStatus();
  // The dtype the numbers become: dtype= when given, else self's (for
  // where, the tensor operand's).
  std::optional<DType> to;
  if (auto it = attrs.find("dtype"); it != attrs.end()) {
    if (const DType* d = std::get_if<DType>(&it->second)) to = *d;
  }
  if (!to) {
    for (size_t i = 0; i < inputs.size() && i < op.inputs.size(); ++i) {
      if (op.name == std::string("where") && i == 0) continue;
      if (inputs[i].defined() && !inputs[i].is_wrapped_number() &&
          (op.inputs[i] == "self" || op.name == std::string("where"))) {
        to = inputs[i].dtype();
        break;
      }
    }
  }
  if (!to) return absl::OkStatus();  // full(): the number's own dtype
  auto check = [&](const Scalar& s) -> absl::Status {
    if (!ScalarOverflows(s, *to)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("value cannot be converted to type ", CTypeName(*to),
                     " without overflow"));
  };
  for (const char* name : rule->attrs) {
    auto it = attrs.find(name);
    if (it == attrs.end()) continue;
    if (const Scalar* s = std::get_if<Scalar>(&it->second)) {
      TENSORD_RETURN_IF_ERROR(check(*s));
    }
  }
  for (const char* name : rule->inputs) {
    for (size_t i = 0; i < inputs.size() && i < op.inputs.size(); ++i) {
      if (op.inputs[i] == name && inputs[i].defined() &&
          inputs[i].is_wrapped_number()) {
        TENSORD_RETURN_IF_ERROR(check(inputs[i].item()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace tensord
