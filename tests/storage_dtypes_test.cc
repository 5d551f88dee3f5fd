// float16, bfloat16, int8, uint8 and int16: conversions as PyTorch makes
// them on x86, promotion, wrap-around, gradients and in-place ops through
// RunOp (core/storage_dtypes.cc). Expected values are PyTorch 1.13's.
#include "core/storage_dtypes.h"

#include <cmath>
#include <limits>

#include "core/autograd.h"
#include "core/op_table.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "gtest/gtest.h"

namespace tensord {
namespace {

template <typename T>
T Ok(absl::StatusOr<T> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : T();
}

Tensor Make(std::vector<double> v, DType dt) {
  return Ok(FromDoubles(v, {static_cast<int64_t>(v.size())}, dt));
}

Tensor RunOne(const std::string& op, std::vector<Tensor> in,
              AttrMap attrs = {}) {
  OpContext ctx;
  auto out = RunOp(op, in, attrs, ctx);
  EXPECT_TRUE(out.ok()) << op << ": " << out.status();
  return out.ok() ? (*out)[0] : Tensor();
}

TEST(StorageDTypesTest, SixteenBitFloatsRoundToNearestEven) {
  EXPECT_EQ(Half(0.1f).bits, 0x2E66);
  EXPECT_EQ(static_cast<float>(Half(0.1f)), 0.0999755859375f);
  EXPECT_TRUE(std::isinf(static_cast<float>(Half(65520.f))));  // overflow
  EXPECT_EQ(static_cast<float>(Half(65519.f)), 65504.f);
  EXPECT_EQ(static_cast<float>(BFloat16(0.1f)), 0.10009765625f);
  EXPECT_EQ(BFloat16(std::numeric_limits<float>::quiet_NaN()).bits, 0x7FC0);
  // 1 + 2^-8 is halfway between two bfloat16 values: to even (1.0).
  EXPECT_EQ(static_cast<float>(BFloat16(1.00390625f)), 1.0f);
  EXPECT_EQ(static_cast<float>(BFloat16(1.01171875f)), 1.015625f);
}

TEST(StorageDTypesTest, FloatsToSmallIntegersAsX86Converts) {
  // torch.tensor([1e10, -1.5, 300.7, -129., nan]).to(int8 / uint8 / int16)
  const Tensor x = Make({1e10, -1.5, 300.7, -129.0, NAN}, DType::kFloat32);
  EXPECT_EQ(Ok(To(x, DType::kInt8)).ToInts(),
            (std::vector<int64_t>{0, -1, 44, 127, 0}));
  EXPECT_EQ(Ok(To(x, DType::kUInt8)).ToInts(),
            (std::vector<int64_t>{0, 255, 44, 127, 0}));
  EXPECT_EQ(Ok(To(x, DType::kInt16)).ToInts(),
            (std::vector<int64_t>{0, -1, 300, -129, 0}));
}

TEST(StorageDTypesTest, PromotionFollowsTorch) {
  EXPECT_EQ(PromoteTypes(DType::kUInt8, DType::kInt8), DType::kInt16);
  EXPECT_EQ(PromoteTypes(DType::kFloat16, DType::kBFloat16), DType::kFloat32);
  EXPECT_EQ(PromoteTypes(DType::kBool, DType::kUInt8), DType::kUInt8);
  EXPECT_EQ(PromoteTypes(DType::kInt16, DType::kInt32), DType::kInt32);
  EXPECT_EQ(PromoteTypes(DType::kFloat16, DType::kInt64), DType::kFloat16);
  EXPECT_EQ(PromoteTypes(DType::kFloat16, DType::kFloat32), DType::kFloat32);
}

TEST(StorageDTypesTest, IntegerArithmeticWrapsAndPromotes) {
  const Tensor a = Make({100, -128}, DType::kInt8);
  Tensor s = RunOne("add", {a, a});
  EXPECT_EQ(s.dtype(), DType::kInt8);
  EXPECT_EQ(s.ToInts(), (std::vector<int64_t>{-56, 0}));
  const Tensor u = Make({200, 1}, DType::kUInt8);
  Tensor m = RunOne("add", {u, a});
  EXPECT_EQ(m.dtype(), DType::kInt16);
  EXPECT_EQ(m.ToInts(), (std::vector<int64_t>{300, -127}));
  Tensor n = RunOne("neg", {u});
  EXPECT_EQ(n.dtype(), DType::kUInt8);
  EXPECT_EQ(n.ToInts(), (std::vector<int64_t>{56, 255}));
  Tensor l = RunOne("add", {a, Make({1, 1}, DType::kInt64)});
  EXPECT_EQ(l.dtype(), DType::kInt64);
  EXPECT_EQ(l.ToInts(), (std::vector<int64_t>{101, -127}));
  Tensor sum = RunOne("sum", {u});
  EXPECT_EQ(sum.dtype(), DType::kInt64);  // torch sums integers in int64
  EXPECT_EQ(sum.ToInts(), (std::vector<int64_t>{201}));
  EXPECT_EQ(RunOne("argmax", {u}).dtype(), DType::kInt64);
}

TEST(StorageDTypesTest, IndexInputsDoNotPromote) {
  const Tensor u = Make({5, 6, 7}, DType::kUInt8);
  const Tensor idx = Make({2, 0}, DType::kInt64);
  Tensor g = RunOne("index_select", {u, idx}, {{"dim", int64_t{0}}});
  EXPECT_EQ(g.dtype(), DType::kUInt8);
  EXPECT_EQ(g.ToInts(), (std::vector<int64_t>{7, 5}));
  Tensor adv =
      RunOne("index.advanced", {u, idx}, {{"index", std::string("@")}});
  EXPECT_EQ(adv.dtype(), DType::kUInt8);
}

TEST(StorageDTypesTest, ErrorsNameTheCallersDType) {
  OpContext ctx;
  auto r = RunOp("mean", {Make({1, 2}, DType::kInt8)}, {}, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "mean(): could not infer output dtype. Input dtype must be either "
            "a floating point or complex dtype. Got: Char");
}

TEST(StorageDTypesTest, ExplicitDTypeCreatesAndAnotherKeepsItsOwn) {
  Tensor z =
      RunOne("zeros", {},
             {{"size", std::vector<int64_t>{3}}, {"dtype", DType::kFloat16}});
  EXPECT_EQ(z.dtype(), DType::kFloat16);
  const Tensor h = Make({1.5, 2.25}, DType::kFloat16);
  Tensor s = RunOne("sum", {h}, {{"dtype", DType::kFloat64}});
  EXPECT_EQ(s.dtype(), DType::kFloat64);
  EXPECT_EQ(s.item().to_double(), 3.75);
}

TEST(StorageDTypesTest, NanToNumUsesTheDTypesRange) {
  const Tensor h = Make({INFINITY, -INFINITY, NAN}, DType::kFloat16);
  EXPECT_EQ(RunOne("nan_to_num", {h}).ToDoubles(),
            (std::vector<double>{65504, -65504, 0}));
}

TEST(StorageDTypesTest, GradientsOfAFloat16LeafAreFloat16) {
  Tensor x = Make({1, 2}, DType::kFloat16);
  ASSERT_TRUE(x.set_requires_grad(true).ok());
  for (int pass = 1; pass <= 2; ++pass) {
    Tensor y = RunOne("sum", {RunOne("mul", {x, x})});
    EXPECT_EQ(y.dtype(), DType::kFloat16);
    EXPECT_EQ(y.grad_fn_name(), "SumBackward0");
    ASSERT_TRUE(Backward(y).ok());
    const Tensor g = x.grad();
    ASSERT_TRUE(g.defined());
    EXPECT_EQ(g.dtype(), DType::kFloat16);
    EXPECT_EQ(g.ToDoubles(), (std::vector<double>{2.0 * pass, 4.0 * pass}));
  }
}

TEST(StorageDTypesTest, InPlaceOpsWriteThroughViews) {
  Tensor x = Make({1, 2, 3}, DType::kFloat16);
  OpContext ctx;
  auto v = RunOp(
      "narrow", {x},
      {{"dim", int64_t{0}}, {"start", int64_t{1}}, {"length", int64_t{2}}},
      ctx);
  ASSERT_TRUE(v.ok()) << v.status();
  const int64_t before = x.version();
  Tensor r = RunOne("mul_", {(*v)[0], WrapScalar(Scalar(2.0))});
  EXPECT_TRUE(r.is_same((*v)[0]));
  EXPECT_EQ(x.ToDoubles(), (std::vector<double>{1, 4, 6}));
  EXPECT_GT(x.version(), before);
  // A leaf that requires grad refuses, and keeps its values.
  Tensor leaf = Make({1, 2}, DType::kFloat16);
  ASSERT_TRUE(leaf.set_requires_grad(true).ok());
  auto bad = RunOp("add_", {leaf, WrapScalar(Scalar(1.0))}, {}, ctx);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(leaf.ToDoubles(), (std::vector<double>{1, 2}));
}

TEST(ScalarRangeTest, OverflowIsCheckedAsPyTorchChecksIt) {
  // c10::overflows: integers by range (uint8 takes negatives down to
  // -255), floats by finite range (inf and NaN fit), bool never.
  EXPECT_TRUE(ScalarOverflows(Scalar(int64_t{300}), DType::kUInt8));
  EXPECT_FALSE(ScalarOverflows(Scalar(int64_t{-255}), DType::kUInt8));
  EXPECT_TRUE(ScalarOverflows(Scalar(int64_t{-256}), DType::kUInt8));
  EXPECT_TRUE(ScalarOverflows(Scalar(-1.0), DType::kUInt8));
  EXPECT_TRUE(ScalarOverflows(Scalar(int64_t{-129}), DType::kInt8));
  EXPECT_FALSE(ScalarOverflows(Scalar(int64_t{300}), DType::kInt16));
  EXPECT_TRUE(ScalarOverflows(Scalar(int64_t{1} << 40), DType::kInt32));
  EXPECT_FALSE(ScalarOverflows(Scalar(int64_t{1} << 40), DType::kInt64));
  EXPECT_TRUE(ScalarOverflows(Scalar(1e39), DType::kInt64));
  EXPECT_TRUE(ScalarOverflows(Scalar(1e6), DType::kFloat16));
  EXPECT_FALSE(ScalarOverflows(Scalar(1e6), DType::kBFloat16));
  EXPECT_TRUE(ScalarOverflows(Scalar(1e39), DType::kFloat32));
  EXPECT_FALSE(ScalarOverflows(Scalar(INFINITY), DType::kFloat16));
  EXPECT_FALSE(ScalarOverflows(Scalar(1e39), DType::kBool));
}

TEST(ScalarRangeTest, FillRefusesAndLeavesTheTensorAlone) {
  const Tensor u = Make({1, 2}, DType::kUInt8);
  OpContext ctx;
  auto r = RunOp("fill_", {u}, {{"value", Scalar(int64_t{300})}}, ctx);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "value cannot be converted to type uint8_t without overflow");
  EXPECT_EQ(u.ToInts(), (std::vector<int64_t>{1, 2}));
  // An integer bound becomes a uint8 value first: -5 is 251.
  EXPECT_EQ(RunOne("clamp_min", {u}, {{"min", Scalar(int64_t{-5})}}).ToInts(),
            (std::vector<int64_t>{251, 251}));
}

TEST(DefaultDTypeTest, TheGuardSetsWhatFloatsAreMadeIn) {
  const Tensor ints = Make({1, 2}, DType::kInt64);
  {
    DefaultFloatGuard f64(DType::kFloat64);
    EXPECT_EQ(DefaultFloat(), DType::kFloat64);
    EXPECT_EQ(RunOne("zeros", {}, {{"size", std::vector<int64_t>{2}}}).dtype(),
              DType::kFloat64);
    Tensor half = RunOne("div", {ints, WrapScalar(Scalar(int64_t{2}))});
    EXPECT_EQ(half.dtype(), DType::kFloat64);
    EXPECT_EQ(RunOne("mul", {ints, WrapScalar(Scalar(2.5))}).dtype(),
              DType::kFloat64);
    // A float32 tensor stays float32 (a Python float does not promote it).
    EXPECT_EQ(
        RunOne("mul", {Make({1}, DType::kFloat32), WrapScalar(Scalar(2.5))})
            .dtype(),
        DType::kFloat32);
  }
  EXPECT_EQ(DefaultFloat(), DType::kFloat32);
  EXPECT_EQ(RunOne("zeros", {}, {{"size", std::vector<int64_t>{2}}}).dtype(),
            DType::kFloat32);
}

}  // namespace
}  // namespace tensord
