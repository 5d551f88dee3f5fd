// regression_test.cc — every bug the fuzz targets found, kept fixed.
//
// ReplayTest runs each saved input of tests/fuzz/regressions/<target>/
// through that target's own code (its invariants abort on a violation; in
// the sanitizer builds ASan/UBSan report what the fix removed). The other
// cases state each bug's expected behaviour readably, so a plain build
// checks it too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/op_table.h"
#include "core/ops.h"
#include "server/convert.h"
#include "tests/fuzz/fuzz_session.h"

extern "C" int FuzzOne_decode_tensor(const uint8_t* data, size_t size);
extern "C" int FuzzOne_execute(const uint8_t* data, size_t size);
extern "C" int FuzzOne_snapshot(const uint8_t* data, size_t size);

namespace tensord {
namespace {

namespace fs = std::filesystem;

TEST(ReplayTest, EverySavedInputPassesItsTarget) {
  int replayed = 0;
  for (const auto& [target, fn] :
       std::vector<std::pair<std::string, int (*)(const uint8_t*, size_t)>>{
           {"decode_tensor", FuzzOne_decode_tensor},
           {"execute", FuzzOne_execute},
           {"snapshot", FuzzOne_snapshot}}) {
    const fs::path dir = fs::path(TENSORD_FUZZ_REGRESSIONS) / target;
    if (!fs::exists(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      // Printed first: an invariant that breaks aborts the process.
      std::fprintf(stderr, "replaying %s\n", entry.path().c_str());
      fn(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  EXPECT_GT(replayed, 0);
}

v1::TensorData Wire(v1::DType dtype, const std::vector<int64_t>& shape,
                    const std::string& bytes = "") {
  v1::TensorData d;
  d.set_dtype(dtype);
  for (int64_t n : shape) d.add_shape(n);
  d.set_data(bytes);
  return d;
}

// Found by decode_tensor: an empty tensor (a 0 in its shape) with huge other
// dims passed every check, and its contiguous strides overflowed int64
// (signed overflow, undefined behaviour) in ContiguousStrides.
TEST(DecodeTensorRegressionTest, EmptyTensorWhoseStridesOverflowIsRefused) {
  server::TensorLimits limits;
  const int64_t big = int64_t{1} << 40;
  absl::StatusOr<Tensor> t =
      server::DecodeTensor(Wire(v1::DTYPE_FLOAT32, {0, big, big}), limits);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()),
              ::testing::HasSubstr("tensor of shape [0, 1099511627776, "
                                   "1099511627776] has too many elements"));
  EXPECT_EQ(Zeros({big, 0, big}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Empty with large dims whose strides fit is fine.
  absl::StatusOr<Tensor> ok =
      server::DecodeTensor(Wire(v1::DTYPE_COMPLEX64, {0, big}), limits);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->numel(), 0);
  EXPECT_EQ(ok->strides(), Shape({big, 1}));
}

// Found by execute: arange's element count was a double cast to int64
// before it was bounded (undefined for 2.8e180), and integer bounds like
// [-2^62, 2^62) overflowed `end - start`.
TEST(ArangeRegressionTest, HugeRangesAreRefusedNotOverflowed) {
  absl::StatusOr<Tensor> f =
      Arange(Scalar(0.0), Scalar(2.77732e180), Scalar(1.0), std::nullopt);
  EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(f.status().message(), "arange: too many elements (2.77732e+180)");
  const int64_t big = int64_t{1} << 62;
  absl::StatusOr<Tensor> i =
      Arange(Scalar(-big), Scalar(big), Scalar(int64_t{1}), std::nullopt);
  EXPECT_EQ(i.status().code(), absl::StatusCode::kInvalidArgument);
  // Elements far apart: start + step * i must not overflow, although
  // step * i alone does (3 * 2^62 for the last one).
  const int64_t min = std::numeric_limits<int64_t>::min();
  const int64_t max = std::numeric_limits<int64_t>::max();
  absl::StatusOr<Tensor> three =
      Arange(Scalar(min + 1), Scalar(max), Scalar(big / 2 * 3), std::nullopt);
  ASSERT_TRUE(three.ok()) << three.status();
  ASSERT_EQ(three->numel(), 3);
  EXPECT_EQ(three->data<int64_t>()[2], big + 1);
}

// Found by execute: autograd.grad added the client's n_outputs and n_inputs
// (1 + 2^63-1 overflowed) before comparing them with the tensor count.
TEST(AutogradGradRegressionTest, HugeCountsAreRefusedNotOverflowed) {
  Tensor x = *FromDoubles({1.0}, {1}, DType::kFloat32);
  ASSERT_TRUE(x.set_requires_grad(true).ok());
  OpContext ctx;
  for (const auto& [no, ni] : std::vector<std::pair<int64_t, int64_t>>{
           {1, std::numeric_limits<int64_t>::max()},
           {std::numeric_limits<int64_t>::max(), 1},
           {1, std::numeric_limits<int64_t>::min()}}) {
    absl::StatusOr<std::vector<Tensor>> r = RunOp(
        "autograd.grad", {x, x}, {{"n_outputs", no}, {"n_inputs", ni}}, ctx);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument)
        << no << " " << ni;
  }
}

// Found by execute: split_with_sizes summed the client's sizes unchecked
// (1 + 2^63-1 overflowed).
TEST(SplitRegressionTest, SizesSummingPastInt64AreRefused) {
  Tensor x = *FromDoubles({1, 2, 3}, {3}, DType::kFloat32);
  auto r = SplitWithSizes(x, {1, std::numeric_limits<int64_t>::max()}, 0);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  auto ok = SplitWithSizes(x, {1, 2}, 0);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->size(), 2u);
}

// Found by execute: Tensor::ToInts went through double, and INT64_MAX
// rounded to 2^63, outside int64 (one_hot of it).
TEST(ToIntsRegressionTest, Int64ExtremesComeBackExactly) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  Tensor t = *FromInts({max, min, 3}, {3}, DType::kInt64);
  EXPECT_EQ(t.ToInts(), (std::vector<int64_t>{max, min, 3}));
  Tensor f = *FromDoubles({1e30, -2.5, std::nan("")}, {3}, DType::kFloat64);
  EXPECT_EQ(f.ToInts(), (std::vector<int64_t>{min, -2, min}));
}

// Found by execute: integer ops overflowed (signed overflow is undefined
// behaviour in C++); like PyTorch's, they wrap around in two's complement.
TEST(IntegerWrapRegressionTest, Int64OpsWrapAround) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  Tensor big = *FromInts({max, min}, {2}, DType::kInt64);
  auto values = [](const absl::StatusOr<Tensor>& t) {
    EXPECT_TRUE(t.ok()) << t.status();
    std::vector<int64_t> v;
    if (!t.ok()) return v;
    const std::string bytes = ToBytes(*t);  // row-major
    v.resize(bytes.size() / sizeof(int64_t));
    std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(values(Neg(big)), V({min + 1, min}));
  EXPECT_EQ(values(Abs(big)), V({max, min}));
  EXPECT_EQ(values(Add(big, big)), V({-2, 0}));
  EXPECT_EQ(values(Sub(big, WrapScalar(Scalar(int64_t{-1})))),
            V({min, min + 1}));
  EXPECT_EQ(values(Mul(big, big)), V({1, 0}));
  EXPECT_EQ(values(Pow(big, WrapScalar(Scalar(int64_t{2})))), V({1, 0}));
  EXPECT_EQ(values(Dot(big, big)), V({1}));
  EXPECT_EQ(values(Prod(big)), V({min}));
  EXPECT_EQ(values(Cumprod(big, 0)), V({max, min}));
  EXPECT_EQ(values(Sum(*FromInts({max, 1}, {2}, DType::kInt64))), V({min}));
}

// Found by execute: node 0 (matmul of a leaf requiring grad, kept) ran,
// node 1 failed, and the session's graph_bytes stayed higher: the leaf's
// weak reference to its new AccumulateGrad kept make_shared's block, and
// with it the charge, after the rolled-back graph died.
TEST(ExecuteRegressionTest, FailedExecuteLeavesGraphBytesAsTheyWere) {
  std::unique_ptr<server::Session> session = fuzz::NewFuzzSession();
  const std::string before = fuzz::SessionState(*session);
  v1::Session info_before;
  session->Describe(&info_before);
  v1::ExecuteRequest request;
  v1::OpNode* matmul = request.add_nodes();
  matmul->set_op("matmul");
  matmul->add_inputs()->set_name("M");
  matmul->add_inputs()->set_name("M");
  matmul->set_keep(true);
  v1::OpNode* bad = request.add_nodes();
  bad->set_op("neg");
  bad->add_inputs()->set_handle("no-such-handle");
  v1::ExecuteResponse response;
  const absl::Status status = session->Execute(request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  v1::Session info_after;
  session->Describe(&info_after);
  EXPECT_EQ(info_after.graph_bytes(), info_before.graph_bytes());
  EXPECT_EQ(info_after.bytes(), info_before.bytes());
  EXPECT_EQ(fuzz::SessionState(*session), before);
}

// A float that does not fit the integer type converts as x86 (and so
// PyTorch on x86) converts it, instead of being undefined behaviour.
TEST(FloatToIntTest, OutOfRangeAndNaNGiveTheMinimum) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(FloatToInt<int64_t>(-2.7), -2);
  EXPECT_EQ(FloatToInt<int64_t>(nan), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(FloatToInt<int64_t>(1e30), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(FloatToInt<int32_t>(1e10f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(FloatToInt<int32_t>(-2147483648.0),
            std::numeric_limits<int32_t>::min());
  EXPECT_EQ(FloatToInt<int32_t>(2147483647.0), 2147483647);
  EXPECT_EQ(Scalar(1e300).to_int(), std::numeric_limits<int64_t>::min());
}

}  // namespace
}  // namespace tensord
