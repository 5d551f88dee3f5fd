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
#include <cstring>
#include <mutex>
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
  const int threads = BatchThreads(g);
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
  if (threads <= 1) {
    run(0, 1);
    return;
  }
#pragma omp parallel num_threads(threads)
  run(omp_get_thread_num(), omp_get_num_threads());
}

absl::StatusOr<Tensor> ContiguousOf(const Tensor& t) {
  NoGradGuard ng;
  return Contiguous(t);
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
      const int64_t K = g.K(), L = g.L();
      const int64_t threads = BatchThreads(g);
      if (e[0].fn) {
        TENSORD_ASSIGN_OR_RETURN(r[0], Zeros(xs.sizes(), dt));
        TENSORD_ASSIGN_OR_RETURN(Tensor scratch, Empty({threads * K * L}, dt));
        if (r[0].numel() > 0 && L > 0) {
          TENSORD_DISPATCH_FLOATING(dt, T, {
            ConvBackwardInputKernel<T>(g, gy.data<T>(), ws.data<T>(),
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
          ConvBackwardWeightKernel<T>(g, gy.data<T>(), xs.data<T>(),
                                      r[1].data<T>(), scratch.data<T>());
        });
      }
      if (has_bias && e[2].fn) {
        NoGradGuard ng;
        DimList dims = {0};
        for (int64_t d = 2; d < gy.dim(); ++d) dims.push_back(d);
        TENSORD_ASSIGN_OR_RETURN(r[2], Sum(gy, dims));
      }
      return r;
    });
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

}  // namespace tensord
