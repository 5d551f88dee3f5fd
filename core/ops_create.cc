// Creation ops and the random generator.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/errors.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord {

StatusOrTensor Full(const Shape& shape, const Scalar& value,
                    std::optional<DType> dtype) {
  TENSORD_RETURN_IF_ERROR(CheckShape(shape).status());
  const DType dt = dtype ? *dtype
                         : (value.dtype() == DType::kFloat64 ? DefaultFloat()
                                                             : value.dtype());
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, dt));
  const complex128 v = value.to_complex();
  if (v.real() == 0 && v.imag() == 0 && !std::signbit(v.real()) &&
      !std::signbit(v.imag())) {
    // +0 is all zero bits in every dtype (zeros, zero_, the gradients'
    // zeros): a memset.
    if (out.nbytes() > 0) {
      std::memset(out.raw_data(), 0, static_cast<size_t>(out.nbytes()));
    }
    return out;
  }
  CopyConvert(ScalarTensor(value, dt), out);
  return out;
}

StatusOrTensor Zeros(const Shape& shape, DType dtype) {
  return Full(shape, Scalar(int64_t{0}), dtype);
}

StatusOrTensor Ones(const Shape& shape, DType dtype) {
  return Full(shape, Scalar(int64_t{1}), dtype);
}

StatusOrTensor ZerosLike(const Tensor& t, std::optional<DType> dtype) {
  return Zeros(t.sizes(), dtype.value_or(t.dtype()));
}

StatusOrTensor OnesLike(const Tensor& t, std::optional<DType> dtype) {
  return Ones(t.sizes(), dtype.value_or(t.dtype()));
}

namespace {

// Element i of a floating arange of n elements, bit for bit as PyTorch's
// CPU kernel computes it: in double with fused multiply-adds, in vectors of
// 4 doubles or 8 floats, two vectors per step over the first multiple of
// 8 or 16 elements; each vector starts at base = start + step * (its first
// index), rounded to the element type, and lane k holds base + step * k.
// The remaining tail is start + step * i. (So arange(-8., 8., .1)[80] is
// 4.4409e-16, not 0.)
template <typename T>
T ArangeValue(double start, double step, int64_t i, int64_t n) {
  using Elem = std::conditional_t<std::is_same_v<T, double>, double, float>;
  constexpr int64_t kLanes = std::is_same_v<Elem, double> ? 4 : 8;
  const int64_t vectorized = n / (2 * kLanes) * (2 * kLanes);
  if (i >= vectorized) {
    return static_cast<T>(
        static_cast<Elem>(std::fma(step, static_cast<double>(i), start)));
  }
  const int64_t first = i / kLanes * kLanes;
  const double base =
      static_cast<Elem>(std::fma(step, static_cast<double>(first), start));
  return static_cast<T>(
      static_cast<Elem>(std::fma(step, static_cast<double>(i - first), base)));
}

}  // namespace

StatusOrTensor Arange(const Scalar& start, const Scalar& end,
                      const Scalar& step, std::optional<DType> dtype) {
  const bool all_int =
      start.is_integral() && end.is_integral() && step.is_integral();
  const DType dt = dtype ? *dtype : (all_int ? DType::kInt64 : DefaultFloat());
  if (!all_int && IsIntegral(dt, false)) {
    // torch computes integer ranges in int64: the bounds and step are
    // truncated first (so a step of 0.5 becomes 0).
    return Arange(Scalar(start.to_int()), Scalar(end.to_int()),
                  Scalar(step.to_int()), dt);
  }
  const double s = start.to_double(), e = end.to_double(),
               st = step.to_double();
  if (st == 0) return absl::InvalidArgumentError("step must be nonzero");
  if ((st > 0 && e < s) || (st < 0 && e > s)) {
    return absl::InvalidArgumentError(
        "upper bound and larger bound inconsistent with step sign");
  }
  if (!std::isfinite(s) || !std::isfinite(e)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported range: ", s, " -> ", e));
  }
  // The count is computed wide (__int128, double) and bounded before it
  // becomes an int64: int64 bounds like [-2^62, 2^62) overflow `end -
  // start`, and huge float ranges do not fit int64 at all.
  double count;
  if (all_int) {
    const __int128 is = start.to_int(), ie = end.to_int(), ist = step.to_int();
    count = static_cast<double>(ist > 0 ? (ie - is + ist - 1) / ist
                                        : (is - ie - ist - 1) / (-ist));
  } else {
    count = std::ceil((e - s) / st);
  }
  if (count > static_cast<double>(int64_t{1} << 40)) {
    return absl::InvalidArgumentError(
        absl::StrCat("arange: too many elements (", count, ")"));
  }
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty({n}, dt));
  TENSORD_DISPATCH_ALL(dt, T, {
    T* p = out.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        p[i] = (s + st * static_cast<double>(i)) != 0;
      } else if constexpr (kIsComplex<T>) {
        p[i] = ConvertValue<T>(s + st * static_cast<double>(i));
      } else if constexpr (std::is_integral_v<T>) {
        // start + step * i lies in [start, end), but step * i alone may not
        // fit int64.
        p[i] = all_int
                   ? static_cast<T>(static_cast<__int128>(start.to_int()) +
                                    static_cast<__int128>(step.to_int()) * i)
                   : FloatToInt<T>(s + st * static_cast<double>(i));
      } else {
        p[i] = ArangeValue<T>(s, st, i, n);
      }
    }
  });
  return out;
}

namespace {

// torch's linspace kernel (AVX2 build): the first half counts up from
// start, the second down from end, in the element type (double for
// integers), with start + i * step fused. Contiguous output goes two
// 32-byte vectors at a time: each vector takes its base from its first
// index (from the start or the end, by that index) and adds k * step (a
// rounded product) to it; the elements after the last pair of vectors are
// formed one by one.
template <typename T>
void LinspaceFill(T* p, double s, double e, int64_t steps) {
  using S = std::conditional_t<std::is_integral_v<T>, double, T>;
  const T ts = static_cast<T>(s), te = static_cast<T>(e);
  const S step =
      (static_cast<S>(te) - static_cast<S>(ts)) / static_cast<S>(steps - 1);
  const int64_t half = steps / 2;
  auto at = [&](int64_t i) -> S {
    return i < half ? std::fma(step, static_cast<S>(i), static_cast<S>(ts))
                    : std::fma(-step, static_cast<S>(steps - i - 1),
                               static_cast<S>(te));
  };
  constexpr int64_t V = 32 / sizeof(T);
  auto vec = [&](int64_t i) {
    const T base = static_cast<T>(at(i));
    p[i] = base;
    for (int64_t k = 1; k < V; ++k) {
      const S ks = static_cast<S>(k) * step;  // rounded, then added
      p[i + k] = static_cast<T>(static_cast<S>(base) + ks);
    }
  };
  int64_t i = 0;
  for (; i + 2 * V <= steps; i += 2 * V) {
    vec(i);
    vec(i + V);
  }
  for (; i < steps; ++i) p[i] = static_cast<T>(at(i));
}

}  // namespace

StatusOrTensor Linspace(const Scalar& start, const Scalar& end, int64_t steps,
                        std::optional<DType> dtype) {
  if (steps < 0)
    return absl::InvalidArgumentError("number of steps must be non-negative");
  const DType dt = dtype.value_or(DefaultFloat());
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty({steps}, dt));
  const double s = start.to_double(), e = end.to_double();
  if (steps == 0) return out;
  TENSORD_DISPATCH_ALL(dt, T, {
    T* p = out.data<T>();
    if constexpr (std::is_same_v<T, bool>) {
      const double step = steps > 1 ? (e - s) / (steps - 1) : 0.0;
      for (int64_t i = 0; i < steps; ++i) {
        p[i] = (i < steps / 2 ? s + step * i : e - step * (steps - i - 1)) != 0;
      }
    } else if constexpr (kIsComplex<T>) {
      const double step = steps > 1 ? (e - s) / (steps - 1) : 0.0;
      for (int64_t i = 0; i < steps; ++i) {
        const double v =
            i < steps / 2 ? s + step * i : e - step * (steps - i - 1);
        p[i] = ConvertValue<T>(v);
      }
    } else if (steps == 1) {
      p[0] = static_cast<T>(s);  // torch: fill with start
    } else {
      LinspaceFill<T>(p, s, e, steps);
    }
  });
  return out;
}

StatusOrTensor Eye(int64_t n, std::optional<int64_t> m, DType dtype) {
  const int64_t cols = m.value_or(n);
  if (n < 0 || cols < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "n must be greater or equal to 0, got ", std::min(n, cols)));
  }
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Zeros({n, cols}, dtype));
  TENSORD_DISPATCH_ALL(dtype, T, {
    T* p = out.data<T>();
    for (int64_t i = 0; i < std::min(n, cols); ++i) p[i * cols + i] = T(1);
  });
  return out;
}

// ---------------------------------------------------------------------------
// mt19937, as torch's CPU generator

void Generator::WillChange() {
  Transaction* txn = Transaction::Current();
  if (txn == nullptr || txn->serial() == backed_up_in_) return;
  backed_up_in_ = txn->serial();
  Generator saved = *this;
  txn->OnRollback([this, saved] {
    const uint64_t serial = backed_up_in_;
    *this = saved;
    backed_up_in_ = serial;
  });
}

void Generator::ManualSeed(uint64_t seed) {
  WillChange();
  Seed(seed);
}

void Generator::Seed(uint64_t seed) {
  seed_ = seed;
  mt_[0] = static_cast<uint32_t>(seed & 0xffffffff);
  for (int i = 1; i < 624; ++i) {
    mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) +
             static_cast<uint32_t>(i);
  }
  index_ = 624;
  has_next_normal_ = false;
}

uint32_t Generator::Next32() {
  if (index_ >= 624) {
    for (int i = 0; i < 624; ++i) {
      const uint32_t y =
          (mt_[i] & 0x80000000u) | (mt_[(i + 1) % 624] & 0x7fffffffu);
      mt_[i] = mt_[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    index_ = 0;
  }
  uint32_t y = mt_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

uint64_t Generator::Next64() {
  const uint64_t hi = Next32();
  const uint64_t lo = Next32();
  return (hi << 32) | lo;
}

float Generator::UniformFloat() {
  return static_cast<float>(Next32() & ((1u << 24) - 1)) *
         std::ldexp(1.0f, -24);
}

double Generator::UniformDouble() {
  return static_cast<double>(Next64() & ((uint64_t{1} << 53) - 1)) *
         std::ldexp(1.0, -53);
}

double Generator::Normal() {
  if (has_next_normal_) {
    has_next_normal_ = false;
    return next_normal_;
  }
  const double u1 = UniformDouble();
  const double u2 = UniformDouble();
  // torch 1.13 takes log(1 - u2) here (not log1p): bit for bit.
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * M_PI * u1;
  next_normal_ = r * std::sin(theta);
  has_next_normal_ = true;
  return r * std::cos(theta);
}

// torch's CPUGeneratorImplState, byte for byte (little-endian): the seed
// (u64), left and seeded (i32), next (u64), the 624 words (as u64),
// normal_x, normal_y, normal_rho (f64), normal_is_valid (i32, padded to 8),
// the float normal sample (f32) and its flag (bool, padded to 8).
namespace {
constexpr int64_t kRngStateBytes = 5056;
constexpr int64_t kRngStateLegacyBytes = 5048;
constexpr int64_t kRngWordsAt = 24;
constexpr int64_t kRngNormalYAt = 5024;
constexpr int64_t kRngNormalValidAt = 5040;

void PutLe(std::vector<int64_t>& b, int64_t at, uint64_t v, int n) {
  for (int i = 0; i < n; ++i)
    b[at + i] = static_cast<int64_t>((v >> (8 * i)) & 0xff);
}
uint64_t GetLe(const std::vector<int64_t>& b, int64_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}
}  // namespace

StatusOrTensor GetRngState(const Generator& gen) {
  std::vector<int64_t> b(kRngStateBytes, 0);
  // torch's mt19937 draws word `next` after decrementing `left`; it
  // regenerates the words when `left` reaches 0 (left 1: before the first
  // draw after seeding, or after all 624).
  const int index = gen.index();
  PutLe(b, 0, gen.seed(), 8);
  PutLe(b, 8, static_cast<uint64_t>(625 - index), 4);
  PutLe(b, 12, 1, 4);
  PutLe(b, 16, static_cast<uint64_t>(index == 624 ? 0 : index), 8);
  const std::vector<uint32_t> words = gen.state();
  for (int i = 0; i < 624; ++i) PutLe(b, kRngWordsAt + 8 * i, words[i], 8);
  if (gen.has_next_normal()) {
    uint64_t bits;
    const double y = gen.next_normal();
    std::memcpy(&bits, &y, sizeof bits);
    PutLe(b, kRngNormalYAt, bits, 8);
    PutLe(b, kRngNormalValidAt, 1, 4);
  }
  return FromInts(b, {kRngStateBytes}, DType::kUInt8);
}

absl::Status SetRngState(Generator& gen, const Tensor& state) {
  if (IsDifferentiable(state.dtype()) || state.dtype() == DType::kBool) {
    return TypeError("RNG state must be a torch.ByteTensor");
  }
  if (!state.is_contiguous()) {
    return absl::InvalidArgumentError("RNG state must be contiguous");
  }
  const int64_t n = state.numel();
  if (n != kRngStateBytes && n != kRngStateLegacyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Expected either a CPUGeneratorImplStateLegacy of size ",
        kRngStateLegacyBytes, " or a CPUGeneratorImplState of size ",
        kRngStateBytes, " but found the input RNG state size to be ", n));
  }
  const std::vector<int64_t> b = state.ToInts();
  for (int64_t v : b) {
    if (v < 0 || v > 255) {
      return TypeError(
          "RNG state must be a torch.ByteTensor (tensord: an integer tensor "
          "of values 0 to 255)");
    }
  }
  const uint64_t left = GetLe(b, 8, 4);
  const uint64_t seeded = GetLe(b, 12, 4);
  const uint64_t next = GetLe(b, 16, 8);
  if (seeded != 1 || left == 0 || left > 624 || next > 624) {
    return absl::InvalidArgumentError("Invalid mt19937 state");
  }
  std::vector<uint32_t> words(624);
  for (int i = 0; i < 624; ++i) {
    words[i] = static_cast<uint32_t>(GetLe(b, kRngWordsAt + 8 * i, 8));
  }
  const int index =
      left == 1 ? 624 : static_cast<int>(std::min<uint64_t>(next, 623));
  const uint64_t bits = GetLe(b, kRngNormalYAt, 8);
  double y;
  std::memcpy(&y, &bits, sizeof y);
  if (!gen.SetState(words, index)) {
    return absl::InvalidArgumentError("Invalid mt19937 state");
  }
  gen.SetSeedAndNormal(GetLe(b, 0, 8), GetLe(b, kRngNormalValidAt, 4) != 0, y);
  return absl::OkStatus();
}

StatusOrTensor Rand(const Shape& shape, Generator& gen, DType dtype) {
  if (!IsDifferentiable(dtype)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"check_uniform_bounds\" not implemented for '",
                     DTypeShortName(dtype), "'"));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t n, CheckShape(shape));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, dtype));
  gen.WillChange();
  if (dtype == DType::kFloat32) {
    float* p = out.data<float>();
    for (int64_t i = 0; i < n; ++i) p[i] = gen.UniformFloat();
  } else if (dtype == DType::kFloat64) {
    double* p = out.data<double>();
    for (int64_t i = 0; i < n; ++i) p[i] = gen.UniformDouble();
  } else if (dtype == DType::kFloat16 || dtype == DType::kBFloat16) {
    // torch: the draw's low 11 (float16) or 8 (bfloat16) bits over 2^bits,
    // exact in the dtype.
    const int bits = dtype == DType::kFloat16 ? 11 : 8;
    const uint32_t mask = (1u << bits) - 1;
    const float scale = std::ldexp(1.0f, -bits);
    for (int64_t i = 0; i < n; ++i) {
      const float x = static_cast<float>(gen.Next32() & mask) * scale;
      if (dtype == DType::kFloat16) {
        out.data<Half>()[i] = Half(x);
      } else {
        out.data<BFloat16>()[i] = BFloat16(x);
      }
    }
  } else if (dtype == DType::kComplex128) {
    complex128* p = out.data<complex128>();
    for (int64_t i = 0; i < n; ++i) {
      const double re = gen.UniformDouble();
      p[i] = complex128(re, gen.UniformDouble());
    }
  } else if (dtype == DType::kComplex64) {
    complex64* p = out.data<complex64>();
    for (int64_t i = 0; i < n; ++i) {
      const float re = gen.UniformFloat();
      p[i] = complex64(re, gen.UniformFloat());
    }
  }
  return out;
}

namespace {

float FromBits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}
uint32_t ToBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

// One lane of the Cephes-style log that torch's AVX2 normal kernel uses
// (avx_mathfun.h's log256_ps), with the multiply-adds that Debian's build
// of torch 1.13 fuses (read from its machine code) fused here too.
float AvxLog(float x) {
  if (!(x > 0.f)) return std::numeric_limits<float>::quiet_NaN();
  x = std::max(x, FromBits(0x00800000u));
  const int32_t ex = static_cast<int32_t>(ToBits(x) >> 23);
  x = FromBits((ToBits(x) & 0x807FFFFFu) | ToBits(0.5f));
  float e = static_cast<float>(ex - 0x7f) + 1.f;
  const bool m = x < FromBits(0x3f3504f3u);  // sqrt(1/2)
  const float tmp = m ? x : 0.f;
  x = x - 1.f;
  e = e - (m ? 1.f : 0.f);
  x = x + tmp;
  const float z = x * x;
  static const uint32_t kP[] = {0x3d9021bb, 0xbdebd1b8, 0x3def251a,
                                0xbdfe5d4f, 0x3e11e9bf, 0xbe2aae50,
                                0x3e4cceac, 0xbe7ffffc, 0x3eaaaaaa};
  float y = FromBits(kP[0]);
  for (int k = 1; k < 9; ++k) y = std::fma(y, x, FromBits(kP[k]));
  y = y * x;
  const float t = e * FromBits(0xb95e8083u);  // q1
  y = std::fma(y, z, t);
  y = std::fma(z, -0.5f, y);
  x = x + y;
  return std::fma(e, FromBits(0x3f318000u), x);  // q2
}

// One lane of avx_mathfun.h's sincos256_ps, fused as torch's build fuses.
void AvxSinCos(float x, float* sin_out, float* cos_out) {
  uint32_t sign_sin = ToBits(x) & 0x80000000u;
  x = FromBits(ToBits(x) & 0x7FFFFFFFu);
  float y = x * FromBits(0x3fa2f983u);  // 4 / pi
  int32_t j = static_cast<int32_t>(y);
  j = (j + 1) & ~1;
  y = static_cast<float>(j);
  const uint32_t swap_sin = static_cast<uint32_t>(j & 4) << 29;
  const bool poly = (j & 2) == 0;
  x = std::fma(y, FromBits(0xbf490000u), x);
  x = std::fma(y, FromBits(0xb97da000u), x);
  x = std::fma(y, FromBits(0xb3222169u), x);
  const uint32_t sign_cos = static_cast<uint32_t>(~(j - 2) & 4) << 29;
  sign_sin ^= swap_sin;
  const float z = x * x;
  float yc = std::fma(FromBits(0x37ccf5ceu), z, FromBits(0xbab6061au));
  yc = std::fma(yc, z, FromBits(0x3d2aaaa5u));
  const float tmp = z * 0.5f;
  yc = yc * z;
  yc = std::fma(yc, z, -tmp);
  yc = yc + 1.f;
  float ys = std::fma(FromBits(0xb94ca1f9u), z, FromBits(0x3c08839eu));
  ys = std::fma(ys, z, FromBits(0xbe2aaaa3u));
  ys = ys * z;
  ys = std::fma(ys, x, x);
  const float ysin2 = poly ? ys : 0.f;
  const float ysin1 = poly ? 0.f : yc;
  ys = ys - ysin2;
  yc = yc - ysin1;
  *sin_out = FromBits(ToBits(ysin1 + ysin2) ^ sign_sin);
  *cos_out = FromBits(ToBits(yc + ys) ^ sign_cos);
}

// torch's normal_fill_16_AVX2 on d[0..16): Box-Muller on 8 pairs of
// uniforms, then * std + mean (fused).
void NormalBlock16(float* d, float mean, float std) {
  const float two_pi = static_cast<float>(2.0 * M_PI);
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.f - d[j];
    const float u2 = d[j + 8];
    const float theta = two_pi * u2;
    const float radius = std::sqrt(-2.f * AvxLog(u1));
    float sn, cs;
    AvxSinCos(theta, &sn, &cs);
    d[j] = std::fma(radius * cs, std, mean);
    d[j + 8] = std::fma(radius * sn, std, mean);
  }
}

}  // namespace

void NormalFloat32(float* p, int64_t n, Generator& gen, double mean,
                   double std) {
  gen.WillChange();
  const float fm = static_cast<float>(mean), fs = static_cast<float>(std);
  if (n < 16) {
    for (int64_t i = 0; i < n; ++i) {
      p[i] = static_cast<float>(std::fma(gen.Normal(), std, mean));
    }
    return;
  }
  // torch's vectorized path: uniforms first, Box-Muller on blocks of 16;
  // a ragged tail redoes the last 16 from fresh uniforms.
  for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(gen.UniformFloat());
  for (int64_t i = 0; i + 16 <= n; i += 16) NormalBlock16(p + i, fm, fs);
  if (n % 16 != 0) {
    float* tail = p + n - 16;
    for (int j = 0; j < 16; ++j)
      tail[j] = static_cast<float>(gen.UniformFloat());
    NormalBlock16(tail, fm, fs);
  }
}

std::vector<double> StandardNormals(int64_t n, Generator& gen, DType dtype) {
  gen.WillChange();
  std::vector<double> v(static_cast<size_t>(n) * (IsComplex(dtype) ? 2 : 1));
  if (v.size() >= 16 && !IsComplex(dtype)) {
    // torch's vectorized path: uniforms first, then Box–Muller on blocks of
    // 16 (8 pairs); a ragged tail redoes the last 16.
    const bool f32 = dtype == DType::kFloat32;
    for (double& x : v) x = f32 ? gen.UniformFloat() : gen.UniformDouble();
    auto block = [&](size_t i) {
      for (size_t j = 0; j < 8; ++j) {
        const double u1 = 1 - v[i + j];
        const double u2 = v[i + j + 8];
        const double radius = std::sqrt(-2 * std::log(u1));
        const double theta = 2.0 * M_PI * u2;
        v[i + j] = radius * std::cos(theta);
        v[i + j + 8] = radius * std::sin(theta);
      }
    };
    for (size_t i = 0; i + 16 <= v.size(); i += 16) block(i);
    if (v.size() % 16 != 0) {
      const size_t start = v.size() - 16;
      for (size_t j = 0; j < 16; ++j)
        v[start + j] = f32 ? gen.UniformFloat() : gen.UniformDouble();
      block(start);
    }
  } else {
    for (double& x : v) x = gen.Normal();
  }
  return v;
}

StatusOrTensor Randn(const Shape& shape, Generator& gen, DType dtype) {
  if (!IsDifferentiable(dtype)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"normal_kernel_cpu\" not implemented for '",
                     DTypeShortName(dtype), "'"));
  }
  TENSORD_ASSIGN_OR_RETURN(int64_t n, CheckShape(shape));
  TENSORD_ASSIGN_OR_RETURN(Tensor out, Empty(shape, dtype));
  if (dtype == DType::kFloat32) {
    NormalFloat32(out.data<float>(), n, gen, 0.0, 1.0);
    return out;
  }
  if (dtype == DType::kComplex64) {
    // torch: a float32 normal of the 2n real values, std 1/sqrt(2).
    NormalFloat32(reinterpret_cast<float*>(out.data<complex64>()), 2 * n, gen,
                  0.0, M_SQRT1_2);
    return out;
  }
  if (dtype == DType::kComplex128) {
    // torch: a float64 normal of the 2n real values with std 1 / sqrt(2)
    // computed as a division (one ulp below M_SQRT1_2).
    const std::vector<double> v = StandardNormals(2 * n, gen, DType::kFloat64);
    const double sd = 1.0 / std::sqrt(2.0);
    complex128* p = out.data<complex128>();
    for (int64_t i = 0; i < n; ++i) {
      p[i] = complex128(v[2 * i] * sd, v[2 * i + 1] * sd);
    }
    return out;
  }
  const std::vector<double> v = StandardNormals(n, gen, dtype);
  TENSORD_DISPATCH_ALL(dtype, T, {
    if constexpr (std::is_floating_point_v<T>) {
      for (int64_t i = 0; i < n; ++i) out.data<T>()[i] = static_cast<T>(v[i]);
    }
  });
  return out;
}

}  // namespace tensord
