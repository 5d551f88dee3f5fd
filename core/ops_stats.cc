// Set membership and covariance: isin (a sorted copy of the test elements,
// one binary search per element), cov and corrcoef (composed from
// differentiable ops in the order of torch's Correlation.cpp, so values,
// dtypes, gradients and grad_fn names are torch's).
//
//   Isin(tensor([1, 2, 3]), tensor([2]), false, false)  // [F, T, F]
//   Cov(x, 1, Tensor(), Tensor())  // x: [variables, observations]
#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/autograd.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"

namespace tensord {
namespace {

template <typename T>
std::vector<bool> Membership(const std::vector<T>& values,
                             std::vector<T> tests) {
  tests.erase(std::remove_if(tests.begin(), tests.end(),
                             [](T v) { return v != v; }),  // NaN: never equal
              tests.end());
  std::sort(tests.begin(), tests.end());
  std::vector<bool> in(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    in[i] = values[i] == values[i] &&
            std::binary_search(tests.begin(), tests.end(), values[i]);
  }
  return in;
}

// True if any element of a 0-d or 1-d tensor is negative.
bool AnyNegative(const Tensor& t) {
  for (double v : t.ToDoubles()) {
    if (v < 0) return true;
  }
  return false;
}

}  // namespace

StatusOrTensor Isin(const Tensor& elements, const Tensor& test_elements,
                    bool assume_unique, bool invert) {
  (void)assume_unique;  // a hint only: the result is the same
  if (elements.is_wrapped_number() && test_elements.is_wrapped_number()) {
    auto kind = [](const Tensor& t) {
      return t.dtype() == DType::kBool ? "bool"
             : IsFloating(t.dtype())   ? "float"
                                       : "int";
    };
    return TypeError(absl::StrCat(
        "isin() received an invalid combination of arguments - got (",
        kind(elements), ", ", kind(test_elements), "), but expected one of:"));
  }
  for (const Tensor* t : {&elements, &test_elements}) {
    if (t->dtype() == DType::kBool || IsComplex(t->dtype())) {
      return absl::InvalidArgumentError(
          absl::StrCat("Unsupported input type encountered for isin(): ",
                       DTypeShortName(t->dtype())));
    }
  }
  NoGradGuard ng;
  // Compared in the promoted dtype, as torch's elements == test_element.
  const DType common = ResultType({&elements, &test_elements});
  TENSORD_ASSIGN_OR_RETURN(Tensor e, To(elements.detach(), common));
  TENSORD_ASSIGN_OR_RETURN(Tensor t, To(test_elements.detach(), common));
  std::vector<bool> in = IsFloating(common)
                             ? Membership(e.ToDoubles(), t.ToDoubles())
                             : Membership(e.ToInts(), t.ToInts());
  std::vector<int64_t> flags(in.size());
  for (size_t i = 0; i < in.size(); ++i) flags[i] = in[i] != invert;
  return FromInts(flags, elements.sizes(), DType::kBool);
}

StatusOrTensor Cov(const Tensor& self, int64_t correction,
                   const Tensor& fweights, const Tensor& aweights) {
  if (self.dim() > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cov(): expected input to have two or fewer dimensions but got an "
        "input with ",
        self.dim(), " dimensions"));
  }
  if (self.dtype() == DType::kBool) {
    return absl::InvalidArgumentError(
        "cov(): bool dtype is not supported for input");
  }
  if (IsComplex(self.dtype())) {
    return absl::UnimplementedError(
        "cov(): complex input is not supported by tensord");
  }
  Tensor in = self;
  if (self.dim() < 2) {
    TENSORD_ASSIGN_OR_RETURN(in, View(self, {1, -1}));
  }
  const int64_t observations = in.size(1);
  Tensor w;
  if (fweights.defined()) {
    w = fweights;
    if (w.dim() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cov(): expected fweights to have one or fewer dimensions but got "
          "fweights with ",
          w.dim(), " dimensions"));
    }
    if (!IsIntegral(w.dtype(), false)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cov(): expected fweights to have integral dtype but got fweights "
          "with ",
          DTypeShortName(w.dtype()), " dtype"));
    }
    if (w.numel() != observations) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cov(): expected fweights to have the same numel as there are "
          "observations in the input but got ",
          w.numel(), " != ", observations));
    }
    if (observations > 0 && AnyNegative(w)) {
      return absl::InvalidArgumentError("cov(): fweights cannot be negative");
    }
  }
  if (aweights.defined()) {
    const Tensor& aw = aweights;
    if (aw.dim() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cov(): expected aweights to have one or fewer dimensions but got "
          "aweights with ",
          aw.dim(), " dimensions"));
    }
    if (!IsFloating(aw.dtype())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cov(): expected aweights to have floating point dtype but got "
          "aweights with ",
          DTypeShortName(aw.dtype()), " dtype"));
    }
    if (aw.numel() != observations) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cov(): expected aweights to have the same numel as there are "
          "observations in the input but got ",
          aw.numel(), " != ", observations));
    }
    if (observations > 0 && AnyNegative(aw)) {
      return absl::InvalidArgumentError("cov(): aweights cannot be negative");
    }
    if (w.defined()) {
      TENSORD_ASSIGN_OR_RETURN(w, Mul(w, aw));
    } else {
      w = aw;
    }
  }
  Tensor w_sum;
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(w_sum, Sum(w));
    if (w_sum.item().to_double() == 0) {
      return absl::InvalidArgumentError(
          "cov(): weights sum to zero, can't be normalized");
    }
  } else {
    w_sum = ScalarTensor(Scalar(observations), DType::kInt64);
  }
  Tensor weighted = in;
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(weighted, Mul(in, w));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor total, Sum(weighted, {1}));
  TENSORD_ASSIGN_OR_RETURN(Tensor avg, Div(total, w_sum));
  Tensor norm;
  const Tensor corr = WrapScalar(Scalar(correction));
  if (w.defined() && aweights.defined() && correction != 0) {
    TENSORD_ASSIGN_OR_RETURN(Tensor waw, Mul(w, aweights));
    TENSORD_ASSIGN_OR_RETURN(Tensor s, Sum(waw));
    TENSORD_ASSIGN_OR_RETURN(Tensor cs, Mul(corr, s));
    TENSORD_ASSIGN_OR_RETURN(Tensor q, Div(cs, w_sum));
    TENSORD_ASSIGN_OR_RETURN(norm, Sub(w_sum, q));
  } else {
    TENSORD_ASSIGN_OR_RETURN(norm, Sub(w_sum, corr));
  }
  if (norm.item().to_double() <= 0) {
    // torch warns "cov(): degrees of freedom is <= 0" and divides by zero.
    TENSORD_ASSIGN_OR_RETURN(norm, ZerosLike(norm));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor mean, Unsqueeze(avg, 1));
  TENSORD_ASSIGN_OR_RETURN(in, Sub(in, mean));
  Tensor rhs = in;
  if (w.defined()) {
    TENSORD_ASSIGN_OR_RETURN(rhs, Mul(in, w));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor rt, T(rhs));
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Mm(in, rt));
  TENSORD_ASSIGN_OR_RETURN(Tensor scaled, Div(c, norm));
  return Squeeze(scaled);
}

StatusOrTensor Corrcoef(const Tensor& self) {
  if (self.dim() > 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "corrcoef(): expected input to have two or fewer dimensions but got "
        "an input with ",
        self.dim(), " dimensions"));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor c, Cov(self, 1, Tensor(), Tensor()));
  if (c.dim() == 0) return Div(c, c);  // nan for nan, inf or 0, else 1
  TENSORD_ASSIGN_OR_RETURN(Tensor d, Diagonal(c, 0, 0, 1));
  TENSORD_ASSIGN_OR_RETURN(Tensor sd, Sqrt(d));
  TENSORD_ASSIGN_OR_RETURN(Tensor col, View(sd, {-1, 1}));
  TENSORD_ASSIGN_OR_RETURN(c, Div(c, col));
  TENSORD_ASSIGN_OR_RETURN(Tensor row, View(sd, {1, -1}));
  TENSORD_ASSIGN_OR_RETURN(c, Div(c, row));
  return Clamp(c, Scalar(int64_t{-1}), Scalar(int64_t{1}));
}

}  // namespace tensord
