// NumPy .npy files: round trips of every dtype and shape, fixtures numpy
// wrote (tests/client/npy_fixtures), numpy reading our files and writing its
// own at test time (skipped without /usr/bin/python3 and numpy), Fortran
// order, big-endian data, and malformed files.
#include "client/npy.h"

#include <sys/wait.h>
#include <unistd.h>

#include <complex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace tensord::client {
namespace {

template <typename T>
v1::TensorData Make(v1::DType dtype, const std::vector<T>& values,
                    const std::vector<int64_t>& shape) {
  v1::TensorData d;
  d.set_dtype(dtype);
  for (int64_t s : shape) d.add_shape(s);
  d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                         values.size() * sizeof(T)));
  return d;
}
v1::TensorData F32(const std::vector<float>& v,
                   const std::vector<int64_t>& shape) {
  return Make(v1::DTYPE_FLOAT32, v, shape);
}
v1::TensorData F64(const std::vector<double>& v,
                   const std::vector<int64_t>& shape) {
  return Make(v1::DTYPE_FLOAT64, v, shape);
}
v1::TensorData I32(const std::vector<int32_t>& v,
                   const std::vector<int64_t>& shape) {
  return Make(v1::DTYPE_INT32, v, shape);
}
v1::TensorData I64(const std::vector<int64_t>& v,
                   const std::vector<int64_t>& shape) {
  return Make(v1::DTYPE_INT64, v, shape);
}
v1::TensorData B1(const std::vector<uint8_t>& v,
                  const std::vector<int64_t>& shape) {
  return Make(v1::DTYPE_BOOL, v, shape);
}
v1::TensorData C64(const std::vector<std::complex<float>>& v,
                   const std::vector<int64_t>& shape) {
  return Make(v1::DTYPE_COMPLEX64, v, shape);
}

// Equal dtype, shape and bytes, with a readable failure.
::testing::AssertionResult SameTensor(const v1::TensorData& a,
                                      const v1::TensorData& b) {
  if (a.SerializeAsString() == b.SerializeAsString()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "\n  " << a.ShortDebugString() << "\n  " << b.ShortDebugString();
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string MakeTempDir() {
  std::string tmpl = ::testing::TempDir() + "npy_test.XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

// ------------------------------------------------------------ round trips

struct RoundTripCase {
  const char* name;
  v1::TensorData data;
};

std::vector<RoundTripCase> RoundTripCases() {
  return {
      {"f32_2x3", F32({1, -2.5, 3, 0, 1e30f, -0.0f}, {2, 3})},
      {"f32_0d", F32({7.5}, {})},
      {"f32_empty_0", F32({}, {0})},
      {"f32_empty_0x3", F32({}, {0, 3})},
      {"f32_empty_3x0x2", F32({}, {3, 0, 2})},
      {"f64_3", F64({1.0 / 3, -1e300, 4}, {3})},
      {"f64_0d", F64({-2}, {})},
      {"i32_2x1x2", I32({1, -1, 2147483647, -2147483647 - 1}, {2, 1, 2})},
      {"i32_0d", I32({42}, {})},
      {"i64_2", I64({int64_t{1} << 62, -5}, {2})},
      {"i64_empty", I64({}, {2, 0})},
      {"bool_5", B1({1, 0, 0, 1, 1}, {5})},
      {"bool_0d", B1({1}, {})},
      {"c64_2x1", C64({{1, 2}, {-0.5, -4}}, {2, 1})},
      {"c64_0d", C64({{0, -1}}, {})},
      {"f32_1x1x1x1", F32({3}, {1, 1, 1, 1})},
  };
}

TEST(NpyTest, RoundTripsEveryDtypeAndShape) {
  for (const RoundTripCase& c : RoundTripCases()) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(CheckTensorData(c.data).ok());
    const std::string file = EncodeNpy(c.data);
    // Version 1.0; the header ends in '\n' and the data starts at a
    // multiple of 64.
    ASSERT_GE(file.size(), 10u);
    EXPECT_EQ(file.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const size_t header_len =
        static_cast<uint8_t>(file[8]) | static_cast<uint8_t>(file[9]) << 8;
    EXPECT_EQ((10 + header_len) % 64, 0u);
    EXPECT_EQ(file[10 + header_len - 1], '\n');
    EXPECT_EQ(file.size(), 10 + header_len + c.data.data().size());
    absl::StatusOr<v1::TensorData> back = ParseNpy(file);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_TRUE(SameTensor(*back, c.data));
  }
}

TEST(NpyTest, HeaderIsNumpys) {
  // np.save of np.zeros((2, 3), '<f4') in numpy 1.24, byte for byte.
  const std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  std::string want = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict;
  want.append(118 - dict.size() - 1, ' ');
  want += '\n';
  want.append(24, '\0');
  EXPECT_EQ(EncodeNpy(F32({0, 0, 0, 0, 0, 0}, {2, 3})), want);

  const std::string scalar = EncodeNpy(F64({0}, {}));
  EXPECT_NE(scalar.find("{'descr': '<f8', 'fortran_order': False, "
                        "'shape': (), }"),
            std::string::npos);
  EXPECT_NE(EncodeNpy(B1({1, 0, 1}, {3})).find("'descr': '|b1'"),
            std::string::npos);
  EXPECT_NE(EncodeNpy(I32({1, 2, 3}, {3})).find("'shape': (3,), }"),
            std::string::npos);
}

TEST(NpyTest, HugeHeaderUsesVersion2) {
  // 30000 dimensions of size 1 do not fit version 1.0's 16-bit length.
  const std::vector<int64_t> shape(30000, 1);
  v1::TensorData d = F32({5}, shape);
  const std::string file = EncodeNpy(d);
  EXPECT_EQ(file.substr(6, 2), std::string("\x02\x00", 2));
  const uint32_t len = static_cast<uint8_t>(file[8]) |
                       static_cast<uint8_t>(file[9]) << 8 |
                       static_cast<uint8_t>(file[10]) << 16;
  EXPECT_EQ((12 + len) % 64, 0u);
  absl::StatusOr<v1::TensorData> back = ParseNpy(file);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(SameTensor(*back, d));
}

TEST(NpyTest, BoolBytesAreNormalized) {
  std::string file = EncodeNpy(B1({1, 0}, {2}));
  file[file.size() - 2] = 7;
  absl::StatusOr<v1::TensorData> back = ParseNpy(file);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(SameTensor(*back, B1({1, 0}, {2})));
}

// ---------------------------------------------------------------- fixtures

struct FixtureCase {
  const char* file;
  v1::TensorData want;
};

TEST(NpyTest, ReadsFilesNumpyWrote) {
  std::vector<int32_t> c_order_24(24);
  for (int i = 0; i < 24; ++i) c_order_24[i] = i;
  const FixtureCase cases[] = {
      {"f4_2x3", F32({-1, -0.5, 0, 0.5, 1, 1.5}, {2, 3})},
      {"f8_scalar", F64({3.25}, {})},
      {"i4_3", I32({1, -2, 2147483647}, {3})},
      {"i8_2x2", I64({1, -1, int64_t{1} << 40, -(int64_t{1} << 62)}, {2, 2})},
      {"b1_4", B1({1, 0, 0, 1}, {4})},
      {"c8_2", C64({{1, 2}, {-0.5, -4}}, {2})},
      {"f4_0x3", F32({}, {0, 3})},
      // Fortran order comes back in C order.
      {"fortran_i4_2x3x4", I32(c_order_24, {2, 3, 4})},
      {"fortran_f8_2x3", F64({0, 1, 2, 3, 4, 5}, {2, 3})},
      // Big-endian data comes back little-endian.
      {"be_i4_2x3", I32({0, 1, 2, 3, 4, 5}, {2, 3})},
      {"be_i8_2", I64({1, -(int64_t{1} << 40)}, {2})},
      {"be_f4_2", F32({1.5, -2}, {2})},
      {"be_f8_3", F64({1.5, -2, 1e300}, {3})},
      {"be_c8_2", C64({{1, 2}, {3, -4}}, {2})},
      {"be_fortran_f4_2x3", F32({0, 1, 2, 3, 4, 5}, {2, 3})},
      // Format versions 2.0 and 3.0.
      {"v2_f4_3", F32({1, 2, 3}, {3})},
      {"v3_i8_3", I64({4, 5, 6}, {3})},
  };
  for (const FixtureCase& c : cases) {
    SCOPED_TRACE(c.file);
    absl::StatusOr<v1::TensorData> got = ReadNpyFile(
        absl::StrCat(TENSORD_NPY_FIXTURES_DIR, "/", c.file, ".npy"));
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_TRUE(SameTensor(*got, c.want));
  }
}

TEST(NpyTest, WritesFixturesByteForByte) {
  // Our encoding of a C-order little-endian fixture is numpy's file.
  for (const char* name :
       {"f4_2x3", "f8_scalar", "i4_3", "i8_2x2", "b1_4", "c8_2", "f4_0x3"}) {
    SCOPED_TRACE(name);
    const std::string path =
        absl::StrCat(TENSORD_NPY_FIXTURES_DIR, "/", name, ".npy");
    const std::string file = ReadAll(path);
    absl::StatusOr<v1::TensorData> got = ParseNpy(file);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(EncodeNpy(*got), file);
  }
}

// ------------------------------------------------------ numpy at test time

// Runs `script` under /usr/bin/python3; false (and why, in *output) if
// python3 or numpy is missing.
bool HaveNumpy() {
  return access("/usr/bin/python3", X_OK) == 0 &&
         std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0;
}

// The script's exit code; its stdout and stderr in *output.
int RunPython(const std::string& dir, const std::string& script,
              std::string* output) {
  const std::string path = dir + "/check.py";
  std::ofstream(path) << script;
  FILE* p = popen(("/usr/bin/python3 " + path + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output->append(buf, n);
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The same array as numpy expressions, for the cases both sides build.
struct NumpyCase {
  const char* name;
  v1::TensorData data;
  const char* expr;
};

std::vector<NumpyCase> NumpyCases() {
  return {
      {"f32_2x3", F32({1, -2.5, 3, 0, 1e30f, -0.0f}, {2, 3}),
       "np.array([[1, -2.5, 3], [0, 1e30, -0.0]], dtype='<f4')"},
      {"f32_0d", F32({7.5}, {}), "np.array(7.5, dtype='<f4')"},
      {"f32_empty", F32({}, {0, 3}), "np.zeros((0, 3), dtype='<f4')"},
      {"f64_3", F64({0.1, -1e300, 4}, {3}),
       "np.array([0.1, -1e300, 4], dtype='<f8')"},
      {"i32_2x1x2", I32({1, -1, 2147483647, -2147483647 - 1}, {2, 1, 2}),
       "np.array([1, -1, 2**31 - 1, -2**31], dtype='<i4').reshape(2, 1, 2)"},
      {"i64_2", I64({int64_t{1} << 62, -5}, {2}),
       "np.array([2**62, -5], dtype='<i8')"},
      {"i64_empty", I64({}, {0}), "np.zeros((0,), dtype='<i8')"},
      {"bool_5", B1({1, 0, 0, 1, 1}, {5}),
       "np.array([True, False, False, True, True])"},
      {"bool_0d", B1({0}, {}), "np.array(False)"},
      {"c64_2x1", C64({{1, 2}, {-0.5, -4}}, {2, 1}),
       "np.array([[1+2j], [-0.5-4j]], dtype='<c8')"},
      {"c64_0d", C64({{0, -1}}, {}), "np.array(0-1j, dtype='<c8')"},
      {"f32_long_axis", F32(std::vector<float>(1000, 2), {1000}),
       "np.full((1000,), 2, dtype='<f4')"},
  };
}

TEST(NpyTest, NumpyLoadsOurFilesAndWritesTheSameBytes) {
  if (!HaveNumpy()) GTEST_SKIP() << "no /usr/bin/python3 with numpy";
  const std::string dir = MakeTempDir();
  std::string script =
      "import io, sys\nimport numpy as np\nfailed = 0\ncases = [\n";
  for (const NumpyCase& c : NumpyCases()) {
    const std::string path = absl::StrCat(dir, "/", c.name, ".npy");
    ASSERT_TRUE(WriteNpyFile(path, c.data).ok());
    absl::StrAppend(&script, "  ('", path, "', ", c.expr, "),\n");
  }
  absl::StrAppend(&script, R"(]
for path, want in cases:
    got = np.load(path)
    if got.dtype != want.dtype or got.shape != want.shape or \
            not np.array_equal(got, want):
        print('values differ:', path, repr(got), repr(want))
        failed += 1
    buf = io.BytesIO()
    np.save(buf, want)
    if buf.getvalue() != open(path, 'rb').read():
        print('bytes differ:', path)
        failed += 1
sys.exit(1 if failed else 0)
)");
  std::string output;
  EXPECT_EQ(RunPython(dir, script, &output), 0) << output;
  std::system(("rm -rf " + dir).c_str());
}

TEST(NpyTest, ReadsWhatNumpyWritesNow) {
  if (!HaveNumpy()) GTEST_SKIP() << "no /usr/bin/python3 with numpy";
  const std::string dir = MakeTempDir();
  std::string script = "import numpy as np\n";
  for (const NumpyCase& c : NumpyCases()) {
    absl::StrAppend(&script, "np.save('", dir, "/", c.name, ".npy', ", c.expr,
                    ")\n");
    // The same array in Fortran order and big-endian.
    absl::StrAppend(&script, "np.save('", dir, "/", c.name,
                    "_f.npy', np.array(", c.expr, ", order='F'))\n");
    absl::StrAppend(&script, "a = ", c.expr, "\nnp.save('", dir, "/", c.name,
                    "_be.npy', a.astype(a.dtype.newbyteorder('>'), "
                    "order='F'))\n");
  }
  std::string output;
  ASSERT_EQ(RunPython(dir, script, &output), 0) << output;
  for (const NumpyCase& c : NumpyCases()) {
    for (const char* suffix : {"", "_f", "_be"}) {
      const std::string path = absl::StrCat(dir, "/", c.name, suffix, ".npy");
      SCOPED_TRACE(path);
      absl::StatusOr<v1::TensorData> got = ReadNpyFile(path);
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_TRUE(SameTensor(*got, c.data));
    }
  }
  std::system(("rm -rf " + dir).c_str());
}

// --------------------------------------------------------------- malformed

// A .npy file of the given version with `dict` as its header (padded as
// numpy pads) followed by `data`.
std::string NpyFile(const std::string& dict, const std::string& data,
                    int major = 1) {
  const int len_bytes = major == 1 ? 2 : 4;
  std::string header = dict;
  while ((8 + len_bytes + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out("\x93NUMPY", 6);
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  for (int i = 0; i < len_bytes; ++i) {
    out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  }
  return out + header + data;
}

std::string Dict(const std::string& descr, const std::string& shape,
                 const std::string& fortran = "False") {
  return absl::StrCat("{'descr': '", descr, "', 'fortran_order': ", fortran,
                      ", 'shape': ", shape, ", }");
}

struct MalformedCase {
  const char* name;
  std::string file;
  const char* message;  // a substring of the error
};

TEST(NpyTest, MalformedFilesAreInvalidArgument) {
  const std::string f4x3(12, '\0');
  const MalformedCase cases[] = {
      {"empty", "", "does not start with the magic"},
      {"bad magic", "\x93NUMPZ\x01\x00\x00\x00", "does not start with"},
      {"text file", "hello, world\n", "does not start with the magic"},
      {"version 4.0", std::string("\x93NUMPY\x04\x00\x00\x00", 10),
       "unsupported format version 4.0 (1.0, 2.0 and 3.0 are supported)"},
      {"version 1.1", std::string("\x93NUMPY\x01\x01\x00\x00", 10),
       "unsupported format version 1.1"},
      {"preamble cut", std::string("\x93NUMPY\x02\x00\x10", 9),
       "ends inside its preamble"},
      {"header past end", std::string("\x93NUMPY\x01\x00\xff\x00{}", 12),
       "header length 255 runs past the end of the file (12 bytes)"},
      {"not a dict", NpyFile("['<f4', False, (3,)]", f4x3),
       "the header is not a dictionary"},
      {"missing descr",
       NpyFile("{'fortran_order': False, 'shape': (3,), }", f4x3),
       "the header has no 'descr'"},
      {"missing shape",
       NpyFile("{'descr': '<f4', 'fortran_order': False}", f4x3),
       "the header has no 'shape'"},
      {"missing fortran_order",
       NpyFile("{'descr': '<f4', 'shape': (3,)}", f4x3),
       "the header has no 'fortran_order'"},
      {"extra key",
       NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), "
               "'x': 1}",
               f4x3),
       "unexpected key 'x'"},
      {"duplicate key",
       NpyFile("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
               "'shape': (3,)}",
               f4x3),
       "key 'descr' appears twice"},
      {"no colon", NpyFile("{'descr' '<f4'}", f4x3), "no ':' after 'descr'"},
      {"key quotes mismatched", NpyFile("{'descr: '<f4'}", f4x3),
       "no ':' after 'descr: '"},
      {"unterminated dict",
       NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", f4x3),
       "expected ',' or '}'"},
      {"text after dict", NpyFile(Dict("<f4", "(3,)") + " x", f4x3),
       "unexpected text after '}'"},
      {"unsupported dtype", NpyFile(Dict("<u2", "(6,)"), f4x3),
       "unsupported dtype '<u2'; supported: '|b1', '<i4', '<i8', '<f4', "
       "'<f8', '<c8', '<f2', '|i1', '|u1', '<i2', '<c16' (and '>' big-endian "
       "forms)"},
      {"unsigned int", NpyFile(Dict("<u4", "(3,)"), f4x3),
       "unsupported dtype '<u4'"},
      {"complex256", NpyFile(Dict("<c32", "(1,)"), std::string(32, '\0')),
       "unsupported dtype '<c32'"},
      {"object", NpyFile(Dict("|O", "(3,)"), f4x3), "unsupported dtype '|O'"},
      {"structured",
       NpyFile("{'descr': [('a', '<f4')], 'fortran_order': False, "
               "'shape': (3,), }",
               f4x3),
       "structured dtypes (a descr list) are not supported"},
      {"no byte order", NpyFile(Dict("|f4", "(3,)"), f4x3),
       "dtype '|f4' has no byte order but needs one"},
      {"fortran_order not bool", NpyFile(Dict("<f4", "(3,)", "1"), f4x3),
       "fortran_order is not True or False"},
      {"shape not tuple", NpyFile(Dict("<f4", "[3]"), f4x3),
       "shape is not a tuple"},
      {"shape (3) without comma", NpyFile(Dict("<f4", "(3)"), f4x3),
       "a 1-d shape is written (n,)"},
      {"negative size", NpyFile(Dict("<f4", "(-3,)"), f4x3),
       "shape has a negative size"},
      {"float size", NpyFile(Dict("<f4", "(3.0,)"), f4x3),
       "shape holds a non-integer"},
      {"name as size", NpyFile(Dict("<f4", "(n,)"), f4x3),
       "shape holds a non-integer"},
      {"size past int64", NpyFile(Dict("<f4", "(99999999999999999999,)"), f4x3),
       "a size in the shape does not fit in int64"},
      {"element count overflows",
       NpyFile(Dict("<f4", "(4294967296, 4294967296, 4)"), f4x3),
       "shape (4294967296, 4294967296, 4) has more elements than fit in "
       "int64"},
      {"byte count overflows",
       NpyFile(Dict("<f8", "(2305843009213693952,)"), f4x3),
       "needs more bytes than fit in int64"},
      {"data short", NpyFile(Dict("<f4", "(4,)"), f4x3),
       "the data has 12 bytes; shape (4,) of '<f4' needs 16"},
      {"data long", NpyFile(Dict("<f4", "(2,)"), f4x3),
       "the data has 12 bytes; shape (2,) of '<f4' needs 8"},
      {"0-d without data", NpyFile(Dict("<i8", "()"), ""),
       "the data has 0 bytes; shape () of '<i8' needs 8"},
      {"escape in string", NpyFile("{'des\\cr': '<f4'}", f4x3),
       "escapes in strings are not supported"},
      {"unterminated string", NpyFile("{'descr': '<f4", f4x3),
       "unterminated string"},
      {"v2 header past end",
       std::string("\x93NUMPY\x02\x00\x00\x00\x01\x00{}", 14),
       "header length 65536 runs past the end of the file (14 bytes)"},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<v1::TensorData> got = ParseNpy(c.file);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find(c.message), std::string::npos)
        << got.status().message();
    EXPECT_EQ(got.status().message().find("invalid .npy file: "), 0u)
        << got.status().message();
  }
}

TEST(NpyTest, WellFormedVariantsAreAccepted) {
  const std::string f4x3(12, '\0');
  const std::string variants[] = {
      // Any key order, double quotes, no trailing comma, spaces, Python 2
      // long sizes, a version 2.0 and 3.0 preamble.
      NpyFile("{'shape': (3,), 'fortran_order': False, 'descr': '<f4'}", f4x3),
      NpyFile("{\"descr\": \"<f4\", \"fortran_order\": False, "
              "\"shape\": (3,)}",
              f4x3),
      NpyFile("{ 'descr' : '<f4' , 'fortran_order' : False , "
              "'shape' : ( 3 , ) , }",
              f4x3),
      NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (3L,), }",
              f4x3),
      NpyFile(Dict("<f4", "(3,)"), f4x3, 2),
      NpyFile(Dict("<f4", "(3,)"), f4x3, 3),
      NpyFile(Dict("<f4", "(1, 3,)"), f4x3),
  };
  for (const std::string& file : variants) {
    absl::StatusOr<v1::TensorData> got = ParseNpy(file);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->data(), f4x3);
  }
}

// ------------------------------------------------------------ file helpers

TEST(NpyTest, FileHelpers) {
  const std::string dir = MakeTempDir();
  const v1::TensorData d = F64({1, 2, 3, 4}, {2, 2});
  ASSERT_TRUE(WriteNpyFile(dir + "/a.npy", d).ok());
  absl::StatusOr<v1::TensorData> back = ReadNpyFile(dir + "/a.npy");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(SameTensor(*back, d));

  absl::StatusOr<v1::TensorData> missing = ReadNpyFile(dir + "/none.npy");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir + "/none.npy"),
            std::string::npos);

  std::ofstream(dir + "/bad.npy") << "not numpy";
  absl::StatusOr<v1::TensorData> bad = ReadNpyFile(dir + "/bad.npy");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            dir +
                "/bad.npy: invalid .npy file: it does not start with the "
                "magic \"\\x93NUMPY\"");

  absl::Status no_dir = WriteNpyFile(dir + "/no/such/dir.npy", d);
  EXPECT_EQ(no_dir.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(no_dir.message().find(dir + "/no/such/dir.npy"), std::string::npos);

  v1::TensorData short_data = d;
  short_data.mutable_data()->resize(8);
  absl::Status inconsistent = WriteNpyFile(dir + "/b.npy", short_data);
  EXPECT_EQ(inconsistent.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(inconsistent.message(),
            dir +
                "/b.npy: tensor data has 8 bytes; shape (2, 2) of "
                "DTYPE_FLOAT64 needs 32");
  EXPECT_NE(access((dir + "/b.npy").c_str(), F_OK), 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST(NpyTest, CheckTensorData) {
  EXPECT_TRUE(CheckTensorData(F32({1, 2}, {2})).ok());
  EXPECT_TRUE(CheckTensorData(F32({}, {0, 5})).ok());
  v1::TensorData unspecified = F32({1}, {});
  unspecified.set_dtype(v1::DTYPE_UNSPECIFIED);
  EXPECT_EQ(CheckTensorData(unspecified).message(),
            "unsupported dtype DTYPE_UNSPECIFIED");
  EXPECT_EQ(CheckTensorData(F32({1}, {-1})).message(),
            "shape (-1,) has a negative size");
  EXPECT_EQ(ItemSize(v1::DTYPE_COMPLEX64), 8);
  EXPECT_EQ(ItemSize(v1::DTYPE_BOOL), 1);
  EXPECT_EQ(ItemSize(v1::DTYPE_UNSPECIFIED), 0);
}

}  // namespace
}  // namespace tensord::client
