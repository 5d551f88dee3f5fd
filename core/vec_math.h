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
#include <cstdint>
#include <thread>

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

// One value, as VecMap computes it (for scalar paths inside other kernels);
// false when VecMap would be.
bool VecMapOne(VecFn fn, float in, float* out);
bool VecMapOne(VecFn fn, double in, double* out);

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
    const int64_t threads =
        std::max<int64_t>(1, std::thread::hardware_concurrency());
    chunks = std::min(threads, (n + kGrain - 1) / kGrain);
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
