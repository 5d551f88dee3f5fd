#include "core/gemm.h"

#include <cblas.h>
#include <dlfcn.h>
#include <dnnl.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

// The reference (Fortran) BLAS interface, which torch calls.
extern "C" {
void sgemm_(const char* transa, const char* transb, const int* m, const int* n,
            const int* k, const float* alpha, const float* a, const int* lda,
            const float* b, const int* ldb, const float* beta, float* c,
            const int* ldc);
void dgemm_(const char* transa, const char* transb, const int* m, const int* n,
            const int* k, const double* alpha, const double* a, const int* lda,
            const double* b, const int* ldb, const double* beta, double* c,
            const int* ldc);
void sgemv_(const char* trans, const int* m, const int* n, const float* alpha,
            const float* a, const int* lda, const float* x, const int* incx,
            const float* beta, float* y, const int* incy);
void dgemv_(const char* trans, const int* m, const int* n, const double* alpha,
            const double* a, const int* lda, const double* x, const int* incx,
            const double* beta, double* y, const int* incy);
}

namespace tensord {
namespace {

// One BLAS product at a time in the whole process. OpenBLAS runs each
// product on its process-wide team (a thread per core, as under PyTorch,
// whose bits depend on it): two sessions' products at once put twice as
// many threads as cores on the machine, and each product waits for its
// descheduled half. Queued instead, each runs on free cores (measured: the
// MLP step of script/bench concurrent, 2 and 4 clients, 2-3x the steps per
// second). Results are unchanged. Products OpenBLAS runs on the calling
// thread alone (below its threading thresholds, OpenBLAS 0.3's
// interface/gemm.c and gemv.c) do not queue, so a small product never
// waits behind another session's large one.
std::mutex& BlasGate() {
  static std::mutex* m = new std::mutex();
  return *m;
}

// Holds the gate for a product of `work` multiply-adds (gemm: m*n*k; gemv:
// m*n) if OpenBLAS would run it on its team, that is above `threshold`.
class GateIfThreaded {
 public:
  GateIfThreaded(double work, double threshold) {
    if (work > threshold) lock_ = std::unique_lock<std::mutex>(BlasGate());
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

// OpenBLAS's: 65536 * GEMM_MULTITHREAD_THRESHOLD (4) multiply-adds for
// gemm, 2304 * 4 elements of the matrix for gemv.
constexpr double kGemmThreaded = 65536.0 * 4;
constexpr double kGemvThreaded = 2304.0 * 4;

// OpenBLAS's single-threaded build of the same release (Debian's
// libopenblas0-serial), for float32 products whose bits do not depend on
// OpenBLAS's thread count: with k up to the kernel's k-block (GEMM_Q),
// every element is one sum in k order in both builds (the threaded driver
// splits only m and n; past GEMM_Q it cuts the k blocks differently).
// Such a product then runs on the calling thread, without waking the
// process-wide team and without waiting for another session's product on
// it. Measured equal, bit for bit, to the threaded build's over 6,100
// random shapes with k <= 320 and all four transpose cases, and different
// from k = 321 on (OpenBLAS 0.3.21, Cooperlake kernels). float64 products
// differ between the builds even for small k, so they never come here.
using SgemmFn = decltype(&sgemm_);
struct SerialBlas {
  SgemmFn sgemm = nullptr;
  int64_t max_k = 0;  // the k-block of the kernels both builds picked
};

// The "OpenBLAS 0.3.21 ... Cooperlake ..." of a build: its release and
// kernels, without its threading words.
[[maybe_unused]] std::string BuildKey(const char* config) {
  std::string key;
  std::string_view c(config);
  while (!c.empty()) {
    const size_t sp = c.find(' ');
    const std::string_view word = c.substr(0, sp);
    if (word != "SINGLE_THREADED" && word.substr(0, 12) != "MAX_THREADS=") {
      key.append(word).push_back(' ');
    }
    c = sp == std::string_view::npos ? std::string_view() : c.substr(sp + 1);
  }
  return key;
}

const SerialBlas& Serial() {
  static const SerialBlas* serial = [] {
    auto* r = new SerialBlas();
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return r;  // the sanitizers' runtimes refuse RTLD_DEEPBIND
#else
    const char* off = std::getenv("TENSORD_SERIAL_BLAS");
    if (off != nullptr && std::string_view(off) == "0") return r;
    // The threaded build in use, and the serial one beside it
    // (.../openblas-pthread/ and .../openblas-serial/).
    Dl_info info;
    if (dladdr(reinterpret_cast<void*>(&sgemm_), &info) == 0 ||
        info.dli_fname == nullptr) {
      return r;
    }
    char real[PATH_MAX];
    if (realpath(info.dli_fname, real) == nullptr) return r;
    constexpr std::string_view kThreaded = "/openblas-pthread";
    std::string dir(real);
    dir = dir.substr(0, dir.rfind('/'));
    if (!std::string_view(dir).ends_with(kThreaded)) return r;
    const std::string path = dir.substr(0, dir.size() - kThreaded.size()) +
                             "/openblas-serial/libopenblas.so.0";
    // Its own symbols first (RTLD_DEEPBIND): its buffers and tables must
    // not bind to the threaded build's.
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (h == nullptr) return r;
    using ConfigFn = char* (*)();
    auto ours =
        reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    auto theirs = reinterpret_cast<ConfigFn>(dlsym(h, "openblas_get_config"));
    auto core = reinterpret_cast<ConfigFn>(dlsym(h, "openblas_get_corename"));
    auto fn = reinterpret_cast<SgemmFn>(dlsym(h, "sgemm_"));
    if (ours == nullptr || theirs == nullptr || core == nullptr ||
        fn == nullptr || BuildKey(ours()) != BuildKey(theirs()) ||
        std::string_view(theirs()).find("OpenBLAS 0.3.21 ") != 0) {
      return r;
    }
    // The k-block of the kernels measured (others: not used).
    if (std::strcmp(core(), "Cooperlake") == 0) r->max_k = 320;
    if (r->max_k > 0) r->sgemm = fn;
    return r;
#endif
  }();
  return *serial;
}

// The serial build has no locks of its own (USE_THREAD=0): one product at
// a time on it, alongside the threaded build's.
std::mutex& SerialGate() {
  static std::mutex* m = new std::mutex();
  return *m;
}

// Above this many multiply-adds a product on the serial build is worth
// the team's two threads when they are free.
constexpr double kSerialAlways = 1 << 25;

void BlasGemm(const char* ta, const char* tb, const int* m, const int* n,
              const int* k, const float* alpha, const float* a, const int* lda,
              const float* b, const int* ldb, const float* beta, float* c,
              const int* ldc) {
  const double work = static_cast<double>(*m) * *n * *k;
  const SerialBlas& serial = Serial();
  if (work > kGemmThreaded && serial.sgemm != nullptr && *k <= serial.max_k) {
    // On the calling thread (the same bits): always for a product the
    // team would spend more time waking than computing; for a larger one
    // when the team is busy with another session's product.
    std::unique_lock<std::mutex> team(BlasGate(), std::defer_lock);
    if (work <= kSerialAlways || !team.try_lock()) {
      const std::lock_guard<std::mutex> one(SerialGate());
      serial.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      return;
    }
    sgemm_(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const GateIfThreaded gate(work, kGemmThreaded);
  sgemm_(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void BlasGemm(const char* ta, const char* tb, const int* m, const int* n,
              const int* k, const double* alpha, const double* a,
              const int* lda, const double* b, const int* ldb,
              const double* beta, double* c, const int* ldc) {
  const GateIfThreaded gate(static_cast<double>(*m) * *n * *k, kGemmThreaded);
  dgemm_(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

bool UseOneDnn() {
  static const bool use = [] {
    const char* force = std::getenv("TENSORD_GEMM");
    return !(force != nullptr && std::string_view(force) == "openblas");
  }();
  return use;
}

// Below this many multiply-adds a product is too small to be worth
// threads or JIT dispatch.
constexpr int64_t kSmallGemm = 32 * 32 * 32;

void BlasGemv(const char* t, const int* m, const int* n, const float* alpha,
              const float* a, const int* lda, const float* x, const int* incx,
              const float* beta, float* y, const int* incy) {
  const GateIfThreaded gate(static_cast<double>(*m) * *n, kGemvThreaded);
  sgemv_(t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

void BlasGemv(const char* t, const int* m, const int* n, const double* alpha,
              const double* a, const int* lda, const double* x, const int* incx,
              const double* beta, double* y, const int* incy) {
  const GateIfThreaded gate(static_cast<double>(*m) * *n, kGemvThreaded);
  dgemv_(t, m, n, alpha, a, lda, x, incx, beta, y, incy);
}

}  // namespace

const char* GemmF32Kernel() { return UseOneDnn() ? "onednn" : "openblas"; }

bool SerialSgemmAvailable() { return Serial().sgemm != nullptr; }

void GemmF32(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
             const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
             int64_t ldc) {
  if (UseOneDnn() && m * n * k >= kSmallGemm) {
    if (!trans_a && trans_b && 4 * m <= n) {
      // oneDNN is slow for a @ b^T with few rows (the x @ W^T of a backward
      // pass): compute (a @ b^T)^T = b @ a^T, which it does well, and
      // transpose the small result.
      std::vector<float> t(static_cast<size_t>(n * m));
      if (dnnl_sgemm('N', 'T', n, m, k, 1.0f, b, ldb, a, lda, 0.0f, t.data(),
                     m) == dnnl_success) {
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = t[j * m + i];
        }
        return;
      }
    }
    const dnnl_status_t st =
        dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, 1.0f, a,
                   lda, b, ldb, 0.0f, c, ldc);
    if (st == dnnl_success) return;
    // oneDNN refuses only malformed arguments, which the callers rule out;
    // fall through to OpenBLAS rather than return garbage.
  }
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b,
              ldb, 0.0f, c, ldc);
}

template <typename T>
void TorchGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k,
               T alpha, const T* a, int64_t lda, const T* b, int64_t ldb,
               T beta, T* c, int64_t ldc) {
  // torch's normalize_last_dims: a dimension of 1 makes its stride moot,
  // and BLAS wants it at least the rows.
  if (n == 1) ldc = m;
  if (trans_a) {
    if (m == 1) lda = k;
  } else if (k == 1) {
    lda = m;
  }
  if (trans_b) {
    if (k == 1) ldb = n;
  } else if (n == 1) {
    ldb = k;
  }
  const bool fits = m <= INT_MAX && n <= INT_MAX && k <= INT_MAX &&
                    lda <= INT_MAX && ldb <= INT_MAX && ldc <= INT_MAX &&
                    lda >= std::max<int64_t>(1, trans_a ? k : m) &&
                    ldb >= std::max<int64_t>(1, trans_b ? n : k) &&
                    ldc >= std::max<int64_t>(1, m);
  if (fits) {
    const char ta = trans_a ? 'T' : 'N', tb = trans_b ? 'T' : 'N';
    const int mi = static_cast<int>(m), ni = static_cast<int>(n),
              ki = static_cast<int>(k), ldai = static_cast<int>(lda),
              ldbi = static_cast<int>(ldb), ldci = static_cast<int>(ldc);
    BlasGemm(&ta, &tb, &mi, &ni, &ki, &alpha, a, &ldai, b, &ldbi, &beta, c,
             &ldci);
    return;
  }
  // Beyond BLAS's int arguments (torch falls back to its own loops too).
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t i = 0; i < m; ++i) {
      T acc = T(0);
      for (int64_t p = 0; p < k; ++p) {
        acc += (trans_a ? a[i * lda + p] : a[p * lda + i]) *
               (trans_b ? b[p * ldb + j] : b[j * ldb + p]);
      }
      T& out = c[j * ldc + i];
      out = beta == T(0) ? alpha * acc : beta * out + alpha * acc;
    }
  }
}

template void TorchGemm<float>(bool, bool, int64_t, int64_t, int64_t, float,
                               const float*, int64_t, const float*, int64_t,
                               float, float*, int64_t);
template void TorchGemm<double>(bool, bool, int64_t, int64_t, int64_t, double,
                                const double*, int64_t, const double*, int64_t,
                                double, double*, int64_t);

template <typename T>
void TorchGemv(bool trans, int64_t m, int64_t n, T alpha, const T* a,
               int64_t lda, const T* x, int64_t incx, T beta, T* y,
               int64_t incy) {
  if (n == 1) lda = m;
  const int64_t ny = trans ? n : m;
  if (beta == T(0)) std::fill_n(y, ny == 0 ? 0 : 1 + (ny - 1) * incy, T(0));
  if (m <= INT_MAX && n <= INT_MAX && lda <= INT_MAX && incx > 0 &&
      incx <= INT_MAX && incy > 0 && incy <= INT_MAX &&
      lda >= std::max<int64_t>(1, m)) {
    const char t = trans ? 'T' : 'N';
    const int mi = static_cast<int>(m), ni = static_cast<int>(n),
              ldai = static_cast<int>(lda), incxi = static_cast<int>(incx),
              incyi = static_cast<int>(incy);
    BlasGemv(&t, &mi, &ni, &alpha, a, &ldai, x, &incxi, &beta, y, &incyi);
    return;
  }
  for (int64_t i = 0; i < ny; ++i) {
    T acc = T(0);
    const int64_t len = trans ? m : n;
    for (int64_t p = 0; p < len; ++p) {
      acc += (trans ? a[i * lda + p] : a[p * lda + i]) * x[p * incx];
    }
    y[i * incy] = beta == T(0) ? alpha * acc : beta * y[i * incy] + alpha * acc;
  }
}

template void TorchGemv<float>(bool, int64_t, int64_t, float, const float*,
                               int64_t, const float*, int64_t, float, float*,
                               int64_t);
template void TorchGemv<double>(bool, int64_t, int64_t, double, const double*,
                                int64_t, const double*, int64_t, double,
                                double*, int64_t);

}  // namespace tensord
