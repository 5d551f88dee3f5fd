// The AVX-512 float32 GEMM (Eigen). This is the only translation unit built
// with AVX-512 flags and the only one that instantiates Eigen's products, so
// no AVX-512 code can leak into paths that run on older CPUs.
#include <Eigen/Core>

#include "core/gemm.h"

namespace tensord::internal {

void GemmF32Avx512(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
                   const float* a, int64_t lda, const float* b, int64_t ldb,
                   float* c, int64_t ldc) {
  using RowMat =
      Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using ColMat =
      Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<RowMat, 0, Stride> C(c, m, n, Stride(ldc));
  // A transposed row-major [k x m] buffer is a column-major [m x k] one.
  if (!trans_a && !trans_b) {
    Eigen::Map<const RowMat, 0, Stride> A(a, m, k, Stride(lda));
    Eigen::Map<const RowMat, 0, Stride> B(b, k, n, Stride(ldb));
    C.noalias() = A * B;
  } else if (trans_a && !trans_b) {
    Eigen::Map<const ColMat, 0, Stride> A(a, m, k, Stride(lda));
    Eigen::Map<const RowMat, 0, Stride> B(b, k, n, Stride(ldb));
    C.noalias() = A * B;
  } else if (!trans_a && trans_b) {
    Eigen::Map<const RowMat, 0, Stride> A(a, m, k, Stride(lda));
    Eigen::Map<const ColMat, 0, Stride> B(b, k, n, Stride(ldb));
    C.noalias() = A * B;
  } else {
    Eigen::Map<const ColMat, 0, Stride> A(a, m, k, Stride(lda));
    Eigen::Map<const ColMat, 0, Stride> B(b, k, n, Stride(ldb));
    C.noalias() = A * B;
  }
}

}  // namespace tensord::internal
