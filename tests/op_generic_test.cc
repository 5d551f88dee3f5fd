// Generic tests driven by the op table and its samples: every op has
// samples; every differentiable op passes a float64 numerical gradient
// check; float32 runs agree with float64 runs in dtype and value; and
// non-contiguous inputs give the same results as contiguous ones.
#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "core/op_table.h"
#include "core/ops_internal.h"
#include "gtest/gtest.h"
#include "tests/op_samples.h"

namespace tensord::testing {
namespace {

template <typename T>
T Unwrap(absl::StatusOr<T> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : T();
}

std::vector<std::string> OpNames() {
  std::vector<std::string> names;
  for (const OpDef& d : OpTable()) names.push_back(d.name);
  return names;
}

TEST(OpTableTest, EveryOpHasSamples) {
  for (const OpDef& d : OpTable()) {
    auto it = OpSamples().find(d.name);
    EXPECT_TRUE(it != OpSamples().end() && !it->second.empty())
        << "op '" << d.name << "' has no samples in tests/op_samples.cc";
  }
  for (const auto& [name, samples] : OpSamples()) {
    EXPECT_NE(FindOp(name), nullptr)
        << "samples for unknown op '" << name << "'";
  }
}

TEST(OpTableTest, SortedUniqueAndDocumented) {
  const auto& t = OpTable();
  for (size_t i = 0; i < t.size(); ++i) {
    EXPECT_FALSE(t[i].doc.empty()) << t[i].name;
    EXPECT_TRUE(t[i].fn) << t[i].name;
    if (i > 0) {
      EXPECT_LT(t[i - 1].name, t[i].name);
    }
  }
  EXPECT_EQ(FindOp("no_such_op"), nullptr);
  OpContext ctx;
  auto r = RunOp("no_such_op", {}, {}, ctx);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
}

TEST(OpTableTest, RejectsBadArityAndAttributes) {
  OpContext ctx;
  Tensor x = RandomTensor({3}, 1);
  EXPECT_EQ(RunOp("add", {x}, {}, ctx).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RunOp("cumsum", {x}, {}, ctx).status().message(),
            "cumsum() missing required argument 'dim'");
  EXPECT_EQ(RunOp("cumsum", {x}, {{"dim", AttrValue(std::string("a"))}}, ctx)
                .status()
                .message(),
            "cumsum(): argument 'dim' must be int, not str");
  EXPECT_EQ(RunOp("sum", {x}, {{"axis", AttrValue(int64_t{0})}}, ctx)
                .status()
                .message(),
            "sum() got an unexpected keyword argument 'axis'");
}

// Inputs for one evaluation: float inputs cast to `dtype`, leaves requiring
// grad when `grad` is set.
struct Prepared {
  std::vector<Tensor> leaves;  // requires_grad leaves (or undefined)
  std::vector<Tensor> inputs;  // what the op receives
};

Prepared Prepare(const OpDef& op, const OpSample& s, DType dtype, bool grad,
                 bool noncontiguous = false) {
  Prepared p;
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    Tensor in = s.inputs[i];
    Tensor leaf;
    if (IsFloating(in.dtype()) && !in.is_wrapped_number()) {
      leaf = Unwrap(Clone(Unwrap(To(in, dtype))));
      if (noncontiguous && leaf.dim() > 0) {
        // Same values, every stride doubled: a column of a [..., 2] tensor.
        Shape big = leaf.sizes();
        big.push_back(2);
        Tensor storage = Unwrap(Zeros(big, dtype));
        Tensor view = Unwrap(Select(storage, -1, 0));
        CopyConvert(leaf, view);
        leaf = view;
      }
      if (grad || s.requires_grad) {
        EXPECT_TRUE(leaf.set_requires_grad(true).ok());
      }
      in = leaf;
      if (i == 0 && s.symmetrize_input0)
        in = Unwrap(Add(leaf, Unwrap(T(leaf))));
      if (i == 0 && op.inplace) in = Unwrap(Clone(in));
    } else if (i == 0 && op.inplace) {
      in = Unwrap(Clone(in));
    }
    p.leaves.push_back(leaf);
    p.inputs.push_back(in);
  }
  return p;
}

// sum_k sum(w_k * out_k) (or w_k * out_k^2) over floating outputs.
absl::StatusOr<Tensor> Loss(const std::vector<Tensor>& outs,
                            const OpSample& s) {
  Tensor loss;
  for (size_t k = 0; k < outs.size(); ++k) {
    if (!outs[k].defined() || !IsFloating(outs[k].dtype())) continue;
    Tensor o = outs[k];
    if (s.square_outputs) {
      auto sq = Mul(o, o);
      if (!sq.ok()) return sq.status();
      o = *sq;
    }
    Tensor w = RandomTensor(o.sizes(), 1000 + k);
    auto term = Sum(*Mul(o, w));
    if (!term.ok()) return term.status();
    loss = loss.defined() ? *Add(loss, *term) : *term;
  }
  return loss;
}

double EvalLoss(const OpDef& op, const OpSample& s,
                const std::vector<Tensor>& leaves) {
  NoGradGuard ng;
  OpSample copy = s;
  for (size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i].defined()) copy.inputs[i] = leaves[i];
  }
  Prepared p = Prepare(op, copy, DType::kFloat64, false);
  OpContext ctx;
  auto outs = RunOp(op.name, p.inputs, s.attrs, ctx);
  EXPECT_TRUE(outs.ok()) << outs.status();
  if (!outs.ok()) return NAN;
  auto loss = Loss(*outs, s);
  EXPECT_TRUE(loss.ok()) << loss.status();
  return loss.ok() ? loss->item().to_double() : NAN;
}

class OpGenericTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OpGenericTest, NumericalGradient) {
  const OpDef* op = FindOp(GetParam());
  ASSERT_NE(op, nullptr);
  if (!op->differentiable) {
    // Non-differentiable ops must not produce outputs that require grad.
    for (const OpSample& s : OpSamples().at(op->name)) {
      if (op->inplace)
        continue;  // zero_, fill_, index_put_: no history to check
      Prepared p = Prepare(*op, s, DType::kFloat64, true);
      OpContext ctx;
      Generator gen(0);
      ctx.generator = &gen;
      auto outs = RunOp(op->name, p.inputs, s.attrs, ctx);
      ASSERT_TRUE(outs.ok()) << s.label << ": " << outs.status();
      // eig/eigvals, floor_divide and aminmax record a node whose backward
      // raises (as torch's do): their outputs require grad on purpose.
      if (op->name == "linalg.eig" || op->name == "linalg.eigvals" ||
          op->name == "floor_divide" || op->name == "aminmax" ||
          op->name == "heaviside" || op->name == "bincount" ||
          op->name == "heaviside_") {
        for (const Tensor& o : *outs) {
          if (o.defined() && IsFloating(o.dtype())) {
            EXPECT_TRUE(o.requires_grad()) << s.label;
          }
        }
        continue;
      }
      // bernoulli(p tensor) records BernoulliBackward0 (zero gradient),
      // bernoulli(x, p=0.3) nothing, as torch's.
      if (op->name == "bernoulli") {
        EXPECT_EQ((*outs)[0].requires_grad(), !s.attrs.count("p")) << s.label;
        continue;
      }
      if (op->name == "alias") {
        // The input itself: same data, same flags, no new history.
        ASSERT_EQ(outs->size(), 1u);
        EXPECT_EQ((*outs)[0].raw_data(), p.inputs[0].raw_data()) << s.label;
        EXPECT_EQ((*outs)[0].requires_grad(), p.inputs[0].requires_grad());
        EXPECT_TRUE((*outs)[0].is_leaf()) << s.label;
        continue;
      }
      for (const Tensor& o : *outs) {
        if (o.defined()) {
          EXPECT_FALSE(o.requires_grad()) << s.label;
        }
      }
    }
    return;
  }
  int checked = 0;
  for (const OpSample& s : OpSamples().at(op->name)) {
    SCOPED_TRACE(absl::StrCat(op->name, " / ", s.label));
    if (!s.check_grad) continue;
    Prepared p = Prepare(*op, s, DType::kFloat64, true);
    OpContext ctx;
    auto outs = RunOp(op->name, p.inputs, s.attrs, ctx);
    ASSERT_TRUE(outs.ok()) << outs.status();
    auto loss = Loss(*outs, s);
    ASSERT_TRUE(loss.ok()) << loss.status();
    if (!loss->defined() || !loss->requires_grad())
      continue;  // e.g. integer-only sample
    {
      absl::Status st = Backward(*loss);
      ASSERT_TRUE(st.ok()) << st;
    }
    for (size_t i = 0; i < p.leaves.size(); ++i) {
      const Tensor& leaf = p.leaves[i];
      if (!leaf.defined()) continue;
      Tensor analytic = leaf.grad();
      ASSERT_TRUE(analytic.defined()) << "no gradient reached input " << i;
      ASSERT_EQ(analytic.sizes(), leaf.sizes());
      ASSERT_EQ(analytic.dtype(), DType::kFloat64);
      std::vector<double> a = analytic.ToDoubles();
      std::vector<double> base = leaf.ToDoubles();
      const double eps = s.grad_eps;
      for (size_t e = 0; e < base.size(); ++e) {
        std::vector<Tensor> plus(p.leaves.size()), minus(p.leaves.size());
        for (size_t j = 0; j < p.leaves.size(); ++j) {
          if (!p.leaves[j].defined()) continue;
          plus[j] = p.leaves[j].detach();
          minus[j] = p.leaves[j].detach();
        }
        std::vector<double> vp = base, vm = base;
        vp[e] += eps;
        vm[e] -= eps;
        plus[i] = *FromDoubles(vp, leaf.sizes(), DType::kFloat64);
        minus[i] = *FromDoubles(vm, leaf.sizes(), DType::kFloat64);
        const double numeric =
            (EvalLoss(*op, s, plus) - EvalLoss(*op, s, minus)) / (2 * eps);
        EXPECT_NEAR(a[e], numeric, 1e-5 + 1e-4 * std::abs(numeric))
            << "input " << i << " element " << e;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 0) << "differentiable op with no gradient-checked input";
}

TEST_P(OpGenericTest, Float32AgreesWithFloat64) {
  const OpDef* op = FindOp(GetParam());
  ASSERT_NE(op, nullptr);
  for (const OpSample& s : OpSamples().at(op->name)) {
    SCOPED_TRACE(absl::StrCat(op->name, " / ", s.label));
    OpContext ctx64, ctx32;
    Generator g64(7), g32(7);
    ctx64.generator = &g64;
    ctx32.generator = &g32;
    Prepared p64 = Prepare(*op, s, DType::kFloat64, false);
    Prepared p32 = Prepare(*op, s, DType::kFloat32, false);
    auto o64 = RunOp(op->name, p64.inputs, s.attrs, ctx64);
    auto o32 = RunOp(op->name, p32.inputs, s.attrs, ctx32);
    ASSERT_TRUE(o64.ok()) << o64.status();
    ASSERT_TRUE(o32.ok()) << o32.status();
    ASSERT_EQ(o64->size(), o32->size());
    bool has_float_input = false;
    for (const Tensor& t : s.inputs)
      has_float_input |= IsFloating(t.dtype()) && !t.is_wrapped_number();
    for (size_t k = 0; k < o64->size(); ++k) {
      const Tensor& a = (*o64)[k];
      const Tensor& b = (*o32)[k];
      ASSERT_EQ(a.defined(), b.defined());
      if (!a.defined()) continue;  // None (e.g. a .grad not yet computed)
      EXPECT_EQ(a.sizes(), b.sizes());
      if (has_float_input && a.dtype() == DType::kFloat64) {
        EXPECT_EQ(b.dtype(), DType::kFloat32) << "output " << k;
      } else if (!has_float_input || a.dtype() != DType::kFloat64) {
        EXPECT_EQ(a.dtype(), b.dtype()) << "output " << k;
      }
      // Random draws depend on the dtype (torch draws 24 bits for a float,
      // 53 for a double).
      static const std::set<std::string> kDrawsByDType = {
          "rand",    "randn",  "rand_like", "randn_like", "uniform_",
          "normal_", "normal", "bernoulli", "bernoulli_", "multinomial"};
      if (IsComplex(a.dtype()) || kDrawsByDType.count(op->name)) continue;
      std::vector<double> va = a.ToDoubles(), vb = b.ToDoubles();
      ASSERT_EQ(va.size(), vb.size());
      for (size_t e = 0; e < va.size(); ++e) {
        if (op->name == "linalg.eigh" && k == 1) {
          EXPECT_NEAR(std::abs(va[e]), std::abs(vb[e]), 1e-4) << "output " << k;
        } else {
          EXPECT_NEAR(va[e], vb[e], 1e-4 + 1e-4 * std::abs(va[e]))
              << "output " << k << " element " << e;
        }
      }
    }
  }
}

TEST_P(OpGenericTest, NonContiguousInputsGiveSameResult) {
  const OpDef* op = FindOp(GetParam());
  ASSERT_NE(op, nullptr);
  for (const OpSample& s : OpSamples().at(op->name)) {
    SCOPED_TRACE(absl::StrCat(op->name, " / ", s.label));
    OpContext c1, c2;
    Generator g1(3), g2(3);
    c1.generator = &g1;
    c2.generator = &g2;
    // The geometry queries answer about the layout itself.
    static const std::set<std::string> kLayoutQueries = {
        "stride", "is_contiguous", "storage_offset"};
    if (kLayoutQueries.count(op->name)) continue;
    Prepared a = Prepare(*op, s, DType::kFloat64, false, false);
    Prepared b = Prepare(*op, s, DType::kFloat64, false, true);
    auto oa = RunOp(op->name, a.inputs, s.attrs, c1);
    auto ob = RunOp(op->name, b.inputs, s.attrs, c2);
    ASSERT_TRUE(oa.ok()) << oa.status();
    ASSERT_TRUE(ob.ok()) << ob.status();
    for (size_t k = 0; k < oa->size(); ++k) {
      ASSERT_EQ((*oa)[k].defined(), (*ob)[k].defined());
      if (!(*oa)[k].defined()) continue;
      EXPECT_EQ((*oa)[k].sizes(), (*ob)[k].sizes());
      EXPECT_EQ((*oa)[k].dtype(), (*ob)[k].dtype());
      std::vector<double> va = (*oa)[k].ToDoubles(), vb = (*ob)[k].ToDoubles();
      ASSERT_EQ(va.size(), vb.size());
      for (size_t e = 0; e < va.size(); ++e) {
        EXPECT_NEAR(va[e], vb[e], 1e-12 + 1e-12 * std::abs(va[e]))
            << "output " << k;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllOps, OpGenericTest, ::testing::ValuesIn(OpNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace tensord::testing
