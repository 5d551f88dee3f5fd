// Generic tests driven by the op table and its samples: every op has
// samples; every differentiable op passes a float64 numerical gradient
// check; float32 runs agree with float64 runs in dtype and value; and
// non-contiguous inputs give the same results as contiguous ones.
#include <cmath>
#include <iostream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
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

// The values of t as doubles, complex elements as (real, imaginary) pairs:
// the real coordinates a numerical gradient perturbs.
std::vector<double> Values(const Tensor& t) {
  if (!IsComplex(t.dtype())) return t.ToDoubles();
  NoGradGuard ng;
  return Unwrap(ViewAsReal(t.detach())).ToDoubles();
}

// A tensor of like's dtype and shape holding v (pairs for complex).
Tensor FromValues(const std::vector<double>& v, const Tensor& like) {
  if (!IsComplex(like.dtype())) {
    return Unwrap(FromDoubles(v, like.sizes(), like.dtype()));
  }
  NoGradGuard ng;
  Shape pairs = like.sizes();
  pairs.push_back(2);
  return Unwrap(
      ViewAsComplex(Unwrap(FromDoubles(v, pairs, ToRealDType(like.dtype())))));
}

// Inputs for one evaluation: float inputs cast to `dtype` (complex inputs
// to its complex counterpart), leaves requiring grad when `grad` is set.
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
    if ((IsFloating(in.dtype()) || IsComplex(in.dtype())) &&
        !in.is_wrapped_number()) {
      const DType to = IsComplex(in.dtype()) ? ToComplexDType(dtype) : dtype;
      leaf = Unwrap(Clone(Unwrap(To(in, to))));
      if (noncontiguous && leaf.dim() > 0) {
        // Same values, every stride doubled: a column of a [..., 2] tensor.
        Shape big = leaf.sizes();
        big.push_back(2);
        Tensor storage = Unwrap(Zeros(big, to));
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

// sum_k sum(w_k * out_k) (or w_k * out_k^2) over floating outputs (complex
// ones as their [..., 2] real and imaginary parts).
// `quadratic` adds sum(w'_k * out_k^2), so that the gradient reaching the op's
// backward depends on the inputs too (a linear op's backward that dropped
// the incoming gradient's history shows in the second derivative).
absl::StatusOr<Tensor> Loss(const std::vector<Tensor>& outs, const OpSample& s,
                            bool quadratic = false) {
  Tensor loss;
  for (size_t k = 0; k < outs.size(); ++k) {
    if (!outs[k].defined()) continue;
    Tensor o = outs[k];
    if (IsComplex(o.dtype())) {
      auto parts = ViewAsReal(o);
      if (!parts.ok()) return parts.status();
      o = *parts;
    }
    if (!IsFloating(o.dtype())) continue;
    if (s.square_outputs) {
      auto sq = Mul(o, o);
      if (!sq.ok()) return sq.status();
      o = *sq;
    }
    Tensor w = RandomTensor(o.sizes(), 1000 + k);
    auto term = Sum(*Mul(o, w));
    if (!term.ok()) return term.status();
    loss = loss.defined() ? *Add(loss, *term) : *term;
    if (quadratic) {
      Tensor w2 = RandomTensor(o.sizes(), 3000 + k);
      auto sq = Sum(*Mul(*Mul(o, o), w2));
      if (!sq.ok()) return sq.status();
      loss = *Add(loss, *sq);
    }
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
      ASSERT_EQ(analytic.dtype(), leaf.dtype());
      std::vector<double> a = Values(analytic);
      std::vector<double> base = Values(leaf);
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
        plus[i] = FromValues(vp, leaf);
        minus[i] = FromValues(vm, leaf);
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

// The defined leaves of `p` (those a gradient is taken for).
std::vector<Tensor> DefinedLeaves(const Prepared& p) {
  std::vector<Tensor> out;
  for (const Tensor& l : p.leaves) {
    if (l.defined()) out.push_back(l);
  }
  return out;
}

// Weights for the second loss: one per leaf, fixed per leaf position (a
// complex leaf's gradient is weighed as its [..., 2] real and imaginary
// parts).
Tensor SecondWeights(const Tensor& leaf, size_t i) {
  Shape shape = leaf.sizes();
  if (IsComplex(leaf.dtype())) shape.push_back(2);
  return RandomTensor(shape, 2000 + i);
}

// sum_i sum(v_i * d loss / d leaf_i) at the leaves `values` (first-order,
// nothing recorded): the function whose gradient gradgradcheck compares.
double EvalGradDot(const OpDef& op, const OpSample& s,
                   const std::vector<Tensor>& values) {
  OpSample copy = s;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].defined()) copy.inputs[i] = values[i];
  }
  Prepared p = Prepare(op, copy, DType::kFloat64, true);
  OpContext ctx;
  Generator gen(5);
  ctx.generator = &gen;
  auto outs = RunOp(op.name, p.inputs, s.attrs, ctx);
  EXPECT_TRUE(outs.ok()) << outs.status();
  if (!outs.ok()) return NAN;
  auto loss = Loss(*outs, s, /*quadratic=*/true);
  EXPECT_TRUE(loss.ok()) << loss.status();
  if (!loss.ok()) return NAN;
  std::vector<Tensor> leaves = DefinedLeaves(p);
  auto grads = Grad({*loss}, leaves, {}, false, /*allow_unused=*/true);
  EXPECT_TRUE(grads.ok()) << grads.status();
  if (!grads.ok()) return NAN;
  double total = 0;
  size_t k = 0;
  for (size_t i = 0; i < p.leaves.size(); ++i) {
    if (!p.leaves[i].defined()) continue;
    const Tensor& g = (*grads)[k++];
    if (!g.defined()) continue;
    std::vector<double> gv = Values(g);
    std::vector<double> wv = SecondWeights(p.leaves[i], i).ToDoubles();
    for (size_t e = 0; e < gv.size(); ++e) total += gv[e] * wv[e];
  }
  return total;
}

// The names of the nodes in `t`'s graph, for failure messages.
std::string GraphNodeNames(const Tensor& t) {
  std::set<std::string> names;
  std::set<const Node*> seen;
  std::vector<const Node*> stack;
  if (Edge e = GradientEdge(t); e.fn) stack.push_back(e.fn.get());
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    if (!seen.insert(n).second) continue;
    names.insert(n->name());
    for (const Edge& e : n->next_edges()) {
      if (e.fn) stack.push_back(e.fn.get());
    }
  }
  return absl::StrJoin(names, " ");
}

// gradgradcheck: a backward recorded with create_graph is differentiated
// again and compared with finite differences of the first-order gradient.
// The second derivative must be right, or (for a backward tensord cannot
// record yet) an UNIMPLEMENTED error: never silently wrong. A gradient
// without history is checked too: then the numerical one must be zero.
TEST_P(OpGenericTest, SecondDerivative) {
  const OpDef* op = FindOp(GetParam());
  ASSERT_NE(op, nullptr);
  if (!op->differentiable) return;
  for (const OpSample& s : OpSamples().at(op->name)) {
    SCOPED_TRACE(absl::StrCat(op->name, " / ", s.label));
    if (!s.check_grad) continue;
    Prepared p = Prepare(*op, s, DType::kFloat64, true);
    std::vector<Tensor> leaves = DefinedLeaves(p);
    if (leaves.empty()) continue;
    OpContext ctx;
    Generator gen(5);
    ctx.generator = &gen;
    auto outs = RunOp(op->name, p.inputs, s.attrs, ctx);
    ASSERT_TRUE(outs.ok()) << outs.status();
    auto loss = Loss(*outs, s, /*quadratic=*/true);
    ASSERT_TRUE(loss.ok()) << loss.status();
    if (!loss->defined() || !loss->requires_grad()) continue;
    SCOPED_TRACE(absl::StrCat("graph: ", GraphNodeNames(*loss)));
    auto grads = Grad({*loss}, leaves, {}, true, true, /*create_graph=*/true);
    ASSERT_TRUE(grads.ok()) << grads.status();
    Tensor second;
    for (size_t i = 0, k = 0; i < p.leaves.size(); ++i) {
      if (!p.leaves[i].defined()) continue;
      const Tensor& g = (*grads)[k++];
      if (!g.defined() || !g.requires_grad()) continue;
      const Tensor gr = IsComplex(g.dtype()) ? Unwrap(ViewAsReal(g)) : g;
      Tensor term = Unwrap(Sum(Unwrap(Mul(gr, SecondWeights(p.leaves[i], i)))));
      second = second.defined() ? Unwrap(Add(second, term)) : term;
    }
    std::vector<Tensor> analytic(leaves.size());
    if (second.defined()) {
      auto hv = Grad({second}, leaves, {}, false, /*allow_unused=*/true);
      if (!hv.ok()) {
        EXPECT_EQ(hv.status().code(), absl::StatusCode::kUnimplemented)
            << hv.status();
        EXPECT_TRUE(
            absl::StrContains(hv.status().message(), "is not implemented"))
            << hv.status();
        // Listed, so what has no second derivative yet stays visible.
        std::cout << "[ no 2nd  ] " << op->name << " / " << s.label << ": "
                  << hv.status().message().substr(0, 60) << "\n";
        continue;
      }
      analytic = *hv;
    }
    for (size_t i = 0, k = 0; i < p.leaves.size(); ++i) {
      if (!p.leaves[i].defined()) continue;
      const Tensor& a = analytic[k++];
      std::vector<double> base = Values(p.leaves[i]);
      std::vector<double> av =
          a.defined() ? Values(a) : std::vector<double>(base.size(), 0.0);
      ASSERT_EQ(av.size(), base.size());
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
        plus[i] = FromValues(vp, p.leaves[i]);
        minus[i] = FromValues(vm, p.leaves[i]);
        const double numeric =
            (EvalGradDot(*op, s, plus) - EvalGradDot(*op, s, minus)) /
            (2 * eps);
        EXPECT_NEAR(av[e], numeric, 1e-4 + 1e-4 * std::abs(numeric))
            << "input " << i << " element " << e
            << (second.defined() ? "" : " (the gradient had no history)");
      }
    }
  }
}

// Every node create_graph records (TwiceDifferentiableNodes) is in the graph
// of some sample, so SecondDerivative has checked it.
TEST(OpTableTest, EveryTwiceDifferentiableNodeIsGradgradchecked) {
  std::set<std::string> seen;
  for (const OpDef& op : OpTable()) {
    if (!op.differentiable) continue;
    for (const OpSample& s : OpSamples().at(op.name)) {
      if (!s.check_grad) continue;
      Prepared p = Prepare(op, s, DType::kFloat64, true);
      OpContext ctx;
      Generator gen(5);
      ctx.generator = &gen;
      auto outs = RunOp(op.name, p.inputs, s.attrs, ctx);
      if (!outs.ok()) continue;
      for (const Tensor& o : *outs) {
        if (!o.defined() || !o.requires_grad()) continue;
        for (absl::string_view n : absl::StrSplit(GraphNodeNames(o), ' ')) {
          seen.insert(std::string(n));
        }
      }
    }
  }
  for (const std::string& n : TwiceDifferentiableNodes()) {
    EXPECT_TRUE(seen.count(n))
        << n << " is listed as twice differentiable but no op sample "
        << "records it, so no gradgradcheck covers it";
  }
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
    for (const Tensor& t : s.inputs) {
      has_float_input |= (IsFloating(t.dtype()) || IsComplex(t.dtype())) &&
                         !t.is_wrapped_number();
    }
    for (size_t k = 0; k < o64->size(); ++k) {
      const Tensor& a = (*o64)[k];
      const Tensor& b = (*o32)[k];
      ASSERT_EQ(a.defined(), b.defined());
      if (!a.defined()) continue;  // None (e.g. a .grad not yet computed)
      EXPECT_EQ(a.sizes(), b.sizes());
      if (has_float_input && a.dtype() == DType::kFloat64) {
        EXPECT_EQ(b.dtype(), DType::kFloat32) << "output " << k;
      } else if (has_float_input && a.dtype() == DType::kComplex128) {
        EXPECT_EQ(b.dtype(), DType::kComplex64) << "output " << k;
      } else {
        EXPECT_EQ(a.dtype(), b.dtype()) << "output " << k;
      }
      // Random draws depend on the dtype (torch draws 24 bits for a float,
      // 53 for a double).
      static const std::set<std::string> kDrawsByDType = {
          "rand",    "randn",  "rand_like", "randn_like", "uniform_",
          "normal_", "normal", "bernoulli", "bernoulli_", "multinomial"};
      // eig's eigenvectors are unique up to a complex phase.
      const bool eig = absl::StartsWith(op->name, "linalg.eig");
      if ((IsComplex(a.dtype()) && eig) || kDrawsByDType.count(op->name)) {
        continue;
      }
      std::vector<double> va = Values(a), vb = Values(b);
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
    // (resize_ reads the storage in memory order, as torch's: a strided
    // input gives other values.)
    static const std::set<std::string> kLayoutQueries = {
        "stride", "is_contiguous", "storage_offset", "resize_"};
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
      std::vector<double> va = Values((*oa)[k]), vb = Values((*ob)[k]);
      ASSERT_EQ(va.size(), vb.size());
      for (size_t e = 0; e < va.size(); ++e) {
        EXPECT_NEAR(va[e], vb[e], 1e-12 + 1e-12 * std::abs(va[e]))
            << "output " << k;
      }
    }
  }
}

// float16 and bfloat16 compute in float32 and round each result (RunOp,
// core/storage_dtypes.cc). The oracle: the op on float16 inputs gives
// exactly the float32 op on the same (rounded) values, rounded; outputs of
// other dtypes (indices, masks) are equal; an output aliases an input in
// float16 exactly when it does in float32 (a view stays a view); and an
// in-place op leaves its input with the rounded float32 values.
TEST_P(OpGenericTest, Float16AndBFloat16RoundTheFloat32Result) {
  const OpDef* op = FindOp(GetParam());
  ASSERT_NE(op, nullptr);
  // Autograd control ops take graphs, not values (autograd_test covers
  // float16 gradients).
  static const std::set<std::string> kGraphOps = {
      "backward", "autograd.grad", "grad", "retain_grad", "requires_grad_"};
  if (kGraphOps.count(op->name)) return;
  auto shares = [](const Tensor& a, const Tensor& b) {
    return a.defined() && b.defined() && a.storage() == b.storage();
  };
  // einsum returns a view for a pure permutation ('ij->ji') in float32; on
  // float16 it computes in float32 and so returns a copy (README, known
  // limitations).
  const bool check_aliasing = op->name != "einsum";
  // torch draws float16 and bfloat16 uniforms from 11 and 8 bits of each
  // 32-bit draw, not by rounding float32's 24-bit ones: their values are
  // checked against torch's in torch_compare; here, dtype, shape and
  // aliasing.
  const bool check_values = op->name != "rand_like" && op->name != "uniform_";
  for (DType reduced : {DType::kFloat16, DType::kBFloat16}) {
    for (const OpSample& s : OpSamples().at(op->name)) {
      SCOPED_TRACE(
          absl::StrCat(op->name, " / ", s.label, " / ", DTypeName(reduced)));
      Prepared p = Prepare(*op, s, DType::kFloat32, false);
      // An explicit result dtype (softmax(dtype=float32), to(float32)) is
      // kept: the result is the float32 one, unrounded.
      std::optional<DType> explicit_dtype;
      if (auto it = s.attrs.find("dtype"); it != s.attrs.end()) {
        if (const DType* d = std::get_if<DType>(&it->second)) {
          explicit_dtype = *d;
        }
      }
      std::vector<Tensor> in16, in32;
      bool has_float_input = false;
      for (const Tensor& t : p.inputs) {
        if (t.defined() && t.dtype() == DType::kFloat32 &&
            !t.is_wrapped_number()) {
          NoGradGuard ng;
          Tensor h = Unwrap(To(t.detach(), reduced));
          in16.push_back(h);
          in32.push_back(Unwrap(To(h, DType::kFloat32)));
          has_float_input = true;
        } else {
          in16.push_back(t);
          in32.push_back(t);
        }
      }
      OpContext c16, c32;
      Generator g16(5), g32(5);
      c16.generator = &g16;
      c32.generator = &g32;
      auto o32 = RunOp(op->name, in32, s.attrs, c32);
      auto o16 = RunOp(op->name, in16, s.attrs, c16);
      if (!o32.ok()) {
        EXPECT_FALSE(o16.ok()) << "float32 failed with " << o32.status();
        continue;
      }
      ASSERT_TRUE(o16.ok()) << o16.status();
      ASSERT_EQ(o16->size(), o32->size());
      for (size_t k = 0; k < o32->size(); ++k) {
        const Tensor& a = (*o32)[k];
        const Tensor& b = (*o16)[k];
        ASSERT_EQ(a.defined(), b.defined());
        if (!a.defined()) continue;
        EXPECT_EQ(a.sizes(), b.sizes()) << "output " << k;
        const bool rounded =
            a.dtype() == DType::kFloat32 && has_float_input && !explicit_dtype;
        EXPECT_EQ(b.dtype(), rounded ? reduced : a.dtype()) << "output " << k;
        for (size_t j = 0; j < in32.size(); ++j) {
          if (!check_aliasing || explicit_dtype) break;
          EXPECT_EQ(shares(a, in32[j]), shares(b, in16[j]))
              << "output " << k << " and input " << j;
        }
        if (!check_values) continue;
        NoGradGuard ng;
        Tensor want = rounded ? Unwrap(To(a.detach(), reduced)) : a.detach();
        std::vector<double> va = want.ToDoubles(), vb = b.ToDoubles();
        ASSERT_EQ(va.size(), vb.size());
        for (size_t e = 0; e < va.size(); ++e) {
          if (std::isnan(va[e])) {
            EXPECT_TRUE(std::isnan(vb[e])) << "output " << k;
          } else {
            EXPECT_EQ(va[e], vb[e]) << "output " << k << " element " << e;
          }
        }
      }
      if (check_values && op->inplace && !in16.empty() &&
          in16[0].dtype() == reduced) {
        NoGradGuard ng;
        std::vector<double> va =
            Unwrap(To(in32[0].detach(), reduced)).ToDoubles();
        std::vector<double> vb = in16[0].ToDoubles();
        ASSERT_EQ(va.size(), vb.size());
        for (size_t e = 0; e < va.size(); ++e) {
          if (!std::isnan(va[e])) {
            EXPECT_EQ(va[e], vb[e]) << "self " << e;
          }
        }
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
