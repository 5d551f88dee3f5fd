// torch.nn.functional's convolutions and pooling, with their derivatives.
//
// conv1d/conv2d run one 2-d engine (a 1-d convolution is a 2-d one of
// height 1): per sample and group, im2col then one GEMM (oneDNN sgemm /
// OpenBLAS dgemm), the batch split over the OpenMP threads. Its backward is
// the transposed GEMM + col2im for the input, GEMM against the columns for
// the weight (per-thread partial sums) and a sum for the bias. Every size
// computed from client arguments (padded sizes, dilated kernels, output
// sizes) is overflow-checked.
#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/gemm.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

absl::Status TooLarge(absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": the computed sizes overflow int64"));
}

// a + b, a * b, checked.
bool AddOk(int64_t a, int64_t b, int64_t* r) {
  return !__builtin_add_overflow(a, b, r);
}
bool MulOk(int64_t a, int64_t b, int64_t* r) {
  return !__builtin_mul_overflow(a, b, r);
}

std::string Bracket(const DimList& v) {
  return absl::StrCat("[", absl::StrJoin(v, ", "), "]");
}

// `v` with a single value repeated to n, or an error in torch's words.
absl::StatusOr<DimList> ExpandParam(absl::string_view name, const DimList& v,
                                    int64_t n) {
  if (static_cast<int64_t>(v.size()) == n) return v;
  if (v.size() == 1) return DimList(n, v[0]);
  return absl::InvalidArgumentError(absl::StrCat(
      "expected ", name, " to be a single integer value or a list of ", n,
      " values to match the convolution dimensions, but got ", name, "=",
      Bracket(v)));
}

// c[m, n] = op(a) @ op(b) for float or double (row-major).
template <typename T>
void GemmT(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a,
           int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i)
      std::fill(c + i * ldc, c + i * ldc + n, T(0));
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    GemmF32(ta, tb, m, n, k, a, lda, b, ldb, c, ldc);
  } else {
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0, a, lda, b, ldb,
                0.0, c, ldc);
  }
}

// The geometry of a grouped 2-d convolution (1-d: H = kh = 1).
struct ConvGeom {
  int64_t N = 0, C = 0, H = 0, W = 0;  // input
  int64_t O = 0, G = 1, kh = 1, kw = 1;
  int64_t sh = 1, sw = 1, pt = 0, pl = 0, dh = 1, dw = 1;
  int64_t OH = 0, OW = 0;
  int64_t Cg() const { return C / G; }
  int64_t Og() const { return O / G; }
  int64_t K() const { return Cg() * kh * kw; }  // rows of a column matrix
  int64_t L() const { return OH * OW; }         // its columns
  // A 1x1 kernel over the whole input: the input is its own column matrix.
  bool Pointwise() const {
    return kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0 &&
           OH == H && OW == W;
  }
};

// col[K, L] from x[Cg, H, W] (one sample, one group).
template <typename T>
void Im2Col(const ConvGeom& g, const T* x, T* col) {
  const int64_t L = g.L();
  for (int64_t c = 0; c < g.Cg(); ++c) {
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        T* row = col + ((c * g.kh + ki) * g.kw + kj) * L;
        for (int64_t oh = 0; oh < g.OH; ++oh) {
          const int64_t ih = oh * g.sh - g.pt + ki * g.dh;
          T* r = row + oh * g.OW;
          if (ih < 0 || ih >= g.H) {
            std::fill(r, r + g.OW, T(0));
            continue;
          }
          const T* xr = x + (c * g.H + ih) * g.W;
          for (int64_t ow = 0; ow < g.OW; ++ow) {
            const int64_t iw = ow * g.sw - g.pl + kj * g.dw;
            r[ow] = (iw >= 0 && iw < g.W) ? xr[iw] : T(0);
          }
        }
      }
    }
  }
}

// x[Cg, H, W] += col[K, L] scattered back (the adjoint of Im2Col).
template <typename T>
void Col2Im(const ConvGeom& g, const T* col, T* x) {
  const int64_t L = g.L();
  for (int64_t c = 0; c < g.Cg(); ++c) {
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        const T* row = col + ((c * g.kh + ki) * g.kw + kj) * L;
        for (int64_t oh = 0; oh < g.OH; ++oh) {
          const int64_t ih = oh * g.sh - g.pt + ki * g.dh;
          if (ih < 0 || ih >= g.H) continue;
          const T* r = row + oh * g.OW;
          T* xr = x + (c * g.H + ih) * g.W;
          for (int64_t ow = 0; ow < g.OW; ++ow) {
            const int64_t iw = ow * g.sw - g.pl + kj * g.dw;
            if (iw >= 0 && iw < g.W) xr[iw] += r[ow];
          }
        }
      }
    }
  }
}

// Threads for a loop over the batch and the per-thread scratch it needs.
int BatchThreads(const ConvGeom& g) {
  const int64_t work = g.O * g.K() * std::max<int64_t>(g.L(), 1);
  return std::max(1,
                  std::min<int>(ThreadsFor(g.N * work),
                                static_cast<int>(std::max<int64_t>(g.N, 1))));
}

// Runs f(n, scratch) for every sample n, split over threads, each with its
// own `per_thread` elements of scratch.
template <typename T, typename F>
void ForEachSample(const ConvGeom& g, T* scratch, int64_t per_thread, F&& f) {
  // (scratch holds BatchThreads(g) slices; the scope may grant fewer.)
  const ParallelScope scope(BatchThreads(g));
  const int threads = scope.threads();
  if (threads <= 1) {
    for (int64_t n = 0; n < g.N; ++n) f(n, scratch);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t nt = omp_get_num_threads(), id = omp_get_thread_num();
    T* mine = scratch + id * per_thread;
    for (int64_t n = id; n < g.N; n += nt) f(n, mine);
  }
}

template <typename T>
void ConvForwardKernel(const ConvGeom& g, const T* x, const T* w, const T* b,
                       T* y, T* scratch) {
  const int64_t K = g.K(), L = g.L(), Og = g.Og();
  ForEachSample(g, scratch, g.Pointwise() ? 0 : K * L, [&](int64_t n, T* col) {
    for (int64_t gi = 0; gi < g.G; ++gi) {
      const T* xs = x + (n * g.C + gi * g.Cg()) * g.H * g.W;
      const T* cols = xs;
      if (!g.Pointwise()) {
        Im2Col(g, xs, col);
        cols = col;
      }
      T* ys = y + (n * g.O + gi * Og) * L;
      GemmT<T>(false, false, Og, L, K, w + gi * Og * K, K, cols, L, ys, L);
      if (b != nullptr) {
        for (int64_t o = 0; o < Og; ++o) {
          const T bv = b[gi * Og + o];
          for (int64_t l = 0; l < L; ++l) ys[o * L + l] += bv;
        }
      }
    }
  });
}

// gx (zeroed, [N, C, H, W]) from gy.
template <typename T>
void ConvBackwardInputKernel(const ConvGeom& g, const T* gy, const T* w, T* gx,
                             T* scratch) {
  const int64_t K = g.K(), L = g.L(), Og = g.Og();
  ForEachSample(g, scratch, K * L, [&](int64_t n, T* col) {
    for (int64_t gi = 0; gi < g.G; ++gi) {
      const T* gys = gy + (n * g.O + gi * Og) * L;
      T* gxs = gx + (n * g.C + gi * g.Cg()) * g.H * g.W;
      GemmT<T>(true, false, K, L, Og, w + gi * Og * K, K, gys, L, col, L);
      Col2Im(g, col, gxs);
    }
  });
}

// gw ([O, K]) from gy and x: sum over the batch of gy_n @ cols_n^T.
template <typename T>
void ConvBackwardWeightKernel(const ConvGeom& g, const T* gy, const T* x, T* gw,
                              T* scratch) {
  const int64_t K = g.K(), L = g.L(), Og = g.Og(), OK = g.O * K;
  std::fill(gw, gw + OK, T(0));
  std::mutex mu;
  // Scratch per thread: columns, one product, the thread's partial sum.
  const int64_t per = K * L + Og * K + OK;
  const int threads = BatchThreads(g);
  auto run = [&](int64_t id, int64_t nt) {
    T* col = scratch + id * per;
    T* prod = col + K * L;
    T* acc = prod + Og * K;
    std::fill(acc, acc + OK, T(0));
    for (int64_t n = id; n < g.N; n += nt) {
      for (int64_t gi = 0; gi < g.G; ++gi) {
        const T* xs = x + (n * g.C + gi * g.Cg()) * g.H * g.W;
        const T* cols = xs;
        if (!g.Pointwise()) {
          Im2Col(g, xs, col);
          cols = col;
        }
        const T* gys = gy + (n * g.O + gi * Og) * L;
        GemmT<T>(false, true, Og, K, L, gys, L, cols, L, prod, K);
        T* a = acc + gi * Og * K;
        for (int64_t i = 0; i < Og * K; ++i) a[i] += prod[i];
      }
    }
    std::lock_guard<std::mutex> lock(mu);
    for (int64_t i = 0; i < OK; ++i) gw[i] += acc[i];
  };
  // The partition into `threads` parts fixes the summation order; the
  // parts run in parallel only if no other team is running.
  const ParallelScope scope(threads);
  if (scope.threads() < threads) {
    for (int64_t id = 0; id < threads; ++id) run(id, threads);
    return;
  }
#pragma omp parallel num_threads(threads)
  for (int64_t id = omp_get_thread_num(); id < threads;
       id += omp_get_num_threads()) {
    run(id, threads);
  }
}

absl::StatusOr<Tensor> ContiguousOf(const Tensor& t) {
  NoGradGuard ng;
  return Contiguous(t);
}

// The three products of one convolution geometry: y = conv(x, w) (no
// bias), its input gradient from gy and w, its weight gradient from gy and
// x. Nothing is recorded. They make the forward's backward and, with
// create_graph, its double backward.
absl::StatusOr<Tensor> ConvRawForward(const ConvGeom& g, const Tensor& x,
                                      const Tensor& w, const Shape& y_shape) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor wc, ContiguousOf(w));
  TENSORD_ASSIGN_OR_RETURN(Tensor y, Empty(y_shape, x.dtype()));
  if (y.numel() == 0) return y;
  TENSORD_ASSIGN_OR_RETURN(
      Tensor scratch,
      Empty({g.Pointwise() ? 0 : BatchThreads(g) * g.K() * g.L()}, x.dtype()));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    ConvForwardKernel<T>(g, xc.data<T>(), wc.data<T>(), nullptr, y.data<T>(),
                         scratch.data<T>());
  });
  return y;
}

absl::StatusOr<Tensor> ConvRawGradInput(const ConvGeom& g, const Tensor& gy,
                                        const Tensor& w, const Shape& x_shape) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor gyc, ContiguousOf(gy));
  TENSORD_ASSIGN_OR_RETURN(Tensor wc, ContiguousOf(w));
  TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(x_shape, w.dtype()));
  if (gx.numel() == 0 || g.L() == 0) return gx;
  TENSORD_ASSIGN_OR_RETURN(Tensor scratch,
                           Empty({BatchThreads(g) * g.K() * g.L()}, w.dtype()));
  TENSORD_DISPATCH_FLOATING(w.dtype(), T, {
    ConvBackwardInputKernel<T>(g, gyc.data<T>(), wc.data<T>(), gx.data<T>(),
                               scratch.data<T>());
  });
  return gx;
}

absl::StatusOr<Tensor> ConvRawGradWeight(const ConvGeom& g, const Tensor& gy,
                                         const Tensor& x,
                                         const Shape& w_shape) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor gyc, ContiguousOf(gy));
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor gw, Empty(w_shape, x.dtype()));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor scratch,
      Empty({BatchThreads(g) * (g.K() * g.L() + g.Og() * g.K() + g.O * g.K())},
            x.dtype()));
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    ConvBackwardWeightKernel<T>(g, gyc.data<T>(), xc.data<T>(), gw.data<T>(),
                                scratch.data<T>());
  });
  return gw;
}

// With create_graph: the convolution's backward results r (input, weight and
// bias gradients, from gy, x and w) get a node for the second derivative.
// The convolution is bilinear, so each term is one of its three products:
// d gy = conv(ggx, w) + conv(x, ggw) + ggb, d x = grad_input(gy, ggw),
// d w = grad_weight(gy, ggx). (Not differentiable a third time.)
// `transposed`: the transposed convolution of the same geometry, whose
// forward is the input gradient: d gy = grad_input(ggx, w) +
// grad_input(x, ggw) + ggb, d x = conv(gy, ggw), d w = grad_weight(ggx, gy).
absl::Status RecordConvDoubleBackward(const ConvGeom& g, const Tensor& gy,
                                      const Tensor& x, const Tensor& w,
                                      GradList& r, bool transposed = false) {
  std::vector<Edge> edges = {GradientEdge(gy), GradientEdge(x),
                             GradientEdge(w)};
  if (!edges[0].fn && !edges[1].fn && !edges[2].fn) return absl::OkStatus();
  auto node = MakeNode<Node>("ConvolutionBackwardBackward0", std::move(edges),
                             static_cast<int>(r.size()));
  node->output_shapes = {x.sizes(), w.sizes()};
  if (r.size() > 2) node->output_shapes.push_back({gy.size(1)});
  node->output_dtypes.assign(r.size(), x.dtype());
  node->set_backward([g, gy = gy.detach(), x = x.detach(), w = w.detach(),
                      transposed](
                         Node&,
                         const GradList& gg) -> absl::StatusOr<GradList> {
    NoGradGuard ng;
    const Tensor& ggx = gg[0];
    const Tensor& ggw = gg[1];
    Tensor dgy, t, dx, dw;
    if (transposed) {
      TENSORD_ASSIGN_OR_RETURN(dgy, ConvRawGradInput(g, ggx, w, gy.sizes()));
      TENSORD_ASSIGN_OR_RETURN(t, ConvRawGradInput(g, x, ggw, gy.sizes()));
      TENSORD_ASSIGN_OR_RETURN(dx, ConvRawForward(g, gy, ggw, x.sizes()));
      TENSORD_ASSIGN_OR_RETURN(dw, ConvRawGradWeight(g, ggx, gy, w.sizes()));
    } else {
      TENSORD_ASSIGN_OR_RETURN(dgy, ConvRawForward(g, ggx, w, gy.sizes()));
      TENSORD_ASSIGN_OR_RETURN(t, ConvRawForward(g, x, ggw, gy.sizes()));
      TENSORD_ASSIGN_OR_RETURN(dx, ConvRawGradInput(g, gy, ggw, x.sizes()));
      TENSORD_ASSIGN_OR_RETURN(dw, ConvRawGradWeight(g, gy, ggx, w.sizes()));
    }
    TENSORD_ASSIGN_OR_RETURN(dgy, Add(dgy, t));
    if (gg.size() > 2 && gg[2].defined()) {
      DimList bshape(gy.dim(), 1);
      bshape[1] = gy.size(1);
      TENSORD_ASSIGN_OR_RETURN(Tensor b, Reshape(gg[2], bshape));
      TENSORD_ASSIGN_OR_RETURN(dgy, Add(dgy, b));
    }
    return GradList{dgy, dx, dw};
  });
  for (size_t i = 0; i < r.size(); ++i) {
    if (!r[i].defined()) continue;
    Tensor o = r[i].detach();
    o.impl()->grad_fn = node;
    o.impl()->output_nr = static_cast<int>(i);
    r[i] = std::move(o);
  }
  return absl::OkStatus();
}

std::string TypeWord(DType d) {
  return absl::StrCat("torch.", DTypeShortName(d), "Tensor");
}

const char* CTypeName(DType d) {
  switch (d) {
    case DType::kFloat32:
      return "float";
    case DType::kFloat64:
      return "double";
    case DType::kInt64:
      return "long int";
    case DType::kInt32:
      return "int";
    case DType::kBool:
      return "bool";
    default:
      return "c10::complex<float>";
  }
}

// Output size of one spatial dim: (in + pad_total - dil * (k - 1) - 1) /
// stride + 1, or -1 when the dilated kernel is larger than the padded input;
// an error on overflow.
absl::StatusOr<std::pair<int64_t, int64_t>> PaddedAndKernel(int64_t in,
                                                            int64_t pad_total,
                                                            int64_t k,
                                                            int64_t dil) {
  int64_t padded, dk;
  if (!AddOk(in, pad_total, &padded) || !MulOk(dil, k - 1, &dk) ||
      !AddOk(dk, 1, &dk)) {
    return TooLarge("convolution");
  }
  return std::make_pair(padded, dk);
}

// The convolution of batched x ([N, C, *spatial]) with w, spatial rank 1
// or 2; pads_before/after per spatial dim.
StatusOrTensor ConvCore(const Tensor& x, const Tensor& w, const Tensor& bias,
                        const DimList& stride, const DimList& pads_before,
                        const DimList& pads_after, const DimList& dilation,
                        int64_t groups) {
  const int64_t k = w.dim() - 2;
  for (size_t i = 0; i < pads_before.size(); ++i) {
    if (pads_before[i] < 0 || pads_after[i] < 0) {
      return absl::InvalidArgumentError("negative padding is not supported");
    }
  }
  for (int64_t s : stride) {
    if (s <= 0) {
      return absl::InvalidArgumentError("non-positive stride is not supported");
    }
  }
  // torch's message depends on the backend it picks: mkldnn for float32
  // with a batch or groups, else its own slow kernels (which see a 1-d
  // convolution as a 2-d one of height 1).
  const bool mkldnn = x.dtype() == DType::kFloat32 && x.dim() > 0 &&
                      (x.size(0) > 1 || groups > 1);
  for (int64_t d : dilation) {
    if (d <= 0 && mkldnn) {
      return absl::InvalidArgumentError(
          "non-positive dilation is not supported");
    }
    if (d <= 0) {
      DimList d2 = dilation;
      if (d2.size() == 1) d2.insert(d2.begin(), 1);
      return absl::InvalidArgumentError(absl::StrCat(
          "dilation should be greater than zero, but got ", Bracket(d2)));
    }
  }
  if (groups <= 0) {
    return absl::InvalidArgumentError("non-positive groups is not supported");
  }
  if (x.dim() != w.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", w.dim(), "-dimensional input for ", w.dim(),
        "-dimensional weight ", ShapeToString(w.sizes()), ", but got ", x.dim(),
        "-dimensional input of size ", ShapeToString(x.sizes()), " instead"));
  }
  if (w.size(0) < groups) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given groups=", groups, ", expected weight to be at least ", groups,
        " at dimension 0, but got weight of size ", ShapeToString(w.sizes()),
        " instead"));
  }
  if (w.size(0) % groups != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given groups=", groups, ", expected weight to be divisible by ",
        groups, " at dimension 0, but got weight of size [",
        ShapeToString(w.sizes()), "] instead"));
  }
  int64_t want_c;
  if (!MulOk(w.size(1), groups, &want_c)) return TooLarge("convolution");
  if (x.size(1) != want_c) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given groups=", groups, ", weight of size ", ShapeToString(w.sizes()),
        ", expected input", ShapeToString(x.sizes()), " to have ", want_c,
        " channels, but got ", x.size(1), " channels instead"));
  }
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != w.size(0))) {
    return absl::InvalidArgumentError(
        absl::StrCat("Given weight of size ", ShapeToString(w.sizes()),
                     ", expected bias to be 1-dimensional with ", w.size(0),
                     " elements, but got bias of size ",
                     ShapeToString(bias.sizes()), " instead"));
  }
  DimList padded(k), dks(k), outs(k);
  bool too_small = false;
  for (int64_t i = 0; i < k; ++i) {
    int64_t pad_total;
    if (!AddOk(pads_before[i], pads_after[i], &pad_total)) {
      return TooLarge("convolution");
    }
    TENSORD_ASSIGN_OR_RETURN(
        auto pk,
        PaddedAndKernel(x.size(2 + i), pad_total, w.size(2 + i), dilation[i]));
    padded[i] = pk.first;
    dks[i] = pk.second;
    if (padded[i] < dks[i]) too_small = true;
    outs[i] = too_small ? 0 : (padded[i] - dks[i]) / stride[i] + 1;
  }
  if (too_small) {
    return absl::InvalidArgumentError(
        absl::StrCat("Calculated padded input size per channel: (",
                     absl::StrJoin(padded, " x "), "). Kernel size: (",
                     absl::StrJoin(dks, " x "),
                     "). Kernel size can't be greater than actual input size"));
  }
  if (x.dtype() != w.dtype()) {
    if (mkldnn) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Input type (", TypeWord(x.dtype()), ") and weight type (",
          TypeWord(w.dtype()),
          ") should be the same or input should be a MKLDNN tensor and "
          "weight is a dense tensor"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("expected scalar type ", DTypeShortName(x.dtype()),
                     " but found ", DTypeShortName(w.dtype())));
  }
  if (bias.defined() && bias.dtype() != x.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Input type (", CTypeName(x.dtype()), ") and bias type (",
                     CTypeName(bias.dtype()), ") should be the same"));
  }
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"convolution\" not implemented for '",
                     DTypeShortName(x.dtype()), "' (tensord)"));
  }
  ConvGeom g;
  g.N = x.size(0);
  g.C = x.size(1);
  g.O = w.size(0);
  g.G = groups;
  if (k == 2) {
    g.H = x.size(2);
    g.kh = w.size(2);
    g.sh = stride[0];
    g.pt = pads_before[0];
    g.dh = dilation[0];
    g.OH = outs[0];
  } else {
    g.H = g.kh = g.OH = 1;
  }
  g.W = x.size(1 + k);
  g.kw = w.size(1 + k);
  g.sw = stride[k - 1];
  g.pl = pads_before[k - 1];
  g.dw = dilation[k - 1];
  g.OW = outs[k - 1];
  Shape out_shape = {g.N, g.O};
  for (int64_t o : outs) out_shape.push_back(o);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(out_shape, x.dtype()));
  // Column scratch: K * L per thread (checked: the client picks both).
  int64_t col_elems;
  if (!MulOk(g.K(), g.L(), &col_elems) ||
      !MulOk(col_elems, BatchThreads(g), &col_elems)) {
    return TooLarge("convolution");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor wc, ContiguousOf(w));
  Tensor bc;
  if (bias.defined()) {
    TENSORD_ASSIGN_OR_RETURN(bc, ContiguousOf(bias));
  }
  if (out.numel() > 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor scratch,
                             Empty({g.Pointwise() ? 0 : col_elems}, x.dtype()));
    TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
      ConvForwardKernel<T>(g, xc.data<T>(), wc.data<T>(),
                           bc.defined() ? bc.data<T>() : nullptr, out.data<T>(),
                           scratch.data<T>());
    });
  }
  std::vector<const Tensor*> ins = {&x, &w};
  if (bias.defined()) ins.push_back(&bias);
  if (auto node = RecordOp("ConvolutionBackward0", ins, {&out})) {
    const int x_slot = node->Save(xc), w_slot = node->Save(wc);
    const bool has_bias = bias.defined();
    node->set_backward([g, x_slot, w_slot, has_bias](
                           Node& n,
                           const GradList& gl) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor xs, n.Saved(x_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor ws, n.Saved(w_slot));
      GradList r(has_bias ? 3 : 2);
      if (!gl[0].defined()) return r;
      const DType dt = xs.dtype();
      TENSORD_ASSIGN_OR_RETURN(Tensor gy, ContiguousOf(gl[0]));
      if (gy.dtype() != dt) {
        NoGradGuard ng;
        TENSORD_ASSIGN_OR_RETURN(gy, To(gy, dt));
      }
      const auto& e = n.next_edges();
      if (e[0].fn) {
        TENSORD_ASSIGN_OR_RETURN(r[0], ConvRawGradInput(g, gy, ws, xs.sizes()));
      }
      if (e[1].fn) {
        TENSORD_ASSIGN_OR_RETURN(r[1],
                                 ConvRawGradWeight(g, gy, xs, ws.sizes()));
      }
      if (has_bias && e[2].fn) {
        NoGradGuard ng;
        DimList dims = {0};
        for (int64_t d = 2; d < gy.dim(); ++d) dims.push_back(d);
        TENSORD_ASSIGN_OR_RETURN(r[2], Sum(gy, dims));
      }
      if (GradEnabled()) {  // create_graph
        TENSORD_RETURN_IF_ERROR(RecordConvDoubleBackward(g, gl[0], xs, ws, r));
      }
      return r;
    });
    // The backward is recorded by RecordConvDoubleBackward (the transposed
    // convolution's node, of the same name, is not).
    node->twice_differentiable = true;
  }
  return out;
}

// conv1d/conv2d: unbatched input, parameter expansion and string padding.
StatusOrTensor ConvNd(int64_t nd, const Tensor& input, const Tensor& weight,
                      const Tensor& bias, const DimList& stride_in,
                      const std::optional<DimList>& padding_in,
                      const std::string& padding_str,
                      const DimList& dilation_in, int64_t groups) {
  const int64_t batched = nd + 2;
  if (input.dim() != batched && input.dim() != batched - 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", batched - 1, "D (unbatched) or ", batched,
        "D (batched) input to conv", nd,
        "d, but got input of size: ", ShapeToString(input.sizes())));
  }
  const bool unbatched = input.dim() == batched - 1;
  Tensor x = input;
  if (unbatched) {
    TENSORD_ASSIGN_OR_RETURN(x, Unsqueeze(input, 0));
  }
  // torch's parser makes nd values of one int; the convolution then wants
  // weight.dim() - 2 of them.
  auto nominal = [nd](const DimList& v) {
    return v.size() == 1 ? DimList(nd, v[0]) : v;
  };
  const int64_t k = std::max<int64_t>(weight.dim() - 2, 0);
  TENSORD_ASSIGN_OR_RETURN(DimList stride,
                           ExpandParam("stride", nominal(stride_in), k));
  TENSORD_ASSIGN_OR_RETURN(DimList dilation,
                           ExpandParam("dilation", nominal(dilation_in), k));
  DimList before(k, 0), after(k, 0);
  if (padding_in) {
    TENSORD_ASSIGN_OR_RETURN(before,
                             ExpandParam("padding", nominal(*padding_in), k));
    after = before;
  } else if (padding_str == "same") {
    for (int64_t s : stride) {
      if (s != 1) {
        return absl::InvalidArgumentError(
            "padding='same' is not supported for strided convolutions");
      }
    }
    for (int64_t i = 0; i < k; ++i) {
      int64_t total;
      if (!MulOk(dilation[i], weight.size(2 + i) - 1, &total)) {
        return TooLarge("convolution");
      }
      before[i] = total / 2;
      after[i] = total - before[i];
    }
  } else if (padding_str != "valid") {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid padding string: '", padding_str, "'"));
  }
  if (k == 0 || k > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", x.dim(), "-dimensional input for ", weight.dim(),
        "-dimensional weight ", ShapeToString(weight.sizes()), ", but got ",
        x.dim(), "-dimensional input of size ", ShapeToString(x.sizes()),
        " instead"));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, ConvCore(x, weight, bias, stride, before,
                                                after, dilation, groups));
  if (unbatched) return Squeeze(out, 0);
  return out;
}

// ---------------------------------------------------------------------------
// Pooling over the last two dims of [P, H, W] planes.

struct PoolGeom {
  int64_t P = 0, H = 0, W = 0, OH = 0, OW = 0;
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
};

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

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

template <typename F>
void ForPlanes(const PoolGeom& g, F&& f) {
  ParallelFor(g.P, std::max<int64_t>(g.OH * g.OW * g.kh * g.kw, 1),
              [&](int64_t b, int64_t e) {
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
          y[o] = sum / static_cast<T>((h1 - h0) * (w1 - w0));
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
        const T v = gy[(p * g.OH + oh) * g.OW + ow] /
                    static_cast<T>((h1 - h0) * (w1 - w0));
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

absl::Status NotFloating(const char* op, DType dt) {
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", op, "\" not implemented for '", DTypeShortName(dt), "'"));
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

}  // namespace

StatusOrTensor Conv(int64_t nd, const Tensor& input, const Tensor& weight,
                    const Tensor& bias, const DimList& stride,
                    const DimList& padding, const DimList& dilation,
                    int64_t groups) {
  return ConvNd(nd, input, weight, bias, stride, padding, "", dilation, groups);
}

StatusOrTensor ConvPaddingStr(int64_t nd, const Tensor& input,
                              const Tensor& weight, const Tensor& bias,
                              const DimList& stride, const std::string& padding,
                              const DimList& dilation, int64_t groups) {
  return ConvNd(nd, input, weight, bias, stride, std::nullopt, padding,
                dilation, groups);
}

namespace {

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
          auto backward = [&](const Tensor& gin) -> StatusOrTensor {
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
      auto backward = [&](const Tensor& gin) -> StatusOrTensor {
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

// ---------------------------------------------------------------------------
// Transposed convolution: conv's input gradient as a forward (GEMM + col2im),
// in the geometry of the convolution it transposes (whose input is this
// op's output).

namespace {

// torch's slow_conv_transpose2d checks (a 1-d op is 2-d of height 1: its
// messages name a height of 0 or 1).
absl::Status ConvTransposeChecks(const Tensor& x, const Tensor& w,
                                 const Tensor& bias, const DimList& stride,
                                 const DimList& padding, const DimList& outpad,
                                 const DimList& dilation, int64_t groups) {
  for (int64_t p : padding) {
    if (p < 0) {
      return absl::InvalidArgumentError("negative padding is not supported");
    }
  }
  for (int64_t p : outpad) {
    if (p < 0) {
      return absl::InvalidArgumentError(
          "negative output_padding is not supported");
    }
  }
  for (int64_t v : stride) {
    if (v <= 0) {
      return absl::InvalidArgumentError("non-positive stride is not supported");
    }
  }
  if (groups <= 0) {
    return absl::InvalidArgumentError("non-positive groups is not supported");
  }
  if (x.dim() != w.dim()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", w.dim(), "-dimensional input for ", w.dim(),
        "-dimensional weight ", ShapeToString(w.sizes()), ", but got ", x.dim(),
        "-dimensional input of size ", ShapeToString(x.sizes()), " instead"));
  }
  if (w.size(0) < groups) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given groups=", groups, ", expected weight to be at least ", groups,
        " at dimension 0, but got weight of size ", ShapeToString(w.sizes()),
        " instead"));
  }
  if (w.size(0) % groups != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given groups=", groups, ", expected weight to be divisible by ",
        groups, " at dimension 0, but got weight of size [",
        ShapeToString(w.sizes()), "] instead"));
  }
  if (x.size(1) != w.size(0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given transposed=1, weight of size ", ShapeToString(w.sizes()),
        ", expected input", ShapeToString(x.sizes()), " to have ", w.size(0),
        " channels, but got ", x.size(1), " channels instead"));
  }
  int64_t cout;
  if (!MulOk(w.size(1), groups, &cout)) return TooLarge("conv_transpose");
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != cout)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given transposed=1, weight of size ", ShapeToString(w.sizes()),
        ", expected bias to be 1-dimensional with ", cout,
        " elements, but got bias of size ", ShapeToString(bias.sizes()),
        " instead"));
  }
  // The 2-d view of the parameters for the messages.
  auto hw = [](const DimList& v, int64_t one) {
    return v.size() == 1 ? std::make_pair(one, v[0])
                         : std::make_pair(v[0], v[1]);
  };
  const auto d = hw(dilation, 1);
  if (d.first <= 0 || d.second <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("dilation should be greater than zero, but got "
                     "dilation_height: ",
                     d.first, ", dilation_width: ", d.second));
  }
  const auto op = hw(outpad, 0), st = hw(stride, 1);
  if (!((op.second < st.second || op.second < d.second) &&
        (op.first < st.first || op.first < d.first))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output padding must be smaller than either stride or dilation, but "
        "got output_padding_height: ",
        op.first, " output_padding_width: ", op.second,
        " stride_height: ", st.first, " stride_width: ", st.second,
        " dilation_height: ", d.first, " dilation_width: ", d.second));
  }
  return absl::OkStatus();
}

// (in - 1) * stride - 2 * pad + dil * (k - 1) + 1 + outpad, checked.
absl::StatusOr<int64_t> TransposedSize(int64_t in, int64_t k, int64_t stride,
                                       int64_t pad, int64_t dil,
                                       int64_t outpad) {
  int64_t a, b, out;
  if (!MulOk(in - 1, stride, &a) || !MulOk(pad, 2, &b) ||
      __builtin_sub_overflow(a, b, &out) || !MulOk(dil, k - 1, &b) ||
      !AddOk(out, b, &out) || !AddOk(out, 1, &out) ||
      !AddOk(out, outpad, &out)) {
    return TooLarge("conv_transpose");
  }
  return out;
}

// The transposed convolution of batched x ([N, Cin, *spatial]).
StatusOrTensor ConvTransposeCore(const Tensor& x, const Tensor& w,
                                 const Tensor& bias, const DimList& stride,
                                 const DimList& padding, const DimList& outpad,
                                 const DimList& dilation, int64_t groups) {
  TENSORD_RETURN_IF_ERROR(ConvTransposeChecks(x, w, bias, stride, padding,
                                              outpad, dilation, groups));
  const int64_t k = w.dim() - 2;
  ConvGeom g;
  g.N = x.size(0);
  g.O = w.size(0);
  g.C = w.size(1) * groups;
  g.G = groups;
  DimList outs(k);
  for (int64_t i = 0; i < k; ++i) {
    TENSORD_ASSIGN_OR_RETURN(
        outs[i], TransposedSize(x.size(2 + i), w.size(2 + i), stride[i],
                                padding[i], dilation[i], outpad[i]));
  }
  if (std::any_of(outs.begin(), outs.end(), [](int64_t o) { return o < 1; })) {
    const int64_t ih = k == 2 ? x.size(2) : 1, oh = k == 2 ? outs[0] : 1;
    return absl::InvalidArgumentError(
        absl::StrCat("Given input size per channel: (", ih, " x ",
                     x.size(1 + k), "). Calculated output size per channel: (",
                     oh, " x ", outs[k - 1], "). Output size is too small"));
  }
  if (x.dtype() != w.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected scalar type ", DTypeShortName(x.dtype()),
                     " but found ", DTypeShortName(w.dtype())));
  }
  if (bias.defined() && bias.dtype() != x.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected scalar type ", DTypeShortName(x.dtype()),
                     " but found ", DTypeShortName(bias.dtype())));
  }
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"conv_transpose\" not implemented for '",
                     DTypeShortName(x.dtype()), "' (tensord)"));
  }
  if (k == 2) {
    g.H = outs[0];
    g.OH = x.size(2);
    g.kh = w.size(2);
    g.sh = stride[0];
    g.pt = padding[0];
    g.dh = dilation[0];
  } else {
    g.H = g.OH = g.kh = 1;
  }
  g.W = outs[k - 1];
  g.OW = x.size(1 + k);
  g.kw = w.size(1 + k);
  g.sw = stride[k - 1];
  g.pl = padding[k - 1];
  g.dw = dilation[k - 1];
  Shape out_shape = {g.N, g.C};
  for (int64_t o : outs) out_shape.push_back(o);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Zeros(out_shape, x.dtype()));
  int64_t col_elems;
  if (!MulOk(g.K(), g.L(), &col_elems) ||
      !MulOk(col_elems, BatchThreads(g), &col_elems)) {
    return TooLarge("conv_transpose");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, ContiguousOf(x));
  TENSORD_ASSIGN_OR_RETURN(Tensor wc, ContiguousOf(w));
  if (out.numel() > 0 && g.L() > 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor scratch, Empty({col_elems}, x.dtype()));
    TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
      ConvBackwardInputKernel<T>(g, xc.data<T>(), wc.data<T>(), out.data<T>(),
                                 scratch.data<T>());
    });
  }
  if (bias.defined() && out.numel() > 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor bc, ContiguousOf(bias));
    const int64_t plane = out.numel() / (g.N * g.C);
    TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
      T* y = out.data<T>();
      const T* b = bc.data<T>();
      for (int64_t n = 0; n < g.N; ++n) {
        for (int64_t c = 0; c < g.C; ++c) {
          T* p = y + (n * g.C + c) * plane;
          for (int64_t i = 0; i < plane; ++i) p[i] += b[c];
        }
      }
    });
  }
  std::vector<const Tensor*> ins = {&x, &w};
  if (bias.defined()) ins.push_back(&bias);
  if (auto node = RecordOp("ConvolutionBackward0", ins, {&out})) {
    const int x_slot = node->Save(xc), w_slot = node->Save(wc);
    const bool has_bias = bias.defined();
    node->set_backward([g, x_slot, w_slot, has_bias](
                           Node& n,
                           const GradList& gl) -> absl::StatusOr<GradList> {
      TENSORD_ASSIGN_OR_RETURN(Tensor xs, n.Saved(x_slot));
      TENSORD_ASSIGN_OR_RETURN(Tensor ws, n.Saved(w_slot));
      GradList r(has_bias ? 3 : 2);
      if (!gl[0].defined()) return r;
      const DType dt = xs.dtype();
      TENSORD_ASSIGN_OR_RETURN(Tensor gy, ContiguousOf(gl[0]));
      if (gy.dtype() != dt) {
        NoGradGuard ng;
        TENSORD_ASSIGN_OR_RETURN(gy, To(gy, dt));
      }
      const auto& e = n.next_edges();
      const int64_t K = g.K(), L = g.L();
      const int64_t threads = BatchThreads(g);
      if (e[0].fn) {
        // The input's gradient: the convolution of gy with the weight.
        TENSORD_ASSIGN_OR_RETURN(r[0], Empty(xs.sizes(), dt));
        if (r[0].numel() > 0) {
          TENSORD_ASSIGN_OR_RETURN(
              Tensor scratch, Empty({g.Pointwise() ? 0 : threads * K * L}, dt));
          TENSORD_DISPATCH_FLOATING(dt, T, {
            ConvForwardKernel<T>(g, gy.data<T>(), ws.data<T>(), nullptr,
                                 r[0].data<T>(), scratch.data<T>());
          });
        }
      }
      if (e[1].fn) {
        TENSORD_ASSIGN_OR_RETURN(r[1], Empty(ws.sizes(), dt));
        TENSORD_ASSIGN_OR_RETURN(
            Tensor scratch,
            Empty({threads * (K * L + g.Og() * K + g.O * K)}, dt));
        TENSORD_DISPATCH_FLOATING(dt, T, {
          ConvBackwardWeightKernel<T>(g, xs.data<T>(), gy.data<T>(),
                                      r[1].data<T>(), scratch.data<T>());
        });
      }
      if (has_bias && e[2].fn) {
        NoGradGuard ng;
        DimList dims = {0};
        for (int64_t d = 2; d < gy.dim(); ++d) dims.push_back(d);
        TENSORD_ASSIGN_OR_RETURN(r[2], Sum(gy, dims));
      }
      if (GradEnabled()) {  // create_graph
        TENSORD_RETURN_IF_ERROR(
            RecordConvDoubleBackward(g, gl[0], xs, ws, r, /*transposed=*/true));
      }
      return r;
    });
    node->twice_differentiable = true;
  }
  return out;
}

}  // namespace

StatusOrTensor ConvTranspose(int64_t nd, const Tensor& input,
                             const Tensor& weight, const Tensor& bias,
                             const DimList& stride_in,
                             const DimList& padding_in,
                             const DimList& outpad_in, int64_t groups,
                             const DimList& dilation_in) {
  const int64_t batched = nd + 2;
  if (input.dim() != batched && input.dim() != batched - 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", batched - 1, "D (unbatched) or ", batched,
        "D (batched) input to conv_transpose", nd,
        "d, but got input of size: ", ShapeToString(input.sizes())));
  }
  const bool unbatched = input.dim() == batched - 1;
  Tensor x = input;
  if (unbatched) {
    TENSORD_ASSIGN_OR_RETURN(x, Unsqueeze(input, 0));
  }
  auto nominal = [nd](const DimList& v) {
    return v.size() == 1 ? DimList(nd, v[0]) : v;
  };
  const int64_t k = std::max<int64_t>(weight.dim() - 2, 0);
  if (k == 0 || k > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected ", x.dim(), "-dimensional input for ", weight.dim(),
        "-dimensional weight ", ShapeToString(weight.sizes()), ", but got ",
        x.dim(), "-dimensional input of size ", ShapeToString(x.sizes()),
        " instead"));
  }
  TENSORD_ASSIGN_OR_RETURN(DimList stride,
                           ExpandParam("stride", nominal(stride_in), k));
  TENSORD_ASSIGN_OR_RETURN(DimList padding,
                           ExpandParam("padding", nominal(padding_in), k));
  TENSORD_ASSIGN_OR_RETURN(
      DimList outpad, ExpandParam("output_padding", nominal(outpad_in), k));
  TENSORD_ASSIGN_OR_RETURN(DimList dilation,
                           ExpandParam("dilation", nominal(dilation_in), k));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor out, ConvTransposeCore(x, weight, bias, stride, padding, outpad,
                                    dilation, groups));
  if (unbatched) return Squeeze(out, 0);
  return out;
}

// ---------------------------------------------------------------------------
// F.unfold / F.fold: im2col and col2im of conv's engine as ops.

namespace {

// A parameter of two values (one value: both), or torch's message.
absl::StatusOr<std::pair<int64_t, int64_t>> TwoOf(const char* name,
                                                  const DimList& v) {
  if (v.size() == 1) return std::make_pair(v[0], v[0]);
  if (v.size() == 2) return std::make_pair(v[0], v[1]);
  return absl::InvalidArgumentError(absl::StrCat(
      "It is expected ", name, " equals to 2, but got size ", v.size()));
}

struct BlockParams {
  std::pair<int64_t, int64_t> k, d, p, s;
};

absl::StatusOr<BlockParams> BlockParamsOf(const DimList& kernel,
                                          const DimList& dilation,
                                          const DimList& padding,
                                          const DimList& stride, bool fold) {
  BlockParams b;
  TENSORD_ASSIGN_OR_RETURN(b.k, TwoOf("kernel_size", kernel));
  TENSORD_ASSIGN_OR_RETURN(b.d, TwoOf("dilation", dilation));
  TENSORD_ASSIGN_OR_RETURN(b.p, TwoOf("padding", padding));
  TENSORD_ASSIGN_OR_RETURN(b.s, TwoOf("stride", stride));
  if (b.k.first <= 0 || b.k.second <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kernel size should be greater than zero, but got kernel_height: ",
        b.k.first, " kernel_width: ", b.k.second));
  }
  const absl::Status bad_stride = absl::InvalidArgumentError(
      absl::StrCat("stride should be greater than zero, but got "
                   "stride_height: ",
                   b.s.first, " stride_width: ", b.s.second));
  if (fold && (b.s.first <= 0 || b.s.second <= 0)) return bad_stride;
  if (b.d.first <= 0 || b.d.second <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "dilation should be greater than zero, but got dilation_height: ",
        b.d.first, " dilation_width: ", b.d.second));
  }
  if (b.p.first < 0 || b.p.second < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "padding should be non-negative, but got pad_height: ", b.p.first,
        " pad_width: ", b.p.second));
  }
  if (b.s.first <= 0 || b.s.second <= 0) return bad_stride;
  return b;
}

// Sliding blocks along one dim: floor((in + 2 pad - dil (k - 1) - 1) /
// stride) + 1, checked.
absl::StatusOr<int64_t> Blocks(int64_t in, int64_t k, int64_t d, int64_t p,
                               int64_t s) {
  int64_t num, dk;
  if (!MulOk(p, 2, &num) || !AddOk(in, num, &num) || !MulOk(d, k - 1, &dk) ||
      !AddOk(dk, 1, &dk) || __builtin_sub_overflow(num, dk, &num)) {
    return TooLarge("unfold/fold");
  }
  return FloorDiv(num, s) + 1;
}

ConvGeom BlockGeom(const BlockParams& b, int64_t n, int64_t c, int64_t h,
                   int64_t w, int64_t bh, int64_t bw) {
  ConvGeom g;
  g.N = n;
  g.C = c;
  g.H = h;
  g.W = w;
  g.kh = b.k.first;
  g.kw = b.k.second;
  g.dh = b.d.first;
  g.dw = b.d.second;
  g.pt = b.p.first;
  g.pl = b.p.second;
  g.sh = b.s.first;
  g.sw = b.s.second;
  g.OH = bh;
  g.OW = bw;
  return g;
}

// cols [N, C * kh * kw, L] from x [N, C, H, W] (both contiguous).
template <typename T>
void Im2ColBatch(const ConvGeom& g, const T* x, T* cols) {
  const int64_t in = g.C * g.H * g.W, out = g.K() * g.L();
  ParallelFor(g.N, std::max<int64_t>(out, 1), [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; ++n) Im2Col(g, x + n * in, cols + n * out);
  });
}

// x [N, C, H, W] (zeroed) += cols scattered back.
template <typename T>
void Col2ImBatch(const ConvGeom& g, const T* cols, T* x) {
  const int64_t in = g.C * g.H * g.W, out = g.K() * g.L();
  ParallelFor(g.N, std::max<int64_t>(out, 1), [&](int64_t b, int64_t e) {
    for (int64_t n = b; n < e; ++n) Col2Im(g, cols + n * out, x + n * in);
  });
}

// Runs im2col (to_cols) or col2im from `src` into a new tensor of `shape`.
absl::StatusOr<Tensor> RunBlocks(const ConvGeom& g, bool to_cols,
                                 const Tensor& src, const Shape& shape) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Zeros(shape, src.dtype()));
  if (out.numel() == 0) return out;
  TENSORD_ASSIGN_OR_RETURN(Tensor sc, ContiguousOf(src));
  if (sc.dtype() != out.dtype()) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(sc, To(sc, out.dtype()));
  }
  TENSORD_DISPATCH_FLOATING(out.dtype(), T, {
    if (to_cols) {
      Im2ColBatch<T>(g, sc.data<T>(), out.data<T>());
    } else {
      Col2ImBatch<T>(g, sc.data<T>(), out.data<T>());
    }
  });
  return out;
}

// Records im2col / col2im, whose backward is the other one.
void RecordBlocks(const char* name, const ConvGeom& g, bool to_cols,
                  const Tensor& x, Tensor& out) {
  if (auto node = RecordOp(name, {&x}, {&out})) {
    const Shape in_shape = x.sizes();
    node->set_backward(
        [g, to_cols, in_shape, out_shape = out.sizes()](
            Node& n, const GradList& gl) -> absl::StatusOr<GradList> {
          // unfold and fold are each other's transposes.
          TENSORD_ASSIGN_OR_RETURN(
              Tensor gx, LinearInGrad(
                             n, gl[0],
                             [&](const Tensor& gi) {
                               return RunBlocks(g, !to_cols, gi, in_shape);
                             },
                             [g, to_cols, out_shape](const Tensor& gg) {
                               return RunBlocks(g, to_cols, gg, out_shape);
                             },
                             /*transpose_differentiable=*/false));
          return GradList{gx};
        });
  }
}

}  // namespace

StatusOrTensor Unfold2d(const Tensor& x, const DimList& kernel_size,
                        const DimList& dilation, const DimList& padding,
                        const DimList& stride) {
  TENSORD_ASSIGN_OR_RETURN(
      BlockParams b,
      BlockParamsOf(kernel_size, dilation, padding, stride, false));
  const int64_t nd = x.dim();
  for (int64_t d : {1, 2}) {
    if (d >= nd) {
      if (nd == 0) {
        return IndexError(absl::StrCat("Dimension specified as ", d,
                                       " but tensor has no dimensions"));
      }
      return IndexError(
          absl::StrCat("Dimension out of range (expected to be in range of [",
                       -nd, ", ", nd - 1, "], but got ", d, ")"));
    }
  }
  const bool valid = x.size(1) != 0 && x.size(2) != 0;
  if (!((nd == 3 && x.size(0) != 0 && valid) ||
        (nd == 4 && valid && x.size(3) != 0))) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected 3D or 4D (batch mode) tensor with possibly 0 "
                     "batch size and other non-zero dimensions for input, but "
                     "got: ",
                     ShapeToString(x.sizes())));
  }
  const int64_t h = x.size(nd - 2), w = x.size(nd - 1);
  TENSORD_ASSIGN_OR_RETURN(
      int64_t bh, Blocks(h, b.k.first, b.d.first, b.p.first, b.s.first));
  TENSORD_ASSIGN_OR_RETURN(
      int64_t bw, Blocks(w, b.k.second, b.d.second, b.p.second, b.s.second));
  if (bh < 1 || bw < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given input with spatial size (", h, ", ", h, "), kernel_size=(",
        b.k.first, ", ", b.k.second, "), dilation=(", b.d.first, ", ",
        b.d.second, "), padding=(", b.p.first, ", ", b.p.second,
        "), calculated shape of the array of sliding blocks as (", bh, ", ", bw,
        "), but its components must be at least one."));
  }
  if (!IsFloating(x.dtype())) return NotFloating("im2col", x.dtype());
  const int64_t n = nd == 4 ? x.size(0) : 1, c = x.size(nd - 3);
  const ConvGeom g = BlockGeom(b, n, c, h, w, bh, bw);
  int64_t rows, cols;
  if (!MulOk(c, b.k.first, &rows) || !MulOk(rows, b.k.second, &rows) ||
      !MulOk(bh, bw, &cols)) {
    return TooLarge("unfold");
  }
  Shape shape = {rows, cols};
  if (nd == 4) shape.insert(shape.begin(), n);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, RunBlocks(g, true, x, shape));
  RecordBlocks("Im2ColBackward0", g, true, x, out);
  return out;
}

StatusOrTensor Fold2d(const Tensor& x, const DimList& output_size,
                      const DimList& kernel_size, const DimList& dilation,
                      const DimList& padding, const DimList& stride) {
  TENSORD_ASSIGN_OR_RETURN(auto os, TwoOf("output_size", output_size));
  TENSORD_ASSIGN_OR_RETURN(BlockParams b, BlockParamsOf(kernel_size, dilation,
                                                        padding, stride, true));
  const int64_t nd = x.dim();
  if (!((nd == 2 && x.size(0) != 0 && x.size(1) != 0) ||
        (nd == 3 && x.size(1) != 0 && x.size(2) != 0))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected 2D or 3D (batch mode) tensor for input with possibly 0 "
        "batch size and non-zero dimensions for input, but got: ",
        ShapeToString(x.sizes())));
  }
  const int64_t planes = x.size(nd - 2), length = x.size(nd - 1);
  int64_t kk;
  if (!MulOk(b.k.first, b.k.second, &kk)) return TooLarge("fold");
  if (planes % kk != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected size of input's dimension 1 to be divisible by the product "
        "of kernel_size, but got input.size(1)=",
        planes, " and kernel_size=(", b.k.first, ", ", b.k.second, ")."));
  }
  TENSORD_ASSIGN_OR_RETURN(
      int64_t bh, Blocks(os.first, b.k.first, b.d.first, b.p.first, b.s.first));
  TENSORD_ASSIGN_OR_RETURN(int64_t bw, Blocks(os.second, b.k.second, b.d.second,
                                              b.p.second, b.s.second));
  int64_t nb;
  if (!MulOk(bh, bw, &nb)) return TooLarge("fold");
  const std::string given = absl::StrCat(
      "Given output_size=(", os.first, ", ", os.second, "), kernel_size=(",
      b.k.first, ", ", b.k.second, "), dilation=(", b.d.first, ", ", b.d.second,
      "), padding=(", b.p.first, ", ", b.p.second, "), stride=(", b.s.first,
      ", ", b.s.second, ")");
  if (length != nb) {
    return absl::InvalidArgumentError(absl::StrCat(
        given,
        ", expected size of input's dimension 2 to match the calculated "
        "number of sliding blocks ",
        bh, " * ", bw, " = ", nb, ", but got input.size(2)=", length, "."));
  }
  if (bh < 1 || bw < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        given, ", calculated shape of the array of sliding blocks as (", bh,
        ", ", bw, "), which is too small (non-positive)"));
  }
  if (os.first < 1 || os.second < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected output spatial size to be positive, but got: "
                     "output_size=(",
                     os.first, ", ", os.second, ")."));
  }
  if (!IsFloating(x.dtype())) return NotFloating("col2im", x.dtype());
  const int64_t n = nd == 3 ? x.size(0) : 1, c = planes / kk;
  const ConvGeom g = BlockGeom(b, n, c, os.first, os.second, bh, bw);
  Shape shape = {c, os.first, os.second};
  if (nd == 3) shape.insert(shape.begin(), n);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, RunBlocks(g, false, x, shape));
  RecordBlocks("Col2ImBackward0", g, false, x, out);
  return out;
}

}  // namespace tensord
