// vec_math.h — transcendental functions with PyTorch's bits.
//
// PyTorch's CPU kernels (the AVX2 build Debian ships, which every x86-64
// with AVX2 runs) compute exp, log, tanh, sin, erf, ... of float32 and
// float64 tensors with SLEEF's 8- and 4-lane functions, on every element
// (a tail shorter than a vector is padded). glibc's scalar functions round
// differently in about one element of ten, which a printed loss shows.
// These maps call the same SLEEF functions, so the values are torch's.
// Each lane is computed on its own, so how elements are grouped into
// vectors does not matter. On a CPU without AVX2 and FMA (where PyTorch
// would not use SLEEF either) they return false and the caller uses libm.
#ifndef TENSORD_CORE_VEC_MATH_H_
#define TENSORD_CORE_VEC_MATH_H_

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tensord {

// The functions PyTorch computes with SLEEF for both float32 and float64
// (kSinh and kCosh: float64 only; torch's float32 sinh/cosh use libm).
enum class VecFn {
  kExp,
  kExpm1,
  kLog,
  kLog2,
  kLog10,
  kLog1p,
  kSin,
  kCos,
  kTan,
  kAsin,
  kAcos,
  kAtan,
  kSinh,
  kCosh,
  kTanh,
  kErf,
  kErfc,
  kLgamma,
};

// out[i * so] = fn(in[i * si]) for i in [0, n). False (nothing written)
// when SLEEF is not used for this function and dtype on this CPU.
bool VecMap(VecFn fn, const float* in, int64_t si, float* out, int64_t so,
            int64_t n);
bool VecMap(VecFn fn, const double* in, int64_t si, double* out, int64_t so,
            int64_t n);

// out[i] = pow(in[i], e) for contiguous in and out, as PyTorch 1.13's
// pow with a Python-number exponent (other than the ones it computes with
// multiplies, sqrt or a division) computes it: SLEEF's u10 pow on whole
// blocks of two vectors (16 floats, 8 doubles) and std::pow in double on
// the rest. False (nothing written) without AVX2 and FMA.
bool VecPowScalar(const float* in, double e, float* out, int64_t n);
bool VecPowScalar(const double* in, double e, double* out, int64_t n);

// One value, as VecMap computes it (for scalar paths inside other kernels);
// false when VecMap would be.
bool VecMapOne(VecFn fn, float in, float* out);
bool VecMapOne(VecFn fn, double in, double* out);

// The threads torch's at::parallel_for splits work over, which decides
// where its chunks (and so the vector tails and per-thread partial sums)
// fall: Debian's PyTorch 1.13 runs one intra-op thread by default
// (torch.get_num_threads() is 1 on a 2-CPU machine), so one.
inline int64_t TorchThreads() { return 1; }

// torch's vec::reduce_all with +: for n below the vector width L, the
// elements in order; else L lane accumulators (lane j adds elements j,
// j + L, ...), then the lanes: float's 8 by torch's shuffle tree (AVX2
// VecReduceAllSIMD), double's 4 in order.
template <typename T, int L>
T TorchLaneSum(const T* v, int64_t n) {
  if (n < L) {
    T acc = v[0];
    for (int64_t k = 1; k < n; ++k) acc += v[k];
    return acc;
  }
  T acc[L];
  for (int j = 0; j < L; ++j) acc[j] = v[j];
  int64_t d = L;
  for (; d < n - n % L; d += L) {
    for (int j = 0; j < L; ++j) acc[j] += v[d + j];
  }
  for (int64_t j = 0; d + j < n; ++j) acc[j] += v[d + j];
  if constexpr (L == 8) {
    // Vectorized<float>'s horizontal add: halves, then quarters, then pairs.
    T h[4];
    for (int j = 0; j < 4; ++j) h[j] = acc[j] + acc[j + 4];
    return (h[0] + h[2]) + (h[1] + h[3]);
  } else {
    T r = acc[0];
    for (int j = 1; j < L; ++j) r += acc[j];
    return r;
  }
}

// torch's vec::map2_reduce_all(x * y, +) as its AVX2 build computes it: the
// products of the first vector, then each further product fused into its
// lane's accumulator; below the vector width, the products in order.
template <typename T, int L>
T TorchLaneDot(const T* a, const T* b, int64_t n) {
  if (n < L) {
    T acc = a[0] * b[0];
    for (int64_t k = 1; k < n; ++k) acc += a[k] * b[k];
    return acc;
  }
  T acc[L];
  for (int j = 0; j < L; ++j) acc[j] = a[j] * b[j];
  for (int64_t d = L; d < n; d += L) {
    for (int64_t j = 0; j < L && d + j < n; ++j) {
      acc[j] = std::fma(a[d + j], b[d + j], acc[j]);
    }
  }
  return TorchLaneSum<T, L>(acc, L);
}

// PyTorch's AVX2 vector width for T (Vectorized<float> 8, <double> 4).
template <typename T>
constexpr int kTorchLanes = sizeof(T) == 4 ? 8 : 4;

// How torch's cpu_kernel_vec walks a contiguous run of n elements, for the
// kernels whose vector and scalar formulas round differently (sigmoid's
// vector exp is SLEEF's, its scalar one glibc's): at::parallel_for splits
// runs of at least GRAIN_SIZE (32768) evenly over torch's threads (one per
// CPU by default), and each chunk goes in vectors of 2 x 8 floats (2 x 4
// doubles) from its start, the rest through the scalar function. Calls
// vec(begin, end) and scalar(begin, end) for those ranges, in order.
template <typename V, typename S>
void TorchVecRanges(int64_t n, int64_t block, V&& vec, S&& scalar) {
  constexpr int64_t kGrain = 32768;
  int64_t chunks = 1;
  if (n >= kGrain) {
    chunks = std::min(TorchThreads(), (n + kGrain - 1) / kGrain);
  }
  const int64_t size = (n + chunks - 1) / chunks;
  for (int64_t b = 0; b < n; b += size) {
    const int64_t e = std::min(n, b + size);
    const int64_t v = b + (e - b) / block * block;
    if (v > b) vec(b, v);
    if (e > v) scalar(v, e);
  }
}

}  // namespace tensord

#endif  // TENSORD_CORE_VEC_MATH_H_
