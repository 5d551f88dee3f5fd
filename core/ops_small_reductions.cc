// The small reductions trace, std_mean, var_mean, aminmax, nansum, nanmean,
// dist, diff, cummax, cummin, bincount, histc, logcumsumexp and cdist; and
// the batched and fused products bmm, addmm, addmv, addr, baddbmm. Most
// compose differentiable ops and carry torch's grad_fn name through
// Composite.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

#define TRY(lhs, expr) TENSORD_ASSIGN_OR_RETURN(lhs, expr)

// ---------------------------------------------------------------------------
// small reductions

StatusOrTensor Trace(const Tensor& x) {
  if (x.dim() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "trace: expected a matrix, but got tensor with dim ", x.dim()));
  }
  TRY(Tensor d, Diagonal(x, 0, 0, 1));
  TRY(Tensor s, Sum(d));
  return Composite("TraceBackward0", s);
}

absl::StatusOr<std::pair<Tensor, Tensor>> StdVarMean(const Tensor& t,
                                                     const DimList& dims,
                                                     double correction,
                                                     bool keepdim, bool std) {
  TRY(Tensor v, std ? Std(t, dims, correction, keepdim)
                    : Var(t, dims, correction, keepdim));
  TRY(Tensor m, Mean(t, dims, keepdim));
  const char* name = std ? "StdMeanBackward0" : "VarMeanBackward0";
  TRY(Tensor a, Composite(name, v));
  TRY(Tensor b, Composite(name, m));
  return std::make_pair(a, b);
}

absl::StatusOr<std::pair<Tensor, Tensor>> Aminmax(const Tensor& t,
                                                  std::optional<int64_t> dim,
                                                  bool keepdim) {
  if (t.numel() == 0) {
    return absl::InvalidArgumentError(
        "aminmax(): cannot compute aminmax over an empty dimension as the "
        "operation has no identity.");
  }
  DimList dims;
  if (dim) dims.push_back(*dim);
  Tensor lo, hi;
  {
    NoGradGuard ng;
    TRY(lo, Amin(t, dims, keepdim));
    TRY(hi, Amax(t, dims, keepdim));
  }
  // torch 1.13 cannot differentiate aminmax.
  for (Tensor* o : {&lo, &hi}) {
    if (auto node = RecordOp("NotImplemented", {&t}, {o})) {
      node->set_backward(
          [](Node&, const GradList&) -> absl::StatusOr<GradList> {
            return absl::UnimplementedError(
                "the derivative for 'aminmax' is not implemented.");
          });
    }
  }
  return std::make_pair(lo, hi);
}

StatusOrTensor Nansum(const Tensor& t, const DimList& dims, bool keepdim,
                      std::optional<DType> dtype) {
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError("nansum does not support complex inputs");
  }
  Tensor x = t;
  if (dtype) {
    TRY(x, To(t, *dtype));
  }
  if (IsFloating(x.dtype())) {
    TRY(Tensor nan, IsNan(x));
    TRY(Tensor zero, Zeros({}, x.dtype()));
    TRY(x, Where(nan, zero, x));
  }
  TRY(Tensor s, Sum(x, dims, keepdim));
  return Composite("NansumBackward0", s);
}

StatusOrTensor Nanmean(const Tensor& t, const DimList& dims, bool keepdim) {
  if (!IsFloating(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "nanmean(): expected input to have floating point dtype but got ",
        DTypeShortName(t.dtype())));
  }
  Tensor cnt;
  {
    NoGradGuard ng;
    TRY(Tensor nan, IsNan(t));
    TRY(Tensor ok, LogicalNot(nan));
    TRY(Tensor okf, To(ok, t.dtype()));
    TRY(cnt, Sum(okf, dims, keepdim));
  }
  TRY(Tensor s, Nansum(t, dims, keepdim, std::nullopt));
  return Div(s, cnt);
}

StatusOrTensor Dist(const Tensor& a, const Tensor& b, double p) {
  TRY(Tensor d, Sub(a, b));
  TRY(Tensor n, Norm(d, p));
  return Composite("DistBackward0", n);
}

StatusOrTensor Diff(const Tensor& t, int64_t n, int64_t dim,
                    const Tensor* prepend, const Tensor* append) {
  if (t.dim() == 0) {
    return absl::InvalidArgumentError(
        "diff expects input to be at least one-dimensional");
  }
  if (n < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("order must be non-negative but got ", n));
  }
  TRY(int64_t d, WrapDim(dim, t.dim()));
  Tensor x = t;
  if (prepend != nullptr || append != nullptr) {
    std::vector<Tensor> parts;
    if (prepend != nullptr) parts.push_back(*prepend);
    parts.push_back(t);
    if (append != nullptr) parts.push_back(*append);
    TRY(x, Cat(parts, d));
  }
  for (int64_t k = 0; k < n && x.size(d) > 0; ++k) {
    const int64_t len = x.size(d);
    TRY(Tensor hi, Slice(x, d, 1, len, 1));
    TRY(Tensor lo, Slice(x, d, 0, len - 1, 1));
    if (x.dtype() == DType::kBool) {
      TRY(x, LogicalXor(hi, lo));
    } else {
      TRY(x, Sub(hi, lo));
    }
  }
  if (n == 0 || x.impl() == t.impl()) {
    TRY(x, Clone(x));
  }
  return x;
}

absl::StatusOr<std::pair<Tensor, Tensor>> CumExtreme(const Tensor& t,
                                                     int64_t dim, bool max) {
  TRY(int64_t d, WrapDim(dim, std::max<int64_t>(t.dim(), 1)));
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", max ? "cummax" : "cummin", "_cpu\" not implemented for '",
        DTypeShortName(t.dtype()), "'"));
  }
  Tensor values, indices;
  {
    NoGradGuard ng;
    TRY(Tensor c, Contiguous(t.detach()));
    TRY(values, Clone(c));
    TRY(indices, Empty(t.sizes(), DType::kInt64));
    const int64_t len = t.dim() == 0 ? 1 : t.size(d);
    int64_t inner = 1;
    for (int64_t k = d + 1; k < t.dim(); ++k) inner *= t.size(k);
    const int64_t outer = len == 0 ? 0 : t.numel() / (len * inner);
    int64_t* ip = indices.data<int64_t>();
    TENSORD_DISPATCH_REAL(t.dtype(), T, {
      T* vp = values.data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t in = 0; in < inner; ++in) {
          const int64_t base = o * len * inner + in;
          T best = vp[base];
          int64_t bi = 0;
          for (int64_t k = 0; k < len; ++k) {
            const T v = vp[base + k * inner];
            bool take;
            if constexpr (std::is_floating_point_v<T>) {
              take = std::isnan(v) ||
                     (!std::isnan(best) && (max ? v >= best : v <= best));
            } else {
              take = max ? v >= best : v <= best;
            }
            if (take) {
              best = v;
              bi = k;
            }
            vp[base + k * inner] = best;
            ip[base + k * inner] = bi;
          }
        }
      }
    });
  }
  if (auto node = RecordOp(max ? "CummaxBackward0" : "CumminBackward0", {&t},
                           {&values})) {
    const int si = node->Save(indices);
    node->set_backward(
        [si, d, shape = t.sizes(), dt = t.dtype()](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor idx, n.Saved(si));
          // Linear in g: the values' gradients added at their indices; its
          // transpose gathers them back.
          TRY(Tensor r,
              LinearInGrad(
                  n, g[0],
                  [&](const Tensor& gi) -> absl::StatusOr<Tensor> {
                    TRY(Tensor z, Zeros(shape, dt));
                    TRY(Tensor gc, To(gi, dt));
                    TRY(gc, Contiguous(gc));
                    TENSORD_RETURN_IF_ERROR(ScatterAddRaw(z, d, idx, gc));
                    return z;
                  },
                  [d, idx](const Tensor& gg) { return Gather(gg, d, idx); }));
          return GradList{r};
        });
  }
  return std::make_pair(values, indices);
}

namespace {

StatusOrTensor BincountRaw(const Tensor& t, const Tensor* weights,
                           int64_t minlength) {
  if (t.dim() != 1 ||
      (t.dtype() != DType::kInt64 && t.dtype() != DType::kInt32 &&
       t.dtype() != DType::kBool)) {
    return absl::InvalidArgumentError(
        "bincount only supports 1-d non-negative integral inputs.");
  }
  if (minlength < 0) {
    return absl::InvalidArgumentError("minlength should be >= 0");
  }
  NoGradGuard ng;
  TRY(Tensor i64, To(t, DType::kInt64));
  TRY(Tensor c, Contiguous(i64));
  const int64_t* p = c.data<int64_t>();
  int64_t top = -1;
  for (int64_t k = 0; k < c.numel(); ++k) {
    if (p[k] < 0) {
      return absl::InvalidArgumentError(
          "bincount only supports 1-d non-negative integral inputs.");
    }
    top = std::max(top, p[k]);
  }
  if (weights != nullptr && weights->sizes() != t.sizes()) {
    return absl::InvalidArgumentError(
        "weights should be 1-d and have the same length as input");
  }
  if (top == std::numeric_limits<int64_t>::max()) {
    return absl::ResourceExhaustedError(
        "bincount: 2^63 bins are more than any session may hold");
  }
  const int64_t bins = std::max(top + 1, minlength);
  if (weights == nullptr) {
    TRY(Tensor out, Zeros({bins}, DType::kInt64));
    int64_t* o = out.data<int64_t>();
    for (int64_t k = 0; k < c.numel(); ++k) ++o[p[k]];
    return out;
  }
  const DType wt =
      IsFloating(weights->dtype()) ? weights->dtype() : DType::kFloat64;
  TRY(Tensor w, To(weights->detach(), DType::kFloat64));
  TRY(w, Contiguous(w));
  TRY(Tensor acc, Zeros({bins}, DType::kFloat64));
  double* o = acc.data<double>();
  const double* wp = w.data<double>();
  for (int64_t k = 0; k < c.numel(); ++k) o[p[k]] += wp[k];
  return To(acc, wt);
}

}  // namespace

StatusOrTensor Bincount(const Tensor& t, const Tensor* weights,
                        int64_t minlength) {
  TRY(Tensor out, BincountRaw(t, weights, minlength));
  if (weights == nullptr) return out;
  return NotDifferentiable("NotImplemented", {weights}, out,
                           "derivative for aten::bincount is not implemented");
}

StatusOrTensor Histc(const Tensor& t, int64_t bins, double min, double max) {
  if (!IsFloating(t.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"histogram_cpu\" not implemented for '",
                     DTypeShortName(t.dtype()), "'"));
  }
  if (bins <= 0) {
    return absl::InvalidArgumentError("bins must be > 0");
  }
  if (bins > (int64_t{1} << 30)) {
    return absl::InvalidArgumentError("histc: too many bins");
  }
  NoGradGuard ng;
  TRY(Tensor c, Contiguous(t.detach()));
  TRY(Tensor d, To(c, DType::kFloat64));
  const double* p = d.data<double>();
  double lo = min, hi = max;
  if (lo == hi && d.numel() > 0) {
    lo = *std::min_element(p, p + d.numel());
    hi = *std::max_element(p, p + d.numel());
  }
  if (lo == hi) {
    lo -= 1;
    hi += 1;
  }
  if (lo > hi) {
    return absl::InvalidArgumentError("max must be larger than min");
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    return absl::InvalidArgumentError(
        absl::StrCat("range of [", lo, ", ", hi, "] is not finite"));
  }
  TRY(Tensor acc, Zeros({bins}, DType::kFloat64));
  double* o = acc.data<double>();
  for (int64_t k = 0; k < d.numel(); ++k) {
    const double v = p[k];
    if (!(v >= lo && v <= hi)) continue;
    int64_t b =
        static_cast<int64_t>((v - lo) * static_cast<double>(bins) / (hi - lo));
    if (b >= bins) b = bins - 1;
    o[b] += 1;
  }
  return To(acc, t.dtype());
}

// ---------------------------------------------------------------------------
// batched and fused products

StatusOrTensor Bmm(const Tensor& a, const Tensor& b) {
  if (a.dim() != 3) {
    return absl::InvalidArgumentError("batch1 must be a 3D tensor");
  }
  if (b.dim() != 3) {
    return absl::InvalidArgumentError("batch2 must be a 3D tensor");
  }
  if (a.size(0) != b.size(0) || a.size(2) != b.size(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected size for first two dimensions of batch2 tensor to be: [",
        a.size(0), ", ", a.size(2), "] but got: [", b.size(0), ", ", b.size(1),
        "]."));
  }
  TRY(Tensor r, Matmul(a, b));
  return Composite("BmmBackward0", r);
}

namespace {

// beta * input + alpha * product (beta 0: input ignored, even NaN).
StatusOrTensor Fused(const Tensor& input, const Tensor& product,
                     const Scalar& beta, const Scalar& alpha,
                     const char* name) {
  Tensor p = product;
  if (!(alpha.is_integral() && alpha.to_int() == 1)) {
    TRY(p, Mul(product, WrapScalar(alpha)));
  }
  Tensor r;
  if (beta.to_double() == 0) {
    // input is ignored (even NaN), but gets a zero gradient, as in torch.
    {
      NoGradGuard ng;
      TRY(Shape s, BroadcastShapes(input.sizes(), p.sizes()));
      TRY(Tensor e, Expand(p.detach(), DimList(s.begin(), s.end())));
      TRY(r, Clone(e));
    }
    if (auto node = RecordOp(name, {&input, &p}, {&r})) {
      node->set_backward([shape = input.sizes(), dt = input.dtype()](
                             Node&,
                             const GradList& g) -> absl::StatusOr<GradList> {
        TRY(Tensor z, Zeros(shape, IsDifferentiable(dt) ? dt : g[0].dtype()));
        return GradList{z, g[0]};
      });
    }
    return r;
  } else if (beta.is_integral() && beta.to_int() == 1) {
    TRY(r, Add(input, p));
  } else {
    TRY(Tensor bi, Mul(input, WrapScalar(beta)));
    TRY(r, Add(bi, p));
  }
  return Composite(name, r);
}

}  // namespace

StatusOrTensor Addmm(const Tensor& input, const Tensor& m1, const Tensor& m2,
                     const Scalar& beta, const Scalar& alpha) {
  if (m1.dim() != 2 || m2.dim() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(m1.dim() != 2 ? "mat1" : "mat2", " must be a matrix, got ",
                     m1.dim() != 2 ? m1.dim() : m2.dim(), "-D tensor"));
  }
  const DType dt = m1.dtype();
  if ((dt == DType::kFloat32 || dt == DType::kFloat64) && m2.dtype() == dt &&
      input.dtype() == dt && !IsComplex(alpha.dtype()) &&
      !IsComplex(beta.dtype())) {
    return AddmmBlas(input, m1, m2, beta, alpha);  // as torch rounds it
  }
  TRY(Tensor p, Mm(m1, m2));
  return Fused(input, p, beta, alpha, "AddmmBackward0");
}

StatusOrTensor Addmv(const Tensor& input, const Tensor& mat, const Tensor& vec,
                     const Scalar& beta, const Scalar& alpha) {
  TRY(Tensor p, Mv(mat, vec));
  return Fused(input, p, beta, alpha, "AddmvBackward0");
}

StatusOrTensor Addr(const Tensor& input, const Tensor& v1, const Tensor& v2,
                    const Scalar& beta, const Scalar& alpha) {
  if (v1.dim() != 1 || v2.dim() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "addr: Expected 1-D argument vec1, but got ", v1.dim(), "-D"));
  }
  TRY(Tensor p, Outer(v1, v2));
  return Fused(input, p, beta, alpha, "AddrBackward0");
}

StatusOrTensor Baddbmm(const Tensor& input, const Tensor& b1, const Tensor& b2,
                       const Scalar& beta, const Scalar& alpha) {
  const DType dt = b1.dtype();
  if ((dt == DType::kFloat32 || dt == DType::kFloat64) && b2.dtype() == dt &&
      input.dtype() == dt && b1.dim() == 3 && b2.dim() == 3 &&
      b1.size(0) == b2.size(0) && b1.size(2) == b2.size(1) &&
      !IsComplex(alpha.dtype()) && !IsComplex(beta.dtype())) {
    return BaddbmmFloat(input, b1, b2, beta, alpha);  // as torch rounds it
  }
  TRY(Tensor p, Bmm(b1, b2));
  return Fused(input, p, beta, alpha, "BaddbmmBackward0");
}

#undef TRY

}  // namespace tensord

// ---------------------------------------------------------------------------
// logcumsumexp (accumulated in double for float, as torch's acc_type), cdist

namespace tensord {
namespace {

// logcumsumexp's gradient from differentiable ops, for create_graph (torch's
// formula): the sum over j >= i of g_j exp(x_i - out_j), split by the sign
// of g_j so that each part is a reversed logcumsumexp of log |g_j| - out_j.
absl::StatusOr<Tensor> LogcumsumexpGradOps(const Tensor& x, const Tensor& y,
                                           const Tensor& g, int64_t d) {
  if (x.dim() == 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor diff, Sub(x, y));
    TENSORD_ASSIGN_OR_RETURN(Tensor e, Exp(diff));
    return Mul(g, e);
  }
  const Tensor lowest =
      WrapScalar(x.dtype() == DType::kFloat32
                     ? static_cast<double>(std::numeric_limits<float>::lowest())
                     : std::numeric_limits<double>::lowest());
  TENSORD_ASSIGN_OR_RETURN(Tensor ga, Abs(g));
  TENSORD_ASSIGN_OR_RETURN(Tensor log_abs, Log(ga));
  Tensor out;
  for (const bool positive : {true, false}) {
    Tensor take;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(
          take, positive ? Gt(g, WrapScalar(0.0)) : Lt(g, WrapScalar(0.0)));
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor lg, Where(take, log_abs, lowest));
    TENSORD_ASSIGN_OR_RETURN(Tensor v, Sub(lg, y));
    TENSORD_ASSIGN_OR_RETURN(Tensor vf, Flip(v, {d}));
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Logcumsumexp(vf, d));
    TENSORD_ASSIGN_OR_RETURN(Tensor rev, Flip(c, {d}));
    TENSORD_ASSIGN_OR_RETURN(Tensor sx, Add(rev, x));
    TENSORD_ASSIGN_OR_RETURN(Tensor part, Exp(sx));
    if (positive) {
      out = part;
    } else {
      TENSORD_ASSIGN_OR_RETURN(out, Sub(out, part));
    }
  }
  return out;
}

}  // namespace

StatusOrTensor Logcumsumexp(const Tensor& t, int64_t dim) {
  TENSORD_ASSIGN_OR_RETURN(int64_t d,
                           WrapDim(dim, std::max<int64_t>(t.dim(), 1)));
  if (!IsFloating(t.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"logcumsumexp_out_cpu\" not implemented for '",
                     DTypeShortName(t.dtype()), "'"));
  }
  Tensor out;
  const int64_t len = t.dim() == 0 ? 1 : t.size(d);
  int64_t inner = 1;
  for (int64_t k = d + 1; k < t.dim(); ++k) inner *= t.size(k);
  const int64_t outer = len == 0 ? 0 : t.numel() / (len * inner);
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(t.detach()));
    TENSORD_ASSIGN_OR_RETURN(out, Empty(t.sizes(), t.dtype()));
    TENSORD_DISPATCH_FLOATING(t.dtype(), T, {
      const T* p = c.data<T>();
      T* o = out.data<T>();
      auto log_add_exp = [](double x, double y) {
        const double lo = std::isnan(y) ? y : std::min(x, y);
        const double hi = std::isnan(y) ? y : std::max(x, y);
        if (lo != hi || std::isfinite(lo)) {
          return std::log1p(std::exp(lo - hi)) + hi;
        }
        return x;
      };
      for (int64_t a = 0; a < outer; ++a) {
        for (int64_t b = 0; b < inner; ++b) {
          double acc = -std::numeric_limits<double>::infinity();
          for (int64_t k = 0; k < len; ++k) {
            const int64_t i = (a * len + k) * inner + b;
            acc = log_add_exp(static_cast<double>(p[i]), acc);
            o[i] = static_cast<T>(acc);
          }
        }
      }
    });
  }
  if (auto node = RecordOp("LogcumsumexpBackward0", {&t}, {&out})) {
    const int sx = node->Save(t), so = node->Save(out, true);
    node->set_backward([sx, so, len, inner, outer, d](
                           Node& n,
                           const GradList& g) -> absl::StatusOr<GradList> {
      // grad_i = sum_{j >= i} g_j exp(x_i - out_j); every term is at most
      // |g_j| (out_j >= x_i), so it is computed directly.
      TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(sx));
      TENSORD_ASSIGN_OR_RETURN(Tensor y, n.Saved(so));
      if (GradEnabled()) {
        // create_graph: the same sum from differentiable ops.
        TENSORD_ASSIGN_OR_RETURN(Tensor r, LogcumsumexpGradOps(x, y, g[0], d));
        return GradList{r};
      }
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(Tensor xd, To(x, DType::kFloat64));
      TENSORD_ASSIGN_OR_RETURN(xd, Contiguous(xd));
      TENSORD_ASSIGN_OR_RETURN(Tensor yd, To(y, DType::kFloat64));
      TENSORD_ASSIGN_OR_RETURN(yd, Contiguous(yd));
      TENSORD_ASSIGN_OR_RETURN(Tensor gd, To(g[0], DType::kFloat64));
      TENSORD_ASSIGN_OR_RETURN(gd, Contiguous(gd));
      TENSORD_ASSIGN_OR_RETURN(Tensor r, Zeros(x.sizes(), DType::kFloat64));
      const double* xp = xd.data<double>();
      const double* yp = yd.data<double>();
      const double* gp = gd.data<double>();
      double* rp = r.data<double>();
      for (int64_t a = 0; a < outer; ++a) {
        for (int64_t b = 0; b < inner; ++b) {
          for (int64_t i = 0; i < len; ++i) {
            const int64_t ii = (a * len + i) * inner + b;
            double s = 0;
            for (int64_t j = i; j < len; ++j) {
              const int64_t jj = (a * len + j) * inner + b;
              if (gp[jj] != 0) s += gp[jj] * std::exp(xp[ii] - yp[jj]);
            }
            rp[ii] = s;
          }
        }
      }
      TENSORD_ASSIGN_OR_RETURN(Tensor rr, To(r, x.dtype()));
      return GradList{rr};
    });
  }
  return out;
}

StatusOrTensor Cdist(const Tensor& x1, const Tensor& x2, double p) {
  if (x1.dim() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cdist only supports at least 2D tensors, X1 got: ", x1.dim(), "D"));
  }
  if (x2.dim() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cdist only supports at least 2D tensors, X2 got: ", x2.dim(), "D"));
  }
  if (x1.size(-1) != x2.size(-1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "X1 and X2 must have the same number of columns. X1: ", x1.size(-1),
        " X2: ", x2.size(-1)));
  }
  if (!IsFloating(x1.dtype()) || !IsFloating(x2.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("cdist only supports floating-point dtypes, X1 got: ",
                     DTypeShortName(x1.dtype())));
  }
  if (!(p >= 0)) {
    return absl::InvalidArgumentError(
        "cdist only supports non-negative p values");
  }
  const int64_t r1 = x1.size(-2), r2 = x2.size(-2);
  Tensor r;
  if (p == 2 && (r1 > 25 || r2 > 25)) {
    // torch's matrix-product form for large inputs (its values):
    // sqrt(clamp_min(-2 x1 x2^T + |x1|^2 + |x2|^2, 0))
    TENSORD_ASSIGN_OR_RETURN(Tensor s1, Mul(x1, x1));
    TENSORD_ASSIGN_OR_RETURN(Tensor n1, Sum(s1, {-1}, true));
    TENSORD_ASSIGN_OR_RETURN(Tensor s2, Mul(x2, x2));
    TENSORD_ASSIGN_OR_RETURN(Tensor n2, Sum(s2, {-1}, true));
    TENSORD_ASSIGN_OR_RETURN(Tensor o1, OnesLike(n1));
    TENSORD_ASSIGN_OR_RETURN(Tensor o2, OnesLike(n2));
    TENSORD_ASSIGN_OR_RETURN(Tensor m1,
                             Mul(x1, WrapScalar(Scalar(int64_t{-2}))));
    TENSORD_ASSIGN_OR_RETURN(Tensor a, Cat({m1, n1, o1}, -1));
    TENSORD_ASSIGN_OR_RETURN(Tensor b, Cat({x2, o2, n2}, -1));
    TENSORD_ASSIGN_OR_RETURN(Tensor bt, Transpose(b, -2, -1));
    TENSORD_ASSIGN_OR_RETURN(Tensor prod, Matmul(a, bt));
    TENSORD_ASSIGN_OR_RETURN(Tensor c, Clamp(prod, Scalar(0.0), std::nullopt));
    TENSORD_ASSIGN_OR_RETURN(r, Sqrt(c));
  } else {
    TENSORD_ASSIGN_OR_RETURN(Tensor u1, Unsqueeze(x1, -2));
    TENSORD_ASSIGN_OR_RETURN(Tensor u2, Unsqueeze(x2, -3));
    TENSORD_ASSIGN_OR_RETURN(Tensor diff, Sub(u1, u2));
    TENSORD_ASSIGN_OR_RETURN(r, Norm(diff, p, {-1}, false));
  }
  return Composite("CdistBackward0", r);
}

}  // namespace tensord
