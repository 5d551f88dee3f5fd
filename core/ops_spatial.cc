// torch.nn.functional's spatial rearrangements, with their derivatives:
// F.pad (constant, reflect, replicate, circular) and F.interpolate's
// upsample_nearest1d/2d and upsample_bilinear2d.
//
// Padding is an index map: per padded dim, the input index each output
// index reads (-1: the constant). The forward gathers through the maps, the
// backward scatter-adds the gradient back through the same maps (reflected
// and replicated borders are read several times). Every size computed from
// client integers is overflow-checked, and a map is built only for a
// non-empty output (so no map is larger than the output).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
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

enum class PadMode { kConstant, kReflect, kReplicate, kCircular };

// The padding of the last maps.size() dims of a tensor.
struct PadPlan {
  Shape in_shape, out_shape;
  // maps[j][o]: the input index along padded dim j (0 = outermost padded
  // dim) read by output index o, -1 for the constant.
  std::vector<std::vector<int64_t>> maps;
  // The maps' bytes, reserved from the session before they are built (a
  // client's pad of 2^40 is refused, not allocated) and held while the
  // plan lives.
  Tensor reserve;
  int64_t Padded() const { return static_cast<int64_t>(maps.size()); }
  // Elements of the unpadded leading dims.
  int64_t Outer() const {
    int64_t n = 1;
    for (size_t d = 0; d + maps.size() < in_shape.size(); ++d) n *= in_shape[d];
    return n;
  }
};

int64_t Prod(const Shape& s, size_t from) {
  int64_t n = 1;
  for (size_t d = from; d < s.size(); ++d) n *= s[d];
  return n;
}

// Output rows (all dims but the last) of one outer block, in order; calls
// f(row, input offset of the row's source or -1 when it is all constant).
template <typename F>
void ForRows(const PadPlan& p, int64_t rows, F&& f) {
  const int64_t k = p.Padded(), lead = p.in_shape.size() - k;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t q = r, src = 0, stride = p.in_shape.back();
    bool constant = false;
    for (int64_t j = k - 2; j >= 0; --j) {
      const int64_t size = p.out_shape[lead + j];
      const int64_t s = p.maps[j][q % size];
      q /= size;
      if (s < 0) constant = true;
      src += s * stride;
      stride *= p.in_shape[lead + j];
    }
    f(r, constant ? int64_t{-1} : src);
  }
}

template <typename T>
void PadForward(const PadPlan& p, const T* x, T* y, T value) {
  const int64_t ow = p.out_shape.back();
  const int64_t in_block = Prod(p.in_shape, p.in_shape.size() - p.Padded());
  const int64_t rows = Prod(p.out_shape, p.out_shape.size() - p.Padded()) / ow;
  const std::vector<int64_t>& last = p.maps.back();
  ParallelFor(p.Outer(), rows * ow, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      ForRows(p, rows, [&](int64_t r, int64_t src) {
        T* yr = y + (o * rows + r) * ow;
        if (src < 0) {
          std::fill(yr, yr + ow, value);
          return;
        }
        const T* xr = x + o * in_block + src;
        for (int64_t j = 0; j < ow; ++j) {
          yr[j] = last[j] < 0 ? value : xr[last[j]];
        }
      });
    }
  });
}

// gx (zeroed) += gy through the maps.
template <typename T>
void PadBackward(const PadPlan& p, const T* gy, T* gx) {
  const int64_t ow = p.out_shape.back();
  const int64_t in_block = Prod(p.in_shape, p.in_shape.size() - p.Padded());
  const int64_t rows = Prod(p.out_shape, p.out_shape.size() - p.Padded()) / ow;
  const std::vector<int64_t>& last = p.maps.back();
  ParallelFor(p.Outer(), rows * ow, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      ForRows(p, rows, [&](int64_t r, int64_t src) {
        if (src < 0) return;
        const T* gr = gy + (o * rows + r) * ow;
        T* xr = gx + o * in_block + src;
        for (int64_t j = 0; j < ow; ++j) {
          if (last[j] >= 0) xr[last[j]] += gr[j];
        }
      });
    }
  });
}

absl::Status Overflow() {
  return absl::InvalidArgumentError("pad: the computed sizes overflow int64");
}

std::string TensorWord(const Tensor& x) {
  return absl::StrCat("[ torch.", DTypeShortName(x.dtype()), "Tensor{",
                      absl::StrJoin(x.sizes(), ","), "} ]");
}

// torch's constant_pad_nd checks: the crops as narrow() sees them, then the
// output sizes.
absl::Status ConstantPadChecks(const Tensor& x, const DimList& pad) {
  const int64_t nd = x.dim(), lp = pad.size() / 2;
  for (int64_t i = nd - lp; i < nd; ++i) {
    const int64_t pi = 2 * (nd - i - 1);
    int64_t cur = x.size(i);
    auto narrow = [&cur](int64_t start, int64_t length) -> absl::Status {
      if (start != cur && (start < -cur || start >= cur || cur == 0)) {
        if (cur == 0) {
          return IndexError(absl::StrCat("Dimension specified as ", start,
                                         " but tensor has no dimensions"));
        }
        return IndexError(
            absl::StrCat("Dimension out of range (expected to be in range of [",
                         -cur, ", ", cur - 1, "], but got ", start, ")"));
      }
      if (start < 0) start += cur;
      if (length < 0 || start > cur - length) {
        return absl::InvalidArgumentError(
            absl::StrCat("start (", start, ") + length (", length,
                         ") exceeds dimension size (", cur, ")."));
      }
      cur = length;
      return absl::OkStatus();
    };
    if (pad[pi] < 0) {
      if (pad[pi] == INT64_MIN) return Overflow();
      TENSORD_RETURN_IF_ERROR(narrow(-pad[pi], cur + pad[pi]));
    }
    if (pad[pi + 1] < 0) {
      TENSORD_RETURN_IF_ERROR(narrow(0, cur + pad[pi + 1]));
    }
  }
  return absl::OkStatus();
}

// The output size of one dim, checked.
absl::StatusOr<int64_t> PaddedSize(int64_t in, int64_t l, int64_t r) {
  int64_t out;
  if (__builtin_add_overflow(in, l, &out) ||
      __builtin_add_overflow(out, r, &out)) {
    return Overflow();
  }
  return out;
}

// reflect/replicate: torch's checks of the input's shape and the pads.
absl::Status BorderPadChecks(const Tensor& x, const DimList& pad, int64_t k,
                             bool reflect) {
  const int64_t nd = x.dim();
  bool ok = true;
  // Reflect (1-d, 2-d) allows an empty first dim; the others an empty
  // batch only.
  const int64_t first = (reflect && k < 3) || nd == k + 2 ? 1 : 0;
  for (int64_t d = first; d < nd; ++d) ok = ok && x.size(d) != 0;
  if (!ok) {
    if (reflect && k < 3) {
      return absl::InvalidArgumentError(
          absl::StrCat(k + 1, "D or ", k + 2,
                       "D (batch mode) tensor expected for input, but got: ",
                       TensorWord(x)));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("Expected ", k + 1, "D or ", k + 2,
                     "D (batch mode) tensor with possibly 0 batch size and "
                     "other non-zero dimensions for input, but got: ",
                     ShapeToString(x.sizes())));
  }
  if (reflect) {
    for (int64_t j = 0; j < k; ++j) {  // W first
      const int64_t d = nd - 1 - j, in = x.size(d);
      const int64_t l = pad[2 * j], r = pad[2 * j + 1];
      if (l >= in || r >= in) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Argument #", 4 + 2 * j,
            ": Padding size should be less than the corresponding input "
            "dimension, but got: padding (",
            l, ", ", r, ") at dimension ", d, " of input ",
            k == 2 ? std::to_string(nd) : ShapeToString(x.sizes())));
      }
    }
  }
  if (k == 1) {
    TENSORD_ASSIGN_OR_RETURN(int64_t ow,
                             PaddedSize(x.size(nd - 1), pad[0], pad[1]));
    if (ow < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          reflect ? "2" : "", "input (W: ", x.size(nd - 1),
          reflect ? ")is" : ") is", " too small. Calculated output W: ", ow));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PadPlan> PlanPad(const Tensor& x, const DimList& pad,
                                PadMode mode) {
  const int64_t nd = x.dim(), k = pad.size() / 2;
  PadPlan p;
  p.in_shape = x.sizes();
  p.out_shape = x.sizes();
  std::vector<int64_t> before(k), after(k);
  for (int64_t j = 0; j < k; ++j) {  // j: padded dim, outermost first
    const int64_t d = nd - k + j, pi = 2 * (k - 1 - j);
    before[j] = pad[pi];
    after[j] = pad[pi + 1];
    if (mode == PadMode::kCircular &&
        (before[j] > x.size(d) || after[j] > x.size(d))) {
      return absl::InvalidArgumentError(
          "Padding value causes wrapping around more than once.");
    }
    TENSORD_ASSIGN_OR_RETURN(p.out_shape[d],
                             PaddedSize(x.size(d), before[j], after[j]));
    if (mode == PadMode::kCircular) {
      const int64_t core = x.size(d) + std::min<int64_t>(before[j], 0) +
                           std::min<int64_t>(after[j], 0);
      if (p.out_shape[d] < 0 || (core <= 0 && p.out_shape[d] > 0)) {
        return absl::InvalidArgumentError(
            "Negative padding value is resulting in an empty dimension");
      }
    }
  }
  for (int64_t s : p.out_shape) {
    if (s < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("Trying to create tensor with negative dimension ", s,
                       ": ", ShapeToString(p.out_shape)));
    }
  }
  int64_t numel = 1;
  const bool empty = std::count(p.out_shape.begin(), p.out_shape.end(), 0) > 0;
  for (int64_t s : p.out_shape) {
    if (!empty && __builtin_mul_overflow(numel, s, &numel)) {
      return absl::ResourceExhaustedError(
          absl::StrCat("pad: the result of shape ", ShapeToString(p.out_shape),
                       " is too large"));
    }
  }
  if (empty) return p;
  int64_t entries = 0;
  for (int64_t j = 0; j < k; ++j) {
    if (!AddOk(entries, p.out_shape[nd - k + j], &entries)) return Overflow();
  }
  TENSORD_ASSIGN_OR_RETURN(p.reserve, Empty({entries}, DType::kInt64));
  p.maps.resize(k);
  for (int64_t j = 0; j < k; ++j) {
    const int64_t d = nd - k + j, in = x.size(d), n = p.out_shape[d];
    const int64_t lo = std::max<int64_t>(-before[j], 0);
    const int64_t core = in - lo - std::max<int64_t>(-after[j], 0);
    std::vector<int64_t>& m = p.maps[j];
    m.resize(n);
    for (int64_t o = 0; o < n; ++o) {
      int64_t i = o - before[j];
      switch (mode) {
        case PadMode::kConstant:
          if (i < 0 || i >= in) i = -1;
          break;
        case PadMode::kReflect:
          if (i < 0) i = -i;
          if (i >= in) i = 2 * (in - 1) - i;
          break;
        case PadMode::kReplicate:
          i = std::clamp<int64_t>(i, 0, in - 1);
          break;
        case PadMode::kCircular: {
          const int64_t q = o - std::max<int64_t>(before[j], 0);
          i = lo + ((q % core) + core) % core;
          break;
        }
      }
      m[o] = i;
    }
  }
  return p;
}

template <typename T>
T CastValue(double v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v != 0;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(Scalar(v).to_int());
  } else {
    return static_cast<T>(v);
  }
}

const char* BackwardName(PadMode mode, int64_t k) {
  static const char* const kReflect[] = {"ReflectionPad1DBackward0",
                                         "ReflectionPad2DBackward0",
                                         "ReflectionPad3DBackward0"};
  static const char* const kReplicate[] = {"ReplicationPad1DBackward0",
                                           "ReplicationPad2DBackward0",
                                           "ReplicationPad3DBackward0"};
  switch (mode) {
    case PadMode::kReflect:
      return kReflect[k - 1];
    case PadMode::kReplicate:
      return kReplicate[k - 1];
    case PadMode::kCircular:
      return "CopySlices";  // torch 1.13's circular pad is copies of slices
    default:
      return "ConstantPadNdBackward0";
  }
}

}  // namespace

StatusOrTensor Pad(const Tensor& x, const DimList& pad, const std::string& mode,
                   std::optional<double> value) {
  PadMode m;
  if (mode == "constant") {
    m = PadMode::kConstant;
  } else if (mode == "reflect") {
    m = PadMode::kReflect;
  } else if (mode == "replicate") {
    m = PadMode::kReplicate;
  } else if (mode == "circular") {
    m = PadMode::kCircular;
  } else {
    return WithPythonType(absl::InvalidArgumentError(
                              absl::StrCat("Unrecognised padding mode ", mode)),
                          "NotImplementedError");
  }
  const int64_t nd = x.dim();
  if (pad.size() % 2 != 0) {
    return absl::InvalidArgumentError("Padding length must be divisible by 2");
  }
  if (static_cast<int64_t>(pad.size()) > nd * 2) {
    return absl::InvalidArgumentError("Padding length too large");
  }
  const int64_t k = pad.size() / 2;
  if (m == PadMode::kConstant) {
    TENSORD_RETURN_IF_ERROR(ConstantPadChecks(x, pad));
  } else {
    if (value.has_value() && *value != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Padding mode \"", mode, "\" doesn't take in value argument"));
    }
    if (k < 1 || k > 3 || (nd != k + 1 && nd != k + 2)) {
      return WithPythonType(
          absl::InvalidArgumentError("Only 2D, 3D, 4D, 5D padding with "
                                     "non-constant padding are supported for "
                                     "now"),
          "NotImplementedError");
    }
    if (m == PadMode::kCircular && nd != k + 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("Invalid padding size, expected ", 2 * (nd - 2),
                       " but got ", pad.size()));
    }
    if (m != PadMode::kCircular) {
      TENSORD_RETURN_IF_ERROR(
          BorderPadChecks(x, pad, k, m == PadMode::kReflect));
    }
  }
  if (k == 0) {  // (constant mode) a copy
    TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
    CopyConvert(x, out);
    if (auto node = RecordOp("ConstantPadNdBackward0", {&x}, {&out})) {
      node->set_backward([](Node&, const GradList& gl) {
        return absl::StatusOr<GradList>(GradList{gl[0]});
      });
    }
    return out;
  }
  TENSORD_ASSIGN_OR_RETURN(PadPlan plan, PlanPad(x, pad, m));
  if (m == PadMode::kReflect || m == PadMode::kReplicate) {
    if (!IsFloating(x.dtype()) && !IsComplex(x.dtype())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", m == PadMode::kReflect ? "reflection_pad" : "replication_pad",
          k, "d", (m == PadMode::kReplicate || k == 3) ? "_cpu" : "",
          "\" not implemented for '", DTypeShortName(x.dtype()), "'"));
    }
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(plan.out_shape, x.dtype()));
  Tensor xc;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(xc, Contiguous(x));
  }
  if (out.numel() > 0) {
    const double v = value.value_or(0.0);
    TENSORD_DISPATCH_ALL(x.dtype(), T, {
      PadForward<T>(plan, xc.data<T>(), out.data<T>(), CastValue<T>(v));
    });
  }
  if (auto node = RecordOp(BackwardName(m, k), {&x}, {&out})) {
    // Linear in g (below), so recordable whatever torch names the node.
    node->twice_differentiable = true;
    const DType dt = x.dtype();
    node->set_backward(
        [plan, dt](Node& n, const GradList& gl) -> absl::StatusOr<GradList> {
          auto backward = [=](const Tensor& gin) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(plan.in_shape, dt));
            if (plan.maps.empty()) return gx;
            TENSORD_ASSIGN_OR_RETURN(Tensor gy, Contiguous(gin));
            if (gy.dtype() != dt) {
              TENSORD_ASSIGN_OR_RETURN(gy, To(gy, dt));
            }
            TENSORD_DISPATCH_ALL(dt, T, {
              if constexpr (!std::is_same_v<T, bool>) {
                PadBackward<T>(plan, gy.data<T>(), gx.data<T>());
              }
            });
            return gx;
          };
          // The transpose pads gg the same way (with zeros).
          auto transpose = [plan, dt](const Tensor& gg) -> StatusOrTensor {
            NoGradGuard ng;
            TENSORD_ASSIGN_OR_RETURN(Tensor ggc, Contiguous(gg));
            TENSORD_ASSIGN_OR_RETURN(Tensor y, Empty(plan.out_shape, dt));
            if (y.numel() == 0) return y;
            TENSORD_DISPATCH_ALL(dt, T, {
              PadForward<T>(plan, ggc.data<T>(), y.data<T>(),
                            CastValue<T>(0.0));
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

// ---------------------------------------------------------------------------
// upsample_nearest1d/2d and upsample_bilinear2d over [P, H, W] planes (1-d:
// H = 1), with torch's index arithmetic (float for nearest, the tensor's
// type for bilinear).

namespace {

// torch's compute_scales_value: 1 / the given scale, else in / out.
template <typename T>
T ScaleOf(std::optional<double> scale, int64_t in, int64_t out) {
  return scale.has_value() && *scale > 0 ? static_cast<T>(1.0 / *scale)
                                         : static_cast<T>(in) / out;
}

std::vector<int64_t> NearestMap(int64_t in, int64_t out,
                                std::optional<double> scale) {
  std::vector<int64_t> m(out);
  const float sc = ScaleOf<float>(scale, in, out);
  for (int64_t o = 0; o < out; ++o) {
    if (out == in) {
      m[o] = o;
    } else if (out == 2 * in) {
      m[o] = o >> 1;
    } else {
      // (A tiny scale makes o * sc infinite or NaN: the last index.)
      const float f = std::floor(o * sc);
      m[o] = f < static_cast<float>(in - 1) ? static_cast<int64_t>(f) : in - 1;
    }
  }
  return m;
}

// Per output index: the two input indices and their weights.
template <typename T>
struct Linear1d {
  std::vector<int64_t> i0, i1;
  std::vector<T> l0, l1;
};

template <typename T>
Linear1d<T> LinearMap(int64_t in, int64_t out, bool align_corners,
                      std::optional<double> scale) {
  Linear1d<T> m;
  m.i0.resize(out);
  m.i1.resize(out);
  m.l0.resize(out);
  m.l1.resize(out);
  T ratio;
  if (align_corners) {
    ratio = out > 1 ? static_cast<T>(in - 1) / (out - 1) : T(0);
  } else {
    ratio = ScaleOf<T>(scale, in, out);
  }
  for (int64_t o = 0; o < out; ++o) {
    if (out == in) {
      m.i0[o] = o;
      m.i1[o] = o;
      m.l0[o] = 1;
      m.l1[o] = 0;
      continue;
    }
    // torch's compute_source_index_and_lambda: the source index in its
    // CPU accumulate type (double) from the ratio in T, with the
    // multiply-add its build fuses; lambda1 rounded to T, lambda0 = 1 -
    // lambda1 in double, rounded.
    const double r = static_cast<double>(ratio);
    double real = align_corners
                      ? r * static_cast<double>(o)
                      : std::fma(r, static_cast<double>(o) + 0.5, -0.5);
    if (!align_corners && real < 0) real = 0;
    // A given scale can point past the input (torch reads there): the
    // last index with weight 1, then. Up to the last index itself, torch's
    // weights (i1 = i0 = in - 1 keeps the fraction).
    const bool past = !(real < static_cast<double>(in));
    const int64_t i0 = past ? in - 1 : static_cast<int64_t>(real);
    m.i0[o] = i0;
    m.i1[o] = i0 + (i0 < in - 1 ? 1 : 0);
    m.l1[o] = past ? T(0)
                   : static_cast<T>(std::min(
                         std::max(real - static_cast<double>(i0), 0.0), 1.0));
    m.l0[o] = static_cast<T>(1.0 - static_cast<double>(m.l1[o]));
  }
  return m;
}

struct Planes {
  int64_t P = 1, H = 1, W = 1, OH = 1, OW = 1;
};

template <typename T>
void NearestForward(const Planes& g, const std::vector<int64_t>& mh,
                    const std::vector<int64_t>& mw, const T* x, T* y) {
  ParallelFor(g.P, g.OH * g.OW, [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        const T* xr = x + (p * g.H + mh[oh]) * g.W;
        T* yr = y + (p * g.OH + oh) * g.OW;
        for (int64_t ow = 0; ow < g.OW; ++ow) yr[ow] = xr[mw[ow]];
      }
    }
  });
}

template <typename T>
void NearestBackward(const Planes& g, const std::vector<int64_t>& mh,
                     const std::vector<int64_t>& mw, const T* gy, T* gx) {
  ParallelFor(g.P, g.OH * g.OW, [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        T* xr = gx + (p * g.H + mh[oh]) * g.W;
        const T* yr = gy + (p * g.OH + oh) * g.OW;
        for (int64_t ow = 0; ow < g.OW; ++ow) xr[mw[ow]] += yr[ow];
      }
    }
  });
}

template <typename T>
void BilinearForward(const Planes& g, const Linear1d<T>& mh,
                     const Linear1d<T>& mw, const T* x, T* y) {
  ParallelFor(g.P, g.OH * g.OW, [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      const T* xp = x + p * g.H * g.W;
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        const T* r0 = xp + mh.i0[oh] * g.W;
        const T* r1 = xp + mh.i1[oh] * g.W;
        T* yr = y + (p * g.OH + oh) * g.OW;
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          // torch's Interpolate<2>: each row's two terms, then the rows,
          // the first product of each sum fused.
          const int64_t a = mw.i0[ow], c = mw.i1[ow];
          const T t0 = std::fma(r0[a], mw.l0[ow], r0[c] * mw.l1[ow]);
          const T t1 = std::fma(r1[a], mw.l0[ow], r1[c] * mw.l1[ow]);
          yr[ow] = std::fma(t0, mh.l0[oh], t1 * mh.l1[oh]);
        }
      }
    }
  });
}

template <typename T>
void BilinearBackward(const Planes& g, const Linear1d<T>& mh,
                      const Linear1d<T>& mw, const T* gy, T* gx) {
  ParallelFor(g.P, g.OH * g.OW, [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      T* xp = gx + p * g.H * g.W;
      for (int64_t oh = 0; oh < g.OH; ++oh) {
        T* r0 = xp + mh.i0[oh] * g.W;
        T* r1 = xp + mh.i1[oh] * g.W;
        const T* yr = gy + (p * g.OH + oh) * g.OW;
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          const int64_t a = mw.i0[ow], c = mw.i1[ow];
          const T v = yr[ow];
          // torch's cpu_upsample_linear_backward: += (lh * lw) * g, fused.
          r0[a] = std::fma(mh.l0[oh] * mw.l0[ow], v, r0[a]);
          r0[c] = std::fma(mh.l0[oh] * mw.l1[ow], v, r0[c]);
          r1[a] = std::fma(mh.l1[oh] * mw.l0[ow], v, r1[a]);
          r1[c] = std::fma(mh.l1[oh] * mw.l1[ow], v, r1[c]);
        }
      }
    }
  });
}

// torch's upsample checks; the planes of x and the result's shape.
absl::StatusOr<std::pair<Planes, Shape>> UpsampleGeom(
    int64_t nd, const Tensor& x, const DimList& output_size,
    const std::vector<std::optional<double>>& scales, const char* kernel) {
  if (static_cast<int64_t>(output_size.size()) != nd) {
    return absl::InvalidArgumentError(
        absl::StrCat("It is expected output_size equals to ", nd,
                     ", but got size ", output_size.size()));
  }
  if (x.dim() != nd + 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("It is expected input_size equals to ", nd + 2,
                     ", but got size ", x.dim()));
  }
  if (!scales.empty() && static_cast<int64_t>(scales.size()) != nd) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected ", nd, " scale factors, got ", scales.size()));
  }
  Planes g;
  g.P = x.size(0) * x.size(1);
  g.W = x.size(nd + 1);
  g.OW = output_size[nd - 1];
  if (nd == 2) {
    g.H = x.size(2);
    g.OH = output_size[0];
  }
  if (g.H <= 0 || g.W <= 0 || g.OH <= 0 || g.OW <= 0) {
    return absl::InvalidArgumentError(
        nd == 1 ? absl::StrCat("Input and output sizes should be greater than "
                               "0, but got input (W: ",
                               g.W, ") and output (W: ", g.OW, ")")
                : absl::StrCat("Input and output sizes should be greater than "
                               "0, but got input (H: ",
                               g.H, ", W: ", g.W, ") output (H: ", g.OH,
                               ", W: ", g.OW, ")"));
  }
  if (x.numel() == 0 && x.size(1) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Non-empty ", nd + 2,
                     "D data tensor expected but got a tensor with sizes ",
                     ShapeToString(x.sizes())));
  }
  if (!IsFloating(x.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", kernel, "\" not implemented for '",
                     DTypeShortName(x.dtype()), "'"));
  }
  Shape shape = {x.size(0), x.size(1)};
  if (nd == 2) shape.push_back(g.OH);
  shape.push_back(g.OW);
  return std::make_pair(g, shape);
}

std::optional<double> ScaleAt(const std::vector<std::optional<double>>& s,
                              size_t i) {
  return i < s.size() ? s[i] : std::nullopt;
}

}  // namespace

StatusOrTensor UpsampleNearest(
    int64_t nd, const Tensor& x, const DimList& output_size,
    const std::vector<std::optional<double>>& scales) {
  TENSORD_ASSIGN_OR_RETURN(auto gs,
                           UpsampleGeom(nd, x, output_size, scales,
                                        "compute_indices_weights_nearest"));
  const Planes g = gs.first;
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(gs.second, x.dtype()));
  // (Maps only for a non-empty result: none is larger than it.)
  std::vector<int64_t> mh, mw;
  if (out.numel() > 0) {
    mh = NearestMap(g.H, g.OH, nd == 2 ? ScaleAt(scales, 0) : std::nullopt);
    mw = NearestMap(g.W, g.OW, ScaleAt(scales, nd - 1));
    Tensor xc;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(xc, Contiguous(x));
    }
    TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
      NearestForward<T>(g, mh, mw, xc.data<T>(), out.data<T>());
    });
  }
  const char* name =
      nd == 1 ? "UpsampleNearest1DBackward1" : "UpsampleNearest2DBackward1";
  if (auto node = RecordOp(name, {&x}, {&out})) {
    const Shape in_shape = x.sizes();
    const DType dt = x.dtype();
    node->set_backward(
        [g, mh, mw, in_shape, dt, out_shape = out.sizes()](
            Node& n, const GradList& gl) -> absl::StatusOr<GradList> {
          auto backward = [=](const Tensor& gin) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(in_shape, dt));
            if (mh.empty()) return gx;
            TENSORD_ASSIGN_OR_RETURN(Tensor gy, Contiguous(gin));
            if (gy.dtype() != dt) {
              TENSORD_ASSIGN_OR_RETURN(gy, To(gy, dt));
            }
            TENSORD_DISPATCH_FLOATING(dt, T, {
              NearestBackward<T>(g, mh, mw, gy.data<T>(), gx.data<T>());
            });
            return gx;
          };
          // The upsampling is linear: its transpose is itself.
          auto transpose = [=](const Tensor& gg) -> StatusOrTensor {
            NoGradGuard ng;
            TENSORD_ASSIGN_OR_RETURN(Tensor y, Zeros(out_shape, dt));
            if (mh.empty()) return y;
            TENSORD_ASSIGN_OR_RETURN(Tensor ggc, Contiguous(gg));
            TENSORD_DISPATCH_FLOATING(dt, T, {
              NearestForward<T>(g, mh, mw, ggc.data<T>(), y.data<T>());
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

StatusOrTensor UpsampleBilinear2d(
    const Tensor& x, const DimList& output_size, bool align_corners,
    const std::vector<std::optional<double>>& scales) {
  TENSORD_ASSIGN_OR_RETURN(auto gs,
                           UpsampleGeom(2, x, output_size, scales,
                                        "compute_indices_weights_linear"));
  const Planes g = gs.first;
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(gs.second, x.dtype()));
  const std::optional<double> sh = ScaleAt(scales, 0), sw = ScaleAt(scales, 1);
  const bool empty = out.numel() == 0;
  if (!empty) {
    Tensor xc;
    {
      NoGradGuard ng;
      TENSORD_ASSIGN_OR_RETURN(xc, Contiguous(x));
    }
    TENSORD_DISPATCH_FLOATING(x.dtype(), T, {
      BilinearForward<T>(g, LinearMap<T>(g.H, g.OH, align_corners, sh),
                         LinearMap<T>(g.W, g.OW, align_corners, sw),
                         xc.data<T>(), out.data<T>());
    });
  }
  if (auto node = RecordOp("UpsampleBilinear2DBackward1", {&x}, {&out})) {
    const Shape in_shape = x.sizes();
    const DType dt = x.dtype();
    node->set_backward(
        [g, sh, sw, align_corners, in_shape, dt, empty,
         out_shape = out.sizes()](
            Node& n, const GradList& gl) -> absl::StatusOr<GradList> {
          auto backward = [=](const Tensor& gin) -> StatusOrTensor {
            TENSORD_ASSIGN_OR_RETURN(Tensor gx, Zeros(in_shape, dt));
            if (empty) return gx;
            TENSORD_ASSIGN_OR_RETURN(Tensor gy, Contiguous(gin));
            if (gy.dtype() != dt) {
              TENSORD_ASSIGN_OR_RETURN(gy, To(gy, dt));
            }
            TENSORD_DISPATCH_FLOATING(dt, T, {
              BilinearBackward<T>(g, LinearMap<T>(g.H, g.OH, align_corners, sh),
                                  LinearMap<T>(g.W, g.OW, align_corners, sw),
                                  gy.data<T>(), gx.data<T>());
            });
            return gx;
          };
          // The interpolation is linear: its transpose is itself.
          auto transpose = [=](const Tensor& gg) -> StatusOrTensor {
            NoGradGuard ng;
            TENSORD_ASSIGN_OR_RETURN(Tensor y, Zeros(out_shape, dt));
            if (empty) return y;
            TENSORD_ASSIGN_OR_RETURN(Tensor ggc, Contiguous(gg));
            TENSORD_DISPATCH_FLOATING(dt, T, {
              BilinearForward<T>(g, LinearMap<T>(g.H, g.OH, align_corners, sh),
                                 LinearMap<T>(g.W, g.OW, align_corners, sw),
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

}  // namespace tensord
