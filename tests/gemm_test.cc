// GemmF32 against a double-precision reference, for every transpose
// combination and for shapes on both sides of its size and shape thresholds
// (tiny products go to OpenBLAS, large ones to oneDNN, few-row a @ b^T
// through the transposed formulation). And TorchGemm's float32 products on
// OpenBLAS's single-threaded build, bit for bit against the threaded
// build's (sgemm_, what torch calls).
#include "core/gemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
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

extern "C" {
void sgemm_(const char* transa, const char* transb, const int* m, const int* n,
            const int* k, const float* alpha, const float* a, const int* lda,
            const float* b, const int* ldb, const float* beta, float* c,
            const int* ldc);
char* openblas_get_corename();
}

namespace tensord {
namespace {

TEST(TorchGemmTest, SerialBuildGivesTheThreadedBuildsBits) {
  if (std::string_view(openblas_get_corename()) == "Cooperlake") {
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    // script/bootstrap installs libopenblas0-serial.
    ASSERT_TRUE(SerialSgemmAvailable());
#endif
  }
  if (!SerialSgemmAvailable()) GTEST_SKIP() << "no serial OpenBLAS here";
  Generator gen(20261208);
  auto below = [&](int n) {
    return 1 + static_cast<int>(gen.UniformFloat() * static_cast<float>(n));
  };
  for (int trial = 0; trial < 150; ++trial) {
    // Products the threaded build runs on its team (more than 2^18
    // multiply-adds) and TorchGemm on the serial build (up to 2^25), with
    // k up to the k-block.
    int m = below(320), n = below(320), k = below(320);
    if (static_cast<double>(m) * n * k <= 65536.0 * 4) {
      m = n = 320;
      k = std::max(k, 4);
    }
    const bool ta = gen.UniformFloat() < 0.5f, tb = gen.UniformFloat() < 0.5f;
    const int lda = ta ? k : m, ldb = tb ? n : k;
    std::vector<float> a(static_cast<size_t>(m) * k),
        b(static_cast<size_t>(k) * n);
    for (float& v : a) v = gen.UniformFloat() - 0.5f;
    for (float& v : b) v = gen.UniformFloat() - 0.5f;
    std::vector<float> ours(static_cast<size_t>(m) * n, 7.0f), threaded = ours;
    TorchGemm<float>(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f,
                     ours.data(), m);
    const char tac = ta ? 'T' : 'N', tbc = tb ? 'T' : 'N';
    const float one = 1.0f, zero = 0.0f;
    sgemm_(&tac, &tbc, &m, &n, &k, &one, a.data(), &lda, b.data(), &ldb, &zero,
           threaded.data(), &m);
    ASSERT_EQ(
        std::memcmp(ours.data(), threaded.data(), ours.size() * sizeof(float)),
        0)
        << m << "x" << n << "x" << k << " ta=" << ta << " tb=" << tb;
  }
}

}  // namespace
}  // namespace tensord
