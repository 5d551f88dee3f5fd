// torch.nn.functional's convolutions (conv1d/conv2d and the transposed
// ones), with their derivatives; pooling is in ops_pool.cc, unfold/fold
// in ops_fold.cc.
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
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/autograd.h"
#include "core/conv_dnnl.h"
#include "core/errors.h"
#include "core/gemm.h"
#include "core/loops.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

absl::StatusOr<Tensor> ContiguousOf(const Tensor& t) {
  NoGradGuard ng;
  return Contiguous(t);
}

namespace {

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
  if (x.dtype() == DType::kFloat32 && ConvUsesDnnl(g) &&
      DnnlConvForward(g, xc.data<float>(), wc.data<float>(), nullptr,
                      y.data<float>())
          .ok()) {
    return y;
  }
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
  if (w.dtype() == DType::kFloat32 && ConvUsesDnnl(g) &&
      DnnlConvBackwardData(g, gyc.data<float>(), wc.data<float>(),
                           gx.data<float>())
          .ok()) {
    return gx;
  }
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
  if (x.dtype() == DType::kFloat32 && ConvUsesDnnl(g) &&
      DnnlConvBackwardWeights(g, xc.data<float>(), gyc.data<float>(),
                              gw.data<float>(), nullptr)
          .ok()) {
    return gw;
  }
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
  node->output_dtypes.assign(r.size(), GradDType(x.dtype()));
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
  g.pb = k == 2 ? pads_after[0] : 0;
  g.pr = pads_after[k - 1];
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
  bool done = out.numel() == 0;
  if (!done && x.dtype() == DType::kFloat32 && ConvUsesDnnl(g)) {
    done = DnnlConvForward(g, xc.data<float>(), wc.data<float>(),
                           bc.defined() ? bc.data<float>() : nullptr,
                           out.data<float>())
               .ok();
  }
  if (!done) {
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
      const bool want_bias = has_bias && e[2].fn;
      bool bias_done = false;
      if (dt == DType::kFloat32 && (e[1].fn || want_bias) && ConvUsesDnnl(g)) {
        // torch's mkldnn backward: one primitive gives both gradients.
        NoGradGuard ng;
        TENSORD_ASSIGN_OR_RETURN(Tensor gw, Empty(ws.sizes(), dt));
        Tensor gb;
        if (want_bias) {
          TENSORD_ASSIGN_OR_RETURN(gb, Empty({g.O}, dt));
        }
        if (DnnlConvBackwardWeights(g, xs.data<float>(), gy.data<float>(),
                                    gw.data<float>(),
                                    want_bias ? gb.data<float>() : nullptr)
                .ok()) {
          if (e[1].fn) r[1] = gw;
          if (want_bias) r[2] = gb;
          bias_done = true;
        }
      }
      if (e[1].fn && !r[1].defined()) {
        TENSORD_ASSIGN_OR_RETURN(r[1],
                                 ConvRawGradWeight(g, gy, xs, ws.sizes()));
      }
      if (want_bias && !bias_done) {
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

}  // namespace tensord
