// Writing one tensor into a part of another: select_scatter, slice_scatter,
// diagonal_scatter (src into a view of a copy of self), masked_scatter (src's
// leading elements where a mask is True), put (src at flat indices, or added
// there) and fill_diagonal_ (a value along the main diagonal, in place).
//
// Each forward works on a fresh contiguous copy under no_grad and records
// one node named as torch's grad_fn; the backward is made of differentiable
// ops (the op itself, select/slice/diagonal, take, masked_select), as in
// torch's derivatives.yaml, so second derivatives work too.
//
//   select_scatter(zeros(3, 4), ones(4), 0, 1)  // row 1 all ones
//   put(zeros(2, 3), tensor([1, 1]), tensor([5., 6.]), true)  // [0][1] == 11
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

using ViewFn = std::function<StatusOrTensor(const Tensor&)>;

// self with src copied into view(self), as a new contiguous tensor of
// self's dtype; node `name` sends the gradient inside the view to src and
// the rest to self.
StatusOrTensor ViewScatter(const char* name, const Tensor& self,
                           const Tensor& src, const ViewFn& view) {
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, Empty(self.sizes(), self.dtype()));
    CopyConvert(self, out);
    TENSORD_ASSIGN_OR_RETURN(Tensor region, view(out));
    if (region.sizes() != src.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "expected src to have a size equal to the slice of self. src size = ",
          ShapeToString(src.sizes()),
          ", slice size = ", ShapeToString(region.sizes())));
    }
    CopyConvert(src, region);
  }
  if (!IsDifferentiable(out.dtype())) return out;
  if (auto node = RecordOp(name, {&self, &src}, {&out})) {
    node->set_backward(
        [name, view, src_dtype = src.dtype()](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          if (!g[0].defined()) return GradList{Tensor(), Tensor()};
          TENSORD_ASSIGN_OR_RETURN(Tensor inside, view(g[0]));
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(inside));
          TENSORD_ASSIGN_OR_RETURN(Tensor rest,
                                   ViewScatter(name, g[0], zero, view));
          if (!IsDifferentiable(src_dtype)) return GradList{rest, Tensor()};
          if (inside.dtype() != src_dtype) {
            TENSORD_ASSIGN_OR_RETURN(inside, To(inside, src_dtype));
          }
          return GradList{rest, inside};
        });
  }
  return out;
}

// The mask as bool (torch 1.13 also takes other dtypes: nonzero is True).
StatusOrTensor AsBoolMask(const Tensor& mask) {
  if (mask.dtype() == DType::kBool) return mask.detach();
  NoGradGuard ng;
  return Ne(mask.detach(), ScalarTensor(Scalar(int64_t{0}), mask.dtype()));
}

// The `size` elements t[row + i, i, i, ...] (a view; AsStridedBackward0).
StatusOrTensor DiagonalView(const Tensor& t, int64_t row, int64_t size) {
  int64_t stride = 0;
  for (int64_t s : t.strides()) stride += s;
  TENSORD_ASSIGN_OR_RETURN(
      Tensor out,
      MakeView(t, {size}, {stride}, t.storage_offset() + row * t.strides()[0]));
  if (auto node = RecordOp("AsStridedBackward0", {&t}, {&out})) {
    node->set_backward(
        [shape = t.sizes(), dt = t.dtype(), row, size](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(shape, dt));
          TENSORD_ASSIGN_OR_RETURN(Tensor region, DiagonalView(z, row, size));
          CopyConvert(g[0], region);
          return GradList{z};
        });
  }
  return out;
}

// torch's refusal to write in place into a tensor whose elements share
// memory (a stride of 0 over more than one element: an expanded tensor).
absl::Status CheckNoInternalOverlap(const Tensor& t) {
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) > 1 && t.strides()[d] == 0) {
      return absl::InvalidArgumentError(
          "unsupported operation: more than one element of the written-to "
          "tensor refers to a single memory location. Please clone() the "
          "tensor before performing the operation.");
    }
  }
  return absl::OkStatus();
}

}  // namespace

StatusOrTensor SelectScatter(const Tensor& self, const Tensor& src, int64_t dim,
                             int64_t index) {
  if (self.dim() == 0) {
    return IndexError("select() cannot be applied to a 0-dim tensor.");
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, self.dim()));
  const int64_t size = self.size(d);
  if (index < -size || index >= size) {
    return IndexError(absl::StrCat(
        "select(): index ", index, " out of range for tensor of size ",
        ShapeToString(self.sizes()), " at dimension ", d));
  }
  return ViewScatter(
      "SelectScatterBackward0", self, src,
      [d, index](const Tensor& t) { return Select(t, d, index); });
}

StatusOrTensor SliceScatter(const Tensor& self, const Tensor& src, int64_t dim,
                            std::optional<int64_t> start,
                            std::optional<int64_t> end, int64_t step) {
  if (self.dim() == 0) {
    return IndexError("slice() cannot be applied to a 0-dim tensor.");
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, self.dim()));
  if (step <= 0) {
    return absl::InvalidArgumentError("slice step must be positive");
  }
  return ViewScatter("SliceScatterBackward0", self, src,
                     [d, start, end, step](const Tensor& t) {
                       return Slice(t, d, start, end, step);
                     });
}

StatusOrTensor DiagonalScatter(const Tensor& self, const Tensor& src,
                               int64_t offset, int64_t dim1, int64_t dim2) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d1, WrapDim(dim1, self.dim()));
  TENSORD_ASSIGN_OR_RETURN(int64_t d2, WrapDim(dim2, self.dim()));
  if (d1 == d2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "diagonal dimensions cannot be identical ", dim1, ", ", dim2));
  }
  return ViewScatter("DiagonalScatterBackward0", self, src,
                     [offset, d1, d2](const Tensor& t) {
                       return Diagonal(t, offset, d1, d2);
                     });
}

StatusOrTensor MaskedScatter(const Tensor& self, const Tensor& mask,
                             const Tensor& source) {
  if (self.dtype() != source.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "masked_scatter: expected self and source to have same dtypes but got",
        DTypeShortName(self.dtype()), " and ", DTypeShortName(source.dtype())));
  }
  TENSORD_ASSIGN_OR_RETURN(Shape b,
                           BroadcastShapes(mask.sizes(), self.sizes()));
  const DimList bl(b.begin(), b.end());
  Tensor out, m;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor bm, AsBoolMask(mask));
    TENSORD_ASSIGN_OR_RETURN(Tensor me, Expand(bm, bl));
    TENSORD_ASSIGN_OR_RETURN(m, Contiguous(me));
    int64_t n = 0;
    const bool* p = m.data<bool>();
    for (int64_t k = 0; k < m.numel(); ++k) n += p[k] ? 1 : 0;
    if (n > source.numel()) {
      return absl::InvalidArgumentError(
          "Number of elements of source < number of ones in mask");
    }
    TENSORD_ASSIGN_OR_RETURN(out, Empty(b, self.dtype()));
    CopyConvert(self, out);
    if (n > 0) {
      TENSORD_ASSIGN_OR_RETURN(Tensor flat_src, Reshape(source.detach(), {-1}));
      TENSORD_ASSIGN_OR_RETURN(Tensor head,
                               Slice(flat_src, 0, int64_t{0}, n, 1));
      Tensor out_1d = out, m_1d = m;
      if (b.empty()) {
        TENSORD_ASSIGN_OR_RETURN(out_1d, Reshape(out, {1}));
        TENSORD_ASSIGN_OR_RETURN(m_1d, Reshape(m, {1}));
      }
      TENSORD_RETURN_IF_ERROR(IndexPutAdvanced(
          out_1d, {IndexItem::TensorPlace()}, {m_1d}, head, false));
    }
  }
  if (!IsDifferentiable(out.dtype())) return out;
  if (auto node =
          RecordOp("MaskedScatterBackward0", {&self, &source}, {&out})) {
    node->set_backward(
        [m, src_shape = source.sizes()](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          if (!g[0].defined()) return GradList{Tensor(), Tensor()};
          const Tensor zero = ScalarTensor(Scalar(int64_t{0}), g[0].dtype());
          TENSORD_ASSIGN_OR_RETURN(Tensor rest, MaskedFill(g[0], m, zero));
          TENSORD_ASSIGN_OR_RETURN(Tensor picked, MaskedSelect(g[0], m));
          int64_t numel = 1;
          for (int64_t s : src_shape) numel *= s;
          TENSORD_ASSIGN_OR_RETURN(
              Tensor pad, Zeros({numel - picked.numel()}, g[0].dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor all, Cat({picked, pad}, 0));
          TENSORD_ASSIGN_OR_RETURN(
              Tensor src_grad,
              Reshape(all, DimList(src_shape.begin(), src_shape.end())));
          return GradList{rest, src_grad};
        });
  }
  return out;
}

StatusOrTensor MaskedScatterInplace(const Tensor& self, const Tensor& mask,
                                    const Tensor& source) {
  if (mask.dim() > self.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expand(CPUBoolType{", ShapeToString(mask.sizes()),
        "}, size=", ShapeToString(self.sizes()),
        "): the number of sizes provided (", self.dim(),
        ") must be greater or equal to the number of dimensions in the tensor "
        "(",
        mask.dim(), ")"));
  }
  for (int64_t i = 0; i < mask.dim(); ++i) {
    const int64_t d = self.dim() - mask.dim() + i;
    if (mask.size(i) != 1 && mask.size(i) != self.size(d)) {
      return absl::InvalidArgumentError(
          absl::StrCat("The expanded size of the tensor (", self.size(d),
                       ") must match the existing size (", mask.size(i),
                       ") at non-singleton dimension ", d,
                       ".  Target sizes: ", ShapeToString(self.sizes()),
                       ".  Tensor sizes: ", ShapeToString(mask.sizes())));
    }
  }
  TENSORD_RETURN_IF_ERROR(CheckNoInternalOverlap(self));
  return Inplace(self, {&mask, &source},
                 [&] { return MaskedScatter(self, mask, source); });
}

StatusOrTensor Put(const Tensor& self, const Tensor& index,
                   const Tensor& source, bool accumulate) {
  if (index.dtype() != DType::kInt64) {
    return absl::InvalidArgumentError(
        absl::StrCat("put_(): Expected a long tensor for index, but got ",
                     DTypeShortName(index.dtype())));
  }
  if (self.dtype() != source.dtype()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "put_(): self and source expected to have the same dtype, but got "
        "self.dtype = ",
        DTypeShortName(self.dtype()),
        " and source.dtype = ", DTypeShortName(source.dtype())));
  }
  if (index.numel() != source.numel()) {
    return IndexError(absl::StrCat(
        "put_(): Expected source and index to have the same number of "
        "elements, but got source.numel() = ",
        source.numel(), ", index.numel() = ", index.numel()));
  }
  const int64_t n = self.numel();
  if (n == 0 && index.numel() > 0) {
    return IndexError("put_(): Tried to put elements into an empty tensor");
  }
  Tensor out, idx;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(idx, Contiguous(index.detach()));
    const int64_t* p = idx.data<int64_t>();
    for (int64_t k = 0; k < idx.numel(); ++k) {
      if (p[k] < -n || p[k] >= n) {
        return IndexError(absl::StrCat("out of range: tried to access index ",
                                       p[k], " on a tensor of ", n,
                                       " elements."));
      }
    }
    TENSORD_ASSIGN_OR_RETURN(idx, Reshape(idx, {-1}));
    TENSORD_ASSIGN_OR_RETURN(out, Empty(self.sizes(), self.dtype()));
    CopyConvert(self, out);
    if (idx.numel() > 0) {
      TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(out, {-1}));
      TENSORD_ASSIGN_OR_RETURN(Tensor src, Reshape(source.detach(), {-1}));
      TENSORD_RETURN_IF_ERROR(IndexPutAdvanced(flat, {IndexItem::TensorPlace()},
                                               {idx}, src, accumulate));
    }
  }
  if (!IsDifferentiable(out.dtype())) return out;
  if (auto node = RecordOp("PutBackward0", {&self, &source}, {&out})) {
    node->set_backward(
        [idx, accumulate, src_shape = source.sizes()](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          if (!g[0].defined()) return GradList{Tensor(), Tensor()};
          Tensor rest = g[0];
          if (!accumulate) {
            TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(src_shape, g[0].dtype()));
            TENSORD_ASSIGN_OR_RETURN(rest, Put(g[0], idx, z, false));
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor taken, Take(g[0], idx));
          TENSORD_ASSIGN_OR_RETURN(
              Tensor src_grad,
              Reshape(taken, DimList(src_shape.begin(), src_shape.end())));
          return GradList{rest, src_grad};
        });
  }
  return out;
}

StatusOrTensor PutInplace(const Tensor& self, const Tensor& index,
                          const Tensor& source, bool accumulate) {
  TENSORD_RETURN_IF_ERROR(CheckNoInternalOverlap(self));
  return Inplace(self, {&index, &source},
                 [&] { return Put(self, index, source, accumulate); });
}

StatusOrTensor FillDiagonalInplace(const Tensor& self, const Scalar& value,
                                   bool wrap) {
  const int64_t nd = self.dim();
  if (nd < 2) {
    return absl::InvalidArgumentError("dimensions must larger than 1");
  }
  const int64_t height = self.size(0);
  const int64_t width = self.size(1);
  for (int64_t i = 1; i < nd && nd > 2; ++i) {
    if (self.size(i) != height) {
      return absl::InvalidArgumentError(
          "all dimensions of input must be of equal length");
    }
  }
  // As torch: the diagonal is the view with the strides' sum as its stride
  // (and, wrapping a tall matrix, the same again below each square block),
  // filled in place (CopySlices on self).
  const int64_t size = std::min(height, width);
  TENSORD_ASSIGN_OR_RETURN(Tensor diag, DiagonalView(self, 0, size));
  TENSORD_RETURN_IF_ERROR(FillInplace(diag, value).status());
  if (wrap && nd == 2 && height > width + 1) {
    const int64_t step = width + 1;
    const int64_t wrap_size = (self.numel() + step - 1) / step - size;
    TENSORD_ASSIGN_OR_RETURN(Tensor more,
                             DiagonalView(self, width + 1, wrap_size));
    TENSORD_RETURN_IF_ERROR(FillInplace(more, value).status());
  }
  return self;
}

}  // namespace tensord
