// The seed walkthrough of DESIGN.md run directly on tensord's core library,
// printing what examples/seed_walkthrough.py prints under PyTorch.
// (Once the server and tensorctl exist, the same script runs remotely.)
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "core/format.h"
#include "core/ops.h"

namespace {

using tensord::Tensor;

// Unwraps a StatusOr, exiting with the error message on failure.
template <typename T>
T Check(absl::StatusOr<T> v) {
  if (!v.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(v.status().message()).c_str());
    std::exit(1);
  }
  return *std::move(v);
}
void Check(const absl::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "error: %s\n", std::string(s.message()).c_str());
    std::exit(1);
  }
}

std::string P(const Tensor& t) { return tensord::FormatTensor(t); }

}  // namespace

int main() {
  using namespace tensord;  // NOLINT: a demo reads better unqualified
  Tensor A = Check(Reshape(Check(Arange(0, 12)), {3, 4}));
  std::cout << P(Check(Cumsum(A, 0))) << "\n";

  A = Check(Reshape(Check(Arange(0, 24)), {2, 3, 4}));
  std::cout << FormatSize(Check(Sum(A, {1})).sizes()) << " "
            << FormatSize(Check(Sum(A, {0, 2})).sizes()) << "\n";

  A = Check(Reshape(Check(Arange(0, 20, 1, DType::kFloat32)), {5, 4}));
  Tensor sum_A = Check(Sum(A, {1}, /*keepdim=*/true));
  std::cout << P(sum_A) << "\n";
  std::cout << P(Check(Div(A, sum_A))) << "\n";

  Tensor u = Check(FromDoubles({3.0, -4.0}, {2}, DType::kFloat32));
  std::cout << P(Check(Norm(u))) << " " << P(Check(Sum(Check(Abs(u))))) << "\n";
  std::cout << P(Check(Norm(Check(Ones({4, 9}))))) << "\n";

  Tensor x = Check(Arange(0.0, 4.0));
  Check(x.set_requires_grad(true));
  Tensor y = Check(Mul(WrapScalar(int64_t{2}), Check(Dot(x, x))));
  std::cout << P(y) << "\n";
  Check(Backward(y));
  std::cout << P(x.grad()) << "\n";
  std::cout << P(Check(Eq(x.grad(), Check(Mul(WrapScalar(int64_t{4}), x)))))
            << "\n";

  Check(ZeroInplace(x.grad()));
  y = Check(Sum(x));
  Check(Backward(y));
  std::cout << P(x.grad()) << "\n";

  Check(ZeroInplace(x.grad()));
  y = Check(Mul(x, x));
  Check(Backward(Check(Sum(y))));
  std::cout << P(x.grad()) << "\n";

  Check(ZeroInplace(x.grad()));
  y = Check(Mul(x, x));
  Check(Backward(y, Check(Ones({x.size(0)}))));
  std::cout << P(x.grad()) << "\n";

  Check(ZeroInplace(x.grad()));
  y = Check(Mul(x, x));
  Tensor ud = y.detach();
  Tensor z = Check(Mul(ud, x));
  Check(Backward(Check(Sum(z))));
  std::cout << P(Check(Eq(x.grad(), ud))) << "\n";

  Tensor m = Check(FromDoubles({2, 1, 1, 2}, {2, 2}, DType::kFloat32));
  std::cout << P(Check(Eigh(m)).first) << "\n";
  return 0;
}
