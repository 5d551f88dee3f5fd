// torch.nn.functional: softmax and friends, losses, and the small layers
// (linear, normalize, distances), with their derivatives; the activations
// are in ops_activation.cc.
//
// softmax, log_softmax and nll_loss have their own kernels (one pass per
// slice, max-shifted, accumulated in double) and fused backward kernels;
// cross_entropy is log_softmax + nll_loss as in torch. The rest are
// compositions of differentiable ops named with torch's grad_fn through
// Composite(), or elementwise kernels with their derivative a few lines
// below.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/vec_math.h"

namespace tensord {

absl::StatusOr<Reduction> ParseReduction(absl::string_view s) {
  if (s == "mean") return Reduction::kMean;
  if (s == "sum") return Reduction::kSum;
  if (s == "none") return Reduction::kNone;
  return ValueError(absl::StrCat(s, " is not a valid value for reduction"));
}

absl::StatusOr<Reduction> LegacyReduction(std::optional<bool> size_average,
                                          std::optional<bool> reduce,
                                          absl::string_view reduction) {
  if (!size_average && !reduce) return ParseReduction(reduction);
  // torch's _Reduction.legacy_get_string: None counts as True.
  const bool avg = size_average.value_or(true), red = reduce.value_or(true);
  if (avg && red) return Reduction::kMean;
  return red ? Reduction::kSum : Reduction::kNone;
}

namespace {

// A tensor seen as [outer, n, inner] around one dim (a 0-dim tensor is one
// slice of one element).
struct SliceGeom {
  int64_t outer = 1, n = 1, inner = 1;
};

SliceGeom GeomOf(const Shape& s, int64_t d) {
  SliceGeom g;
  if (s.empty()) return g;
  for (int64_t i = 0; i < d; ++i) g.outer *= s[i];
  g.n = s[d];
  for (size_t i = d + 1; i < s.size(); ++i) g.inner *= s[i];
  return g;
}

// Calls f(offset of element 0 of the slice, stride) for every slice.
template <typename F>
void ForEachSlice(const SliceGeom& g, F&& f) {
  ParallelFor(g.outer * g.inner, std::max<int64_t>(g.n, 1),
              [&](int64_t b, int64_t e) {
                for (int64_t s = b; s < e; ++s) {
                  const int64_t o = s / g.inner, i = s % g.inner;
                  f(o * g.n * g.inner + i, g.inner);
                }
              });
}

// Calls f(offset of element 0 of the slice, vec) for every slice of a
// geometry with inner > 1, as torch's non-last-dim softmax kernels walk
// them: per outer row, the inner positions in blocks of one vector (vec)
// and those after the last whole block one by one (!vec).
template <typename T, typename F>
void ForEachColumnT(const SliceGeom& g, F&& f) {
  constexpr int64_t L = kTorchLanes<T>;
  const int64_t whole = g.inner - g.inner % L;
  ParallelFor(g.outer * g.inner, std::max<int64_t>(g.n, 1),
              [&](int64_t b, int64_t e) {
                for (int64_t s = b; s < e; ++s) {
                  const int64_t o = s / g.inner, i = s % g.inner;
                  f(o * g.n * g.inner + i, i < whole);
                }
              });
}

// exp(v) as torch's vector (SLEEF) or scalar (glibc) code computes it.
template <typename T>
T TorchExpOf(T v, bool vec) {
  T r;
  if (vec && VecMapOne(VecFn::kExp, v, &r)) return r;
  return std::exp(v);
}

template <typename T>
T SliceMax(const T* xs, int64_t n, int64_t st) {
  T m = -std::numeric_limits<T>::infinity();
  for (int64_t k = 0; k < n; ++k) {
    const T v = xs[k * st];
    if (v > m || std::isnan(v)) m = v;
    if (std::isnan(v)) break;
  }
  return m;
}

// softmax (log = false) or log_softmax of contiguous x along a slice
// geometry into y (same dtype, contiguous). Along the last dim it computes
// as torch's _vec_(log_)softmax_lastdim: exp and log from SLEEF
// (vec_math.h), sums in torch's lane order, so the bits are torch's.
template <typename T>
void SoftmaxKernel(const T* x, T* y, const SliceGeom& g, bool log) {
  if (g.inner == 1 && g.n > 0) {
    constexpr int L = kTorchLanes<T>;
    ForEachSlice(g, [&](int64_t off, int64_t) {
      const T* xs = x + off;
      T* ys = y + off;
      const T m = SliceMax(xs, g.n, 1);
      for (int64_t k = 0; k < g.n; ++k) ys[k] = xs[k] - m;
      if (!VecMap(VecFn::kExp, ys, 1, ys, 1, g.n)) {
        for (int64_t k = 0; k < g.n; ++k) ys[k] = std::exp(ys[k]);
      }
      const T sum = TorchLaneSum<T, L>(ys, g.n);
      if (log) {
        T ls;
        if (!VecMapOne(VecFn::kLog, sum, &ls)) ls = std::log(sum);
        for (int64_t k = 0; k < g.n; ++k) ys[k] = xs[k] - m - ls;
      } else {
        const T inv = T(1) / sum;
        for (int64_t k = 0; k < g.n; ++k) ys[k] *= inv;
      }
    });
    return;
  }
  // Another dim: torch's _vec_softmax / _vec_log_softmax, which walk each
  // outer row's inner positions in blocks of one vector (L columns, each
  // column a slice) and the rest one column at a time. A block's exp and
  // log are SLEEF's; a tail column's exp is glibc's (log_softmax's log
  // stays SLEEF's); sums in T, in slice order.
  ForEachColumnT<T>(g, [&](int64_t off, bool vec) {
    const int64_t st = g.inner;
    const T* xs = x + off;
    T* ys = y + off;
    const T m = SliceMax(xs, g.n, st);
    T sum = 0;
    if (log) {
      for (int64_t k = 0; k < g.n; ++k)
        sum = sum + TorchExpOf(xs[k * st] - m, vec);
      T ls;
      if (!VecMapOne(VecFn::kLog, sum, &ls)) ls = std::log(sum);
      for (int64_t k = 0; k < g.n; ++k) ys[k * st] = (xs[k * st] - m) - ls;
    } else {
      for (int64_t k = 0; k < g.n; ++k) {
        const T e = TorchExpOf(xs[k * st] - m, vec);
        ys[k * st] = e;
        sum = sum + e;
      }
      for (int64_t k = 0; k < g.n; ++k) ys[k * st] = ys[k * st] / sum;
    }
  });
}

// softmax: gx = y * (g - sum(g * y)); log_softmax: gx = g - exp(y) * sum(g).
// Along the last dim as torch's _vec_host_softmax_backward_lastdim.
template <typename T>
void SoftmaxBackwardKernel(const T* gy, const T* y, T* gx, const SliceGeom& g,
                           bool log) {
  if (g.inner == 1 && g.n > 0) {
    constexpr int L = kTorchLanes<T>;
    ForEachSlice(g, [&](int64_t off, int64_t) {
      const T* gs = gy + off;
      const T* ys = y + off;
      T* out = gx + off;
      if (log) {
        const T s = TorchLaneSum<T, L>(gs, g.n);
        if (!VecMap(VecFn::kExp, ys, 1, out, 1, g.n)) {
          for (int64_t k = 0; k < g.n; ++k) out[k] = std::exp(ys[k]);
        }
        // g - exp(y) * s, fused as torch's build fuses it.
        for (int64_t k = 0; k < g.n; ++k) out[k] = std::fma(-out[k], s, gs[k]);
      } else {
        const T s = TorchLaneDot<T, L>(gs, ys, g.n);
        for (int64_t k = 0; k < g.n; ++k) out[k] = (gs[k] - s) * ys[k];
      }
    });
    return;
  }
  // Another dim, as torch's non-last-dim backward: per column, the sum in T
  // (softmax's products fused into it), then softmax y * (g - s) or
  // log_softmax g - exp(y) * s fused (exp: SLEEF's in a vector block,
  // glibc's in the tail).
  ForEachColumnT<T>(g, [&](int64_t off, bool vec) {
    const int64_t st = g.inner;
    const T* gs = gy + off;
    const T* ys = y + off;
    T* out = gx + off;
    T s = 0;
    if (log) {
      for (int64_t k = 0; k < g.n; ++k) s = s + gs[k * st];
      for (int64_t k = 0; k < g.n; ++k) {
        out[k * st] = std::fma(-TorchExpOf(ys[k * st], vec), s, gs[k * st]);
      }
    } else {
      for (int64_t k = 0; k < g.n; ++k) s = std::fma(gs[k * st], ys[k * st], s);
      for (int64_t k = 0; k < g.n; ++k) {
        out[k * st] = ys[k * st] * (gs[k * st] - s);
      }
    }
  });
}

absl::StatusOr<Tensor> ContiguousAs(const Tensor& t, DType dt) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor c, To(t, dt));
  return Contiguous(c);
}

StatusOrTensor SoftmaxImpl(const Tensor& input, int64_t dim,
                           std::optional<DType> dtype, bool log) {
  Tensor x = input;
  if (dtype && *dtype != x.dtype()) {
    TENSORD_ASSIGN_OR_RETURN(x, To(input, *dtype));
  }
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", log ? "log_softmax" : "softmax",
                     "_lastdim_kernel_impl\" not implemented for '",
                     DTypeShortName(x.dtype()), "'"));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t d, WrapDim(dim, x.dim()));
  const SliceGeom geom = GeomOf(x.sizes(), d);
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousAs(x, x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    SoftmaxKernel<T>(xc.data<T>(), out.data<T>(), geom, log);
  });
  if (auto node = RecordOp(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0",
                           {&x}, {&out})) {
    const int y_slot = node->Save(out, true);
    node->set_backward(
        [y_slot, geom, log, d](Node& n,
                               const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor y, n.Saved(y_slot));
          if (GradEnabled()) {
            // Recorded (create_graph): the same formula in differentiable
            // ops. softmax: y * (g - sum(g * y)); log_softmax:
            // g - exp(y) * sum(g).
            // The sums in double, as the kernel's.
            const DType dt = y.dtype();
            TENSORD_ASSIGN_OR_RETURN(Tensor g64, To(g[0], DType::kFloat64));
            if (log) {
              TENSORD_ASSIGN_OR_RETURN(Tensor s64, Sum(g64, {d}, true));
              TENSORD_ASSIGN_OR_RETURN(Tensor s, To(s64, dt));
              TENSORD_ASSIGN_OR_RETURN(Tensor p, Exp(y));
              TENSORD_ASSIGN_OR_RETURN(Tensor ps, Mul(p, s));
              TENSORD_ASSIGN_OR_RETURN(Tensor gx, Sub(g[0], ps));
              return GradList{gx};
            }
            TENSORD_ASSIGN_OR_RETURN(Tensor y64, To(y, DType::kFloat64));
            TENSORD_ASSIGN_OR_RETURN(Tensor gy, Mul(g64, y64));
            TENSORD_ASSIGN_OR_RETURN(Tensor s64, Sum(gy, {d}, true));
            TENSORD_ASSIGN_OR_RETURN(Tensor s, To(s64, dt));
            TENSORD_ASSIGN_OR_RETURN(Tensor c, Sub(g[0], s));
            TENSORD_ASSIGN_OR_RETURN(Tensor gx, Mul(y, c));
            return GradList{gx};
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor gy, ContiguousAs(g[0], y.dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor yc, ContiguousAs(y, y.dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor gx, Empty(y.sizes(), y.dtype()));
          TENSORD_DISPATCH_FLOATING(y.dtype(), T, {
            SoftmaxBackwardKernel<T>(gy.data<T>(), yc.data<T>(), gx.data<T>(),
                                     geom, log);
          });
          return GradList{gx};
        });
  }
  return out;
}

}  // namespace

int64_t SoftmaxDefaultDim(int64_t ndim) {
  return (ndim == 0 || ndim == 1 || ndim == 3) ? 0 : 1;
}

StatusOrTensor Softmax(const Tensor& x, int64_t dim,
                       std::optional<DType> dtype) {
  return SoftmaxImpl(x, dim, dtype, false);
}

StatusOrTensor LogSoftmax(const Tensor& x, int64_t dim,
                          std::optional<DType> dtype) {
  return SoftmaxImpl(x, dim, dtype, true);
}

StatusOrTensor Softmin(const Tensor& x, int64_t dim,
                       std::optional<DType> dtype) {
  TENSORD_ASSIGN_OR_RETURN(Tensor neg, Neg(x));
  return Softmax(neg, dim, dtype);
}

// ---------------------------------------------------------------------------
// nll_loss

namespace {

// nll_loss over input [N, C, K] (contiguous) and target [N, K]: output [N,
// K] for kNone, else one value; total weight of the counted targets. The
// reductions add as torch's nll_loss(2d)_forward_out_frame: an 8-level
// cascade in T over the linear index, the levels then summed in order; the
// total weight without `w` is the exact count.
template <typename T>
absl::Status NllForward(const T* x, const int64_t* t, const T* w, int64_t N,
                        int64_t C, int64_t K, int64_t ignore_index,
                        Reduction red, T* out, T* total_weight) {
  constexpr int kLevels = 8;
  T loss[kLevels] = {}, weight[kLevels] = {};
  int64_t ceil_log2 = 0;
  while ((int64_t{1} << ceil_log2) < N * K) ++ceil_log2;
  const int64_t power = std::max<int64_t>(4, ceil_log2 / kLevels);
  const int64_t mask0 = (int64_t{1} << power) - 1;
  int64_t ignored = 0;
  for (int64_t i = 0; i < N; ++i) {
    for (int64_t k = 0; k < K; ++k) {
      const int64_t c = t[i * K + k];
      if (c == ignore_index) {
        if (red == Reduction::kNone) out[i * K + k] = T(0);
        ++ignored;
        continue;
      }
      if (c < 0 || c >= C) {
        return IndexError(absl::StrCat("Target ", c, " is out of bounds."));
      }
      const T data = x[(i * C + c) * K + k];
      if (red == Reduction::kNone) {
        out[i * K + k] = -data * (w ? w[c] : T(1));
        continue;
      }
      if (w) {
        loss[0] -= data * w[c];
        weight[0] += w[c];
      } else {
        loss[0] -= data;
      }
      const int64_t idx = i * K + k;
      for (int j = 0; j + 1 < kLevels; ++j) {
        if ((idx & (mask0 << (j * power))) != 0) break;
        weight[j + 1] += weight[j];
        loss[j + 1] += loss[j];
        weight[j] = 0;
        loss[j] = 0;
      }
    }
  }
  T total = T(0), sum = T(0);
  for (int j = 0; j < kLevels; ++j) {
    total += weight[j];
    sum += loss[j];
  }
  if (!w && red != Reduction::kNone) total = static_cast<T>(N * K - ignored);
  if (red == Reduction::kSum) out[0] = sum;
  if (red == Reduction::kMean) out[0] = sum / total;
  *total_weight = total;
  return absl::OkStatus();
}

// A [N, C, K] view of the input and a [N, K] view of the target, from
// torch's accepted shapes; the error messages are torch's.
struct NllShapes {
  int64_t N = 1, C = 1, K = 1;
  Shape out_none;  // the shape of reduction='none' output
  const char* grad_fn = "NllLossBackward0";
  bool view_none = false;  // 'none' output made by a view (3-d, > 4-d)
};

absl::StatusOr<NllShapes> NllCheck(const Tensor& x, const Tensor& t,
                                   const Tensor* w) {
  NllShapes s;
  if (x.dim() < 1) {
    return ValueError(
        absl::StrCat("Expected 1 or more dimensions (got ", x.dim(), ")"));
  }
  if (x.dim() != 1 && (t.dim() == 0 || x.size(0) != t.size(0))) {
    if (t.dim() == 0) {
      return absl::InvalidArgumentError(
          "0D or 1D target tensor expected, multi-target not supported");
    }
    return ValueError(absl::StrCat("Expected input batch_size (", x.size(0),
                                   ") to match target batch_size (", t.size(0),
                                   ")."));
  }
  if (x.dim() <= 2) {
    if (t.dim() > 1) {
      return absl::InvalidArgumentError(
          "0D or 1D target tensor expected, multi-target not supported");
    }
    const bool no_batch = x.dim() == 1 && t.dim() == 0;
    if (!no_batch && x.size(0) != t.size(0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("size mismatch (got input: ", ShapeToString(x.sizes()),
                       ", target: ", ShapeToString(t.sizes()), ")"));
    }
    if (x.dim() == 1) {
      s.C = x.size(0);
      if (!no_batch) s.out_none = {t.size(0)};
      // A 1-d input with a 1-d target of one element: N = 1.
    } else {
      s.N = x.size(0);
      s.C = x.size(1);
      s.out_none = {s.N};
    }
  } else {
    s.N = x.size(0);
    s.C = x.size(1);
    Shape want = {s.N};
    for (int64_t d = 2; d < x.dim(); ++d) {
      want.push_back(x.size(d));
      s.K *= x.size(d);
    }
    if (x.dim() == 4) {
      if (t.dim() != 3) {
        return absl::InvalidArgumentError(absl::StrCat(
            "only batches of spatial targets supported (3D tensors) but got "
            "targets of dimension: ",
            t.dim()));
      }
      if (t.sizes() != want) {
        return absl::InvalidArgumentError(
            absl::StrCat("size mismatch (got input: ", ShapeToString(x.sizes()),
                         " , target: ", ShapeToString(t.sizes())));
      }
    } else if (t.sizes() != want) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expected target size ", ShapeToString(want), ", got ",
                       ShapeToString(t.sizes())));
    }
    s.out_none = want;
    s.grad_fn = "NllLoss2DBackward0";
    s.view_none = x.dim() != 4;
  }
  if (w != nullptr && (w->dim() != 1 || w->numel() != s.C)) {
    return absl::InvalidArgumentError(
        absl::StrCat("weight tensor should be defined either for all ", s.C,
                     " classes or no classes but got weight tensor of shape: ",
                     ShapeToString(w->sizes())));
  }
  if (t.dtype() != DType::kInt64) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected scalar type Long but found ", DTypeShortName(t.dtype())));
  }
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", x.dim() <= 2 ? "nll_loss_out_frame" : "nll_loss2d_out_frame",
        "\" not implemented for '", DTypeShortName(x.dtype()), "'"));
  }
  return s;
}

}  // namespace

StatusOrTensor NllLoss(const Tensor& input, const Tensor& target,
                       const Tensor& weight, Reduction reduction,
                       int64_t ignore_index) {
  if (weight.defined() && weight.requires_grad() && GradEnabled()) {
    return absl::InvalidArgumentError(
        "The function 'nll_loss_forward' is not differentiable with respect "
        "to argument 'weight'. This input cannot have requires_grad True.");
  }
  const Tensor* wp = weight.defined() ? &weight : nullptr;
  TENSORD_ASSIGN_OR_RETURN(NllShapes s, NllCheck(input, target, wp));
  const DType dt = input.dtype();
  TENSORD_ASSIGN_OR_RETURN(Tensor x, ContiguousAs(input, dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor t, ContiguousAs(target, DType::kInt64));
  Tensor w;
  if (wp) {
    TENSORD_ASSIGN_OR_RETURN(w, ContiguousAs(weight, dt));
  }
  // With a view to come, the kernel's own output is [N, 1, K] as torch's
  // nll_loss2d over the [N, C, 1, K] view.
  Shape kernel_shape;
  if (reduction == Reduction::kNone) {
    kernel_shape = s.out_none;
    if (s.view_none) kernel_shape = {s.N, 1, s.K};
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(kernel_shape, dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor total, Empty({}, dt));
  absl::Status st;
  TENSORD_DISPATCH_FLOATING(dt, T, {
    st = NllForward<T>(x.data<T>(), t.data<int64_t>(),
                       wp ? w.data<T>() : nullptr, s.N, s.C, s.K, ignore_index,
                       reduction, out.data<T>(), total.data<T>());
  });
  TENSORD_RETURN_IF_ERROR(st);
  if (auto node = RecordOp(s.grad_fn, {&input}, {&out})) {
    const int t_slot = node->Save(t);
    const int w_slot = wp ? node->Save(w) : -1;
    const int total_slot = node->Save(total);
    const Shape in_shape = input.sizes();
    node->set_backward(
        [t_slot, w_slot, total_slot, in_shape, s, reduction, ignore_index](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor t, n.Saved(t_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor total, n.Saved(total_slot));
          Tensor w;
          if (w_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(w, n.Saved(w_slot));
          }
          const DType dt = total.dtype();
          // The loss is linear in the input: the backward's transpose is the
          // loss itself (in the kernel's output shape).
          auto transpose =
              [t, w, reduction, ignore_index,
               shape = g[0].sizes()](const Tensor& gg) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(
                Tensor r, NllLoss(gg, t, w, reduction, ignore_index));
            return Reshape(r, DimList(shape.begin(), shape.end()));
          };
          auto backward = [&](const Tensor& gin) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor gc, ContiguousAs(gin, dt));
            TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(in_shape, dt));
            TENSORD_DISPATCH_FLOATING(dt, T, {
              const int64_t* pt = t.data<int64_t>();
              const T* pw = w.defined() ? w.data<T>() : nullptr;
              const T* pg = gc.data<T>();
              T* px = gx.data<T>();
              T scale = reduction == Reduction::kNone ? T(1) : pg[0];
              if (reduction == Reduction::kMean) scale /= total.data<T>()[0];
              for (int64_t i = 0; i < s.N; ++i) {
                for (int64_t k = 0; k < s.K; ++k) {
                  const int64_t c = pt[i * s.K + k];
                  if (c == ignore_index || c < 0 || c >= s.C) continue;
                  const T gv =
                      reduction == Reduction::kNone ? pg[i * s.K + k] : scale;
                  px[(i * s.C + c) * s.K + k] = -gv * (pw ? pw[c] : T(1));
                }
              }
            });
            return gx;
          };
          TENSORD_ASSIGN_OR_RETURN(Tensor gx,
                                   LinearInGrad(n, g[0], backward, transpose));
          return GradList{gx};
        });
  }
  if (s.view_none && reduction == Reduction::kNone) {
    return View(out, DimList(s.out_none.begin(), s.out_none.end()));
  }
  return out;
}

// ---------------------------------------------------------------------------
// cross_entropy

namespace {

// A view of a [C] weight that broadcasts along dim 1 of a `ndim`-d input.
StatusOrTensor ClassWeight(const Tensor& w, int64_t ndim, int64_t class_dim) {
  if (ndim <= 1) return w;
  DimList shape(ndim, 1);
  shape[class_dim] = w.size(0);
  return View(w, shape);
}

StatusOrTensor CrossEntropyProbs(const Tensor& input, const Tensor& target,
                                 const Tensor& weight, Reduction reduction,
                                 double label_smoothing) {
  const int64_t class_dim = input.dim() == 1 ? 0 : 1;
  if (input.dim() == 0) {
    return IndexError("Dimension specified as 1 but tensor has no dimensions");
  }
  const int64_t C = input.size(class_dim);
  if (weight.defined() && (weight.dim() != 1 || weight.numel() != C)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cross_entropy: weight tensor should be defined either for all ", C,
        " classes or no classes but got weight tensor of shape: ",
        ShapeToString(weight.sizes())));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor logp, LogSoftmax(input, class_dim));
  Tensor tg = target;
  if (label_smoothing > 0.0) {
    if (label_smoothing > 1.0) {
      return absl::InvalidArgumentError(
          absl::StrCat("label_smoothing must be between 0.0 and 1.0. Got: ",
                       label_smoothing));
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor a,
                             Mul(target, WrapScalar(1.0 - label_smoothing)));
    TENSORD_ASSIGN_OR_RETURN(
        tg, Add(a, WrapScalar(label_smoothing / static_cast<double>(C))));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor prod, Mul(logp, tg));
  if (weight.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor wv,
                             ClassWeight(weight, input.dim(), class_dim));
    TENSORD_ASSIGN_OR_RETURN(prod, Mul(prod, wv));
  }
  if (reduction == Reduction::kNone) {
    TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(prod, {class_dim}, false));
    return Neg(s);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(prod));
  const int64_t rows = C == 0 ? 0 : input.numel() / C;
  if (reduction == Reduction::kMean && input.numel() == 0) {
    // torch: -(sum.fill_(nan)), whose gradient is zero.
    TENSORD_ASSIGN_OR_RETURN(Tensor z, Mul(s, WrapScalar(0.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor f, Add(z, WrapScalar(std::nan(""))));
    return Neg(f);
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor ns, Neg(s));
  if (reduction == Reduction::kSum) return ns;
  TENSORD_ASSIGN_OR_RETURN(Tensor m,
                           Div(ns, WrapScalar(static_cast<double>(rows))));
  return Composite("DivBackward1", m);
}

StatusOrTensor CrossEntropySmoothed(const Tensor& input, const Tensor& target,
                                    const Tensor& weight, Reduction reduction,
                                    int64_t ignore_index,
                                    double label_smoothing) {
  const int64_t class_dim = input.dim() == 1 ? 0 : 1;
  TENSORD_ASSIGN_OR_RETURN(Tensor logp, LogSoftmax(input, class_dim));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor nll, NllLoss(logp, target, weight, reduction, ignore_index));
  const int64_t C = input.size(class_dim);
  TENSORD_ASSIGN_OR_RETURN(Tensor ignore, Eq(target, WrapScalar(ignore_index)));
  Tensor lw = logp;
  if (weight.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor wv,
                             ClassWeight(weight, input.dim(), class_dim));
    TENSORD_ASSIGN_OR_RETURN(lw, Mul(logp, wv));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(lw, {class_dim}, false));
  TENSORD_ASSIGN_OR_RETURN(Tensor smooth, Neg(s));
  TENSORD_ASSIGN_OR_RETURN(smooth, Where(ignore, WrapScalar(0.0), smooth));
  Tensor ret;
  if (reduction == Reduction::kNone) {
    ret = smooth;
  } else {
    TENSORD_ASSIGN_OR_RETURN(ret, Sum(smooth));
    if (reduction == Reduction::kMean) {
      Tensor denom;
      {
        NoGradGuard ng;
        TENSORD_ASSIGN_OR_RETURN(Tensor keep, LogicalNot(ignore));
        if (weight.defined()) {
          // The weights of the counted targets.
          TENSORD_ASSIGN_OR_RETURN(Tensor tc,
                                   Where(keep, target, WrapScalar(int64_t{0})));
          TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(tc, {-1}));
          TENSORD_ASSIGN_OR_RETURN(
              Tensor wt,
              IndexAdvanced(weight, {IndexItem::TensorPlace()}, {flat}));
          TENSORD_ASSIGN_OR_RETURN(Tensor kf, Reshape(keep, {-1}));
          TENSORD_ASSIGN_OR_RETURN(Tensor kw, To(kf, wt.dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor wk, Mul(wt, kw));
          TENSORD_ASSIGN_OR_RETURN(denom, Sum(wk));
        } else {
          TENSORD_ASSIGN_OR_RETURN(denom, Sum(keep));
        }
      }
      TENSORD_ASSIGN_OR_RETURN(ret, Div(ret, denom));
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor a,
                           Mul(WrapScalar(1.0 - label_smoothing), nll));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor b, Mul(ret, WrapScalar(label_smoothing / static_cast<double>(C))));
  return Add(a, b);
}

}  // namespace

StatusOrTensor CrossEntropy(const Tensor& input, const Tensor& target,
                            const Tensor& weight, Reduction reduction,
                            int64_t ignore_index, double label_smoothing) {
  if (input.sizes() == target.sizes()) {
    if (!IsFloating(target.dtype())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Expected floating point type for target with class probabilities, "
          "got ",
          DTypeShortName(target.dtype())));
    }
    if (ignore_index >= 0) {
      return absl::InvalidArgumentError(
          "ignore_index is not supported for floating point target");
    }
    return CrossEntropyProbs(input, target, weight, reduction, label_smoothing);
  }
  if (label_smoothing > 0.0) {
    if (label_smoothing > 1.0) {
      return absl::InvalidArgumentError(
          absl::StrCat("label_smoothing must be between 0.0 and 1.0. Got: ",
                       label_smoothing));
    }
    // The checks of nll_loss come first, as in torch.
    if (input.dim() >= 1) {
      const Tensor* wp = weight.defined() ? &weight : nullptr;
      if (IsFloating(input.dtype())) {
        TENSORD_RETURN_IF_ERROR(NllCheck(input, target, wp).status());
      }
    }
    return CrossEntropySmoothed(input, target, weight, reduction, ignore_index,
                                label_smoothing);
  }
  const int64_t class_dim = input.dim() == 1 ? 0 : 1;
  TENSORD_ASSIGN_OR_RETURN(Tensor logp, LogSoftmax(input, class_dim));
  return NllLoss(logp, target, weight, reduction, ignore_index);
}

// ---------------------------------------------------------------------------
// regression losses

namespace {

StatusOrTensor Reduce(const Tensor& loss, Reduction r) {
  switch (r) {
    case Reduction::kMean:
      return Mean(loss);
    case Reduction::kSum:
      return Sum(loss);
    case Reduction::kNone:
      return loss;
  }
  return loss;
}

// The floating dtype two loss operands promote to, or torch's "not
// implemented" error naming `kernel`.
absl::StatusOr<DType> LossDType(const Tensor& a, const Tensor& b,
                                const char* kernel) {
  const DType dt = ResultType({&a, &b});
  if (!IsFloating(dt)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", kernel, "\" not implemented for '", DTypeShortName(dt), "'"));
  }
  return dt;
}

}  // namespace

StatusOrTensor MseLoss(const Tensor& input, const Tensor& target,
                       Reduction reduction) {
  TENSORD_RETURN_IF_ERROR(
      BroadcastShapes(input.sizes(), target.sizes()).status());
  TENSORD_RETURN_IF_ERROR(LossDType(input, target, "mse_cpu").status());
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(input, target));
  TENSORD_ASSIGN_OR_RETURN(Tensor d2, Mul(d, d));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reduce(d2, reduction));
  return Composite("MseLossBackward0", r);
}

namespace {

absl::Status NotDifferentiableWrt(const char* fn, const char* arg,
                                  const Tensor& t) {
  if (t.defined() && t.requires_grad() && GradEnabled()) {
    return absl::InvalidArgumentError(
        absl::StrCat("The function '", fn,
                     "' is not differentiable with respect to "
                     "argument '",
                     arg, "'. This input cannot have requires_grad True."));
  }
  return absl::OkStatus();
}

// |input - target| with the loss's dtype check.
StatusOrTensor AbsDiff(const Tensor& input, const Tensor& target,
                       const char* kernel) {
  TENSORD_RETURN_IF_ERROR(
      BroadcastShapes(input.sizes(), target.sizes()).status());
  TENSORD_RETURN_IF_ERROR(LossDType(input, target, kernel).status());
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(input, target));
  return Abs(d);
}

// z < k ? 0.5 * z * z * a : b * (z - 0.5 * k): smooth_l1 (a = 1 / beta,
// b = 1) and huber (a = 1, b = delta), with k = beta or delta.
StatusOrTensor QuadraticThenLinear(const Tensor& z, double k, double a,
                                   double b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor lin0, Sub(z, WrapScalar(0.5 * k)));
  TENSORD_ASSIGN_OR_RETURN(Tensor lin, Mul(lin0, WrapScalar(b)));
  if (k == 0.0) return lin;  // no quadratic part (and no 1 / 0)
  TENSORD_ASSIGN_OR_RETURN(Tensor z2, Mul(z, z));
  TENSORD_ASSIGN_OR_RETURN(Tensor quad, Mul(z2, WrapScalar(0.5 * a)));
  TENSORD_ASSIGN_OR_RETURN(Tensor small, Lt(z, WrapScalar(k)));
  return Where(small, quad, lin);
}

}  // namespace

StatusOrTensor L1Loss(const Tensor& input, const Tensor& target,
                      Reduction reduction) {
  TENSORD_RETURN_IF_ERROR(
      BroadcastShapes(input.sizes(), target.sizes()).status());
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(input, target));
  TENSORD_ASSIGN_OR_RETURN(Tensor z, Abs(d));
  return Reduce(z, reduction);
}

StatusOrTensor SmoothL1Loss(const Tensor& input, const Tensor& target,
                            Reduction reduction, double beta) {
  if (beta < 0) {
    return absl::InvalidArgumentError(
        "smooth_l1_loss does not support negative values for beta.");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor z, AbsDiff(input, target, "smooth_l1_cpu"));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor l, QuadraticThenLinear(z, beta, beta == 0 ? 0.0 : 1.0 / beta, 1));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reduce(l, reduction));
  return Composite("SmoothL1LossBackward0", r);
}

StatusOrTensor HuberLoss(const Tensor& input, const Tensor& target,
                         Reduction reduction, double delta) {
  if (delta <= 0) {
    return absl::InvalidArgumentError(
        "huber_loss does not support non-positive values for delta.");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor z, AbsDiff(input, target, "huber_cpu"));
  TENSORD_ASSIGN_OR_RETURN(Tensor l, QuadraticThenLinear(z, delta, 1, delta));
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reduce(l, reduction));
  return Composite("HuberLossBackward0", r);
}

// The end of binary_cross_entropy(_with_logits)'s input gradient as torch
// computes it: gi [* weight (saved in slot ws, if any)] [/ numel], summed
// to the input's shape.
absl::StatusOr<GradList> BceGradTail(Node& n, Tensor gi, int ws,
                                     Reduction reduction, const Tensor& x) {
  if (ws >= 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor w, n.Saved(ws));
    TENSORD_ASSIGN_OR_RETURN(gi, Mul(gi, w));
  }
  if (reduction == Reduction::kMean) {
    TENSORD_ASSIGN_OR_RETURN(
        gi, Div(gi, WrapScalar(static_cast<double>(x.numel()))));
  }
  if (gi.sizes() != x.sizes()) {
    TENSORD_ASSIGN_OR_RETURN(gi, SumToShape(gi, x.sizes()));
  }
  return GradList{gi};
}

StatusOrTensor BinaryCrossEntropy(const Tensor& input, const Tensor& target,
                                  const Tensor& weight, Reduction reduction) {
  if (target.sizes() != input.sizes()) {
    return ValueError(absl::StrCat(
        "Using a target size (", FormatSize(target.sizes()),
        ") that is different to the input size (", FormatSize(input.sizes()),
        ") is deprecated. Please ensure they have the same size."));
  }
  Tensor w;
  if (weight.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Shape ws,
                             BroadcastShapes(target.sizes(), weight.sizes()));
    TENSORD_ASSIGN_OR_RETURN(w, Expand(weight, DimList(ws.begin(), ws.end())));
  }
  TENSORD_RETURN_IF_ERROR(
      NotDifferentiableWrt("binary_cross_entropy", "weight", w));
  if (!IsFloating(input.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"binary_cross_entropy\" not implemented for '",
                     DTypeShortName(input.dtype()), "'"));
  }
  if (target.dtype() != input.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Found dtype ", DTypeShortName(target.dtype()),
                     " but expected ", DTypeShortName(input.dtype())));
  }
  if (w.defined() && w.sizes() != input.sizes()) {
    TENSORD_RETURN_IF_ERROR(BroadcastShapes(input.sizes(), w.sizes()).status());
  }
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor lo, Lt(input, WrapScalar(0.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor hi, Gt(input, WrapScalar(1.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor out, LogicalOr(lo, hi));
    TENSORD_ASSIGN_OR_RETURN(Tensor any, Any(out, {}, false));
    if (any.item().to_int() != 0) {
      return absl::InvalidArgumentError(
          "all elements of input should be between 0 and 1");
    }
  }
  // torch's backward for the input: grad * (x - t) / max((1 - x) * x,
  // 1e-12) [* weight] [/ numel]; a node of its own when only the input
  // needs a gradient (else the composite below differentiates).
  if (AnyRequiresGrad({&input}) && !AnyRequiresGrad({&target})) {
    Tensor r;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(
          r, BinaryCrossEntropy(input.detach(), target.detach(), weight,
                                reduction));
    }
    if (auto node = RecordOp("BinaryCrossEntropyBackward0", {&input}, {&r})) {
      const int xs = node->Save(input), ts = node->Save(target);
      const int ws = w.defined() ? node->Save(w) : -1;
      node->set_backward(
          [xs, ts, ws, reduction](
              Node& n, const GradList& g) -> absl::StatusOr<GradList> {
            TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(xs));
            TENSORD_ASSIGN_OR_RETURN(Tensor t, n.Saved(ts));
            TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(x, t));
            TENSORD_ASSIGN_OR_RETURN(Tensor gi, Mul(g[0], d));
            TENSORD_ASSIGN_OR_RETURN(Tensor omx, Sub(WrapScalar(1.0), x));
            TENSORD_ASSIGN_OR_RETURN(Tensor p, Mul(omx, x));
            TENSORD_ASSIGN_OR_RETURN(
                Tensor den, Maximum(p, ScalarTensor(Scalar(1e-12), x.dtype())));
            TENSORD_ASSIGN_OR_RETURN(gi, Div(gi, den));
            return BceGradTail(n, gi, ws, reduction, x);
          });
    }
    return r;
  }
  // (t - 1) * max(log(1 - x), -100) - t * max(log(x), -100), as torch's
  // kernel: with glibc's log (torch's loop is not vectorized)
  // when nothing is differentiated, else from differentiable ops.
  if (!AnyRequiresGrad({&input, &target}) &&
      (input.dtype() == DType::kFloat32 || input.dtype() == DType::kFloat64)) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(input));
    TENSORD_ASSIGN_OR_RETURN(Tensor tc, Contiguous(target));
    TENSORD_ASSIGN_OR_RETURN(Tensor l, Empty(input.sizes(), input.dtype()));
    TENSORD_DISPATCH_FLOATING(input.dtype(), T, {
      const T* px = xc.data<T>();
      const T* pt = tc.data<T>();
      T* pl = l.data<T>();
      for (int64_t i = 0; i < l.numel(); ++i) {
        const T a = std::max(static_cast<T>(std::log(T(1) - px[i])), T(-100));
        const T b = std::max(static_cast<T>(std::log(px[i])), T(-100));
        pl[i] = (pt[i] - T(1)) * a - pt[i] * b;
      }
    });
    if (w.defined()) {
      TENSORD_ASSIGN_OR_RETURN(l, Mul(l, w));
    }
    return Reduce(l, reduction);
  }
  const Tensor floor = ScalarTensor(Scalar(-100.0), input.dtype());
  TENSORD_ASSIGN_OR_RETURN(Tensor omx, Sub(WrapScalar(1.0), input));
  TENSORD_ASSIGN_OR_RETURN(Tensor l1m, Log(omx));
  TENSORD_ASSIGN_OR_RETURN(Tensor log1mx, Maximum(l1m, floor));
  TENSORD_ASSIGN_OR_RETURN(Tensor lx, Log(input));
  TENSORD_ASSIGN_OR_RETURN(Tensor logx, Maximum(lx, floor));
  TENSORD_ASSIGN_OR_RETURN(Tensor tm1, Sub(target, WrapScalar(1.0)));
  TENSORD_ASSIGN_OR_RETURN(Tensor a, Mul(tm1, log1mx));
  TENSORD_ASSIGN_OR_RETURN(Tensor b, Mul(target, logx));
  TENSORD_ASSIGN_OR_RETURN(Tensor l, Sub(a, b));
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(l, Mul(l, w));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reduce(l, reduction));
  return Composite("BinaryCrossEntropyBackward0", r);
}

StatusOrTensor BinaryCrossEntropyWithLogits(const Tensor& input,
                                            const Tensor& target,
                                            const Tensor& weight,
                                            const Tensor& pos_weight,
                                            Reduction reduction) {
  if (target.sizes() != input.sizes()) {
    return ValueError(absl::StrCat("Target size (", FormatSize(target.sizes()),
                                   ") must be the same as input size (",
                                   FormatSize(input.sizes()), ")"));
  }
  TENSORD_RETURN_IF_ERROR(NotDifferentiableWrt(
      "binary_cross_entropy_with_logits", "weight", weight));
  TENSORD_RETURN_IF_ERROR(NotDifferentiableWrt(
      "binary_cross_entropy_with_logits", "pos_weight", pos_weight));
  const DType rt = ResultType({&input, &target});
  if (!IsFloating(rt)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "result type Float can't be cast to the desired output type ",
        DTypeShortName(rt)));
  }
  // torch's forward computes in this order, and its backward for the
  // input is (sigmoid(x) - t) * grad [* weight] [/ numel] (with
  // pos_weight: ((pw * t + 1 - t) * sigmoid(x) - pw * t) * grad): run
  // that as a node of its own when only the input needs a gradient.
  if (AnyRequiresGrad({&input}) && !AnyRequiresGrad({&target})) {
    Tensor r;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(
          r, BinaryCrossEntropyWithLogits(input.detach(), target.detach(),
                                          weight, pos_weight, reduction));
    }
    if (auto node =
            RecordOp("BinaryCrossEntropyWithLogitsBackward0", {&input}, {&r})) {
      const int xs = node->Save(input), ts = node->Save(target);
      const int ws = weight.defined() ? node->Save(weight) : -1;
      const int ps = pos_weight.defined() ? node->Save(pos_weight) : -1;
      node->set_backward(
          [xs, ts, ws, ps, reduction](
              Node& n, const GradList& g) -> absl::StatusOr<GradList> {
            TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(xs));
            TENSORD_ASSIGN_OR_RETURN(Tensor t, n.Saved(ts));
            TENSORD_ASSIGN_OR_RETURN(Tensor sg, Sigmoid(x));
            Tensor gi;
            if (ps >= 0) {
              TENSORD_ASSIGN_OR_RETURN(Tensor pw, n.Saved(ps));
              TENSORD_ASSIGN_OR_RETURN(Tensor pt, Mul(pw, t));
              TENSORD_ASSIGN_OR_RETURN(Tensor a, Add(pt, WrapScalar(1.0)));
              TENSORD_ASSIGN_OR_RETURN(Tensor b, Sub(a, t));
              TENSORD_ASSIGN_OR_RETURN(Tensor c, Mul(b, sg));
              TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(c, pt));
              TENSORD_ASSIGN_OR_RETURN(gi, Mul(d, g[0]));
            } else {
              TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(sg, t));
              TENSORD_ASSIGN_OR_RETURN(gi, Mul(d, g[0]));
            }
            return BceGradTail(n, gi, ws, reduction, x);
          });
    }
    return r;
  }
  // max_val = max(-x, 0); loss = (1 - t) * x + max_val + log(exp(-max_val)
  // + exp(-x - max_val)), or with L = 1 + (pos_weight - 1) * t,
  // (1 - t) * x + L * (log(...) + max_val), added in torch's order.
  TENSORD_ASSIGN_OR_RETURN(Tensor nx, Neg(input));
  TENSORD_ASSIGN_OR_RETURN(Tensor mv, Clamp(nx, Scalar(0.0), std::nullopt));
  TENSORD_ASSIGN_OR_RETURN(Tensor nmv, Neg(mv));
  TENSORD_ASSIGN_OR_RETURN(Tensor e1, Exp(nmv));
  TENSORD_ASSIGN_OR_RETURN(Tensor nxm, Sub(nx, mv));
  TENSORD_ASSIGN_OR_RETURN(Tensor e2, Exp(nxm));
  TENSORD_ASSIGN_OR_RETURN(Tensor se, Add(e1, e2));
  TENSORD_ASSIGN_OR_RETURN(Tensor lse, Log(se));
  TENSORD_ASSIGN_OR_RETURN(Tensor omt, Sub(WrapScalar(1.0), target));
  TENSORD_ASSIGN_OR_RETURN(Tensor lin, Mul(omt, input));
  Tensor l;
  if (pos_weight.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor sp, Add(lse, mv));
    TENSORD_ASSIGN_OR_RETURN(Tensor pm1, Sub(pos_weight, WrapScalar(1.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor pt, Mul(pm1, target));
    TENSORD_ASSIGN_OR_RETURN(Tensor lw, Add(pt, WrapScalar(1.0)));
    TENSORD_ASSIGN_OR_RETURN(sp, Mul(lw, sp));
    TENSORD_ASSIGN_OR_RETURN(l, Add(lin, sp));
  } else {
    TENSORD_ASSIGN_OR_RETURN(Tensor lm, Add(lin, mv));
    TENSORD_ASSIGN_OR_RETURN(l, Add(lm, lse));
  }
  if (weight.defined()) {
    TENSORD_ASSIGN_OR_RETURN(l, Mul(l, weight));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reduce(l, reduction));
  return Composite("BinaryCrossEntropyWithLogitsBackward0", r);
}

StatusOrTensor KlDiv(const Tensor& input, const Tensor& target,
                     absl::string_view reduction, bool log_target) {
  const bool batchmean = reduction == "batchmean";
  Reduction red = Reduction::kSum;
  if (!batchmean) {
    TENSORD_ASSIGN_OR_RETURN(red, ParseReduction(reduction));
  }
  if (!IsDifferentiable(input.dtype()) || !IsDifferentiable(target.dtype())) {
    return absl::InvalidArgumentError("kl_div: Integral inputs not supported.");
  }
  Tensor out;
  if (log_target) {
    // exp(target) * (target - input)
    TENSORD_ASSIGN_OR_RETURN(Tensor et, Exp(target));
    TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(target, input));
    TENSORD_ASSIGN_OR_RETURN(out, Mul(et, d));
  } else {
    // xlogy(target, target) - target * input
    TENSORD_ASSIGN_OR_RETURN(Tensor zero, Eq(target, WrapScalar(0.0)));
    TENSORD_ASSIGN_OR_RETURN(Tensor safe, Where(zero, WrapScalar(1.0), target));
    TENSORD_ASSIGN_OR_RETURN(Tensor lt, Log(safe));
    TENSORD_ASSIGN_OR_RETURN(Tensor xlogy, Mul(target, lt));
    TENSORD_ASSIGN_OR_RETURN(Tensor ti, Mul(target, input));
    TENSORD_ASSIGN_OR_RETURN(out, Sub(xlogy, ti));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Reduce(out, red));
  if (batchmean && input.dim() != 0) {
    return Div(r, WrapScalar(input.size(0)));
  }
  return r;
}

StatusOrTensor OneHot(const Tensor& t, int64_t num_classes) {
  if (t.dtype() != DType::kInt64) {
    return absl::InvalidArgumentError(
        "one_hot is only applicable to index tensor.");
  }
  std::vector<int64_t> v = t.ToInts();
  if (num_classes == -1) {
    if (v.empty()) {
      return absl::InvalidArgumentError(
          "Can not infer total number of classes from empty tensor.");
    }
    const int64_t top = *std::max_element(v.begin(), v.end());
    if (top == std::numeric_limits<int64_t>::max()) {
      return absl::ResourceExhaustedError(
          "one_hot: 2^63 classes are more than any session may hold");
    }
    num_classes = top + 1;
  }
  for (int64_t c : v) {
    if (c < 0) {
      return absl::InvalidArgumentError("Class values must be non-negative.");
    }
    if (c >= num_classes) {
      return absl::InvalidArgumentError(
          "Class values must be smaller than num_classes.");
    }
  }
  if (num_classes < 0) {
    return absl::InvalidArgumentError(
        "Class values must be smaller than num_classes.");
  }
  Shape shape = t.sizes();
  shape.push_back(num_classes);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Zeros(shape, DType::kInt64));
  int64_t* po = out.data<int64_t>();
  for (size_t i = 0; i < v.size(); ++i) po[i * num_classes + v[i]] = 1;
  return out;
}

StatusOrTensor Normalize(const Tensor& x, double p, int64_t dim, double eps) {
  if (!IsDifferentiable(x.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "norm(): input dtype should be either floating point or complex. Got ",
        DTypeShortName(x.dtype()), " instead."));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor n, Norm(x, p, {dim}, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Clamp(n, Scalar(eps), std::nullopt));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor e, Expand(c, DimList(x.sizes().begin(), x.sizes().end())));
  return Div(x, e);
}

StatusOrTensor Linear(const Tensor& input, const Tensor& weight,
                      const Tensor& bias) {
  if (weight.dim() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("t() expects a tensor with <= 2 dimensions, but self is ",
                     weight.dim(), "D"));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor wt, T(weight));
  if (input.dim() == 2 && bias.defined() && wt.dim() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("mat2 must be a matrix, got ", wt.dim(), "-D tensor"));
  }
  if (input.dim() >= 2 && wt.dim() == 2 && input.size(-1) != wt.size(0)) {
    // torch's matmul folds the leading dims into the rows of one mm.
    return absl::InvalidArgumentError(absl::StrCat(
        "mat1 and mat2 shapes cannot be multiplied (",
        input.numel() / std::max<int64_t>(input.size(-1), 1), "x",
        input.size(-1), " and ", wt.size(0), "x", wt.size(1), ")"));
  }
  const bool fold3 = input.dim() == 3 && input.is_contiguous();
  const bool float_mm =
      (input.dtype() == DType::kFloat32 || input.dtype() == DType::kFloat64) &&
      weight.dtype() == input.dtype() && bias.defined() &&
      bias.dtype() == input.dtype() && wt.dim() == 2;
  if (float_mm && (input.dim() == 2 || fold3)) {
    // torch: addmm(bias, input, weight.t()), the bias added by BLAS (over
    // the [B * N, K] view of a contiguous 3-D input).
    if (input.dim() == 2) return Addmm(bias, input, wt, 1, 1);
    TENSORD_ASSIGN_OR_RETURN(
        Tensor flat,
        View(input, {input.size(0) * input.size(1), input.size(2)}));
    TENSORD_ASSIGN_OR_RETURN(Tensor r, Addmm(bias, flat, wt, 1, 1));
    return View(r, {input.size(0), input.size(1), r.size(1)});
  }
  Tensor out;
  if (fold3 && bias.defined() && wt.dim() == 2) {
    // torch: addmm over the [B * N, K] view.
    TENSORD_ASSIGN_OR_RETURN(
        Tensor flat,
        View(input, {input.size(0) * input.size(1), input.size(2)}));
    TENSORD_ASSIGN_OR_RETURN(out, Matmul(flat, wt));
  } else {
    TENSORD_ASSIGN_OR_RETURN(out, Matmul(input, wt));
  }
  const char* name = input.dim() == 2
                         ? (wt.dim() == 1 ? "MvBackward0" : "MmBackward0")
                     : input.dim() == 1 ? "SqueezeBackward3"
                                        : "UnsafeViewBackward0";
  if (bias.defined()) {
    if (input.dim() == 2 || (fold3 && wt.dim() == 2)) {
      // addmm expands bias to the product's shape.
      TENSORD_ASSIGN_OR_RETURN(
          Tensor b,
          Expand(bias, DimList(out.sizes().begin(), out.sizes().end())));
      TENSORD_ASSIGN_OR_RETURN(out, Add(b, out));
      if (input.dim() == 2) return Composite("AddmmBackward0", out);
      TENSORD_ASSIGN_OR_RETURN(
          out, View(out, {input.size(0), input.size(1), out.size(1)}));
      return out;
    }
    TENSORD_ASSIGN_OR_RETURN(Shape s,
                             BroadcastShapes(out.sizes(), bias.sizes()));
    if (s != out.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "output with shape ", ShapeToString(out.sizes()),
          " doesn't match the broadcast shape ", ShapeToString(s)));
    }
    return Add(out, bias);
  }
  return Composite(name, out);
}

StatusOrTensor CosineSimilarity(const Tensor& x1, const Tensor& x2, int64_t dim,
                                double eps) {
  const DType dt = ResultType({&x1, &x2});
  if (!IsFloating(dt)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected common dtype to be floating point, yet common dtype is ",
        DTypeShortName(dt)));
  }
  TENSORD_ASSIGN_OR_RETURN(Shape s, BroadcastShapes(x1.sizes(), x2.sizes()));
  const DimList ds(s.begin(), s.end());
  TENSORD_ASSIGN_OR_RETURN(Tensor a, Expand(x1, ds));
  TENSORD_ASSIGN_OR_RETURN(Tensor b, Expand(x2, ds));
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, static_cast<int64_t>(s.size())));
  auto unit = [&](const Tensor& v) -> StatusOrTensor {
    TENSORD_ASSIGN_OR_RETURN(Tensor n, LinalgVectorNorm(v, 2.0, {d}, true));
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Clamp(n, Scalar(eps), std::nullopt));
    return Div(v, c);
  };
  TENSORD_ASSIGN_OR_RETURN(Tensor ua, unit(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor ub, unit(b));
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Mul(ua, ub));
  return Sum(p, {d}, false);
}

StatusOrTensor PairwiseDistance(const Tensor& x1, const Tensor& x2, double p,
                                double eps, bool keepdim) {
  const int64_t out_dim = std::max(x1.dim(), x2.dim());
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(x1, x2));
  TENSORD_ASSIGN_OR_RETURN(Tensor de, Add(d, WrapScalar(eps)));
  TENSORD_ASSIGN_OR_RETURN(Tensor n, Norm(de, p, {out_dim - 1}, keepdim));
  return Composite("NormBackward1", n);
}

}  // namespace tensord
