// More reductions (var, std, all, any, count_nonzero, amax, amin,
// logsumexp) and the integer-style binary ops behind Python's operators
// (remainder %, floor_divide //, fmod, bitwise & | ^ ~, logical_*), with
// their derivatives. Reductions written as compositions of differentiable
// ops get torch's grad_fn name through Composite().
#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {

StatusOrTensor Composite(const char* name, const Tensor& out) {
  if (!out.requires_grad()) return out;
  TENSORD_ASSIGN_OR_RETURN(
      Tensor alias,
      MakeView(out, out.sizes(), out.strides(), out.storage_offset()));
  alias.impl()->view_base = nullptr;
  if (auto node = RecordOp(name, {&out}, {&alias})) {
    node->twice_differentiable = true;  // the identity
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          return GradList{g[0]};
        });
  }
  return alias;
}

namespace {

// The dims to reduce as a list (all of them for an empty list).
DimList AllDims(const Tensor& t, const DimList& dims) {
  if (!dims.empty()) return dims;
  DimList all;
  for (int64_t d = 0; d < t.dim(); ++d) all.push_back(d);
  return all;
}

// Elements reduced into each output.
absl::StatusOr<int64_t> ReducedCount(const Tensor& t, const DimList& dims) {
  int64_t n = 1;
  for (int64_t d : AllDims(t, dims)) {
    TENSORD_ASSIGN_OR_RETURN(int64_t w, WrapDim(d, t.dim()));
    n *= t.dim() == 0 ? 1 : t.size(w);
  }
  return n;
}

// torch's var/std over all elements of a CPU float/double tensor
// (std_var_all_cpu): the float mean read as a double, then the squared
// deviations summed in double in memory order, divided, square-rooted for
// std, rounded once to the dtype. Writes that into `out` (the composite's
// result, which has one element) for a real tensor that is contiguous or
// a permutation of one (walked in memory order, as torch's iterator
// does); anything else keeps the composite's value.
absl::Status StdVarAllExact(const Tensor& t, double correction, bool take_sqrt,
                            const Tensor& out) {
  if ((t.dtype() != DType::kFloat32 && t.dtype() != DType::kFloat64) ||
      !(t.is_contiguous() || IsPermutedDense(t)) || t.numel() == 0 ||
      out.numel() != 1) {
    return absl::OkStatus();
  }
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor m, Mean(t.detach(), {}, false));
  Tensor flat = t;
  if (!t.is_contiguous()) {
    TENSORD_ASSIGN_OR_RETURN(flat, MemoryOrderFlat(t));
  }
  TENSORD_DISPATCH_FLOATING(t.dtype(), T, {
    const double mean = static_cast<double>(*m.data<T>());
    const T* p = flat.data<T>();
    double sum = 0.0;
    for (int64_t i = 0; i < t.numel(); ++i) {
      const double dx = static_cast<double>(p[i]) - mean;
      sum += dx * dx;
    }
    const double var =
        sum / std::max(0.0, static_cast<double>(t.numel()) - correction);
    *out.data<T>() = static_cast<T>(take_sqrt ? std::sqrt(var) : var);
  });
  return absl::OkStatus();
}

}  // namespace

StatusOrTensor Var(const Tensor& t, const DimList& dims, double correction,
                   bool keepdim) {
  if (!IsDifferentiable(t.dtype())) {
    return absl::InvalidArgumentError(
        "std and var only support floating point and complex dtypes");
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t n, ReducedCount(t, dims));
  const double dof = static_cast<double>(n) - correction;
  Tensor v;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor mean, Mean(t, dims, /*keepdim=*/true));
    TENSORD_ASSIGN_OR_RETURN(Tensor d, Sub(t, mean));
    TENSORD_ASSIGN_OR_RETURN(Tensor d2, Mul(d, d));
    TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(d2, dims, keepdim));
    // n - correction <= 0 gives inf or nan, as in torch.
    TENSORD_ASSIGN_OR_RETURN(v, Div(s, WrapScalar(std::max(0.0, dof))));
    if (n == t.numel()) {
      TENSORD_RETURN_IF_ERROR(StdVarAllExact(t, correction, false, v));
    }
  }
  if (auto node = RecordOp("VarBackward0", {&t}, {&v})) {
    const int slot = node->Save(t);
    // The grad's shape with the reduced dims kept (as 1).
    Shape keep_shape = t.sizes();
    const DimList all = AllDims(t, dims);
    for (int64_t d : all) {
      TENSORD_ASSIGN_OR_RETURN(int64_t w, WrapDim(d, t.dim()));
      keep_shape[w] = 1;
    }
    node->set_backward(
        [slot, dims, dof, keep_shape](
            Node& nd, const GradList& g) -> absl::StatusOr<GradList> {
          // torch's var_backward: (2 / dof) * grad * (self - mean), in that
          // order; for dof <= 0, grad * (self == mean ? nan : inf).
          TENSORD_ASSIGN_OR_RETURN(Tensor x, nd.Saved(slot));
          TENSORD_ASSIGN_OR_RETURN(
              Tensor gk,
              Reshape(g[0], DimList(keep_shape.begin(), keep_shape.end())));
          TENSORD_ASSIGN_OR_RETURN(Tensor mean, Mean(x, dims, true));
          if (dof <= 0) {
            TENSORD_ASSIGN_OR_RETURN(Tensor eq, Eq(x, mean));
            TENSORD_ASSIGN_OR_RETURN(
                Tensor nan,
                Full({}, Scalar(std::numeric_limits<double>::quiet_NaN()),
                     x.dtype()));
            TENSORD_ASSIGN_OR_RETURN(
                Tensor inf,
                Full({}, Scalar(std::numeric_limits<double>::infinity()),
                     x.dtype()));
            TENSORD_ASSIGN_OR_RETURN(Tensor w, Where(eq, nan, inf));
            TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(gk, w));
            return GradList{r};
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor a, Mul(WrapScalar(2.0 / dof), gk));
          TENSORD_ASSIGN_OR_RETURN(Tensor c, Sub(x, mean));
          TENSORD_ASSIGN_OR_RETURN(Tensor r, Mul(a, c));
          return GradList{r};
        });
  }
  return v;
}

StatusOrTensor Std(const Tensor& t, const DimList& dims, double correction,
                   bool keepdim) {
  Tensor v;
  { TENSORD_ASSIGN_OR_RETURN(v, Var(t, dims, correction, keepdim)); }
  TENSORD_ASSIGN_OR_RETURN(Tensor s, Sqrt(v));
  TENSORD_ASSIGN_OR_RETURN(int64_t n, ReducedCount(t, dims));
  if (n == t.numel() && IsFloating(t.dtype())) {
    // torch rounds sqrt(var) once from double; sqrt's saved result (this
    // storage) then holds torch's value too.
    TENSORD_RETURN_IF_ERROR(StdVarAllExact(t, correction, true, s));
  }
  return Composite("StdBackward0", s);
}

StatusOrTensor All(const Tensor& t, const DimList& dims, bool keepdim) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor zero, Eq(t, WrapScalar(int64_t{0})));
  TENSORD_ASSIGN_OR_RETURN(Tensor zeros, Sum(zero, dims, keepdim));
  return Eq(zeros, WrapScalar(int64_t{0}));
}

StatusOrTensor Any(const Tensor& t, const DimList& dims, bool keepdim) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor nz, Ne(t, WrapScalar(int64_t{0})));
  TENSORD_ASSIGN_OR_RETURN(Tensor count, Sum(nz, dims, keepdim));
  return Gt(count, WrapScalar(int64_t{0}));
}

StatusOrTensor CountNonzero(const Tensor& t, const DimList& dims) {
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Tensor nz, Ne(t, WrapScalar(int64_t{0})));
  return Sum(nz, dims, false);
}

namespace {

// max or min over several dims: the dims moved last and flattened, then
// max.dim/min.dim over that one (values only, no autograd).
StatusOrTensor ExtremeValues(const Tensor& t, const DimList& dims, bool keepdim,
                             bool is_max) {
  NoGradGuard ng;
  const DimList ds = AllDims(t, dims);
  if (t.dim() == 0) return Clone(t);
  std::vector<bool> reduced(t.dim(), false);
  for (int64_t d : ds) {
    TENSORD_ASSIGN_OR_RETURN(int64_t w, WrapDim(d, t.dim()));
    reduced[w] = true;
  }
  DimList perm, kept_shape, keep_shape;
  for (int64_t d = 0; d < t.dim(); ++d) {
    if (!reduced[d]) {
      perm.push_back(d);
      kept_shape.push_back(t.size(d));
    }
    keep_shape.push_back(reduced[d] ? 1 : t.size(d));
  }
  for (int64_t d = 0; d < t.dim(); ++d)
    if (reduced[d]) perm.push_back(d);
  TENSORD_ASSIGN_OR_RETURN(Tensor p, Permute(t, perm));
  DimList flat = kept_shape;
  flat.push_back(-1);
  TENSORD_ASSIGN_OR_RETURN(Tensor f, Reshape(p, flat));
  if (f.size(-1) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        is_max ? "amax" : "amin",
        "(): Expected reduction dim to be specified for input.numel() == 0. "
        "Specify the reduction dim with the 'dim' argument."));
  }
  auto r = is_max ? MaxDim(f, -1, false) : MinDim(f, -1, false);
  if (!r.ok()) return r.status();
  return keepdim ? Reshape(r->first, keep_shape) : r->first;
}

// amax/amin: the gradient is shared evenly among the tied extremes.
StatusOrTensor AmaxAmin(const Tensor& t, const DimList& dims, bool keepdim,
                        bool is_max) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, ExtremeValues(t, dims, keepdim, is_max));
  if (auto node =
          RecordOp(is_max ? "AmaxBackward0" : "AminBackward0", {&t}, {&out})) {
    const int x_slot = node->Save(t);
    const int out_slot = node->Save(out, true);
    node->set_backward(
        [keepdim, x_slot, out_slot, dims](
            Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor x, n.Saved(x_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor out, n.Saved(out_slot));
          const DimList ds = AllDims(x, dims);
          Tensor gk = g[0], ok = out;
          if (!keepdim && x.dim() > 0) {
            // Put the reduced dims back (size 1), lowest first.
            std::vector<int64_t> sorted;
            for (int64_t d : ds) {
              TENSORD_ASSIGN_OR_RETURN(int64_t w, WrapDim(d, x.dim()));
              sorted.push_back(w);
            }
            std::sort(sorted.begin(), sorted.end());
            for (int64_t d : sorted) {
              TENSORD_ASSIGN_OR_RETURN(gk, Unsqueeze(gk, d));
              TENSORD_ASSIGN_OR_RETURN(ok, Unsqueeze(ok, d));
            }
          }
          TENSORD_ASSIGN_OR_RETURN(Tensor mask, Eq(x, ok));
          TENSORD_ASSIGN_OR_RETURN(Tensor maskf, To(mask, x.dtype()));
          TENSORD_ASSIGN_OR_RETURN(Tensor count, Sum(maskf, ds, true));
          TENSORD_ASSIGN_OR_RETURN(Tensor share, Div(gk, count));
          TENSORD_ASSIGN_OR_RETURN(Tensor gi, Mul(maskf, share));
          return GradList{gi};
        });
  }
  return out;
}

}  // namespace

StatusOrTensor Amax(const Tensor& t, const DimList& dims, bool keepdim) {
  return AmaxAmin(t, dims, keepdim, true);
}

StatusOrTensor Amin(const Tensor& t, const DimList& dims, bool keepdim) {
  return AmaxAmin(t, dims, keepdim, false);
}

StatusOrTensor Logsumexp(const Tensor& t, const DimList& dims, bool keepdim) {
  Tensor x = t;
  if (!IsDifferentiable(x.dtype())) {
    TENSORD_ASSIGN_OR_RETURN(x, To(t, DefaultFloat()));
  }
  // m is a constant for the gradient (it cancels): softmax, as torch's.
  Tensor m;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(m, ExtremeValues(x, dims, true, true));
    // An all -inf (or inf) slice: shift by 0, as torch does.
    TENSORD_ASSIGN_OR_RETURN(Tensor absm, Abs(m));
    TENSORD_ASSIGN_OR_RETURN(
        Tensor is_inf,
        Eq(absm, WrapScalar(std::numeric_limits<double>::infinity())));
    TENSORD_ASSIGN_OR_RETURN(Tensor zero, ZerosLike(m));
    TENSORD_ASSIGN_OR_RETURN(m, Where(is_inf, zero, m));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor shifted, Sub(x, m));
  TENSORD_ASSIGN_OR_RETURN(Tensor e, Exp(shifted));
  TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(e, dims, keepdim));
  TENSORD_ASSIGN_OR_RETURN(Tensor l, Log(s));
  Tensor mk = m;
  if (!keepdim && x.dim() > 0) {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(Tensor ms, Sum(m, dims, false));  // drops dims
    mk = ms;
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor r, Add(l, mk));
  return Composite("LogsumexpBackward0", r);
}

// ---------------------------------------------------------------------------
// Binary integer-style ops

namespace {

enum class IntBin { kRemainder, kFmod, kFloorDivide, kAnd, kOr, kXor };

template <typename T>
T FloorDivValue(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::floor(a / b);
  } else if constexpr (std::is_same_v<T, bool>) {
    return static_cast<T>(a && b);
  } else {
    if (b == 0) return T(0);  // (checked before: integer division by zero)
    if (b == -1) return WrapNeg(a);
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
}

template <typename T>
T RemainderValue(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T r = std::fmod(a, b);
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else if constexpr (std::is_same_v<T, bool>) {
    return false;
  } else {
    if (b == 0 || b == -1) return T(0);
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  }
}

template <typename T>
T FmodValue(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::fmod(a, b);
  } else if constexpr (std::is_same_v<T, bool>) {
    return false;
  } else {
    if (b == 0 || b == -1) return T(0);
    return a % b;
  }
}

const char* IntBinName(IntBin op) {
  switch (op) {
    case IntBin::kRemainder:
      return "remainder";
    case IntBin::kFmod:
      return "fmod";
    case IntBin::kFloorDivide:
      return "floor_divide";
    case IntBin::kAnd:
      return "bitwise_and";
    case IntBin::kOr:
      return "bitwise_or";
    case IntBin::kXor:
      return "bitwise_xor";
  }
  return "?";
}

// The forward: a and b broadcast, promoted (ResultType), computed per
// element; no autograd.
StatusOrTensor IntBinForward(IntBin op, const Tensor& a, const Tensor& b) {
  const DType dt = ResultType({&a, &b});
  if (IsComplex(dt)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", IntBinName(op), "_cpu\" not implemented for '",
                     DTypeShortName(dt), "'"));
  }
  const bool bitwise =
      op == IntBin::kAnd || op == IntBin::kOr || op == IntBin::kXor;
  if (bitwise && IsFloating(dt)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", IntBinName(op), "_cpu\" not implemented for '",
                     DTypeShortName(dt), "'"));
  }
  NoGradGuard ng;
  TENSORD_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(a.sizes(), b.sizes()));
  const DimList dshape(shape.begin(), shape.end());
  TENSORD_ASSIGN_OR_RETURN(Tensor ac, To(a, dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor bc, To(b, dt));
  TENSORD_ASSIGN_OR_RETURN(Tensor ae, Expand(ac, dshape));
  TENSORD_ASSIGN_OR_RETURN(Tensor be, Expand(bc, dshape));
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Contiguous(ae));
  TENSORD_ASSIGN_OR_RETURN(Tensor y, Contiguous(be));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, dt));
  absl::Status status;
  TENSORD_DISPATCH_REAL(dt, T, {
    const T* pa = x.data<T>();
    const T* pb = y.data<T>();
    T* po = out.data<T>();
    const int64_t n = out.numel();
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      if (op == IntBin::kRemainder || op == IntBin::kFmod ||
          op == IntBin::kFloorDivide) {
        for (int64_t i = 0; i < n; ++i) {
          if (pb[i] == 0) {
            status = absl::InvalidArgumentError(
                "ZeroDivisionError");  // torch's message
            return;
          }
        }
      }
    }
    for (int64_t i = 0; i < n; ++i) {
      switch (op) {
        case IntBin::kRemainder:
          po[i] = RemainderValue(pa[i], pb[i]);
          break;
        case IntBin::kFmod:
          po[i] = FmodValue(pa[i], pb[i]);
          break;
        case IntBin::kFloorDivide:
          po[i] = FloorDivValue(pa[i], pb[i]);
          break;
        case IntBin::kAnd:
        case IntBin::kOr:
        case IntBin::kXor:
          if constexpr (std::is_integral_v<T>) {
            po[i] = op == IntBin::kAnd  ? static_cast<T>(pa[i] & pb[i])
                    : op == IntBin::kOr ? static_cast<T>(pa[i] | pb[i])
                                        : static_cast<T>(pa[i] ^ pb[i]);
          }
          break;
      }
    }
  });
  TENSORD_RETURN_IF_ERROR(status);
  return out;
}

}  // namespace

StatusOrTensor Remainder(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, IntBinForward(IntBin::kRemainder, a, b));
  if (auto node = RecordOp("RemainderBackward0", {&a, &b}, {&out})) {
    const int a_slot = node->Save(a);
    const int b_slot = node->Save(b);
    node->set_backward(
        [a_slot, b_slot](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          // d/da = 1, d/db = -floor(a / b)
          TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor q, Div(a, b));
          TENSORD_ASSIGN_OR_RETURN(Tensor fq, Floor(q));
          TENSORD_ASSIGN_OR_RETURN(Tensor nfq, Neg(fq));
          TENSORD_ASSIGN_OR_RETURN(Tensor gb, Mul(g[0], nfq));
          return GradList{g[0], gb};
        });
  }
  return out;
}

StatusOrTensor Fmod(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out, IntBinForward(IntBin::kFmod, a, b));
  if (auto node = RecordOp("FmodBackward1", {&a, &b}, {&out})) {
    const int a_slot = node->Save(a);
    const int b_slot = node->Save(b);
    node->set_backward(
        [a_slot, b_slot](Node& n,
                         const GradList& g) -> absl::StatusOr<GradList> {
          // d/da = 1, d/db = -trunc(a / b)
          TENSORD_ASSIGN_OR_RETURN(Tensor a, n.Saved(a_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor b, n.Saved(b_slot));
          TENSORD_ASSIGN_OR_RETURN(Tensor q, Div(a, b));
          TENSORD_ASSIGN_OR_RETURN(Tensor tq, Trunc(q));
          TENSORD_ASSIGN_OR_RETURN(Tensor ntq, Neg(tq));
          TENSORD_ASSIGN_OR_RETURN(Tensor gb, Mul(g[0], ntq));
          return GradList{g[0], gb};
        });
  }
  return out;
}

StatusOrTensor FloorDivide(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor out,
                           IntBinForward(IntBin::kFloorDivide, a, b));
  // torch 1.13 records a node it cannot differentiate through.
  if (auto node = RecordOp("NotImplemented", {&a, &b}, {&out})) {
    node->set_backward([](Node&, const GradList&) -> absl::StatusOr<GradList> {
      return absl::UnimplementedError(
          "the derivative for 'floor_divide' is not implemented.");
    });
  }
  return out;
}

StatusOrTensor BitwiseAnd(const Tensor& a, const Tensor& b) {
  return IntBinForward(IntBin::kAnd, a, b);
}
StatusOrTensor BitwiseOr(const Tensor& a, const Tensor& b) {
  return IntBinForward(IntBin::kOr, a, b);
}
StatusOrTensor BitwiseXor(const Tensor& a, const Tensor& b) {
  return IntBinForward(IntBin::kXor, a, b);
}

StatusOrTensor BitwiseNot(const Tensor& a) {
  if (IsFloating(a.dtype()) || IsComplex(a.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"bitwise_not_cpu\" not implemented for '",
                     DTypeShortName(a.dtype()), "'"));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor x, Contiguous(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(x.sizes(), x.dtype()));
  TENSORD_DISPATCH_REAL(x.dtype(), T, {
    if constexpr (std::is_integral_v<T>) {
      const T* in = x.data<T>();
      T* o = out.data<T>();
      for (int64_t i = 0, n = x.numel(); i < n; ++i) {
        if constexpr (std::is_same_v<T, bool>) {
          o[i] = !in[i];
        } else {
          o[i] = static_cast<T>(~in[i]);
        }
      }
    }
  });
  return out;
}

namespace {
StatusOrTensor AsBool(const Tensor& t) {
  NoGradGuard ng;
  return Ne(t, WrapScalar(int64_t{0}));
}
}  // namespace

StatusOrTensor LogicalNot(const Tensor& a) {
  NoGradGuard ng;
  return Eq(a, WrapScalar(int64_t{0}));
}

StatusOrTensor LogicalAnd(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor x, AsBool(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor y, AsBool(b));
  return BitwiseAnd(x, y);
}

StatusOrTensor LogicalOr(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor x, AsBool(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor y, AsBool(b));
  return BitwiseOr(x, y);
}

StatusOrTensor LogicalXor(const Tensor& a, const Tensor& b) {
  TENSORD_ASSIGN_OR_RETURN(Tensor x, AsBool(a));
  TENSORD_ASSIGN_OR_RETURN(Tensor y, AsBool(b));
  return BitwiseXor(x, y);
}

}  // namespace tensord
