// Complex numbers: complex, polar, real, imag, conj, angle, view_as_real and
// view_as_complex.
//
// PyTorch's real, imag, conj, view_as_real and view_as_complex return views
// that share the complex tensor's storage; here they return new tensors with
// the same values (a write through x.real does not reach x), and
// view_as_complex also takes inputs whose strides PyTorch refuses to view. real
// and conj of a real tensor return the tensor itself, as PyTorch's do.
// Derivatives follow PyTorch's convention for complex gradients (the gradient
// of a real loss L with respect to z = x + iy is dL/dx + i dL/dy), built from
// differentiable ops, so they are twice differentiable.
#include <cmath>
#include <complex>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

#define TRY(lhs, expr) TENSORD_ASSIGN_OR_RETURN(lhs, expr)

// Calls f(TypeTag<C>{}) with the C++ complex type of dtype dt (complex64 or
// complex128).
template <typename F>
void DispatchComplex(DType dt, F&& f) {
  if (dt == DType::kComplex128) {
    f(TypeTag<complex128>{});
  } else {
    f(TypeTag<complex64>{});
  }
}

// The real (which == 0) or imaginary (which == 1) parts of complex x, in a
// new contiguous tensor of x's shape and x's real dtype.
StatusOrTensor Part(const Tensor& x, int which) {
  NoGradGuard ng;
  TRY(Tensor c, Contiguous(x.detach()));
  TRY(Tensor out, Empty(c.sizes(), ToRealDType(c.dtype())));
  DispatchComplex(c.dtype(), [&](auto tag) {
    using C = typename decltype(tag)::type;
    using R = typename C::value_type;
    const C* p = c.data<C>();
    R* o = out.data<R>();
    for (int64_t i = 0, n = c.numel(); i < n; ++i) {
      o[i] = which == 0 ? p[i].real() : p[i].imag();
    }
  });
  return out;
}

// re + i im for re and im of one real floating dtype (broadcast).
StatusOrTensor Combine(const Tensor& re, const Tensor& im) {
  NoGradGuard ng;
  TRY(Shape shape, BroadcastShapes(re.sizes(), im.sizes()));
  const DimList dims(shape.begin(), shape.end());
  TRY(Tensor a0, Expand(re.detach(), dims));
  TRY(Tensor b0, Expand(im.detach(), dims));
  TRY(Tensor a, Contiguous(a0));
  TRY(Tensor b, Contiguous(b0));
  TRY(Tensor out, Empty(shape, ToComplexDType(re.dtype())));
  DispatchComplex(out.dtype(), [&](auto tag) {
    using C = typename decltype(tag)::type;
    using R = typename C::value_type;
    const R* pa = a.data<R>();
    const R* pb = b.data<R>();
    C* o = out.data<C>();
    for (int64_t i = 0, n = out.numel(); i < n; ++i) o[i] = C(pa[i], pb[i]);
  });
  return out;
}

// torch's check for complex(real, imag) and polar(abs, angle): both float,
// double (or half) of one dtype.
absl::Status CheckParts(const Tensor& a, const Tensor& b) {
  auto ok = [](DType t) {
    return t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kFloat16;
  };
  if (!ok(a.dtype()) || !ok(b.dtype())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected both inputs to be Half, Float or Double tensors but got ",
        DTypeShortName(a.dtype()), " and ", DTypeShortName(b.dtype())));
  }
  if (a.dtype() != b.dtype()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Expected object of scalar type ",
                     DTypeShortName(a.dtype()), " but got scalar type ",
                     DTypeShortName(b.dtype()), " for second argument"));
  }
  return absl::OkStatus();
}

}  // namespace

StatusOrTensor Complex(const Tensor& re, const Tensor& im) {
  TENSORD_RETURN_IF_ERROR(CheckParts(re, im));
  TRY(Tensor out, Combine(re, im));
  if (auto node = RecordOp("ComplexBackward0", {&re, &im}, {&out})) {
    const Shape sa = re.sizes(), sb = im.sizes();
    node->set_backward(
        [sa, sb](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor gr, Real(g[0]));
          TRY(Tensor gi, Imag(g[0]));
          TRY(Tensor ga, SumToShape(gr, sa));
          TRY(Tensor gb, SumToShape(gi, sb));
          return GradList{ga, gb};
        });
  }
  return out;
}

StatusOrTensor Polar(const Tensor& abs, const Tensor& angle) {
  TENSORD_RETURN_IF_ERROR(CheckParts(abs, angle));
  TRY(Tensor c, Cos(angle));
  TRY(Tensor s, Sin(angle));
  TRY(Tensor re, Mul(abs, c));
  TRY(Tensor im, Mul(abs, s));
  TRY(Tensor out, Complex(re, im));
  return Composite("PolarBackward0", out);
}

StatusOrTensor Real(const Tensor& x) {
  if (!IsComplex(x.dtype())) return x;
  TRY(Tensor out, Part(x, 0));
  if (auto node = RecordOp("RealBackward0", {&x}, {&out})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor zero, ZerosLike(g[0]));
          TRY(Tensor r, Complex(g[0], zero));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Imag(const Tensor& x) {
  if (!IsComplex(x.dtype())) {
    return absl::InvalidArgumentError(
        "imag is not implemented for tensors with non-complex dtypes.");
  }
  TRY(Tensor out, Part(x, 1));
  if (auto node = RecordOp("ImagBackward0", {&x}, {&out})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor zero, ZerosLike(g[0]));
          TRY(Tensor r, Complex(zero, g[0]));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Conj(const Tensor& x) {
  if (!IsComplex(x.dtype())) return x;
  Tensor out;
  {
    NoGradGuard ng;
    TRY(Tensor re, Part(x, 0));
    TRY(Tensor im, Part(x, 1));
    TRY(Tensor nim, Neg(im));
    TRY(out, Combine(re, nim));
  }
  if (auto node = RecordOp("ConjBackward0", {&x}, {&out})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor r, Conj(g[0]));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor Angle(const Tensor& x) {
  Tensor out;
  {
    NoGradGuard ng;
    if (IsComplex(x.dtype())) {
      TRY(Tensor re, Part(x, 0));
      TRY(Tensor im, Part(x, 1));
      TRY(out, Atan2(im, re));
    } else {
      // torch: 0 for x >= 0, pi below, NaN kept; integers give the
      // default float dtype.
      Tensor z = x.detach();
      if (!IsFloating(z.dtype())) {
        TRY(z, To(z, DefaultFloat()));
      }
      TRY(z, Contiguous(z));
      TRY(out, Empty(z.sizes(), z.dtype()));
      TENSORD_DISPATCH_FLOATING(z.dtype(), T, {
        const T* p = z.data<T>();
        T* o = out.data<T>();
        for (int64_t i = 0, n = z.numel(); i < n; ++i) {
          o[i] = std::isnan(p[i]) ? p[i] : p[i] < 0 ? T(M_PI) : T(0);
        }
      });
    }
  }
  if (auto node = RecordOp("AngleBackward0", {&x}, {&out})) {
    const int sx = node->Save(x);
    node->set_backward(
        [sx](Node& n, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor z, n.Saved(sx));
          if (!IsComplex(z.dtype())) {
            TRY(Tensor zero, ZerosLike(g[0]));
            return GradList{zero};
          }
          // grad * i z / |z|^2, 0 where z is 0 (torch's angle_backward),
          // in real arithmetic: (-grad im / |z|^2) + i (grad re / |z|^2).
          TRY(Tensor re, Real(z));
          TRY(Tensor im, Imag(z));
          TRY(Tensor re2, Mul(re, re));
          TRY(Tensor im2, Mul(im, im));
          TRY(Tensor r2, Add(re2, im2));
          TRY(Tensor q0, Div(g[0], r2));
          TRY(Tensor zero, Zeros({}, r2.dtype()));
          TRY(Tensor at0, Eq(r2, zero));
          TRY(Tensor q, Where(at0, zero, q0));
          TRY(Tensor qim, Mul(q, im));
          TRY(Tensor nre, Neg(qim));
          TRY(Tensor nim, Mul(q, re));
          TRY(Tensor r, Complex(nre, nim));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor ViewAsReal(const Tensor& x) {
  if (!IsComplex(x.dtype())) {
    return absl::InvalidArgumentError(
        "view_as_real is only supported for complex tensors");
  }
  Tensor out;
  {
    NoGradGuard ng;
    TRY(Tensor re, Part(x, 0));
    TRY(Tensor im, Part(x, 1));
    TRY(out, Stack({re, im}, -1));
  }
  if (auto node = RecordOp("ViewAsRealBackward0", {&x}, {&out})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor r, ViewAsComplex(g[0]));
          return GradList{r};
        });
  }
  return out;
}

StatusOrTensor ViewAsComplex(const Tensor& x) {
  if (x.dtype() != DType::kFloat32 && x.dtype() != DType::kFloat64 &&
      x.dtype() != DType::kFloat16) {
    return absl::InvalidArgumentError(absl::StrCat(
        "view_as_complex is only supported for half, float and double "
        "tensors, but got a tensor of scalar type: ",
        DTypeShortName(x.dtype())));
  }
  if (x.dim() == 0 || x.size(-1) != 2) {
    return absl::InvalidArgumentError(
        "Tensor must have a last dimension of size 2");
  }
  Tensor out;
  {
    NoGradGuard ng;
    TRY(Tensor re, Select(x.detach(), -1, 0));
    TRY(Tensor im, Select(x.detach(), -1, 1));
    TRY(out, Combine(re, im));
  }
  if (auto node = RecordOp("ViewAsComplexBackward0", {&x}, {&out})) {
    node->set_backward(
        [](Node&, const GradList& g) -> absl::StatusOr<GradList> {
          TRY(Tensor r, ViewAsReal(g[0]));
          return GradList{r};
        });
  }
  return out;
}

#undef TRY

}  // namespace tensord
