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
// the all-dtype copy: views, geometry, conversions and autograd control.
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
                                             "t_",
                                             "tensor_split",
                                             "tensor_split.indices",
                                             "to",
                                             "transpose",
                                             "transpose_",
                                             "unbind",
                                             "unflatten",
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
  if (RunsNatively(op)) return false;
  for (const Tensor& t : inputs) {
    if (t.defined() && IsStorageOnly(t.dtype())) return true;
  }
  auto it = attrs.find("dtype");
  if (it != attrs.end()) {
    if (const DType* d = std::get_if<DType>(&it->second)) {
      return IsStorageOnly(*d);
    }
  }
  return false;
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

}  // namespace tensord
