// In-place view ops: t_, transpose_ (swapdims_, swapaxes_), unsqueeze_,
// squeeze_, and resize_. A tensor's geometry is fixed when it is made
// (tensor.h), so each returns a new tensor with self's new geometry that shares
// self's storage, version counter (bumped, as torch's) and view base, and takes
// over self's autograd state; the op's OpDef says `replaces_self`, so the
// session puts the result where self was (its handles and names).
//
//   x = arange(6).reshape(2, 3)  // then x.t_(): x is [3, 2], strides (1, 3)
#include <cstring>
#include <functional>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord {
namespace {

using ViewFn = std::function<StatusOrTensor(const Tensor&)>;

// self with the geometry of view(self), in self's place; `back` maps the
// new geometry's gradient to the old one (node `name`).
StatusOrTensor ViewInplace(const Tensor& self, const char* name,
                           const ViewFn& view, const ViewFn& back) {
  TENSORD_RETURN_IF_ERROR(CheckInplace(self));
  Tensor shaped;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(shaped, view(self));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           MakeView(self, shaped.sizes(), shaped.strides(),
                                    shaped.storage_offset()));
  TensorImpl* o = out.impl();
  const TensorImpl* s = self.impl();
  o->view_base = s->view_base;  // a view stays a view of its base
  o->multi_view_index = s->multi_view_index;
  o->multi_view_fn = s->multi_view_fn;
  o->retains_grad = s->retains_grad;
  o->grad = s->grad;
  if (GradEnabled() && self.requires_grad()) {
    // (A leaf that requires grad was refused by CheckInplace.)
    if (auto node = RecordOp(name, {&self}, {&out})) {
      node->set_backward(
          [back](Node&, const GradList& g) -> absl::StatusOr<GradList> {
            if (!g[0].defined()) return GradList{Tensor()};
            TENSORD_ASSIGN_OR_RETURN(Tensor r, back(g[0]));
            return GradList{r};
          });
    }
  } else {
    o->requires_grad = s->requires_grad;
    o->grad_fn = s->grad_fn;
    o->output_nr = s->output_nr;
  }
  if (Transaction* txn = Transaction::Current()) {
    txn->OnRollback(
        [counter = s->version, v = self.version()] { counter->version = v; });
  }
  out.bump_version();
  return out;
}

}  // namespace

StatusOrTensor TransposeInplace(const Tensor& self, int64_t dim0,
                                int64_t dim1) {
  TENSORD_ASSIGN_OR_RETURN(int64_t a, WrapDim(dim0, self.dim()));
  TENSORD_ASSIGN_OR_RETURN(int64_t b, WrapDim(dim1, self.dim()));
  auto swap = [a, b](const Tensor& t) { return Transpose(t, a, b); };
  return ViewInplace(self, "TransposeBackward1", swap, swap);
}

StatusOrTensor TInplace(const Tensor& self) {
  if (self.dim() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("t_() expects a tensor with <= 2 dimensions, but self is ",
                     self.dim(), "D"));
  }
  auto swap = [](const Tensor& t) { return T(t); };
  return ViewInplace(self, "TBackward1", swap, swap);
}

StatusOrTensor UnsqueezeInplace(const Tensor& self, int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, self.dim() + 1));
  return ViewInplace(
      self, "UnsqueezeBackward1",
      [d](const Tensor& t) { return Unsqueeze(t, d); },
      [d](const Tensor& g) { return Squeeze(g, d); });
}

StatusOrTensor SqueezeInplace(const Tensor& self, std::optional<int64_t> dim) {
  const Shape sizes = self.sizes();
  const DimList old(sizes.begin(), sizes.end());
  auto back = [old](const Tensor& g) { return Reshape(g, old); };
  if (!dim) {
    return ViewInplace(
        self, "SqueezeBackward2", [](const Tensor& t) { return Squeeze(t); },
        back);
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(*dim, self.dim()));
  return ViewInplace(
      self, "SqueezeBackward3", [d](const Tensor& t) { return Squeeze(t, d); },
      back);
}

StatusOrTensor ResizeInplace(const Tensor& self, const DimList& size) {
  if (self.requires_grad()) {
    return absl::FailedPreconditionError(
        "cannot resize variables that require grad");
  }
  Shape sizes;
  int64_t numel = 1;
  // torch 1.13 multiplies the sizes as unsigned: a negative one is its
  // overflow error.
  constexpr char kOverflow[] = "numel: integer multiplication overflow";
  for (int64_t s : size) {
    if (s < 0 || __builtin_mul_overflow(numel, s, &numel)) {
      return absl::InvalidArgumentError(kOverflow);
    }
    sizes.push_back(s);
  }
  const int64_t item = ItemSize(self.dtype());
  int64_t needed = 0;  // bytes from the storage's start
  if (numel > 0 &&
      (__builtin_add_overflow(numel, self.storage_offset(), &needed) ||
       __builtin_mul_overflow(needed, item, &needed))) {
    return absl::InvalidArgumentError(kOverflow);
  }
  const Shape strides = ContiguousStrides(sizes);
  Tensor out;
  if (needed <= static_cast<int64_t>(self.storage()->nbytes())) {
    // Fits: self's storage with contiguous strides (a view stays a view).
    TENSORD_ASSIGN_OR_RETURN(
        out, MakeView(self, sizes, strides, self.storage_offset()));
    out.impl()->view_base = self.impl()->view_base;
  } else {
    // Grows: new storage holding the old bytes, the rest zeros (torch
    // leaves them uninitialized; here nothing of other data can show).
    // Unlike torch, other views of the old storage keep the old one.
    TENSORD_ASSIGN_OR_RETURN(Tensor flat, Zeros({needed / item}, self.dtype()));
    std::memcpy(flat.raw_data(), self.storage()->data(),
                self.storage()->nbytes());
    TENSORD_ASSIGN_OR_RETURN(
        out, MakeView(flat, sizes, strides, self.storage_offset()));
    out.impl()->view_base = nullptr;
    out.impl()->version = self.impl()->version;
  }
  TensorImpl* o = out.impl();
  const TensorImpl* s = self.impl();
  o->retains_grad = s->retains_grad;
  o->grad = s->grad;
  if (Transaction* txn = Transaction::Current()) {
    txn->OnRollback(
        [counter = s->version, v = self.version()] { counter->version = v; });
  }
  out.bump_version();
  return out;
}

}  // namespace tensord
