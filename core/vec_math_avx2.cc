// The AVX2 half of vec_math: compiled with -mavx2 -mfma (core/CMakeLists.txt)
// and entered only through vec_math.cc after it has checked the CPU.
#include <immintrin.h>
#include <sleef.h>

#include <cstdint>
#include <cstring>

#include "core/vec_math.h"

namespace tensord::vec_math_avx2 {
namespace {

// SLEEF declares its functions const (no side effects): take their type.
using F8 = decltype(&Sleef_expf8_u10);
using D4 = decltype(&Sleef_expd4_u10);

// Indexed by VecFn; the functions and accuracies PyTorch 1.13's
// Vectorized<float>/<double> (AVX2) call.
constexpr int kCount = static_cast<int>(VecFn::kLgamma) + 1;
const F8 kFloat[kCount] = {
    Sleef_expf8_u10,   Sleef_expm1f8_u10, Sleef_logf8_u10,  Sleef_log2f8_u10,
    Sleef_log10f8_u10, Sleef_log1pf8_u10, Sleef_sinf8_u10,  Sleef_cosf8_u10,
    Sleef_tanf8_u10,   Sleef_asinf8_u10,  Sleef_acosf8_u10, Sleef_atanf8_u10,
    Sleef_sinhf8_u10,  Sleef_coshf8_u10,  Sleef_tanhf8_u10, Sleef_erff8_u10,
    Sleef_erfcf8_u15,  Sleef_lgammaf8_u10};
const D4 kDouble[kCount] = {
    Sleef_expd4_u10,   Sleef_expm1d4_u10, Sleef_logd4_u10,  Sleef_log2d4_u10,
    Sleef_log10d4_u10, Sleef_log1pd4_u10, Sleef_sind4_u10,  Sleef_cosd4_u10,
    Sleef_tand4_u10,   Sleef_asind4_u10,  Sleef_acosd4_u10, Sleef_atand4_u10,
    Sleef_sinhd4_u10,  Sleef_coshd4_u10,  Sleef_tanhd4_u10, Sleef_erfd4_u10,
    Sleef_erfcd4_u15,  Sleef_lgammad4_u10};

// Lanes are independent, so a strided or short run goes through a buffer.
template <typename T, typename V, int L, typename Fn, typename Load,
          typename Store>
void Map(Fn f, Load load, Store store, const T* in, int64_t si, T* out,
         int64_t so, int64_t n) {
  int64_t i = 0;
  if (si == 1 && so == 1) {
    for (; i + L <= n; i += L) store(out + i, f(load(in + i)));
  }
  for (; i < n; i += L) {
    const int64_t m = n - i < L ? n - i : L;
    T buf[L] = {};
    for (int64_t j = 0; j < m; ++j) buf[j] = in[(i + j) * si];
    T res[L];
    store(res, f(load(buf)));
    for (int64_t j = 0; j < m; ++j) out[(i + j) * so] = res[j];
  }
}

}  // namespace

// The whole blocks of two vectors (torch's vectorized_loop step); returns
// how many elements were written.
int64_t PowFloat(const float* in, float e, float* out, int64_t n) {
  const __m256 ev = _mm256_set1_ps(e);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    _mm256_storeu_ps(out + i, Sleef_powf8_u10(_mm256_loadu_ps(in + i), ev));
    _mm256_storeu_ps(out + i + 8,
                     Sleef_powf8_u10(_mm256_loadu_ps(in + i + 8), ev));
  }
  return i;
}

int64_t PowDouble(const double* in, double e, double* out, int64_t n) {
  const __m256d ev = _mm256_set1_pd(e);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm256_storeu_pd(out + i, Sleef_powd4_u10(_mm256_loadu_pd(in + i), ev));
    _mm256_storeu_pd(out + i + 4,
                     Sleef_powd4_u10(_mm256_loadu_pd(in + i + 4), ev));
  }
  return i;
}

bool MapFloat(VecFn fn, const float* in, int64_t si, float* out, int64_t so,
              int64_t n) {
  const F8 f = kFloat[static_cast<int>(fn)];
  if (f == nullptr) return false;
  Map<float, __m256, 8>(
      f, [](const float* p) { return _mm256_loadu_ps(p); },
      [](float* p, __m256 v) { _mm256_storeu_ps(p, v); }, in, si, out, so, n);
  return true;
}

bool MapDouble(VecFn fn, const double* in, int64_t si, double* out, int64_t so,
               int64_t n) {
  const D4 f = kDouble[static_cast<int>(fn)];
  if (f == nullptr) return false;
  Map<double, __m256d, 4>(
      f, [](const double* p) { return _mm256_loadu_pd(p); },
      [](double* p, __m256d v) { _mm256_storeu_pd(p, v); }, in, si, out, so, n);
  return true;
}

}  // namespace tensord::vec_math_avx2
