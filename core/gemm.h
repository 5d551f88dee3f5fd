// gemm.h — the matrix multiplies behind mm/matmul/linear/bmm and conv.
//
// TorchGemm and TorchGemv are what mm, addmm, linear, bmm, baddbmm, mv and
// matmul use for float32/float64: the reference BLAS interface (OpenBLAS on
// Debian) called with exactly the arguments PyTorch 1.13 passes, so results
// are bit-identical to torch's, not just close. OpenBLAS picks its kernels
// and thread count (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, else the CPU
// count) the same way in both processes; a different thread count changes
// the rounding of products above ~262144 multiply-adds.
//
// GemmF32 is the fast, not torch-exact float32 GEMM that convolution uses:
// oneDNN's sgemm, which JIT-compiles kernels for the CPU it runs on
// (AVX-512, AVX2, ...) and runs on the process's OpenMP pool. Tiny products
// go to OpenBLAS (no setup cost, one thread).
//
//   TorchGemm<float>(false, false, m, n, k, 1.f, a, m, b, k, 0.f, c, m);
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

// Column-major (Fortran) c[m x n] = alpha * op(a) @ op(b) + beta * c, made
// the way PyTorch 1.13's at::native::cpublas::gemm makes it: the same
// leading-dimension normalisation, then the reference BLAS interface
// (sgemm_/dgemm_, which on Debian is OpenBLAS) with exactly those arguments.
// Same library, same arguments, same OpenBLAS thread count (both read it
// from the environment) give bit-identical results, which no other kernel
// (oneDNN, a tuned loop) can promise: OpenBLAS's kernels block k and sum in
// their own order. beta == 0 ignores c's old contents (even NaN).
// Thread-safe.
template <typename T>
void TorchGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
               T alpha, const T* a, int64_t lda, const T* b, int64_t ldb,
               T beta, T* c, int64_t ldc);

// Column-major y[rows of op(a)] = alpha * op(a) @ x + beta * y for a [m x n]
// with leading dim lda, as torch 1.13's cpublas gemv calls sgemv_/dgemv_
// (beta == 0 ignores y's old contents). Thread-safe.
template <typename T>
void TorchGemv(bool trans, int64_t m, int64_t n, T alpha, const T* a,
               int64_t lda, const T* x, int64_t incx, T beta, T* y,
               int64_t incy);

// Which library GemmF32 uses for large products: "onednn" or "openblas"
// (TENSORD_GEMM=openblas in the environment selects OpenBLAS).
const char* GemmF32Kernel();

// Whether float32 TorchGemm products with k up to OpenBLAS's k-block run
// on OpenBLAS's single-threaded build (same release and kernels, the same
// bits; core/gemm.cc): false without it (libopenblas0-serial), under the
// sanitizers, and with TENSORD_SERIAL_BLAS=0.
bool SerialSgemmAvailable();

}  // namespace tensord

#endif  // TENSORD_CORE_GEMM_H_
