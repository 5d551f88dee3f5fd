// The index-along-a-dim family: gather, scatter, scatter_add,
// index_select, index_add, index_copy, index_fill, masked_fill,
// masked_select, take, take_along_dim and nonzero.
//
// gather/scatter walk the index tensor once; every index is checked
// against its dim before anything is read or written, and the other dims
// are bounded by the checks on the index's shape, so each offset lies
// inside a geometry MakeTensor has proved. The index_* and masked_* ops are
// advanced indexing (ops_index.cc) with PyTorch's own checks and messages
// in front and torch's grad_fn name on the result (Composite).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

std::string Dims(const Shape& s) { return ShapeToString(s); }

// Walks `sizes` row-major, keeping one element offset per stride set.
template <size_t N>
class MultiOdometer {
 public:
  MultiOdometer(const Shape& sizes, std::array<Shape, N> strides)
      : sizes_(sizes), strides_(std::move(strides)), idx_(sizes.size(), 0) {}
  int64_t operator[](size_t k) const { return off_[k]; }
  void Next() {
    for (int64_t d = static_cast<int64_t>(sizes_.size()) - 1; d >= 0; --d) {
      if (++idx_[d] < sizes_[d]) {
        for (size_t k = 0; k < N; ++k) off_[k] += strides_[k][d];
        return;
      }
      for (size_t k = 0; k < N; ++k)
        off_[k] -= (sizes_[d] - 1) * strides_[k][d];
      idx_[d] = 0;
    }
  }

 private:
  const Shape& sizes_;
  std::array<Shape, N> strides_;
  std::vector<int64_t> idx_;
  std::array<int64_t, N> off_{};
};

int64_t NumelOf(const Shape& s) {
  int64_t n = 1;
  for (int64_t x : s) n *= x;
  return n;
}

// gather/scatter's shape rules. `src` may be null (gather, scatter value).
absl::Status CheckScatterGather(const char* op, const Tensor& self, int64_t dim,
                                const Tensor& index, const Tensor* src) {
  if (index.dtype() != DType::kInt64) {
    return absl::InvalidArgumentError(
        absl::StrCat(op, "(): Expected dtype int64 for index"));
  }
  const int64_t nd = std::max<int64_t>(self.dim(), 1);
  if (std::max<int64_t>(index.dim(), 1) != nd && index.numel() != 0) {
    return absl::InvalidArgumentError(
        "Index tensor must have the same number of dimensions as input "
        "tensor");
  }
  if (src != nullptr && std::max<int64_t>(src->dim(), 1) != nd &&
      index.numel() != 0) {
    return absl::InvalidArgumentError(
        "Index tensor must have the same number of dimensions as src tensor");
  }
  if (index.numel() == 0) return absl::OkStatus();
  for (int64_t d = 0; d < index.dim(); ++d) {
    const int64_t is = index.size(d);
    const int64_t ss = self.dim() == 0 ? 1 : self.size(d);
    if (d != dim && is > ss) {
      if (src != nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Expected index ", Dims(index.sizes()), " to be smaller than self ",
            Dims(self.sizes()), " apart from dimension ", dim,
            " and to be smaller size than src ", Dims(src->sizes())));
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "Size does not match at dimension ", d, " expected index ",
          Dims(index.sizes()), " to be smaller than self ", Dims(self.sizes()),
          " apart from dimension ", dim));
    }
    if (src != nullptr && is > (src->dim() == 0 ? 1 : src->size(d))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Expected index ", Dims(index.sizes()), " to be smaller than self ",
          Dims(self.sizes()), " apart from dimension ", dim,
          " and to be smaller size than src ", Dims(src->sizes())));
    }
  }
  return absl::OkStatus();
}

// Strides of a tensor seen with at least one dim (0-d as [1]).
Shape StridesAtLeast1(const Tensor& t) {
  return t.dim() == 0 ? Shape{1} : t.strides();
}
Shape SizesAtLeast1(const Tensor& t) {
  return t.dim() == 0 ? Shape{1} : t.sizes();
}

// Calls f(element_offset) for every element of `index`, in row-major
// order, one innermost row at a time.
template <typename F>
void ForEachIndexRow(const Tensor& index, F&& f) {
  const Shape isz = SizesAtLeast1(index);
  const Shape ist = StridesAtLeast1(index);
  const int64_t nd = static_cast<int64_t>(isz.size());
  const int64_t inner = isz[nd - 1];
  const int64_t rows = NumelOf(isz) / inner;
  const Shape outer(isz.begin(), isz.end() - 1);
  MultiOdometer<1> it(outer, {Shape(ist.begin(), ist.end() - 1)});
  for (int64_t r = 0; r < rows; ++r, it.Next()) f(it[0], inner, ist[nd - 1]);
}

// The first index value outside [0, limit), in index's row-major order, as
// the error torch gives; OK if there is none.
absl::Status FirstBadIndex(const Tensor& index, int64_t dim, int64_t limit) {
  const int64_t* ip = index.data<int64_t>();
  int64_t bad = 0;
  bool found = false;
  ForEachIndexRow(index, [&](int64_t off, int64_t n, int64_t step) {
    for (int64_t i = 0; i < n && !found; ++i) {
      const int64_t v = ip[off + i * step];
      if (v < 0 || v >= limit) {
        bad = v;
        found = true;
      }
    }
  });
  if (!found) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("index ", bad, " is out of bounds for dimension ", dim,
                   " with size ", limit));
}

// Calls f(self_offset, src_offset) for every element of index, in index's
// row-major order, after checking every index value against self's dim.
// self's offset is in `out_strides`, src's in src's strides (0 without
// src). Serial: scatter's writes may collide, and the last one wins.
template <typename F>
absl::Status ForEachScatter(const Tensor& self, int64_t dim,
                            const Tensor& index, const Tensor* src,
                            const Shape& out_strides, F&& f) {
  if (index.numel() == 0) return absl::OkStatus();
  const int64_t limit = self.dim() == 0 ? 1 : self.size(dim);
  // Every caller writes into a tensor of its own (a fresh result, a clone,
  // zeros), but checking first keeps even that tensor untouched.
  TENSORD_RETURN_IF_ERROR(FirstBadIndex(index, dim, limit));
  const Shape isz = SizesAtLeast1(index);
  Shape self_st = out_strides.empty() ? Shape{1} : out_strides;
  const int64_t dim_stride = self_st[dim];
  self_st[dim] = 0;
  const Shape src_st =
      src != nullptr ? StridesAtLeast1(*src) : Shape(isz.size(), 0);
  const int64_t* ip = index.data<int64_t>();
  const int64_t nd = static_cast<int64_t>(isz.size());
  const int64_t inner = isz[nd - 1];
  const Shape ist = StridesAtLeast1(index);
  const int64_t is = ist[nd - 1], ss = self_st[nd - 1], xs = src_st[nd - 1];
  const int64_t rows = NumelOf(isz) / inner;
  const Shape outer(isz.begin(), isz.end() - 1);
  MultiOdometer<3> it(outer, {Shape(ist.begin(), ist.end() - 1),
                              Shape(self_st.begin(), self_st.end() - 1),
                              Shape(src_st.begin(), src_st.end() - 1)});
  for (int64_t r = 0; r < rows; ++r, it.Next()) {
    const int64_t io = it[0], so = it[1], xo = it[2];
    for (int64_t i = 0; i < inner; ++i) {
      f(so + i * ss + ip[io + i * is] * dim_stride, xo + i * xs);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> DimOf(const Tensor& t, int64_t dim) {
  return WrapDim(dim, std::max<int64_t>(t.dim(), 1));
}

// Raw kernels (no autograd): out is written in place.
absl::Status ScatterInto(const Tensor& out, int64_t dim, const Tensor& index,
                         const Tensor& src, bool add) {
  if (!add) {
    absl::Status st;
    TENSORD_DISPATCH_ALL(out.dtype(), T, {
      T* op = out.data<T>();
      const T* sp = src.data<T>();
      st = ForEachScatter(out, dim, index, &src, out.strides(),
                          [&](int64_t so, int64_t xo) { op[so] = sp[xo]; });
    });
    return st;
  }
  absl::Status st;
  TENSORD_DISPATCH_ALL(out.dtype(), T, {
    T* op = out.data<T>();
    const T* sp = src.data<T>();
    st = ForEachScatter(
        out, dim, index, &src, out.strides(),
        [&](int64_t so, int64_t xo) { op[so] = WrapAdd(op[so], sp[xo]); });
  });
  return st;
}

// index as int64 and contiguous-or-not; checked by the caller. The rows
// of the result are independent, so they run in parallel.
StatusOrTensor GatherRaw(const Tensor& self, int64_t dim, const Tensor& index) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(index.sizes(), self.dtype()));
  if (index.numel() == 0) return out;
  const int64_t limit = self.dim() == 0 ? 1 : self.size(dim);
  const Shape isz = SizesAtLeast1(index);
  Shape self_st = StridesAtLeast1(self);
  const int64_t dim_stride = self_st[dim];
  self_st[dim] = 0;
  const int64_t* ip = index.data<int64_t>();
  std::atomic<bool> bad{false};
  TENSORD_DISPATCH_ALL(self.dtype(), T, {
    const T* s = self.data<T>();
    T* o = out.data<T>();
    ForEachRow<3>(
        isz, {StridesAtLeast1(out), StridesAtLeast1(index), self_st},
        [&](const std::array<int64_t, 3>& off, int64_t n,
            const std::array<int64_t, 3>& step) {
          T* op = o + off[0];
          const int64_t* xp = ip + off[1];
          const T* sp = s + off[2];
          bool row_bad = false;
          if (step[0] == 1 && step[1] == 1 && step[2] == 0) {
            // Gathering along the innermost dim: one row of self.
            // A bad index reads nothing (not even element 0: self's dim
            // may be empty).
            for (int64_t i = 0; i < n; ++i) {
              const int64_t v = xp[i];
              if (static_cast<uint64_t>(v) >= static_cast<uint64_t>(limit)) {
                row_bad = true;
                continue;
              }
              op[i] = sp[v * dim_stride];
            }
            if (row_bad) bad.store(true, std::memory_order_relaxed);
            return;
          }
          for (int64_t i = 0; i < n; ++i) {
            const int64_t v = xp[i * step[1]];
            // Never read outside self's dim; the error comes
            // after the loop.
            if (static_cast<uint64_t>(v) >= static_cast<uint64_t>(limit)) {
              row_bad = true;
              continue;
            }
            op[i * step[0]] = sp[i * step[2] + v * dim_stride];
          }
          if (row_bad) bad.store(true, std::memory_order_relaxed);
        });
  });
  if (bad.load()) return FirstBadIndex(index, dim, limit);
  return out;
}

// scatter_reduce's reductions, as ATen's CPU scatter kernels combine:
// each element of self takes src's values at it in index order (sum,
// prod and mean add or multiply one at a time; amax/amin take a NaN and
// otherwise std::max/min).
enum class ScatterReduction { kSum, kProd, kMean, kAmax, kAmin };

// out (a fresh tensor holding self's values) reduced with src at index
// along dim; without include_self the positions index reaches start from
// the reduction's identity. mean is left as the sum here.
absl::Status ScatterReduceRaw(const Tensor& out, int64_t dim,
                              const Tensor& index, const Tensor& src,
                              ScatterReduction op, bool include_self) {
  absl::Status st;
  TENSORD_DISPATCH_ALL(out.dtype(), T, {
    T* o = out.data<T>();
    const T* sp = src.data<T>();
    if (!include_self) {
      T ident = T(0);
      if (op == ScatterReduction::kProd) ident = T(1);
      if constexpr (!kIsComplex<T> && !std::is_same_v<T, bool>) {
        constexpr bool inf = std::numeric_limits<T>::has_infinity;
        if (op == ScatterReduction::kAmax) {
          ident = inf ? -std::numeric_limits<T>::infinity()
                      : std::numeric_limits<T>::lowest();
        } else if (op == ScatterReduction::kAmin) {
          ident = inf ? std::numeric_limits<T>::infinity()
                      : std::numeric_limits<T>::max();
        }
      } else if constexpr (std::is_same_v<T, bool>) {
        if (op == ScatterReduction::kAmin) ident = true;
      }
      st = ForEachScatter(out, dim, index, nullptr, out.strides(),
                          [&](int64_t so, int64_t) { o[so] = ident; });
      if (!st.ok()) return;
    }
    switch (op) {
      case ScatterReduction::kSum:
      case ScatterReduction::kMean:
        st = ForEachScatter(out, dim, index, &src, out.strides(),
                            [&](int64_t so, int64_t xo) {
                              if constexpr (std::is_same_v<T, bool>) {
                                o[so] = o[so] || sp[xo];
                              } else {
                                o[so] = WrapAdd(o[so], sp[xo]);
                              }
                            });
        break;
      case ScatterReduction::kProd:
        st = ForEachScatter(out, dim, index, &src, out.strides(),
                            [&](int64_t so, int64_t xo) {
                              if constexpr (std::is_same_v<T, bool>) {
                                o[so] = o[so] && sp[xo];
                              } else {
                                o[so] = WrapMul(o[so], sp[xo]);
                              }
                            });
        break;
      case ScatterReduction::kAmax:
      case ScatterReduction::kAmin:
        if constexpr (!kIsComplex<T>) {
          const bool max = op == ScatterReduction::kAmax;
          st = ForEachScatter(out, dim, index, &src, out.strides(),
                              [&](int64_t so, int64_t xo) {
                                const T v = sp[xo];
                                if (v != v) {
                                  o[so] = v;  // NaN wins
                                } else {
                                  o[so] = max ? std::max(o[so], v)
                                              : std::min(o[so], v);
                                }
                              });
        }
        break;
    }
  });
  return st;
}

}  // namespace

absl::Status ScatterAddRaw(const Tensor& out, int64_t dim, const Tensor& index,
                           const Tensor& src) {
  return ScatterInto(out, dim, index, src, true);
}

StatusOrTensor Gather(const Tensor& self, int64_t dim, const Tensor& index) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, dim));
  TENSORD_RETURN_IF_ERROR(
      CheckScatterGather("gather", self, d, index, nullptr));
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, GatherRaw(self, d, index));
  }
  if (auto node = RecordOp("GatherBackward0", {&self}, {&out})) {
    const int slot = node->Save(index.detach());
    node->set_backward(
        [slot, d, shape = self.sizes(), dt = self.dtype()](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor idx, n.Saved(slot));
          TENSORD_ASSIGN_OR_RETURN(
              Tensor z,
              LinearInGrad(
                  n, g[0],
                  [&](const Tensor& gi) -> StatusOrTensor {
                    TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(shape, dt));
                    TENSORD_ASSIGN_OR_RETURN(Tensor gc, To(gi, dt));
                    TENSORD_RETURN_IF_ERROR(ScatterInto(z, d, idx, gc, true));
                    return z;
                  },
                  [idx, d](const Tensor& gg) { return Gather(gg, d, idx); }));
          return GradList{z};
        });
  }
  return out;
}

StatusOrTensor Scatter(const Tensor& self, int64_t dim, const Tensor& index,
                       const Tensor& src, bool add) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, dim));
  const bool value_form = src.is_wrapped_number() && !add;
  TENSORD_RETURN_IF_ERROR(CheckScatterGather(add ? "scatter_add" : "scatter",
                                             self, d, index,
                                             value_form ? nullptr : &src));
  if (!value_form && src.dtype() != self.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat(add ? "scatter_add" : "scatter",
                     "(): Expected self.dtype to be equal to src.dtype"));
  }
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, Clone(self));
    Tensor s = src;
    if (value_form) {
      TENSORD_ASSIGN_OR_RETURN(Tensor v, To(src, self.dtype()));
      TENSORD_ASSIGN_OR_RETURN(
          s, Expand(v, DimList(index.sizes().begin(), index.sizes().end())));
    }
    TENSORD_RETURN_IF_ERROR(ScatterInto(out, d, index, s, add));
  }
  const char* name = add          ? "ScatterAddBackward0"
                     : value_form ? "ScatterBackward1"
                                  : "ScatterBackward0";
  std::vector<const Tensor*> ins = {&self};
  if (!value_form) ins.push_back(&src);
  if (auto node = RecordOp(name, ins, {&out})) {
    const int slot = node->Save(index.detach());
    node->set_backward([slot, d, add, value_form, name,
                        src_shape = src.sizes()](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor idx, n.Saved(slot));
      // Both results are linear in g: with create_graph, the transpose
      // masks gg_self as g was masked and scatter-adds gg_src back.
      auto transpose = [idx, d, add](const GradList& gg) -> StatusOrTensor {
        TENSORD_ASSIGN_OR_RETURN(Tensor r, Clone(gg[0]));
        if (!add) {
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, Zeros(idx.sizes(), r.dtype()));
          TENSORD_RETURN_IF_ERROR(ScatterInto(r, d, idx, zero, false));
        }
        if (gg.size() > 1) {
          TENSORD_ASSIGN_OR_RETURN(Tensor src, To(gg[1], r.dtype()));
          TENSORD_ASSIGN_OR_RETURN(src, Contiguous(src));
          TENSORD_RETURN_IF_ERROR(ScatterInto(r, d, idx, src, true));
        }
        return r;
      };
      GradList r;
      {
        NoGradGuard ng;
        TENSORD_ASSIGN_OR_RETURN(Tensor gs, Clone(g[0]));
        if (!add) {
          TENSORD_ASSIGN_OR_RETURN(Tensor zero, Zeros(idx.sizes(), gs.dtype()));
          TENSORD_RETURN_IF_ERROR(ScatterInto(gs, d, idx, zero, false));
        }
        r.push_back(gs);
        if (!value_form) {
          if (idx.sizes() != src_shape) {
            // PyTorch's derivative is grad.gather(dim, index), of index's
            // shape; its engine refuses that for a larger src, and so do we.
            return absl::InvalidArgumentError(
                absl::StrCat("Function ", name,
                             " returned an invalid gradient at index 1 - got ",
                             ShapeToString(idx.sizes()),
                             " but expected shape compatible with ",
                             ShapeToString(src_shape)));
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor gsrc, GatherRaw(g[0], d, idx));
          r.push_back(gsrc);
        }
      }
      return LinearInGradMulti(n, g[0], std::move(r), transpose);
    });
  }
  return out;
}

StatusOrTensor ScatterInplace(const Tensor& self, int64_t dim,
                              const Tensor& index, const Tensor& src,
                              bool add) {
  return Inplace(self, {&index, &src},
                 [&] { return Scatter(self, dim, index, src, add); });
}

namespace {

// scatter_reduce's backward, torch 1.13's scatter_reduce_backward written
// with differentiable ops (so create_graph records it).
absl::StatusOr<GradList> ScatterReduceGrads(
    const Tensor& g, const Tensor& self, int64_t d, const Tensor& index,
    const Tensor& src, const Tensor& result, ScatterReduction op,
    const std::string& reduce, bool include_self) {
  const DType dt = self.dtype();
  auto scalar = [dt](double v) { return ScalarTensor(Scalar(v), dt); };
  Tensor grad_self, grad_src;
  switch (op) {
    case ScatterReduction::kSum: {
      grad_self = g;
      TENSORD_ASSIGN_OR_RETURN(grad_src, Gather(g, d, index));
      break;
    }
    case ScatterReduction::kMean: {
      TENSORD_ASSIGN_OR_RETURN(Tensor n,
                               include_self ? OnesLike(g) : ZerosLike(g));
      TENSORD_ASSIGN_OR_RETURN(Tensor ones, OnesLike(src, g.dtype()));
      TENSORD_ASSIGN_OR_RETURN(n, Scatter(n, d, index, ones, true));
      TENSORD_ASSIGN_OR_RETURN(Tensor none, Eq(n, scalar(0)));
      TENSORD_ASSIGN_OR_RETURN(n, MaskedFill(n, none, scalar(1)));
      TENSORD_ASSIGN_OR_RETURN(grad_self, Div(g, n));
      TENSORD_ASSIGN_OR_RETURN(Tensor n_src, Gather(n, d, index));
      TENSORD_ASSIGN_OR_RETURN(Tensor g_src, Gather(g, d, index));
      TENSORD_ASSIGN_OR_RETURN(grad_src, Div(g_src, n_src));
      break;
    }
    case ScatterReduction::kAmax:
    case ScatterReduction::kAmin: {
      // The gradient goes evenly to every element equal to the result.
      TENSORD_ASSIGN_OR_RETURN(Tensor value, Gather(result, d, index));
      TENSORD_ASSIGN_OR_RETURN(Tensor self_is, Eq(self, result));
      TENSORD_ASSIGN_OR_RETURN(Tensor src_is, Eq(src, value));
      TENSORD_ASSIGN_OR_RETURN(Tensor self_is_f, To(self_is, dt));
      TENSORD_ASSIGN_OR_RETURN(Tensor src_is_f, To(src_is, dt));
      TENSORD_ASSIGN_OR_RETURN(Tensor n,
                               Scatter(self_is_f, d, index, src_is_f, true));
      TENSORD_ASSIGN_OR_RETURN(Tensor dist, Div(g, n));
      TENSORD_ASSIGN_OR_RETURN(grad_self, Mul(self_is, dist));
      TENSORD_ASSIGN_OR_RETURN(Tensor dist_src, Gather(dist, d, index));
      TENSORD_ASSIGN_OR_RETURN(grad_src, Mul(src_is, dist_src));
      break;
    }
    case ScatterReduction::kProd: {
      // Products that leave out self's (or src's single) zero, so a zero
      // factor still passes on the product of the others.
      TENSORD_ASSIGN_OR_RETURN(Tensor self_zero, Eq(self, scalar(0)));
      TENSORD_ASSIGN_OR_RETURN(Tensor masked_self,
                               MaskedFill(self, self_zero, scalar(1)));
      TENSORD_ASSIGN_OR_RETURN(
          Tensor masked_self_result,
          ScatterReduce(masked_self, d, index, src, reduce, include_self));
      TENSORD_ASSIGN_OR_RETURN(Tensor t, Mul(g, masked_self_result));
      TENSORD_ASSIGN_OR_RETURN(grad_self, Div(t, masked_self));
      TENSORD_ASSIGN_OR_RETURN(Tensor src_zero, Eq(src, scalar(0)));
      TENSORD_ASSIGN_OR_RETURN(Tensor src_zero_f, To(src_zero, dt));
      TENSORD_ASSIGN_OR_RETURN(Tensor zeros, ZerosLike(self));
      TENSORD_ASSIGN_OR_RETURN(Tensor nz,
                               Scatter(zeros, d, index, src_zero_f, true));
      TENSORD_ASSIGN_OR_RETURN(Tensor src_num_zeros, Gather(nz, d, index));
      TENSORD_ASSIGN_OR_RETURN(Tensor one_zero, Eq(src_num_zeros, scalar(1)));
      TENSORD_ASSIGN_OR_RETURN(Tensor single, LogicalAnd(src_zero, one_zero));
      TENSORD_ASSIGN_OR_RETURN(Tensor masked_src,
                               MaskedFill(src, single, scalar(1)));
      TENSORD_ASSIGN_OR_RETURN(
          Tensor masked_src_result,
          ScatterReduce(self, d, index, masked_src, reduce, include_self));
      TENSORD_ASSIGN_OR_RETURN(Tensor a, Mul(g, masked_src_result));
      TENSORD_ASSIGN_OR_RETURN(a, Gather(a, d, index));
      TENSORD_ASSIGN_OR_RETURN(Tensor b, Mul(g, result));
      TENSORD_ASSIGN_OR_RETURN(b, Gather(b, d, index));
      TENSORD_ASSIGN_OR_RETURN(Tensor src_nz,
                               MaskedFill(src, src_zero, scalar(1)));
      TENSORD_ASSIGN_OR_RETURN(b, Div(b, src_nz));
      TENSORD_ASSIGN_OR_RETURN(grad_src, Where(single, a, b));
      if (GradEnabled()) {
        // torch's DelayedError: differentiating this again is an error
        // when two zeros of src meet at one place.
        TENSORD_ASSIGN_OR_RETURN(Tensor many, Gt(src_num_zeros, scalar(1)));
        TENSORD_ASSIGN_OR_RETURN(Tensor any, Any(many, {}, false));
        if (*any.data<bool>()) {
          return absl::UnimplementedError(
              "scatter_reduce(): Double backward is unsupported for src when "
              ">1 zeros in src are scattered to the same position in self");
        }
      }
      break;
    }
  }
  if (!include_self) {
    TENSORD_ASSIGN_OR_RETURN(
        grad_self,
        Scatter(grad_self, d, index, WrapScalar(Scalar(0.0)), false));
  }
  return GradList{grad_self, grad_src};
}

}  // namespace

StatusOrTensor ScatterReduce(const Tensor& self, int64_t dim,
                             const Tensor& index, const Tensor& src,
                             const std::string& reduce, bool include_self) {
  static const auto* kOps = new std::map<std::string, ScatterReduction>{
      {"sum", ScatterReduction::kSum},
      {"prod", ScatterReduction::kProd},
      {"mean", ScatterReduction::kMean},
      {"amax", ScatterReduction::kAmax},
      {"amin", ScatterReduction::kAmin}};
  const auto it = kOps->find(reduce);
  if (it == kOps->end()) {
    return absl::InvalidArgumentError(
        "reduce argument must be either sum, prod, mean, amax or amin.");
  }
  const ScatterReduction op = it->second;
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, dim));
  TENSORD_RETURN_IF_ERROR(CheckScatterGather("scatter", self, d, index, &src));
  if (src.dtype() != self.dtype()) {
    return absl::InvalidArgumentError(
        "scatter(): Expected self.dtype to be equal to src.dtype");
  }
  if (IsComplex(self.dtype()) &&
      (op == ScatterReduction::kAmax || op == ScatterReduction::kAmin)) {
    return absl::UnimplementedError(absl::StrCat(
        "\"scatter_gather_tensor_cpu_reduce_", reduce,
        "\" not implemented for '", DTypeShortName(self.dtype()), "'"));
  }
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, Clone(self));
    TENSORD_RETURN_IF_ERROR(
        ScatterReduceRaw(out, d, index, src, op, include_self));
    if (op == ScatterReduction::kMean) {
      // torch: out / count, count being how many values each element
      // took (self's own with include_self), at least 1; floor division
      // for integers.
      TENSORD_ASSIGN_OR_RETURN(Tensor count,
                               include_self ? OnesLike(out) : ZerosLike(out));
      TENSORD_ASSIGN_OR_RETURN(Tensor ones, Ones(index.sizes(), out.dtype()));
      TENSORD_RETURN_IF_ERROR(ScatterInto(count, d, index, ones, true));
      TENSORD_ASSIGN_OR_RETURN(
          Tensor none, Eq(count, ScalarTensor(Scalar(0.0), out.dtype())));
      TENSORD_ASSIGN_OR_RETURN(
          count,
          MaskedFill(count, none, ScalarTensor(Scalar(1.0), out.dtype())));
      if (IsFloating(out.dtype()) || IsComplex(out.dtype())) {
        TENSORD_ASSIGN_OR_RETURN(out, Div(out, count));
      } else {
        TENSORD_ASSIGN_OR_RETURN(out, DivMode(out, count, "floor"));
      }
    }
  }
  if (auto node = RecordOp("ScatterReduceBackward0", {&self, &src}, {&out})) {
    const int s_self = node->Save(self);
    const int s_src = node->Save(src);
    const int s_index = node->Save(index.detach());
    const int s_out = node->Save(out, /*is_output=*/true);
    node->set_backward(
        [s_self, s_src, s_index, s_out, d, op, reduce, include_self](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor self_v, n.Saved(s_self));
          TENSORD_ASSIGN_OR_RETURN(Tensor src_v, n.Saved(s_src));
          TENSORD_ASSIGN_OR_RETURN(Tensor idx, n.Saved(s_index));
          TENSORD_ASSIGN_OR_RETURN(Tensor result, n.Saved(s_out));
          return ScatterReduceGrads(g[0], self_v, d, idx, src_v, result, op,
                                    reduce, include_self);
        });
  }
  return out;
}

StatusOrTensor ScatterReduceInplace(const Tensor& self, int64_t dim,
                                    const Tensor& index, const Tensor& src,
                                    const std::string& reduce,
                                    bool include_self) {
  return Inplace(self, {&index, &src}, [&]() -> StatusOrTensor {
    // The derivative needs self's old value: compute on a copy, as torch's
    // codegen does (original_self).
    Tensor original = self;
    if (GradEnabled() && (self.requires_grad() || src.requires_grad())) {
      TENSORD_ASSIGN_OR_RETURN(original, Clone(self));
    }
    return ScatterReduce(original, dim, index, src, reduce, include_self);
  });
}

namespace {

// [:, :, ..., @] with the tensor at dim.
std::vector<IndexItem> AtDim(int64_t dim) {
  std::vector<IndexItem> items;
  for (int64_t i = 0; i < dim; ++i) {
    items.push_back(IndexItem::Slice(std::nullopt, std::nullopt, 1));
  }
  items.push_back(IndexItem::TensorPlace());
  return items;
}

// index_*'s index: a vector (or scalar) of int64/int32, as int64 1-d,
// every value inside [-size, size) (negative ones count from the end).
StatusOrTensor VectorIndex(const char* op, const Tensor& self, int64_t dim,
                           const Tensor& index, bool select_message) {
  if (index.dtype() != DType::kInt64 && index.dtype() != DType::kInt32) {
    return absl::InvalidArgumentError(
        absl::StrCat(op, "(): Expected dtype int32 or int64 for index"));
  }
  if (index.dim() > 1) {
    return IndexError(absl::StrCat(op, "(): Index is supposed to be a vector"));
  }
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor i64, To(index.detach(), DType::kInt64));
  TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(i64, {-1}));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(flat));
  const int64_t size = self.dim() == 0 ? 1 : self.size(dim);
  const int64_t* p = c.data<int64_t>();
  for (int64_t k = 0; k < c.numel(); ++k) {
    if (p[k] < 0 || p[k] >= size) {
      if (select_message) {
        return absl::InvalidArgumentError(
            absl::StrCat("INDICES element is out of DATA bounds, id=", p[k],
                         " axis_dim=", size));
      }
      return IndexError(absl::StrCat("index out of range in self"));
    }
  }
  return c;
}

}  // namespace

StatusOrTensor IndexSelect(const Tensor& self, int64_t dim,
                           const Tensor& index) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, dim));
  TENSORD_ASSIGN_OR_RETURN(Tensor idx,
                           VectorIndex("index_select", self, d, index, true));
  if (self.dim() == 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor v, Reshape(self, {1}));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, IndexAdvanced(v, AtDim(0), {idx}));
    TENSORD_ASSIGN_OR_RETURN(
        r, Reshape(r, index.dim() == 0 ? DimList{} : DimList{-1}));
    return Composite("IndexSelectBackward0", r);
  }
  // Rows of self (the inner block after dim) copied per index: one memcpy
  // per block when self is contiguous.
  Tensor src = self.detach();
  if (!src.is_contiguous()) {
    TENSORD_ASSIGN_OR_RETURN(src, Contiguous(src));
  }
  Shape osz = self.sizes();
  osz[d] = idx.numel();
  Tensor out;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, Empty(osz, self.dtype()));
  }
  int64_t inner = 1;
  for (int64_t k = d + 1; k < self.dim(); ++k) inner *= self.size(k);
  int64_t outer = 1;
  for (int64_t k = 0; k < d; ++k) outer *= self.size(k);
  const int64_t n = idx.numel(), size = self.size(d);
  const size_t block = static_cast<size_t>(inner) * ItemSize(self.dtype());
  const char* sp = static_cast<const char*>(src.raw_data());
  char* op = static_cast<char*>(out.raw_data());
  const int64_t* ip = idx.data<int64_t>();
  ParallelFor(outer * n, inner, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t o = r / n, k = r % n;
      std::memcpy(op + r * block, sp + (o * size + ip[k]) * block, block);
    }
  });
  if (auto node = RecordOp("IndexSelectBackward0", {&self}, {&out})) {
    const int slot = node->Save(idx);
    node->set_backward(
        [slot, d, shape = self.sizes(), dt = self.dtype()](
            Node& nd, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor i, nd.Saved(slot));
          TENSORD_ASSIGN_OR_RETURN(
              Tensor z,
              LinearInGrad(
                  nd, g[0],
                  [&](const Tensor& gi) -> StatusOrTensor {
                    TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros(shape, dt));
                    TENSORD_ASSIGN_OR_RETURN(Tensor gc, To(gi, dt));
                    TENSORD_RETURN_IF_ERROR(IndexPutAdvanced(
                        z, AtDim(d), {i}, gc, /*accumulate=*/true));
                    return z;
                  },
                  [i, d](const Tensor& gg) { return IndexSelect(gg, d, i); }));
          return GradList{z};
        });
  }
  return out;
}

StatusOrTensor IndexAdd(const Tensor& self, int64_t dim, const Tensor& index,
                        const Tensor& source, const Scalar& alpha) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, dim));
  TENSORD_ASSIGN_OR_RETURN(Tensor idx,
                           VectorIndex("index_add", self, d, index, false));
  if (source.dtype() != self.dtype()) {
    return absl::InvalidArgumentError(
        "index_add_(): self and source must have the same scalar type");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Clone(self));
  Tensor src = source;
  if (!(alpha.is_integral() && alpha.to_int() == 1)) {
    TENSORD_ASSIGN_OR_RETURN(src,
                             Mul(source, ScalarTensor(alpha, source.dtype())));
  }
  TENSORD_RETURN_IF_ERROR(IndexPutAdvanced(out, AtDim(d), {idx}, src, true));
  return Composite("IndexAddBackward0", out);
}

StatusOrTensor IndexCopy(const Tensor& self, int64_t dim, const Tensor& index,
                         const Tensor& source) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, dim));
  TENSORD_ASSIGN_OR_RETURN(Tensor idx,
                           VectorIndex("index_copy", self, d, index, false));
  if (source.dtype() != self.dtype()) {
    return absl::InvalidArgumentError(
        "index_copy_(): self and source expected to have the same dtype");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Clone(self));
  TENSORD_RETURN_IF_ERROR(
      IndexPutAdvanced(out, AtDim(d), {idx}, source, false));
  return Composite("IndexCopyBackward0", out);
}

StatusOrTensor IndexFill(const Tensor& self, int64_t dim, const Tensor& index,
                         const Tensor& value) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, dim));
  TENSORD_ASSIGN_OR_RETURN(Tensor idx,
                           VectorIndex("index_fill", self, d, index, false));
  if (value.dim() != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "index_fill_ only supports a 0-dimensional value tensor, but got "
        "tensor with ",
        value.dim(), " dimension(s)."));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Clone(self));
  TENSORD_ASSIGN_OR_RETURN(Tensor v, To(value, self.dtype()));
  TENSORD_RETURN_IF_ERROR(IndexPutAdvanced(out, AtDim(d), {idx}, v, false));
  return Composite("IndexFillBackward0", out);
}

namespace {

StatusOrTensor BoolMask(const Tensor& mask) {
  if (mask.dtype() == DType::kBool) return mask;
  NoGradGuard ng;
  return Ne(mask.detach(), ScalarTensor(Scalar(int64_t{0}), mask.dtype()));
}

}  // namespace

StatusOrTensor MaskedFill(const Tensor& self, const Tensor& mask,
                          const Tensor& value) {
  if (value.dim() != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "masked_fill_ only supports a 0-dimensional value tensor, but got "
        "tensor with ",
        value.dim(), " dimension(s)."));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor m, BoolMask(mask));
  TENSORD_ASSIGN_OR_RETURN(Tensor v, To(value, self.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Where(m, v, self));
  if (r.dtype() != self.dtype()) {
    TENSORD_ASSIGN_OR_RETURN(r, To(r, self.dtype()));
  }
  return Composite("MaskedFillBackward0", r);
}

StatusOrTensor MaskedFillInplace(const Tensor& self, const Tensor& mask,
                                 const Tensor& value) {
  {
    auto b = BroadcastShapes(self.sizes(), mask.sizes());
    if (!b.ok() || *b != self.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "The size of tensor a (", self.dim() ? self.size(-1) : 1,
          ") must match the size of tensor b (", mask.dim() ? mask.size(-1) : 1,
          ") at non-singleton dimension ",
          std::max<int64_t>(self.dim(), 1) - 1));
    }
  }
  return Inplace(self, {&mask, &value},
                 [&] { return MaskedFill(self, mask, value); });
}

StatusOrTensor MaskedSelect(const Tensor& self, const Tensor& mask) {
  if (mask.dtype() != DType::kBool) {
    return absl::InvalidArgumentError(
        "masked_select: expected BoolTensor or ByteTensor for mask");
  }
  TENSORD_ASSIGN_OR_RETURN(Shape b,
                           BroadcastShapes(self.sizes(), mask.sizes()));
  const DimList bl(b.begin(), b.end());
  TENSORD_ASSIGN_OR_RETURN(Tensor se, Expand(self, bl));
  TENSORD_ASSIGN_OR_RETURN(Tensor me, Expand(mask.detach(), bl));
  if (b.empty()) {
    TENSORD_ASSIGN_OR_RETURN(se, Reshape(se, {1}));
    TENSORD_ASSIGN_OR_RETURN(me, Reshape(me, {1}));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r,
                           IndexAdvanced(se, {IndexItem::TensorPlace()}, {me}));
  return Composite("MaskedSelectBackward0", r);
}

StatusOrTensor Take(const Tensor& self, const Tensor& index) {
  if (index.dtype() != DType::kInt64) {
    return absl::InvalidArgumentError(
        "take(): Expected a long tensor for index, but got " +
        std::string(DTypeName(index.dtype())));
  }
  const int64_t n = self.numel();
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(index.detach()));
    const int64_t* p = c.data<int64_t>();
    for (int64_t k = 0; k < c.numel(); ++k) {
      if (p[k] < -n || p[k] >= n) {
        return IndexError(absl::StrCat("out of range: tried to access index ",
                                       p[k], " on a tensor of ", n,
                                       " elements."));
      }
    }
    if (n == 0 && c.numel() > 0) {
      return IndexError("take(): tried to take from an empty tensor");
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(self, {-1}));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor r,
      IndexAdvanced(flat, {IndexItem::TensorPlace()}, {index.detach()}));
  return Composite("TakeBackward0", r);
}

StatusOrTensor TakeAlongDim(const Tensor& self, const Tensor& indices,
                            std::optional<int64_t> dim) {
  if (indices.dtype() != DType::kInt64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "torch.take_along_dim(): dtype of indices should be Long but got ",
        DTypeName(indices.dtype())));
  }
  if (!dim.has_value()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(self, {-1}));
    TENSORD_ASSIGN_OR_RETURN(Tensor i, Reshape(indices, {-1}));
    return Gather(flat, 0, i);
  }
  if (self.dim() != indices.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "torch.take_along_dim(): input and indices should have the same "
        "number of dimensions, but got ",
        self.dim(), " dimensions for input, and ", indices.dim(),
        " dimensions for indices"));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, DimOf(self, *dim));
  // Broadcast every dim but d.
  Shape ss = self.sizes(), is = indices.sizes();
  if (self.dim() > 0) {
    ss[d] = 1;
    is[d] = 1;
  }
  TENSORD_ASSIGN_OR_RETURN(Shape b, BroadcastShapes(ss, is));
  DimList sb(b.begin(), b.end()), ib(b.begin(), b.end());
  if (self.dim() > 0) {
    sb[d] = self.size(d);
    ib[d] = indices.size(d);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor se, Expand(self, sb));
  TENSORD_ASSIGN_OR_RETURN(Tensor ie, Expand(indices, ib));
  return Gather(se, d, ie);
}

StatusOrTensor Nonzero(const Tensor& self) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor m, BoolMask(self));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(m));
  const bool* p = c.data<bool>();
  const int64_t n = c.numel();
  int64_t nnz = 0;
  for (int64_t e = 0; e < n; ++e) nnz += p[e] ? 1 : 0;
  const int64_t nd = self.dim();
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty({nnz, nd}, DType::kInt64));
  int64_t* o = out.data<int64_t>();
  const Shape st = ContiguousStrides(self.sizes());
  for (int64_t e = 0; e < n; ++e) {
    if (!p[e]) continue;
    int64_t rem = e;
    for (int64_t d = 0; d < nd; ++d) {
      *o++ = rem / st[d];
      rem %= st[d];
    }
  }
  return out;
}

absl::StatusOr<std::vector<Tensor>> NonzeroTuple(const Tensor& self) {
  TENSORD_ASSIGN_OR_RETURN(Tensor nz, Nonzero(self));
  std::vector<Tensor> outs;
  NoGradGuard ng;
  if (self.dim() == 0) {
    // torch: one index tensor of the 1-d view.
    TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros({nz.size(0)}, DType::kInt64));
    outs.push_back(z);
    return outs;
  }
  for (int64_t d = 0; d < self.dim(); ++d) {
    TENSORD_ASSIGN_OR_RETURN(Tensor col, Select(nz, 1, d));
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(col));
    outs.push_back(c);
  }
  return outs;
}

}  // namespace tensord
