// torch.nn.functional's embedding and embedding_bag.
//
// embedding gathers rows and scatters gradients back in index order,
// skipping padding_idx. embedding_bag reduces bags of rows (sum, mean,
// max) the way ATen's CPU kernels do in a build without fbgemm (Debian's
// PyTorch): rows added in index order, a per-sample weight applied with a
// fused multiply-add, a mean divided by the bag's count of non-padding
// rows; its weight gradient visits the indices in the order std::sort
// leaves them (ATen sorts them, unstably) and adds each gradient row
// scaled by a float factor with BLAS axpy, and a per-sample weight's
// gradient is a BLAS dot. The BLAS calls are those ATen makes, so the bits
// are torch's.
#include <cblas.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

enum class BagMode { kSum, kMean, kMax };

// y += a * x over n elements, with the fused multiply-add of BLAS axpy.
inline void Axpy(int64_t n, float a, const float* x, float* y) {
  cblas_saxpy(static_cast<int>(n), a, x, 1, y, 1);
}
inline void Axpy(int64_t n, double a, const double* x, double* y) {
  cblas_daxpy(static_cast<int>(n), a, x, 1, y, 1);
}
inline float Dot(int64_t n, const float* x, const float* y) {
  return cblas_sdot(static_cast<int>(n), x, 1, y, 1);
}
inline double Dot(int64_t n, const double* x, const double* y) {
  return cblas_ddot(static_cast<int>(n), x, 1, y, 1);
}

absl::StatusOr<std::vector<int64_t>> IndexVector(const Tensor& t,
                                                 const char* what) {
  if (t.dtype() != DType::kInt64 && t.dtype() != DType::kInt32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected tensor for argument #1 '", what,
        "' to have one of the following scalar types: Long, Int; but got "
        "torch.",
        DTypeShortName(t.dtype()),
        "Tensor instead (while checking arguments for embedding_bag)"));
  }
  if (t.dim() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "embedding_bag: ", what, " must be 1-D, but got ", t.dim(), "-D"));
  }
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor i64, To(t.detach(), DType::kInt64));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Contiguous(i64));
  const int64_t* p = c.data<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}

// The row padding_idx names among `rows` (negative: from the end), -1 for
// none; torch.nn.functional's AssertionError when out of range.
absl::StatusOr<int64_t> PaddingRow(std::optional<int64_t> padding_idx,
                                   int64_t rows) {
  if (!padding_idx) return -1;
  if (*padding_idx >= rows || *padding_idx < -rows) {
    return WithPythonType(
        absl::InvalidArgumentError("Padding_idx must be within num_embeddings"),
        "AssertionError");
  }
  return *padding_idx < 0 ? *padding_idx + rows : *padding_idx;
}

}  // namespace

StatusOrTensor Embedding(const Tensor& indices, const Tensor& weight,
                         std::optional<int64_t> padding_idx) {
  if (weight.dim() != 2) {
    return absl::InvalidArgumentError("'weight' must be 2-D");
  }
  const int64_t rows = weight.size(0), D = weight.size(1);
  TENSORD_ASSIGN_OR_RETURN(const int64_t pad, PaddingRow(padding_idx, rows));
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

StatusOrTensor EmbeddingBag(const Tensor& indices, const Tensor& weight,
                            const Tensor& offsets,
                            const Tensor& per_sample_weights,
                            absl::string_view mode_name,
                            std::optional<int64_t> padding_idx,
                            bool include_last_offset) {
  BagMode mode;
  if (mode_name == "sum") {
    mode = BagMode::kSum;
  } else if (mode_name == "mean") {
    mode = BagMode::kMean;
  } else if (mode_name == "max") {
    mode = BagMode::kMax;
  } else {
    return WithPythonType(
        absl::InvalidArgumentError("mode has to be one of sum, mean or max"),
        "ValueError");
  }
  if (weight.dim() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected 2-dimensional tensor, but got ", weight.dim(),
        "-dimensional tensor for argument #1 'weight' (while checking "
        "arguments for embedding_bag)"));
  }
  if (weight.dtype() != DType::kFloat32 && weight.dtype() != DType::kFloat64) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"embedding_bag\" not implemented for '",
                     DTypeShortName(weight.dtype()), "'"));
  }
  const int64_t rows = weight.size(0), D = weight.size(1);
  if (D > INT_MAX) {
    return absl::InvalidArgumentError(
        "embedding_bag: rows of more than 2^31 - 1 elements");
  }
  TENSORD_ASSIGN_OR_RETURN(std::vector<int64_t> idx,
                           IndexVector(indices, "indices"));
  TENSORD_ASSIGN_OR_RETURN(std::vector<int64_t> off,
                           IndexVector(offsets, "offsets"));
  const int64_t n = static_cast<int64_t>(idx.size());
  const bool weighted = per_sample_weights.defined();
  if (weighted) {
    if (mode != BagMode::kSum) {
      return WithPythonType(
          absl::UnimplementedError(absl::StrCat(
              "embedding_bag: per_sample_weights was not None. "
              "per_sample_weights is only supported for mode='sum' (got "
              "mode='",
              mode_name, "'). Please open a feature request on GitHub.")),
          "NotImplementedError");
    }
    if (per_sample_weights.sizes() != indices.sizes()) {
      return WithPythonType(
          absl::InvalidArgumentError(absl::StrCat(
              "embedding_bag: If per_sample_weights (",
              FormatSize(per_sample_weights.sizes()),
              ") is not None, then it must have the same shape as the input "
              "(",
              FormatSize(indices.sizes()), ")")),
          "ValueError");
    }
    if (per_sample_weights.dtype() != weight.dtype()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Expected tensor for argument #1 'weight' to have the same type as "
          "tensor for argument #1 'per_sample_weights'; but type torch.",
          DTypeShortName(weight.dtype()), "Tensor does not equal torch.",
          DTypeShortName(per_sample_weights.dtype()),
          "Tensor (while checking arguments for embedding_bag)"));
    }
  }
  TENSORD_ASSIGN_OR_RETURN(const int64_t pad, PaddingRow(padding_idx, rows));
  if (include_last_offset && off.empty()) {
    return absl::InvalidArgumentError(
        "include_last_offset: numBags should be at least 1");
  }
  if (!off.empty() && off[0] != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "offsets[0] has to be 0, i.e., the first sequence in the mini-batch "
        "has to start from position 0. However, got ",
        off[0]));
  }
  for (size_t b = 1; b < off.size(); ++b) {
    if (off[b] < off[b - 1]) {
      return absl::InvalidArgumentError(
          absl::StrCat("embedding_bag: offsets must be non-decreasing, but "
                       "offsets[",
                       b, "] = ", off[b], " follows ", off[b - 1]));
    }
  }
  if (!off.empty() && off.back() > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("offsets[-1] can not be greater than input's length ", n,
                     " but got offsets[-1] of ", off.back()));
  }
  for (int64_t v : idx) {
    if (v < 0 || v >= rows) {
      return absl::InvalidArgumentError(
          absl::StrCat("embedding_bag: Expected idx >= 0 && idx < "
                       "num_embeddings but found idx to be ",
                       v));
    }
  }
  const int64_t nbags =
      static_cast<int64_t>(off.size()) - (include_last_offset ? 1 : 0);
  // Bag of each position (-1: after the last bag, with include_last_offset)
  // and the number of non-padding rows in each bag.
  std::vector<int64_t> bag_of(n, -1), bag_size(nbags, 0);
  for (int64_t b = 0; b < nbags; ++b) {
    const int64_t end =
        b + 1 < static_cast<int64_t>(off.size()) ? off[b + 1] : n;
    for (int64_t i = off[b]; i < end; ++i) {
      bag_of[i] = b;
      if (idx[i] != pad) ++bag_size[b];
    }
  }
  Tensor w, psw;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(w, Contiguous(weight.detach()));
    if (weighted) {
      TENSORD_ASSIGN_OR_RETURN(psw, Contiguous(per_sample_weights.detach()));
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Zeros({nbags, D}, weight.dtype()));
  // max: the row each output element came from (-1: empty bag).
  std::vector<int64_t> argmax;
  if (mode == BagMode::kMax) argmax.assign(nbags * D, -1);
  TENSORD_DISPATCH_FLOATING(weight.dtype(), T, {
    const T* pw = w.data<T>();
    T* po = out.data<T>();
    const T* ps = weighted ? psw.data<T>() : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t b = bag_of[i];
      if (b < 0 || idx[i] == pad) continue;
      const T* row = pw + idx[i] * D;
      T* o = po + b * D;
      if (mode == BagMode::kMax) {
        int64_t* am = argmax.data() + b * D;
        for (int64_t j = 0; j < D; ++j) {
          if (am[j] < 0 || row[j] > o[j]) {
            o[j] = row[j];
            am[j] = idx[i];
          }
        }
      } else if (ps != nullptr) {
        Axpy(D, ps[i], row, o);
      } else {
        for (int64_t j = 0; j < D; ++j) o[j] += row[j];
      }
    }
    if (mode == BagMode::kMean) {
      for (int64_t b = 0; b < nbags; ++b) {
        const T count = static_cast<T>(std::max<int64_t>(bag_size[b], 1));
        for (int64_t j = 0; j < D; ++j) po[b * D + j] /= count;
      }
    }
  });
  std::vector<const Tensor*> inputs = {&weight};
  if (weighted) inputs.push_back(&per_sample_weights);
  if (auto node = RecordOp("EmbeddingBagBackward0", inputs, {&out})) {
    const int w_slot = node->Save(weight);
    const int s_slot = weighted ? node->Save(per_sample_weights) : -1;
    const DType dt = weight.dtype();
    node->set_backward(
        [=, idx = std::move(idx), bag_of = std::move(bag_of),
         bag_size = std::move(bag_size), argmax = std::move(argmax)](
            Node& nd, const GradList& g) -> absl::StatusOr<GradList> {
          Tensor gy, wt, st;
          {
            NoGradGuard ng;
            TENSORD_ASSIGN_OR_RETURN(Tensor gd, To(g[0].detach(), dt));
            TENSORD_ASSIGN_OR_RETURN(gy, Contiguous(gd));
            TENSORD_ASSIGN_OR_RETURN(Tensor ws, nd.Saved(w_slot));
            TENSORD_ASSIGN_OR_RETURN(wt, Contiguous(ws.detach()));
            if (s_slot >= 0) {
              TENSORD_ASSIGN_OR_RETURN(Tensor ss, nd.Saved(s_slot));
              TENSORD_ASSIGN_OR_RETURN(st, Contiguous(ss.detach()));
            }
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor gw, Zeros({rows, D}, dt));
          Tensor gs;
          if (s_slot >= 0) {
            TENSORD_ASSIGN_OR_RETURN(gs, Zeros({n}, dt));
          }
          TENSORD_DISPATCH_FLOATING(dt, T, {
            const T* pg = gy.data<T>();
            T* pgw = gw.data<T>();
            if (mode == BagMode::kMax) {
              for (int64_t b = 0; b < nbags; ++b) {
                if (bag_size[b] == 0) continue;
                for (int64_t j = 0; j < D; ++j) {
                  const int64_t r = argmax[b * D + j];
                  if (r >= 0) pgw[r * D + j] += pg[b * D + j];
                }
              }
            } else {
              // ATen: indices.sort() (unstable), then each position's
              // gradient row scaled by a double factor rounded to T.
              std::vector<std::pair<int64_t, int64_t>> order(n);
              for (int64_t i = 0; i < n; ++i) order[i] = {idx[i], i};
              std::sort(order.begin(), order.end(),
                        [](const auto& a, const auto& b) {
                          return a.first < b.first;
                        });
              const T* ps = s_slot >= 0 ? st.data<T>() : nullptr;
              for (const auto& [r, i] : order) {
                const int64_t b = bag_of[i];
                if (r == pad || b < 0) continue;
                double scale = ps != nullptr ? static_cast<double>(ps[i]) : 1.0;
                if (mode == BagMode::kMean && bag_size[b] != 0) {
                  scale /= static_cast<double>(bag_size[b]);
                }
                Axpy(D, static_cast<T>(scale), pg + b * D, pgw + r * D);
              }
              if (gs.defined()) {
                const T* pw = wt.data<T>();
                T* pgs = gs.data<T>();
                for (int64_t i = 0; i < n; ++i) {
                  const int64_t b = bag_of[i];
                  if (idx[i] == pad || b < 0) continue;
                  pgs[i] = Dot(D, pg + b * D, pw + idx[i] * D);
                }
              }
            }
          });
          GradList r{gw};
          if (s_slot >= 0) r.push_back(gs);
          return r;
        });
  }
  return out;
}

}  // namespace tensord
