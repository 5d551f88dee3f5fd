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

// The value a row is ordered by: float for float16/bfloat16 (as c10::Half
// compares), the element itself otherwise.
template <typename T>
using SortKey = std::conditional_t<kIsReduced<T>, float, T>;

// One row of (value, index) pairs, in input order, sorted as ATen's CPU
// sort kernel sorts them: std::stable_sort when stable, std::sort (the
// introsort of the same standard library) otherwise, NaN largest, the
// comparison on the value alone. Equal values then end up in the order the
// algorithm leaves them in, which is the order torch prints; rows of up to
// 16 elements are insertion-sorted and so come out stable either way.
template <typename K>
void SortRow(std::vector<std::pair<K, int64_t>>& row, bool descending,
             bool stable) {
  using E = std::pair<K, int64_t>;
  auto asc = [](const E& a, const E& b) {
    return (!IsNaN(a.first) && IsNaN(b.first)) || a.first < b.first;
  };
  auto desc = [](const E& a, const E& b) {
    return (IsNaN(a.first) && !IsNaN(b.first)) || a.first > b.first;
  };
  if (descending) {
    if (stable) {
      std::stable_sort(row.begin(), row.end(), desc);
    } else {
      std::sort(row.begin(), row.end(), desc);
    }
  } else if (stable) {
    std::stable_sort(row.begin(), row.end(), asc);
  } else {
    std::sort(row.begin(), row.end(), asc);
  }
}

// values and int64 indices of t sorted along dim (t contiguous copy).
absl::StatusOr<std::pair<Tensor, Tensor>> SortRaw(const Tensor& t, int64_t dim,
                                                  bool descending,
                                                  bool stable) {
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"sort\" not implemented for '", DTypeShortName(t.dtype()), "'"));
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
    using K = SortKey<T>;
    T* vp = values.data<T>();
    std::vector<std::pair<K, int64_t>> row(len);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t base = o * len * inner + in;
        for (int64_t k = 0; k < len; ++k) {
          row[k] = {static_cast<K>(vp[base + k * inner]), k};
        }
        SortRow(row, descending, stable);
        for (int64_t k = 0; k < len; ++k) {
          vp[base + k * inner] = static_cast<T>(row[k].first);
          ip[base + k * inner] = row[k].second;
        }
      }
    }
  });
  return std::make_pair(values, indices);
}

// The k-th smallest (0-based) of a row of (value, index) pairs by ATen's
// kthvalue: TH's quickselect (Sedgewick's median-of-three partitioning)
// on the values, NaN largest; afterwards row[k] is the answer. Which of
// several equal values ends up at k depends on the partitioning steps, so
// they are torch's steps. The scans stop at the median-of-three sentinels;
// the bounds in them only make that explicit.
template <typename K>
void QuickSelect(std::vector<std::pair<K, int64_t>>& row, int64_t k) {
  auto gt = [](K x, K y) { return (IsNaN(x) && !IsNaN(y)) || x > y; };
  auto v = [&](int64_t a) { return row[a].first; };
  auto swap = [&](int64_t a, int64_t b) { std::swap(row[a], row[b]); };
  int64_t lo = 0, hi = static_cast<int64_t>(row.size()) - 1;
  while (hi > lo) {
    if (hi == lo + 1) {
      if (gt(v(lo), v(hi))) swap(lo, hi);
      return;
    }
    swap((lo + hi) >> 1, lo + 1);
    if (gt(v(lo + 1), v(hi))) swap(lo + 1, hi);
    if (gt(v(lo), v(hi))) swap(lo, hi);
    if (gt(v(lo + 1), v(lo))) swap(lo + 1, lo);
    int64_t i = lo + 1, j = hi;
    const K pivot = v(lo);
    while (true) {
      do {
        ++i;
      } while (i < hi && gt(pivot, v(i)));
      do {
        --j;
      } while (j > lo && gt(v(j), pivot));
      if (j < i) break;
      swap(i, j);
    }
    swap(lo, j);
    if (j <= k) lo = i;
    if (j >= k) hi = j - 1;
  }
}

// One value and its index per row of self along dim d, in the shape of
// self with d of size 1: pick(row) gets the row's (value, index) pairs in
// input order and returns the chosen pair.
template <typename Pick>
absl::StatusOr<std::pair<Tensor, Tensor>> PickPerRow(const Tensor& self,
                                                     int64_t d,
                                                     const Pick& pick) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(self.detach()));
  Shape kept = self.sizes();
  if (self.dim() > 0) kept[d] = 1;
  TENSORD_ASSIGN_OR_RETURN(Tensor values, Empty(kept, self.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor indices, Empty(kept, DType::kInt64));
  const int64_t len = self.dim() == 0 ? 1 : self.size(d);
  if (self.numel() == 0) return std::make_pair(values, indices);
  int64_t inner = 1;
  for (int64_t k = d + 1; k < self.dim(); ++k) inner *= self.size(k);
  const int64_t outer = self.numel() / (len * inner);
  int64_t* oi = indices.data<int64_t>();
  TENSORD_DISPATCH_REAL(self.dtype(), T, {
    using K = SortKey<T>;
    const T* xp = c.data<T>();
    T* ov = values.data<T>();
    std::vector<std::pair<K, int64_t>> row(len);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t base = o * len * inner + in;
        for (int64_t k = 0; k < len; ++k) {
          row[k] = {static_cast<K>(xp[base + k * inner]), k};
        }
        const std::pair<K, int64_t> r = pick(row);
        ov[o * inner + in] = static_cast<T>(r.first);
        oi[o * inner + in] = r.second;
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
          TENSORD_ASSIGN_OR_RETURN(Tensor idx, n.Saved(slot));
          auto backward = [&](const Tensor& gin) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(shape, dt));
            TENSORD_ASSIGN_OR_RETURN(Tensor gc, To(gin, dt));
            if (squeezed) {
              TENSORD_ASSIGN_OR_RETURN(gc, Unsqueeze(gc, dim));
            }
            TENSORD_ASSIGN_OR_RETURN(gc, Contiguous(gc));
            TENSORD_RETURN_IF_ERROR(ScatterAddRaw(z, dim, idx, gc));
            return z;
          };
          // The transpose picks the same elements out of gg.
          auto transpose = [idx, dim,
                            squeezed](const Tensor& gg) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor r, Gather(gg, dim, idx));
            if (squeezed) return Squeeze(r, dim);
            return r;
          };
          TENSORD_ASSIGN_OR_RETURN(Tensor z,
                                   LinearInGrad(n, g[0], backward, transpose));
          return GradList{z};
        });
  }
}

// torch's CPU topk per row (TopKImpl.h): (value, index) pairs in the
// accumulate type, std::partial_sort when k * 64 <= n, else std::nth_element
// for the k-th and std::sort of the ones before it, NaN largest. The same
// standard algorithms on the same sequence pick the same index among equal
// values as torch does. Returns contiguous values and indices with dim's
// size k.
absl::StatusOr<std::pair<Tensor, Tensor>> TopkRaw(const Tensor& t, int64_t k,
                                                  int64_t dim, bool largest,
                                                  bool sorted) {
  if (IsComplex(t.dtype()) || t.dtype() == DType::kBool) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"topk_cpu\" not implemented for '", DTypeShortName(t.dtype()), "'"));
  }
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(t.detach()));
  Shape out_shape = t.sizes();
  if (t.dim() > 0) out_shape[dim] = k;
  TENSORD_ASSIGN_OR_RETURN(Tensor values, Empty(out_shape, t.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor indices, Empty(out_shape, DType::kInt64));
  const int64_t len = t.dim() == 0 ? 1 : t.size(dim);
  if (k == 0 || t.numel() == 0) return std::make_pair(values, indices);
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < t.dim(); ++d) inner *= t.size(d);
  const int64_t outer = t.numel() / (len * inner);
  int64_t* ip = indices.data<int64_t>();
  TENSORD_DISPATCH_REAL(t.dtype(), T, {
    using Acc = std::conditional_t<std::is_floating_point_v<T> || kIsReduced<T>,
                                   double, int64_t>;
    using Elem = std::pair<Acc, int64_t>;
    const T* xp = c.data<T>();
    T* vp = values.data<T>();
    std::vector<Elem> q(len);
    auto gt = [](const Elem& x, const Elem& y) {
      return (IsNaN(x.first) && !IsNaN(y.first)) || x.first > y.first;
    };
    auto lt = [](const Elem& x, const Elem& y) {
      return (!IsNaN(x.first) && IsNaN(y.first)) || x.first < y.first;
    };
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t base = o * len * inner + in;
        for (int64_t j = 0; j < len; ++j) {
          q[j] = Elem(static_cast<Acc>(xp[base + j * inner]), j);
        }
        if (k * 64 <= len) {
          if (largest) {
            std::partial_sort(q.begin(), q.begin() + k, q.end(), gt);
          } else {
            std::partial_sort(q.begin(), q.begin() + k, q.end(), lt);
          }
        } else if (largest) {
          std::nth_element(q.begin(), q.begin() + k - 1, q.end(), gt);
          if (sorted) std::sort(q.begin(), q.begin() + k - 1, gt);
        } else {
          std::nth_element(q.begin(), q.begin() + k - 1, q.end(), lt);
          if (sorted) std::sort(q.begin(), q.begin() + k - 1, lt);
        }
        const int64_t obase = o * k * inner + in;
        for (int64_t j = 0; j < k; ++j) {
          vp[obase + j * inner] =
              static_cast<T>(static_cast<SortKey<T>>(q[j].first));
          ip[obase + j * inner] = q[j].second;
        }
      }
    }
  });
  return std::make_pair(values, indices);
}

}  // namespace

absl::StatusOr<std::pair<Tensor, Tensor>> Sort(const Tensor& self, int64_t dim,
                                               bool descending, bool stable) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(self, d, descending, stable));
  RecordIndexed("SortBackward0", self, r.first, r.second, d);
  return r;
}

StatusOrTensor Argsort(const Tensor& self, int64_t dim, bool descending,
                       bool stable) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(self, d, descending, stable));
  return r.second;
}

absl::StatusOr<std::pair<Tensor, Tensor>> Topk(const Tensor& self, int64_t k,
                                               int64_t dim, bool largest,
                                               bool sorted) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  const int64_t len = self.dim() == 0 ? 1 : self.size(d);
  if (k < 0 || k > len) {
    return absl::InvalidArgumentError("selected index k out of range");
  }
  TENSORD_ASSIGN_OR_RETURN(auto r, TopkRaw(self, k, d, largest, sorted));
  Tensor v = r.first, i = r.second;
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
  TENSORD_ASSIGN_OR_RETURN(auto r, PickPerRow(self, d, [k](auto& row) {
                             QuickSelect(row, k - 1);
                             return row[k - 1];
                           }));
  Tensor v = r.first, i = r.second;
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

StatusOrTensor Median(const Tensor& self, bool ignore_nan) {
  if (self.numel() == 0 && !IsFloating(self.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat(ignore_nan ? "nanmedian" : "median",
                     "() input tensor cannot be empty"));
  }
  Tensor out;
  if (self.numel() == 0) {  // torch: NaN
    TENSORD_ASSIGN_OR_RETURN(out, Full({}, Scalar(std::nan("")), self.dtype()));
  } else {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(self.detach(), {-1}));
    TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(flat, 0, false, /*stable=*/true));
    const std::vector<double> v = r.first.ToDoubles();
    int64_t valid = static_cast<int64_t>(v.size());
    while (valid > 0 && std::isnan(v[valid - 1])) --valid;
    int64_t pick;
    if (!ignore_nan && valid < static_cast<int64_t>(v.size())) {
      pick = valid;  // a NaN: the median is NaN
    } else if (valid == 0) {
      pick = 0;  // all NaN
    } else {
      pick = (valid - 1) / 2;
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor e, Select(r.first, 0, pick));
    TENSORD_ASSIGN_OR_RETURN(out, Clone(e));
  }
  // torch: the gradient is spread evenly over the elements equal to the
  // result (NaN: over the NaNs).
  if (auto node =
          RecordOp(ignore_nan ? "NanmedianBackward0" : "MedianBackward0",
                   {&self}, {&out})) {
    const int sx = node->Save(self), so = node->Save(out, true);
    node->set_backward(
        [sx, so](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          // In ops (recorded with create_graph); the mask has no gradient.
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(sx));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, n.Saved(so));
          TENSORD_ASSIGN_OR_RETURN(Tensor rn, IsNan(r));
          Tensor mask;
          if (rn.item().to_int() != 0) {
            TENSORD_ASSIGN_OR_RETURN(mask, IsNan(x));
          } else {
            TENSORD_ASSIGN_OR_RETURN(mask, Eq(x, r));
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor mf, To(mask, g[0].dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor cnt, Sum(mf));
          TENSORD_ASSIGN_OR_RETURN(Tensor share, Div(g[0], cnt));
          TENSORD_ASSIGN_OR_RETURN(Tensor gi, Mul(mf, share));
          return GradList{gi};
        });
  }
  return out;
}

absl::StatusOr<std::pair<Tensor, Tensor>> MedianDim(const Tensor& self,
                                                    int64_t dim, bool keepdim,
                                                    bool ignore_nan) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  const int64_t len = self.dim() == 0 ? 1 : self.size(d);
  if (len == 0) {
    return IndexError(absl::StrCat(ignore_nan ? "nanmedian" : "median",
                                   "(): Expected reduction dim ", d,
                                   " to have non-zero size."));
  }
  TENSORD_ASSIGN_OR_RETURN(auto r, SortRaw(self, d, false, /*stable=*/true));
  Tensor values, indices;
  {
    NoGradGuard ng;
    // Per row: the lower median of the non-NaN values; with a NaN and
    // !ignore_nan, the first NaN (in the input's order).
    Shape kept = self.sizes();
    if (self.dim() > 0) kept[d] = 1;
    TENSORD_ASSIGN_OR_RETURN(values, Empty(kept, self.dtype()));
    TENSORD_ASSIGN_OR_RETURN(indices, Empty(kept, DType::kInt64));
    int64_t inner = 1;
    for (int64_t k = d + 1; k < self.dim(); ++k) inner *= self.size(k);
    const int64_t outer = self.numel() / (len * inner);
    const int64_t* ip = r.second.data<int64_t>();
    int64_t* oi = indices.data<int64_t>();
    TENSORD_DISPATCH_REAL(self.dtype(), T, {
      const T* vp = r.first.data<T>();
      T* ov = values.data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t in = 0; in < inner; ++in) {
          const int64_t base = o * len * inner + in;
          int64_t valid = len;
          while (valid > 0 && IsNaN(vp[base + (valid - 1) * inner])) --valid;
          int64_t pick;
          if (!ignore_nan && valid < len) {
            // the NaN that comes first in the input
            pick = valid;
            for (int64_t k = valid; k < len; ++k) {
              if (ip[base + k * inner] < ip[base + pick * inner]) pick = k;
            }
          } else if (valid == 0) {
            pick = 0;
          } else {
            pick = (valid - 1) / 2;
          }
          ov[o * inner + in] = vp[base + pick * inner];
          oi[o * inner + in] = ip[base + pick * inner];
        }
      }
    });
  }
  Tensor kept_indices = indices;
  if (!keepdim && self.dim() > 0) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(values, Squeeze(values, d));
    TENSORD_ASSIGN_OR_RETURN(indices, Squeeze(indices, d));
  }
  RecordIndexed(ignore_nan ? "NanmedianBackward1" : "MedianBackward1", self,
                values, kept_indices, d, !keepdim && self.dim() > 0);
  return std::make_pair(values, indices);
}

}  // namespace tensord

// ---------------------------------------------------------------------------
// quantile, nanquantile, mode

namespace tensord {

StatusOrTensor Quantile(const Tensor& self, const Tensor& q,
                        std::optional<int64_t> dim, bool keepdim,
                        const std::string& interpolation, bool ignore_nan) {
  const char* fn = ignore_nan ? "nanquantile()" : "quantile()";
  if (!IsFloating(self.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat(fn, " input tensor must be either float or double dtype"));
  }
  if (q.dtype() != self.dtype() && !q.is_wrapped_number()) {
    return absl::InvalidArgumentError(
        absl::StrCat(fn, " q tensor must be same dtype as the input tensor"));
  }
  if (q.dim() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(fn, " q must be a scalar or 1D tensor"));
  }
  static const char* const kModes[] = {"linear", "lower", "higher", "midpoint",
                                       "nearest"};
  if (std::find_if(std::begin(kModes), std::end(kModes), [&](const char* m) {
        return interpolation == m;
      }) == std::end(kModes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        fn,
        " interpolation must be one of linear, lower, higher, midpoint or "
        "nearest, but got ",
        interpolation.substr(0, 64)));
  }
  Tensor qv;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(qv, To(q.detach(), self.dtype()));
    TENSORD_ASSIGN_OR_RETURN(qv, Reshape(qv, {-1}));
    TENSORD_ASSIGN_OR_RETURN(qv, Contiguous(qv));
    for (double v : qv.ToDoubles()) {
      if (!(v >= 0 && v <= 1)) {
        if (q.is_wrapped_number()) {
          return absl::InvalidArgumentError(
              absl::StrCat(fn, " q must be in the range [0, 1] but got ", v));
        }
        return absl::InvalidArgumentError(
            absl::StrCat(fn, " q values must be in the range [0, 1]"));
      }
    }
  }
  if (self.numel() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(fn, " input tensor must be non-empty"));
  }
  // x with the reduced dim last.
  Tensor x = self;
  int64_t d = 0;
  if (dim.has_value()) {
    TENSORD_ASSIGN_OR_RETURN(d,
                             WrapDim(*dim, std::max<int64_t>(self.dim(), 1)));
    if (self.dim() == 0) {
      TENSORD_ASSIGN_OR_RETURN(x, Reshape(self, {1}));
    } else {
      TENSORD_ASSIGN_OR_RETURN(x, Movedim(self, {d}, {-1}));
    }
  } else {
    TENSORD_ASSIGN_OR_RETURN(x, Reshape(self, {-1}));
  }
  TENSORD_ASSIGN_OR_RETURN(auto sorted, Sort(x, -1, false));
  const Tensor& s = sorted.first;  // [..., n], NaN last
  const int64_t n = s.size(-1);
  const int64_t nq = qv.numel();
  Shape lead(s.sizes().begin(), s.sizes().end() - 1);
  Shape ishape = lead;
  ishape.push_back(nq);
  Tensor lo_idx, hi_idx, weights;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(lo_idx, Empty(ishape, DType::kInt64));
    TENSORD_ASSIGN_OR_RETURN(hi_idx, Empty(ishape, DType::kInt64));
    TENSORD_ASSIGN_OR_RETURN(weights, Empty(ishape, self.dtype()));
    TENSORD_ASSIGN_OR_RETURN(Tensor sc, Contiguous(s.detach()));
    const int64_t rows = sc.numel() / std::max<int64_t>(n, 1);
    int64_t* lp = lo_idx.data<int64_t>();
    int64_t* hp = hi_idx.data<int64_t>();
    TENSORD_DISPATCH_FLOATING(self.dtype(), T, {
      const T* sp = sc.data<T>();
      const T* qp = qv.data<T>();
      T* wp = weights.data<T>();
      for (int64_t r = 0; r < rows; ++r) {
        int64_t valid = n;
        while (valid > 0 && std::isnan(sp[r * n + valid - 1])) --valid;
        const bool nan_row = ignore_nan ? valid == 0 : valid < n;
        for (int64_t k = 0; k < nq; ++k) {
          const int64_t o = r * nq + k;
          if (nan_row) {  // the last element: NaN
            lp[o] = hp[o] = n - 1;
            wp[o] = 0;
            continue;
          }
          const T rank = qp[k] * static_cast<T>(valid - 1);
          int64_t lo = static_cast<int64_t>(std::floor(rank));
          int64_t hi = static_cast<int64_t>(std::ceil(rank));
          if (interpolation == "nearest") {
            lo = hi = static_cast<int64_t>(std::nearbyint(rank));
          }
          lo = std::clamp<int64_t>(lo, 0, valid - 1);
          hi = std::clamp<int64_t>(hi, 0, valid - 1);
          lp[o] = interpolation == "higher" ? hi : lo;
          hp[o] = interpolation == "lower" ? lo : hi;
          wp[o] = interpolation == "midpoint" ? T(0.5)
                  : interpolation == "linear" ? rank - static_cast<T>(lo)
                                              : T(0);
        }
      }
    });
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor vlo, Gather(s, -1, lo_idx));
  Tensor r = vlo;
  if (interpolation == "linear" && GradEnabled() && q.requires_grad()) {
    // As torch: the weights are q * (count - 1) - floor(...), so the
    // result is differentiable in q too (the floor part is constant).
    Tensor counts, lo_f, nan_rows;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(Tensor wd, Contiguous(weights));
      TENSORD_ASSIGN_OR_RETURN(Tensor lof, To(lo_idx, self.dtype()));
      lo_f = lof;
      TENSORD_ASSIGN_OR_RETURN(Tensor sn, IsNan(s.detach()));
      TENSORD_ASSIGN_OR_RETURN(Tensor ok, LogicalNot(sn));
      TENSORD_ASSIGN_OR_RETURN(Tensor okf, To(ok, self.dtype()));
      TENSORD_ASSIGN_OR_RETURN(Tensor cnt, Sum(okf, {-1}, true));
      TENSORD_ASSIGN_OR_RETURN(counts, Sub(cnt, WrapScalar(1.0)));
      (void)wd;
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor qd, To(q, self.dtype()));
    TENSORD_ASSIGN_OR_RETURN(qd, Reshape(qd, {-1}));
    TENSORD_ASSIGN_OR_RETURN(Tensor rank, Mul(qd, counts));
    TENSORD_ASSIGN_OR_RETURN(Tensor w, Sub(rank, lo_f));
    // NaN rows (and the rows nanquantile finds empty) read index n - 1
    // with weight 0, a constant.
    TENSORD_ASSIGN_OR_RETURN(Tensor wzero, Eq(weights, WrapScalar(0.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor nanrow,
                             Eq(lo_idx, WrapScalar(Scalar(n - 1))));
    TENSORD_ASSIGN_OR_RETURN(Tensor fixed, LogicalAnd(wzero, nanrow));
    TENSORD_ASSIGN_OR_RETURN(w, Where(fixed, weights, w));
    weights = w;
  }
  if (interpolation == "linear" || interpolation == "midpoint") {
    TENSORD_ASSIGN_OR_RETURN(Tensor vhi, Gather(s, -1, hi_idx));
    TENSORD_ASSIGN_OR_RETURN(r, Lerp(vlo, vhi, weights));
  }
  // [..., nq] -> [nq, ...], then keepdim and scalar q.
  TENSORD_ASSIGN_OR_RETURN(r, Movedim(r, {-1}, {0}));
  if (keepdim) {
    if (dim.has_value()) {
      if (self.dim() > 0) {
        TENSORD_ASSIGN_OR_RETURN(r, Unsqueeze(r, d + 1));
      }
    } else {
      DimList shape = {nq};
      for (int64_t k = 0; k < self.dim(); ++k) shape.push_back(1);
      TENSORD_ASSIGN_OR_RETURN(r, Reshape(r, shape));
    }
  }
  if (q.dim() == 0) {
    TENSORD_ASSIGN_OR_RETURN(r, Squeeze(r, 0));
  }
  return Composite("SqueezeBackward3", r);
}

absl::StatusOr<std::pair<Tensor, Tensor>> Mode(const Tensor& self, int64_t dim,
                                               bool keepdim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(self.dim(), 1)));
  const int64_t len = self.dim() == 0 ? 1 : self.size(d);
  if (len == 0) {
    return IndexError(absl::StrCat("mode(): Expected reduction dim ", d,
                                   " to have non-zero size."));
  }
  // ATen's mode kernel: std::sort of the row's (value, index) pairs by
  // value (plain <), then the first longest run of equal values; the
  // index is that of the run's last pair after the sort. A plain < is no
  // ordering once a NaN is in the row (std::sort may then run off the
  // row), so such rows sort with NaN largest instead; each NaN is a run
  // of its own either way.
  TENSORD_ASSIGN_OR_RETURN(
      auto r, PickPerRow(self, d, [](auto& row) {
        using E = std::decay_t<decltype(row[0])>;
        const bool has_nan = std::any_of(
            row.begin(), row.end(), [](const E& e) { return IsNaN(e.first); });
        if (has_nan) {
          std::sort(row.begin(), row.end(), [](const E& x, const E& y) {
            return (!IsNaN(x.first) && IsNaN(y.first)) || x.first < y.first;
          });
        } else {
          std::sort(row.begin(), row.end(),
                    [](const E& x, const E& y) { return x.first < y.first; });
        }
        E best = row[0];
        int64_t best_count = 0, run = 0;
        const int64_t n = static_cast<int64_t>(row.size());
        for (int64_t k = 0; k < n; ++k) {
          ++run;
          if (k == n - 1 || row[k].first != row[k + 1].first) {
            if (run > best_count) {
              best = row[k];
              best_count = run;
            }
            run = 0;
          }
        }
        return best;
      }));
  Tensor values = r.first, indices = r.second;
  Tensor kept_indices = indices;
  if (!keepdim && self.dim() > 0) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(values, Squeeze(values, d));
    TENSORD_ASSIGN_OR_RETURN(indices, Squeeze(indices, d));
  }
  RecordIndexed("ModeBackward0", self, values, kept_indices, d,
                !keepdim && self.dim() > 0);
  return std::make_pair(values, indices);
}

}  // namespace tensord
