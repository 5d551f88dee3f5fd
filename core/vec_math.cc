#include "core/vec_math.h"

#include <cmath>

namespace tensord {
namespace vec_math_avx2 {
bool MapFloat(VecFn fn, const float* in, int64_t si, float* out, int64_t so,
              int64_t n);
bool MapDouble(VecFn fn, const double* in, int64_t si, double* out, int64_t so,
               int64_t n);
int64_t PowFloat(const float* in, float e, float* out, int64_t n);
int64_t PowDouble(const double* in, double e, double* out, int64_t n);
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

bool VecPowScalar(const float* in, double e, float* out, int64_t n) {
  if (!HasAvx2Fma()) return false;
  int64_t i = vec_math_avx2::PowFloat(in, static_cast<float>(e), out, n);
  for (; i < n; ++i) {
    out[i] = static_cast<float>(std::pow(static_cast<double>(in[i]), e));
  }
  return true;
}

bool VecPowScalar(const double* in, double e, double* out, int64_t n) {
  if (!HasAvx2Fma()) return false;
  int64_t i = vec_math_avx2::PowDouble(in, e, out, n);
  for (; i < n; ++i) out[i] = std::pow(in[i], e);
  return true;
}

bool VecMapOne(VecFn fn, float in, float* out) {
  return VecMap(fn, &in, 1, out, 1, 1);
}

bool VecMapOne(VecFn fn, double in, double* out) {
  return VecMap(fn, &in, 1, out, 1, 1);
}

}  // namespace tensord
