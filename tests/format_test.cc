// format_test.cc — FormatPrintData against PyTorch 1.13's str(tensor).
//
// Every expected string below was printed by Debian's python3-torch 1.13
// (/usr/bin/python3) for the torch expression in the comment above the test,
// with A = torch.arange(20.).reshape(5, 4) and sum_A = A.sum(1, keepdim=True).
// Inputs are built as PrintData directly, so this test needs only format.cc.
// float32 values are written as their exact double widening (what .tolist()
// returns), e.g. torch.tensor([1e-5]) holds 9.999999747378752e-06.
#include "core/format.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tensord {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

PrintData Floats(DType dtype, const Shape& shape, std::vector<double> values) {
  return PrintData{dtype, shape, std::move(values), {}, {}};
}

PrintData Ints(DType dtype, const Shape& shape, std::vector<int64_t> values) {
  return PrintData{dtype, shape, {}, {}, std::move(values)};
}

PrintData Complex(const Shape& shape, std::vector<double> real,
                  std::vector<double> imag) {
  return PrintData{
      DType::kComplex64, shape, std::move(real), std::move(imag), {}};
}

// torch.arange(n.).reshape(shape)
PrintData ArangeFloats(int64_t n, const Shape& shape) {
  PrintData d = Floats(DType::kFloat32, shape, {});
  for (int64_t i = 0; i < n; ++i) d.real.push_back(static_cast<double>(i));
  return d;
}

// torch.arange(n).reshape(shape)
PrintData ArangeInts(int64_t n, const Shape& shape) {
  PrintData d = Ints(DType::kInt64, shape, {});
  for (int64_t i = 0; i < n; ++i) d.ints.push_back(i);
  return d;
}

// t / divisor for a float32 t, rounded to float32 like torch's division.
PrintData Scaled(PrintData d, float divisor) {
  for (double& v : d.real) v = static_cast<float>(v) / divisor;
  return d;
}

// torch.complex(torch.arange(n.), -torch.arange(n.) / 2)
PrintData ArangeComplex(int64_t n) {
  PrintData d = Complex(Shape{n}, {}, {});
  for (int64_t i = 0; i < n; ++i) {
    d.real.push_back(static_cast<double>(i));
    d.imag.push_back(-static_cast<double>(i) / 2);  // -0. for i == 0
  }
  return d;
}

TEST(FormatDTypeTest, TorchNames) {
  EXPECT_EQ(FormatDType(DType::kFloat32), "torch.float32");
  EXPECT_EQ(FormatDType(DType::kFloat64), "torch.float64");
  EXPECT_EQ(FormatDType(DType::kInt32), "torch.int32");
  EXPECT_EQ(FormatDType(DType::kInt64), "torch.int64");
  EXPECT_EQ(FormatDType(DType::kBool), "torch.bool");
  EXPECT_EQ(FormatDType(DType::kComplex64), "torch.complex64");
}

TEST(FormatPrintDataTest, InconsistentDataIsReported) {
  const PrintData d = Floats(DType::kFloat32, Shape{3}, {1.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor(<invalid print data>)");
}

// torch: str(torch.arange(0, 16, 4.))
TEST(FormatPrintDataTest, SeedArangeStep4) {
  const PrintData d = Floats(DType::kFloat32, Shape{4}, {0.0, 4.0, 8.0, 12.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([ 0.,  4.,  8., 12.])");
}

// torch: str(torch.tensor(28.))
TEST(FormatPrintDataTest, SeedScalarFloat) {
  const PrintData d = Floats(DType::kFloat32, Shape{}, {28.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor(28.)");
}

// torch: str(torch.tensor([[0, 1, 2, 3], [4, 6, 8, 10], [12, 15, 18, 21]]))
TEST(FormatPrintDataTest, SeedIntMatrix) {
  const PrintData d = Ints(DType::kInt64, Shape{3, 4},
                           {0, 1, 2, 3, 4, 6, 8, 10, 12, 15, 18, 21});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[ 0,  1,  2,  3],\n"
            "        [ 4,  6,  8, 10],\n"
            "        [12, 15, 18, 21]])");
}

// torch: str(A.sum(1, keepdim=True))
TEST(FormatPrintDataTest, SeedColumnSums) {
  const PrintData d =
      Floats(DType::kFloat32, Shape{5, 1}, {6.0, 22.0, 38.0, 54.0, 70.0});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[ 6.],\n"
            "        [22.],\n"
            "        [38.],\n"
            "        [54.],\n"
            "        [70.]])");
}

// torch: str(A / sum_A)
TEST(FormatPrintDataTest, SeedRowNormalized) {
  const PrintData d = Floats(DType::kFloat32, Shape{5, 4},
                             {0.0,
                              0.1666666716337204,
                              0.3333333432674408,
                              0.5,
                              0.1818181872367859,
                              0.22727273404598236,
                              0.27272728085517883,
                              0.3181818127632141,
                              0.21052631735801697,
                              0.2368421107530594,
                              0.2631579041481018,
                              0.28947368264198303,
                              0.2222222238779068,
                              0.24074074625968933,
                              0.25925925374031067,
                              0.2777777910232544,
                              0.22857142984867096,
                              0.24285714328289032,
                              0.2571428716182709,
                              0.27142858505249023});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[0.0000, 0.1667, 0.3333, 0.5000],\n"
            "        [0.1818, 0.2273, 0.2727, 0.3182],\n"
            "        [0.2105, 0.2368, 0.2632, 0.2895],\n"
            "        [0.2222, 0.2407, 0.2593, 0.2778],\n"
            "        [0.2286, 0.2429, 0.2571, 0.2714]])");
}

// torch: str(torch.tensor([True, True, True, True]))
TEST(FormatPrintDataTest, SeedBoolAllTrue) {
  const PrintData d = Ints(DType::kBool, Shape{4}, {1, 1, 1, 1});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([True, True, True, True])");
}

// torch: str(torch.tensor([[True, False], [False, True]]))
TEST(FormatPrintDataTest, BoolMixedWidths) {
  const PrintData d = Ints(DType::kBool, Shape{2, 2}, {1, 0, 0, 1});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[ True, False],\n"
            "        [False,  True]])");
}

// torch: str(torch.tensor([1., 2.], dtype=torch.float64))
TEST(FormatPrintDataTest, Float64Suffix) {
  const PrintData d = Floats(DType::kFloat64, Shape{2}, {1.0, 2.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([1., 2.], dtype=torch.float64)");
}

// torch: str(torch.tensor([0.1, 2.5, -3.75], dtype=torch.float64))
TEST(FormatPrintDataTest, Float64NonIntegral) {
  const PrintData d = Floats(DType::kFloat64, Shape{3}, {0.1, 2.5, -3.75});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([ 0.1000,  2.5000, -3.7500], dtype=torch.float64)");
}

// torch: str(torch.tensor([1, -20, 300], dtype=torch.int32))
TEST(FormatPrintDataTest, Int32Suffix) {
  const PrintData d = Ints(DType::kInt32, Shape{3}, {1, -20, 300});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([  1, -20, 300], dtype=torch.int32)");
}

// torch: str(torch.tensor([1e-5, 1.0]))
TEST(FormatPrintDataTest, SciModeSmallValue) {
  const PrintData d =
      Floats(DType::kFloat32, Shape{2}, {9.999999747378752e-06, 1.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([1.0000e-05, 1.0000e+00])");
}

// torch: str(torch.tensor([1e10]))
TEST(FormatPrintDataTest, SciModeHugeValue) {
  const PrintData d = Floats(DType::kFloat32, Shape{1}, {10000000000.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([1.0000e+10])");
}

// torch: str(torch.tensor([1., 100000.]))
TEST(FormatPrintDataTest, SciModeIntegralWideRange) {
  const PrintData d = Floats(DType::kFloat32, Shape{2}, {1.0, 100000.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([1.0000e+00, 1.0000e+05])");
}

// torch: str(torch.tensor([100000000.]))
TEST(FormatPrintDataTest, IntModeAtSciBoundary) {
  const PrintData d = Floats(DType::kFloat32, Shape{1}, {100000000.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([100000000.])");
}

// torch: str(torch.tensor(1e-5))
TEST(FormatPrintDataTest, SciModeScalar) {
  const PrintData d = Floats(DType::kFloat32, Shape{}, {9.999999747378752e-06});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor(1.0000e-05)");
}

// torch: str(torch.tensor([-1.5, 2.25, -3.]))
TEST(FormatPrintDataTest, NegativeNumbers) {
  const PrintData d = Floats(DType::kFloat32, Shape{3}, {-1.5, 2.25, -3.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([-1.5000,  2.2500, -3.0000])");
}

// torch: str(torch.tensor([-0., 1.]))
TEST(FormatPrintDataTest, NegativeZero) {
  const PrintData d = Floats(DType::kFloat32, Shape{2}, {-0.0, 1.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([-0., 1.])");
}

// torch: str(torch.tensor([float('nan'), float('inf'), -float('inf'), 1.5]))
TEST(FormatPrintDataTest, NanInfNonIntegral) {
  const PrintData d =
      Floats(DType::kFloat32, Shape{4}, {kNan, kInf, -kInf, 1.5});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([   nan,    inf,   -inf, 1.5000])");
}

// torch: str(torch.tensor([1., float('nan'), -float('inf')]))
TEST(FormatPrintDataTest, NanInfIntMode) {
  const PrintData d = Floats(DType::kFloat32, Shape{3}, {1.0, kNan, -kInf});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([1., nan, -inf])");
}

// torch: str(torch.tensor([0., float('nan'), 0.]))
TEST(FormatPrintDataTest, AllZerosAndNan) {
  const PrintData d = Floats(DType::kFloat32, Shape{3}, {0.0, kNan, 0.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([0., nan, 0.])");
}

// torch: str(torch.linalg.eigvals(torch.tensor([[0., -1.], [1., 0.]])))
TEST(FormatPrintDataTest, ComplexEigvals) {
  const PrintData d = Complex(Shape{2}, {0.0, 0.0}, {1.0, -1.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([0.+1.j, 0.-1.j])");
}

// torch: str(torch.tensor([1+2j, 3-1j]))
TEST(FormatPrintDataTest, ComplexIntegral) {
  const PrintData d = Complex(Shape{2}, {1.0, 3.0}, {2.0, -1.0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([1.+2.j, 3.-1.j])");
}

// torch: str(torch.tensor([1.5+0.25j, -2-3.125j, 0j]))
TEST(FormatPrintDataTest, ComplexNonIntegral) {
  const PrintData d = Complex(Shape{3}, {1.5, -2.0, 0.0}, {0.25, -3.125, 0.0});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([ 1.5000+0.2500j, -2.0000-3.1250j,  0.0000+0.0000j])");
}

// torch: str(torch.tensor(1-2.5j))
TEST(FormatPrintDataTest, ComplexScalar) {
  const PrintData d = Complex(Shape{}, {1.0}, {-2.5});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor(1.-2.5000j)");
}

// torch: str(torch.tensor([[1+1j, -2.5+0j], [0-3j, 4+0.5j]]))
TEST(FormatPrintDataTest, ComplexMatrix) {
  const PrintData d =
      Complex(Shape{2, 2}, {1.0, -2.5, 0.0, 4.0}, {1.0, 0.0, -3.0, 0.5});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[ 1.0000+1.0000j, -2.5000+0.0000j],\n"
            "        [ 0.0000-3.0000j,  4.0000+0.5000j]])");
}

// torch: str(torch.arange(2000.))
TEST(FormatPrintDataTest, SummarizedVector) {
  const PrintData d = ArangeFloats(2000, Shape{2000});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, "
            "1.9980e+03,\n"
            "        1.9990e+03])");
}

// torch: str(torch.arange(3000).reshape(30, 100))
TEST(FormatPrintDataTest, SummarizedIntMatrix) {
  const PrintData d = ArangeInts(3000, Shape{30, 100});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[   0,    1,    2,  ...,   97,   98,   99],\n"
            "        [ 100,  101,  102,  ...,  197,  198,  199],\n"
            "        [ 200,  201,  202,  ...,  297,  298,  299],\n"
            "        ...,\n"
            "        [2700, 2701, 2702,  ..., 2797, 2798, 2799],\n"
            "        [2800, 2801, 2802,  ..., 2897, 2898, 2899],\n"
            "        [2900, 2901, 2902,  ..., 2997, 2998, 2999]])");
}

// torch: str(torch.arange(1120.).reshape(8, 2, 70) / 7)
TEST(FormatPrintDataTest, Summarized3d) {
  const PrintData d = Scaled(ArangeFloats(1120, Shape{8, 2, 70}), 7);
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 9.5714e+00,\n"
            "          9.7143e+00, 9.8571e+00],\n"
            "         [1.0000e+01, 1.0143e+01, 1.0286e+01,  ..., 1.9571e+01,\n"
            "          1.9714e+01, 1.9857e+01]],\n"
            "\n"
            "        [[2.0000e+01, 2.0143e+01, 2.0286e+01,  ..., 2.9571e+01,\n"
            "          2.9714e+01, 2.9857e+01],\n"
            "         [3.0000e+01, 3.0143e+01, 3.0286e+01,  ..., 3.9571e+01,\n"
            "          3.9714e+01, 3.9857e+01]],\n"
            "\n"
            "        [[4.0000e+01, 4.0143e+01, 4.0286e+01,  ..., 4.9571e+01,\n"
            "          4.9714e+01, 4.9857e+01],\n"
            "         [5.0000e+01, 5.0143e+01, 5.0286e+01,  ..., 5.9571e+01,\n"
            "          5.9714e+01, 5.9857e+01]],\n"
            "\n"
            "        ...,\n"
            "\n"
            "        [[1.0000e+02, 1.0014e+02, 1.0029e+02,  ..., 1.0957e+02,\n"
            "          1.0971e+02, 1.0986e+02],\n"
            "         [1.1000e+02, 1.1014e+02, 1.1029e+02,  ..., 1.1957e+02,\n"
            "          1.1971e+02, 1.1986e+02]],\n"
            "\n"
            "        [[1.2000e+02, 1.2014e+02, 1.2029e+02,  ..., 1.2957e+02,\n"
            "          1.2971e+02, 1.2986e+02],\n"
            "         [1.3000e+02, 1.3014e+02, 1.3029e+02,  ..., 1.3957e+02,\n"
            "          1.3971e+02, 1.3986e+02]],\n"
            "\n"
            "        [[1.4000e+02, 1.4014e+02, 1.4029e+02,  ..., 1.4957e+02,\n"
            "          1.4971e+02, 1.4986e+02],\n"
            "         [1.5000e+02, 1.5014e+02, 1.5029e+02,  ..., 1.5957e+02,\n"
            "          1.5971e+02, 1.5986e+02]]])");
}

// torch: str(torch.arange(1001))
TEST(FormatPrintDataTest, SummarizedJustOverThreshold) {
  const PrintData d = ArangeInts(1001, Shape{1001});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([   0,    1,    2,  ...,  998,  999, 1000])");
}

// torch: str(torch.complex(torch.arange(1200.), -torch.arange(1200.) / 2))
TEST(FormatPrintDataTest, SummarizedComplex) {
  const PrintData d = ArangeComplex(1200);
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([0.0000e+00-0.0000e+00j, 1.0000e+00-5.0000e-01j, "
            "2.0000e+00-1.0000e+00j,\n"
            "         ..., 1.1970e+03-5.9850e+02j, 1.1980e+03-5.9900e+02j,\n"
            "        1.1990e+03-5.9950e+02j])");
}

// torch: str(torch.arange(30.) * 1.5)
TEST(FormatPrintDataTest, LongFloatRowWraps) {
  const PrintData d =
      Floats(DType::kFloat32, Shape{30},
             {0.0,  1.5,  3.0,  4.5,  6.0,  7.5,  9.0,  10.5, 12.0, 13.5,
              15.0, 16.5, 18.0, 19.5, 21.0, 22.5, 24.0, 25.5, 27.0, 28.5,
              30.0, 31.5, 33.0, 34.5, 36.0, 37.5, 39.0, 40.5, 42.0, 43.5});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  "
            "9.0000, 10.5000,\n"
            "        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, "
            "21.0000, 22.5000,\n"
            "        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, "
            "33.0000, 34.5000,\n"
            "        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])");
}

// torch: str(torch.arange(40))
TEST(FormatPrintDataTest, LongIntRowWraps) {
  const PrintData d =
      Ints(DType::kInt64, Shape{40},
           {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13,
            14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
            28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, "
            "14, 15, 16, 17,\n"
            "        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, "
            "32, 33, 34, 35,\n"
            "        36, 37, 38, 39])");
}

// torch: str(torch.arange(36.).reshape(3, 12) / 3)
TEST(FormatPrintDataTest, MatrixRowsWrap) {
  const PrintData d = Floats(DType::kFloat32, Shape{3, 12},
                             {0.0,  0.3333333432674408, 0.6666666865348816,
                              1.0,  1.3333333730697632, 1.6666666269302368,
                              2.0,  2.3333332538604736, 2.6666667461395264,
                              3.0,  3.3333332538604736, 3.6666667461395264,
                              4.0,  4.333333492279053,  4.666666507720947,
                              5.0,  5.333333492279053,  5.666666507720947,
                              6.0,  6.333333492279053,  6.666666507720947,
                              7.0,  7.333333492279053,  7.666666507720947,
                              8.0,  8.333333015441895,  8.666666984558105,
                              9.0,  9.333333015441895,  9.666666984558105,
                              10.0, 10.333333015441895, 10.666666984558105,
                              11.0, 11.333333015441895, 11.666666984558105});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[ 0.0000,  0.3333,  0.6667,  1.0000,  1.3333,  1.6667,  "
            "2.0000,  2.3333,\n"
            "          2.6667,  3.0000,  3.3333,  3.6667],\n"
            "        [ 4.0000,  4.3333,  4.6667,  5.0000,  5.3333,  5.6667,  "
            "6.0000,  6.3333,\n"
            "          6.6667,  7.0000,  7.3333,  7.6667],\n"
            "        [ 8.0000,  8.3333,  8.6667,  9.0000,  9.3333,  9.6667, "
            "10.0000, 10.3333,\n"
            "         10.6667, 11.0000, 11.3333, 11.6667]])");
}

// torch: str(torch.tensor([]))
TEST(FormatPrintDataTest, EmptyFloat) {
  const PrintData d = Floats(DType::kFloat32, Shape{0}, {});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([])");
}

// torch: str(torch.zeros(0, 3))
TEST(FormatPrintDataTest, EmptyMatrix) {
  const PrintData d = Floats(DType::kFloat32, Shape{0, 3}, {});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([], size=(0, 3))");
}

// torch: str(torch.tensor([], dtype=torch.int64))
TEST(FormatPrintDataTest, EmptyInt64) {
  const PrintData d = Ints(DType::kInt64, Shape{0}, {});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([], dtype=torch.int64)");
}

// torch: str(torch.zeros(2, 0, 3, dtype=torch.int32))
TEST(FormatPrintDataTest, EmptyInt32ThreeDims) {
  const PrintData d = Ints(DType::kInt32, Shape{2, 0, 3}, {});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([], size=(2, 0, 3), dtype=torch.int32)");
}

// torch: str(torch.zeros(0, dtype=torch.bool))
TEST(FormatPrintDataTest, EmptyBoolScalarShape) {
  const PrintData d = Ints(DType::kBool, Shape{0}, {});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor([], dtype=torch.bool)");
}

// torch: str(torch.tensor(5))
TEST(FormatPrintDataTest, ScalarInt) {
  const PrintData d = Ints(DType::kInt64, Shape{}, {5});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor(5)");
}

// torch: str(torch.tensor(-7, dtype=torch.int32))
TEST(FormatPrintDataTest, ScalarInt32) {
  const PrintData d = Ints(DType::kInt32, Shape{}, {-7});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor(-7, dtype=torch.int32)");
}

// torch: str(torch.tensor(False))
TEST(FormatPrintDataTest, ScalarBool) {
  const PrintData d = Ints(DType::kBool, Shape{}, {0});
  EXPECT_EQ(FormatPrintData(d, {}), "tensor(False)");
}

// torch: str(torch.tensor([1., 2.], requires_grad=True))
TEST(FormatPrintDataTest, RequiresGrad) {
  const PrintData d = Floats(DType::kFloat32, Shape{2}, {1.0, 2.0});
  EXPECT_EQ(FormatPrintData(d, {"requires_grad=True"}),
            "tensor([1., 2.], requires_grad=True)");
}

// torch: str(torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True))
TEST(FormatPrintDataTest, Float64RequiresGrad) {
  const PrintData d = Floats(DType::kFloat64, Shape{2}, {1.0, 2.0});
  EXPECT_EQ(FormatPrintData(d, {"requires_grad=True"}),
            "tensor([1., 2.], dtype=torch.float64, requires_grad=True)");
}

// torch: str(torch.tensor([1., 2.], requires_grad=True) * 2)
TEST(FormatPrintDataTest, GradFn) {
  const PrintData d = Floats(DType::kFloat32, Shape{2}, {2.0, 4.0});
  EXPECT_EQ(FormatPrintData(d, {"grad_fn=<MulBackward0>"}),
            "tensor([2., 4.], grad_fn=<MulBackward0>)");
}

// torch: str((torch.arange(8., requires_grad=True) * 1).sum())
TEST(FormatPrintDataTest, ScalarGradFn) {
  const PrintData d = Floats(DType::kFloat32, Shape{}, {28.0});
  EXPECT_EQ(FormatPrintData(d, {"grad_fn=<SumBackward0>"}),
            "tensor(28., grad_fn=<SumBackward0>)");
}

// torch:
// str(torch.tensor([1.25, 2.5, 3.75, 4.125, 5.5, 6.75, 7.125, 8.5, 9.25],
// dtype=torch.float64, requires_grad=True))
TEST(FormatPrintDataTest, SuffixWrapsToNewLine) {
  const PrintData d =
      Floats(DType::kFloat64, Shape{9},
             {1.25, 2.5, 3.75, 4.125, 5.5, 6.75, 7.125, 8.5, 9.25});
  EXPECT_EQ(FormatPrintData(d, {"requires_grad=True"}),
            "tensor([1.2500, 2.5000, 3.7500, 4.1250, 5.5000, 6.7500, 7.1250, "
            "8.5000, 9.2500],\n"
            "       dtype=torch.float64, requires_grad=True)");
}

// torch: str(torch.arange(12.).reshape(3, 4).requires_grad_())
TEST(FormatPrintDataTest, SuffixAfterMultiLine) {
  const PrintData d =
      Floats(DType::kFloat32, Shape{3, 4},
             {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0});
  EXPECT_EQ(FormatPrintData(d, {"requires_grad=True"}),
            "tensor([[ 0.,  1.,  2.,  3.],\n"
            "        [ 4.,  5.,  6.,  7.],\n"
            "        [ 8.,  9., 10., 11.]], requires_grad=True)");
}

// torch: str(torch.arange(24.).reshape(2, 3, 4))
TEST(FormatPrintDataTest, ThreeDim) {
  const PrintData d = Floats(
      DType::kFloat32, Shape{2, 3, 4},
      {0.0,  1.0,  2.0,  3.0,  4.0,  5.0,  6.0,  7.0,  8.0,  9.0,  10.0, 11.0,
       12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[[ 0.,  1.,  2.,  3.],\n"
            "         [ 4.,  5.,  6.,  7.],\n"
            "         [ 8.,  9., 10., 11.]],\n"
            "\n"
            "        [[12., 13., 14., 15.],\n"
            "         [16., 17., 18., 19.],\n"
            "         [20., 21., 22., 23.]]])");
}

// torch: str(torch.arange(12).reshape(2, 3, 2) - 5)
TEST(FormatPrintDataTest, ThreeDimInt) {
  const PrintData d = Ints(DType::kInt64, Shape{2, 3, 2},
                           {-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6});
  EXPECT_EQ(FormatPrintData(d, {}),
            "tensor([[[-5, -4],\n"
            "         [-3, -2],\n"
            "         [-1,  0]],\n"
            "\n"
            "        [[ 1,  2],\n"
            "         [ 3,  4],\n"
            "         [ 5,  6]]])");
}

// torch: set_printoptions(precision=2, sci_mode=True);
// str(torch.tensor([1.0, 2.5, -3.0]))
TEST(FormatPrintDataTest, PrecisionAndForcedScientific) {
  const PrintData d = Floats(DType::kFloat32, Shape{3}, {1.0, 2.5, -3.0});
  PrintOptions o;
  o.precision = 2;
  o.sci_mode = true;
  EXPECT_EQ(FormatPrintData(d, {}, o),
            "tensor([1.00e+00, 2.50e+00, -3.00e+00])");
}

// torch: set_printoptions(precision=2, threshold=5, edgeitems=2,
// linewidth=20, sci_mode=False); str(torch.tensor([1e-6, 1.0, 2, ..., 9]))
// (the width is measured in the scientific notation chosen automatically)
TEST(FormatPrintDataTest, SummarizedWrappedWithoutScientific) {
  const PrintData d =
      Floats(DType::kFloat32, Shape{10}, {1e-6, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  PrintOptions o;
  o.precision = 2;
  o.threshold = 5;
  o.edgeitems = 2;
  o.linewidth = 20;
  o.sci_mode = false;
  EXPECT_EQ(FormatPrintData(d, {}, o),
            "tensor([    0.00,\n"
            "            1.00,\n"
            "         ...,\n"
            "            8.00,\n"
            "            9.00])");
}

}  // namespace
}  // namespace tensord
