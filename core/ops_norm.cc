// torch.nn.functional's normalization layers, dropout and embedding.
//
// batch_norm, layer_norm and group_norm are compositions of differentiable
// ops (mean, biased var, rsqrt) named with torch's grad_fn through
// Composite(); batch_norm in training updates running_mean/running_var in
// place as torch does (the unbiased variance into running_var). dropout
// draws torch's bernoulli(1 - p) mask from the session generator (uniform
// double < 1 - p per element, in order) and multiplies: the same values as
// torch after the same manual_seed. (embedding: ops_embedding.cc)
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
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
namespace {

// [1, C, 1, ...] for broadcasting a per-channel vector against x.
DimList ChannelShape(const Tensor& x) {
  DimList s(x.dim(), 1);
  s[1] = x.size(1);
  return s;
}

// (x - mean) * rsqrt(var + eps)
StatusOrTensor Normalized(const Tensor& x, const Tensor& mean,
                          const Tensor& var, double eps) {
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Sub(x, mean));
  TENSORD_ASSIGN_OR_RETURN(Tensor ve, Add(var, WrapScalar(eps)));
  TENSORD_ASSIGN_OR_RETURN(Tensor inv, Rsqrt(ve));
  return Mul(c, inv);
}

// y * w + b with w, b viewed as `shape` (undefined: skipped).
StatusOrTensor Affine(Tensor y, const Tensor& w, const Tensor& b,
                      const DimList& shape) {
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor wv, Reshape(w, shape));
    TENSORD_ASSIGN_OR_RETURN(y, Mul(y, wv));
  }
  if (b.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor bv, Reshape(b, shape));
    TENSORD_ASSIGN_OR_RETURN(y, Add(y, bv));
  }
  return y;
}

absl::Status NotImplementedFor(const char* what, DType dt) {
  return absl::InvalidArgumentError(absl::StrCat(
      "\"", what, "\" not implemented for '", DTypeShortName(dt), "'"));
}

// A double as Python's str() shows it ("1.5", "2.0").
std::string PyFloat(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string PySize(const Tensor& x) {
  return absl::StrCat("torch.Size(", ShapeToString(x.sizes()), ")");
}

// ---------------------------------------------------------------------------
// batch_norm as torch 1.13 computes it on contiguous float/double input
// (Normalization.cpp and cpu/batch_norm_kernel.cpp, AVX2 build): the same
// sums in the same order and types, the same fused multiply-adds, so
// outputs, running statistics and gradients are torch's bits.

// x seen as [nb, C, image].
struct BnGeom {
  int64_t nb = 1, C = 1, image = 1;
  int64_t n() const { return nb * image; }
};

// Rows [begin, end) of each of torch's threads in at::parallel_for(0, rows,
// grain 1).
template <typename F>
void TorchThreadRows(int64_t rows, F&& f) {
  const int64_t used = std::min(TorchThreads(), rows);
  if (used <= 0) return;
  const int64_t chunk = (rows + used - 1) / used;
  for (int64_t t = 0; t < used; ++t) {
    f(t, t * chunk, std::min(rows, (t + 1) * chunk));
  }
}

// Per-channel mean and sum of squared deviations (batch_norm_cpu_collect_
// stats): sums in double; [N, C] input (image 1) goes through per-thread
// buffers in T as torch's channels-last path.
template <typename T>
void BnCollectStats(const T* x, const BnGeom& g, T* mean, T* var_sum) {
  const int64_t C = g.C, image = g.image, N = g.n();
  if (image != 1) {
    ParallelFor(C, N, [&](int64_t cb, int64_t ce) {
      for (int64_t c = cb; c < ce; ++c) {
        double sum = 0;
        for (int64_t b = 0; b < g.nb; ++b) {
          const T* p = x + (b * C + c) * image;
          for (int64_t i = 0; i < image; ++i) sum += p[i];
        }
        const T m = static_cast<T>(sum / static_cast<double>(N));
        mean[c] = m;
        double vs = 0;
        for (int64_t b = 0; b < g.nb; ++b) {
          const T* p = x + (b * C + c) * image;
          for (int64_t i = 0; i < image; ++i) {
            const T d = p[i] - m;
            const T sq = d * d;
            vs += sq;
          }
        }
        var_sum[c] = static_cast<T>(vs);
      }
    });
    return;
  }
  const int64_t threads = TorchThreads();
  std::vector<T> buf(static_cast<size_t>(threads * C), T(0));
  TorchThreadRows(g.nb, [&](int64_t t, int64_t rb, int64_t re) {
    T* acc = buf.data() + t * C;
    for (int64_t r = rb; r < re; ++r) {
      for (int64_t c = 0; c < C; ++c) acc[c] = x[r * C + c] + acc[c];
    }
  });
  for (int64_t c = 0; c < C; ++c) {
    double sum = 0;
    for (int64_t t = 0; t < threads; ++t) sum += buf[t * C + c];
    mean[c] = static_cast<T>(sum / static_cast<double>(N));
  }
  std::fill(buf.begin(), buf.end(), T(0));
  TorchThreadRows(g.nb, [&](int64_t t, int64_t rb, int64_t re) {
    T* acc = buf.data() + t * C;
    for (int64_t r = rb; r < re; ++r) {
      for (int64_t c = 0; c < C; ++c) {
        const T d = x[r * C + c] - mean[c];
        acc[c] = std::fma(d, d, acc[c]);
      }
    }
  });
  for (int64_t c = 0; c < C; ++c) {
    double vs = 0;
    for (int64_t t = 0; t < threads; ++t) vs += buf[t * C + c];
    var_sum[c] = static_cast<T>(vs);
  }
}

// y = x * alpha[c] + beta[c], fused, with alpha = invstd * w and
// beta = b - mean * alpha.
template <typename T>
void BnTransform(const T* x, const BnGeom& g, const T* mean, const T* invstd,
                 const T* w, const T* b, T* y) {
  const int64_t C = g.C, image = g.image;
  std::vector<T> alpha(C), beta(C);
  for (int64_t c = 0; c < C; ++c) {
    alpha[c] = invstd[c] * (w ? w[c] : T(1));
    beta[c] = std::fma(-mean[c], alpha[c], b ? b[c] : T(0));
  }
  ParallelFor(g.nb * C, image, [&](int64_t rb, int64_t re) {
    for (int64_t r = rb; r < re; ++r) {
      const int64_t c = r % C;
      const T* p = x + r * image;
      T* q = y + r * image;
      for (int64_t i = 0; i < image; ++i)
        q[i] = std::fma(p[i], alpha[c], beta[c]);
    }
  });
}

// native_batch_norm_backward's kernel: grad_input (if gx), grad_weight (if
// gw), grad_bias (if gb). mean/invstd are the saved statistics in training,
// else running_mean and 1 / sqrt(running_var + eps) (computed in double).
template <typename T>
void BnBackward(const T* x, const T* dy, const BnGeom& g, const T* mean,
                const T* invstd, const T* w, bool train, T* gx, T* gw, T* gb) {
  constexpr int L = kTorchLanes<T>;
  const int64_t C = g.C, image = g.image, N = g.n();
  if (image != 1) {
    ParallelFor(C, N, [&](int64_t cb, int64_t ce) {
      std::vector<T> dev(static_cast<size_t>(image));
      for (int64_t c = cb; c < ce; ++c) {
        const T wc = w ? w[c] : T(1);
        const T m = mean[c], is = invstd[c];
        double sum = 0, dotp = 0;
        for (int64_t b = 0; b < g.nb; ++b) {
          const T* xp = x + (b * C + c) * image;
          const T* dp = dy + (b * C + c) * image;
          sum += TorchLaneSum<T, L>(dp, image);
          for (int64_t i = 0; i < image; ++i) dev[i] = xp[i] - m;
          dotp += TorchLaneDot<T, L>(dev.data(), dp, image);
        }
        if (gx != nullptr) {
          const T k = static_cast<T>(dotp) * is * is / static_cast<T>(N);
          const T gm = static_cast<T>(sum / static_cast<double>(N));
          for (int64_t b = 0; b < g.nb; ++b) {
            const T* xp = x + (b * C + c) * image;
            const T* dp = dy + (b * C + c) * image;
            T* op = gx + (b * C + c) * image;
            for (int64_t i = 0; i < image; ++i) {
              op[i] = train ? std::fma(-(xp[i] - m), k, dp[i] - gm) * is * wc
                            : dp[i] * is * wc;
            }
          }
        }
        if (gw != nullptr) gw[c] = static_cast<T>(dotp * is);
        if (gb != nullptr) gb[c] = static_cast<T>(sum);
      }
    });
    return;
  }
  const int64_t threads = TorchThreads();
  std::vector<T> sums(static_cast<size_t>(threads * C), T(0));
  std::vector<T> dots(static_cast<size_t>(threads * C), T(0));
  TorchThreadRows(g.nb, [&](int64_t t, int64_t rb, int64_t re) {
    T* sp = sums.data() + t * C;
    T* dp = dots.data() + t * C;
    for (int64_t r = rb; r < re; ++r) {
      for (int64_t c = 0; c < C; ++c) {
        const T d = dy[r * C + c];
        sp[c] = sp[c] + d;
        dp[c] = std::fma(x[r * C + c] - mean[c], d, dp[c]);
      }
    }
  });
  std::vector<T> sum(C), dotp(C);
  for (int64_t c = 0; c < C; ++c) {
    double s = 0, d = 0;
    for (int64_t t = 0; t < threads; ++t) s += sums[t * C + c];
    for (int64_t t = 0; t < threads; ++t) d += dots[t * C + c];
    sum[c] = static_cast<T>(s);
    dotp[c] = static_cast<T>(d);
  }
  if (gx != nullptr) {
    const T n = static_cast<T>(N);
    for (int64_t r = 0; r < g.nb; ++r) {
      for (int64_t c = 0; c < C; ++c) {
        const T wc = w ? w[c] : T(1);
        const T is = invstd[c];
        const T d = dy[r * C + c];
        if (train) {
          const T k = dotp[c] * is * is / n;
          const T gm = sum[c] / n;
          gx[r * C + c] =
              std::fma(-(x[r * C + c] - mean[c]), k, d - gm) * is * wc;
        } else {
          gx[r * C + c] = d * is * wc;
        }
      }
    }
  }
  for (int64_t c = 0; c < C; ++c) {
    if (gw != nullptr) gw[c] = dotp[c] * invstd[c];
    if (gb != nullptr) gb[c] = sum[c];
  }
}

// The gradients of batch_norm from differentiable ops, for a create_graph
// pass (the kernel's values are not recorded). Training: mean and invstd
// are functions of x; eval: the running statistics are constants.
absl::StatusOr<GradList> BnBackwardOps(const Tensor& g, const Tensor& x,
                                       const Tensor& w, const Tensor& stat_mean,
                                       const Tensor& stat_invstd, bool train,
                                       double eps) {
  DimList dims = {0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  const DimList cs = ChannelShape(x);
  Tensor mean, invstd;
  if (train) {
    TENSORD_ASSIGN_OR_RETURN(mean, Mean(x, dims, true));
    TENSORD_ASSIGN_OR_RETURN(Tensor var, Var(x, dims, 0, true));
    TENSORD_ASSIGN_OR_RETURN(Tensor ve, Add(var, WrapScalar(eps)));
    TENSORD_ASSIGN_OR_RETURN(invstd, Rsqrt(ve));
  } else {
    TENSORD_ASSIGN_OR_RETURN(mean, Reshape(stat_mean, cs));
    TENSORD_ASSIGN_OR_RETURN(invstd, Reshape(stat_invstd, cs));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, Sub(x, mean));
  TENSORD_ASSIGN_OR_RETURN(Tensor xhat, Mul(xc, invstd));
  TENSORD_ASSIGN_OR_RETURN(Tensor gb_k, Sum(g, dims, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor gxh, Mul(g, xhat));
  TENSORD_ASSIGN_OR_RETURN(Tensor gw_k, Sum(gxh, dims, true));
  Tensor scale = invstd;
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor wv, Reshape(w, cs));
    TENSORD_ASSIGN_OR_RETURN(scale, Mul(invstd, wv));
  }
  Tensor inner = g;
  if (train) {
    const double n = static_cast<double>(x.numel() / x.size(1));
    TENSORD_ASSIGN_OR_RETURN(Tensor mb, Div(gb_k, WrapScalar(n)));
    TENSORD_ASSIGN_OR_RETURN(Tensor mw, Div(gw_k, WrapScalar(n)));
    TENSORD_ASSIGN_OR_RETURN(Tensor t1, Sub(g, mb));
    TENSORD_ASSIGN_OR_RETURN(Tensor t2, Mul(xhat, mw));
    TENSORD_ASSIGN_OR_RETURN(inner, Sub(t1, t2));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor gx, Mul(inner, scale));
  TENSORD_ASSIGN_OR_RETURN(Tensor gw, Reshape(gw_k, {x.size(1)}));
  TENSORD_ASSIGN_OR_RETURN(Tensor gb, Reshape(gb_k, {x.size(1)}));
  return GradList{gx, gw, gb};
}

// batch_norm on contiguous float/double input with torch's kernels (see
// BnCollectStats ... BnBackward): forward, running statistics and, in a
// plain backward, the gradients are torch's bits.
StatusOrTensor BatchNormExact(const Tensor& x, const Tensor& running_mean,
                              const Tensor& running_var, const Tensor& weight,
                              const Tensor& bias, bool training,
                              double momentum, double eps) {
  const DType dt = x.dtype();
  const int64_t C = x.size(1);
  const BnGeom geom{x.size(0), C, x.numel() / (x.size(0) * C)};
  const int64_t n = geom.n();
  Tensor out, stat_mean, stat_invstd;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(out, Empty(x.sizes(), dt));
    TENSORD_ASSIGN_OR_RETURN(stat_mean, Empty({C}, dt));
    TENSORD_ASSIGN_OR_RETURN(stat_invstd, Empty({C}, dt));
    Tensor w, b, rm, rv;
    if (weight.defined()) {
      TENSORD_ASSIGN_OR_RETURN(w, Contiguous(weight.detach()));
    }
    if (bias.defined()) {
      TENSORD_ASSIGN_OR_RETURN(b, Contiguous(bias.detach()));
    }
    if (running_mean.defined()) {
      TENSORD_ASSIGN_OR_RETURN(rm, Contiguous(running_mean.detach()));
      TENSORD_ASSIGN_OR_RETURN(rm, Clone(rm));
    }
    if (running_var.defined()) {
      TENSORD_ASSIGN_OR_RETURN(rv, Contiguous(running_var.detach()));
      TENSORD_ASSIGN_OR_RETURN(rv, Clone(rv));
    }
    TENSORD_DISPATCH_FLOATING(dt, T, {
      T* sm = stat_mean.data<T>();
      T* si = stat_invstd.data<T>();
      if (training) {
        std::vector<T> var_sum(C);
        BnCollectStats<T>(x.data<T>(), geom, sm, var_sum.data());
        for (int64_t c = 0; c < C; ++c) {
          // Normalization.cpp: var in T, InvStd in double.
          const T var = var_sum[c] / static_cast<T>(n);
          si[c] = (var == 0 && eps == 0)
                      ? T(0)
                      : static_cast<T>(
                            1.0 / std::sqrt(static_cast<double>(var) + eps));
          // The running averages in T: the mean's two products added, the
          // variance's fused for float (measured against torch 1.13).
          const T mom = static_cast<T>(momentum);
          const T keep = static_cast<T>(1 - momentum);
          if (rm.defined()) {
            T* r = rm.data<T>();
            const T a = mom * sm[c];
            const T b = keep * r[c];
            r[c] = a + b;
          }
          if (rv.defined()) {
            T* r = rv.data<T>();
            const T unbiased = var_sum[c] / static_cast<T>(n - 1);
            if constexpr (sizeof(T) == 4) {
              r[c] = std::fma(mom, unbiased, keep * r[c]);
            } else {
              const T a = mom * unbiased;
              const T b = keep * r[c];
              r[c] = a + b;
            }
          }
        }
      } else {
        const T* r_m = rm.data<T>();
        const T* r_v = rv.data<T>();
        for (int64_t c = 0; c < C; ++c) {
          sm[c] = r_m[c];
          si[c] = T(1) / std::sqrt(r_v[c] + static_cast<T>(eps));
        }
      }
      BnTransform<T>(x.data<T>(), geom, sm, si,
                     w.defined() ? w.data<T>() : nullptr,
                     b.defined() ? b.data<T>() : nullptr, out.data<T>());
    });
    if (training && rm.defined()) {
      TENSORD_RETURN_IF_ERROR(CopyInplace(running_mean, rm).status());
    }
    if (training && rv.defined()) {
      TENSORD_RETURN_IF_ERROR(CopyInplace(running_var, rv).status());
    }
    if (!training) {
      // The backward's invstd in eval mode: 1 / sqrt(running_var + eps) in
      // double, as torch's backward kernel computes it.
      TENSORD_DISPATCH_FLOATING(dt, T, {
        const T* r_v = rv.data<T>();
        T* si = stat_invstd.data<T>();
        for (int64_t c = 0; c < C; ++c) {
          si[c] = static_cast<T>(1.0 /
                                 std::sqrt(static_cast<double>(r_v[c]) + eps));
        }
      });
    }
  }
  std::vector<const Tensor*> ins = {&x};
  if (weight.defined()) ins.push_back(&weight);
  if (bias.defined()) ins.push_back(&bias);
  if (auto node = RecordOp("NativeBatchNormBackward0", ins, {&out})) {
    const int xs = node->Save(x);
    const int ws = weight.defined() ? node->Save(weight) : -1;
    const int ms = node->Save(stat_mean);
    const int is = node->Save(stat_invstd);
    const bool has_b = bias.defined();
    node->set_backward(
        [xs, ws, ms, is, has_b, training, eps, geom](
            Node& nd, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, nd.Saved(xs));
          Tensor w;
          if (ws >= 0) {
            TENSORD_ASSIGN_OR_RETURN(w, nd.Saved(ws));
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor sm, nd.Saved(ms));
          TENSORD_ASSIGN_OR_RETURN(Tensor si, nd.Saved(is));
          GradList all;
          if (GradEnabled()) {
            TENSORD_ASSIGN_OR_RETURN(
                all, BnBackwardOps(g[0], x, w, sm, si, training, eps));
          } else {
            const DType dt = x.dtype();
            NoGradGuard ng;
            TENSORD_ASSIGN_OR_RETURN(Tensor g0, To(g[0], dt));
            TENSORD_ASSIGN_OR_RETURN(Tensor dy, Contiguous(g0));
            TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(x.detach()));
            Tensor wc;
            if (w.defined()) {
              TENSORD_ASSIGN_OR_RETURN(wc, Contiguous(w.detach()));
            }
            TENSORD_ASSIGN_OR_RETURN(Tensor gx, Empty(x.sizes(), dt));
            TENSORD_ASSIGN_OR_RETURN(Tensor gw, Empty({geom.C}, dt));
            TENSORD_ASSIGN_OR_RETURN(Tensor gb, Empty({geom.C}, dt));
            TENSORD_DISPATCH_FLOATING(dt, T, {
              BnBackward<T>(xc.data<T>(), dy.data<T>(), geom, sm.data<T>(),
                            si.data<T>(), wc.defined() ? wc.data<T>() : nullptr,
                            training, gx.data<T>(), gw.data<T>(), gb.data<T>());
            });
            all = GradList{gx, gw, gb};
          }
          GradList res = {all[0]};
          if (ws >= 0) res.push_back(all[1]);
          if (has_b) res.push_back(all[2]);
          return res;
        });
  }
  return out;
}

// ---------------------------------------------------------------------------
// layer_norm as torch 1.13's LayerNormKernelImplInternal and
// LayerNormBackwardKernelImplInternal compute it, lane by lane (torch's AVX2
// vectors: 8 floats, 4 doubles): Welford moments per lane in chunks of 16
// vectors, combined in a cascade, then the lanes and the tail; the
// multiply-adds its build fuses (the affine transform, the gradient
// accumulations), and none in the moments. Measured against torch 1.13 for
// row lengths 1 to 4097, with and without weight and bias.

// Row moments (mean and biased variance) as torch's RowwiseMoments.
template <typename T>
void LnMoments(const T* X, int64_t N, T* mean, T* var) {
  constexpr int L = kTorchLanes<T>;
  constexpr int64_t kChunk = 16;
  const int64_t n = N / L;
  const int64_t m = (n + kChunk - 1) / kChunk;
  const int64_t depth =
      m <= 2 ? 1 : 64 - __builtin_clzll(static_cast<uint64_t>(m - 1));
  std::vector<int64_t> c0(depth, 0);
  std::vector<T> c1(depth * L, T(0)), c2(depth * L, T(0));
  // AddMomentsVec: fold (m0_add, m1_add, m2_add) into (m0, m1, m2).
  auto fold = [](int64_t m0_add, const T* m1_add, const T* m2_add, int64_t& m0,
                 T* m1, T* m2) {
    const int64_t nn = m0 + m0_add;
    const T c = nn == 0 ? T(0) : static_cast<T>(m0_add) / static_cast<T>(nn);
    const T fm0 = static_cast<T>(m0);
    for (int j = 0; j < L; ++j) {
      const T delta = m1_add[j] - m1[j];
      m1[j] = m1[j] + c * delta;
      m2[j] = m2[j] + (m2_add[j] + ((delta * delta) * c) * fm0);
    }
    m0 = nn;
  };
  for (int64_t i = 0; i < m; ++i) {
    const T* xp = X + i * kChunk * L;
    const int64_t m0 = std::min<int64_t>(kChunk, n - i * kChunk);
    T m1v[L] = {}, m2v[L] = {};
    for (int64_t k = 0; k < m0; ++k) {
      const T ck = T(1) / static_cast<T>(k + 1);
      for (int j = 0; j < L; ++j) {
        const T x = xp[k * L + j];
        const T delta = x - m1v[j];
        m1v[j] = m1v[j] + delta * ck;
        m2v[j] = m2v[j] + delta * (x - m1v[j]);
      }
    }
    fold(m0, m1v, m2v, c0[0], &c1[0], &c2[0]);
    int64_t mask = i + 1;
    for (int64_t d = 1; d < depth && (mask & 1) == 0; ++d) {
      fold(c0[d - 1], &c1[(d - 1) * L], &c2[(d - 1) * L], c0[d], &c1[d * L],
           &c2[d * L]);
      c0[d - 1] = 0;
      std::fill(&c1[(d - 1) * L], &c1[d * L], T(0));
      std::fill(&c2[(d - 1) * L], &c2[d * L], T(0));
      mask >>= 1;
    }
  }
  for (int64_t d = 1; d < depth; ++d) {
    fold(c0[d], &c1[d * L], &c2[d * L], c0[0], &c1[0], &c2[0]);
  }
  int64_t m0 = 0;
  T m1 = 0, m2 = 0;
  for (int64_t i = n * L; i < N; ++i) {
    const T delta = X[i] - m1;
    ++m0;
    m1 = m1 + delta / static_cast<T>(m0);
    m2 = m2 + delta * (X[i] - m1);
  }
  for (int j = 0; j < L; ++j) {  // AddMoments of each lane
    const int64_t nn = m0 + n;
    const T c = nn == 0 ? T(0) : static_cast<T>(n) / static_cast<T>(nn);
    const T delta = c1[j] - m1;
    m1 = m1 + c * delta;
    m2 = m2 + (c2[j] + ((delta * delta) * c) * static_cast<T>(m0));
    m0 = nn;
  }
  *mean = m1;
  *var = m2 / static_cast<T>(N);
}

// torch's map2/map3_reduce_all of a * b (* c) with +: the first vector's
// products, then each product fused into its lane; below the vector width
// the products added in order.
template <typename T>
T LnDot(const T* a, const T* b, const T* c, int64_t n) {
  constexpr int L = kTorchLanes<T>;
  auto prod = [&](int64_t i) { return c ? (a[i] * b[i]) * c[i] : a[i] * b[i]; };
  if (n < L) {
    T acc = prod(0);
    for (int64_t k = 1; k < n; ++k) acc = acc + prod(k);
    return acc;
  }
  T acc[L];
  for (int j = 0; j < L; ++j) acc[j] = prod(j);
  for (int64_t d = L; d < n; d += L) {
    for (int64_t j = 0; j < L && d + j < n; ++j) {
      const int64_t i = d + j;
      acc[j] = c ? std::fma(a[i] * b[i], c[i], acc[j])
                 : std::fma(a[i], b[i], acc[j]);
    }
  }
  return TorchLaneSum<T, L>(acc, L);
}

// x [M, N] -> y, mean [M], rstd [M]; g, b may be null.
template <typename T>
void LnForward(const T* x, const T* g, const T* b, int64_t M, int64_t N, T eps,
               T* y, T* mean, T* rstd) {
  ParallelFor(M, N, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* xr = x + i * N;
      T* yr = y + i * N;
      T mu, var;
      LnMoments<T>(xr, N, &mu, &var);
      const T rs = T(1) / std::sqrt(var + eps);
      const T bias = -rs * mu;
      for (int64_t j = 0; j < N; ++j) {
        yr[j] = std::fma(std::fma(xr[j], rs, bias), g ? g[j] : T(1),
                         b ? b[j] : T(0));
      }
      mean[i] = mu;
      rstd[i] = rs;
    }
  });
}

// The gradients from dy [M, N]; dx, dg, db may each be null.
template <typename T>
void LnBackward(const T* dy, const T* x, const T* mean, const T* rstd,
                const T* g, int64_t M, int64_t N, T* dx, T* dg, T* db) {
  const T scale = T(1) / static_cast<T>(N);
  if (dg) std::fill(dg, dg + N, T(0));
  if (db) std::fill(db, db + N, T(0));
  for (int64_t i = 0; i < M; ++i) {
    const T* dyr = dy + i * N;
    const T* xr = x + i * N;
    const T a = rstd[i], mu = mean[i];
    if (dg) {
      const T b = -a * mu;
      for (int64_t j = 0; j < N; ++j) {
        dg[j] = std::fma(dyr[j], std::fma(a, xr[j], b), dg[j]);
      }
    }
    if (db) {
      for (int64_t j = 0; j < N; ++j) db[j] = db[j] + dyr[j];
    }
    if (dx) {
      const T ds = LnDot<T>(dyr, xr, g, N);
      const T dbs = g ? LnDot<T>(dyr, g, nullptr, N)
                      : TorchLaneSum<T, kTorchLanes<T>>(dyr, N);
      const T b = std::fma(dbs, mu, -ds) * a * a * a * scale;
      const T c = std::fma(-b, mu, -((dbs * a) * scale));
      T* dxr = dx + i * N;
      for (int64_t j = 0; j < N; ++j) {
        const T ady = g ? (a * dyr[j]) * g[j] : a * dyr[j];
        dxr[j] = std::fma(b, xr[j], ady) + c;
      }
    }
  }
  // torch's second pass adds the per-thread buffers to 0.
  if (dg) {
    for (int64_t j = 0; j < N; ++j) dg[j] = T(0) + dg[j];
  }
  if (db) {
    for (int64_t j = 0; j < N; ++j) db[j] = T(0) + db[j];
  }
}

// The gradients of layer_norm from differentiable ops, for a create_graph
// pass: mean and rstd as functions of x over the last k dims.
absl::StatusOr<GradList> LnBackwardOps(const Tensor& g, const Tensor& x,
                                       const Tensor& w, int64_t k, double eps) {
  DimList dims, lead;
  for (int64_t d = x.dim() - k; d < x.dim(); ++d) dims.push_back(d);
  for (int64_t d = 0; d < x.dim() - k; ++d) lead.push_back(d);
  TENSORD_ASSIGN_OR_RETURN(Tensor mean, Mean(x, dims, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor var, Var(x, dims, 0, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor ve, Add(var, WrapScalar(eps)));
  TENSORD_ASSIGN_OR_RETURN(Tensor rstd, Rsqrt(ve));
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, Sub(x, mean));
  TENSORD_ASSIGN_OR_RETURN(Tensor xhat, Mul(xc, rstd));
  Tensor gg = g;
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(gg, Mul(g, w));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor m1, Mean(gg, dims, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor ggx, Mul(gg, xhat));
  TENSORD_ASSIGN_OR_RETURN(Tensor m2, Mean(ggx, dims, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor t1, Sub(gg, m1));
  TENSORD_ASSIGN_OR_RETURN(Tensor t2, Mul(xhat, m2));
  TENSORD_ASSIGN_OR_RETURN(Tensor inner, Sub(t1, t2));
  TENSORD_ASSIGN_OR_RETURN(Tensor gx, Mul(inner, rstd));
  TENSORD_ASSIGN_OR_RETURN(Tensor gxh, Mul(g, xhat));
  Tensor gw = gxh, gb = g;
  if (!lead.empty()) {
    TENSORD_ASSIGN_OR_RETURN(gw, Sum(gxh, lead, false));
    TENSORD_ASSIGN_OR_RETURN(gb, Sum(g, lead, false));
  }
  return GradList{gx, gw, gb};
}

// The backward node of a normalization computed by torch's kernels
// (layer_norm, group_norm): with create_graph, `ops` (built from
// differentiable ops); otherwise `kernel` on contiguous copies, into the
// gradients some input wants (weight and bias gradients of param_shape).
using NormOpsFn = std::function<absl::StatusOr<GradList>(
    const Tensor& g, const Tensor& x, const Tensor& w)>;
using NormKernelFn = std::function<void(
    const Tensor& dy, const Tensor& x, const Tensor& w, const Tensor& mean,
    const Tensor& rstd, const Tensor& gx, const Tensor& gw, const Tensor& gb)>;
void RecordNormNode(const char* name, const Tensor& x, const Tensor& weight,
                    const Tensor& bias, const Tensor& mean, const Tensor& rstd,
                    Tensor& out, Shape param_shape, NormOpsFn ops,
                    NormKernelFn kernel) {
  std::vector<const Tensor*> ins = {&x};
  if (weight.defined()) ins.push_back(&weight);
  if (bias.defined()) ins.push_back(&bias);
  auto node = RecordOp(name, ins, {&out});
  if (!node) return;
  const int xs = node->Save(x);
  const int ws = weight.defined() ? node->Save(weight) : -1;
  const int ms = node->Save(mean);
  const int rs = node->Save(rstd);
  const bool has_b = bias.defined();
  node->set_backward(
      [xs, ws, ms, rs, has_b, param_shape = std::move(param_shape),
       ops = std::move(ops), kernel = std::move(kernel)](
          Node& nd, const GradList& g) -> absl::StatusOr<GradList> {
        TENSORD_ASSIGN_OR_RETURN(Tensor x, nd.Saved(xs));
        Tensor w;
        if (ws >= 0) {
          TENSORD_ASSIGN_OR_RETURN(w, nd.Saved(ws));
        }
        GradList all;
        if (GradEnabled()) {
          TENSORD_ASSIGN_OR_RETURN(all, ops(g[0], x, w));
        } else {
          TENSORD_ASSIGN_OR_RETURN(Tensor sm, nd.Saved(ms));
          TENSORD_ASSIGN_OR_RETURN(Tensor sr, nd.Saved(rs));
          const DType dt = x.dtype();
          const auto& e = nd.next_edges();
          const bool want_w = ws >= 0 && e[1].fn;
          const bool want_b = has_b && e[ws >= 0 ? 2 : 1].fn;
          NoGradGuard ng;
          TENSORD_ASSIGN_OR_RETURN(Tensor g0, To(g[0], dt));
          TENSORD_ASSIGN_OR_RETURN(Tensor dy, Contiguous(g0));
          TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(x.detach()));
          Tensor wc, gx, gw, gb;
          if (w.defined()) {
            TENSORD_ASSIGN_OR_RETURN(wc, Contiguous(w.detach()));
          }
          if (e[0].fn) {
            TENSORD_ASSIGN_OR_RETURN(gx, Empty(x.sizes(), dt));
          }
          if (want_w) {
            TENSORD_ASSIGN_OR_RETURN(gw, Empty(param_shape, dt));
          }
          if (want_b) {
            TENSORD_ASSIGN_OR_RETURN(gb, Empty(param_shape, dt));
          }
          kernel(dy, xc, wc, sm, sr, gx, gw, gb);
          all = GradList{gx, gw, gb};
        }
        GradList res = {all[0]};
        if (ws >= 0) res.push_back(all[1]);
        if (has_b) res.push_back(all[2]);
        return res;
      });
}

// layer_norm of float/double input (weight and bias, where given, of the
// same dtype) with torch's kernels: forward and a plain backward are
// torch's bits.
StatusOrTensor LayerNormExact(const Tensor& x, int64_t k, const Tensor& weight,
                              const Tensor& bias, double eps) {
  const DType dt = x.dtype();
  int64_t N = 1;
  for (int64_t d = x.dim() - k; d < x.dim(); ++d) N *= x.size(d);
  const int64_t M = x.numel() / N;
  Tensor out, mean, rstd;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(x.detach()));
    Tensor w, b;
    if (weight.defined()) {
      TENSORD_ASSIGN_OR_RETURN(w, Contiguous(weight.detach()));
    }
    if (bias.defined()) {
      TENSORD_ASSIGN_OR_RETURN(b, Contiguous(bias.detach()));
    }
    TENSORD_ASSIGN_OR_RETURN(out, Empty(x.sizes(), dt));
    TENSORD_ASSIGN_OR_RETURN(mean, Empty({M}, dt));
    TENSORD_ASSIGN_OR_RETURN(rstd, Empty({M}, dt));
    TENSORD_DISPATCH_FLOATING(dt, T, {
      LnForward<T>(xc.data<T>(), w.defined() ? w.data<T>() : nullptr,
                   b.defined() ? b.data<T>() : nullptr, M, N,
                   static_cast<T>(eps), out.data<T>(), mean.data<T>(),
                   rstd.data<T>());
    });
  }
  RecordNormNode(
      "NativeLayerNormBackward0", x, weight, bias, mean, rstd, out,
      Shape(x.sizes().end() - k, x.sizes().end()),
      [k, eps](const Tensor& g, const Tensor& x, const Tensor& w) {
        return LnBackwardOps(g, x, w, k, eps);
      },
      [M, N](const Tensor& dy, const Tensor& xc, const Tensor& wc,
             const Tensor& sm, const Tensor& sr, const Tensor& gx,
             const Tensor& gw, const Tensor& gb) {
        TENSORD_DISPATCH_FLOATING(xc.dtype(), T, {
          LnBackward<T>(dy.data<T>(), xc.data<T>(), sm.data<T>(), sr.data<T>(),
                        wc.defined() ? wc.data<T>() : nullptr, M, N,
                        gx.defined() ? gx.data<T>() : nullptr,
                        gw.defined() ? gw.data<T>() : nullptr,
                        gb.defined() ? gb.data<T>() : nullptr);
        });
      });
  return out;
}

// group_norm as torch 1.13's CPU kernels compute it (contiguous input,
// GroupNormKernelImplInternal and its backward): the moments of each
// (sample, group) row of D * HxW values as layer_norm's, y =
// fma(rstd * gamma, x, (-scale * mean) + beta) per channel (or (x - mean) *
// rstd without weight and bias); the backward's per-channel sums ds = sum
// dy * x (vector lanes fused, the scalar tail not) and db = sum dy, then
// dx = fma(c1, dy, c2 * x) + c3, dgamma and dbeta summed over the batch.
// Measured against torch: the forward and the backward bit for bit
// (conformance 373: 40 shapes, float and double, with and without affine).
template <typename T>
void GnForward(const T* x, const T* gamma, const T* beta, int64_t N, int64_t C,
               int64_t HxW, int64_t G, T eps, T* y, T* mean, T* rstd) {
  const int64_t D = C / G, inner = D * HxW;
  ParallelFor(N * G, inner, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const T* xr = x + i * inner;
      T mu, var;
      LnMoments<T>(xr, inner, &mu, &var);
      const T rs = T(1) / std::sqrt(std::max(var, T(0)) + eps);
      if (gamma == nullptr && beta == nullptr) {
        T* yr = y + i * inner;
        for (int64_t j = 0; j < inner; ++j) yr[j] = (xr[j] - mu) * rs;
      } else {
        const int64_t g = i % G;
        for (int64_t j = 0; j < D; ++j) {
          const int64_t c = g * D + j;
          const T scale = rs * (gamma ? gamma[c] : T(1));
          const T bias = -scale * mu + (beta ? beta[c] : T(0));
          const T* xp = x + (i * D + j) * HxW;
          T* yp = y + (i * D + j) * HxW;
          for (int64_t k = 0; k < HxW; ++k)
            yp[k] = std::fma(scale, xp[k], bias);
        }
      }
      mean[i] = mu;
      rstd[i] = rs;
    }
  });
}

// sum_j a[j] * b[j] (b may be null: 1) as torch's group_norm backward
// adds it: lanes of the vector width over whole vectors (fused when
// `fused_vec`), the lanes in order from 0, then the tail (fused when
// `fused_tail`; with `vector_tail`, as the compiler vectorized torch's
// tail loop: 16 bytes of unfused products at a time, then the rest fused).
template <typename T>
T GnDot(const T* a, const T* b, int64_t n, bool fused_vec, bool fused_tail,
        bool vector_tail = true) {
  constexpr int K = kTorchLanes<T>;
  const int64_t whole = n / K * K;
  T lanes[K] = {};
  for (int64_t j = 0; j < whole; j += K) {
    for (int l = 0; l < K; ++l) {
      const T bv = b ? b[j + l] : T(1);
      lanes[l] = fused_vec ? std::fma(a[j + l], bv, lanes[l])
                           : lanes[l] + a[j + l] * bv;
    }
  }
  T acc = T(0);
  for (int l = 0; l < K; ++l) acc = acc + lanes[l];
  int64_t j = whole;
  if (fused_tail && vector_tail && b != nullptr) {
    // The compiler's vectorized tail: products a 16-byte vector at a time
    // (four floats, two doubles), unfused, added in order; the rest fused.
    constexpr int V = 16 / sizeof(T);
    for (; j + V <= n; j += V) {
      T p[V];
      for (int l = 0; l < V; ++l) p[l] = a[j + l] * b[j + l];
      for (int l = 0; l < V; ++l) acc += p[l];
    }
  }
  for (; j < n; ++j) {
    const T bv = b ? b[j] : T(1);
    acc = fused_tail ? std::fma(a[j], bv, acc) : acc + a[j] * bv;
  }
  return acc;
}

template <typename T>
void GnBackward(const T* dy, const T* x, const T* mean, const T* rstd,
                const T* gamma, int64_t N, int64_t C, int64_t HxW, int64_t G,
                T* dx, T* dgamma, T* dbeta) {
  const int64_t D = C / G;
  std::vector<T> ds(N * C), db(N * C);
  for (int64_t i = 0; i < N * C; ++i) {
    // (The compiler vectorizes this tail for float only.)
    ds[i] =
        GnDot<T>(dy + i * HxW, x + i * HxW, HxW, true, true, sizeof(T) == 4);
    db[i] = GnDot<T>(dy + i * HxW, nullptr, HxW, false, false);
  }
  if (dx) {
    const T s = T(1) / static_cast<T>(D * HxW);
    for (int64_t i = 0; i < N * G; ++i) {
      const int64_t g = i % G;
      const T* gm = gamma ? gamma + g * D : nullptr;
      const T ds_val = GnDot<T>(ds.data() + i * D, gm, D, true, true);
      const T db_val = GnDot<T>(db.data() + i * D, gm, D, true, true);
      const T c2 =
          std::fma(db_val, mean[i], -ds_val) * rstd[i] * rstd[i] * rstd[i] * s;
      const T c3 = std::fma(-c2, mean[i], -(db_val * rstd[i] * s));
      for (int64_t j = 0; j < D; ++j) {
        const T c1 = rstd[i] * (gamma ? gamma[g * D + j] : T(1));
        const T* dyp = dy + (i * D + j) * HxW;
        const T* xp = x + (i * D + j) * HxW;
        T* dxp = dx + (i * D + j) * HxW;
        for (int64_t k = 0; k < HxW; ++k) {
          dxp[k] = std::fma(c1, dyp[k], c2 * xp[k]) + c3;
        }
      }
    }
  }
  if (dgamma) {
    std::fill(dgamma, dgamma + C, T(0));
    for (int64_t i = 0; i < N * G; ++i) {
      const int64_t g = i % G;
      for (int64_t j = 0; j < D; ++j) {
        const int64_t c = g * D + j;
        const int64_t nc = (i / G) * C + c;
        dgamma[c] =
            std::fma(std::fma(-db[nc], mean[i], ds[nc]), rstd[i], dgamma[c]);
      }
    }
  }
  if (dbeta) {
    std::fill(dbeta, dbeta + C, T(0));
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t c = 0; c < C; ++c) dbeta[c] = dbeta[c] + db[n * C + c];
    }
  }
}

// The gradients of group_norm from differentiable ops, for a create_graph
// pass (mean and rstd as functions of x).
absl::StatusOr<GradList> GnBackwardOps(const Tensor& g, const Tensor& x,
                                       const Tensor& w, int64_t G, double eps) {
  const int64_t N = x.size(0);
  const DimList shape(x.sizes().begin(), x.sizes().end());
  TENSORD_ASSIGN_OR_RETURN(Tensor xr, Reshape(x, {N, G, -1}));
  TENSORD_ASSIGN_OR_RETURN(Tensor mean, Mean(xr, {2}, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor var, Var(xr, {2}, 0, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor ve, Add(var, WrapScalar(eps)));
  TENSORD_ASSIGN_OR_RETURN(Tensor rstd, Rsqrt(ve));
  TENSORD_ASSIGN_OR_RETURN(Tensor xc, Sub(xr, mean));
  TENSORD_ASSIGN_OR_RETURN(Tensor xhr, Mul(xc, rstd));
  TENSORD_ASSIGN_OR_RETURN(Tensor xhat, Reshape(xhr, shape));
  Tensor gg = g;
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(Tensor wv, Reshape(w, ChannelShape(x)));
    TENSORD_ASSIGN_OR_RETURN(gg, Mul(g, wv));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor ggr, Reshape(gg, {N, G, -1}));
  TENSORD_ASSIGN_OR_RETURN(Tensor m1, Mean(ggr, {2}, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor ggx, Mul(ggr, xhr));
  TENSORD_ASSIGN_OR_RETURN(Tensor m2, Mean(ggx, {2}, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor t1, Sub(ggr, m1));
  TENSORD_ASSIGN_OR_RETURN(Tensor t2, Mul(xhr, m2));
  TENSORD_ASSIGN_OR_RETURN(Tensor inner, Sub(t1, t2));
  TENSORD_ASSIGN_OR_RETURN(Tensor gxr, Mul(inner, rstd));
  TENSORD_ASSIGN_OR_RETURN(Tensor gx, Reshape(gxr, shape));
  DimList red = {0};
  for (int64_t d = 2; d < x.dim(); ++d) red.push_back(d);
  TENSORD_ASSIGN_OR_RETURN(Tensor gxh, Mul(g, xhat));
  TENSORD_ASSIGN_OR_RETURN(Tensor gw, Sum(gxh, red, false));
  TENSORD_ASSIGN_OR_RETURN(Tensor gb, Sum(g, red, false));
  return GradList{gx, gw, gb};
}

// group_norm of float/double input (weight and bias, where given, of the
// same dtype) with torch's kernels.
StatusOrTensor GroupNormExact(const Tensor& x, int64_t G, const Tensor& weight,
                              const Tensor& bias, double eps) {
  const DType dt = x.dtype();
  const int64_t N = x.size(0), C = x.size(1);
  const int64_t HxW = C ? x.numel() / (N * C) : 0;
  Tensor out, mean, rstd;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor xc, Contiguous(x.detach()));
    Tensor w, b;
    if (weight.defined()) {
      TENSORD_ASSIGN_OR_RETURN(w, Contiguous(weight.detach()));
    }
    if (bias.defined()) {
      TENSORD_ASSIGN_OR_RETURN(b, Contiguous(bias.detach()));
    }
    TENSORD_ASSIGN_OR_RETURN(out, Empty(x.sizes(), dt));
    TENSORD_ASSIGN_OR_RETURN(mean, Empty({N * G}, dt));
    TENSORD_ASSIGN_OR_RETURN(rstd, Empty({N * G}, dt));
    TENSORD_DISPATCH_FLOATING(dt, T, {
      GnForward<T>(xc.data<T>(), w.defined() ? w.data<T>() : nullptr,
                   b.defined() ? b.data<T>() : nullptr, N, C, HxW, G,
                   static_cast<T>(eps), out.data<T>(), mean.data<T>(),
                   rstd.data<T>());
    });
  }
  RecordNormNode(
      "NativeGroupNormBackward0", x, weight, bias, mean, rstd, out, {C},
      [G, eps](const Tensor& g, const Tensor& x, const Tensor& w) {
        return GnBackwardOps(g, x, w, G, eps);
      },
      [N, C, HxW, G](const Tensor& dy, const Tensor& xc, const Tensor& wc,
                     const Tensor& sm, const Tensor& sr, const Tensor& gx,
                     const Tensor& gw, const Tensor& gb) {
        TENSORD_DISPATCH_FLOATING(xc.dtype(), T, {
          GnBackward<T>(dy.data<T>(), xc.data<T>(), sm.data<T>(), sr.data<T>(),
                        wc.defined() ? wc.data<T>() : nullptr, N, C, HxW, G,
                        gx.defined() ? gx.data<T>() : nullptr,
                        gw.defined() ? gw.data<T>() : nullptr,
                        gb.defined() ? gb.data<T>() : nullptr);
        });
      });
  return out;
}

}  // namespace

StatusOrTensor BatchNorm(const Tensor& x, const Tensor& running_mean,
                         const Tensor& running_var, const Tensor& weight,
                         const Tensor& bias, bool training, double momentum,
                         double eps) {
  if (training) {
    // torch.nn.functional's _verify_batch_size.
    int64_t per_channel = x.dim() > 0 ? x.size(0) : 1;
    for (int64_t d = 2; d < x.dim(); ++d) per_channel *= x.size(d);
    if (per_channel == 1) {
      return ValueError(absl::StrCat(
          "Expected more than 1 value per channel when training, got input "
          "size ",
          PySize(x)));
    }
  }
  const int64_t C = x.dim() > 1 ? x.size(1) : 0;
  const std::pair<const char*, const Tensor*> params[] = {
      {"running_mean", &running_mean},
      {"running_var", &running_var},
      {"weight", &weight},
      {"bias", &bias}};
  for (const auto& [name, t] : params) {
    if (t->defined()) {
      if (t->numel() != C) {
        return absl::InvalidArgumentError(absl::StrCat(
            name, " should contain ", C, " elements not ", t->numel()));
      }
    } else if (!training && (t == &running_mean || t == &running_var)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " must be defined in evaluation mode"));
    }
  }
  if (!IsFloating(x.dtype())) return NotImplementedFor("batch_norm", x.dtype());
  for (const auto& [name, t] : params) {
    if (t->defined() && t->dtype() != x.dtype()) {
      return absl::InvalidArgumentError(
          x.dtype() == DType::kFloat32
              ? "mixed dtype (CPU): expect parameter to have scalar type of "
                "Float"
              : "mixed dtype (CPU): expect input to have scalar type of "
                "BFloat16");
    }
  }
  if (x.dim() >= 2 && x.numel() > 0 && x.is_contiguous() &&
      (x.dtype() == DType::kFloat32 || x.dtype() == DType::kFloat64)) {
    return BatchNormExact(x, running_mean, running_var, weight, bias, training,
                          momentum, eps);
  }
  DimList dims = {0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  const DimList cs = ChannelShape(x);
  Tensor mean, var;
  if (training) {
    TENSORD_ASSIGN_OR_RETURN(mean, Mean(x, dims, true));
    TENSORD_ASSIGN_OR_RETURN(var, Var(x, dims, 0, true));
  } else {
    TENSORD_ASSIGN_OR_RETURN(mean, Reshape(running_mean.detach(), cs));
    TENSORD_ASSIGN_OR_RETURN(var, Reshape(running_var.detach(), cs));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor y, Normalized(x, mean, var, eps));
  TENSORD_ASSIGN_OR_RETURN(y, Affine(y, weight, bias, cs));
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           Composite("NativeBatchNormBackward0", y));
  if (training && x.numel() > 0) {
    NoGradGuard ng;
    const int64_t n = C > 0 ? x.numel() / C : 0;
    const Scalar keep(1.0 - momentum);
    auto update = [&](const Tensor& running, const Tensor& stat,
                      double scale) -> absl::Status {
      if (!running.defined()) return absl::OkStatus();
      TENSORD_ASSIGN_OR_RETURN(Tensor s, Reshape(stat.detach(), {C}));
      TENSORD_ASSIGN_OR_RETURN(Tensor a, Mul(running, WrapScalar(keep)));
      TENSORD_ASSIGN_OR_RETURN(Tensor b,
                               Mul(s, WrapScalar(Scalar(momentum * scale))));
      TENSORD_ASSIGN_OR_RETURN(Tensor nv, Add(a, b));
      return CopyInplace(running, nv).status();
    };
    TENSORD_RETURN_IF_ERROR(update(running_mean, mean, 1.0));
    TENSORD_RETURN_IF_ERROR(update(
        running_var, var, n > 1 ? static_cast<double>(n) / (n - 1) : 1.0));
  }
  return out;
}

StatusOrTensor LayerNorm(const Tensor& x, const DimList& normalized_shape,
                         const Tensor& weight, const Tensor& bias, double eps) {
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  if (k == 0) {
    return absl::InvalidArgumentError(
        "Expected normalized_shape to be at least 1-dimensional, i.e., "
        "containing at least one element, but got normalized_shape = []");
  }
  const std::string ns =
      absl::StrCat("[", absl::StrJoin(normalized_shape, ", "), "]");
  for (const auto& [name, t] :
       {std::make_pair("weight", &weight), std::make_pair("bias", &bias)}) {
    if (t->defined() &&
        DimList(t->sizes().begin(), t->sizes().end()) != normalized_shape) {
      return absl::InvalidArgumentError(
          absl::StrCat("Expected ", name,
                       " to be of same shape as normalized_shape, but got ",
                       name, " of shape ", ShapeToString(t->sizes()),
                       " and normalized_shape = ", ns));
    }
  }
  bool match = x.dim() >= k;
  for (int64_t i = 0; match && i < k; ++i) {
    match = x.size(x.dim() - k + i) == normalized_shape[i];
  }
  if (!match) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Given normalized_shape=", ns, ", expected input with shape [*, ",
        absl::StrJoin(normalized_shape, ", "), "], but got input of size",
        ShapeToString(x.sizes())));
  }
  if (!IsFloating(x.dtype())) {
    return NotImplementedFor("LayerNormKernelImpl", x.dtype());
  }
  const DType dt = x.dtype();
  if (x.numel() > 0 && (dt == DType::kFloat32 || dt == DType::kFloat64) &&
      (!weight.defined() || weight.dtype() == dt) &&
      (!bias.defined() || bias.dtype() == dt)) {
    return LayerNormExact(x, k, weight, bias, eps);
  }
  DimList dims;
  for (int64_t d = x.dim() - k; d < x.dim(); ++d) dims.push_back(d);
  TENSORD_ASSIGN_OR_RETURN(Tensor mean, Mean(x, dims, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor var, Var(x, dims, 0, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor y, Normalized(x, mean, var, eps));
  TENSORD_ASSIGN_OR_RETURN(y, Affine(y, weight, bias, normalized_shape));
  return Composite("NativeLayerNormBackward0", y);
}

StatusOrTensor GroupNorm(const Tensor& x, int64_t num_groups,
                         const Tensor& weight, const Tensor& bias, double eps) {
  if (x.dim() < 2) {
    return IndexError(
        absl::StrCat("Dimension out of range (expected to be in range of [",
                     -x.dim(), ", ", x.dim() - 1, "], but got 1)"));
  }
  if (num_groups == 0) {
    return WithPythonType(
        absl::InvalidArgumentError("integer division or modulo by zero"),
        "ZeroDivisionError");
  }
  const int64_t N = x.size(0), C = x.size(1);
  // torch.nn.functional's _verify_batch_size of [N * C // G, G, *spatial].
  {
    __int128 prod = static_cast<__int128>(N) * C;
    prod =
        prod / num_groups -
        ((prod % num_groups != 0) && ((prod < 0) != (num_groups < 0)) ? 1 : 0);
    std::vector<std::string> shown = {absl::StrCat(static_cast<int64_t>(prod)),
                                      absl::StrCat(num_groups)};
    for (int64_t d = 2; d < x.dim(); ++d) {
      prod *= x.size(d);
      shown.push_back(absl::StrCat(x.size(d)));
    }
    if (prod == 1) {
      return ValueError(absl::StrCat(
          "Expected more than 1 value per channel when training, got input "
          "size [",
          absl::StrJoin(shown, ", "), "]"));
    }
  }
  if (num_groups < 0 || C % num_groups != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected number of channels in input to be divisible by num_groups, "
        "but got input of shape ",
        ShapeToString(x.sizes()), " and num_groups=", num_groups));
  }
  for (const auto& [name, t] :
       {std::make_pair("weight", &weight), std::make_pair("bias", &bias)}) {
    if (t->defined() && (t->dim() != 1 || t->numel() != C)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Expected ", name,
          " to be a vector of size equal to the number of channels in input, "
          "but got ",
          name, " of shape ", ShapeToString(t->sizes()), " and input of shape ",
          ShapeToString(x.sizes())));
    }
  }
  if (!IsFloating(x.dtype())) {
    return NotImplementedFor("GroupNormKernelImpl", x.dtype());
  }
  const DType dt = x.dtype();
  if (x.numel() > 0 && (dt == DType::kFloat32 || dt == DType::kFloat64) &&
      (!weight.defined() || weight.dtype() == dt) &&
      (!bias.defined() || bias.dtype() == dt)) {
    return GroupNormExact(x, num_groups, weight, bias, eps);
  }
  int64_t per_group = C / num_groups;
  for (int64_t d = 2; d < x.dim(); ++d) per_group *= x.size(d);
  TENSORD_ASSIGN_OR_RETURN(Tensor xr, Reshape(x, {N, num_groups, per_group}));
  TENSORD_ASSIGN_OR_RETURN(Tensor mean, Mean(xr, {2}, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor var, Var(xr, {2}, 0, true));
  TENSORD_ASSIGN_OR_RETURN(Tensor yr, Normalized(xr, mean, var, eps));
  TENSORD_ASSIGN_OR_RETURN(
      Tensor y, Reshape(yr, DimList(x.sizes().begin(), x.sizes().end())));
  TENSORD_ASSIGN_OR_RETURN(y, Affine(y, weight, bias, ChannelShape(x)));
  return Composite("NativeGroupNormBackward0", y);
}

StatusOrTensor Dropout(const Tensor& x, double p, bool training,
                       Generator* gen) {
  if (p < 0 || p > 1 || std::isnan(p)) {
    return ValueError(absl::StrCat(
        "dropout probability has to be between 0 and 1, but got ", PyFloat(p)));
  }
  if (p == 0 || !training || x.numel() == 0) return x;
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "result type Float can't be cast to the desired output type ",
        DTypeShortName(x.dtype())));
  }
  if (p == 1) {
    TENSORD_ASSIGN_OR_RETURN(Tensor z, Zeros({}, x.dtype()));
    return Mul(x, z);
  }
  if (gen == nullptr) {
    return absl::FailedPreconditionError("no random generator in this context");
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor noise, Empty(x.sizes(), x.dtype()));
  gen->WillChange();
  const int64_t n = noise.numel();
  const double keep = 1.0 - p;
  TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
    T* q = noise.data<T>();
    const T scale = static_cast<T>(keep);
    for (int64_t i = 0; i < n; ++i) {
      q[i] = (gen->UniformDouble() < keep ? T(1) : T(0)) / scale;
    }
  });
  return Mul(x, noise);
}

}  // namespace tensord
