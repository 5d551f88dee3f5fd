// loops.h — the strided iteration that every elementwise kernel uses.
//
// ForEachRow walks a shape with N operands (each with its own element
// strides, 0 for a broadcast dim), after merging dims that are contiguous
// for every operand, and calls the body once per innermost row:
//
//   ForEachRow<2>(shape, {out_strides, in_strides},
//       [&](const std::array<int64_t, 2>& off, int64_t n,
//           const std::array<int64_t, 2>& step) { ... });
//
// Rows are distributed over the OpenMP threads when the work is large, so
// kernels get both cores without a dtype switch or call per element.
#ifndef TENSORD_CORE_LOOPS_H_
#define TENSORD_CORE_LOOPS_H_

#include <omp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace tensord {

// Marks a hot loop to be compiled for AVX-512, AVX2 and baseline x86-64,
// with the loader choosing per CPU (GCC function multiversioning), so one
// binary runs anywhere and still uses wide vectors where they exist.
// Not under ThreadSanitizer: the loader runs the (instrumented) ifunc
// resolver while relocating, before TSan's runtime is set up, and it crashes.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__)
#define TENSORD_MULTIVERSION \
  __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TENSORD_MULTIVERSION
#endif

// Work (elements) below which kernels stay on one thread.
inline constexpr int64_t kParallelGrain = 1 << 15;

// Number of threads for `work` elements.
inline int ThreadsFor(int64_t work) {
  if (work < kParallelGrain) return 1;
  int t = omp_get_max_threads();
  int64_t by_work = work / kParallelGrain;
  return static_cast<int>(by_work < t ? by_work : t);
}

// One OpenMP team at a time for the whole process. Sessions run on gRPC's
// threads; if each opened a team, K concurrent sessions would put 2K
// threads on the cores (and OpenMP's waiting workers spin). A kernel that
// finds another team running stays on its calling thread instead, so
// concurrent sessions share the cores, and a kernel inside another's
// parallel body never nests a team.
class ParallelScope {
 public:
  // `want` threads if no other team runs now, else 1.
  explicit ParallelScope(int want) {
    if (want > 1) {
      int expected = 0;
      if (Active().compare_exchange_strong(expected, 1,
                                           std::memory_order_acquire)) {
        threads_ = want;
        owns_ = true;
      }
    }
  }
  ~ParallelScope() {
    if (owns_) Active().store(0, std::memory_order_release);
  }
  ParallelScope(const ParallelScope&) = delete;
  ParallelScope& operator=(const ParallelScope&) = delete;
  int threads() const { return threads_; }

 private:
  static std::atomic<int>& Active() {
    static std::atomic<int> active{0};
    return active;
  }
  int threads_ = 1;
  bool owns_ = false;
};

// Calls f(begin, end) over [0, n) split across threads.
template <typename F>
void ParallelFor(int64_t n, int64_t work_per_item, F&& f) {
  if (n < 2) {
    f(int64_t{0}, n);
    return;
  }
  const ParallelScope scope(ThreadsFor(n * work_per_item));
  const int threads = scope.threads();
  if (threads <= 1) {
    f(int64_t{0}, n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t nt = omp_get_num_threads();
    const int64_t id = omp_get_thread_num();
    const int64_t chunk = (n + nt - 1) / nt;
    const int64_t b = id * chunk;
    const int64_t e = b + chunk < n ? b + chunk : n;
    if (b < e) f(b, e);
  }
}

template <size_t N, typename Body>
void ForEachRow(const Shape& shape, const std::array<Shape, N>& strides,
                Body&& body) {
  // The dims in the first operand's memory order (its largest stride
  // first) when it is laid out densely but not row-major, as torch's
  // iterator walks a result that keeps its input's layout; row-major
  // otherwise.
  std::array<size_t, 16> ord_buf;
  std::vector<size_t> ord_big;
  size_t* ord = shape.size() <= ord_buf.size()
                    ? ord_buf.data()
                    : (ord_big.resize(shape.size()), ord_big.data());
  bool sorted = true, positive = true;
  int64_t last = -1;
  for (size_t d = 0; d < shape.size(); ++d) {
    ord[d] = d;
    if (shape[d] == 1) continue;
    const int64_t s = strides[0][d];
    if (s <= 0) positive = false;
    if (last >= 0 && s > last) sorted = false;
    last = s;
  }
  if (!sorted && positive) {
    std::stable_sort(ord, ord + shape.size(), [&](size_t a, size_t b) {
      return strides[0][a] > strides[0][b];
    });
  }
  // Merge dims and drop size-1 dims.
  Shape sz;
  std::array<Shape, N> st;
  for (size_t i = 0; i < shape.size(); ++i) {
    const size_t d = ord[i];
    if (shape[d] == 1) continue;
    if (shape[d] == 0) return;
    bool merge = !sz.empty();
    if (merge) {
      for (size_t k = 0; k < N; ++k) {
        if (st[k].back() != strides[k][d] * shape[d]) {
          merge = false;
          break;
        }
      }
    }
    if (merge) {
      sz.back() *= shape[d];
      for (size_t k = 0; k < N; ++k) st[k].back() = strides[k][d];
    } else {
      sz.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) st[k].push_back(strides[k][d]);
    }
  }
  std::array<int64_t, N> step{};
  if (sz.empty()) {  // a single element
    std::array<int64_t, N> off{};
    body(off, int64_t{1}, step);
    return;
  }
  const int64_t nd = static_cast<int64_t>(sz.size());
  const int64_t inner = sz[nd - 1];
  for (size_t k = 0; k < N; ++k) step[k] = st[k][nd - 1];
  int64_t rows = 1;
  for (int64_t d = 0; d < nd - 1; ++d) rows *= sz[d];
  if (rows == 1) {
    // One long row: split it across threads.
    ParallelFor(inner, 1, [&](int64_t b, int64_t e) {
      std::array<int64_t, N> off;
      for (size_t k = 0; k < N; ++k) off[k] = b * step[k];
      body(off, e - b, step);
    });
    return;
  }
  ParallelFor(rows, inner, [&](int64_t rb, int64_t re) {
    for (int64_t r = rb; r < re; ++r) {
      std::array<int64_t, N> off{};
      int64_t rem = r;
      for (int64_t d = nd - 2; d >= 0; --d) {
        const int64_t i = rem % sz[d];
        rem /= sz[d];
        for (size_t k = 0; k < N; ++k) off[k] += i * st[k][d];
      }
      body(off, inner, step);
    }
  });
}

// Strides of `t` seen through a broadcast to `shape` (0 on expanded dims).
inline Shape BroadcastStrides(const Tensor& t, const Shape& shape) {
  Shape out(shape.size(), 0);
  const int64_t off = static_cast<int64_t>(shape.size()) - t.dim();
  for (int64_t d = 0; d < t.dim(); ++d) {
    out[off + d] = t.sizes()[d] == 1 ? 0 : t.strides()[d];
  }
  return out;
}

// Applies `f` over the broadcast of a and b (both already of type T) into
// `out` (fresh, contiguous, of type O).
template <typename T, typename O, typename F>
void RunBinary(const Tensor& a, const Tensor& b, const Tensor& out, F f) {
  const Shape& shape = out.sizes();
  std::array<Shape, 3> strides = {out.strides(), BroadcastStrides(a, shape),
                                  BroadcastStrides(b, shape)};
  O* po = out.data<O>();
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  ForEachRow<3>(shape, strides,
                [&](const std::array<int64_t, 3>& off, int64_t n,
                    const std::array<int64_t, 3>& s) {
                  O* o = po + off[0];
                  const T* x = pa + off[1];
                  const T* y = pb + off[2];
                  if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
                    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], y[i]);
                  } else if (s[0] == 1 && s[1] == 1 && s[2] == 0) {
                    const T yv = *y;
                    for (int64_t i = 0; i < n; ++i) o[i] = f(x[i], yv);
                  } else if (s[0] == 1 && s[1] == 0 && s[2] == 1) {
                    const T xv = *x;
                    for (int64_t i = 0; i < n; ++i) o[i] = f(xv, y[i]);
                  } else {
                    for (int64_t i = 0; i < n; ++i)
                      o[i * s[0]] = f(x[i * s[1]], y[i * s[2]]);
                  }
                });
}

}  // namespace tensord

#endif  // TENSORD_CORE_LOOPS_H_
