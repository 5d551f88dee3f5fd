// torch.nn.functional's pooling (max, avg and adaptive, 1-d and 2-d), with
// their derivatives: over the last two dims of [P, H, W] planes.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

struct PoolGeom {
  int64_t P = 0, H = 0, W = 0, OH = 0, OW = 0;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
};

// torch's pooling_output_shape, overflow-checked; its checks in its order.
absl::StatusOr<int64_t> PoolOutSize(int64_t in, int64_t k, int64_t pad,
                                    int64_t stride, int64_t dil,
                                    bool ceil_mode) {
  if (stride == 0) {
    return absl::InvalidArgumentError("stride should not be zero");
  }
  if (pad < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("pad must be non-negative, but got pad: ", pad));
  }
  if (pad > k / 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pad should be at most half of kernel size, but got pad=", pad,
        " and kernel_size=", k));
  }
  int64_t num, dk;
  if (!MulOk(pad, 2, &num) || !AddOk(in, num, &num) ||
      !MulOk(dil, k - 1, &dk) || !AddOk(dk, 1, &dk) ||
      __builtin_sub_overflow(num, dk, &num) ||
      (ceil_mode && !AddOk(num, stride - 1, &num))) {
    return TooLarge("pooling");
  }
  if (stride < 0) return TooLarge("pooling");
  int64_t out = FloorDiv(num, stride) + 1;
  if (ceil_mode && out > 0) {
    int64_t lim;
    if (AddOk(in, pad, &lim) && (out - 1) * stride >= lim) --out;
  }
  return out;
}

// torch's pool2d_shape_check after the output sizes.
absl::Status PoolShapeCheck(const Tensor& x, const PoolGeom& g) {
  if (g.kh <= 0 || g.kw <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kernel size should be greater than zero, but got kH: ", g.kh,
        " kW: ", g.kw));
  }
  if (g.sh <= 0 || g.sw <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("stride should be greater than zero, but got dH: ", g.sh,
                     " dW: ", g.sw));
  }
  if (g.dh <= 0 || g.dw <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dilation should be greater than zero, but got dilationH: ", g.dh,
        " dilationW: ", g.dw));
  }
  const int64_t nd = x.dim();
  const bool valid = x.size(nd - 2) != 0 && x.size(nd - 1) != 0;
  if (!((nd == 3 && x.size(0) != 0 && valid) ||
        (nd == 4 && valid && x.size(1) != 0))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size "
        "for input, but got:",
        ShapeToString(x.sizes())));
  }
  if (g.OH < 1 || g.OW < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Given input size: (", x.size(nd - 3), "x", g.H, "x", g.W,
                     "). Calculated output size: (", x.size(nd - 3), "x", g.OH,
                     "x", g.OW, "). Output size is too small"));
  }
  return absl::OkStatus();
}

// Expands a pooling parameter of one or two values ("name" for torch's
// message), empty = `dflt`.
absl::StatusOr<std::pair<int64_t, int64_t>> Pair(const char* op,
                                                 const char* what,
                                                 const DimList& v,
                                                 const DimList& dflt) {
  const DimList& u = v.empty() ? dflt : v;
  if (u.size() == 1) return std::make_pair(u[0], u[0]);
  if (u.size() == 2) return std::make_pair(u[0], u[1]);
  return absl::InvalidArgumentError(absl::StrCat(op, ": ", what));
}

// Work per plane for the thread decision: output positions times the
// in-range part of a window, saturated (a client's kernel of 2^62 must not
// overflow it; UBSan found that) and capped, so that planes * work cannot
// overflow either.
int64_t PlaneWork(const PoolGeom& g) {
  constexpr int64_t kCap = int64_t{1} << 24;
  int64_t work = 1;
  for (int64_t f : {g.OH, g.OW, std::min(g.kh, g.H), std::min(g.kw, g.W)}) {
    if (!MulOk(work, std::max<int64_t>(f, 1), &work) || work > kCap) {
      return kCap;
    }
  }
  return work;
}

// f(p) for every plane p, when there is any output position: the kernels
// walk output rows, and an empty output of 2^62 rows must not be walked
// (ASan's unoptimized loops took minutes over one).
template <typename F>
void ForPlanes(const PoolGeom& g, F&& f) {
  if (g.OH <= 0 || g.OW <= 0) return;
  ParallelFor(g.P, PlaneWork(g), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) f(p);
  });
}

// First in-range index of a window starting at `i0` with step `d`.
int64_t FirstInRange(int64_t i0, int64_t d) {
  if (i0 >= 0) return i0;
  return i0 + ((-i0 + d - 1) / d) * d;
}

template <typename T>
void MaxPoolKernel(const PoolGeom& g, const T* x, T* y, int64_t* idx) {
  ForPlanes(g, [&](int64_t p) {
    const T* xp = x + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      const int64_t h0 = oh * g.sh - g.ph;
      const int64_t h1 = std::min(h0 + (g.kh - 1) * g.dh + 1, g.H);
      const int64_t hs = FirstInRange(h0, g.dh);
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const int64_t w0 = ow * g.sw - g.pw;
        const int64_t w1 = std::min(w0 + (g.kw - 1) * g.dw + 1, g.W);
        const int64_t ws = FirstInRange(w0, g.dw);
        int64_t best = hs * g.W + ws;
        T m = -std::numeric_limits<T>::infinity();
        for (int64_t ih = hs; ih < h1; ih += g.dh) {
          for (int64_t iw = ws; iw < w1; iw += g.dw) {
            const T v = xp[ih * g.W + iw];
            if (v > m || std::isnan(v)) {
              m = v;
              best = ih * g.W + iw;
            }
          }
        }
        const int64_t o = (p * g.OH + oh) * g.OW + ow;
        y[o] = m;
        idx[o] = best;
      }
    }
  });
}

// gx (zeroed) += gy at the saved indices, per plane.
template <typename T>
void IndexedPoolBackward(int64_t P, int64_t in_plane, int64_t out_plane,
                         const T* gy, const int64_t* idx, T* gx) {
  ParallelFor(P, std::max<int64_t>(out_plane, 1), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      for (int64_t o = 0; o < out_plane; ++o) {
        const int64_t i = idx[p * out_plane + o];
        if (i >= 0 && i < in_plane)
          gx[p * in_plane + i] += gy[p * out_plane + o];
      }
    }
  });
}

// avg_pool2d's windows: calls f(h0, h1, w0, w1, divisor) per output.
template <typename F>
void AvgWindows(const PoolGeom& g, bool count_include_pad,
                std::optional<int64_t> divisor, int64_t oh, int64_t ow, F&& f) {
  int64_t h0 = oh * g.sh - g.ph, w0 = ow * g.sw - g.pw;
  int64_t h1 = std::min(h0 + g.kh, g.H + g.ph);
  int64_t w1 = std::min(w0 + g.kw, g.W + g.pw);
  // (Saturated: a client's kernel and padding can make it overflow.)
  int64_t pool;
  if (!MulOk(h1 - h0, w1 - w0, &pool)) {
    pool = std::numeric_limits<int64_t>::max();
  }
  h0 = std::max<int64_t>(h0, 0);
  w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, g.H);
  w1 = std::min(w1, g.W);
  if (h0 >= h1 || w0 >= w1) {
    f(h0, h0, w0, w0, int64_t{1});
    return;
  }
  const int64_t div = divisor             ? *divisor
                      : count_include_pad ? pool
                                          : (h1 - h0) * (w1 - w0);
  f(h0, h1, w0, w1, div);
}

template <typename T>
void AvgPoolKernel(const PoolGeom& g, bool cip, std::optional<int64_t> divisor,
                   const T* x, T* y) {
  ForPlanes(g, [&](int64_t p) {
    const T* xp = x + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        AvgWindows(
            g, cip, divisor, oh, ow,
            [&](int64_t h0, int64_t h1, int64_t w0, int64_t w1, int64_t div) {
              T sum = T(0);
              for (int64_t ih = h0; ih < h1; ++ih) {
                for (int64_t iw = w0; iw < w1; ++iw) {
                  sum += xp[ih * g.W + iw];
                }
              }
              y[(p * g.OH + oh) * g.OW + ow] =
                  h0 == h1 ? T(0) : sum / static_cast<T>(div);
            });
      }
    }
  });
}

template <typename T>
void AvgPoolBackwardKernel(const PoolGeom& g, bool cip,
                           std::optional<int64_t> divisor, const T* gy, T* gx) {
  ForPlanes(g, [&](int64_t p) {
    T* gp = gx + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const T gv = gy[(p * g.OH + oh) * g.OW + ow];
        AvgWindows(
            g, cip, divisor, oh, ow,
            [&](int64_t h0, int64_t h1, int64_t w0, int64_t w1, int64_t div) {
              const T v = gv / static_cast<T>(div);
              for (int64_t ih = h0; ih < h1; ++ih) {
                for (int64_t iw = w0; iw < w1; ++iw) {
                  gp[ih * g.W + iw] += v;
                }
              }
            });
      }
    }
  });
}

// Adaptive windows: [floor(o * in / out), ceil((o + 1) * in / out)).
int64_t AdaptiveStart(int64_t o, int64_t out, int64_t in) {
  return static_cast<int64_t>((static_cast<__int128>(o) * in) / out);
}
int64_t AdaptiveEnd(int64_t o, int64_t out, int64_t in) {
  const __int128 n = static_cast<__int128>(o + 1) * in;
  return static_cast<int64_t>((n + out - 1) / out);
}

template <typename T>
void AdaptivePoolKernel(const PoolGeom& g, bool max, const T* x, T* y,
                        int64_t* idx) {
  ForPlanes(g, [&](int64_t p) {
    const T* xp = x + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      const int64_t h0 = AdaptiveStart(oh, g.OH, g.H);
      const int64_t h1 = AdaptiveEnd(oh, g.OH, g.H);
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const int64_t w0 = AdaptiveStart(ow, g.OW, g.W);
        const int64_t w1 = AdaptiveEnd(ow, g.OW, g.W);
        const int64_t o = (p * g.OH + oh) * g.OW + ow;
        if (max) {
          int64_t best = h0 * g.W + w0;
          T m = -std::numeric_limits<T>::infinity();
          for (int64_t ih = h0; ih < h1; ++ih) {
            for (int64_t iw = w0; iw < w1; ++iw) {
              const T v = xp[ih * g.W + iw];
              if (v > m || std::isnan(v)) {
                m = v;
                best = ih * g.W + iw;
              }
            }
          }
          y[o] = m;
          idx[o] = best;
        } else {
          T sum = T(0);
          for (int64_t ih = h0; ih < h1; ++ih) {
            for (int64_t iw = w0; iw < w1; ++iw) sum += xp[ih * g.W + iw];
          }
          // torch: sum / kh / kw, two roundings.
          y[o] = sum / static_cast<T>(h1 - h0) / static_cast<T>(w1 - w0);
        }
      }
    }
  });
}

template <typename T>
void AdaptiveAvgBackwardKernel(const PoolGeom& g, const T* gy, T* gx) {
  ForPlanes(g, [&](int64_t p) {
    T* gp = gx + p * g.H * g.W;
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      const int64_t h0 = AdaptiveStart(oh, g.OH, g.H);
      const int64_t h1 = AdaptiveEnd(oh, g.OH, g.H);
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const int64_t w0 = AdaptiveStart(ow, g.OW, g.W);
        const int64_t w1 = AdaptiveEnd(ow, g.OW, g.W);
        const T v = gy[(p * g.OH + oh) * g.OW + ow] / static_cast<T>(h1 - h0) /
                    static_cast<T>(w1 - w0);
        for (int64_t ih = h0; ih < h1; ++ih) {
          for (int64_t iw = w0; iw < w1; ++iw) gp[ih * g.W + iw] += v;
        }
      }
    }
  });
}

// Output shape: x's leading dims, then OH, OW.
Shape PooledShape(const Tensor& x, int64_t oh, int64_t ow) {
  Shape s(x.sizes().begin(), x.sizes().end() - 2);
  s.push_back(oh);
  s.push_back(ow);
  return s;
}

PoolGeom PlanesOf(const Tensor& x) {
  PoolGeom g;
  const int64_t nd = x.dim();
  g.H = x.size(nd - 2);
  g.W = x.size(nd - 1);
  g.P = 1;
  for (int64_t d = 0; d < nd - 2; ++d) g.P *= x.size(d);
  return g;
}

// Records the node of an indexed pool (max_pool2d, adaptive_max_pool2d).
void RecordIndexedPool(const char* name, const Tensor& x, Tensor& out,
                       const Tensor& idx, const PoolGeom& g,
                       bool adaptive = false) {
  if (auto node = RecordOp(name, {&x}, {&out})) {
    const int i_slot = node->Save(idx);
    const Shape in_shape = x.sizes();
    const DType dt = x.dtype();
    node->set_backward([i_slot, in_shape, g, dt, adaptive,
                        out_shape = out.sizes()](
                           Node& n,
                           const GradList& gl) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor ix, n.Saved(i_slot));
      for (int64_t d = 1; adaptive && d < gl[0].dim(); ++d) {
        if (gl[0].size(d) == 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              "adaptive_max_pooling2d_backward(): Expected grad_output to "
              "have non-zero size for non-batch dimensions, but grad_output "
              "has sizes ",
              ShapeToString(gl[0].sizes()), " with dimension ", d,
              " being empty"));
        }
      }
      auto backward = [&](const Tensor& gin) -> StatusOrTensor {
        TENSORD_ASSIGN_OR_RETURN(Tensor gy, ContiguousOf(gin));
        TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(in_shape, dt));
        TENSORD_DISPATCH_FLOATING(dt, T, {
          IndexedPoolBackward<T>(g.P, g.H * g.W, g.OH * g.OW, gy.data<T>(),
                                 ix.data<int64_t>(), gx.data<T>());
        });
        return gx;
      };
      // The transpose picks the maxima's positions out of gg.
      auto transpose = [ix, g, out_shape](const Tensor& gg) -> StatusOrTensor {
        TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(gg, {g.P, g.H * g.W}));
        TENSORD_ASSIGN_OR_RETURN(Tensor pos, Reshape(ix, {g.P, g.OH * g.OW}));
        TENSORD_ASSIGN_OR_RETURN(Tensor picked, Gather(flat, 1, pos));
        return Reshape(picked, DimList(out_shape.begin(), out_shape.end()));
      };
      TENSORD_ASSIGN_OR_RETURN(Tensor gx,
                               LinearInGrad(n, gl[0], backward, transpose));
      return GradList{gx};
    });
  }
}

// max_pool2d's or avg_pool2d's geometry from torch's arguments.
absl::StatusOr<PoolGeom> PoolGeomOf(const char* op, const Tensor& x,
                                    const DimList& kernel,
                                    const DimList& stride,
                                    const DimList& padding,
                                    const DimList& dilation, bool ceil_mode,
                                    bool is_max) {
  TENSORD_ASSIGN_OR_RETURN(
      auto k, Pair(op,
                   "kernel_size must either be a single int, or a tuple "
                   "of two ints",
                   kernel, {}));
  TENSORD_ASSIGN_OR_RETURN(
      auto s, Pair(op,
                   "stride must either be omitted, a single int, or a "
                   "tuple of two ints",
                   stride, kernel));
  TENSORD_ASSIGN_OR_RETURN(
      auto p, Pair(op,
                   is_max ? "padding must be either be a single int, or "
                            "a tuple of two ints"
                          : "padding must either be a single int, or a "
                            "tuple of two ints",
                   padding, {0}));
  TENSORD_ASSIGN_OR_RETURN(
      auto d, Pair(op,
                   "dilation must be either a single int, or a tuple of "
                   "two ints",
                   dilation, {1}));
  PoolGeom g;
  g.kh = k.first;
  g.kw = k.second;
  g.sh = s.first;
  g.sw = s.second;
  g.ph = p.first;
  g.pw = p.second;
  g.dh = d.first;
  g.dw = d.second;
  if (is_max && x.dim() != 3 && x.dim() != 4) {
    return absl::InvalidArgumentError(
        "non-empty 3D or 4D (batch mode) tensor expected for input");
  }
  if (!is_max && x.dim() < 3) {
    return IndexError(
        absl::StrCat("Dimension out of range (expected to be in range of [",
                     -x.dim(), ", ", x.dim() - 1, "], but got -3)"));
  }
  const PoolGeom planes = PlanesOf(x);
  g.P = planes.P;
  g.H = planes.H;
  g.W = planes.W;
  TENSORD_ASSIGN_OR_RETURN(g.OH,
                           PoolOutSize(g.H, g.kh, g.ph, g.sh, g.dh, ceil_mode));
  TENSORD_ASSIGN_OR_RETURN(g.OW,
                           PoolOutSize(g.W, g.kw, g.pw, g.sw, g.dw, ceil_mode));
  if (!is_max && x.dim() != 3 && x.dim() != 4) {
    return absl::InvalidArgumentError(
        "non-empty 3D or 4D (batch mode) tensor expected for input");
  }
  TENSORD_RETURN_IF_ERROR(PoolShapeCheck(x, g));
  return g;
}

}  // namespace

namespace {

// A 1-d pooling parameter has at most one value (torch's argument parser).
absl::Status OneInt(const char* op, const char* what, const DimList& v) {
  if (v.size() <= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(op, "() argument '", what, "' should contain one int (got ",
                   v.size(), ")"));
}

}  // namespace

absl::StatusOr<std::pair<Tensor, Tensor>> MaxPool2d(
    const Tensor& x, const DimList& kernel, const DimList& stride,
    const DimList& padding, const DimList& dilation, bool ceil_mode) {
  TENSORD_ASSIGN_OR_RETURN(
      PoolGeom g, PoolGeomOf("max_pool2d", x, kernel, stride, padding, dilation,
                             ceil_mode, true));
  if (!IsFloating(x.dtype())) return NotFloating("max_pool2d", x.dtype());
  const Shape shape = PooledShape(x, g.OH, g.OW);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor idx, Empty(shape, DType::kInt64));
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    MaxPoolKernel<T>(g, xc.data<T>(), out.data<T>(), idx.data<int64_t>());
  });
  RecordIndexedPool("MaxPool2DWithIndicesBackward0", x, out, idx, g);
  return std::make_pair(out, idx);
}

absl::StatusOr<std::pair<Tensor, Tensor>> MaxPool1d(
    const Tensor& x, const DimList& kernel, const DimList& stride,
    const DimList& padding, const DimList& dilation, bool ceil_mode) {
  TENSORD_RETURN_IF_ERROR(OneInt("max_pool1d", "kernel_size", kernel));
  TENSORD_RETURN_IF_ERROR(OneInt("max_pool1d", "stride", stride));
  TENSORD_RETURN_IF_ERROR(OneInt("max_pool1d", "padding", padding));
  TENSORD_RETURN_IF_ERROR(OneInt("max_pool1d", "dilation", dilation));
  if ((x.dim() != 2 && x.dim() != 3) || (x.dim() > 0 && x.size(-1) == 0) ||
      (x.dim() == 3 && x.size(1) == 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
        "dim batch size for input, but got:",
        ShapeToString(x.sizes())));
  }
  auto two = [](const DimList& v, int64_t first) {
    return v.empty() ? DimList{} : DimList{first, v[0]};
  };
  DimList k2 = two(kernel, 1);
  TENSORD_ASSIGN_OR_RETURN(Tensor x4, Unsqueeze(x, -2));
  TENSORD_ASSIGN_OR_RETURN(
      auto r,
      MaxPool2d(x4, k2, stride.empty() ? k2 : two(stride, 1),
                two(padding.empty() ? DimList{0} : padding, 0),
                two(dilation.empty() ? DimList{1} : dilation, 1), ceil_mode));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Squeeze(r.first, -2));
  TENSORD_ASSIGN_OR_RETURN(Tensor idx, Squeeze(r.second, -2));
  return std::make_pair(out, idx);
}

StatusOrTensor AvgPool2d(const Tensor& x, const DimList& kernel,
                         const DimList& stride, const DimList& padding,
                         bool ceil_mode, bool count_include_pad,
                         std::optional<int64_t> divisor_override) {
  if (divisor_override && *divisor_override == 0) {
    return absl::InvalidArgumentError("divisor must be not zero");
  }
  TENSORD_ASSIGN_OR_RETURN(
      PoolGeom g, PoolGeomOf("avg_pool2d", x, kernel, stride, padding, {1},
                             ceil_mode, false));
  if (!IsFloating(x.dtype())) return NotFloating("avg_pool2d", x.dtype());
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           Empty(PooledShape(x, g.OH, g.OW), x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    AvgPoolKernel<T>(g, count_include_pad, divisor_override, xc.data<T>(),
                     out.data<T>());
  });
  if (auto node = RecordOp("AvgPool2DBackward0", {&x}, {&out})) {
    const Shape in_shape = x.sizes();
    const DType dt = x.dtype();
    node->set_backward(
        [g, in_shape, dt, count_include_pad, divisor_override,
         out_shape = out.sizes()](
            Node& n, const GradList& gl) -> absl::StatusOr<GradList> {
          auto backward = [=](const Tensor& gin) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor gy, ContiguousOf(gin));
            TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(in_shape, dt));
            TENSORD_DISPATCH_FLOATING(dt, T, {
              AvgPoolBackwardKernel<T>(g, count_include_pad, divisor_override,
                                       gy.data<T>(), gx.data<T>());
            });
            return gx;
          };
          // The pool is linear: its transpose is the pool itself.
          auto transpose = [=](const Tensor& gg) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor ggc, ContiguousOf(gg));
            TENSORD_ASSIGN_OR_RETURN(Tensor y, Empty(out_shape, dt));
            TENSORD_DISPATCH_FLOATING(dt, T, {
              AvgPoolKernel<T>(g, count_include_pad, divisor_override,
                               ggc.data<T>(), y.data<T>());
            });
            return y;
          };
          TENSORD_ASSIGN_OR_RETURN(
              Tensor gx, LinearInGrad(n, gl[0], backward, transpose,
                                      /*transpose_differentiable=*/false));
          return GradList{gx};
        });
  }
  return out;
}

StatusOrTensor AvgPool1d(const Tensor& x, const DimList& kernel,
                         const DimList& stride, const DimList& padding,
                         bool ceil_mode, bool count_include_pad) {
  if (x.dim() != 2 && x.dim() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected 2 to 3 dimensions, but got ", x.dim(),
        "-dimensional tensor for argument #1 'self' (while checking "
        "arguments for avg_pool1d)"));
  }
  TENSORD_RETURN_IF_ERROR(OneInt("avg_pool1d", "kernel_size", kernel));
  TENSORD_RETURN_IF_ERROR(OneInt("avg_pool1d", "stride", stride));
  TENSORD_RETURN_IF_ERROR(OneInt("avg_pool1d", "padding", padding));
  auto two = [](const DimList& v, int64_t first) {
    return v.empty() ? DimList{} : DimList{first, v[0]};
  };
  DimList k2 = two(kernel, 1);
  TENSORD_ASSIGN_OR_RETURN(Tensor x4, Unsqueeze(x, -2));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor out, AvgPool2d(x4, k2, stride.empty() ? k2 : two(stride, 1),
                            two(padding.empty() ? DimList{0} : padding, 0),
                            ceil_mode, count_include_pad, std::nullopt));
  return Squeeze(out, -2);
}

namespace {

// Adaptive pooling's checks and geometry.
absl::StatusOr<PoolGeom> AdaptiveGeom(const char* op, const Tensor& x,
                                      const DimList& output_size_in, bool max) {
  const DimList output_size = output_size_in.size() == 1
                                  ? DimList(2, output_size_in[0])
                                  : output_size_in;
  if (output_size.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        op, max ? "(): internal error: output_size.size() must be 2"
                : ": output_size must be 2"));
  }
  if (!max && (output_size[0] < 0 || output_size[1] < 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        op,
        ": elements of output_size must be greater than or equal to 0 but "
        "received {",
        output_size[0], ", ", output_size[1], "}"));
  }
  if (x.dim() != 3 && x.dim() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat(op, "(): Expected 3D or 4D tensor, but got",
                     max ? ": " : " ", ShapeToString(x.sizes())));
  }
  for (int64_t d = 1; d < x.dim(); ++d) {
    if (x.size(d) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          op,
          "(): Expected input to have non-zero size for non-batch dimensions, "
          "but input has sizes ",
          ShapeToString(x.sizes()), " with dimension ", d, " being empty"));
    }
  }
  if (output_size[0] < 0 || output_size[1] < 0) {
    Shape s = PooledShape(x, output_size[0], output_size[1]);
    return absl::InvalidArgumentError(absl::StrCat(
        "Trying to create tensor with negative dimension ",
        std::min(output_size[0], output_size[1]), ": ", ShapeToString(s)));
  }
  PoolGeom g = PlanesOf(x);
  g.OH = output_size[0];
  g.OW = output_size[1];
  return g;
}

}  // namespace

StatusOrTensor AdaptiveAvgPool2d(const Tensor& x, const DimList& output_size) {
  TENSORD_ASSIGN_OR_RETURN(
      PoolGeom g, AdaptiveGeom("adaptive_avg_pool2d", x, output_size, false));
  if (!IsFloating(x.dtype())) {
    return NotFloating("adaptive_avg_pool2d", x.dtype());
  }
  if (g.OH == 1 && g.OW == 1) return Mean(x, {-1, -2}, true);
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           Empty(PooledShape(x, g.OH, g.OW), x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    AdaptivePoolKernel<T>(g, false, xc.data<T>(), out.data<T>(), nullptr);
  });
  if (auto node = RecordOp("AdaptiveAvgPool2DBackward0", {&x}, {&out})) {
    const Shape in_shape = x.sizes();
    const DType dt = x.dtype();
    node->set_backward([g, in_shape, dt, out_shape = out.sizes()](
                           Node& n,
                           const GradList& gl) -> absl::StatusOr<GradList> {
      for (int64_t d = 1; d < gl[0].dim(); ++d) {
        if (gl[0].size(d) == 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              "adaptive_avg_pool2d_backward(): Expected grad_output to have "
              "non-zero size for non-batch dimensions, but grad_output has "
              "sizes ",
              ShapeToString(gl[0].sizes()), " with dimension ", d,
              " being empty"));
        }
      }
      auto backward = [=](const Tensor& gin) -> StatusOrTensor {
        TENSORD_ASSIGN_OR_RETURN(Tensor gy, ContiguousOf(gin));
        TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(in_shape, dt));
        TENSORD_DISPATCH_FLOATING(dt, T, {
          AdaptiveAvgBackwardKernel<T>(g, gy.data<T>(), gx.data<T>());
        });
        return gx;
      };
      // The pool is linear: its transpose is the pool itself.
      auto transpose = [g, dt, out_shape](const Tensor& gg) -> StatusOrTensor {
        TENSORD_ASSIGN_OR_RETURN(Tensor ggc, ContiguousOf(gg));
        TENSORD_ASSIGN_OR_RETURN(Tensor y, Empty(out_shape, dt));
        TENSORD_DISPATCH_FLOATING(dt, T, {
          AdaptivePoolKernel<T>(g, false, ggc.data<T>(), y.data<T>(), nullptr);
        });
        return y;
      };
      TENSORD_ASSIGN_OR_RETURN(
          Tensor gx, LinearInGrad(n, gl[0], backward, transpose,
                                  /*transpose_differentiable=*/false));
      return GradList{gx};
    });
  }
  return out;
}

absl::StatusOr<std::pair<Tensor, Tensor>> AdaptiveMaxPool2d(
    const Tensor& x, const DimList& output_size) {
  TENSORD_ASSIGN_OR_RETURN(
      PoolGeom g, AdaptiveGeom("adaptive_max_pool2d", x, output_size, true));
  if (!IsFloating(x.dtype())) {
    return NotFloating("adaptive_max_pool2d", x.dtype());
  }
  const Shape shape = PooledShape(x, g.OH, g.OW);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Tensor idx, Empty(shape, DType::kInt64));
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    AdaptivePoolKernel<T>(g, true, xc.data<T>(), out.data<T>(),
                          idx.data<int64_t>());
  });
  RecordIndexedPool("AdaptiveMaxPool2DBackward0", x, out, idx, g, true);
  return std::make_pair(out, idx);
}

}  // namespace tensord
