// torch.nn.functional's normalization layers, dropout and embedding.
//
// batch_norm, layer_norm and group_norm are compositions of differentiable
// ops (mean, biased var, rsqrt) named with torch's grad_fn through
// Composite(); batch_norm in training updates running_mean/running_var in
// place as torch does (the unbiased variance into running_var). dropout
// draws torch's bernoulli(1 - p) mask from the session generator (uniform
// double < 1 - p per element, in order) and multiplies: the same values as
// torch after the same manual_seed. embedding gathers rows and scatters
// gradients back, skipping padding_idx.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
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

StatusOrTensor Embedding(const Tensor& indices, const Tensor& weight,
                         std::optional<int64_t> padding_idx) {
  if (weight.dim() != 2) {
    return absl::InvalidArgumentError("'weight' must be 2-D");
  }
  const int64_t rows = weight.size(0), D = weight.size(1);
  int64_t pad = -1;
  if (padding_idx) {
    if (*padding_idx >= rows || *padding_idx < -rows) {
      return WithPythonType(absl::InvalidArgumentError(
                                "Padding_idx must be within num_embeddings"),
                            "AssertionError");
    }
    pad = *padding_idx < 0 ? *padding_idx + rows : *padding_idx;
  }
  if (indices.dtype() != DType::kInt64 && indices.dtype() != DType::kInt32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected tensor for argument #1 'indices' to have one of the "
        "following scalar types: Long, Int; but got torch.",
        DTypeShortName(indices.dtype()),
        "Tensor instead (while checking arguments for embedding)"));
  }
  Tensor idx;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor i64, To(indices, DType::kInt64));
    TENSORD_ASSIGN_OR_RETURN(idx, Contiguous(i64));
  }
  const int64_t n = idx.numel();
  const int64_t* pi = idx.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    if (pi[i] < 0 || pi[i] >= rows)
      return IndexError("index out of range in self");
  }
  Shape out_shape = indices.sizes();
  out_shape.push_back(D);
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(out_shape, weight.dtype()));
  Tensor w;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(w, Contiguous(weight));
  }
  const size_t row_bytes = static_cast<size_t>(D) * ItemSize(weight.dtype());
  const char* src = static_cast<const char*>(w.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  for (int64_t i = 0; i < n; ++i) {
    if (row_bytes > 0) {
      std::memcpy(dst + i * row_bytes, src + pi[i] * row_bytes, row_bytes);
    }
  }
  if (auto node = RecordOp("EmbeddingBackward0", {&weight}, {&out})) {
    const int i_slot = node->Save(idx);
    const Shape w_shape = weight.sizes();
    const DType dt = weight.dtype();
    node->set_backward(
        [i_slot, w_shape, dt, pad, out_shape = out.sizes()](
            Node& nd, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor ix, nd.Saved(i_slot));
          // The transpose looks the rows up again (padding_idx rows zero).
          auto transpose = [ix, pad,
                            out_shape](const Tensor& gg) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor flat, Reshape(ix, {-1}));
            TENSORD_ASSIGN_OR_RETURN(Tensor rows, IndexSelect(gg, 0, flat));
            TENSORD_ASSIGN_OR_RETURN(
                Tensor r,
                Reshape(rows, DimList(out_shape.begin(), out_shape.end())));
            TENSORD_ASSIGN_OR_RETURN(Tensor keep, Ne(ix, WrapScalar(pad)));
            TENSORD_ASSIGN_OR_RETURN(Tensor keep2, Unsqueeze(keep, -1));
            return Mul(r, keep2);
          };
          auto backward = [&](const Tensor& gin) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor gw, Zeros(w_shape, dt));
            Tensor gy;
            {
              NoGradGuard ng;
              TENSORD_ASSIGN_OR_RETURN(Tensor gd, To(gin, dt));
              TENSORD_ASSIGN_OR_RETURN(gy, Contiguous(gd));
            }
            const int64_t cols = w_shape[1], count = ix.numel();
            const int64_t* p = ix.data<int64_t>();
            TENSORD_DISPATCH_FLOATING(dt, T, {
              const T* pg = gy.data<T>();
              T* pw = gw.data<T>();
              for (int64_t i = 0; i < count; ++i) {
                if (p[i] == pad) continue;
                for (int64_t j = 0; j < cols; ++j) {
                  pw[p[i] * cols + j] += pg[i * cols + j];
                }
              }
            });
            return gw;
          };
          TENSORD_ASSIGN_OR_RETURN(Tensor gw,
                                   LinearInGrad(nd, g[0], backward, transpose));
          return GradList{gw};
        });
  }
  return out;
}

}  // namespace tensord
