// gemm.h — float32 matrix multiply with run-time kernel selection.
//
// On CPUs with AVX-512 the product runs through Eigen compiled for AVX-512
// (in its own translation unit, so the rest of the binary stays portable);
// elsewhere through OpenBLAS. Both use the OpenMP thread pool of the
// process, so our kernels and the GEMM never fight over the cores.
//
//   GemmF32(false, false, m, n, k, a, k, b, n, c, n);  // c = a @ b
#ifndef TENSORD_CORE_GEMM_H_
#define TENSORD_CORE_GEMM_H_

#include <cstdint>

namespace tensord {

// c[m x n] (row-major, leading dim ldc) = op(a)[m x k] @ op(b)[k x n], where
// op transposes when the flag is set; a and b are row-major with leading
// dims lda and ldb. Thread-safe.
void GemmF32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
             const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
             int64_t ldc);

// Which kernel GemmF32 uses on this machine: "eigen-avx512" or "openblas".
const char* GemmF32Kernel();

namespace internal {
// Defined in gemm_avx512.cc; only called when the CPU supports AVX-512.
void GemmF32Avx512(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                   const float* a, int64_t lda, const float* b, int64_t ldb,
                   float* c, int64_t ldc);
}  // namespace internal

}  // namespace tensord

#endif  // TENSORD_CORE_GEMM_H_
