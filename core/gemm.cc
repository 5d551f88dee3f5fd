#include "core/gemm.h"

#include <cblas.h>
#include <dnnl.h>

#include <cstdlib>
#include <string_view>
#include <vector>

namespace tensord {
namespace {

bool UseOneDnn() {
  static const bool use = [] {
    const char* force = std::getenv("TENSORD_GEMM");
    return !(force != nullptr && std::string_view(force) == "openblas");
  }();
  return use;
}

// Below this many multiply-adds a product is too small to be worth
// threads or JIT dispatch.
constexpr int64_t kSmallGemm = 32 * 32 * 32;

}  // namespace

const char* GemmF32Kernel() { return UseOneDnn() ? "onednn" : "openblas"; }

void GemmF32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
             const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
             int64_t ldc) {
  if (UseOneDnn() && m * n * k >= kSmallGemm) {
    if (!trans_a && trans_b && 4 * m <= n) {
      // oneDNN is slow for a @ b^T with few rows (the x @ W^T of a backward
      // pass): compute (a @ b^T)^T = b @ a^T, which it does well, and
      // transpose the small result.
      std::vector<float> t(static_cast<size_t>(n * m));
      if (dnnl_sgemm('N', 'T', n, m, k, 1.0f, b, ldb, a, lda, 0.0f, t.data(),
                     m) == dnnl_success) {
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = t[j * m + i];
        }
        return;
      }
    }
    const dnnl_status_t st =
        dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, 1.0f, a,
                   lda, b, ldb, 0.0f, c, ldc);
    if (st == dnnl_success) return;
    // oneDNN refuses only malformed arguments, which the callers rule out;
    // fall through to OpenBLAS rather than return garbage.
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b,
              ldb, 0.0f, c, ldc);
}

}  // namespace tensord
