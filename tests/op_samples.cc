#include "tests/op_samples.h"

#include <cmath>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "core/op_table.h"

namespace tensord::testing {

Tensor RandomTensor(const Shape& shape, uint64_t seed, double lo, double hi) {
  Generator g(seed);
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<double> v(n);
  for (double& x : v) x = lo + (hi - lo) * g.UniformDouble();
  return *FromDoubles(v, shape, DType::kFloat64);
}

namespace {

Tensor R(const Shape& s, uint64_t seed) { return RandomTensor(s, seed); }
Tensor Pos(const Shape& s, uint64_t seed) {
  return RandomTensor(s, seed, 0.5, 2.0);
}
// complex128 with real and imaginary parts in [-1, 1).
Tensor C(const Shape& s, uint64_t seed) {
  return *Complex(RandomTensor(s, seed), RandomTensor(s, seed + 7919));
}
Tensor I64(const std::vector<int64_t>& v, const Shape& s) {
  return *FromInts(v, s, DType::kInt64);
}
Tensor Bools(const std::vector<int64_t>& v, const Shape& s) {
  return *FromInts(v, s, DType::kBool);
}
AttrValue Ints(std::vector<int64_t> v) { return AttrValue(std::move(v)); }
AttrValue I(int64_t v) { return AttrValue(v); }
AttrValue S(Scalar v) { return AttrValue(v); }

std::map<std::string, std::vector<OpSample>> Build() {
  std::map<std::string, std::vector<OpSample>> m;
  auto add = [&](const std::string& op, OpSample s) {
    m[op].push_back(std::move(s));
  };
  // Shapes for elementwise binary ops: same, broadcast both ways, scalar.
  auto binary = [&](const std::string& op, bool positive_rhs) {
    auto rhs = [&](const Shape& s, uint64_t seed) {
      return positive_rhs ? Pos(s, seed) : R(s, seed);
    };
    add(op, {"same", {R({2, 3}, 1), rhs({2, 3}, 2)}, {}});
    add(op, {"broadcast", {R({4, 1, 3}, 3), rhs({2, 1}, 4)}, {}});
    add(op, {"wrapped scalar",
             {R({3}, 5), WrapScalar(positive_rhs ? 1.7 : -0.6)},
             {}});
    add(op, {"0-dim", {R({}, 6), rhs({2, 2}, 7)}, {}});
  };
  binary("add", false);
  add("add", {"alpha", {R({3}, 8), R({3}, 9)}, {{"alpha", S(2.5)}}});
  binary("sub", false);
  add("sub",
      {"alpha", {R({2, 2}, 10), R({2}, 11)}, {{"alpha", S(int64_t{3})}}});
  binary("mul", false);
  binary("div", true);
  add("pow", {"tensor ** tensor", {Pos({2, 3}, 12), R({2, 3}, 13)}, {}});
  add("pow", {"tensor ** 2", {R({4}, 14), WrapScalar(int64_t{2})}, {}});
  add("pow", {"tensor ** 0.5", {Pos({4}, 15), WrapScalar(0.5)}, {}});
  add("pow", {"2 ** tensor", {WrapScalar(2.0), R({3}, 16)}, {}});
  add("pow", {"broadcast", {Pos({2, 1}, 17), R({3}, 18)}, {}});
  binary("maximum", false);
  binary("minimum", false);
  for (const char* op : {"eq", "ne", "lt", "le", "gt", "ge"}) {
    add(op, {"float", {R({2, 3}, 20), R({3}, 21)}, {}});
    add(op,
        {"int vs scalar", {I64({1, 2, 3}, {3}), WrapScalar(int64_t{2})}, {}});
  }
  add("eq", {"bool", {Bools({1, 0, 1}, {3}), Bools({1, 1, 0}, {3})}, {}});
  for (const char* op : {"neg", "exp", "sin", "cos", "tanh", "sigmoid"}) {
    add(op, {"matrix", {R({3, 4}, 30)}, {}});
    add(op, {"0-dim", {R({}, 31)}, {}});
  }
  for (const char* op : {"abs", "relu"}) {
    add(op, {"matrix", {R({3, 4}, 32)}, {}});
    add(op, {"int", {I64({-2, 0, 3}, {3})}, {}});
  }
  add("log", {"positive", {Pos({2, 5}, 33)}, {}});
  add("sqrt", {"positive", {Pos({2, 5}, 34)}, {}});
  add("exp", {"int", {I64({0, 1, 2}, {3})}, {}});
  // ops_math.cc: each on its domain, away from its edges.
  auto in = [](double lo, double hi) {
    return [lo, hi](const Shape& s, uint64_t seed) {
      return RandomTensor(s, seed, lo, hi);
    };
  };
  const std::vector<
      std::pair<const char*, std::function<Tensor(const Shape&, uint64_t)>>>
      math = {{"log2", in(0.5, 2)},     {"log10", in(0.5, 2)},
              {"log1p", in(-0.5, 2)},   {"expm1", in(-1, 1)},
              {"exp2", in(-1, 1)},      {"tan", in(-1, 1)},
              {"asin", in(-0.8, 0.8)},  {"acos", in(-0.8, 0.8)},
              {"atan", in(-2, 2)},      {"sinh", in(-1, 1)},
              {"cosh", in(-1, 1)},      {"asinh", in(-2, 2)},
              {"acosh", in(1.2, 3)},    {"atanh", in(-0.8, 0.8)},
              {"erf", in(-1.5, 1.5)},   {"erfc", in(-1.5, 1.5)},
              {"rsqrt", in(0.5, 2)},    {"reciprocal", in(0.5, 2)},
              {"floor", in(-3, 3)},     {"ceil", in(-3, 3)},
              {"trunc", in(-3, 3)},     {"round", in(-3, 3)},
              {"frac", in(-3, 3)},      {"sign", in(-1, 1)},
              {"erfinv", in(-0.9, 0.9)}};
  uint64_t seed = 400;
  for (const auto& [op, gen] : math) {
    add(op, {"matrix", {gen({2, 3}, seed++)}, {}});
    add(op, {"0-dim", {gen({}, seed++)}, {}});
  }
  for (const char* op : {"log2", "sqrt", "floor", "sign"}) {
    add(op, {"int", {I64({1, 4, 9}, {3})}, {}});
  }
  add("round", {"decimals", {R({5}, 450)}, {{"decimals", I(2)}}});
  add("round", {"negative decimals",
                {RandomTensor({4}, 451, -500, 500)},
                {{"decimals", I(-2)}}});
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const char* op : {"isnan", "isinf", "isfinite", "signbit"}) {
    add(op, {"specials",
             {*FromDoubles({1.0, -0.0, inf, -inf, nan, -2.5}, {6},
                           DType::kFloat64)},
             {}});
    add(op, {"int", {I64({-1, 0, 3}, {3})}, {}});
  }
  // ops_more.cc
  for (const char* op : {"var", "std"}) {
    add(op, {"all", {R({3, 4}, 460)}, {}});
    add(op, {"dim keepdim",
             {R({3, 4}, 461)},
             {{"dim", Ints({1})}, {"keepdim", AttrValue(true)}}});
    add(op,
        {"correction 0", {R({2, 5}, 462)}, {{"correction", AttrValue(0.0)}}});
    add(op, {"biased", {R({5}, 463)}, {{"unbiased", AttrValue(false)}}});
  }
  for (const char* op : {"all", "any"}) {
    add(op, {"bool", {Bools({1, 0, 1, 1}, {2, 2})}, {}});
    add(op, {"dim", {I64({0, 1, 2, 3, 0, 5}, {2, 3})}, {{"dim", Ints({1})}}});
  }
  add("count_nonzero", {"all", {I64({0, 1, 2, 0}, {2, 2})}, {}});
  add("count_nonzero", {"dim", {R({3, 4}, 464)}, {{"dim", Ints({0})}}});
  for (const char* op : {"amax", "amin"}) {
    add(op, {"all", {R({3, 4}, 465)}, {}});
    add(op, {"dims keepdim",
             {R({2, 3, 4}, 466)},
             {{"dim", Ints({0, 2})}, {"keepdim", AttrValue(true)}}});
  }
  add("logsumexp", {"dim", {R({3, 4}, 467)}, {{"dim", Ints({1})}}});
  add("logsumexp", {"dims keepdim",
                    {R({2, 3, 4}, 468)},
                    {{"dim", Ints({0, 2})}, {"keepdim", AttrValue(true)}}});
  for (const char* op : {"remainder", "fmod"}) {
    add(op,
        {"float", {RandomTensor({2, 3}, 469, -5, 5), Pos({2, 3}, 470)}, {}});
    add(op, {"int", {I64({7, -7, 7, -7}, {4}), I64({3, 3, -3, -3}, {4})}, {}});
    add(op, {"wrapped scalar", {R({3}, 471), WrapScalar(1.5)}, {}});
  }
  add("floor_divide",
      {"int", {I64({7, -7, 7, -7}, {4}), I64({2, 2, -2, -2}, {4})}, {}});
  add("floor_divide", {"float", {R({2, 3}, 472), Pos({2, 3}, 473)}, {}});
  for (const char* op : {"bitwise_and", "bitwise_or", "bitwise_xor"}) {
    add(op, {"int", {I64({12, -5, 0, 7}, {4}), I64({10, 3, 9, -1}, {4})}, {}});
    add(op, {"bool", {Bools({1, 0, 1}, {3}), Bools({1, 1, 0}, {3})}, {}});
  }
  add("bitwise_not", {"int", {I64({0, 5, -1}, {3})}, {}});
  add("bitwise_not", {"bool", {Bools({1, 0}, {2})}, {}});
  for (const char* op : {"logical_and", "logical_or", "logical_xor"}) {
    add(op, {"float", {R({2, 3}, 474), R({3}, 475)}, {}});
    add(op, {"int and bool", {I64({0, 1, 2}, {3}), Bools({1, 1, 0}, {3})}, {}});
  }
  add("logical_not", {"float", {R({2, 2}, 476)}, {}});
  add("clamp",
      {"min and max", {R({3, 4}, 35)}, {{"min", S(-0.5)}, {"max", S(0.4)}}});
  add("clamp", {"min only", {R({5}, 36)}, {{"min", S(0.0)}}});
  add("clamp", {"max only", {R({5}, 37)}, {{"max", S(int64_t{0})}}});
  add("where",
      {"broadcast", {Bools({1, 0, 1}, {3}), R({2, 3}, 38), R({2, 1}, 39)}, {}});
  add("where",
      {"scalar other", {Bools({0, 1}, {2}), R({2}, 40), WrapScalar(0.0)}, {}});
  // ---- creation (not differentiable: forward checks only) ----
  add("zeros", {"2x3", {}, {{"size", Ints({2, 3})}}});
  add("ones", {"int64",
               {},
               {{"size", Ints({4})}, {"dtype", AttrValue(DType::kInt64)}}});
  add("full", {"float", {}, {{"size", Ints({2, 2})}, {"fill_value", S(1.5)}}});
  add("arange", {"int", {}, {{"end", S(int64_t{5})}}});
  add("arange", {"float step",
                 {},
                 {{"start", S(1.0)}, {"end", S(2.0)}, {"step", S(0.25)}}});
  add("linspace",
      {"5 steps",
       {},
       {{"start", S(int64_t{0})}, {"end", S(int64_t{1})}, {"steps", I(5)}}});
  add("eye", {"3x4", {}, {{"n", I(3)}, {"m", I(4)}}});
  add("rand", {"2x3", {}, {{"size", Ints({2, 3})}}});
  add("randn", {"20", {}, {{"size", Ints({20})}}});
  add("randint", {"0..9", {}, {{"high", I(10)}, {"size", Ints({2, 3})}}});
  add("randint", {"low, float dtype",
                  {},
                  {{"low", I(-3)},
                   {"high", I(3)},
                   {"size", Ints({4})},
                   {"dtype", AttrValue(DType::kFloat32)}}});
  add("randperm", {"7", {}, {{"n", I(7)}}});
  add("normal", {"numbers and a size",
                 {WrapScalar(1.0), WrapScalar(0.5)},
                 {{"size", Ints({3})}}});
  add("normal", {"tensor mean", {R({2, 2}, 43), WrapScalar(2.0)}, {}});
  add("normal", {"tensors", {R({3}, 44), Pos({3}, 45)}, {}});
  add("normal_", {"mean and std",
                  {R({5}, 46)},
                  {{"mean", AttrValue(1.0)}, {"std", AttrValue(0.1)}}});
  add("uniform_", {"-1..1",
                   {R({2, 3}, 47)},
                   {{"from", AttrValue(-1.0)}, {"to", AttrValue(1.0)}}});
  add("random_", {"0..10", {R({2, 3}, 56)}, {{"from", I(0)}, {"to", I(10)}}});
  add("exponential_",
      {"lambd 2", {R({2, 3}, 57)}, {{"lambd", AttrValue(2.0)}}});
  add("geometric_", {"p 0.3", {R({2, 3}, 58)}, {{"p", AttrValue(0.3)}}});
  add("log_normal_", {"defaults", {R({5}, 59)}, {}});
  add("cauchy_", {"median 1 sigma 0.5",
                  {R({2, 2}, 60)},
                  {{"median", AttrValue(1.0)}, {"sigma", AttrValue(0.5)}}});
  add("rand_like", {"matrix", {R({2, 3}, 48)}, {}});
  add("randn_like", {"matrix", {R({3, 2}, 49)}, {}});
  add("empty", {"2x3", {}, {{"size", Ints({2, 3})}}});
  add("empty_like", {"matrix", {R({2, 3}, 50)}, {}});
  add("full_like", {"matrix", {R({2, 3}, 51)}, {{"fill_value", S(2.5)}}});
  add("stride", {"matrix", {R({2, 3}, 52)}, {}});
  add("stride", {"dim", {R({2, 3}, 53)}, {{"dim", I(0)}}});
  add("storage_offset", {"matrix", {R({2, 3}, 54)}, {}});
  add("is_contiguous", {"matrix", {R({2, 3}, 55)}, {}});
  add("isclose", {"near", {R({2, 3}, 56), R({2, 3}, 56)}, {}});
  add("isclose", {"broadcast", {R({2, 3}, 57), R({3}, 58)}, {}});
  add("allclose", {"equal", {R({4}, 59), R({4}, 59)}, {}});
  add("equal", {"different", {R({4}, 60), R({4}, 61)}, {}});
  add("diagonal", {"offset", {R({3, 4}, 62)}, {{"offset", I(1)}}});
  add("diagonal",
      {"dims", {R({2, 3, 3}, 63)}, {{"dim1", I(1)}, {"dim2", I(2)}}});
  add("diag", {"vector", {R({3}, 64)}, {{"diagonal", I(-1)}}});
  add("diag", {"matrix", {R({3, 4}, 65)}, {}});
  add("inner", {"matrices", {R({2, 3}, 66), R({4, 3}, 67)}, {}});
  add("inner", {"vector and scalar", {R({3}, 68), R({}, 69)}, {}});
  add("zeros_like", {"matrix", {R({2, 3}, 41)}, {}});
  add("ones_like", {"matrix", {R({2, 3}, 42)}, {}});
  {
    // A float32 result rounds: a larger step keeps the difference quotient
    // above the rounding noise (the op is linear, so the step costs nothing).
    OpSample s{
        "to float32", {R({2, 3}, 43)}, {{"dtype", AttrValue(DType::kFloat32)}}};
    s.grad_eps = 1e-2;
    add("to", s);
  }
  add("to", {"int to float64",
             {I64({1, 2}, {2})},
             {{"dtype", AttrValue(DType::kFloat64)}}});
  // ---- shape ----
  add("reshape", {"view", {R({2, 6}, 44)}, {{"shape", Ints({3, -1})}}});
  add("reshape", {"copy", {*T(R({3, 4}, 45))}, {{"shape", Ints({12})}}});
  add("view", {"split", {R({12}, 46)}, {{"shape", Ints({2, 2, 3})}}});
  add("flatten", {"all", {R({2, 3, 2}, 47)}, {}});
  add("flatten", {"middle",
                  {R({2, 3, 2, 2}, 48)},
                  {{"start_dim", I(1)}, {"end_dim", I(2)}}});
  add("squeeze", {"all", {R({1, 3, 1}, 49)}, {}});
  add("squeeze", {"dim", {R({3, 1}, 50)}, {{"dim", I(-1)}}});
  add("unsqueeze", {"front", {R({3}, 51)}, {{"dim", I(0)}}});
  add("unsqueeze", {"back", {R({2, 3}, 52)}, {{"dim", I(-1)}}});
  add("transpose",
      {"3d", {R({2, 3, 4}, 53)}, {{"dim0", I(0)}, {"dim1", I(2)}}});
  add("T", {"matrix", {R({2, 3}, 54)}, {}});
  add("permute", {"3d", {R({2, 3, 4}, 55)}, {{"dims", Ints({2, 0, 1})}}});
  add("expand", {"leading", {R({3}, 56)}, {{"size", Ints({2, 3})}}});
  add("expand", {"size-1 dim", {R({3, 1}, 57)}, {{"size", Ints({-1, 4})}}});
  add("cat", {"dim 0", {R({2, 3}, 58), R({1, 3}, 59)}, {}});
  add("cat", {"dim 1",
              {R({2, 1}, 60), R({2, 2}, 61), R({2, 3}, 62)},
              {{"dim", I(1)}}});
  add("stack", {"dim 0", {R({3}, 63), R({3}, 64)}, {}});
  add("stack", {"dim -1", {R({2, 2}, 65), R({2, 2}, 66)}, {{"dim", I(-1)}}});
  add("clone", {"matrix", {R({2, 3}, 67)}, {}});
  add("contiguous", {"transposed", {*T(R({2, 3}, 68))}, {}});
  add("select", {"row", {R({3, 4}, 69)}, {{"dim", I(0)}, {"index", I(-1)}}});
  add("select", {"column", {R({3, 4}, 70)}, {{"dim", I(1)}, {"index", I(2)}}});
  add("slice", {"step",
                {R({7, 2}, 71)},
                {{"start", I(1)}, {"end", I(6)}, {"step", I(2)}}});
  add("slice",
      {"negative start", {R({2, 5}, 72)}, {{"dim", I(1)}, {"start", I(-3)}}});
  add("index", {"int and slice",
                {R({3, 4}, 73)},
                {{"index", AttrValue(std::string("1, ::2"))}}});
  add("index", {"None and ellipsis",
                {R({2, 3}, 74)},
                {{"index", AttrValue(std::string("None, ..., 1"))}}});
  add("index_put_", {"row",
                     {R({3, 2}, 75), R({2}, 76)},
                     {{"index", AttrValue(std::string("1"))}}});
  add("index_put_", {"strided slice, broadcast value",
                     {R({4, 3}, 77), R({1}, 78)},
                     {{"index", AttrValue(std::string("::2, 1:"))}}});
  auto spec = [](const char* s) { return AttrValue(std::string(s)); };
  add("index.advanced", {"long with repeats",
                         {R({4, 3}, 490), I64({0, 2, 2}, {3})},
                         {{"index", spec("@")}}});
  add("index.advanced",
      {"two apart after a slice",
       {R({2, 3, 4}, 491), I64({1, 0}, {2}), I64({3, 3}, {2})},
       {{"index", spec("@, 1:, @")}}});
  add("index.advanced", {"mask",
                         {R({2, 3}, 492), Bools({1, 0, 1, 1, 1, 0}, {2, 3})},
                         {{"index", spec("@")}}});
  add("index_put_.advanced",
      {"long",
       {R({4, 3}, 493), R({2, 3}, 494), I64({3, 1}, {2})},
       {{"index", spec("@")}}});
  add("index_put_.advanced",
      {"mask, broadcast value",
       {R({2, 3}, 495), R({}, 496), Bools({1, 0, 1, 0, 0, 1}, {2, 3})},
       {{"index", spec("@")}}});
  add("index_put_.advanced",
      {"accumulate with repeats",
       {R({3}, 497), R({4}, 498), I64({0, 2, 0, 0}, {4})},
       {{"index", spec("@")}, {"accumulate", AttrValue(true)}}});
  // ---- reductions ----
  add("sum", {"all", {R({3, 4}, 80)}, {}});
  add("sum", {"dims keepdim",
              {R({2, 3, 4}, 81)},
              {{"dim", Ints({0, 2})}, {"keepdim", AttrValue(true)}}});
  add("sum", {"int", {I64({1, 2, 3}, {3})}, {}});
  add("mean", {"all", {R({3, 4}, 82)}, {}});
  add("mean", {"dim", {R({2, 3, 4}, 83)}, {{"dim", Ints({1})}}});
  add("prod", {"all", {R({2, 3}, 84)}, {}});
  add("prod", {"dim keepdim",
               {R({3, 4}, 85)},
               {{"dim", I(1)}, {"keepdim", AttrValue(true)}}});
  add("prod", {"with a zero",
               {*FromDoubles({0.5, 0.0, 2.0, -1.5}, {4}, DType::kFloat64)},
               {}});
  add("max", {"all", {R({3, 4}, 86)}, {}});
  add("min", {"all", {R({3, 4}, 87)}, {}});
  add("max.dim", {"dim 1", {R({3, 4}, 88)}, {{"dim", I(1)}}});
  add("max.dim", {"dim 0 keepdim",
                  {R({3, 4}, 89)},
                  {{"dim", I(0)}, {"keepdim", AttrValue(true)}}});
  add("min.dim", {"dim -1", {R({2, 5}, 90)}, {{"dim", I(-1)}}});
  add("argmax", {"all", {R({3, 4}, 91)}, {}});
  add("argmax", {"dim", {R({3, 4}, 92)}, {{"dim", I(1)}}});
  add("argmin", {"dim keepdim",
                 {R({3, 4}, 93)},
                 {{"dim", I(0)}, {"keepdim", AttrValue(true)}}});
  // ---- scans ----
  add("cumsum", {"dim 0", {R({3, 4}, 94)}, {{"dim", I(0)}}});
  add("cumsum", {"dim -1", {R({2, 3, 4}, 95)}, {{"dim", I(-1)}}});
  add("cumprod", {"dim 1", {R({3, 4}, 96)}, {{"dim", I(1)}}});
  add("cumprod",
      {"with a zero",
       {*FromDoubles({0.5, 2.0, 0.0, -1.5, 3.0}, {5}, DType::kFloat64)},
       {{"dim", I(0)}}});
  // ---- linear algebra ----
  add("dot", {"vectors", {R({5}, 100), R({5}, 101)}, {}});
  add("mv", {"matrix vector", {R({3, 4}, 102), R({4}, 103)}, {}});
  add("mm", {"matrices", {R({3, 4}, 104), R({4, 2}, 105)}, {}});
  add("mm", {"transposed", {*T(R({4, 3}, 106)), R({4, 2}, 107)}, {}});
  add("matmul", {"batched broadcast", {R({2, 3, 4}, 108), R({4, 5}, 109)}, {}});
  add("matmul", {"vector matrix", {R({4}, 110), R({4, 3}, 111)}, {}});
  add("matmul",
      {"batch x batch", {R({2, 1, 2, 3}, 112), R({3, 3, 2}, 113)}, {}});
  add("matmul", {"matrix vector", {R({2, 3}, 114), R({3}, 115)}, {}});
  add("outer", {"vectors", {R({3}, 116), R({4}, 117)}, {}});
  add("norm", {"2-norm", {R({3, 4}, 118)}, {}});
  add("norm", {"1-norm", {R({5}, 119)}, {{"p", AttrValue(1.0)}}});
  add("norm",
      {"fro", {R({2, 3}, 120)}, {{"p", AttrValue(std::string("fro"))}}});
  add("norm", {"dim", {R({3, 4}, 121)}, {{"dim", Ints({1})}}});
  add("norm", {"p=3", {R({4}, 122)}, {{"p", AttrValue(3.0)}}});
  add("linalg.norm", {"vector", {R({4}, 123)}, {}});
  add("linalg.norm",
      {"matrix ord 2", {R({3, 4}, 141)}, {{"ord", AttrValue(2.0)}}});
  add("linalg.norm",
      {"matrix ord -1", {R({3, 3}, 142)}, {{"ord", AttrValue(-1.0)}}});
  add("linalg.norm",
      {"matrix ord inf",
       {R({2, 3}, 143)},
       {{"ord", AttrValue(std::numeric_limits<double>::infinity())}}});
  add("linalg.norm",
      {"nuc over dims",
       {R({2, 3, 2}, 144)},
       {{"ord", AttrValue(std::string("nuc"))}, {"dim", Ints({0, 2})}}});
  add("norm",
      {"nuc", {R({3, 2}, 145)}, {{"p", AttrValue(std::string("nuc"))}}});
  add("linalg.norm", {"dim keepdim",
                      {R({3, 4}, 124)},
                      {{"dim", Ints({0})}, {"keepdim", AttrValue(true)}}});
  {
    OpSample s{"symmetric 3x3", {R({3, 3}, 125)}, {}};
    s.symmetrize_input0 = true;
    s.square_outputs = true;
    add("linalg.eigh", s);
  }
  add("linalg.eig", {"3x3", {R({3, 3}, 126)}, {}});
  add("linalg.eigvals",
      {"rotation", {*FromDoubles({0, -1, 1, 0}, {2, 2}, DType::kFloat64)}, {}});
  // ---- decompositions and solvers (ops_decomp.cc) ----
  {
    // Well-conditioned (diagonally dominant) and symmetric positive
    // definite inputs; the SPD ones are halved because the test feeds
    // leaf + leaf^T (cholesky reads one triangle).
    auto dom = [&](const Shape& s, uint64_t seed) {
      Tensor eye = *Eye(s.back(), std::nullopt, DType::kFloat64);
      return *Add(R(s, seed), *Mul(eye, WrapScalar(3.0)));
    };
    auto spd_half = [&](const Shape& s, uint64_t seed) {
      Tensor r = R(s, seed);
      Tensor eye = *Eye(s.back(), std::nullopt, DType::kFloat64);
      Tensor rr = *Matmul(r, *Transpose(r, -2, -1));
      return *Mul(*Add(rr, eye), WrapScalar(0.5));
    };
    for (const std::string op : {"det", "linalg.det"}) {
      add(op, {"3x3", {R({3, 3}, 900)}, {}});
      add(op, {"batched", {R({2, 3, 3}, 901)}, {}});
    }
    for (const std::string op : {"slogdet", "linalg.slogdet"}) {
      add(op, {"3x3", {R({3, 3}, 902)}, {}});
      add(op, {"batched", {dom({2, 2, 2}, 903)}, {}});
    }
    add("logdet", {"positive det", {dom({3, 3}, 904)}, {}});
    for (const std::string op : {"inverse", "linalg.inv"}) {
      add(op, {"3x3", {dom({3, 3}, 905)}, {}});
      add(op, {"batched", {dom({2, 2, 2}, 906)}, {}});
    }
    add("linalg.inv_ex", {"3x3", {dom({3, 3}, 907)}, {}});
    add("linalg.solve", {"vector", {dom({3, 3}, 908), R({3}, 909)}, {}});
    add("linalg.solve", {"matrix", {dom({3, 3}, 910), R({3, 2}, 911)}, {}});
    add("linalg.solve",
        {"broadcast batch", {dom({2, 3, 3}, 912), R({3, 2}, 913)}, {}});
    add("linalg.solve",
        {"batch of vectors", {dom({2, 3, 3}, 914), R({2, 3}, 915)}, {}});
    add("linalg.solve_triangular", {"upper",
                                    {dom({3, 3}, 1916), R({3, 2}, 1917)},
                                    {{"upper", AttrValue(true)}}});
    add("linalg.solve_triangular", {"lower right unit",
                                    {R({2, 3, 3}, 1918), R({2, 4, 3}, 1919)},
                                    {{"upper", AttrValue(false)},
                                     {"left", AttrValue(false)},
                                     {"unitriangular", AttrValue(true)}}});
    add("triangular_solve",
        {"upper", {R({3, 2}, 1920), dom({3, 3}, 1921)}, {}});
    add("triangular_solve",
        {"transpose lower",
         {R({2, 3, 1}, 1922), dom({2, 3, 3}, 1923)},
         {{"upper", AttrValue(false)}, {"transpose", AttrValue(true)}}});
    add("cholesky_solve", {"lower", {R({3, 2}, 1924), dom({3, 3}, 1925)}, {}});
    add("cholesky_solve", {"upper batched",
                           {R({2, 3, 2}, 1926), dom({2, 3, 3}, 1927)},
                           {{"upper", AttrValue(true)}}});
    for (const std::string op : {"linalg.cholesky", "cholesky"}) {
      OpSample s{"spd", {spd_half({3, 3}, 916)}, {}};
      s.symmetrize_input0 = true;
      add(op, s);
      OpSample u{
          "upper", {spd_half({4, 4}, 917)}, {{"upper", AttrValue(true)}}};
      u.symmetrize_input0 = true;
      add(op, u);
    }
    add("linalg.qr", {"tall", {R({4, 3}, 918)}, {}});
    add("linalg.qr", {"wide batched", {R({2, 3, 4}, 919)}, {}});
    add("linalg.qr", {"complete square",
                      {R({3, 3}, 920)},
                      {{"mode", AttrValue(std::string("complete"))}}});
    {
      OpSample s{
          "mode r", {R({4, 3}, 921)}, {{"mode", AttrValue(std::string("r"))}}};
      s.check_grad = false;  // torch: Q is needed for the derivative
      add("linalg.qr", s);
    }
    add("qr", {"tall", {R({4, 3}, 922)}, {}});
    add("qr", {"some false", {R({3, 3}, 923)}, {{"some", AttrValue(false)}}});
    {
      // Squared outputs: invariant to the singular vectors' signs.
      OpSample s{"tall reduced",
                 {R({4, 3}, 924)},
                 {{"full_matrices", AttrValue(false)}}};
      s.square_outputs = true;
      add("linalg.svd", s);
      OpSample w{"wide batched reduced",
                 {R({2, 2, 3}, 925)},
                 {{"full_matrices", AttrValue(false)}}};
      w.square_outputs = true;
      add("linalg.svd", w);
      OpSample f{"square full", {R({3, 3}, 926)}, {}};
      f.square_outputs = true;
      add("linalg.svd", f);
      OpSample v{"tall", {R({4, 3}, 927)}, {}};
      v.square_outputs = true;
      add("svd", v);
    }
    add("linalg.svdvals", {"wide", {R({3, 4}, 928)}, {}});
    {
      OpSample s{"symmetric", {R({3, 3}, 929)}, {}};
      s.symmetrize_input0 = true;
      add("linalg.eigvalsh", s);
      OpSample u{
          "upper", {R({3, 3}, 930)}, {{"UPLO", AttrValue(std::string("U"))}}};
      u.symmetrize_input0 = true;
      add("linalg.eigvalsh", u);
    }
    add("linalg.pinv", {"tall", {R({4, 3}, 931)}, {}});
    add("linalg.pinv", {"batched wide rtol",
                        {R({2, 2, 3}, 932)},
                        {{"rtol", AttrValue(1e-3)}}});
    add("pinverse", {"wide", {R({3, 4}, 933)}, {}});
    add("linalg.matrix_rank", {"full", {R({3, 3}, 934)}, {}});
    add("linalg.matrix_rank",
        {"rank 1 batch", {*Ones({2, 3, 3}, DType::kFloat64)}, {}});
    add("linalg.matrix_rank",
        {"atol", {R({3, 4}, 935)}, {{"atol", AttrValue(0.5)}}});
    for (const std::string op : {"matrix_exp", "linalg.matrix_exp"}) {
      add(op, {"3x3", {R({3, 3}, 936)}, {}});
      add(op,
          {"batched larger", {*Mul(R({2, 2, 2}, 937), WrapScalar(3.0))}, {}});
    }
    add("linalg.matrix_norm", {"fro", {R({3, 4}, 938)}, {}});
    add("linalg.matrix_norm", {"nuc keepdim",
                               {R({2, 3, 3}, 939)},
                               {{"ord", AttrValue(std::string("nuc"))},
                                {"keepdim", AttrValue(true)}}});
    add("linalg.matrix_norm",
        {"ord -2 dims",
         {R({3, 2, 4}, 940)},
         {{"ord", AttrValue(-2.0)}, {"dim", Ints({0, 2})}}});
    add("linalg.vector_norm", {"all", {R({3, 4}, 941)}, {}});
    add("linalg.vector_norm", {"ord 1 dim",
                               {R({3, 4}, 942)},
                               {{"ord", AttrValue(1.0)}, {"dim", Ints({1})}}});
    add("linalg.vector_norm", {"ord 3 keepdim",
                               {R({2, 3}, 943)},
                               {{"ord", AttrValue(3.0)},
                                {"dim", Ints({0})},
                                {"keepdim", AttrValue(true)}}});
    add("linalg.lstsq", {"tall", {R({4, 2}, 992), R({4, 3}, 993)}, {}});
    add("linalg.lstsq",
        {"vector rhs batched", {R({2, 3, 2}, 994), R({2, 3}, 995)}, {}});
    add("linalg.cond", {"2-norm", {R({3, 3}, 996)}, {}});
    add("linalg.cond",
        {"fro", {dom({3, 3}, 997)}, {{"p", AttrValue(std::string("fro"))}}});
    add("linalg.cond", {"-2 tall", {R({4, 2}, 998)}, {{"p", AttrValue(-2.0)}}});
    add("linalg.householder_product",
        {"tall", {R({4, 3}, 999), R({3}, 1001)}, {}});
    add("linalg.householder_product", {"batched fewer reflectors",
                                       {R({2, 3, 3}, 1002), R({2, 2}, 1003)},
                                       {}});
    for (const std::string op : {"matrix_power", "linalg.matrix_power"}) {
      add(op, {"n 3", {R({3, 3}, 944)}, {{"n", I(3)}}});
      add(op, {"n 0", {R({2, 2}, 945)}, {{"n", I(0)}}});
      add(op, {"n 1", {R({2, 2}, 946)}, {{"n", I(1)}}});
      add(op, {"n -2", {dom({3, 3}, 947)}, {{"n", I(-2)}}});
      add(op, {"batched n 5", {R({2, 2, 2}, 948)}, {{"n", I(5)}}});
    }
    add("kron", {"matrices", {R({2, 3}, 949), R({2, 2}, 950)}, {}});
    add("kron", {"vector and matrix", {R({3}, 951), R({2, 2}, 952)}, {}});
    add("tensordot", {"dims 2", {R({2, 3, 4}, 953), R({3, 4, 2}, 954)}, {}});
    add("tensordot", {"dim lists",
                      {R({2, 3, 4}, 955), R({4, 2, 3}, 956)},
                      {{"dims_a", Ints({2, 0})}, {"dims_b", Ints({0, 1})}}});
    add("tensordot", {"dims 0", {R({2}, 957), R({3}, 958)}, {{"dims", I(0)}}});
    add("linalg.multi_dot",
        {"vector ends",
         {R({3}, 959), R({3, 4}, 960), R({4, 2}, 961), R({2}, 962)},
         {}});
    add("linalg.multi_dot",
        {"two matrices", {R({2, 3}, 963), R({3, 2}, 964)}, {}});
    add("chain_matmul",
        {"three", {R({2, 3}, 965), R({3, 4}, 966), R({4, 2}, 967)}, {}});
    add("cross", {"first dim of size 3", {R({3, 2}, 968), R({3, 2}, 969)}, {}});
    add("cross", {"dim 1", {R({2, 3}, 970), R({2, 3}, 971)}, {{"dim", I(1)}}});
    add("linalg.cross", {"broadcast", {R({1, 3}, 972), R({4, 3}, 973)}, {}});
    add("linalg.vecdot", {"vectors", {R({5}, 974), R({5}, 975)}, {}});
    add("linalg.vecdot",
        {"batched dim 0", {R({3, 2}, 976), R({3, 2}, 977)}, {{"dim", I(0)}}});
    auto eq = [](const char* e) {
      return AttrMap{{"equation", AttrValue(std::string(e))}};
    };
    add("einsum",
        {"matmul", {R({2, 3}, 978), R({3, 4}, 979)}, eq("ij,jk->ik")});
    add("einsum", {"trace", {R({3, 3}, 980)}, eq("ii")});
    add("einsum", {"batched implicit",
                   {R({2, 2, 3}, 981), R({2, 3, 2}, 982)},
                   eq("bij,bjk")});
    add("einsum",
        {"ellipsis transpose", {R({2, 3, 4}, 983)}, eq("...ij->...ji")});
    add("einsum", {"outer", {R({3}, 984), R({2}, 985)}, eq("i,j->ij")});
    add("einsum", {"three operands",
                   {R({2, 3}, 986), R({3, 4}, 987), R({4, 2}, 988)},
                   eq("ab,bc,cd->ad")});
    add("einsum",
        {"broadcast size 1", {R({1, 3}, 989), R({2, 3}, 990)}, eq("ij,ij->j")});
    add("einsum", {"diagonal and sum", {R({3, 3, 2}, 991)}, eq("iij->j")});
  }
  // ---- in place (the generic test applies them to clones) ----
  add("add_", {"broadcast", {R({2, 3}, 130), R({3}, 131)}, {}});
  add("sub_", {"alpha", {R({3}, 132), R({3}, 133)}, {{"alpha", S(0.5)}}});
  add("mul_", {"scalar", {R({3}, 134), WrapScalar(3.0)}, {}});
  add("div_", {"tensor", {R({2, 2}, 135), Pos({2, 2}, 136)}, {}});
  add("zero_", {"matrix", {R({2, 3}, 137)}, {}});
  add("fill_", {"value", {R({2, 3}, 138)}, {{"value", S(2.5)}}});
  add("copy_", {"broadcast", {R({2, 3}, 139), R({3}, 140)}, {}});
  // ---- nn functional (ops_nn.cc) ----
  auto str = [](const char* v) { return AttrValue(std::string(v)); };
  auto no_grad_check = [](OpSample s) {
    s.check_grad = false;
    return s;
  };
  for (const char* op : {"softmax", "log_softmax", "softmin"}) {
    add(op, {"dim 1", {R({3, 4}, 500)}, {{"dim", I(1)}}});
    add(op, {"dim 1 of 3-d", {R({2, 3, 4}, 501)}, {{"dim", I(1)}}});
    add(op, {"default dim", {R({2, 3}, 502)}, {}});
    add(op, {"0-dim", {R({}, 503)}, {{"dim", I(0)}}});
    // float32 results: no float64 gradient check.
    add(op, no_grad_check(
                {"dtype float32",
                 {R({2, 3}, 504)},
                 {{"dim", I(-1)}, {"dtype", AttrValue(DType::kFloat32)}}}));
  }
  add("nll_loss", {"mean", {R({3, 4}, 510), I64({1, 0, 3}, {3})}, {}});
  add("nll_loss", {"sum, ignore_index",
                   {R({4, 3}, 511), I64({1, 2, 1, 0}, {4})},
                   {{"reduction", str("sum")}, {"ignore_index", I(1)}}});
  add("nll_loss", {"none, 3-d",
                   {R({2, 3, 2}, 512), I64({0, 2, 1, 1}, {2, 2})},
                   {{"reduction", str("none")}}});
  add("nll_loss", {"1-d", {R({4}, 513), I64({2}, {})}, {}});
  // weight cannot require grad (torch's error): forward checks only.
  add("nll_loss", no_grad_check({"weight, 4-d",
                                 {R({2, 3, 2, 1}, 514),
                                  I64({0, 2, 1, 1}, {2, 2, 1}), Pos({3}, 515)},
                                 {}}));
  add("cross_entropy", {"indices", {R({3, 4}, 520), I64({1, 0, 3}, {3})}, {}});
  add("cross_entropy",
      {"probabilities", {R({3, 4}, 521), RandomTensor({3, 4}, 522, 0, 1)}, {}});
  add("cross_entropy",
      {"label smoothing, sum",
       {R({3, 4}, 523), I64({1, 0, 3}, {3})},
       {{"label_smoothing", AttrValue(0.2)}, {"reduction", str("sum")}}});
  add("cross_entropy",
      {"4-d, none",
       {R({2, 3, 2, 2}, 524), I64({0, 2, 1, 1, 2, 2, 0, 1}, {2, 2, 2})},
       {{"reduction", str("none")}}});
  add("cross_entropy", {"probabilities, 3-d, smoothing",
                        {R({2, 3, 2}, 525), RandomTensor({2, 3, 2}, 526, 0, 1)},
                        {{"label_smoothing", AttrValue(0.3)}}});
  add("cross_entropy",
      no_grad_check(
          {"weight, smoothing, ignore_index",
           {R({4, 3}, 527), I64({1, 2, 1, 0}, {4}), Pos({3}, 528)},
           {{"label_smoothing", AttrValue(0.1)}, {"ignore_index", I(1)}}}));
  {
    struct Act {
      const char* op;
      double lo, hi;
      AttrMap attrs;
      bool inplace;
    };
    const std::vector<Act> acts = {
        {"relu6", -2, 8, {}, true},
        {"leaky_relu", -2, 2, {{"negative_slope", AttrValue(0.2)}}, true},
        {"elu", -2, 2, {{"alpha", AttrValue(1.5)}}, true},
        {"selu", -2, 2, {}, true},
        {"celu", -2, 2, {{"alpha", AttrValue(0.5)}}, true},
        {"gelu", -3, 3, {}, false},
        {"silu", -4, 4, {}, true},
        {"mish", -4, 4, {}, true},
        {"softplus",
         -3,
         3,
         {{"beta", AttrValue(2.0)}, {"threshold", AttrValue(4.0)}},
         false},
        {"softsign", -3, 3, {}, false},
        {"hardtanh",
         -3,
         3,
         {{"min_val", AttrValue(-0.5)}, {"max_val", AttrValue(2.0)}},
         true},
        {"hardsigmoid", -4, 4, {}, true},
        {"hardswish", -4, 4, {}, true},
        {"logsigmoid", -20, 20, {}, false},
    };
    uint64_t aseed = 540;
    for (const Act& a : acts) {
      std::vector<std::string> names = {a.op};
      if (a.inplace) names.push_back(std::string(a.op) + "_");
      for (const std::string& op : names) {
        add(op, {"matrix", {RandomTensor({3, 4}, aseed, a.lo, a.hi)}, a.attrs});
        add(op, {"0-dim", {RandomTensor({}, aseed + 1, a.lo, a.hi)}, a.attrs});
      }
      aseed += 2;
    }
    add("gelu", {"tanh",
                 {RandomTensor({2, 5}, 580, -3, 3)},
                 {{"approximate", str("tanh")}}});
    add("softplus", {"defaults", {RandomTensor({6}, 581, -30, 30)}, {}});
    add("relu6", {"int", {I64({-3, 2, 9}, {3})}, {}});
    add("hardtanh", {"int", {I64({-3, 0, 9}, {3})}, {}});
    add("softsign", {"int", {I64({-3, 0, 9}, {3})}, {}});
    add("relu_", {"matrix", {R({3, 4}, 582)}, {}});
    add("relu_", {"int", {I64({-2, 0, 3}, {3})}, {}});
  }
  add("l1_loss", {"mean", {R({2, 3}, 590), R({2, 3}, 591)}, {}});
  add("l1_loss", {"broadcast, none",
                  {R({2, 3}, 592), R({3}, 593)},
                  {{"reduction", str("none")}}});
  add("smooth_l1_loss", {"beta 0.5",
                         {R({2, 3}, 594), R({2, 3}, 595)},
                         {{"beta", AttrValue(0.5)}}});
  add("smooth_l1_loss",
      {"sum, beta 0",
       {R({5}, 596), R({5}, 597)},
       {{"beta", AttrValue(0.0)}, {"reduction", str("sum")}}});
  add("huber_loss", {"delta 0.5, none",
                     {R({2, 3}, 598), R({2, 3}, 599)},
                     {{"delta", AttrValue(0.5)}, {"reduction", str("none")}}});
  add("huber_loss", {"mean", {R({4}, 600), R({4}, 601)}, {}});
  auto in01 = [](const Shape& sh, uint64_t seed) {
    return RandomTensor(sh, seed, 0.1, 0.9);
  };
  add("binary_cross_entropy",
      {"mean", {in01({2, 3}, 602), in01({2, 3}, 603)}, {}});
  add("binary_cross_entropy",
      no_grad_check({"weight, sum",
                     {in01({2, 3}, 604), in01({2, 3}, 605), Pos({3}, 606)},
                     {{"reduction", str("sum")}}}));
  add("binary_cross_entropy_with_logits",
      {"mean", {R({2, 3}, 607), in01({2, 3}, 608)}, {}});
  add("binary_cross_entropy_with_logits",
      no_grad_check(
          {"weight and pos_weight, none",
           {R({2, 3}, 609), in01({2, 3}, 610), Pos({3}, 611), Pos({3}, 612)},
           {{"reduction", str("none")}}}));
  add("kl_div", {"batchmean",
                 {R({3, 4}, 613), Pos({3, 4}, 614)},
                 {{"reduction", str("batchmean")}}});
  add("kl_div",
      {"log_target, none",
       {R({2, 3}, 615), R({2, 3}, 616)},
       {{"log_target", AttrValue(true)}, {"reduction", str("none")}}});
  add("one_hot", {"inferred", {I64({0, 2, 1}, {3})}, {}});
  add("one_hot",
      {"num_classes", {I64({0, 2, 1, 1}, {2, 2})}, {{"num_classes", I(4)}}});
  add("normalize", {"default", {R({3, 4}, 617)}, {}});
  add("normalize",
      {"p 1, dim 0", {R({3, 4}, 618)}, {{"p", AttrValue(1.0)}, {"dim", I(0)}}});
  add("linear", {"bias", {R({3, 4}, 619), R({5, 4}, 620), R({5}, 621)}, {}});
  add("linear", {"vector, no bias", {R({4}, 622), R({2, 4}, 623)}, {}});
  add("linear",
      {"3-d, bias", {R({2, 3, 4}, 624), R({5, 4}, 625), R({5}, 626)}, {}});
  // One recurrent direction: steps 3, batch 2, hidden 2.
  add("_rnn_direction", {"LSTM",
                         {R({3, 2, 8}, 9101), R({2, 2}, 9102), R({8, 2}, 9103),
                          R({8}, 9105), R({2, 2}, 9104)},
                         {{"mode", str("LSTM")}}});
  add("_rnn_direction", {"GRU, reverse, no bias",
                         {R({3, 2, 6}, 9106), R({2, 2}, 9107), R({6, 2}, 9108)},
                         {{"mode", str("GRU")}, {"reverse", AttrValue(true)}}});
  add("_rnn_direction",
      {"RNN_TANH",
       {R({2, 1, 3}, 9110), R({1, 3}, 9111), R({3, 3}, 9112), R({3}, 9114)},
       {{"mode", str("RNN_TANH")}}});
  add("_rnn_direction", {"RNN_RELU",
                         {RandomTensor({2, 2, 2}, 9115, 0.5, 1.0),
                          RandomTensor({2, 2}, 9116, 0.5, 1.0),
                          RandomTensor({2, 2}, 9117, 0.5, 1.0)},
                         {{"mode", str("RNN_RELU")}}});
  add("cosine_similarity", {"rows", {R({3, 4}, 627), R({3, 4}, 628)}, {}});
  add("cosine_similarity",
      {"broadcast, dim 0", {R({4, 3}, 629), R({4, 1}, 630)}, {{"dim", I(0)}}});
  add("pairwise_distance", {"rows", {R({3, 4}, 631), R({3, 4}, 632)}, {}});
  add("pairwise_distance",
      {"p 1, keepdim",
       {R({3, 4}, 633), R({4}, 634)},
       {{"p", AttrValue(1.0)}, {"keepdim", AttrValue(true)}}});
  add("mse_loss", {"mean", {R({2, 3}, 530), R({2, 3}, 531)}, {}});
  add("mse_loss", {"broadcast, none",
                   {R({2, 3}, 532), R({3}, 533)},
                   {{"reduction", str("none")}}});
  add("mse_loss", {"size_average=False",
                   {R({4}, 534), R({4}, 535)},
                   {{"size_average", AttrValue(false)}}});
  // ---- convolution, pooling, normalization (ops_conv.cc) ----
  add("conv2d",
      {"bias", {R({2, 3, 5, 5}, 900), R({4, 3, 3, 3}, 901), R({4}, 902)}, {}});
  add("conv2d", {"stride, padding, dilation, no bias",
                 {R({1, 2, 6, 5}, 903), R({3, 2, 2, 3}, 904)},
                 {{"stride", Ints({2, 1})},
                  {"padding", Ints({1, 2})},
                  {"dilation", Ints({2, 1})}}});
  add("conv2d", {"groups, unbatched",
                 {R({4, 4, 4}, 905), R({6, 2, 2, 2}, 906), R({6}, 907)},
                 {{"groups", I(2)}}});
  add("conv2d", {"1x1", {R({2, 3, 3, 2}, 908), R({2, 3, 1, 1}, 909)}, {}});
  add("conv2d.padding",
      {"same, even kernel",
       {R({1, 2, 4, 5}, 910), R({3, 2, 2, 3}, 911), R({3}, 912)},
       {{"padding", str("same")}, {"dilation", Ints({1, 2})}}});
  add("conv2d.padding",
      {"valid", {R({1, 1, 4, 4}, 913), R({2, 1, 3, 3}, 914)}, {}});
  add("conv1d", {"bias, stride",
                 {R({2, 3, 7}, 915), R({4, 3, 3}, 916), R({4}, 917)},
                 {{"stride", I(2)}, {"padding", I(1)}}});
  add("conv1d", {"groups, dilation, unbatched",
                 {R({4, 6}, 918), R({2, 2, 2}, 919)},
                 {{"groups", I(2)}, {"dilation", I(2)}}});
  add("conv1d.padding", {"same",
                         {R({2, 2, 5}, 920), R({3, 2, 4}, 921), R({3}, 922)},
                         {{"padding", str("same")}}});
  add("conv_transpose2d",
      {"bias",
       {R({2, 3, 4, 3}, 1500), R({3, 2, 3, 2}, 1501), R({2}, 1502)},
       {}});
  add("conv_transpose2d", {"stride, padding, output_padding, dilation",
                           {R({1, 2, 3, 4}, 1503), R({2, 3, 2, 3}, 1504)},
                           {{"stride", Ints({2, 3})},
                            {"padding", Ints({1, 0})},
                            {"output_padding", Ints({1, 2})},
                            {"dilation", Ints({1, 2})}}});
  add("conv_transpose2d",
      {"groups, unbatched",
       {R({4, 3, 3}, 1505), R({4, 2, 2, 2}, 1506), R({4}, 1507)},
       {{"groups", I(2)}, {"stride", I(2)}}});
  add("conv_transpose1d",
      {"bias, stride, output_padding",
       {R({2, 3, 5}, 1508), R({3, 2, 3}, 1509), R({2}, 1510)},
       {{"stride", I(2)}, {"padding", I(1)}, {"output_padding", I(1)}}});
  add("conv_transpose1d", {"groups, dilation, unbatched",
                           {R({4, 6}, 1511), R({4, 1, 2}, 1512)},
                           {{"groups", I(2)}, {"dilation", I(2)}}});
  add("pad", {"constant, crop",
              {R({2, 3, 4}, 1520)},
              {{"pad", Ints({1, -1, 2, 0})}, {"value", AttrValue(0.5)}}});
  add("pad", {"constant, 3 dims",
              {R({2, 3, 2}, 1521)},
              {{"pad", Ints({0, 1, 1, 0, 1, 1})}}});
  add("pad", {"reflect 1d",
              {R({2, 5}, 1522)},
              {{"pad", Ints({2, 3})}, {"mode", str("reflect")}}});
  add("pad", {"reflect 2d, crop",
              {R({1, 2, 3, 4}, 1523)},
              {{"pad", Ints({-1, 3, 2, 1})}, {"mode", str("reflect")}}});
  add("pad", {"reflect 3d",
              {R({2, 2, 3, 3}, 1524)},
              {{"pad", Ints({1, 1, 2, 0, 1, 1})}, {"mode", str("reflect")}}});
  add("pad", {"replicate 2d",
              {R({2, 3, 4}, 1525)},
              {{"pad", Ints({3, 1, 0, 4})}, {"mode", str("replicate")}}});
  add("pad", {"replicate 1d, 3d",
              {R({1, 2, 3}, 1526)},
              {{"pad", Ints({4, 2})}, {"mode", str("replicate")}}});
  add("pad", {"replicate 3d",
              {R({1, 2, 2, 3, 2}, 1528)},
              {{"pad", Ints({1, 0, 2, 1, 0, 1})}, {"mode", str("replicate")}}});
  add("pad", {"circular 2d, crop",
              {R({1, 2, 3, 4}, 1527)},
              {{"pad", Ints({2, -1, 3, 1})}, {"mode", str("circular")}}});
  add("upsample_nearest1d",
      {"x2.5",
       {R({2, 2, 4}, 1530)},
       {{"output_size", Ints({10})}, {"scales", AttrValue(2.5)}}});
  add("upsample_nearest2d",
      {"sizes", {R({1, 2, 3, 4}, 1531)}, {{"output_size", Ints({7, 8})}}});
  add("upsample_nearest2d", {"down, scales",
                             {R({2, 1, 5, 6}, 1532)},
                             {{"output_size", Ints({3, 4})},
                              {"scales_h", AttrValue(0.7)},
                              {"scales_w", AttrValue(0.75)}}});
  add("upsample_bilinear2d",
      {"align_corners",
       {R({1, 2, 3, 4}, 1533)},
       {{"output_size", Ints({5, 7})}, {"align_corners", AttrValue(true)}}});
  add("upsample_bilinear2d", {"half pixel, scales",
                              {R({2, 1, 4, 3}, 1534)},
                              {{"output_size", Ints({6, 7})},
                               {"align_corners", AttrValue(false)},
                               {"scales_h", AttrValue(1.5)}}});
  add("im2col", {"2x2", {R({2, 2, 4, 5}, 1540)}, {{"kernel_size", I(2)}}});
  add("im2col", {"dilation, padding, stride, unbatched",
                 {R({2, 5, 4}, 1541)},
                 {{"kernel_size", Ints({2, 3})},
                  {"dilation", Ints({2, 1})},
                  {"padding", I(1)},
                  {"stride", Ints({1, 2})}}});
  add("col2im", {"2x2",
                 {R({2, 8, 12}, 1542)},
                 {{"output_size", Ints({4, 5})}, {"kernel_size", I(2)}}});
  add("col2im", {"padding, stride, unbatched",
                 {R({6, 6}, 1543)},
                 {{"output_size", Ints({4, 5})},
                  {"kernel_size", Ints({3, 2})},
                  {"padding", I(1)},
                  {"stride", I(2)}}});
  for (const char* op : {"max_pool2d", "max_pool2d_with_indices"}) {
    add(op, {"2x2", {R({2, 2, 4, 5}, 930)}, {{"kernel_size", I(2)}}});
    add(op, {"stride, padding, dilation, ceil, unbatched",
             {R({2, 6, 7}, 931)},
             {{"kernel_size", Ints({3, 2})},
              {"stride", Ints({2, 1})},
              {"padding", Ints({1, 1})},
              {"dilation", Ints({2, 1})},
              {"ceil_mode", AttrValue(true)}}});
  }
  for (const char* op : {"max_pool1d", "max_pool1d_with_indices"}) {
    add(op, {"3", {R({2, 2, 7}, 932)}, {{"kernel_size", I(3)}}});
    add(op, {"stride, padding, unbatched",
             {R({3, 6}, 933)},
             {{"kernel_size", I(2)},
              {"stride", I(1)},
              {"padding", I(1)},
              {"ceil_mode", AttrValue(true)}}});
  }
  add("avg_pool2d", {"2x2", {R({2, 2, 4, 5}, 934)}, {{"kernel_size", I(2)}}});
  add("avg_pool2d", {"padding, ceil, exclude pad, unbatched",
                     {R({2, 5, 6}, 935)},
                     {{"kernel_size", Ints({3, 2})},
                      {"stride", Ints({2, 2})},
                      {"padding", Ints({1, 1})},
                      {"ceil_mode", AttrValue(true)},
                      {"count_include_pad", AttrValue(false)}}});
  add("avg_pool2d",
      {"divisor_override",
       {R({1, 1, 4, 4}, 936)},
       {{"kernel_size", I(3)}, {"stride", I(1)}, {"divisor_override", I(5)}}});
  add("avg_pool1d", {"3", {R({2, 2, 7}, 937)}, {{"kernel_size", I(3)}}});
  add("avg_pool1d", {"padding, unbatched",
                     {R({3, 6}, 938)},
                     {{"kernel_size", I(2)},
                      {"padding", I(1)},
                      {"count_include_pad", AttrValue(false)}}});
  add("adaptive_avg_pool2d",
      {"3x2 of 5x7", {R({2, 2, 5, 7}, 939)}, {{"output_size", Ints({3, 2})}}});
  add("adaptive_avg_pool2d",
      {"1x1, unbatched", {R({3, 4, 4}, 940)}, {{"output_size", I(1)}}});
  for (const char* op :
       {"adaptive_max_pool2d", "adaptive_max_pool2d_with_indices"}) {
    add(op, {"3x2 of 5x7",
             {R({2, 2, 5, 7}, 941)},
             {{"output_size", Ints({3, 2})}}});
    add(op,
        {"larger, unbatched", {R({2, 3, 2}, 942)}, {{"output_size", I(4)}}});
  }
  add("batch_norm", {"training, batch statistics",
                     {R({4, 3, 2}, 950)},
                     {{"training", AttrValue(true)}}});
  // Running statistics are not differentiable: forward checks only.
  add("batch_norm", no_grad_check({"eval, running stats, affine",
                                   {R({3, 2, 2, 2}, 951), R({2}, 952),
                                    Pos({2}, 953), R({2}, 954), R({2}, 955)},
                                   {{"eps", AttrValue(1e-3)}}}));
  add("layer_norm", {"last dim, affine",
                     {R({3, 4}, 956), R({4}, 957), R({4}, 958)},
                     {{"normalized_shape", I(4)}}});
  add("layer_norm", {"two dims, no affine",
                     {R({2, 3, 4}, 959)},
                     {{"normalized_shape", Ints({3, 4})}}});
  add("group_norm", {"2 groups, affine",
                     {R({2, 4, 3}, 960), R({4}, 961), R({4}, 962)},
                     {{"num_groups", I(2)}}});
  add("group_norm",
      {"1 group, 4-d", {R({2, 2, 2, 2}, 963)}, {{"num_groups", I(1)}}});
  // Random masks: no numerical gradient (the draws differ per call).
  add("dropout",
      no_grad_check({"p 0.3", {R({4, 5}, 964)}, {{"p", AttrValue(0.3)}}}));
  add("dropout", {"eval", {R({3, 2}, 965)}, {{"training", AttrValue(false)}}});
  add("embedding", {"rows", {I64({1, 3, 3, 0}, {2, 2}), R({4, 3}, 966)}, {}});
  // No gradient into the padding row, on purpose: forward checks only.
  add("embedding", no_grad_check({"padding_idx",
                                  {I64({2, 0, 2}, {3}), R({3, 2}, 967)},
                                  {{"padding_idx", I(-1)}}}));
  add("t", {"matrix", {R({2, 3}, 9130)}, {}});
  add("t", {"vector", {R({3}, 9131)}, {}});
  // Bags [0, 2), [2, 2) (empty) and [2, 5) of rows of a 4 x 3 weight.
  add("embedding_bag",
      {"sum",
       {I64({1, 3, 3, 0, 2}, {5}), R({4, 3}, 9120), I64({0, 2, 2}, {3})},
       {{"mode", str("sum")}}});
  add("embedding_bag",
      {"mean, padding_idx",
       {I64({1, 3, 3, 0, 2}, {5}), R({4, 3}, 9121), I64({0, 2, 2}, {3})},
       {{"padding_idx", I(3)}}});
  add("embedding_bag",
      {"max",
       {I64({1, 3, 2, 0, 2}, {5}), R({4, 3}, 9122), I64({0, 3}, {2})},
       {{"mode", str("max")}}});
  add("embedding_bag",
      {"per_sample_weights, include_last_offset",
       {I64({1, 3, 3, 0, 2}, {5}), R({4, 3}, 9123), I64({0, 1, 4}, {3}),
        R({5}, 9124)},
       {{"mode", str("sum")}, {"include_last_offset", AttrValue(true)}}});
  // ---- autograd ops (their behaviour is tested in autograd_test) ----
  auto with_grad = [](OpSample s) {
    s.requires_grad = true;
    return s;
  };
  add("backward", with_grad({"scalar", {R({}, 150)}, {}}));
  add("backward", with_grad({"gradient", {R({3}, 151), R({3}, 152)}, {}}));
  add("grad", with_grad({"none yet", {R({3}, 153)}, {}}));
  // (Inputs are cloned, so the output cannot be the input: unused.)
  add("autograd.grad", with_grad({"unused input",
                                  {R({}, 158), R({}, 159)},
                                  {{"n_outputs", I(1)},
                                   {"n_inputs", I(1)},
                                   {"allow_unused", AttrValue(true)}}}));
  add("alias", with_grad({"leaf", {R({2, 3}, 157)}, {}}));
  add("manual_seed", {"seed", {}, {{"seed", int64_t{7}}}});
  add("detach", {"matrix", {R({2, 3}, 154)}, {}});
  add("requires_grad_", {"leaf", {R({3}, 155)}, {}});
  add("retain_grad", with_grad({"leaf", {R({3}, 156)}, {}}));
  // ---- index along a dim, sorting, layout ----
  add("gather", {"dim 1 with repeats",
                 {R({2, 3}, 700), I64({2, 2, 0, 1}, {2, 2})},
                 {{"dim", I(1)}}});
  add("gather", {"dim 0, smaller index",
                 {R({3, 2}, 701), I64({2, 0}, {1, 2})},
                 {{"dim", I(0)}}});
  for (const std::string op : {"scatter", "scatter_"}) {
    add(op, {"src, distinct places",
             {R({2, 4}, 702), I64({3, 0, 1, 2}, {2, 2}), R({2, 2}, 703)},
             {{"dim", I(1)}}});
    add(op, {"value",
             {R({3, 2}, 704), I64({2, 0}, {1, 2}), WrapScalar(1.5)},
             {{"dim", I(0)}}});
  }
  for (const std::string op : {"scatter_add", "scatter_add_"}) {
    add(op, {"repeated places",
             {R({2, 3}, 705), I64({0, 0, 2, 1, 1, 1}, {2, 3}), R({2, 3}, 706)},
             {{"dim", I(1)}}});
  }
  {
    uint64_t seed = 1700;
    for (const char* reduce : {"sum", "prod", "mean", "amax", "amin"}) {
      for (const bool self_too : {true, false}) {
        add("scatter_reduce",
            {std::string(reduce) + (self_too ? "" : " without self"),
             {R({2, 4}, seed), I64({0, 0, 3, 1, 1, 1}, {2, 3}),
              R({2, 3}, seed + 1)},
             {{"dim", I(1)},
              {"reduce", AttrValue(std::string(reduce))},
              {"include_self", AttrValue(self_too)}}});
        seed += 2;
      }
    }
  }
  add("index_select",
      {"dim 1", {R({2, 4}, 707), I64({3, 0, 3}, {3})}, {{"dim", I(1)}}});
  add("index_select",
      {"scalar index", {R({3, 2}, 708), I64({1}, {})}, {{"dim", I(0)}}});
  for (const std::string sfx : {"", "_"}) {
    add("index_add" + sfx,
        {"alpha, repeats",
         {R({4, 2}, 709), I64({1, 1, 3}, {3}), R({3, 2}, 710)},
         {{"dim", I(0)}, {"alpha", S(2.0)}}});
    add("index_copy" + sfx, {"dim 1",
                             {R({2, 4}, 711), I64({3, 0}, {2}), R({2, 2}, 712)},
                             {{"dim", I(1)}}});
    add("index_fill" + sfx,
        {"dim 0",
         {R({3, 2}, 713), I64({2, 0}, {2}), WrapScalar(-1.5)},
         {{"dim", I(0)}}});
  }
  add("masked_fill", {"broadcast mask",
                      {R({2, 3}, 714), Bools({1, 0, 1}, {3}), WrapScalar(2.0)},
                      {}});
  add("masked_fill", {"0-dim tensor value",
                      {R({2, 2}, 715), Bools({0, 1, 1, 0}, {2, 2}), R({}, 716)},
                      {}});
  add("masked_fill_",
      {"value",
       {R({2, 3}, 717), Bools({0, 1, 1, 0, 0, 1}, {2, 3}), WrapScalar(-3.0)},
       {}});
  add("masked_select",
      {"broadcast mask", {R({2, 3}, 718), Bools({0, 1, 1}, {3})}, {}});
  add("take", {"2-d index", {R({2, 3}, 719), I64({5, 0, -1, 2}, {2, 2})}, {}});
  add("take_along_dim",
      {"dim 1", {R({2, 3}, 720), I64({2, 0, 1, 1}, {2, 2})}, {{"dim", I(1)}}});
  add("take_along_dim", {"flattened", {R({2, 3}, 721), I64({4, 1}, {2})}, {}});
  add("nonzero", {"matrix", {Bools({0, 1, 1, 0, 1, 0}, {2, 3})}, {}});
  add("nonzero.tuple", {"matrix", {I64({0, 3, 2, 0}, {2, 2})}, {}});
  add("sort", {"dim 1 descending",
               {R({3, 4}, 722)},
               {{"dim", I(1)}, {"descending", AttrValue(true)}}});
  add("sort", {"dim 0", {R({3, 2}, 723)}, {{"dim", I(0)}}});
  add("argsort", {"last dim", {R({2, 5}, 724)}, {}});
  add("msort", {"matrix", {R({4, 2}, 725)}, {}});
  add("topk", {"k 2", {R({3, 5}, 726)}, {{"k", I(2)}}});
  add("topk", {"smallest along dim 0",
               {R({4, 3}, 727)},
               {{"k", I(3)}, {"dim", I(0)}, {"largest", AttrValue(false)}}});
  add("kthvalue", {"k 2", {R({3, 4}, 728)}, {{"k", I(2)}}});
  add("kthvalue", {"keepdim dim 0",
                   {R({4, 2}, 729)},
                   {{"k", I(3)}, {"dim", I(0)}, {"keepdim", AttrValue(true)}}});
  add("split", {"uneven", {R({5, 2}, 730)}, {{"split_size", I(2)}}});
  add("split_with_sizes", {"dim 1",
                           {R({2, 5}, 731)},
                           {{"split_sizes", Ints({1, 4})}, {"dim", I(1)}}});
  add("chunk", {"3 of 7", {R({7}, 732)}, {{"chunks", I(3)}}});
  add("unbind", {"dim 1", {R({2, 3}, 733)}, {{"dim", I(1)}}});
  add("broadcast_tensors", {"two", {R({2, 1}, 734), R({3}, 735)}, {}});
  add("unfold", {"overlapping windows",
                 {R({3, 7}, 850)},
                 {{"dimension", I(1)}, {"size", I(3)}, {"step", I(2)}}});
  add("unfold", {"dim 0, step 1",
                 {R({4, 2}, 851)},
                 {{"dimension", I(0)}, {"size", I(2)}, {"step", I(1)}}});
  add("narrow", {"dim 1",
                 {R({2, 5}, 736)},
                 {{"dim", I(1)}, {"start", I(1)}, {"length", I(3)}}});
  for (const std::string op : {"movedim", "moveaxis"}) {
    add(op, {"0 to 2",
             {R({2, 3, 4}, 737)},
             {{"source", Ints({0})}, {"destination", Ints({2})}}});
  }
  add("swapaxes",
      {"0, 2", {R({2, 3, 4}, 738)}, {{"axis0", I(0)}, {"axis1", I(2)}}});
  add("swapdims", {"1, 0", {R({2, 3}, 739)}, {{"dim0", I(1)}, {"dim1", I(0)}}});
  add("flip", {"two dims", {R({2, 3, 2}, 740)}, {{"dims", Ints({0, 2})}}});
  add("fliplr", {"matrix", {R({2, 3}, 741)}, {}});
  add("flipud", {"matrix", {R({3, 2}, 742)}, {}});
  add("roll", {"two dims",
               {R({3, 4}, 743)},
               {{"shifts", Ints({1, -5})}, {"dims", Ints({0, 1})}}});
  add("roll", {"flattened", {R({2, 3}, 744)}, {{"shifts", Ints({2})}}});
  add("rot90", {"once", {R({2, 3}, 745)}, {}});
  add("rot90", {"three times, other plane",
                {R({2, 3, 2}, 746)},
                {{"k", I(3)}, {"dims", Ints({1, 2})}}});
  add("repeat",
      {"new leading dim", {R({2, 3}, 747)}, {{"repeats", Ints({2, 1, 2})}}});
  add("tile", {"padded", {R({2, 3}, 748)}, {{"dims", Ints({2})}}});
  add("repeat_interleave",
      {"int along dim 0", {R({2, 3}, 749), I64({2}, {})}, {{"dim", I(0)}}});
  add("repeat_interleave",
      {"tensor repeats, flattened", {R({3}, 750), I64({1, 0, 3}, {3})}, {}});
  for (const std::string op : {"tril", "triu", "tril_", "triu_"}) {
    add(op, {"diagonal 1", {R({3, 4}, 751)}, {{"diagonal", I(1)}}});
    add(op,
        {"batched, diagonal -1", {R({2, 3, 3}, 752)}, {{"diagonal", I(-1)}}});
  }
  add("atleast_1d", {"scalar", {R({}, 753)}, {}});
  add("atleast_2d", {"vector", {R({3}, 754)}, {}});
  add("atleast_3d", {"matrix", {R({2, 3}, 755)}, {}});
  add("hstack", {"vectors", {R({2}, 756), R({3}, 757)}, {}});
  add("hstack", {"matrices", {R({2, 1}, 758), R({2, 2}, 759)}, {}});
  for (const std::string op : {"vstack", "row_stack"}) {
    add(op, {"vector and matrix", {R({3}, 760), R({2, 3}, 761)}, {}});
  }
  add("dstack", {"matrices", {R({2, 3}, 762), R({2, 3}, 763)}, {}});
  add("column_stack", {"vector and matrix", {R({2}, 764), R({2, 2}, 765)}, {}});
  add("broadcast_to",
      {"new dims", {R({3, 1}, 766)}, {{"size", Ints({2, 3, 4})}}});
  add("unflatten", {"infer one",
                    {R({2, 6}, 767)},
                    {{"dim", I(1)}, {"sizes", Ints({3, -1})}}});
  for (const std::string op : {"new_zeros", "new_ones", "new_empty"}) {
    add(op, {"matrix", {R({2}, 768)}, {{"size", Ints({2, 3})}}});
  }
  add("new_full",
      {"value", {R({2}, 769)}, {{"size", Ints({3})}, {"fill_value", S(2.5)}}});
  // ---- more pointwise, small reductions, fused products ----
  for (const std::string op :
       {"atan2", "arctan2", "hypot", "copysign", "logaddexp", "fmax", "fmin",
        "true_divide", "divide", "multiply"}) {  // NOLINT
    add(op, {"broadcast", {R({2, 3}, 800), Pos({3}, 801)}, {}});
    if (op == "true_divide" || op == "divide" || op == "multiply" ||
        op == "copysign") {  // the others take no Python number
      add(op, {"wrapped scalar", {R({3}, 802), WrapScalar(-0.7)}, {}});
    }
  }
  add("xlogy", {"positive y", {R({2, 3}, 803), Pos({2, 3}, 804)}, {}});
  add("div", {"rounding trunc",
              {R({2, 3}, 805), Pos({3}, 806)},
              {{"rounding_mode", AttrValue(std::string("trunc"))}}});
  for (const std::string op : {"bitwise_left_shift", "bitwise_right_shift"}) {
    add(op, {"int64", {I64({1, -8, 1024}, {3}), I64({2, 1, 65}, {3})}, {}});
  }
  add("heaviside", {"values", {R({2, 3}, 807), R({3}, 808)}, {}});
  add("lerp",
      {"scalar weight", {R({2, 3}, 809), R({2, 3}, 810), WrapScalar(0.3)}, {}});
  add("lerp",
      {"tensor weight", {R({2, 3}, 811), R({3}, 812), R({2, 1}, 813)}, {}});
  add("addcmul", {"value",
                  {R({2, 3}, 814), R({3}, 815), R({2, 3}, 816)},
                  {{"value", S(-1.5)}}});
  add("addcdiv", {"value",
                  {R({2, 3}, 817), R({2, 3}, 818), Pos({3}, 819)},
                  {{"value", S(0.5)}}});
  add("logit", {"inside (0, 1)", {RandomTensor({2, 3}, 820, 0.1, 0.9)}, {}});
  add("logit",
      {"eps", {RandomTensor({4}, 821, 0.1, 0.9)}, {{"eps", AttrValue(0.2)}}});
  add("nan_to_num", {"finite", {R({2, 3}, 822)}, {{"nan", AttrValue(1.0)}}});
  for (const std::string op : {"sinc", "deg2rad", "rad2deg", "sgn", "square",
                               "isposinf", "isneginf"}) {
    add(op, {"matrix", {R({2, 3}, 823)}, {}});
  }
  add("clip", {"both", {R({2, 3}, 824)}, {{"min", S(-0.5)}, {"max", S(0.5)}}});
  // complex numbers: complex inputs are complex128 (complex64 in float32)
  add("complex", {"same", {R({2, 3}, 840), R({2, 3}, 841)}, {}});
  add("complex", {"broadcast", {R({2, 1}, 842), R({3}, 843)}, {}});
  add("polar", {"broadcast", {Pos({2, 3}, 844), R({3}, 845)}, {}});
  for (const std::string op : {"real", "imag", "conj", "angle"}) {
    add(op, {"complex", {C({2, 3}, 846)}, {}});
  }
  for (const std::string op : {"real", "conj", "angle"}) {
    add(op, {"real input", {R({2, 3}, 847)}, {}});
  }
  add("view_as_real", {"complex", {C({2, 3}, 848)}, {}});
  add("view_as_complex", {"pairs", {R({3, 2}, 849)}, {}});
  add("trace", {"rectangular", {R({3, 4}, 825)}, {}});
  for (const std::string op : {"std_mean", "var_mean"}) {
    add(op, {"dim 1", {R({3, 4}, 826)}, {{"dim", Ints({1})}}});
    add(op,
        {"all, correction 0", {R({5}, 827)}, {{"correction", AttrValue(0.0)}}});
  }
  add("aminmax", {"dim 0 keepdim",
                  {R({3, 4}, 828)},
                  {{"dim", I(0)}, {"keepdim", AttrValue(true)}}});
  add("nansum", {"dim 1", {R({3, 4}, 829)}, {{"dim", Ints({1})}}});
  add("nanmean", {"all", {R({3, 4}, 830)}, {}});
  for (const std::string op : {"median", "nanmedian"}) {
    add(op, {"all", {R({3, 4}, 831)}, {}});
    add(op + ".dim", {"dim 1", {R({3, 4}, 832)}, {{"dim", I(1)}}});
    add(op + ".dim", {"dim 0 keepdim",
                      {R({4, 2}, 833)},
                      {{"dim", I(0)}, {"keepdim", AttrValue(true)}}});
  }
  add("dist", {"p 3", {R({2, 3}, 834), R({3}, 835)}, {{"p", AttrValue(3.0)}}});
  add("diff",
      {"n 2 along dim 0", {R({4, 3}, 836)}, {{"n", I(2)}, {"dim", I(0)}}});
  add("diff", {"prepend", {R({3}, 837), R({2}, 838)}, {}});
  for (const std::string op : {"cummax", "cummin"}) {
    add(op, {"dim 1", {R({3, 4}, 839)}, {{"dim", I(1)}}});
  }
  add("bincount", {"weights",
                   {I64({1, 1, 3, 0}, {4}), R({4}, 840)},
                   {{"minlength", I(6)}}});
  add("histc", {"range",
                {R({20}, 841)},
                {{"bins", I(4)}, {"min", S(-1.0)}, {"max", S(1.0)}}});
  add("bmm", {"batch 2", {R({2, 3, 4}, 842), R({2, 4, 2}, 843)}, {}});
  add("addmm", {"beta alpha",
                {R({3}, 844), R({2, 4}, 845), R({4, 3}, 846)},
                {{"beta", S(0.5)}, {"alpha", S(-2.0)}}});
  add("addmm", {"full-shape input",
                {R({2, 3}, 856), R({2, 4}, 857), R({4, 3}, 858)},
                {}});
  add("addmv", {"plain", {R({2}, 847), R({2, 3}, 848), R({3}, 849)}, {}});
  add("addr", {"beta 0",
               {R({2, 3}, 850), R({2}, 851), R({3}, 852)},
               {{"beta", S(0.0)}}});
  add("baddbmm", {"alpha",
                  {R({2, 3, 2}, 853), R({2, 3, 4}, 854), R({2, 4, 2}, 855)},
                  {{"alpha", S(0.5)}}});
  // ---- sampling and sets ----
  add("bernoulli", {"tensor p", {RandomTensor({2, 3}, 870, 0.0, 1.0)}, {}});
  add("bernoulli", {"scalar p", {R({4}, 871)}, {{"p", AttrValue(0.3)}}});
  add("bernoulli_", {"0.5", {R({2, 3}, 872)}, {}});
  add("bernoulli_",
      {"tensor p", {R({2, 3}, 873), RandomTensor({3}, 874, 0.0, 1.0)}, {}});
  add("multinomial",
      {"with replacement",
       {RandomTensor({2, 4}, 875, 0.1, 1.0)},
       {{"num_samples", I(6)}, {"replacement", AttrValue(true)}}});
  add("multinomial", {"without replacement",
                      {RandomTensor({5}, 876, 0.1, 1.0)},
                      {{"num_samples", I(3)}}});
  add("logspace", {"base 2",
                   {},
                   {{"start", S(-1.0)},
                    {"end", S(3.0)},
                    {"steps", I(5)},
                    {"base", AttrValue(2.0)}}});
  for (const std::string op : {"tril_indices", "triu_indices"}) {
    add(op, {"offset", {}, {{"row", I(3)}, {"col", I(4)}, {"offset", I(1)}}});
  }
  add("searchsorted", {"right",
                       {I64({1, 3, 5, 7}, {4}), R({2, 3}, 877)},
                       {{"right", AttrValue(true)}}});
  add("bucketize", {"int32",
                    {R({5}, 878), RandomTensor({3}, 879, -1, -0.5)},
                    {{"out_int32", AttrValue(true)}}});
  for (const std::string op : {"unique", "unique_consecutive"}) {
    add(op, {"repeats", {I64({3, 1, 3, 3, 2}, {5})}, {}});
  }
  add("meshgrid", {"xy",
                   {R({2}, 880), R({3}, 881)},
                   {{"indexing", AttrValue(std::string("xy"))}}});
  add("cartesian_prod", {"two", {R({2}, 882), R({3}, 883)}, {}});
  add("block_diag", {"matrix and vector", {R({2, 2}, 884), R({3}, 885)}, {}});
  add("clamp_min", {"min", {R({2, 3}, 886)}, {{"min", S(-0.2)}}});
  add("clamp_max", {"max", {R({2, 3}, 887)}, {{"max", S(0.2)}}});
  add("lgamma", {"positive", {Pos({2, 3}, 888)}, {}});
  add("digamma", {"positive", {Pos({2, 3}, 889)}, {}});
  for (int64_t n : {1, 2, 3}) {
    add("polygamma",
        {absl::StrCat("n ", n), {Pos({2, 3}, 1889 + n)}, {{"n", I(n)}}});
  }
  for (const std::string op : {"quantile", "nanquantile"}) {
    add(op, {"q vector along dim 1",
             {R({3, 5}, 890), *FromDoubles({0.2, 0.6}, {2}, DType::kFloat64)},
             {{"dim", I(1)}}});
    add(op, {"all, scalar q, keepdim",
             {R({2, 3}, 891), WrapScalar(0.4)},
             {{"keepdim", AttrValue(true)}}});
  }
  add("mode", {"dim 1", {I64({1, 2, 2, 3, 3, 4, 4, 1, 1, 0}, {2, 5})}, {}});
  add("mode", {"float dim 0 keepdim",
               {R({3, 2}, 892)},
               {{"dim", I(0)}, {"keepdim", AttrValue(true)}}});
  add("tensor_split", {"3 of 7", {R({7, 2}, 893)}, {{"sections", I(3)}}});
  add("tensor_split.indices", {"cuts along dim 1",
                               {R({2, 6}, 894)},
                               {{"indices", Ints({1, 4})}, {"dim", I(1)}}});
  add("diag_embed", {"batch, offset", {R({2, 3}, 895)}, {{"offset", I(1)}}});
  add("logcumsumexp", {"dim 1", {R({3, 4}, 896)}, {{"dim", I(1)}}});
  add("cdist", {"p 2", {R({3, 2}, 897), R({4, 2}, 898)}, {}});
  add("cdist", {"p 1.5 batched",
                {R({2, 3, 2}, 899), R({2, 2, 2}, 900)},
                {{"p", AttrValue(1.5)}}});
  // ---- writing into parts (ops_scatter.cc), isin, cov, corrcoef ----
  add("select_scatter", {"dim 1, last",
                         {R({3, 4}, 1600), R({3}, 1601)},
                         {{"dim", I(1)}, {"index", I(-1)}}});
  add("slice_scatter",
      {"dim 1 step 2",
       {R({3, 4}, 1602), R({3, 2}, 1603)},
       {{"dim", I(1)}, {"start", I(0)}, {"end", I(4)}, {"step", I(2)}}});
  add("slice_scatter", {"defaults", {R({2, 3}, 1604), R({2, 3}, 1605)}, {}});
  add("diagonal_scatter",
      {"offset 1", {R({3, 4}, 1606), R({3}, 1607)}, {{"offset", I(1)}}});
  add("diagonal_scatter", {"dims 0 and 2",
                           {R({2, 3, 2}, 1608), R({3, 2}, 1609)},
                           {{"dim1", I(0)}, {"dim2", I(2)}}});
  for (const std::string op : {"masked_scatter", "masked_scatter_"}) {
    add(op, {"mask, spare source",
             {R({2, 3}, 1610), Bools({1, 0, 1, 0, 1, 1}, {2, 3}), R({5}, 1611)},
             {}});
  }
  add("masked_scatter",
      {"self broadcast to the mask",
       {R({3}, 1612), Bools({1, 0, 1, 0, 1, 1}, {2, 3}), R({2, 3}, 1613)},
       {}});
  for (const std::string op : {"put", "put_"}) {
    add(op, {"distinct places",
             {R({2, 3}, 1614), I64({5, 0, -2}, {3}), R({3}, 1615)},
             {}});
    add(op, {"accumulate repeats",
             {R({2, 3}, 1616), I64({1, 1, 4, 1}, {2, 2}), R({2, 2}, 1617)},
             {{"accumulate", AttrValue(true)}}});
  }
  add("fill_diagonal_", {"tall, wrap",
                         {R({7, 3}, 1618)},
                         {{"fill_value", S(2.5)}, {"wrap", AttrValue(true)}}});
  add("fill_diagonal_",
      {"cube", {R({2, 2, 2}, 1619)}, {{"fill_value", S(int64_t{1})}}});
  add("isin", {"ints", {I64({1, 2, 3, 4}, {2, 2}), I64({2, 4, 9}, {3})}, {}});
  add("isin", {"floats, invert",
               {R({5}, 1620), R({3}, 1621)},
               {{"invert", AttrValue(true)}}});
  add("cov", {"rows", {R({3, 5}, 1622)}, {}});
  add("cov", {"weights, correction 0",
              {R({2, 4}, 1623), I64({1, 2, 1, 3}, {4}), Pos({4}, 1624)},
              {{"correction", I(0)}}});
  add("cov", {"one variable", {R({6}, 1625)}, {}});
  add("corrcoef", {"rows", {R({3, 5}, 1626)}, {}});
  add("get_rng_state", {"default generator", {}, {}});
  {
    Generator seeded(5);
    add("set_rng_state", {"a seeded state", {*GetRngState(seeded)}, {}});
  }
  // ---- in-place view ops (ops_view_inplace.cc) ----
  add("t_", {"matrix", {R({2, 3}, 1627)}, {}});
  add("transpose_",
      {"dims 0 and 2", {R({2, 3, 2}, 1628)}, {{"dim0", I(0)}, {"dim1", I(2)}}});
  add("swapdims_",
      {"matrix", {R({2, 3}, 1629)}, {{"dim0", I(0)}, {"dim1", I(1)}}});
  add("swapaxes_",
      {"matrix", {R({3, 2}, 1630)}, {{"axis0", I(1)}, {"axis1", I(0)}}});
  add("unsqueeze_", {"dim 1", {R({2, 3}, 1631)}, {{"dim", I(1)}}});
  add("resize_", {"shrink", {R({2, 3}, 1634)}, {{"size", Ints({2, 2})}}});
  add("resize_", {"grow", {R({2, 3}, 1635)}, {{"size", Ints({3, 3})}}});
  add("resize_", {"to 0-dim", {R({4}, 1636)}, {{"size", Ints({})}}});
  add("squeeze_", {"all", {R({1, 3, 1}, 1632)}, {}});
  add("squeeze_", {"dim", {R({3, 1}, 1633)}, {{"dim", I(-1)}}});
  // torch's second names (AddAliases): the op's own samples.
  for (const auto& [alias, name] : OpAliases()) {
    const auto it = m.find(name);
    if (it == m.end()) continue;
    const std::vector<OpSample> samples = it->second;
    for (const OpSample& s : samples) add(alias, s);
  }
  // In-place forms made from the table (AddInplaceForms): the samples of
  // the out-of-place op whose result fits self.
  {
    std::vector<std::pair<std::string, OpSample>> forms;
    for (const OpDef& d : OpTable()) {
      if (!d.inplace || m.count(d.name)) continue;
      const std::string base = d.name.substr(0, d.name.size() - 1);
      auto it = m.find(base);
      if (it == m.end()) continue;
      for (const OpSample& s : it->second) {
        OpContext ctx;
        auto outs = RunOp(base, s.inputs, s.attrs, ctx);
        if (!outs.ok() || outs->empty() || s.inputs.empty()) continue;
        const Tensor& o = (*outs)[0];
        if (o.sizes() != s.inputs[0].sizes()) continue;
        if (IsFloating(o.dtype()) && !IsFloating(s.inputs[0].dtype())) continue;
        if (s.inputs[0].is_wrapped_number()) continue;
        forms.emplace_back(d.name, s);
      }
    }
    for (auto& [name, s] : forms) add(name, s);
  }
  return m;
}

}  // namespace

const std::map<std::string, std::vector<OpSample>>& OpSamples() {
  static const auto* samples =
      new std::map<std::string, std::vector<OpSample>>(Build());
  return *samples;
}

}  // namespace tensord::testing
