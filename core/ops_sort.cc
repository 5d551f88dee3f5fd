// Sorting: sort (stable, as PyTorch's CPU sort is), argsort, msort, topk
// and kthvalue. NaN sorts as the largest value, as in PyTorch. The
// gradient of every one of them scatters the incoming gradient back to the
// positions the indices name.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

template <typename T>
bool IsNaN(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// values and int64 indices of t sorted along dim (t contiguous copy).
absl::StatusOr<std::pair<Tensor, Tensor>> SortRaw(const Tensor& t, int64_t dim,
                                                  bool descending) {
  if (t.dtype() == DType::kComplex64) {
    return absl::InvalidArgumentError(
        "\"sort\" not implemented for 'ComplexFloat'");
  }
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor values, Clone(t.detach()));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(values));
  values = c;
  TENSORD_ASSIGN_OR_RETURN(Tensor indices, Empty(t.sizes(), DType::kInt64));
  if (t.numel() == 0) return std::make_pair(values, indices);
  const int64_t len = t.dim() == 0 ? 1 : t.size(dim);
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < t.dim(); ++d) inner *= t.size(d);
  const int64_t outer = t.numel() / (len * inner);
  int64_t* ip = indices.data<int64_t>();
  TENSORD_DISPATCH_REAL(t.dtype(), T, {
    T* vp = values.data<T>();
    std::vector<int64_t> order(len);
    std::vector<T> row(len);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t base = o * len * inner + in;
        for (int64_t k = 0; k < len; ++k) row[k] = vp[base + k * inner];
        std::iota(order.begin(), order.end(), 0);
        if (descending) {
          std::stable_sort(order.begin(), order.end(),
                           [&](int64_t a, int64_t b) {
                             const T x = row[a], y = row[b];
                             return (IsNaN(x) && !IsNaN(y)) || x > y;
                           });
        } else {
          std::stable_sort(order.begin(), order.end(),
                           [&](int64_t a, int64_t b) {
                             const T x = row[a], y = row[b];
                             return (!IsNaN(x) && IsNaN(y)) || x < y;
                           });
        }
        for (int64_t k = 0; k < len; ++k) {
          vp[base + k * inner] = row[order[k]];
          ip[base + k * inner] = order[k];
        }
      }
    }
  });
  return std::make_pair(values, indices);
}

// Records `name` on values: the gradient goes to input positions indices
// (of values' shape, along dim) of a tensor of shape `in_shape`.
// With `squeezed`, values lack dim (kthvalue without keepdim) and indices
// keep it.
void RecordIndexed(const char* name, const Tensor& self, Tensor& values,
                   const Tensor& indices, int64_t dim, bool squeezed = false) {
  if (auto node = RecordOp(name, {&self}, {&values})) {
    const int slot = node->Save(indices);
    node->set_backward(
        [slot, dim, squeezed, shape = self.sizes(), dt = self.dtype()](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(Tensor idx, n.Saved(slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(shape, dt));
          TENSORD_ASSIGN_OR_RETURN(Tensor gc, To(g[0], dt));
          if (squeezed) {
            TENSORD_ASSIGN_OR_RETURN(gc, Unsqueeze(gc, dim));
          }
          TENSORD_ASSIGN_OR_RETURN(gc, Contiguous(gc));
          TENSORD_RETURN_IF_ERROR(ScatterAddRaw(z, dim, idx, gc));
          return GradList{z};
        });
  }
}

}  // namespace

absl::StatusOr<std::pair<Tensor, Tensor>> Sort(const Tensor& self, int64_t dim,
                                               bool descending) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(self, d, descending));
  RecordIndexed("SortBackward0", self, r.first, r.second, d);
  return r;
}

StatusOrTensor Argsort(const Tensor& self, int64_t dim, bool descending) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(self, d, descending));
  return r.second;
}

absl::StatusOr<std::pair<Tensor, Tensor>> Topk(const Tensor& self, int64_t k,
                                               int64_t dim, bool largest) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  const int64_t len = self.dim() == 0 ? 1 : self.size(d);
  if (k < 0 || k > len) {
    return absl::InvalidArgumentError("selected index k out of range");
  }
  TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(self, d, largest));
  Tensor v = r.first, i = r.second;
  if (self.dim() > 0) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor vs, Slice(v, d, 0, k, 1));
    TENSORD_ASSIGN_OR_RETURN(v, Contiguous(vs));
    TENSORD_ASSIGN_OR_RETURN(Tensor is, Slice(i, d, 0, k, 1));
    TENSORD_ASSIGN_OR_RETURN(i, Contiguous(is));
  }
  RecordIndexed("TopkBackward0", self, v, i, d);
  return std::make_pair(v, i);
}

absl::StatusOr<std::pair<Tensor, Tensor>> Kthvalue(const Tensor& self,
                                                   int64_t k, int64_t dim,
                                                   bool keepdim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  const int64_t len = self.dim() == 0 ? 1 : self.size(d);
  if (k < 1 || k > len) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kthvalue(): selected number k out of range for dimension ", d));
  }
  TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(self, d, false));
  Tensor v = r.first, i = r.second;
  if (self.dim() > 0) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor vs, Slice(v, d, k - 1, k, 1));
    TENSORD_ASSIGN_OR_RETURN(Tensor is, Slice(i, d, k - 1, k, 1));
    TENSORD_ASSIGN_OR_RETURN(v, Contiguous(vs));
    TENSORD_ASSIGN_OR_RETURN(i, Contiguous(is));
  }
  if (!keepdim && self.dim() > 0) {
    Tensor vq, iq;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(vq, Squeeze(v, d));
      TENSORD_ASSIGN_OR_RETURN(iq, Squeeze(i, d));
    }
    RecordIndexed("KthvalueBackward0", self, vq, i, d, /*squeezed=*/true);
    return std::make_pair(vq, iq);
  }
  RecordIndexed("KthvalueBackward0", self, v, i, d);
  return std::make_pair(v, i);
}

}  // namespace tensord
