// tensor_safety_test.cc — the one constructor of tensors (MakeTensor) and
// the ops whose shapes a client controls.
//
// Each case states a geometry and what MakeTensor must say; the op cases
// are the hostile-client report's reproductions on the core alone. A view
// that MakeTensor accepted is also checked element by element: every
// element's byte range lies inside its storage.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "core/op_table.h"
#include "core/ops.h"
#include "core/tensor.h"

namespace tensord {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Nothing outside MakeTensor can make a TensorImpl: its Key has a private
// constructor, and the impl cannot be copied.
static_assert(!std::is_default_constructible_v<TensorImpl::Key>);
static_assert(!std::is_copy_constructible_v<TensorImpl>);

struct GeometryCase {
  const char* name;
  Shape sizes, strides;
  int64_t offset;
  size_t storage_bytes;  // float32 storage
  absl::StatusCode code;
  const char* message;  // a substring of the error ("" when OK)
};

class MakeTensorTest : public ::testing::TestWithParam<GeometryCase> {};

// Every element of an accepted tensor lies inside its storage (checked by
// walking all of them, in 128-bit arithmetic; for a large expanded view,
// its last element, the farthest one with non-negative strides).
void ExpectInside(const Tensor& t) {
  const int64_t n = t.numel();
  if (n > (1 << 20)) {
    __int128 last = t.storage_offset();
    for (int64_t d = 0; d < t.dim(); ++d) {
      last += static_cast<__int128>(t.size(d) - 1) * t.strides()[d];
    }
    ASSERT_LE((last + 1) * 4, static_cast<__int128>(t.storage()->nbytes()));
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    __int128 off = t.storage_offset(), rest = i;
    for (int64_t d = t.dim() - 1; d >= 0; --d) {
      off += static_cast<__int128>(rest % t.size(d)) * t.strides()[d];
      rest /= t.size(d);
    }
    ASSERT_GE(off, 0);
    ASSERT_LE((off + 1) * 4, static_cast<__int128>(t.storage()->nbytes()));
  }
}

TEST_P(MakeTensorTest, RefusesWhatLiesOutsideItsStorage) {
  const GeometryCase& c = GetParam();
  auto storage = std::make_shared<Storage>(c.storage_bytes);
  absl::StatusOr<Tensor> t =
      MakeTensor(storage, DType::kFloat32, c.sizes, c.strides, c.offset);
  EXPECT_EQ(t.status().code(), c.code) << t.status();
  if (t.ok()) {
    ExpectInside(*t);
  } else {
    EXPECT_THAT(std::string(t.status().message()), HasSubstr(c.message));
  }
}

constexpr auto kOk = absl::StatusCode::kOk;
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
constexpr auto kExhausted = absl::StatusCode::kResourceExhausted;

INSTANTIATE_TEST_SUITE_P(
    Table, MakeTensorTest,
    ::testing::Values(
        GeometryCase{"Contiguous", {2, 3}, {3, 1}, 0, 24, kOk, ""},
        GeometryCase{"Scalar", {}, {}, 0, 4, kOk, ""},
        GeometryCase{
            "ScalarPastTheEnd", {}, {}, 1, 4, kInvalid, "out of bounds"},
        GeometryCase{"LastElementOnePast",
                     {2, 3},
                     {3, 1},
                     1,
                     24,
                     kInvalid,
                     "out of bounds"},
        GeometryCase{"Expanded", {1000, 3}, {0, 1}, 0, 12, kOk, ""},
        GeometryCase{"Transposed", {3, 2}, {1, 3}, 0, 24, kOk, ""},
        GeometryCase{
            "StrideTooLarge", {2, 3}, {4, 1}, 0, 24, kInvalid, "out of bounds"},
        GeometryCase{
            "NegativeStride", {3}, {-1}, 2, 12, kInvalid, "Negative strides"},
        GeometryCase{
            "NegativeOffset", {1}, {1}, -1, 12, kInvalid, "out of bounds"},
        GeometryCase{
            "NegativeSize", {-5}, {0}, 0, 4, kInvalid, "negative dimension -5"},
        GeometryCase{"OverflowingNumel",
                     {5944900932268923563, 4099},
                     {4099, 1},
                     0,
                     4,
                     kInvalid,
                     "numel: integer multiplication overflow"},
        GeometryCase{"OverflowingNumelOfAnExpand",
                     {7, 0x6DB6DB6DB6DB6DB7},
                     {0, 0},
                     0,
                     4,
                     kInvalid,
                     "overflow"},
        GeometryCase{"TooManyElements",
                     {int64_t{1} << 34},
                     {0},
                     0,
                     4,
                     kExhausted,
                     "the limit is 8589934592"},
        GeometryCase{
            "AtTheElementLimit", {int64_t{1} << 33}, {0}, 0, 4, kOk, ""},
        GeometryCase{"Rank17", Shape(17, 1), Shape(17, 1), 0, 4, kInvalid,
                     "at most 16 dimensions"},
        GeometryCase{"Rank16", Shape(16, 1), Shape(16, 1), 0, 4, kOk, ""},
        GeometryCase{"EmptyWithOverflowingStrides",
                     {0, int64_t{1} << 40, int64_t{1} << 40},
                     {0, 0, 0},
                     0,
                     0,
                     kInvalid,
                     "strides overflow"},
        GeometryCase{
            "EmptyWithAnOffsetPastTheEnd", {0, 2}, {3, 1}, 1, 0, kOk, ""},
        GeometryCase{"ReachOverflows",
                     {2, 2},
                     {kMax, 1},
                     0,
                     16,
                     kInvalid,
                     "out of bounds"},
        GeometryCase{
            "SizeOneWithAHugeStride", {1, 3}, {kMax, 1}, 0, 12, kOk, ""},
        GeometryCase{"OffsetPlusReachOverflows",
                     {2},
                     {1},
                     kMax,
                     8,
                     kInvalid,
                     "out of bounds"},
        GeometryCase{"StridesOfTheWrongRank",
                     {2},
                     {1, 1},
                     0,
                     8,
                     kInvalid,
                     "length of strides"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(MakeTensorTest, EmptyTensorsPointAtTheirStorage) {
  auto storage = std::make_shared<Storage>(8);
  absl::StatusOr<Tensor> t =
      MakeTensor(storage, DType::kFloat32, {0, 2}, {2, 1}, 1000);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->raw_data(), storage->data());
}

// The hostile-client report, on the core alone: each is an error (the
// code the server returns), never a tensor.
struct OpCase {
  const char* name;
  std::function<absl::StatusOr<std::vector<Tensor>>(OpContext&)> run;
  absl::StatusCode code;
  const char* message;
};

AttrMap Ints(const char* key, std::vector<int64_t> v) {
  return {{key, AttrValue(std::move(v))}};
}

std::vector<OpCase> HostileOps() {
  Tensor scalar = *Full({}, Scalar(1.0), DType::kFloat32);
  Tensor vec = *Full({1}, Scalar(1.0), DType::kFloat32);
  Tensor two = *Full({2}, Scalar(1.0), DType::kFloat32);
  Tensor inf = *Full({2, 2}, Scalar(std::numeric_limits<double>::infinity()),
                     DType::kFloat64);
  auto op = [](const char* name, std::vector<Tensor> in, AttrMap attrs) {
    return [=](OpContext& ctx) { return RunOp(name, in, attrs, ctx); };
  };
  AttrMap none_keepdim = {{"keepdim", AttrValue(std::monostate{})}};
  return {
      {"view_overflow",
       op("view", {scalar}, Ints("shape", {5944900932268923563, 4099})),
       kInvalid, "overflow"},
      {"reshape_overflow",
       op("reshape", {scalar}, Ints("shape", {5944900932268923563, 4099})),
       kInvalid, "overflow"},
      {"expand_negative", op("expand", {vec}, Ints("size", {-5})), kInvalid,
       "negative dimension"},
      {"expand_overflow",
       op("expand", {vec}, Ints("size", {7, 0x6DB6DB6DB6DB6DB7})), kInvalid,
       "overflow"},
      {"expand_2_62",
       op("expand", {vec}, Ints("size", {int64_t{1} << 62, 1, 2})), kInvalid,
       "overflow"},
      {"expand_2_34", op("expand", {vec}, Ints("size", {int64_t{1} << 34})),
       kExhausted, "limit"},
      {"expand_rank_100",
       op("expand", {vec}, Ints("size", std::vector<int64_t>(100, 1))),
       kInvalid, "at most 16"},
      {"view_rank_17",
       op("view", {scalar}, Ints("shape", std::vector<int64_t>(17, 1))),
       kInvalid, "at most 16"},
      {"cat_zero_dim_second", op("cat", {two, scalar}, {}), kInvalid,
       "zero-dimensional tensor (at position 1) cannot be concatenated"},
      {"cat_zero_dim_first", op("cat", {scalar, two}, {}), kInvalid,
       "zero-dimensional tensor (at position 0) cannot be concatenated"},
      {"eig_inf", op("linalg.eig", {inf}, {}), kInvalid,
       "torch.linalg.eig: input tensor should not contain infs or NaNs."},
      {"eigvals_inf", op("linalg.eigvals", {inf}, {}), kInvalid,
       "should not contain infs or NaNs"},
      {"sum_keepdim_none", op("sum", {two}, none_keepdim), kInvalid,
       "argument 'keepdim' must be bool, not None"},
      {"resize_overflow",
       op("resize_", {two}, Ints("size", {5944900932268923563, 4099})),
       kInvalid, "overflow"},
      {"resize_negative", op("resize_", {two}, Ints("size", {3, -1})), kInvalid,
       "overflow"},
      {"resize_2_40", op("resize_", {two}, Ints("size", {int64_t{1} << 40})),
       kExhausted, "limit"},
      {"add_alpha_none",
       op("add", {two, two}, {{"alpha", AttrValue(std::monostate{})}}),
       kInvalid, "argument 'alpha'"},
  };
}

TEST(HostileOpTest, EachIsAnErrorWithTheRightCode) {
  for (const OpCase& c : HostileOps()) {
    OpContext ctx;
    absl::StatusOr<std::vector<Tensor>> out = c.run(ctx);
    EXPECT_EQ(out.status().code(), c.code) << c.name << ": " << out.status();
    EXPECT_THAT(std::string(out.status().message()), HasSubstr(c.message))
        << c.name;
  }
}

TEST(HostileOpTest, SliceWithTheLargestStepIsOneElement) {
  Tensor z = *Zeros({3}, DType::kFloat32);
  absl::StatusOr<Tensor> s = Slice(z, 0, std::nullopt, std::nullopt, kMax);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->sizes(), Shape({1}));
  EXPECT_EQ(s->ToDoubles(), std::vector<double>({0.0}));
  // And again on the result (its stride is now 2^63 - 1).
  absl::StatusOr<Tensor> again = Slice(*s, 0, std::nullopt, std::nullopt, kMax);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->numel(), 1);
  absl::StatusOr<Tensor> u = Unsqueeze(*again, 0);
  ASSERT_TRUE(u.ok()) << u.status();
  absl::StatusOr<Tensor> r = Reshape(*again, {1, 1});
  ASSERT_TRUE(r.ok()) << r.status();
}

// resize_ that grows its storage shows the old bytes and zeros, never
// what the allocator's cache held before (here: freed 0x7f bytes), and a
// shrink reads only its own storage.
TEST(HostileOpTest, ResizeShowsNoStaleMemory) {
  constexpr int64_t kElems = 64 * 1024;  // 256 KiB: a cached block size
  {
    Tensor dirty = *Full({kElems}, Scalar(int64_t{0x7f7f7f7f}), DType::kInt32);
  }
  // Too small for the cache: the grown storage is the size just freed.
  Tensor t = *Full({4}, Scalar(int64_t{1}), DType::kInt32);
  OpContext ctx;
  auto grown = RunOp("resize_", {t}, Ints("size", {kElems}), ctx);
  ASSERT_TRUE(grown.ok()) << grown.status();
  const Tensor& g = (*grown)[0];
  ASSERT_EQ(g.numel(), kElems);
  const int32_t* p = g.data<int32_t>();
  for (int64_t i = 0; i < kElems; ++i) {
    ASSERT_EQ(p[i], i < 4 ? 1 : 0) << "element " << i;
  }
  EXPECT_EQ(static_cast<int64_t>(g.storage()->nbytes()), kElems * 4);
  auto shrunk = RunOp("resize_", {g}, Ints("size", {3}), ctx);
  ASSERT_TRUE(shrunk.ok()) << shrunk.status();
  EXPECT_EQ((*shrunk)[0].storage(), g.storage());
}

TEST(HostileOpTest, EighOfNaNIsNaNAsInTorch) {
  Tensor m = *Full({2, 2}, Scalar(std::numeric_limits<double>::quiet_NaN()),
                   DType::kFloat32);
  absl::StatusOr<std::pair<Tensor, Tensor>> r = Eigh(m);
  ASSERT_TRUE(r.ok()) << r.status();
  for (double v : r->first.ToDoubles()) EXPECT_TRUE(std::isnan(v));
  for (double v : r->second.ToDoubles()) EXPECT_TRUE(std::isnan(v));
}

// Only core/tensor.cc names TensorImpl's Key: a second place that makes
// impls would be a second, unchecked constructor.
TEST(ChokePointTest, OnlyTensorCcMakesTensorImpls) {
  namespace fs = std::filesystem;
  // (Plain substrings: std::regex trips GCC 12's -Wmaybe-uninitialized
  // under the sanitizer flags.)
  const char* const makers[] = {"TensorImpl::Key", "make_shared<TensorImpl>",
                                "new TensorImpl"};
  std::vector<std::string> found;
  for (const char* dir : {"core", "server", "client"}) {
    for (const auto& e :
         fs::recursive_directory_iterator(fs::path(TENSORD_SOURCE_DIR) / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cc" && ext != ".h") continue;
      std::ifstream in(e.path());
      std::stringstream text;
      text << in.rdbuf();
      const std::string body = text.str();
      if (std::any_of(std::begin(makers), std::end(makers), [&](const char* m) {
            return body.find(m) != std::string::npos;
          })) {
        found.push_back(fs::relative(e.path(), TENSORD_SOURCE_DIR).string());
      }
    }
  }
  std::sort(found.begin(), found.end());
  EXPECT_THAT(found, ::testing::ElementsAre("core/tensor.cc"));
}

}  // namespace
}  // namespace tensord
