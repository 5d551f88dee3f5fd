// Autograd behaviours from DESIGN.md, each with PyTorch's result or error
// message (the expected strings are what python3-torch 1.13 printed).
#include "core/autograd.h"

#include "core/format.h"
#include "core/ops.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tensord {
namespace {

template <typename T>
T Ok(absl::StatusOr<T> v) {
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *std::move(v) : T();
}

Tensor Leaf(std::vector<double> v) {
  Tensor t =
      Ok(FromDoubles(v, {static_cast<int64_t>(v.size())}, DType::kFloat32));
  EXPECT_TRUE(t.set_requires_grad(true).ok());
  return t;
}

Tensor Arange4() { return Leaf({0, 1, 2, 3}); }

std::string Str(const Tensor& t) { return FormatTensor(t); }

TEST(AutogradTest, ScalarOnlyImplicitGradient) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, x));
  absl::Status s = Backward(y);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "grad can be implicitly created only for scalar outputs");
  EXPECT_FALSE(x.grad().defined()) << "a failed backward must change nothing";
  ASSERT_TRUE(Backward(y, Ok(Ones({4}))).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([0., 2., 4., 6.])");
}

TEST(AutogradTest, SecondBackwardThroughFreedGraphFails) {
  Tensor x = Arange4();
  Tensor y = Ok(Sum(Ok(Mul(x, x))));
  ASSERT_TRUE(Backward(y).ok());
  absl::Status s = Backward(y);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "Trying to backward through the graph a second time (or directly "
            "access saved tensors after they have already been freed). Saved "
            "intermediate values of the graph are freed when you call "
            ".backward() or autograd.grad(). Specify retain_graph=True if you "
            "need to backward through the graph a second time or if you need "
            "to access saved tensors after calling backward.");
  EXPECT_EQ(Str(x.grad()), "tensor([0., 2., 4., 6.])")
      << "unchanged by the failure";
}

TEST(AutogradTest, GraphWithoutSavedTensorsCanBackwardTwice) {
  Tensor x = Arange4();
  Tensor y = Ok(Sum(x));
  ASSERT_TRUE(Backward(y).ok());
  ASSERT_TRUE(Backward(y).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([2., 2., 2., 2.])");
}

TEST(AutogradTest, RetainGraphAllowsSecondBackward) {
  Tensor x = Leaf({1, 1});
  Tensor y = Ok(Mul(x, x));
  ASSERT_TRUE(Backward(Ok(Sum(y)), Tensor(), /*retain_graph=*/true).ok());
  ASSERT_TRUE(Backward(Ok(Sum(y))).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([4., 4.])");
}

TEST(AutogradTest, SavedTensorsAreFreedAfterBackward) {
  Tensor x = Leaf({1, 2, 3});
  Tensor y = Ok(Mul(x, x));
  const Node* n = y.grad_fn().get();
  ASSERT_NE(n, nullptr);
  ASSERT_FALSE(n->saved().empty());
  EXPECT_TRUE(n->saved()[0].data().defined());
  ASSERT_TRUE(Backward(Ok(Sum(y))).ok());
  for (const SavedTensor& s : n->saved()) EXPECT_FALSE(s.data().defined());
}

TEST(AutogradTest, LeafInplaceErrors) {
  Tensor x = Arange4();
  absl::Status s = AddInplace(x, WrapScalar(int64_t{1})).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "a leaf Variable that requires grad is being used in an in-place "
            "operation.");
  s = IndexPut(x, {IndexItem::Int(0)}, WrapScalar(int64_t{1}));
  EXPECT_EQ(s.message(),
            "a view of a leaf Variable that requires grad is being used in an "
            "in-place operation.");
  EXPECT_EQ(Str(x), "tensor([0., 1., 2., 3.], requires_grad=True)")
      << "unchanged";
  {
    NoGradGuard g;
    EXPECT_TRUE(AddInplace(x, WrapScalar(int64_t{1})).ok())
        << "allowed under no_grad";
  }
  EXPECT_EQ(Str(x), "tensor([1., 2., 3., 4.], requires_grad=True)");
}

TEST(AutogradTest, VersionCounterCatchesModifiedSavedInput) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{2})));
  Tensor z = Ok(Mul(y, y));
  ASSERT_TRUE(AddInplace(y, WrapScalar(int64_t{1})).ok());
  EXPECT_EQ(y.grad_fn_name(), "AddBackward0");
  absl::Status s = Backward(Ok(Sum(z)));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "one of the variables needed for gradient computation has been "
            "modified by an inplace operation: [torch.FloatTensor [4]], which "
            "is output 0 of AddBackward0, is at version 1; expected version 0 "
            "instead. Hint: enable anomaly detection to find the operation "
            "that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True).");
  EXPECT_FALSE(x.grad().defined());
}

TEST(AutogradTest, VersionCounterCatchesModifiedSavedOutput) {
  Tensor x = Arange4();
  Tensor y = Ok(Exp(x));
  ASSERT_TRUE(AddInplace(y, WrapScalar(int64_t{1})).ok());
  absl::Status s = Backward(Ok(Sum(y)));
  EXPECT_NE(
      s.message().find("which is output 0 of ExpBackward0, is at version 1; "
                       "expected version 0"),
      std::string::npos)
      << s.message();
}

TEST(AutogradTest, InplaceOnNonLeafRebasesHistory) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{2})));
  ASSERT_TRUE(MulInplace(y, x).ok());  // y = 2x * x
  EXPECT_EQ(Str(y), "tensor([ 0.,  2.,  8., 18.], grad_fn=<MulBackward0>)");
  ASSERT_TRUE(Backward(Ok(Sum(y))).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([ 0.,  4.,  8., 12.])");  // d(2x^2) = 4x
}

TEST(AutogradTest, AssignIntoNonLeafIsCopySlices) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{2})));
  ASSERT_TRUE(IndexPut(y, {IndexItem::Int(0)}, WrapScalar(int64_t{1})).ok());
  EXPECT_EQ(Str(y), "tensor([1., 2., 4., 6.], grad_fn=<CopySlices>)");
  ASSERT_TRUE(Backward(Ok(Sum(y))).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([0., 2., 2., 2.])");
}

TEST(AutogradTest, AssignValueThatRequiresGrad) {
  Tensor a = Ok(Zeros({2, 3}));
  Tensor v = Leaf({1, 2, 3});
  ASSERT_TRUE(
      IndexPut(a, {IndexItem::Slice(std::nullopt, std::nullopt)}, v).ok());
  EXPECT_TRUE(a.requires_grad());
  EXPECT_EQ(a.grad_fn_name(), "CopySlices");
  ASSERT_TRUE(Backward(Ok(Sum(a))).ok());
  EXPECT_EQ(Str(v.grad()), "tensor([2., 2., 2.])");
}

TEST(AutogradTest, RequiresGradRules) {
  Tensor i = Ok(Arange(0, 4));
  absl::Status s = i.set_requires_grad(true);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "only Tensors of floating point dtype can require gradients");
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{2})));
  EXPECT_EQ(
      y.set_requires_grad(false).message(),
      "you can only change requires_grad flags of leaf variables. If you "
      "want to use a computed variable in a subgraph that doesn't require "
      "differentiation use var_no_grad = var.detach().");
  Tensor c = Ok(Arange(0.0, 4.0));
  s = Backward(Ok(Sum(c)));
  EXPECT_EQ(
      s.message(),
      "element 0 of tensors does not require grad and does not have a grad_fn");
}

TEST(AutogradTest, GradientShapeMismatch) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{2})));
  absl::Status s = Backward(y, Ok(Ones({3})));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) "
            "and output[0] has a shape of torch.Size([4]).");
}

TEST(AutogradTest, LeafAndGradFnAttributes) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{2})));
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(y.is_leaf());
  EXPECT_EQ(x.grad_fn_name(), "");
  EXPECT_EQ(y.grad_fn_name(), "MulBackward0");
  EXPECT_FALSE(y.grad().defined());
  Tensor c = Ok(Ones({2}));
  EXPECT_TRUE(c.is_leaf());
  EXPECT_FALSE(c.requires_grad());
}

TEST(AutogradTest, RetainGrad) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{2})));
  ASSERT_TRUE(y.retain_grad().ok());
  ASSERT_TRUE(Backward(Ok(Sum(Ok(Mul(y, y))))).ok());
  EXPECT_EQ(Str(y.grad()), "tensor([ 0.,  4.,  8., 12.])");
  EXPECT_EQ(Str(x.grad()), "tensor([ 0.,  8., 16., 24.])");
}

TEST(AutogradTest, NoGradMode) {
  Tensor x = Arange4();
  Tensor y;
  {
    NoGradGuard g;
    y = Ok(Mul(x, WrapScalar(int64_t{2})));
  }
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(y.is_leaf());
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_TRUE(GradEnabled());
}

TEST(AutogradTest, DetachSharesStorage) {
  Tensor x = Arange4();
  Tensor d = x.detach();
  EXPECT_FALSE(d.requires_grad());
  ASSERT_TRUE(IndexPut(d, {IndexItem::Int(0)}, WrapScalar(int64_t{5})).ok());
  EXPECT_EQ(Str(x), "tensor([5., 1., 2., 3.], requires_grad=True)");
  EXPECT_EQ(x.version(), d.version()) << "views share the version counter";
}

TEST(AutogradTest, SeedWalkthroughDetach) {
  Tensor x = Arange4();
  Tensor y = Ok(Mul(x, x));
  Tensor u = y.detach();
  Tensor z = Ok(Mul(u, x));
  ASSERT_TRUE(Backward(Ok(Sum(z))).ok());
  EXPECT_EQ(Str(Ok(Eq(x.grad(), u))), "tensor([True, True, True, True])");
}

TEST(AutogradTest, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = Leaf({1, 2});
  ASSERT_TRUE(Backward(Ok(Sum(Ok(Mul(x, x))))).ok());
  ASSERT_TRUE(Backward(Ok(Sum(x))).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([3., 5.])");
  ASSERT_TRUE(ZeroInplace(x.grad()).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([0., 0.])");
}

TEST(AutogradTest, ValueUsedTwice) {
  Tensor x = Leaf({3});
  Tensor y = Ok(Add(Ok(Mul(x, x)), x));  // x^2 + x
  ASSERT_TRUE(Backward(Ok(Sum(y))).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([7.])");
}

TEST(AutogradTest, MillionOpChainDoesNotOverflowTheStack) {
  Tensor x = Leaf({1.0});
  Tensor y = x;
  constexpr int kOps = 1000000;
  for (int i = 0; i < kOps; ++i) y = Ok(Add(y, WrapScalar(int64_t{1})));
  ASSERT_TRUE(Backward(Ok(Sum(y))).ok());
  EXPECT_EQ(Str(x.grad()), "tensor([1.])");
  y = Tensor();  // frees the chain iteratively
}

TEST(MemoryTest, TensorCostsItsBytes) {
  const int64_t before = LiveStorageBytes();
  Tensor t = Ok(Zeros({1000, 10}));
  EXPECT_EQ(LiveStorageBytes() - before, 1000 * 10 * 4);
  Tensor v = Ok(Reshape(t, {10000}));  // a view costs no storage
  EXPECT_EQ(LiveStorageBytes() - before, 1000 * 10 * 4);
  t = Tensor();
  v = Tensor();
  EXPECT_EQ(LiveStorageBytes(), before);
}

TEST(MemoryTest, CreateOpBackwardDropLeavesMemoryFlat) {
  const int64_t before = LiveStorageBytes();
  for (int i = 0; i < 100000; ++i) {
    Tensor x = Leaf({1, 2, 3, 4});
    Tensor y = Ok(Mul(WrapScalar(int64_t{2}), Ok(Dot(x, x))));
    ASSERT_TRUE(Backward(y).ok());
  }
  EXPECT_EQ(LiveStorageBytes(), before);
}

}  // namespace
}  // namespace tensord

namespace tensord {
namespace {

// Graph nodes are charged to the current MemoryAccount (so a session's
// memory limit bounds its graphs) and given back when they die.
TEST(GraphAccountingTest, NodesAreChargedAndReleased) {
  auto account = std::make_shared<MemoryAccount>();
  {
    ChargeTo charge(account);
    Tensor x = *Ones({3}, DType::kFloat32);
    ASSERT_TRUE(x.set_requires_grad(true).ok());
    Tensor y = x;
    for (int i = 0; i < 100; ++i) y = *Neg(y);
    // 100 NegBackward0 nodes and x's AccumulateGrad.
    EXPECT_GE(account->graph_bytes.load(), 101 * kNodeOverheadBytes);
    y = Tensor();
  }
  EXPECT_EQ(account->graph_bytes.load(), 0);
  EXPECT_EQ(account->bytes.load(), 0);
}

// The charge follows the node's life: a leaf that outlives its graph keeps
// a weak reference to its (expired) AccumulateGrad, which with make_shared
// keeps the node's block allocated, but the graph is gone and so is its
// charge. (Found by the execute fuzzer: a failed Execute left graph_bytes
// higher than before.)
TEST(GraphAccountingTest, ALeafOutlivingItsGraphHoldsNoCharge) {
  auto account = std::make_shared<MemoryAccount>();
  ChargeTo charge(account);
  Tensor x = *Ones({3}, DType::kFloat32);
  ASSERT_TRUE(x.set_requires_grad(true).ok());
  const int64_t before = account->graph_bytes.load();
  {
    Tensor y = *Neg(x);
    EXPECT_GE(account->graph_bytes.load(), before + 2 * kNodeOverheadBytes);
  }
  EXPECT_EQ(account->graph_bytes.load(), before);
  // A new graph over the same leaf gets a new accumulator, charged again.
  {
    Tensor y = *Neg(x);
    EXPECT_GE(account->graph_bytes.load(), before + 2 * kNodeOverheadBytes);
  }
  EXPECT_EQ(account->graph_bytes.load(), before);
}

TEST(StorageCacheTest, FreedBlocksAreKeptUntilReleased) {
  ReleaseCachedStorage();
  ASSERT_EQ(CachedStorageBytes(), 0);
  { Tensor t = *Zeros({1 << 18}, DType::kFloat32); }  // 1 MiB
  EXPECT_GE(CachedStorageBytes(), 1 << 20);
  // Reused: a block of the same size comes from the cache.
  {
    Tensor t = *Zeros({1 << 18}, DType::kFloat32);
    EXPECT_EQ(CachedStorageBytes(), 0);
  }
  ReleaseCachedStorage();
  EXPECT_EQ(CachedStorageBytes(), 0);
}

TEST(GraphAccountingTest, AGraphOverTheLimitIsRefused) {
  auto account = std::make_shared<MemoryAccount>();
  account->limit = 64 * 1024;
  ChargeTo charge(account);
  Tensor x = *Ones({1}, DType::kFloat32);
  ASSERT_TRUE(x.set_requires_grad(true).ok());
  Tensor y = x;
  bool refused = false;
  for (int i = 0; i < 10000 && !refused; ++i) {
    try {
      y = *Neg(y);
    } catch (const MemoryLimitError& e) {
      refused = true;
      EXPECT_NE(std::string(e.what()).find("session memory limit exceeded"),
                std::string::npos);
    }
  }
  EXPECT_TRUE(refused);
  EXPECT_LE(account->total(), account->limit);
}

}  // namespace
}  // namespace tensord

namespace tensord {
namespace {

// torch.autograd.grad: gradients without touching .grad.
TEST(GradTest, GradientsOfOutputsWithRespectToInputs) {
  Tensor x = *FromDoubles({1, 2, 3}, {3}, DType::kFloat32);
  ASSERT_TRUE(x.set_requires_grad(true).ok());
  Tensor w = *FromDoubles({2}, {}, DType::kFloat32);
  ASSERT_TRUE(w.set_requires_grad(true).ok());
  Tensor h = *Mul(x, w);        // non-leaf input
  Tensor y = *Sum(*Mul(h, h));  // sum((w x)^2)
  auto g = Grad({y}, {x, w, h}, {}, /*retain_graph=*/true,
                /*allow_unused=*/false);
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->size(), 3u);
  // dy/dx = 2 w^2 x, dy/dw = 2 w sum(x^2), dy/dh = 2 h
  EXPECT_EQ((*g)[0].ToDoubles(), std::vector<double>({8, 16, 24}));
  EXPECT_EQ((*g)[1].ToDoubles(), std::vector<double>({56}));
  EXPECT_EQ((*g)[2].ToDoubles(), std::vector<double>({4, 8, 12}));
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(w.grad().defined());
  // Two outputs, seeded with gradients.
  Tensor z = *Mul(x, x);
  auto g2 = Grad({z, y}, {x},
                 {*FromDoubles({1, 0, 1}, {3}, DType::kFloat32),
                  *FromDoubles({0.5}, {}, DType::kFloat32)},
                 true, false);
  ASSERT_TRUE(g2.ok()) << g2.status();
  EXPECT_EQ((*g2)[0].ToDoubles(), std::vector<double>({2 + 4, 8, 6 + 12}));
}

TEST(GradTest, UnusedAndNonRequiringInputs) {
  Tensor x = *FromDoubles({1, 2}, {2}, DType::kFloat64);
  Tensor u = *FromDoubles({3}, {1}, DType::kFloat64);
  ASSERT_TRUE(x.set_requires_grad(true).ok());
  ASSERT_TRUE(u.set_requires_grad(true).ok());
  Tensor y = *Sum(x);
  auto g = Grad({y}, {u}, {}, true, false);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(g.status().message()),
              ::testing::HasSubstr("appears to not have been used"));
  auto ok = Grad({y}, {x, u}, {}, true, /*allow_unused=*/true);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)[0].ToDoubles(), std::vector<double>({1, 1}));
  EXPECT_FALSE((*ok)[1].defined());
  Tensor c = *FromDoubles({1}, {1}, DType::kFloat64);
  EXPECT_THAT(std::string(Grad({y}, {c}, {}, true, false).status().message()),
              ::testing::HasSubstr("does not require grad"));
  // Without retain_graph the graph's saved tensors are freed as by
  // backward.
  Tensor sq = *Sum(*Mul(x, x));
  ASSERT_TRUE(Grad({sq}, {x}, {}, false, false).ok());
  EXPECT_EQ(Grad({sq}, {x}, {}, false, false).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tensord

namespace tensord {
namespace {

// create_graph records the backward pass: the gradient has history and can
// be differentiated again (d/dx 3x^2 = 6x).
TEST(CreateGraphTest, GradOfGrad) {
  Tensor x = Leaf({1, 2, 3});
  Tensor y = Ok(Sum(Ok(Pow(x, WrapScalar(3.0)))));
  auto g = Ok(Grad({y}, {x}, {}, true, false, /*create_graph=*/true));
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(Str(g[0]), "tensor([ 3., 12., 27.], grad_fn=<MulBackward0>)");
  auto gg = Ok(Grad({Ok(Sum(g[0]))}, {x}, {}, false, false));
  EXPECT_EQ(Str(gg[0]), "tensor([ 6., 12., 18.])");
  // Without create_graph the gradient is a constant.
  auto plain = Ok(Grad({y}, {x}, {}, true, false));
  EXPECT_FALSE(plain[0].requires_grad());
}

// backward(create_graph) leaves a .grad with history (torch's
// CopyBackwards), and the leaf does not keep itself alive through it: the
// accumulator holds the leaf weakly, so dropping everything frees it all.
TEST(CreateGraphTest, BackwardGradHasHistoryAndNoCycle) {
  auto account = std::make_shared<MemoryAccount>();
  {
    ChargeTo charge(account);
    Tensor x = Leaf({1, 2, 3});
    Tensor y = Ok(Sum(Ok(Mul(Ok(Sin(x)), x))));
    ASSERT_TRUE(Backward(y, Tensor(), true, /*create_graph=*/true).ok());
    ASSERT_TRUE(x.grad().defined());
    ASSERT_TRUE(x.grad().impl()->grad_fn != nullptr);
    EXPECT_EQ(x.grad().impl()->grad_fn->name(), "CopyBackwards");
    // (retain_graph: this pass goes through y's graph too.)
    auto gg = Ok(Grad({Ok(Sum(x.grad()))}, {x}, {}, true, false));
    // d/dx (cos x * x + sin x) = 2 cos x - x sin x
    std::vector<double> v = gg[0].ToDoubles();
    for (int i = 0; i < 3; ++i) {
      const double xi = i + 1;
      EXPECT_NEAR(v[i], 2 * std::cos(xi) - xi * std::sin(xi), 1e-5);
    }
    // A second create_graph backward accumulates out of place, with history.
    Tensor old = x.grad();
    ASSERT_TRUE(Backward(y, Tensor(), true, /*create_graph=*/true).ok());
    EXPECT_NE(x.grad().impl(), old.impl());
    EXPECT_EQ(x.grad().impl()->grad_fn->name(), "AddBackward0");
    EXPECT_GT(account->graph_bytes.load(), 0);
  }
  EXPECT_EQ(account->graph_bytes.load(), 0) << "a reference cycle survived";
  EXPECT_EQ(account->bytes.load(), 0) << "a reference cycle survived";
}

// A node whose backward tensord cannot record gives its results a node that
// fails: differentiating through it is an UNIMPLEMENTED error naming it,
// never a silently wrong zero, and the failed pass changes no .grad. (Every
// op's backward records today; the test marks one node as not recordable.)
TEST(CreateGraphTest, UnsupportedSecondDerivativeIsAnError) {
  Tensor x = Leaf({1, 2, 3, 4});
  Tensor e = Ok(Exp(x));
  e.impl()->grad_fn->twice_differentiable = false;
  Tensor y = Ok(Sum(e));
  auto g = Ok(Grad({y}, {x}, {}, true, false, /*create_graph=*/true));
  ASSERT_TRUE(g[0].requires_grad());
  EXPECT_EQ(g[0].impl()->grad_fn->name(), "ExpBackwardBackward0");
  absl::Status s = Backward(Ok(Sum(g[0])));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("derivative for ExpBackwardBackward0 "
                                   "is not implemented"));
  EXPECT_FALSE(x.grad().defined());
  // First derivatives through it are still right.
  auto plain = Ok(Grad({y}, {x}, {}, true, false));
  EXPECT_TRUE(plain[0].defined());
  EXPECT_FALSE(plain[0].requires_grad());
}

// Backwards linear in the incoming gradient whose transpose is a kernel
// (padding, pooling, interpolation, indexing) alternate the two maps, so
// every order of derivative records: the third derivative of
// sum(reflection_pad(x)^3) equals the direct one, 6 * (times x_i appears).
TEST(CreateGraphTest, ThirdDerivativeThroughReflectionPad) {
  Tensor x = Ok(Reshape(Leaf({1, 2, 3, 4}), {1, 4}));
  auto cube = [](const Tensor& t) { return Ok(Pow(t, WrapScalar(3.0))); };
  Tensor y = Ok(Sum(cube(Ok(Pad(x, {2, 1}, "reflect", std::nullopt)))));
  auto g1 = Ok(Grad({y}, {x}, {}, true, false, /*create_graph=*/true));
  auto g2 = Ok(Grad({Ok(Sum(g1[0]))}, {x}, {}, true, false, true));
  auto g3 = Ok(Grad({Ok(Sum(g2[0]))}, {x}, {}, true, false));
  // reflect pad (2, 1) of [1 2 3 4]: [3 2 1 2 3 4 3]; counts 1, 2, 3, 1.
  const std::vector<double> want = {6, 12, 18, 6};
  Tensor g = Ok(To(g3[0], DType::kFloat64));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(g.data<double>()[i], want[i]) << i;
}

// det at a singular matrix with create_graph: torch's SVD formula (no
// inverse), so the gradient is the cofactor matrix and its derivative is
// exact (det is a polynomial; the values are python3-torch 1.13's).
TEST(CreateGraphTest, DetOfSingularMatrix) {
  Tensor a =
      Ok(FromDoubles({1, 2, 3, 2, 1, -1, 3, 3, 2}, {3, 3}, DType::kFloat64));
  ASSERT_TRUE(a.set_requires_grad(true).ok());
  Tensor y = Ok(LinalgDet(a));
  auto g = Ok(Grad({y}, {a}, {}, true, false, /*create_graph=*/true));
  ASSERT_TRUE(g[0].requires_grad());
  const std::vector<double> cof = {5, -7, 3, 5, -7, 3, -5, 7, -3};
  std::vector<double> gv = g[0].ToDoubles();
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(gv[i], cof[i], 1e-12) << i;
  Tensor w =
      Ok(FromDoubles({0, 1, 2, 3, 4, 5, 6, 7, 8}, {3, 3}, DType::kFloat64));
  auto gg = Ok(Grad({Ok(Sum(Ok(Mul(g[0], w))))}, {a}, {}, false, false));
  const std::vector<double> want = {8, -13, 5, 9, -16, 8, -5, 8, -4};
  std::vector<double> v = gg[0].ToDoubles();
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(v[i], want[i], 1e-12) << i;
}

}  // namespace
}  // namespace tensord
