// GemmF32 against a double-precision reference, for every transpose
// combination and for shapes on both sides of its size and shape thresholds
// (tiny products go to OpenBLAS, large ones to oneDNN, few-row a @ b^T
// through the transposed formulation).
#include "core/gemm.h"

#include <cmath>
#include <tuple>
#include <vector>

#include "core/ops.h"
#include "gtest/gtest.h"

namespace tensord {
namespace {

class GemmTest : public ::testing::TestWithParam<
                     std::tuple<bool, bool, std::tuple<int, int, int>>> {};

TEST_P(GemmTest, MatchesReference) {
  const auto [ta, tb, shape] = GetParam();
  const auto [m, n, k] = shape;
  Generator gen(static_cast<uint64_t>(m * 7 + n * 3 + k + ta * 2 + tb));
  std::vector<float> a(static_cast<size_t>(m) * k),
      b(static_cast<size_t>(k) * n);
  for (float& v : a) v = gen.UniformFloat() - 0.5f;
  for (float& v : b) v = gen.UniformFloat() - 0.5f;
  // Stored row-major as op(x) requires: a is [m,k] or, transposed, [k,m].
  const int64_t lda = ta ? m : k, ldb = tb ? k : n;
  auto A = [&](int i, int p) { return ta ? a[p * lda + i] : a[i * lda + p]; };
  auto B = [&](int p, int j) { return tb ? b[j * ldb + p] : b[p * ldb + j]; };
  std::vector<float> c(static_cast<size_t>(m) * n, -1.0f);
  GemmF32(ta, tb, m, n, k, a.data(), lda, b.data(), ldb, c.data(), n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double ref = 0;
      for (int p = 0; p < k; ++p) ref += double(A(i, p)) * double(B(p, j));
      ASSERT_NEAR(c[i * n + j], ref, 1e-4 * (1 + std::abs(ref)))
          << "at (" << i << ", " << j << ") of " << m << "x" << n << "x" << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, GemmTest,
    ::testing::Combine(::testing::Bool(), ::testing::Bool(),
                       ::testing::Values(std::make_tuple(3, 5, 4),
                                         std::make_tuple(64, 64, 64),
                                         std::make_tuple(16, 256, 64),
                                         std::make_tuple(200, 33, 70),
                                         std::make_tuple(1, 1024, 40))));

}  // namespace
}  // namespace tensord
