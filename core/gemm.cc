#include "core/gemm.h"

#include <cblas.h>

#include <cstdlib>
#include <string_view>

namespace tensord {
namespace {

bool UseAvx512() {
  static const bool use = [] {
#ifdef TENSORD_HAVE_AVX512_GEMM
    const char* force = std::getenv("TENSORD_GEMM");
    if (force != nullptr && std::string_view(force) == "openblas") return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#else
    return false;
#endif
  }();
  return use;
}

}  // namespace

const char* GemmF32Kernel() {
  return UseAvx512() ? "eigen-avx512" : "openblas";
}

void GemmF32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
             const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
             int64_t ldc) {
#ifdef TENSORD_HAVE_AVX512_GEMM
  // Eigen's blocking pays off once the product is big enough; tiny ones go
  // to OpenBLAS, which has less setup.
  if (UseAvx512() && m * n * k >= 32 * 32 * 32) {
    internal::GemmF32Avx512(trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
    return;
  }
#endif
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b,
              ldb, 0.0f, c, ldc);
}

}  // namespace tensord
