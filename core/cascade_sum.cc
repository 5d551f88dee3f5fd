// cascade_sum.cc — float and double sums in PyTorch's order of additions.
//
// A float32 sum printed with .item() shows every bit, so a training loss
// only prints as PyTorch prints it when its sum adds the same values in the
// same order. PyTorch's CPU sum (ATen's cascade sum, AVX2 build: vectors of
// 32 bytes) walks the input as a TensorIterator does: reduced dims first
// (by input stride), kept dims after them (by output stride), adjacent dims
// coalesced, then a 2-d loop per outer index. Inside it sums vectors of
// lanes with four independent accumulators (ILP) and a four-level cascade
// (chunks of 2^k rows summed from zero, chunk sums summed in chunks, ...),
// which is accurate for long rows too. This file reproduces that order in
// its own code: the arithmetic, and so the rounding, is PyTorch's.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <vector>

#include "core/loops.h"
#include "core/ops_internal.h"

// The vectors below are 32 bytes; passing them by value between this
// file's internal functions without AVX is fine (GCC notes that the ABI
// would differ from an AVX build's, which only matters across files).
#pragma GCC diagnostic ignored "-Wpsabi"

namespace tensord {
namespace {

// Lanes of a 32-byte vector.
template <typename T>
constexpr int kLanes = 32 / sizeof(T);

// A vector of lanes (GCC's vector extension: lane-wise IEEE adds, one or
// two instructions each).
template <typename T>
struct VecOf;
template <>
struct VecOf<float> {
  typedef float type __attribute__((vector_size(32)));
};
template <>
struct VecOf<double> {
  typedef double type __attribute__((vector_size(32)));
};
template <typename T>
using Vec = typename VecOf<T>::type;

#define TD_INLINE __attribute__((always_inline)) inline

template <typename T>
TD_INLINE void AddTo(T& a, const T& b) {
  a += b;
}

int64_t CeilLog2(int64_t x) {
  int64_t r = 0;
  while ((int64_t{1} << r) < x) ++r;
  return r;
}

// Sums `size` rows of N accumulators (load(i, k): row i, column k) with the
// four-level cascade: level 0 sums 2^p rows, then carries into level 1, and
// a level carries on when its count of chunks reaches a multiple of 2^p.
template <typename A, int N, typename Load>
TD_INLINE std::array<A, N> MultiRowSum(const Load& load, int64_t size) {
  constexpr int kLevels = 4;
  const int64_t power = std::max<int64_t>(4, CeilLog2(size) / kLevels);
  const int64_t step = int64_t{1} << power;
  const int64_t mask = step - 1;
  std::array<std::array<A, N>, kLevels> acc{};
  int64_t i = 0;
  while (i + step <= size) {
    for (int64_t j = 0; j < step; ++j, ++i) {
      for (int k = 0; k < N; ++k) AddTo(acc[0][k], load(i, k));
    }
    for (int j = 1; j < kLevels; ++j) {
      for (int k = 0; k < N; ++k) {
        AddTo(acc[j][k], acc[j - 1][k]);
        acc[j - 1][k] = A{};
      }
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < size; ++i) {
    for (int k = 0; k < N; ++k) AddTo(acc[0][k], load(i, k));
  }
  for (int j = 1; j < kLevels; ++j) {
    for (int k = 0; k < N; ++k) AddTo(acc[0][k], acc[j][k]);
  }
  return acc[0];
}

// One row of `size` values (load(i)) as four interleaved accumulators.
template <typename A, typename Load>
TD_INLINE A RowSum(const Load& load, int64_t size) {
  constexpr int kIlp = 4;
  const int64_t rows = size / kIlp;
  std::array<A, kIlp> part = MultiRowSum<A, kIlp>(
      [&](int64_t i, int k) { return load(i * kIlp + k); }, rows);
  for (int64_t i = rows * kIlp; i < size; ++i) AddTo(part[0], load(i));
  for (int k = 1; k < kIlp; ++k) AddTo(part[0], part[k]);
  return part[0];
}

template <typename T>
TD_INLINE Vec<T> LoadVec(const T* p) {
  Vec<T> r;
  std::memcpy(&r, p, sizeof(r));
  return r;
}

// The hot loops, inlined into one function per type that is compiled for
// AVX-512, AVX2 and baseline x86-64 (the loader picks): each covers a range
// of independent outputs, so that threads can share the work without
// changing any sum.

// Contiguous inner reduction of rows [jb, je): vectors along the row, then
// the tail elements, then the lanes.
template <typename T>
TD_INLINE void InnerRows(const T* in, T* out, int64_t in1, int64_t out_stride,
                         int64_t size0, int64_t jb, int64_t je) {
  constexpr int V = kLanes<T>;
  const int64_t vecs = size0 / V;
  for (int64_t j = jb; j < je; ++j) {
    const T* row = in + j * in1;
    const Vec<T> acc =
        RowSum<Vec<T>>([&](int64_t i) { return LoadVec(row + i * V); }, vecs);
    T total = 0;
    for (int64_t k = vecs * V; k < size0; ++k) total += row[k];
    for (int k = 0; k < V; ++k) total += acc[k];
    out[j * out_stride] += total;
  }
}

// Contiguous outer reduction of columns [jb, je), four vectors of them at a
// time (jb and je multiples of 4 vectors).
template <typename T>
TD_INLINE void OuterWide(const T* in, T* out, int64_t in0, int64_t out_stride,
                         int64_t size0, int64_t jb, int64_t je) {
  constexpr int V = kLanes<T>, kRows = 4;
  for (int64_t j = jb; j < je; j += kRows * V) {
    const T* base = in + j;
    const std::array<Vec<T>, kRows> s = MultiRowSum<Vec<T>, kRows>(
        [&](int64_t i, int k) { return LoadVec(base + i * in0 + k * V); },
        size0);
    for (int k = 0; k < kRows; ++k) {
      for (int l = 0; l < V; ++l) out[(j + k * V + l) * out_stride] += s[k][l];
    }
  }
}

// The level-0 sums (from zero) of chunks [cb, ce) of one long contiguous
// row seen as rows of four vectors, `step` such rows per chunk.
// (sums: [chunks][4][lanes] values, no alignment assumed.)
template <typename T>
TD_INLINE void ChunkSums(const T* row, int64_t step, int64_t cb, int64_t ce,
                         T* sums) {
  constexpr int V = kLanes<T>;
  for (int64_t c = cb; c < ce; ++c) {
    std::array<Vec<T>, 4> acc{};
    for (int64_t i = c * step; i < (c + 1) * step; ++i) {
      for (int k = 0; k < 4; ++k) acc[k] += LoadVec(row + (i * 4 + k) * V);
    }
    std::memcpy(sums + c * 4 * V, acc.data(), sizeof(acc));
  }
}

#define TD_KERNELS(T, S)                                                     \
  TENSORD_MULTIVERSION void InnerRows##S(const T* in, T* out, int64_t in1,   \
                                         int64_t os, int64_t size0,          \
                                         int64_t jb, int64_t je) {           \
    InnerRows<T>(in, out, in1, os, size0, jb, je);                           \
  }                                                                          \
  TENSORD_MULTIVERSION void OuterWide##S(const T* in, T* out, int64_t in0,   \
                                         int64_t os, int64_t size0,          \
                                         int64_t jb, int64_t je) {           \
    OuterWide<T>(in, out, in0, os, size0, jb, je);                           \
  }                                                                          \
  TENSORD_MULTIVERSION void ChunkSums##S(const T* row, int64_t step,         \
                                         int64_t cb, int64_t ce, T* sums) {  \
    ChunkSums<T>(row, step, cb, ce, sums);                                   \
  }                                                                          \
  void Kernel(const T* in, T* out, int64_t in1, int64_t os, int64_t size0,   \
              int64_t jb, int64_t je, bool inner) {                          \
    if (inner) {                                                             \
      InnerRows##S(in, out, in1, os, size0, jb, je);                         \
    } else {                                                                 \
      OuterWide##S(in, out, in1, os, size0, jb, je);                         \
    }                                                                        \
  }                                                                          \
  void Chunks(const T* row, int64_t step, int64_t cb, int64_t ce, T* sums) { \
    ChunkSums##S(row, step, cb, ce, sums);                                   \
  }
TD_KERNELS(float, F32)
TD_KERNELS(double, F64)
#undef TD_KERNELS

// One long contiguous row (size0 values): RowSum's order with the level-0
// chunks of its cascade summed in parallel and then carried up the levels
// in order, as MultiRowSum carries them.
template <typename T>
T LongRowSum(const T* row, int64_t size0) {
  constexpr int V = kLanes<T>, kLevels = 4;
  const int64_t vecs = size0 / V, rows = vecs / 4;
  const int64_t power = std::max<int64_t>(4, CeilLog2(rows) / kLevels);
  const int64_t step = int64_t{1} << power, mask = step - 1;
  const int64_t chunks = rows / step;
  std::vector<T> sums(chunks * 4 * V);
  ParallelFor(chunks, step * 4 * V, [&](int64_t b, int64_t e) {
    Chunks(row, step, b, e, sums.data());
  });
  std::array<std::array<Vec<T>, 4>, kLevels> acc{};
  int64_t i = 0;
  for (int64_t c = 0; c < chunks; ++c) {
    for (int k = 0; k < 4; ++k) acc[0][k] = LoadVec(&sums[(c * 4 + k) * V]);
    i += step;
    for (int j = 1; j < kLevels; ++j) {
      for (int k = 0; k < 4; ++k) {
        acc[j][k] += acc[j - 1][k];
        acc[j - 1][k] = Vec<T>{};
      }
      if ((i & (mask << (j * power))) != 0) break;
    }
  }
  for (; i < rows; ++i) {
    for (int k = 0; k < 4; ++k) acc[0][k] += LoadVec(row + (i * 4 + k) * V);
  }
  for (int j = 1; j < kLevels; ++j) {
    for (int k = 0; k < 4; ++k) acc[0][k] += acc[j][k];
  }
  Vec<T> part = acc[0][0];
  for (int64_t v = rows * 4; v < vecs; ++v) part += LoadVec(row + v * V);
  for (int k = 1; k < 4; ++k) part += acc[0][k];
  T total = 0;
  for (int64_t k = vecs * V; k < size0; ++k) total += row[k];
  for (int k = 0; k < V; ++k) total += part[k];
  return total;
}

// The 2-d loop: size0 x size1 elements of `in` (strides in elements) added
// into `out` (strides 0 where reduced).
template <typename T>
void Loop2d(const T* in, T* out, int64_t in0, int64_t in1, int64_t out0,
            int64_t out1, int64_t size0, int64_t size1) {
  if (out0 != 0 && out1 == 0) {  // the reduced dim first
    std::swap(in0, in1);
    std::swap(out0, out1);
    std::swap(size0, size1);
  }
  if (out0 != 0 && out1 != 0) {  // nothing reduced here
    for (int64_t j = 0; j < size1; ++j) {
      for (int64_t i = 0; i < size0; ++i) {
        out[j * out1 + i * out0] += in[j * in1 + i * in0];
      }
    }
    return;
  }
  constexpr int V = kLanes<T>;
  const int64_t out_stride = out1;
  if (in0 == 1 && size0 >= V) {
    if (size1 == 1 && size0 >= 4 * kParallelGrain) {
      out[0] += LongRowSum(in, size0);
      return;
    }
    // out_stride may be 0 (every row into one value): then in order.
    ParallelFor(out_stride == 0 ? 1 : size1, size0, [&](int64_t b, int64_t e) {
      if (out_stride == 0) e = size1;
      Kernel(in, out, in1, out_stride, size0, b, e, true);
    });
  } else if (in1 == 1 && size1 >= V) {
    // Contiguous outer reduction: columns side by side, four vectors of
    // them at a time, then one vector, then single columns.
    constexpr int kRows = 4;
    const int64_t groups = size1 / (kRows * V);
    ParallelFor(groups, size0 * kRows * V, [&](int64_t b, int64_t e) {
      Kernel(in, out, in0, out_stride, size0, b * kRows * V, e * kRows * V,
             false);
    });
    int64_t j = groups * kRows * V;
    for (; j + V <= size1; j += V) {
      const T* base = in + j;
      const Vec<T> s = RowSum<Vec<T>>(
          [&](int64_t i) { return LoadVec(base + i * in0); }, size0);
      for (int l = 0; l < V; ++l) out[(j + l) * out_stride] += s[l];
    }
    for (; j < size1; ++j) {
      const T* base = in + j;
      out[j * out_stride] +=
          RowSum<T>([&](int64_t i) { return base[i * in0]; }, size0);
    }
  } else if (in0 < in1) {
    for (int64_t j = 0; j < size1; ++j) {
      const T* row = in + j * in1;
      out[j * out_stride] +=
          RowSum<T>([&](int64_t i) { return row[i * in0]; }, size0);
    }
  } else {
    constexpr int kRows = 4;
    int64_t j = 0;
    for (; j + kRows - 1 < size1; j += kRows) {
      const T* base = in + j * in1;
      const std::array<T, kRows> s = MultiRowSum<T, kRows>(
          [&](int64_t i, int k) { return base[i * in0 + k * in1]; }, size0);
      for (int k = 0; k < kRows; ++k) out[(j + k) * out_stride] += s[k];
    }
    for (; j < size1; ++j) {
      const T* base = in + j * in1;
      out[j * out_stride] +=
          RowSum<T>([&](int64_t i) { return base[i * in0]; }, size0);
    }
  }
}

struct IterDim {
  int64_t size, in, out;
};

// TensorIterator's order of dims for a reduction: starting from the last
// dim, an insertion sort that puts reduced dims (output stride 0) first and
// otherwise orders by the output's strides, then the input's.
std::vector<IterDim> IterationOrder(const std::vector<IterDim>& dims) {
  const int64_t n = static_cast<int64_t>(dims.size());
  auto should_swap = [&](int64_t d0, int64_t d1) {
    const IterDim& a = dims[d0];
    const IterDim& b = dims[d1];
    if ((a.out == 0) != (b.out == 0)) return b.out == 0 ? 1 : -1;
    for (const auto& [s0, s1] : {std::pair{a.out, b.out}, {a.in, b.in}}) {
      if (s0 == 0 || s1 == 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (a.size > b.size) return 1;
    }
    return 0;
  };
  std::vector<IterDim> ordered;
  for (int64_t p : TorchDimOrder(n, should_swap)) ordered.push_back(dims[p]);
  // Coalesce neighbours that are one dim in both tensors.
  std::vector<IterDim> out;
  for (const IterDim& d : ordered) {
    if (!out.empty()) {
      IterDim& prev = out.back();
      const bool can =
          prev.size == 1 || d.size == 1 ||
          (prev.size * prev.in == d.in && prev.size * prev.out == d.out);
      if (can) {
        if (prev.size == 1) {
          prev.in = d.in;
          prev.out = d.out;
        }
        prev.size *= d.size;
        continue;
      }
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace

template <typename T>
void CascadeSum(const T* in, const Shape& sizes, const Shape& in_strides,
                const Shape& out_strides, T* out, int64_t out_numel) {
  std::fill_n(out, out_numel, T(0));
  for (int64_t s : sizes) {
    if (s == 0) return;
  }
  std::vector<IterDim> dims;
  for (size_t d = 0; d < sizes.size(); ++d) {
    dims.push_back({sizes[d], in_strides[d], out_strides[d]});
  }
  dims = IterationOrder(dims);
  while (dims.size() < 2) dims.push_back({1, 0, 0});
  const IterDim d0 = dims[0], d1 = dims[1];
  // The outer dims, the first fastest.
  std::vector<int64_t> idx(dims.size(), 0);
  while (true) {
    int64_t in_off = 0, out_off = 0;
    for (size_t k = 2; k < dims.size(); ++k) {
      in_off += idx[k] * dims[k].in;
      out_off += idx[k] * dims[k].out;
    }
    Loop2d<T>(in + in_off, out + out_off, d0.in, d1.in, d0.out, d1.out, d0.size,
              d1.size);
    size_t k = 2;
    for (; k < dims.size(); ++k) {
      if (++idx[k] < dims[k].size) break;
      idx[k] = 0;
    }
    if (k == dims.size()) break;
  }
}

template void CascadeSum<float>(const float*, const Shape&, const Shape&,
                                const Shape&, float*, int64_t);
template void CascadeSum<double>(const double*, const Shape&, const Shape&,
                                 const Shape&, double*, int64_t);

}  // namespace tensord
