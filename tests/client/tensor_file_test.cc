// The safetensors and .npz readers and writers without a server: round
// trips read back in odd chunk sizes, the writers' refusals, and files
// removed when a write is abandoned.
#include "client/tensor_file.h"

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tensord::client {
namespace {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/tensor_file_test_" +
         std::to_string(getpid()) + "_" + name;
}

FileTensor Spec(const std::string& name, v1::DType dtype,
                std::vector<int64_t> shape) {
  FileTensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  return t;
}

// Bytes 0, 1, 2, ... for a tensor of `n` bytes.
std::string Pattern(int64_t n, int seed) {
  std::string s(static_cast<size_t>(n), '\0');
  for (int64_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + seed));
  return s;
}

class TensorFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TensorFileTest, RoundTripReadInOddChunks) {
  const std::string path = TempPath("rt" + GetParam());
  const std::vector<FileTensor> specs = {
      Spec("b", v1::DTYPE_BOOL, {3}),
      Spec("a/x.y", v1::DTYPE_FLOAT32, {2, 1000}),
      Spec("scalar", v1::DTYPE_INT64, {}),
      Spec("empty", v1::DTYPE_COMPLEX64, {0, 5}),
      Spec("c", v1::DTYPE_COMPLEX64, {7}),
  };
  TensorFileOptions options;
  options.compressed = GetParam() == ".npz";
  auto w = CreateTensorFile(path, specs, options);
  ASSERT_TRUE(w.ok()) << w.status();
  std::map<std::string, std::string> want;
  for (size_t i = 0; i < (*w)->tensors().size(); ++i) {
    const FileTensor& t = (*w)->tensors()[i];
    std::string bytes = Pattern(t.bytes, static_cast<int>(i));
    if (t.dtype == v1::DTYPE_BOOL) {
      for (char& c : bytes) c = c & 1;
    }
    ASSERT_TRUE((*w)->Begin(i).ok());
    // In pieces of 5 bytes: the writer takes any split.
    for (size_t k = 0; k < bytes.size(); k += 5) {
      ASSERT_TRUE((*w)->Write(bytes.substr(k, 5)).ok());
    }
    want[t.name] = bytes;
  }
  ASSERT_TRUE((*w)->Finish().ok());
  w->reset();

  auto r = OpenTensorFile(path);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ((*r)->tensors().size(), specs.size());
  for (size_t i = 0; i < (*r)->tensors().size(); ++i) {
    const FileTensor& t = (*r)->tensors()[i];
    ASSERT_TRUE((*r)->Open(i).ok());
    std::string got;
    while (true) {
      absl::StatusOr<absl::string_view> b = (*r)->Read(3);
      ASSERT_TRUE(b.ok()) << b.status();
      if (b->empty()) break;
      got.append(b->data(), b->size());
    }
    EXPECT_EQ(got, want[t.name]) << t.name;
  }
  std::remove(path.c_str());
}

TEST_P(TensorFileTest, WriterRefusesBadInput) {
  const std::string path = TempPath("bad" + GetParam());
  auto dup = CreateTensorFile(path, {Spec("x", v1::DTYPE_FLOAT32, {1}),
                                     Spec("x", v1::DTYPE_INT32, {1})});
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(dup.status().message().find("appears twice"), std::string::npos);
  auto negative = CreateTensorFile(path, {Spec("x", v1::DTYPE_FLOAT32, {-1})});
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  auto dtype = CreateTensorFile(path, {Spec("x", v1::DTYPE_UNSPECIFIED, {1})});
  EXPECT_EQ(dtype.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

TEST_P(TensorFileTest, AbandonedWriteLeavesNoFile) {
  const std::string path = TempPath("abandoned" + GetParam());
  {
    auto w = CreateTensorFile(path, {Spec("x", v1::DTYPE_FLOAT64, {4})});
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE((*w)->Begin(0).ok());
    ASSERT_TRUE((*w)->Write(std::string(8, 'a')).ok());
    EXPECT_EQ((*w)->Finish().code(), absl::StatusCode::kFailedPrecondition);
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

INSTANTIATE_TEST_SUITE_P(Formats, TensorFileTest,
                         ::testing::Values(".safetensors", ".npz"),
                         [](const auto& info) {
                           return info.param == ".npz" ? "npz" : "safetensors";
                         });

TEST(TensorFileFormat, ByExtension) {
  EXPECT_TRUE(TensorFileFormatOf("a.safetensors").ok());
  EXPECT_TRUE(TensorFileFormatOf("a.npz").ok());
  EXPECT_FALSE(TensorFileFormatOf("a.npy").ok());
  EXPECT_EQ(CreateTensorFile("a.pt", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SafetensorsWriter, RefusesMetadataName) {
  auto w = CreateTensorFile(TempPath("m.safetensors"),
                            {Spec("__metadata__", v1::DTYPE_FLOAT32, {1})});
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tensord::client
