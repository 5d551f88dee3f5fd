// core_bench — Google Benchmark cases for tensord's core ops.
//
// bench/torch_core.py times the same cases (same names, shapes, dtypes and
// per-iteration work) in PyTorch; `script/bench core` runs both and prints
// the comparison. Keep the two files in step when adding or changing a case.
//
// Every case reports wall-clock (UseRealTime) time per iteration: the ops
// use all cores through OpenMP, so CPU time would overstate the cost.
// Inputs are made once per process (not per benchmark run) and reused.
//
//   core_bench --benchmark_format=json --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/autograd.h"
#include "core/gemm.h"
#include "core/ops.h"
#include "core/tensor.h"

namespace tensord {
namespace {

// Setup failures are bugs: report and stop.
Tensor Must(absl::StatusOr<Tensor> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "core_bench: %s: %s\n", what,
                 r.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(r);
}

#define BENCH_CONCAT_INNER_(a, b) a##b
#define BENCH_CONCAT_(a, b) BENCH_CONCAT_INNER_(a, b)

// Inside the timing loop: on error, mark the run failed and leave the loop.
#define BENCH_TRY(lhs, expr) \
  BENCH_TRY_IMPL_(BENCH_CONCAT_(bench_so_, __LINE__), lhs, expr)
#define BENCH_TRY_IMPL_(so, lhs, expr)                   \
  auto so = (expr);                                      \
  if (!so.ok()) {                                        \
    state.SkipWithError(so.status().ToString().c_str()); \
    break;                                               \
  }                                                      \
  lhs = *std::move(so)

#define BENCH_TRY_STATUS(expr)                          \
  if (absl::Status bench_st = (expr); !bench_st.ok()) { \
    state.SkipWithError(bench_st.ToString().c_str());   \
    break;                                              \
  }

Generator& Gen() {
  static Generator* g = new Generator(0);
  return *g;
}

Tensor RandF(const Shape& shape) { return Must(Rand(shape, Gen()), "rand"); }

// One 4096x4096 input shared by the reductions, scans and broadcast mul.
const Tensor& Big4096() {
  static const Tensor* t = new Tensor(RandF({4096, 4096}));
  return *t;
}

constexpr int64_t k16M = int64_t{16} << 20;

void MatmulCase(benchmark::State& state, int64_t n) {
  const Tensor a = RandF({n, n});
  const Tensor b = RandF({n, n});
  for (auto _ : state) {
    BENCH_TRY(Tensor c, tensord::Matmul(a, b));
    benchmark::DoNotOptimize(c);
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * double(n) * double(n) * double(n),
                         benchmark::Counter::kIsIterationInvariantRate);
}

void Add16M(benchmark::State& state) {
  static const Tensor x = RandF({k16M});
  static const Tensor y = RandF({k16M});
  for (auto _ : state) {
    BENCH_TRY(Tensor z, Add(x, y));  // freshly allocated result, as `x + y`
    benchmark::DoNotOptimize(z);
  }
  state.SetBytesProcessed(state.iterations() * 3 * k16M *
                          int64_t{sizeof(float)});
}

void MulBroadcast(benchmark::State& state) {
  const Tensor& a = Big4096();
  static const Tensor v = RandF({4096});
  for (auto _ : state) {
    BENCH_TRY(Tensor z, Mul(a, v));
    benchmark::DoNotOptimize(z);
  }
  state.SetBytesProcessed(state.iterations() * 2 * a.nbytes());
}

void SumDims(benchmark::State& state, DimList dims) {
  const Tensor& a = Big4096();
  for (auto _ : state) {
    BENCH_TRY(Tensor s, Sum(a, dims));
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(state.iterations() * a.nbytes());
}

void CumsumDim(benchmark::State& state, int64_t dim) {
  const Tensor& a = Big4096();
  for (auto _ : state) {
    BENCH_TRY(Tensor s, Cumsum(a, dim));
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(state.iterations() * 2 * a.nbytes());
}

// y = 2 * dot(x, x); y.backward(); x.grad = None — autograd overhead.
void DotBackward(benchmark::State& state) {
  Tensor x = RandF({4});
  if (absl::Status st = x.set_requires_grad(true); !st.ok()) {
    state.SkipWithError(st.ToString().c_str());
    return;
  }
  for (auto _ : state) {
    BENCH_TRY(Tensor d, Dot(x, x));
    BENCH_TRY(Tensor y, Mul(d, WrapScalar(Scalar(int64_t{2}))));  // 2 * d
    BENCH_TRY_STATUS(Backward(y));
    x.set_grad(Tensor());
  }
}

// 3-layer MLP (no bias), batch 64, 1024 wide, relu between layers,
// loss = sum(output); forward + backward, grads reset each iteration.
void Mlp(benchmark::State& state) {
  constexpr int64_t kBatch = 64, kWidth = 1024;
  const Tensor x = RandF({kBatch, kWidth});
  std::vector<Tensor> w;
  for (int i = 0; i < 3; ++i) {
    // randn / 32 keeps activations in a sane range.
    Tensor r = Must(Randn({kWidth, kWidth}, Gen()), "randn");
    Tensor s = Must(Mul(r, WrapScalar(Scalar(1.0 / 32))), "scale");
    if (absl::Status st = s.set_requires_grad(true); !st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      return;
    }
    w.push_back(s);
  }
  for (auto _ : state) {
    BENCH_TRY(Tensor h1, tensord::Matmul(x, w[0]));
    BENCH_TRY(Tensor a1, Relu(h1));
    BENCH_TRY(Tensor h2, tensord::Matmul(a1, w[1]));
    BENCH_TRY(Tensor a2, Relu(h2));
    BENCH_TRY(Tensor h3, tensord::Matmul(a2, w[2]));
    BENCH_TRY(Tensor loss, Sum(h3));
    BENCH_TRY_STATUS(Backward(loss));
    for (Tensor& t : w) t.set_grad(Tensor());
  }
}

// logits [256, 1000] (requiring grad), int64 targets: cross_entropy
// forward and backward (log_softmax + nll_loss), grad reset each iteration.
void SoftmaxCrossEntropy(benchmark::State& state) {
  constexpr int64_t kBatch = 256, kClasses = 1000;
  Tensor logits = RandF({kBatch, kClasses});
  if (absl::Status st = logits.set_requires_grad(true); !st.ok()) {
    state.SkipWithError(st.ToString().c_str());
    return;
  }
  const Tensor target =
      Must(RandInt(0, kClasses, {kBatch}, Gen(), DType::kInt64), "randint");
  for (auto _ : state) {
    BENCH_TRY(Tensor loss, CrossEntropy(logits, target, Tensor(),
                                        Reduction::kMean, -100, 0.0));
    BENCH_TRY_STATUS(Backward(loss));
    logits.set_grad(Tensor());
  }
}

void SortDim1(benchmark::State& state) {
  static const Tensor a = RandF({1024, 1024});
  for (auto _ : state) {
    BENCH_TRY(auto r, Sort(a, 1, false));
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * a.nbytes());
}

// 2048 random rows of a [4096, 1024] tensor.
void IndexSelectRows(benchmark::State& state) {
  static const Tensor a = RandF({4096, 1024});
  static const Tensor idx =
      Must(RandInt(0, 4096, {2048}, Gen(), DType::kInt64), "randint");
  for (auto _ : state) {
    BENCH_TRY(Tensor r, IndexSelect(a, 0, idx));
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * 2048 * 1024 *
                          int64_t{sizeof(float)});
}

// out[i][j] = a[i][idx[i][j]] for a [1024, 1024], idx [1024, 512].
void GatherDim1(benchmark::State& state) {
  static const Tensor a = RandF({1024, 1024});
  static const Tensor idx =
      Must(RandInt(0, 1024, {1024, 512}, Gen(), DType::kInt64), "randint");
  for (auto _ : state) {
    BENCH_TRY(Tensor r, Gather(a, 1, idx));
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * 1024 * 512 *
                          int64_t{sizeof(float)});
}

// A small CNN, batch 32 of 3x32x32: conv 3->16 (3x3, pad 1), relu,
// max_pool 2, conv 16->32 (3x3, pad 1), relu, max_pool 2, linear 2048->10
// (with bias), loss = sum(output); forward + backward, grads reset each
// iteration.
void Cnn(benchmark::State& state) {
  const Tensor x = RandF({32, 3, 32, 32});
  auto param = [&](const Shape& shape, double scale) {
    Tensor r = Must(Randn(shape, Gen()), "randn");
    Tensor s = Must(Mul(r, WrapScalar(Scalar(scale))), "scale");
    (void)s.set_requires_grad(true);
    return s;
  };
  std::vector<Tensor> p = {param({16, 3, 3, 3}, 0.2),  param({16}, 0.1),
                           param({32, 16, 3, 3}, 0.1), param({32}, 0.1),
                           param({10, 2048}, 0.02),    param({10}, 0.1)};
  for (auto _ : state) {
    BENCH_TRY(Tensor c1, Conv(2, x, p[0], p[1], {1}, {1}, {1}, 1));
    BENCH_TRY(Tensor r1, Relu(c1));
    BENCH_TRY(auto m1, MaxPool2d(r1, {2}, {}, {0}, {1}, false));
    BENCH_TRY(Tensor c2, Conv(2, m1.first, p[2], p[3], {1}, {1}, {1}, 1));
    BENCH_TRY(Tensor r2, Relu(c2));
    BENCH_TRY(auto m2, MaxPool2d(r2, {2}, {}, {0}, {1}, false));
    BENCH_TRY(Tensor flat, Reshape(m2.first, {32, 2048}));
    BENCH_TRY(Tensor out, Linear(flat, p[4], p[5]));
    BENCH_TRY(Tensor loss, Sum(out));
    BENCH_TRY_STATUS(Backward(loss));
    for (Tensor& t : p) t.set_grad(Tensor());
  }
}

void Register(const std::string& name,
              std::function<void(benchmark::State&)> fn) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [fn](benchmark::State& s) { fn(s); })
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

void RegisterAll() {
  for (int64_t n : {256, 1024, 2048}) {
    Register("matmul_" + std::to_string(n),
             [n](benchmark::State& s) { MatmulCase(s, n); });
  }
  Register("add_16M", Add16M);
  Register("mul_bcast_4096x4096_4096", MulBroadcast);
  Register("sum_all_4096x4096", [](benchmark::State& s) { SumDims(s, {}); });
  Register("sum_dim0_4096x4096", [](benchmark::State& s) { SumDims(s, {0}); });
  Register("sum_dim1_4096x4096", [](benchmark::State& s) { SumDims(s, {1}); });
  Register("cumsum_dim0_4096x4096",
           [](benchmark::State& s) { CumsumDim(s, 0); });
  Register("cumsum_dim1_4096x4096",
           [](benchmark::State& s) { CumsumDim(s, 1); });
  Register("dot_fwd_bwd_4", DotBackward);
  Register("mlp3_fwd_bwd_1024_b64", Mlp);
  Register("cross_entropy_fwd_bwd_256x1000", SoftmaxCrossEntropy);
  Register("sort_dim1_1024x1024", SortDim1);
  Register("index_select_2048_of_4096x1024", IndexSelectRows);
  Register("gather_dim1_1024x1024_512", GatherDim1);
  Register("cnn_fwd_bwd_b32", Cnn);
}

}  // namespace
}  // namespace tensord

int main(int argc, char** argv) {
  tensord::RegisterAll();
  benchmark::AddCustomContext("gemm_kernel", tensord::GemmF32Kernel());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
