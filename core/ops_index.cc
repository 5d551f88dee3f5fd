// Advanced indexing: tensors, lists and masks as indices (x[idx], x[mask],
// x[:, [0, 2]], x[i, j] = v), as PyTorch does it: the basic items (ints,
// slices, None, ...) make a view first; the tensor indices then pick
// elements of that view. Long indices broadcast together to a shape B; a
// bool mask of k dims stands for the k long indices of its nonzero
// positions. The result has B in place of the indexed dims when those are
// adjacent, and B in front otherwise.
//
// Every index is checked against its dim before anything is read or
// written; offsets are computed from the view's own sizes and strides,
// which MakeTensor has proved to lie inside its storage, so a checked index
// cannot address outside it.
#include <algorithm>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

std::string ShapeList(const Shape& s) { return ShapeToString(s); }

// The advanced part of an index, once the basic items have been applied.
struct Advanced {
  Tensor view;                // t after the basic items (forward only)
  Shape sizes;                // the view's sizes
  std::vector<int64_t> dims;  // the view's dims taken by tensor indices
  std::vector<Tensor> index;  // one int64 tensor per dim, any shape
  bool trivial_view = false;  // no basic item changed anything: view is t
};

// The positions an advanced index picks, for a tensor of the view's shape
// laid out with given strides: the result is [pre..., B..., post...] and
// element i of it sits at pre_off + adv[b] + post_off.
struct Layout {
  Shape result;                    // the result's shape
  Shape pre_sizes, pre_strides;    // dims before B (adjacent case)
  Shape post_sizes, post_strides;  // dims after B
  int64_t nb = 0;                  // elements of B
};

int64_t Numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t x : s) n *= x;
  return n;
}

// Row-major walk over sizes, tracking the element offset for strides.
class Odometer {
 public:
  Odometer(const Shape& sizes, const Shape& strides)
      : sizes_(sizes), strides_(strides), idx_(sizes.size(), 0) {}
  int64_t offset() const { return off_; }
  void Next() {
    for (int64_t d = static_cast<int64_t>(sizes_.size()) - 1; d >= 0; --d) {
      if (++idx_[d] < sizes_[d]) {
        off_ += strides_[d];
        return;
      }
      off_ -= (sizes_[d] - 1) * strides_[d];
      idx_[d] = 0;
    }
  }

 private:
  const Shape& sizes_;
  const Shape& strides_;
  std::vector<int64_t> idx_;
  int64_t off_ = 0;
};

Shape ContiguousStrides(const Shape& sizes) {
  Shape st(sizes.size());
  int64_t s = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    st[d] = s;
    s *= std::max<int64_t>(sizes[d], 1);
  }
  return st;
}

// The shape of B and the result, and the dims around B, for strides.
absl::StatusOr<Layout> MakeLayout(const Advanced& a, const Shape& strides) {
  Layout l;
  Shape b;
  for (const Tensor& i : a.index) {
    if (i.sizes() == b) continue;
    auto s = BroadcastShapes(b, i.sizes());
    if (!s.ok()) {
      std::string shapes;
      for (const Tensor& x : a.index) {
        absl::StrAppend(&shapes, shapes.empty() ? "" : ", ",
                        ShapeList(x.sizes()));
      }
      return IndexError(absl::StrCat(
          "shape mismatch: indexing tensors could not be broadcast together "
          "with shapes ",
          shapes));
    }
    b = *s;
  }
  l.nb = Numel(b);
  const Shape& sizes = a.sizes;
  bool adjacent = true;
  for (size_t j = 1; j < a.dims.size(); ++j) {
    adjacent &= a.dims[j] == a.dims[j - 1] + 1;
  }
  for (int64_t d = 0; d < static_cast<int64_t>(sizes.size()); ++d) {
    if (std::find(a.dims.begin(), a.dims.end(), d) != a.dims.end()) continue;
    if (adjacent && d < a.dims.front()) {
      l.pre_sizes.push_back(sizes[d]);
      l.pre_strides.push_back(strides[d]);
    } else {
      l.post_sizes.push_back(sizes[d]);
      l.post_strides.push_back(strides[d]);
    }
  }
  l.result = l.pre_sizes;
  l.result.insert(l.result.end(), b.begin(), b.end());
  l.result.insert(l.result.end(), l.post_sizes.begin(), l.post_sizes.end());
  return l;
}

// adv[b]: the offset of B's element b in the indexed dims, for strides.
// Checks every index against its dim (PyTorch numbers the dims among the
// indices).
absl::StatusOr<Tensor> AdvOffsets(const Advanced& a, const Layout& l,
                                  const Shape& strides) {
  NoGradGuard ng;
  Shape b(l.result.begin() + l.pre_sizes.size(),
          l.result.end() - l.post_sizes.size());
  TENSORD_ASSIGN_OR_RETURN(Tensor adv, Zeros(b, DType::kInt64));
  int64_t* out = adv.data<int64_t>();
  // An empty view may have any strides (nothing is addressed): its indices
  // are checked, its offsets never used.
  const bool addressable = Numel(a.sizes) > 0;
  for (size_t j = 0; j < a.dims.size(); ++j) {
    const int64_t d = a.dims[j];
    const int64_t size = a.sizes[d];
    DimList want(b.begin(), b.end());
    TENSORD_ASSIGN_OR_RETURN(Tensor e, Expand(a.index[j], want));
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(e));
    const int64_t* p = c.data<int64_t>();
    for (int64_t k = 0; k < l.nb; ++k) {
      int64_t i = p[k];
      if (i < -size || i >= size) {
        return IndexError(absl::StrCat("index ", i,
                                       " is out of bounds for dimension ", j,
                                       " with size ", size));
      }
      if (i < 0) i += size;
      if (addressable) out[k] += i * strides[d];
    }
  }
  return adv;
}

// Calls f(i, offset) for result element i (row-major) and its element
// offset in a tensor of the view's shape with the layout's strides.
template <typename F>
void ForEachPosition(const Layout& l, const int64_t* adv, F f) {
  const int64_t npre = Numel(l.pre_sizes), npost = Numel(l.post_sizes);
  int64_t i = 0;
  Odometer pre(l.pre_sizes, l.pre_strides);
  for (int64_t p = 0; p < npre; ++p, pre.Next()) {
    for (int64_t b = 0; b < l.nb; ++b) {
      Odometer post(l.post_sizes, l.post_strides);
      const int64_t base = pre.offset() + adv[b];
      for (int64_t q = 0; q < npost; ++q, post.Next()) {
        f(i++, base + post.offset());
      }
    }
  }
}

// out[i] = src[position i] (src of the view's shape, any strides).
absl::StatusOr<Tensor> GatherPositions(const Advanced& a, const Tensor& src) {
  TENSORD_ASSIGN_OR_RETURN(Layout l, MakeLayout(a, src.strides()));
  TENSORD_ASSIGN_OR_RETURN(Tensor adv, AdvOffsets(a, l, src.strides()));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(l.result, src.dtype()));
  if (out.numel() == 0) return out;
  TENSORD_DISPATCH_ALL(src.dtype(), T, {
    const T* s = src.data<T>();
    T* o = out.data<T>();
    ForEachPosition(l, adv.data<int64_t>(),
                    [&](int64_t i, int64_t off) { o[i] = s[off]; });
  });
  return out;
}

// dst[position i] = values[i] (or += with accumulate); dst contiguous of the
// view's shape, values contiguous of the result's shape, same dtype.
absl::Status ScatterPositions(const Advanced& a, const Tensor& dst,
                              const Tensor& values, bool accumulate) {
  TENSORD_ASSIGN_OR_RETURN(Layout l, MakeLayout(a, dst.strides()));
  TENSORD_ASSIGN_OR_RETURN(Tensor adv, AdvOffsets(a, l, dst.strides()));
  if (values.numel() == 0) return absl::OkStatus();
  TENSORD_DISPATCH_ALL(dst.dtype(), T, {
    T* d = dst.data<T>();
    const T* v = values.data<T>();
    if (accumulate) {
      if constexpr (std::is_same_v<T, bool>) {
        ForEachPosition(l, adv.data<int64_t>(), [&](int64_t i, int64_t off) {
          d[off] = d[off] || v[i];
        });
      } else {
        ForEachPosition(l, adv.data<int64_t>(), [&](int64_t i, int64_t off) {
          d[off] = WrapAdd(d[off], v[i]);
        });
      }
    } else {
      ForEachPosition(l, adv.data<int64_t>(),
                      [&](int64_t i, int64_t off) { d[off] = v[i]; });
    }
  });
  return absl::OkStatus();
}

// A zero tensor of the view's shape with `g` (result-shaped) added at the
// positions: the gradient of a gather.
absl::StatusOr<Tensor> ScatterAddInto(const Advanced& a, const Shape& sizes,
                                      const Tensor& g) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(sizes, g.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor gc, Contiguous(g));
  TENSORD_RETURN_IF_ERROR(ScatterPositions(a, z, gc, true));
  return z;
}

// Splits the items into basic ones (tensors replaced by full slices) and
// applies them; records where each tensor index lands.
absl::StatusOr<Advanced> Prepare(const Tensor& t,
                                 const std::vector<IndexItem>& items,
                                 const std::vector<Tensor>& tensors) {
  Advanced a;
  std::vector<IndexItem> basic;
  // For each tensor item, the position in `basic` of its first slice and
  // the number of dims it takes.
  std::vector<std::pair<size_t, int64_t>> slots;
  size_t next = 0;
  int64_t consumed = 0;
  bool changes = false;
  for (const IndexItem& it : items) {
    if (it.kind != IndexItem::kTensor) {
      if (it.kind == IndexItem::kInt || it.kind == IndexItem::kSlice) {
        ++consumed;
      }
      const bool full_slice = it.kind == IndexItem::kSlice &&
                              (!it.start || *it.start == 0) && !it.stop &&
                              it.step == 1;
      changes |= !(full_slice || it.kind == IndexItem::kEllipsis);
      basic.push_back(it);
      continue;
    }
    if (next >= tensors.size()) {
      return absl::InvalidArgumentError(
          "the index has more tensor places (@) than index tensors");
    }
    const Tensor& x = tensors[next++];
    if (x.dtype() != DType::kInt64 && x.dtype() != DType::kBool) {
      return IndexError(
          "tensors used as indices must be long, byte or bool tensors");
    }
    if (x.dtype() == DType::kBool && x.dim() == 0) {
      return absl::UnimplementedError(
          "tensord: indexing with a 0-dim bool tensor (x[True]) is not "
          "supported");
    }
    const int64_t k = x.dtype() == DType::kBool ? x.dim() : 1;
    slots.push_back({basic.size(), k});
    for (int64_t i = 0; i < k; ++i) {
      basic.push_back(IndexItem::Slice(std::nullopt, std::nullopt, 1));
    }
    consumed += k;
  }
  if (next != tensors.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the index has ", next, " tensor places (@) but ",
                     tensors.size(), " index tensors were given"));
  }
  if (consumed > t.dim()) {
    return IndexError(
        absl::StrCat("too many indices for tensor of dimension ", t.dim()));
  }
  // The view's dim of each basic item (as Index() walks them).
  std::vector<int64_t> out_dim(basic.size(), -1);
  {
    int64_t d = 0;
    bool seen_ellipsis = false;
    for (size_t i = 0; i < basic.size(); ++i) {
      switch (basic[i].kind) {
        case IndexItem::kInt:
          break;
        case IndexItem::kSlice:
        case IndexItem::kNone:
          out_dim[i] = d++;
          break;
        case IndexItem::kEllipsis:
          if (!seen_ellipsis) d += t.dim() - consumed;
          seen_ellipsis = true;
          break;
        case IndexItem::kTensor:
          break;
      }
    }
  }
  if (changes) {
    TENSORD_ASSIGN_OR_RETURN(a.view, Index(t, basic));
  } else {
    a.view = t;
    a.trivial_view = true;
  }
  a.sizes = a.view.sizes();
  // The index tensors, masks turned into the long indices of their nonzero
  // positions.
  NoGradGuard ng;
  for (size_t s = 0; s < slots.size(); ++s) {
    const Tensor& x = tensors[s];
    const int64_t d0 = out_dim[slots[s].first];
    if (x.dtype() == DType::kInt64) {
      a.dims.push_back(d0);
      a.index.push_back(x.detach());
      continue;
    }
    const int64_t k = slots[s].second;
    for (int64_t i = 0; i < k; ++i) {
      if (x.size(i) != a.view.size(d0 + i)) {
        Shape vs(a.view.sizes().begin() + d0, a.view.sizes().end());
        return IndexError(absl::StrCat(
            "The shape of the mask ", ShapeList(x.sizes()), " at index ", i,
            " does not match the shape of the indexed tensor ", ShapeList(vs),
            " at index ", i));
      }
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor m, Contiguous(x.detach()));
    const bool* p = m.data<bool>();
    int64_t nnz = 0;
    for (int64_t e = 0; e < m.numel(); ++e) nnz += p[e] ? 1 : 0;
    std::vector<Tensor> coords;
    for (int64_t i = 0; i < k; ++i) {
      TENSORD_ASSIGN_OR_RETURN(Tensor c, Empty({nnz}, DType::kInt64));
      coords.push_back(c);
    }
    const Shape st = ContiguousStrides(m.sizes());
    int64_t n = 0;
    for (int64_t e = 0; e < m.numel(); ++e) {
      if (!p[e]) continue;
      int64_t rem = e;
      for (int64_t i = 0; i < k; ++i) {
        coords[i].data<int64_t>()[n] = rem / st[i];
        rem %= st[i];
      }
      ++n;
    }
    for (int64_t i = 0; i < k; ++i) {
      a.dims.push_back(d0 + i);
      a.index.push_back(coords[i]);
    }
  }
  return a;
}

// The positions as a node can keep them: the index tensors, saved.
struct SavedAdvanced {
  std::vector<int64_t> dims;
  std::vector<int> slots;
};

SavedAdvanced SaveIndex(Node& n, const Advanced& a) {
  SavedAdvanced s;
  s.dims = a.dims;
  for (const Tensor& i : a.index) s.slots.push_back(n.Save(i));
  return s;
}

absl::StatusOr<Advanced> Restore(const Node& n, const SavedAdvanced& s,
                                 const Shape& sizes) {
  Advanced a;
  a.sizes = sizes;
  a.dims = s.dims;
  for (int slot : s.slots) {
    TENSORD_ASSIGN_OR_RETURN(Tensor i, n.Saved(slot));
    a.index.push_back(i);
  }
  return a;
}

}  // namespace

StatusOrTensor IndexAdvanced(const Tensor& t,
                             const std::vector<IndexItem>& items,
                             const std::vector<Tensor>& tensors) {
  TENSORD_ASSIGN_OR_RETURN(Advanced a, Prepare(t, items, tensors));
  if (a.dims.empty()) return Index(a.view, {});
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, GatherPositions(a, a.view));
  }
  if (auto node = RecordOp("IndexBackward0", {&a.view}, {&out})) {
    SavedAdvanced saved = SaveIndex(*node, a);
    node->set_backward(
        [saved, sizes = a.view.sizes()](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Advanced r, Restore(n, saved, sizes));
          TENSORD_ASSIGN_OR_RETURN(Tensor gi,
                                   LinearInGrad(
                                       n, g[0],
                                       [r, sizes](const Tensor& gx) {
                                         return ScatterAddInto(r, sizes, gx);
                                       },
                                       [r](const Tensor& gg) -> StatusOrTensor {
                                         NoGradGuard ng;
                                         return GatherPositions(r, gg);
                                       },
                                       /*transpose_differentiable=*/false));
          return GradList{gi};
        });
  }
  return out;
}

absl::Status IndexPutAdvanced(const Tensor& t,
                              const std::vector<IndexItem>& items,
                              const std::vector<Tensor>& tensors,
                              const Tensor& value, bool accumulate) {
  TENSORD_ASSIGN_OR_RETURN(Advanced a, Prepare(t, items, tensors));
  if (a.dims.empty()) {
    if (accumulate) {
      TENSORD_ASSIGN_OR_RETURN(Tensor r, AddInplace(a.view, value));
      (void)r;
      return absl::OkStatus();
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor r, CopyInplace(a.view, value));
    (void)r;
    return absl::OkStatus();
  }
  TENSORD_ASSIGN_OR_RETURN(Layout l, MakeLayout(a, a.view.strides()));
  {
    auto s = BroadcastShapes(l.result, value.sizes());
    if (!s.ok() || *s != l.result) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shape mismatch: value tensor of shape ", ShapeList(value.sizes()),
          " cannot be broadcast to indexing result of shape ",
          ShapeList(l.result)));
    }
  }
  const Tensor self = a.view;
  TENSORD_ASSIGN_OR_RETURN(
      Tensor r, Inplace(self, {&value}, [&]() -> StatusOrTensor {
        Tensor out;
        {
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(out, Clone(self));
          TENSORD_ASSIGN_OR_RETURN(Tensor v, Empty(l.result, self.dtype()));
          CopyConvert(value, v);
          TENSORD_RETURN_IF_ERROR(ScatterPositions(a, out, v, accumulate));
        }
        if (auto node =
                RecordOp("IndexPutBackward0", {&self, &value}, {&out})) {
          SavedAdvanced saved = SaveIndex(*node, a);
          node->set_backward([saved, accumulate, sizes = self.sizes(),
                              vshape = value.sizes(), vdtype = value.dtype()](
                                 Node& n, const GradList& g)
                                 -> absl::StatusOr<GradList> {
            GradList out;
            Shape picked;
            TENSORD_ASSIGN_OR_RETURN(Advanced r, Restore(n, saved, sizes));
            {
              NoGradGuard ng;
              TENSORD_ASSIGN_OR_RETURN(Tensor gs, Contiguous(g[0]));
              TENSORD_ASSIGN_OR_RETURN(Tensor gself, Clone(gs));
              TENSORD_ASSIGN_OR_RETURN(Tensor gv, GatherPositions(r, gs));
              picked = gv.sizes();
              if (!accumulate) {
                TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(gv));
                TENSORD_RETURN_IF_ERROR(
                    ScatterPositions(r, gself, zero, false));
              }
              TENSORD_ASSIGN_OR_RETURN(gv, SumToShape(gv, vshape));
              if (gv.dtype() != vdtype && IsDifferentiable(vdtype)) {
                TENSORD_ASSIGN_OR_RETURN(gv, To(gv, vdtype));
              }
              out = {gself, gv};
            }
            // Both are linear in g: the transpose masks gg_self as g
            // was masked and adds gg_value (broadcast) at the positions.
            auto transpose = [r, accumulate,
                              picked](const GradList& gg) -> StatusOrTensor {
              TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(gg[0]));
              TENSORD_ASSIGN_OR_RETURN(Tensor res, Clone(c));
              if (!accumulate) {
                TENSORD_ASSIGN_OR_RETURN(Tensor zero,
                                         Zeros(picked, res.dtype()));
                TENSORD_RETURN_IF_ERROR(ScatterPositions(r, res, zero, false));
              }
              TENSORD_ASSIGN_OR_RETURN(Tensor v, To(gg[1], res.dtype()));
              TENSORD_ASSIGN_OR_RETURN(
                  v, Expand(v, DimList(picked.begin(), picked.end())));
              TENSORD_ASSIGN_OR_RETURN(v, Contiguous(v));
              TENSORD_RETURN_IF_ERROR(ScatterPositions(r, res, v, true));
              return res;
            };
            return LinearInGradMulti(n, g[0], std::move(out), transpose);
          });
        }
        return out;
      }));
  (void)r;
  return absl::OkStatus();
}

}  // namespace tensord
