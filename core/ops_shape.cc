// Shape ops: views (reshape/view/transpose/permute/expand/squeeze/
// unsqueeze/select/slice), cat, stack, clone, indexing — with derivatives.
#include <numeric>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

absl::StatusOr<int64_t> WrapDim(int64_t dim, int64_t ndim) {
  const int64_t n = ndim == 0 ? 1 : ndim;
  if (dim < -n || dim >= n) {
    return IndexError(
        absl::StrCat("Dimension out of range (expected to be in range of [", -n,
                     ", ", n - 1, "], but got ", dim, ")"));
  }
  return dim < 0 ? dim + n : dim;
}

namespace {

Shape ToShape(const DimList& d) { return Shape(d.begin(), d.end()); }

// Resolves one -1 in `shape` against numel (torch's infer_size), in
// overflow-checked arithmetic.
absl::StatusOr<Shape> InferSize(const DimList& shape, int64_t numel) {
  Shape out = ToShape(shape);
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (infer >= 0)
        return absl::InvalidArgumentError("only one dimension can be inferred");
      infer = static_cast<int>(i);
    } else if (out[i] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid shape dimension ", out[i]));
    } else if (__builtin_mul_overflow(known, out[i], &known)) {
      return absl::InvalidArgumentError(
          "numel: integer multiplication overflow");
    }
  }
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("shape '", ShapeToString(ToShape(shape)),
                     "' is invalid for input of size ", numel));
  };
  if (infer >= 0) {
    if (known == 0 || numel % known != 0) return invalid();
    out[infer] = numel / known;
  } else if (known != numel) {
    return invalid();
  }
  return out;
}

// a * b, or nullopt if it does not fit in int64.
std::optional<int64_t> MulOrNone(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// torch's computeStride: strides for viewing (sizes, strides) as `shape`
// without copying, or nullopt if impossible.
std::optional<Shape> ViewStrides(const Shape& old_sz, const Shape& old_st,
                                 const Shape& shape) {
  Shape new_st(shape.size(), 0);
  if (old_sz.empty()) {
    std::fill(new_st.begin(), new_st.end(), 1);
    return new_st;
  }
  int64_t numel = 1;
  for (int64_t s : old_sz) numel *= s;
  if (numel == 0) {
    if (old_sz == shape) return old_st;
    return ContiguousStrides(shape);
  }
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_st.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(old_sz.size()) - 1; d >= 0; --d) {
    tensor_numel *= old_sz[d];
    // Strides of size-1 dims may be anything (up to 2^63 - 1): products
    // that do not fit int64 match no stride and make no view.
    if (d == 0 ||
        (old_sz[d - 1] != 1 &&
         MulOrNone(tensor_numel, chunk_base_stride) != old_st[d - 1])) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        auto st = MulOrNone(view_numel, chunk_base_stride);
        if (!st) return std::nullopt;
        new_st[view_d] = *st;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_st[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return new_st;
}

// Records a view node whose backward is `fn`.
void RecordView(const char* name, const Tensor& in, Tensor& out,
                Node::BackwardFn fn) {
  if (auto node = RecordOp(name, {&in}, {&out})) {
    node->set_backward(std::move(fn));
  }
}

// Records a view node whose backward reshapes the gradient back to the
// shape of `in`.
void RecordReshapeView(const char* name, const Tensor& in, Tensor& out) {
  if (auto node = RecordOp(name, {&in}, {&out})) {
    node->set_backward([in_shape = in.sizes()](
                           Node&,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(
          Tensor r, Reshape(g[0], DimList(in_shape.begin(), in_shape.end())));
      return GradList{r};
    });
  }
}

}  // namespace

StatusOrTensor View(const Tensor& t, const DimList& shape) {
  TENSORD_ASSIGN_OR_RETURN(Shape sz, InferSize(shape, t.numel()));
  auto st = ViewStrides(t.sizes(), t.strides(), sz);
  if (!st) {
    return absl::InvalidArgumentError(
        "view size is not compatible with input tensor's size and stride (at "
        "least one dimension spans across two contiguous subspaces). Use "
        ".reshape(...) instead.");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           MakeView(t, sz, *st, t.storage_offset()));
  RecordReshapeView("ViewBackward0", t, out);
  return out;
}

StatusOrTensor Reshape(const Tensor& t, const DimList& shape) {
  TENSORD_ASSIGN_OR_RETURN(Shape sz, InferSize(shape, t.numel()));
  if (auto st = ViewStrides(t.sizes(), t.strides(), sz)) {
    TENSORD_ASSIGN_OR_RETURN(Tensor out,
                             MakeView(t, sz, *st, t.storage_offset()));
    RecordReshapeView("ReshapeAliasBackward0", t, out);
    return out;
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Clone(t));
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           MakeView(c, sz, ContiguousStrides(sz), 0));
  out.impl()->view_base = nullptr;  // the clone is private: not a view
  RecordReshapeView("UnsafeViewBackward0", c, out);
  return out;
}

StatusOrTensor Flatten(const Tensor& t, int64_t start_dim, int64_t end_dim) {
  if (t.dim() == 0) return Reshape(t, {1});
  TENSORD_ASSIGN_OR_RETURN(int64_t s, WrapDim(start_dim, t.dim()));
  TENSORD_ASSIGN_OR_RETURN(int64_t e, WrapDim(end_dim, t.dim()));
  if (s > e) {
    return absl::InvalidArgumentError(
        "flatten() has invalid args: start_dim cannot come after end_dim");
  }
  if (s == e) return t;
  DimList shape;
  for (int64_t d = 0; d < s; ++d) shape.push_back(t.size(d));
  int64_t m = 1;
  for (int64_t d = s; d <= e; ++d) m *= t.size(d);
  shape.push_back(m);
  for (int64_t d = e + 1; d < t.dim(); ++d) shape.push_back(t.size(d));
  return Reshape(t, shape);
}

StatusOrTensor Squeeze(const Tensor& t) {
  Shape sz, st;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (t.size(d) != 1) {
      sz.push_back(t.size(d));
      st.push_back(t.strides()[d]);
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, t.storage_offset()));
  RecordReshapeView("SqueezeBackward0", t, out);
  return out;
}

StatusOrTensor Squeeze(const Tensor& t, int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  Shape sz = t.sizes(), st = t.strides();
  if (t.dim() > 0 && sz[d] == 1) {
    sz.erase(sz.begin() + d);
    st.erase(st.begin() + d);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, t.storage_offset()));
  RecordReshapeView("SqueezeBackward1", t, out);
  return out;
}

StatusOrTensor Unsqueeze(const Tensor& t, int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim() + 1));
  Shape sz = t.sizes(), st = t.strides();
  // (A size-1 dim may have any stride: the product is only a hint then.)
  const int64_t stride =
      d < t.dim() ? MulOrNone(sz[d], st[d]).value_or(st[d]) : 1;
  sz.insert(sz.begin() + d, 1);
  st.insert(st.begin() + d, stride);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, t.storage_offset()));
  RecordReshapeView("UnsqueezeBackward0", t, out);
  return out;
}

StatusOrTensor UnfoldDim(const Tensor& t, int64_t dimension, int64_t size,
                         int64_t step) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dimension, std::max<int64_t>(t.dim(), 1)));
  const int64_t len = t.dim() == 0 ? 1 : t.size(d);
  if (size > len) {
    return absl::InvalidArgumentError(
        absl::StrCat("maximum size for tensor at dimension ", d, " is ", len,
                     " but size is ", size));
  }
  if (size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("size is ", size, " but must be >= 0"));
  }
  if (step <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("step is ", step, " but must be > 0"));
  }
  Shape sz = t.sizes(), st = t.strides();
  int64_t windows = 1;
  if (t.dim() == 0) {
    sz = {size};
    st = {1};
  } else {
    windows = (len - size) / step + 1;
    const int64_t sd = st[d];
    sz[d] = windows;
    // More than one window means step <= len - size: the product is
    // within the extent the input already spans.
    st[d] = windows > 1 ? MulOrNone(sd, step).value_or(sd) : sd;
    sz.push_back(size);
    st.push_back(sd);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, t.storage_offset()));
  if (auto node = RecordOp("UnfoldBackward0", {&t}, {&out})) {
    node->set_backward(
        [d, size, step, windows, shape = t.sizes()](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          // Each window's values go back to positions w * step + j (summed
          // where windows overlap).
          if (shape.empty()) {
            TENSORD_ASSIGN_OR_RETURN(Tensor r, Reshape(g[0], {}));
            return GradList{r};
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor gm, Movedim(g[0], {-1}, {d + 1}));
          DimList merged(shape.begin(), shape.end());
          merged[d] = windows * size;
          TENSORD_ASSIGN_OR_RETURN(Tensor gr, Reshape(gm, merged));
          // (The positions are a tensor, so the session's quota covers
          // them; the view's numel already bounds windows * size.)
          TENSORD_ASSIGN_OR_RETURN(Tensor idx,
                                   Empty({windows * size}, DType::kInt64));
          int64_t* pos = idx.data<int64_t>();
          for (int64_t w = 0; w < windows; ++w) {
            for (int64_t j = 0; j < size; ++j) *pos++ = w * step + j;
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(shape, g[0].dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor r,
                                   IndexAdd(z, d, idx, gr, Scalar(int64_t{1})));
          return GradList{r};
        });
  }
  return out;
}

namespace {
StatusOrTensor PermuteImpl(const Tensor& t, const DimList& dims,
                           const char* name) {
  if (static_cast<int64_t>(dims.size()) != t.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "permute(sparse_coo): number of dimensions in the tensor input does "
        "not match the length of the desired ordering of dimensions i.e. "
        "input.dim() = ",
        t.dim(), " is not equal to len(dims) = ", dims.size()));
  }
  Shape sz(t.dim()), st(t.dim());
  std::vector<bool> seen(t.dim(), false);
  DimList wrapped(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dims[i], t.dim()));
    if (seen[d])
      return absl::InvalidArgumentError(
          "permute(): duplicate dims are not allowed.");
    seen[d] = true;
    wrapped[i] = d;
    sz[i] = t.size(d);
    st[i] = t.strides()[d];
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, t.storage_offset()));
  if (auto node = RecordOp(name, {&t}, {&out})) {
    node->set_backward(
        [wrapped](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          DimList inv(wrapped.size());
          for (size_t i = 0; i < wrapped.size(); ++i)
            inv[wrapped[i]] = static_cast<int64_t>(i);
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Permute(g[0], inv));
          return GradList{r};
        });
  }
  return out;
}
}  // namespace

StatusOrTensor Permute(const Tensor& t, const DimList& dims) {
  return PermuteImpl(t, dims, "PermuteBackward0");
}

StatusOrTensor Transpose(const Tensor& t, int64_t dim0, int64_t dim1) {
  TENSORD_ASSIGN_OR_RETURN(int64_t a, WrapDim(dim0, t.dim()));
  TENSORD_ASSIGN_OR_RETURN(int64_t b, WrapDim(dim1, t.dim()));
  if (t.dim() == 0) return t;
  DimList dims(t.dim());
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[a], dims[b]);
  return PermuteImpl(t, dims, "TransposeBackward0");
}

StatusOrTensor T(const Tensor& t) {
  DimList dims(t.dim());
  std::iota(dims.rbegin(), dims.rend(), 0);
  return PermuteImpl(t, dims, "PermuteBackward0");
}

StatusOrTensor MatrixT(const Tensor& t) {
  if (t.dim() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("t() expects a tensor with <= 2 dimensions, but self is ",
                     t.dim(), "D"));
  }
  DimList dims(t.dim());
  std::iota(dims.rbegin(), dims.rend(), 0);
  return PermuteImpl(t, dims, "TBackward0");
}

StatusOrTensor Expand(const Tensor& t, const DimList& sizes) {
  const int64_t nd = static_cast<int64_t>(sizes.size());
  if (nd < t.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expand(torch.FloatTensor{", ShapeToString(t.sizes()), "}, size=",
        ShapeToString(ToShape(sizes)), "): the number of sizes provided (", nd,
        ") must be greater or equal to the number of dimensions in the tensor "
        "(",
        t.dim(), ")"));
  }
  Shape sz(nd), st(nd);
  for (int64_t i = nd - 1; i >= 0; --i) {
    const int64_t od = i - (nd - t.dim());
    if (od >= 0) {
      const int64_t cur = t.size(od);
      int64_t want = sizes[i] == -1 ? cur : sizes[i];
      if (cur != want && cur != 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("The expanded size of the tensor (", want,
                         ") must match the existing size (", cur,
                         ") at non-singleton dimension ", i,
                         ".  Target sizes: ", ShapeToString(ToShape(sizes)),
                         ".  Tensor sizes: ", ShapeToString(t.sizes())));
      }
      sz[i] = want;
      st[i] = cur == want ? t.strides()[od] : 0;
    } else {
      if (sizes[i] < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "The expanded size of the tensor (", sizes[i],
            ") isn't allowed in a leading, non-existing dimension ", i));
      }
      sz[i] = sizes[i];
      st[i] = 0;
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, t.storage_offset()));
  // Backward is the identity; the engine sums the gradient back down to
  // the input's shape (broadcasting's backward lives there).
  RecordView("ExpandBackward0", t, out,
             [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
               return GradList{g[0]};
             });
  return out;
}

StatusOrTensor Clone(const Tensor& t) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(t.sizes(), t.dtype()));
  CopyConvert(t, out);
  RecordView("CloneBackward0", t, out,
             [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
               return GradList{g[0]};
             });
  return out;
}

StatusOrTensor Contiguous(const Tensor& t) {
  if (t.is_contiguous()) return t;
  return Clone(t);
}

StatusOrTensor Cat(const std::vector<Tensor>& ts, int64_t dim) {
  if (ts.empty())
    return absl::InvalidArgumentError(
        "torch.cat(): expected a non-empty list of Tensors");
  // torch skips 1-d empty tensors ("legacy" behaviour).
  const Tensor* ref = nullptr;
  for (const Tensor& t : ts) {
    if (!(t.dim() == 1 && t.numel() == 0)) {
      ref = &t;
      break;
    }
  }
  if (ref == nullptr) ref = &ts[0];
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, ref->dim()));
  std::vector<const Tensor*> ptrs;  // the tensors that are concatenated
  std::vector<const Tensor*> all;   // every input, for autograd
  std::vector<int64_t> lens;        // per input; -1 for skipped empties
  int64_t total = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    all.push_back(&t);
    if (t.dim() == 1 && t.numel() == 0 && ref->dim() != 1) {
      lens.push_back(-1);
      continue;
    }
    if (t.dim() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("zero-dimensional tensor (at position ", i,
                       ") cannot be concatenated"));
    }
    if (t.dim() != ref->dim()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Tensors must have same number of dimensions: got ",
                       ref->dim(), " and ", t.dim()));
    }
    for (int64_t k = 0; k < t.dim(); ++k) {
      if (k != d && t.size(k) != ref->size(k)) {
        return absl::InvalidArgumentError(
            absl::StrCat("Sizes of tensors must match except in dimension ", d,
                         ". Expected size ", ref->size(k), " but got size ",
                         t.size(k), " for tensor number ", i, " in the list."));
      }
    }
    lens.push_back(t.size(d));
    if (__builtin_add_overflow(total, t.size(d), &total)) {
      return absl::InvalidArgumentError(
          "numel: integer multiplication overflow");
    }
    ptrs.push_back(&t);
  }
  const DType dt = ResultType(ptrs);
  Shape sz = ref->sizes();
  sz[d] = total;
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(sz, dt));
  int64_t pos = 0;
  for (const Tensor* t : ptrs) {
    Shape off_sz = sz;
    off_sz[d] = t->size(d);
    TENSORD_ASSIGN_OR_RETURN(Tensor dst, MakeView(out, off_sz, out.strides(),
                                                  pos * out.strides()[d]));
    CopyConvert(*t, dst);
    pos += t->size(d);
  }
  if (auto node = RecordOp("CatBackward0", all, {&out})) {
    node->set_backward(
        [lens, d](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          GradList r;
          int64_t p = 0;
          for (size_t i = 0; i < lens.size(); ++i) {
            if (lens[i] < 0) {  // a skipped empty input gets an empty grad
              TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros({0}, g[0].dtype()));
              r.push_back(z);
              continue;
            }
            TENSORD_ASSIGN_OR_RETURN(Tensor s,
                                     Slice(g[0], d, p, p + lens[i], 1));
            r.push_back(s);
            p += lens[i];
          }
          return r;
        });
  }
  return out;
}

StatusOrTensor Stack(const std::vector<Tensor>& ts, int64_t dim) {
  if (ts.empty())
    return absl::InvalidArgumentError("stack expects a non-empty TensorList");
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, ts[0].dim() + 1));
  for (size_t i = 1; i < ts.size(); ++i) {
    if (ts[i].sizes() != ts[0].sizes()) {
      return absl::InvalidArgumentError(
          absl::StrCat("stack expects each tensor to be equal size, but got ",
                       ShapeToString(ts[0].sizes()), " at entry 0 and ",
                       ShapeToString(ts[i].sizes()), " at entry ", i));
    }
  }
  std::vector<Tensor> parts;
  {
    NoGradGuard g;
    for (const Tensor& t : ts) {
      TENSORD_ASSIGN_OR_RETURN(Tensor u, Unsqueeze(t, d));
      parts.push_back(u);
    }
  }
  Tensor out;
  {
    NoGradGuard g;
    TENSORD_ASSIGN_OR_RETURN(out, Cat(parts, d));
  }
  std::vector<const Tensor*> ptrs;
  for (const Tensor& t : ts) ptrs.push_back(&t);
  if (auto node = RecordOp("StackBackward0", ptrs, {&out})) {
    node->set_backward(
        [d, count = static_cast<int64_t>(ts.size())](
            Node&, const GradList& g) -> absl::StatusOr<GradList> {
          GradList r;
          for (int64_t i = 0; i < count; ++i) {
            TENSORD_ASSIGN_OR_RETURN(Tensor s, Select(g[0], d, i));
            r.push_back(s);
          }
          return r;
        });
  }
  return out;
}

namespace {
// Backward of select/slice: a zero tensor of the input's shape with the
// gradient written into the selected region.
absl::StatusOr<Tensor> ScatterBack(
    const Shape& in_shape, DType dt, const Tensor& g,
    const std::function<StatusOrTensor(const Tensor&)>& region) {
  TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(in_shape, dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor view, region(z));
  CopyConvert(g, view);
  return z;
}
}  // namespace

StatusOrTensor Select(const Tensor& t, int64_t dim, int64_t index) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "select() cannot be applied to a 0-dim tensor.");
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  const int64_t size = t.size(d);
  if (index < -size || index >= size) {
    return IndexError(absl::StrCat("index ", index,
                                   " is out of bounds for dimension ", d,
                                   " with size ", size));
  }
  if (index < 0) index += size;
  Shape sz = t.sizes(), st = t.strides();
  const int64_t off = t.storage_offset() + index * st[d];
  sz.erase(sz.begin() + d);
  st.erase(st.begin() + d);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, off));
  if (auto node = RecordOp("SelectBackward0", {&t}, {&out})) {
    node->set_backward([dt = t.dtype(), in_shape = t.sizes(), d, index](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      // By value: the create_graph node keeps it past this call.
      auto region = [d, index](const Tensor& z) { return Select(z, d, index); };
      TENSORD_ASSIGN_OR_RETURN(Tensor r, LinearInGrad(
                                             n, g[0],
                                             [&](const Tensor& gi) {
                                               return ScatterBack(in_shape, dt,
                                                                  gi, region);
                                             },
                                             region));
      return GradList{r};
    });
  }
  return out;
}

StatusOrTensor Slice(const Tensor& t, int64_t dim, std::optional<int64_t> start,
                     std::optional<int64_t> stop, int64_t step) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "slice() cannot be applied to a 0-dim tensor.");
  }
  if (step <= 0)
    return absl::InvalidArgumentError("step must be greater than zero");
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, t.dim()));
  const int64_t size = t.size(d);
  auto clamp = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t x = *v;
    if (x < 0) x += size;
    return std::clamp<int64_t>(x, 0, size);
  };
  const int64_t b = clamp(start, 0);
  const int64_t e = std::max(b, clamp(stop, size));
  Shape sz = t.sizes(), st = t.strides();
  // ceil((e - b) / step) without overflow: step may be 2^63 - 1.
  sz[d] = e > b ? (e - b - 1) / step + 1 : 0;
  const int64_t off = t.storage_offset() + b * st[d];
  // With two or more elements the new stride stays inside the storage; with
  // fewer it is never used to address, and is kept when it would overflow.
  st[d] = MulOrNone(st[d], step).value_or(st[d]);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, MakeView(t, sz, st, off));
  if (auto node = RecordOp("SliceBackward0", {&t}, {&out})) {
    node->set_backward(
        [dt = t.dtype(), in_shape = t.sizes(), d, b, e, step](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          // By value: the create_graph node keeps it past this call.
          auto region = [d, b, e, step](const Tensor& z) {
            return Slice(z, d, b, e, step);
          };
          TENSORD_ASSIGN_OR_RETURN(
              Tensor r, LinearInGrad(
                            n, g[0],
                            [&](const Tensor& gi) {
                              return ScatterBack(in_shape, dt, gi, region);
                            },
                            region));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Index(const Tensor& t, const std::vector<IndexItem>& index) {
  int64_t consumed = 0;
  for (const IndexItem& it : index) {
    if (it.kind == IndexItem::kInt || it.kind == IndexItem::kSlice) ++consumed;
  }
  // torch 1.13 accepts several ellipses; the first one spans the free dims.
  bool seen_ellipsis = false;
  if (consumed > t.dim()) {
    return IndexError(
        absl::StrCat("too many indices for tensor of dimension ", t.dim()));
  }
  Tensor cur = t;
  int64_t d = 0;
  for (const IndexItem& it : index) {
    switch (it.kind) {
      case IndexItem::kInt: {
        TENSORD_ASSIGN_OR_RETURN(cur, Select(cur, d, it.index));
        break;
      }
      case IndexItem::kSlice: {
        const bool full =
            (!it.start || *it.start == 0) && !it.stop && it.step == 1;
        if (!full) {
          TENSORD_ASSIGN_OR_RETURN(cur,
                                   Slice(cur, d, it.start, it.stop, it.step));
        } else if (it.step <= 0) {
          return absl::InvalidArgumentError("step must be greater than zero");
        }
        ++d;
        break;
      }
      case IndexItem::kNone: {
        TENSORD_ASSIGN_OR_RETURN(cur, Unsqueeze(cur, d));
        ++d;
        break;
      }
      case IndexItem::kEllipsis:
        if (!seen_ellipsis) d += t.dim() - consumed;
        seen_ellipsis = true;
        break;
      case IndexItem::kTensor:
        return absl::InvalidArgumentError(
            "a tensor place (@) in the index of the index op: tensor "
            "indices go through index.advanced");
    }
  }
  if (cur.is_same(t)) {
    // x[:] and x[...] are new views of the same data.
    TENSORD_ASSIGN_OR_RETURN(
        Tensor out, MakeView(t, t.sizes(), t.strides(), t.storage_offset()));
    RecordView("AliasBackward0", t, out,
               [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
                 return GradList{g[0]};
               });
    return out;
  }
  return cur;
}

absl::Status IndexPut(const Tensor& t, const std::vector<IndexItem>& index,
                      const Tensor& value) {
  // t[index] = value is copy_ into the view t[index]; for a tensor with
  // history that records torch's CopySlices on t.
  TENSORD_ASSIGN_OR_RETURN(Tensor view, Index(t, index));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, CopyInplace(view, value));
  (void)r;
  return absl::OkStatus();
}

}  // namespace tensord
