// In-place ops: the shared path of every in-place op (Inplace: autograd's
// checks, the write into self, the version bump, the undo record and the
// rebase of self's history) and add_, sub_, mul_, div_, fill_, zero_,
// copy_.
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord {

// ---------------------------------------------------------------------------
// in place
//
// Every in-place op computes the new value as an out-of-place op of the old
// self (and its other inputs), with history; writes it into self's storage;
// and rebases self's history onto that result. When self is a view, the
// base gets torch's CopySlices node and self becomes a strided view of it.

namespace {

// Start and one-past-end element offsets that `t` touches in its storage.
std::pair<int64_t, int64_t> MemoryRange(const Tensor& t) {
  int64_t lo = t.storage_offset(), hi = t.storage_offset();
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) == 0) return {0, 0};
    const int64_t span = (t.size(d) - 1) * t.strides()[d];
    if (span < 0)
      lo += span;
    else
      hi += span;
  }
  return {lo, hi + 1};
}

// torch refuses an in-place op whose input partly overlaps the output.
absl::Status CheckNoPartialOverlap(const Tensor& self, const Tensor& other) {
  if (!other.defined() || other.storage() != self.storage()) {
    return absl::OkStatus();
  }
  if (other.storage_offset() == self.storage_offset() &&
      other.sizes() == self.sizes() && other.strides() == self.strides()) {
    return absl::OkStatus();  // the very same elements (x.add_(x))
  }
  auto [a0, a1] = MemoryRange(self);
  auto [b0, b1] = MemoryRange(other);
  if (a0 < b1 && b0 < a1) {
    return absl::InvalidArgumentError(
        "unsupported operation: some elements of the input tensor and the "
        "written-to tensor refer to a single memory location. Please clone() "
        "the tensor before performing the operation.");
  }
  return absl::OkStatus();
}

// A view of the contiguous tensor `t` (shaped like a view's base) with the
// geometry a view has relative to its base.
StatusOrTensor RegionOf(const Tensor& t, const Shape& sizes,
                        const Shape& strides, int64_t offset) {
  return MakeView(t, sizes, strides, t.storage_offset() + offset);
}

// Rewires autograd after `self` was overwritten with `result`.
absl::Status RebaseHistory(const Tensor& self, const Tensor& result) {
  if (!GradEnabled() || !result.requires_grad()) return absl::OkStatus();
  const std::shared_ptr<TensorImpl> base_impl = self.impl()->view_base;
  if (!base_impl) {
    self.impl()->grad_fn = result.impl()->grad_fn;
    self.impl()->output_nr = result.impl()->output_nr;
    return absl::OkStatus();
  }
  Tensor base(base_impl);
  const Shape sizes = self.sizes();
  const Shape strides = self.strides();
  const int64_t offset = self.storage_offset() - base.storage_offset();
  // CopySlices: outside the view the gradient flows to the base's old
  // history, inside it to the in-place op's result.
  auto copy_slices = MakeNode<Node>(
      "CopySlices",
      std::vector<Edge>{GradientEdge(base), GradientEdge(result)});
  copy_slices->output_shapes = {base.sizes()};
  copy_slices->output_dtypes = {GradDType(base.dtype())};
  copy_slices->set_backward(
      [sizes, strides, offset](Node& n,
                               const GradList& g) -> absl::StatusOr<GradList> {
        GradList r(2);
        {
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(r[0], Clone(g[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                   RegionOf(r[0], sizes, strides, offset));
          TENSORD_ASSIGN_OR_RETURN(r[1], Clone(region));
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(region));
          CopyConvert(zero, region);
        }
        // With create_graph: the transpose puts the inside gradient back
        // into the region of the rest's.
        return LinearInGradMulti(
            n, g[0], std::move(r),
            [sizes, strides, offset](const GradList& gg) -> StatusOrTensor {
              TENSORD_ASSIGN_OR_RETURN(Tensor out, Clone(gg[0]));
              TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                       RegionOf(out, sizes, strides, offset));
              CopyConvert(gg[1], region);
              return out;
            });
      });
  copy_slices->twice_differentiable = true;
  base_impl->grad_fn = copy_slices;
  base_impl->output_nr = 0;
  // self now reads its values out of the new base.
  auto as_strided = MakeNode<Node>("AsStridedBackward0",
                                   std::vector<Edge>{Edge{copy_slices, 0}});
  as_strided->output_shapes = {sizes};
  as_strided->output_dtypes = {GradDType(self.dtype())};
  as_strided->set_backward(
      [base_sizes = base.sizes(), dt = base.dtype(), sizes, strides, offset](
          Node& n, const GradList& g) -> absl::StatusOr<GradList> {
        Tensor z;
        {
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(z, Zeros(base_sizes, dt));
          TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                   RegionOf(z, sizes, strides, offset));
          CopyConvert(g[0], region);
        }
        // With create_graph: the transpose reads the region back.
        return LinearInGradMulti(
            n, g[0], GradList{z},
            [sizes, strides, offset](const GradList& gg) -> StatusOrTensor {
              TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(gg[0]));
              TENSORD_ASSIGN_OR_RETURN(Tensor region,
                                       RegionOf(c, sizes, strides, offset));
              return Clone(region);
            });
      });
  as_strided->twice_differentiable = true;
  self.impl()->grad_fn = as_strided;
  self.impl()->output_nr = 0;
  return absl::OkStatus();
}

// True when `result` (the new value of `self`, same dtype and shape) can
// give self its bytes instead of being copied in: both cover the whole of
// their storages, contiguously, and nothing but `result` sees its storage
// (no view of it, no saved output), so exchanging the two storages' bytes
// leaves `result` holding self's old value and changes nothing else.
// Views of self see the new value as after a copy: self covers its
// storage.
bool CanTakeBytes(const Tensor& self, const Tensor& result) {
  const std::shared_ptr<Storage>& mine = self.storage();
  const std::shared_ptr<Storage>& theirs = result.storage();
  const int64_t n = self.nbytes();
  return n > 0 && mine != theirs && self.dtype() == result.dtype() &&
         self.sizes() == result.sizes() && self.storage_offset() == 0 &&
         result.storage_offset() == 0 && self.is_contiguous() &&
         result.is_contiguous() && mine->nbytes() == static_cast<size_t>(n) &&
         theirs->nbytes() == static_cast<size_t>(n) &&
         theirs.use_count() == 1 && result.impl_ptr().use_count() == 1;
}

}  // namespace

StatusOrTensor Inplace(const Tensor& self,
                       const std::vector<const Tensor*>& others,
                       const std::function<StatusOrTensor()>& compute,
                       bool same_value_everywhere) {
  TENSORD_RETURN_IF_ERROR(CheckInplace(self));
  // torch's assert_no_internal_overlap: an expanded tensor would take the
  // last of several values written to one element.
  for (int64_t d = 0; d < self.dim() && !same_value_everywhere; ++d) {
    if (self.size(d) > 1 && self.strides()[d] == 0) {
      return absl::InvalidArgumentError(
          "unsupported operation: more than one element of the written-to "
          "tensor refers to a single memory location. Please clone() the "
          "tensor before performing the operation.");
    }
  }
  for (const Tensor* o : others) {
    TENSORD_RETURN_IF_ERROR(CheckNoPartialOverlap(self, *o));
  }
  const auto& base_impl = self.impl()->view_base;
  if (GradEnabled() && base_impl && self.requires_grad() &&
      self.impl()->multi_view_index >= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Output ", self.impl()->multi_view_index, " of ",
        self.impl()->multi_view_fn,
        " is a view and is being modified inplace. This view is the output "
        "of a function that returns multiple views. Such functions do not "
        "allow the output views to be modified inplace. You should replace "
        "the inplace operation by an out-of-place one."));
  }
  if (GradEnabled() && base_impl) {
    Tensor base(base_impl);
    bool track = base.requires_grad();
    for (const Tensor* o : others) track |= o->requires_grad();
    if (base.requires_grad() && !self.requires_grad()) {
      return absl::FailedPreconditionError(
          "A view was created in no_grad mode and is being modified inplace "
          "with grad mode enabled. Given that this use case is ambiguous and "
          "error-prone, it is forbidden. You can clarify your code by moving "
          "both the view and the inplace either both inside the no_grad block "
          "(if you don't want the inplace to be tracked) or both outside (if "
          "you want the inplace to be tracked).");
    }
    if (track && !base.is_contiguous()) {
      return absl::UnimplementedError(
          "in-place modification of a view of a non-contiguous tensor that "
          "requires grad is not supported by tensord; use .contiguous() or "
          "an out-of-place op");
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor result, compute());
  if (result.sizes() != self.sizes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output with shape ", ShapeToString(self.sizes()),
        " doesn't match the broadcast shape ", ShapeToString(result.sizes())));
  }
  if (result.dtype() != self.dtype()) {
    TENSORD_ASSIGN_OR_RETURN(result, To(result, self.dtype()));
  }
  // Without a copy when result can hand over its bytes (then result holds
  // self's old value, which is what an undo needs); else copied in.
  const bool swapped = CanTakeBytes(self, result) &&
                       self.storage()->SwapBytes(*result.storage());
  if (Transaction* txn = Transaction::Current()) {
    // Enough to put self (and its base's history) back as it was.
    NoGradGuard ng;
    Tensor old_values = result;
    if (!swapped) {
      TENSORD_ASSIGN_OR_RETURN(old_values, Clone(self));
    }
    TensorImpl* impl = self.impl();
    std::shared_ptr<TensorImpl> base = impl->view_base;
    txn->OnRollback([self, old_values, swapped, version = self.version(),
                     fn = impl->grad_fn, nr = impl->output_nr, base,
                     base_fn = base ? base->grad_fn : nullptr,
                     base_nr = base ? base->output_nr : 0] {
      if (swapped) {
        self.storage()->SwapBytes(*old_values.storage());
      } else {
        CopyConvert(old_values, self);
      }
      self.impl()->version->version = version;
      self.impl()->grad_fn = fn;
      self.impl()->output_nr = nr;
      if (base) {
        base->grad_fn = base_fn;
        base->output_nr = base_nr;
      }
    });
  }
  if (!swapped) CopyConvert(result, self);
  Tensor s = self;
  s.bump_version();
  TENSORD_RETURN_IF_ERROR(RebaseHistory(self, result));
  return self;
}

namespace {

// add_/sub_/mul_/div_: the broadcast result must have self's shape and a
// dtype self can hold.
StatusOrTensor InplaceBinary(const Tensor& self, const Tensor& other,
                             const std::function<StatusOrTensor()>& compute) {
  TENSORD_ASSIGN_OR_RETURN(Shape shape,
                           BroadcastShapes(self.sizes(), other.sizes()));
  if (shape != self.sizes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output with shape ", ShapeToString(self.sizes()),
        " doesn't match the broadcast shape ", ShapeToString(shape)));
  }
  const DType rt = ResultType({&self, &other});
  if (Category(rt) > Category(self.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("result type ", DTypeShortName(rt),
                     " can't be cast to the desired output type ",
                     DTypeShortName(self.dtype())));
  }
  return Inplace(self, {&other}, compute);
}

// The derivative of mul_/div_ with respect to `other` needs self's value
// from before the change: compute on a copy then (as torch's codegen does).
Tensor OriginalSelf(const Tensor& self, const Tensor& other) {
  if (GradEnabled() && other.requires_grad()) {
    auto c = Clone(self);
    if (c.ok()) return *c;
  }
  return self;
}

// A constant new value (fill_/zero_): gradient zero to the old self.
StatusOrTensor Constant(const Tensor& self, const Scalar& value,
                        const char* name) {
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Full(self.sizes(), value, self.dtype()));
  if (auto node = RecordOp(name, {&self}, {&r})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor z, ZerosLike(g[0]));
          return GradList{z};
        });
  }
  return r;
}

}  // namespace

StatusOrTensor AddInplace(const Tensor& self, const Tensor& other,
                          const Scalar& alpha) {
  return InplaceBinary(self, other, [&] { return Add(self, other, alpha); });
}

StatusOrTensor SubInplace(const Tensor& self, const Tensor& other,
                          const Scalar& alpha) {
  return InplaceBinary(self, other, [&] { return Sub(self, other, alpha); });
}

StatusOrTensor MulInplace(const Tensor& self, const Tensor& other) {
  return InplaceBinary(self, other,
                       [&] { return Mul(OriginalSelf(self, other), other); });
}

StatusOrTensor DivInplace(const Tensor& self, const Tensor& other) {
  if (!IsDifferentiable(self.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "result type Float can't be cast to the desired output type ",
        DTypeShortName(self.dtype())));
  }
  return InplaceBinary(self, other,
                       [&] { return Div(OriginalSelf(self, other), other); });
}

StatusOrTensor FillInplace(const Tensor& self, const Scalar& value) {
  return Inplace(
      self, {}, [&] { return Constant(self, value, "FillBackward0"); },
      /*same_value_everywhere=*/true);
}

StatusOrTensor ZeroInplace(const Tensor& self) {
  return Inplace(
      self, {},
      [&] { return Constant(self, Scalar(int64_t{0}), "ZeroBackward0"); },
      /*same_value_everywhere=*/true);
}

StatusOrTensor CopyInplace(const Tensor& self, const Tensor& src) {
  TENSORD_ASSIGN_OR_RETURN(Shape shape,
                           BroadcastShapes(self.sizes(), src.sizes()));
  if (shape != self.sizes()) {
    return absl::InvalidArgumentError(
        absl::StrCat("The size of tensor a (",
                     self.sizes().empty() ? 1 : self.sizes().back(),
                     ") must match the size of tensor b (",
                     src.sizes().empty() ? 1 : src.sizes().back(),
                     ") at non-singleton dimension ", self.dim() - 1));
  }
  return Inplace(self, {&src}, [&]() -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Empty(self.sizes(), self.dtype()));
    CopyConvert(src, r);
    if (auto node = RecordOp("CopyBackwards", {&self, &src}, {&r})) {
      node->set_backward(
          [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
            TENSORD_ASSIGN_OR_RETURN(Tensor z, ZerosLike(g[0]));
            return GradList{z, g[0]};
          });
    }
    return r;
  });
}

}  // namespace tensord
