// Sampling and set ops: bernoulli, multinomial (drawing from the session's
// generator exactly as PyTorch's CPU kernels draw from theirs), logspace,
// tril_indices, triu_indices, searchsorted, bucketize, unique,
// unique_consecutive, meshgrid, cartesian_prod and block_diag.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

#define TRY(lhs, expr) TENSORD_ASSIGN_OR_RETURN(lhs, expr)

StatusOrTensor Bernoulli(const Tensor& p, std::optional<double> scalar_p,
                         Generator& gen) {
  if (!IsFloating(p.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"bernoulli_tensor_cpu_p_\" not implemented for '",
                     DTypeShortName(p.dtype()), "'"));
  }
  if (scalar_p && !(*scalar_p >= 0 && *scalar_p <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bernoulli_ expects p to be in [0, 1], but got p=", *scalar_p));
  }
  Tensor out;
  {
    NoGradGuard ng;
    TRY(Tensor pc, Contiguous(p.detach()));
    if (!scalar_p) {
      const std::vector<double> v = pc.ToDoubles();
      for (double x : v) {
        if (!(x >= 0 && x <= 1)) {
          return absl::InvalidArgumentError(
              "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
              "(Could this error message be improved?  If so, please report "
              "an enhancement request to PyTorch.)");
        }
      }
    }
    gen.WillChange();
    TRY(out, Empty(p.sizes(), p.dtype()));
    TENSORD_DISPATCH_FLOATING(p.dtype(), T, {
      const T* pp = pc.data<T>();
      T* o = out.data<T>();
      for (int64_t i = 0; i < out.numel(); ++i) {
        if (scalar_p) {
          o[i] = gen.UniformDouble() < *scalar_p ? T(1) : T(0);
        } else if constexpr (std::is_same_v<T, float>) {
          o[i] = gen.UniformFloat() < pp[i] ? T(1) : T(0);
        } else {
          o[i] = gen.UniformDouble() < pp[i] ? T(1) : T(0);
        }
      }
    });
  }
  if (!scalar_p) {
    if (auto node = RecordOp("BernoulliBackward0", {&p}, {&out})) {
      node->set_backward(
          [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
            TRY(Tensor z, ZerosLike(g[0]));
            return GradList{z};
          });
    }
  }
  return out;
}

StatusOrTensor BernoulliInplace(const Tensor& self, const Tensor* p,
                                double scalar_p, Generator& gen) {
  if (!IsFloating(self.dtype())) {
    return absl::InvalidArgumentError(
        "tensord: bernoulli_ fills floating tensors only");
  }
  return Inplace(
      self, p ? std::vector<const Tensor*>{p} : std::vector<const Tensor*>{},
      [&]() -> StatusOrTensor {
        NoGradGuard ng;
        if (p == nullptr) {
          TRY(Tensor pp, Full(self.sizes(), Scalar(scalar_p), self.dtype()));
          return Bernoulli(pp, scalar_p, gen);
        }
        TRY(Tensor pe, Expand(p->detach(), DimList(self.sizes().begin(),
                                                   self.sizes().end())));
        TRY(Tensor r, Bernoulli(pe, std::nullopt, gen));
        return To(r, self.dtype());
      });
}

StatusOrTensor Multinomial(const Tensor& probs, int64_t n, bool replacement,
                           Generator& gen) {
  if (probs.dim() < 1 || probs.dim() > 2) {
    return absl::InvalidArgumentError("prob_dist must be 1 or 2 dim");
  }
  if (!IsFloating(probs.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "multinomial only supports floating-point dtypes for input, got: ",
        DTypeShortName(probs.dtype())));
  }
  if (n <= 0) {
    return absl::InvalidArgumentError("cannot sample n_sample <= 0 samples");
  }
  const int64_t cats = probs.size(-1);
  if (!replacement && n > cats) {
    return absl::InvalidArgumentError(
        "cannot sample n_sample > prob_dist.size(-1) samples without "
        "replacement");
  }
  if (cats > (int64_t{1} << 24)) {
    return absl::InvalidArgumentError(
        "number of categories cannot exceed 2^24");
  }
  const int64_t rows = probs.dim() == 2 ? probs.size(0) : 1;
  if (n > (int64_t{1} << 32)) {
    return absl::InvalidArgumentError("multinomial: too many samples");
  }
  NoGradGuard ng;
  TRY(Tensor pc, Contiguous(probs.detach()));
  TRY(Tensor pd, To(pc, DType::kFloat64));
  const double* pv = pd.data<double>();
  for (int64_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (int64_t c = 0; c < cats; ++c) {
      const double x = pv[r * cats + c];
      if (!std::isfinite(x) || x < 0) {
        return absl::InvalidArgumentError(
            "probability tensor contains either `inf`, `nan` or element < 0");
      }
      sum += x;
    }
    if (!(sum > 0)) {
      return absl::InvalidArgumentError(
          "invalid multinomial distribution (sum of probabilities <= 0)");
    }
  }
  Shape shape = probs.dim() == 2 ? Shape{rows, n} : Shape{n};
  TRY(Tensor out, Empty(shape, DType::kInt64));
  int64_t* o = out.data<int64_t>();
  gen.WillChange();
  if (!replacement) {
    // torch: argmax / topk of p / q with q ~ Exp(1), drawn for every
    // element first (-log1p(-u), u a uniform double), in p's dtype.
    TRY(Tensor ratio, Empty(probs.sizes(), probs.dtype()));
    TENSORD_DISPATCH_FLOATING(probs.dtype(), T, {
      const T* p = pc.data<T>();
      T* q = ratio.data<T>();
      for (int64_t i = 0; i < rows * cats; ++i) {
        q[i] = static_cast<T>(-std::log1p(-gen.UniformDouble()));
      }
      for (int64_t i = 0; i < rows * cats; ++i) q[i] = p[i] / q[i];
    });
    if (n == 1) {
      TRY(Tensor am, Argmax(ratio, -1, true));
      return probs.dim() == 2 ? am : Reshape(am, {1});
    }
    TRY(auto tk, Topk(ratio, n, -1, true));
    return tk.second;
  }
  TENSORD_DISPATCH_FLOATING(probs.dtype(), T, {
    const T* p = pc.data<T>();
    std::vector<T> cum(cats);
    for (int64_t r = 0; r < rows; ++r) {
      T sum = 0;
      for (int64_t c = 0; c < cats; ++c) {
        sum += p[r * cats + c];
        cum[c] = sum;
      }
      for (int64_t c = 0; c < cats; ++c) cum[c] /= sum;
      for (int64_t j = 0; j < n; ++j) {
        const double u = gen.UniformDouble();
        int64_t left = 0, right = cats;
        while (right - left > 0) {
          const int64_t mid = left + (right - left) / 2;
          if (cum[mid] < u) {
            left = mid + 1;
          } else {
            right = mid;
          }
        }
        o[r * n + j] = std::min(left, cats - 1);
      }
    }
  });
  return out;
}

StatusOrTensor Logspace(const Scalar& start, const Scalar& end, int64_t steps,
                        double base, std::optional<DType> dtype) {
  if (steps < 0) {
    return absl::InvalidArgumentError("number of steps must be non-negative");
  }
  const DType dt = dtype.value_or(DefaultFloat());
  if (IsComplex(dt)) {
    return absl::InvalidArgumentError(
        "tensord: logspace of complex dtype is not supported");
  }
  TRY(Tensor out, Empty({steps}, dt));
  const double s = start.to_double(), e = end.to_double();
  const double step = steps > 1 ? (e - s) / static_cast<double>(steps - 1) : 0;
  const int64_t half = steps / 2;
  TENSORD_DISPATCH_REAL(dt, T, {
    T* o = out.data<T>();
    for (int64_t i = 0; i < steps; ++i) {
      const double x = steps == 1 ? s
                       : i < half
                           ? s + step * static_cast<double>(i)
                           : e - step * static_cast<double>(steps - i - 1);
      const double v = std::pow(base, x);
      if constexpr (std::is_floating_point_v<T>) {
        o[i] = static_cast<T>(v);
      } else if constexpr (std::is_same_v<T, bool>) {
        o[i] = v != 0;
      } else {
        o[i] = FloatToInt<T>(v);
      }
    }
  });
  return out;
}

StatusOrTensor TriIndices(int64_t row, int64_t col, int64_t offset, bool lower,
                          DType dtype) {
  if (row < 0 || col < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(lower ? "tril_indices" : "triu_indices",
                     ": row must be non-negative, got", row < 0 ? row : col));
  }
  if (dtype != DType::kInt64 && dtype != DType::kInt32) {
    return absl::InvalidArgumentError(
        "tensord: tril_indices/triu_indices make int32 or int64 indices");
  }
  if (row > (int64_t{1} << 20) || col > (int64_t{1} << 20)) {
    return absl::InvalidArgumentError(
        "tril_indices/triu_indices: row and col must be at most 2^20");
  }
  std::vector<int64_t> rs, cs;
  for (int64_t i = 0; i < row; ++i) {
    for (int64_t j = 0; j < col; ++j) {
      // j - i is small, so comparing with any offset cannot overflow.
      if (lower ? j - i <= offset : j - i >= offset) {
        rs.push_back(i);
        cs.push_back(j);
      }
    }
  }
  std::vector<int64_t> all = rs;
  all.insert(all.end(), cs.begin(), cs.end());
  return FromInts(all, {2, static_cast<int64_t>(rs.size())}, dtype);
}

StatusOrTensor Searchsorted(const Tensor& sorted, const Tensor& values,
                            bool right, bool out_int32) {
  if (IsComplex(sorted.dtype()) || IsComplex(values.dtype())) {
    return absl::InvalidArgumentError(
        "searchsorted(): complex tensors are not supported");
  }
  if (sorted.dim() == 0) {
    return absl::InvalidArgumentError(
        "torch.searchsorted(): boundaries tensor should have positive "
        "dimension, but got 0 dimension");
  }
  if (sorted.dim() > 1) {
    const Shape lead(sorted.sizes().begin(), sorted.sizes().end() - 1);
    const Shape vlead(values.sizes().begin(),
                      values.sizes().end() - (values.dim() > 0 ? 1 : 0));
    if (values.dim() == 0 || lead != vlead) {
      return absl::InvalidArgumentError(absl::StrCat(
          "torch.searchsorted(): boundaries tensor should be 1 dimension or "
          "the first N-1 dimensions of boundaries tensor and input value "
          "tensor must match, but we got boundaries tensor ",
          ShapeToString(sorted.sizes()), " and input value tensor ",
          ShapeToString(values.sizes())));
    }
  }
  NoGradGuard ng;
  TRY(Tensor sd, To(sorted.detach(), DType::kFloat64));
  TRY(sd, Contiguous(sd));
  TRY(Tensor vd, To(values.detach(), DType::kFloat64));
  TRY(vd, Contiguous(vd));
  const int64_t len = sorted.size(-1);
  const int64_t inner = values.dim() == 0 ? 1 : values.size(-1);
  TRY(Tensor out,
      Empty(values.sizes(), out_int32 ? DType::kInt32 : DType::kInt64));
  const double* s = sd.data<double>();
  const double* v = vd.data<double>();
  for (int64_t i = 0; i < values.numel(); ++i) {
    const double* row = sorted.dim() == 1 ? s : s + (i / inner) * len;
    const double* pos = right ? std::upper_bound(row, row + len, v[i])
                              : std::lower_bound(row, row + len, v[i]);
    const int64_t k = pos - row;
    if (out_int32) {
      out.data<int32_t>()[i] = static_cast<int32_t>(k);
    } else {
      out.data<int64_t>()[i] = k;
    }
  }
  return out;
}

namespace {

absl::StatusOr<std::vector<Tensor>> UniqueRaw(const Tensor& t,
                                              bool consecutive) {
  if (IsComplex(t.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"unique\" not implemented for '", DTypeShortName(t.dtype()), "'"));
  }
  NoGradGuard ng;
  TRY(Tensor flat, Reshape(t.detach(), {-1}));
  TRY(flat, Contiguous(flat));
  const int64_t n = flat.numel();
  TRY(Tensor inverse, Empty(t.sizes(), DType::kInt64));
  int64_t* inv = inverse.data<int64_t>();
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Tensor values, counts;
  TENSORD_DISPATCH_REAL(t.dtype(), T, {
    const T* p = flat.data<T>();
    auto less = [&](int64_t a, int64_t b) {
      const T x = p[a], y = p[b];
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(y)) return !std::isnan(x);
        if (std::isnan(x)) return false;
      }
      return x < y;
    };
    auto same = [&](int64_t a, int64_t b) {
      if constexpr (std::is_floating_point_v<T>) {
        // every NaN is its own value, as in torch
        return p[a] == p[b];
      } else {
        return p[a] == p[b];
      }
    };
    if (!consecutive) std::stable_sort(order.begin(), order.end(), less);
    std::vector<T> vals;
    std::vector<int64_t> cnt;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = order[k];
      if (k == 0 || !same(order[k - 1], i)) {
        vals.push_back(p[i]);
        cnt.push_back(0);
      }
      ++cnt.back();
      inv[i] = static_cast<int64_t>(vals.size()) - 1;
    }
    auto v = Empty({static_cast<int64_t>(vals.size())}, t.dtype());
    if (!v.ok()) return;
    values = *v;
    std::copy(vals.begin(), vals.end(), values.data<T>());
    auto c = FromInts(cnt, {static_cast<int64_t>(cnt.size())}, DType::kInt64);
    if (c.ok()) counts = *c;
  });
  if (!values.defined() || !counts.defined()) {
    return absl::ResourceExhaustedError("unique: out of memory");
  }
  return std::vector<Tensor>{values, inverse, counts};
}

}  // namespace

absl::StatusOr<std::vector<Tensor>> Unique(const Tensor& t, bool sorted,
                                           bool consecutive) {
  (void)sorted;  // torch's CPU unique always sorts
  TRY(std::vector<Tensor> r, UniqueRaw(t, consecutive));
  // torch records a node it cannot differentiate through.
  TRY(r[0],
      NotDifferentiable(
          consecutive ? "UniqueConsecutiveBackward0" : "Unique2Backward0", {&t},
          r[0],
          consecutive ? "the derivative for 'unique_consecutive' is not "
                        "implemented."
                      : "the derivative for '_unique2' is not implemented."));
  return r;
}

absl::StatusOr<std::vector<Tensor>> Meshgrid(const std::vector<Tensor>& ts,
                                             const std::string& indexing) {
  if (indexing != "ij" && indexing != "xy") {
    return absl::InvalidArgumentError(absl::StrCat(
        "torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but "
        "received: ",
        indexing.substr(0, 64)));
  }
  for (const Tensor& t : ts) {
    if (t.dim() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
          "got: ",
          FormatSize(t.sizes())));
    }
    if (t.dtype() != ts[0].dtype()) {
      return absl::InvalidArgumentError(
          "torch.meshgrid: Expected all tensors in the tensor list to have "
          "the same dtype");
    }
  }
  const bool swap = indexing == "xy" && ts.size() >= 2;
  DimList shape;
  for (const Tensor& t : ts) shape.push_back(t.numel());
  if (swap) std::swap(shape[0], shape[1]);
  std::vector<Tensor> out;
  for (size_t k = 0; k < ts.size(); ++k) {
    size_t pos = k;
    if (swap && k < 2) pos = 1 - k;
    DimList view(ts.size(), 1);
    view[pos] = -1;
    TRY(Tensor v, View(ts[k], view));
    TRY(Tensor e, Expand(v, shape));
    out.push_back(e);
  }
  return out;
}

StatusOrTensor CartesianProd(const std::vector<Tensor>& ts) {
  for (const Tensor& t : ts) {
    if (t.dim() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Expect a 1D vector, but got shape ", ShapeToString(t.sizes())));
    }
  }
  if (ts.size() == 1) return Clone(ts[0]);
  TRY(auto grids, Meshgrid(ts, "ij"));
  std::vector<Tensor> flat;
  for (const Tensor& g : grids) {
    TRY(Tensor f, Reshape(g, {-1}));
    flat.push_back(f);
  }
  return Stack(flat, 1);
}

StatusOrTensor BlockDiag(const std::vector<Tensor>& ts) {
  int64_t cols = 0;
  std::vector<Tensor> mats;
  DType dt = ts[0].dtype();
  for (size_t k = 0; k < ts.size(); ++k) {
    const Tensor& t = ts[k];
    if (t.dim() > 2) {
      return absl::InvalidArgumentError(absl::StrCat(
          "torch.block_diag: Input tensors must have 2 or fewer dimensions. "
          "Input ",
          k, " has ", t.dim(), " dimensions"));
    }
    Tensor m = t;
    if (t.dim() == 0) {
      TRY(m, Reshape(t, {1, 1}));
    } else if (t.dim() == 1) {
      TRY(m, Reshape(t, {1, -1}));
    }
    mats.push_back(m);
    cols += m.size(1);
    dt = PromoteTypes(dt, t.dtype());
  }
  // Each block row: zeros, the block, zeros; the rows concatenated.
  std::vector<Tensor> row_blocks;
  int64_t c0 = 0;
  for (const Tensor& m : mats) {
    std::vector<Tensor> parts;
    if (c0 > 0) {
      TRY(Tensor z, Zeros({m.size(0), c0}, dt));
      parts.push_back(z);
    }
    TRY(Tensor mc, To(m, dt));
    parts.push_back(mc);
    if (cols - c0 - m.size(1) > 0) {
      TRY(Tensor z, Zeros({m.size(0), cols - c0 - m.size(1)}, dt));
      parts.push_back(z);
    }
    TRY(Tensor row, Cat(parts, 1));
    row_blocks.push_back(row);
    c0 += m.size(1);
  }
  TRY(Tensor r, Cat(row_blocks, 0));
  return Composite("BlockDiagBackward0", r);
}

#undef TRY

}  // namespace tensord
