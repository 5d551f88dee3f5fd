#include "core/vec_math.h"

namespace tensord {
namespace vec_math_avx2 {
bool MapFloat(VecFn fn, const float* in, int64_t si, float* out, int64_t so,
              int64_t n);
bool MapDouble(VecFn fn, const double* in, int64_t si, double* out, int64_t so,
               int64_t n);
}  // namespace vec_math_avx2

namespace {

// PyTorch's AVX2 kernels (and so SLEEF) run on CPUs with AVX2 and FMA.
bool HasAvx2Fma() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool has =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

}  // namespace

bool VecMap(VecFn fn, const float* in, int64_t si, float* out, int64_t so,
            int64_t n) {
  return HasAvx2Fma() && vec_math_avx2::MapFloat(fn, in, si, out, so, n);
}

bool VecMap(VecFn fn, const double* in, int64_t si, double* out, int64_t so,
            int64_t n) {
  return HasAvx2Fma() && vec_math_avx2::MapDouble(fn, in, si, out, so, n);
}

bool VecMapOne(VecFn fn, float in, float* out) {
  return VecMap(fn, &in, 1, out, 1, 1);
}

bool VecMapOne(VecFn fn, double in, double* out) {
  return VecMap(fn, &in, 1, out, 1, 1);
}

}  // namespace tensord
