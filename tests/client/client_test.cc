// The C++ client library against an in-process server: the seed
// walkthrough's autograd part through the Tensor API, RAII sessions, error
// propagation through operators, discovery and health.
#include "client/client.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace tensord::client {
namespace {

using ::tensord::testing::TestServer;

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientOptions opts;
    opts.target = server_.target();
    auto c = Client::Connect(opts);
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = std::move(*c);
  }
  TestServer server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, ComparisonOperators) {
  auto s = client_->NewSession();
  ASSERT_TRUE(s.ok()) << s.status();
  TensorOr a = s->FromVector<float>({1, 2, 3}, {3});
  TensorOr b = s->FromVector<float>({3, 2, 1}, {3});
  using B = std::vector<bool>;
  EXPECT_EQ(*(a < b)->ToVector<bool>(), (B{true, false, false}));
  EXPECT_EQ(*(a <= b)->ToVector<bool>(), (B{true, true, false}));
  EXPECT_EQ(*(a > b)->ToVector<bool>(), (B{false, false, true}));
  EXPECT_EQ(*(a >= b)->ToVector<bool>(), (B{false, true, true}));
  EXPECT_EQ(*Eq(a, b)->ToVector<bool>(), (B{false, true, false}));
  EXPECT_EQ(*Ne(a, b)->ToVector<bool>(), (B{true, false, true}));
  EXPECT_EQ((a < b)->dtype(), v1::DTYPE_BOOL);
  // Errors propagate through them like through arithmetic.
  TensorOr bad = s->FromVector<float>({1, 2}, {2});
  EXPECT_EQ((a < bad).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ClientTest, CallsNotRetriedSayTheirFateIsUnknown) {
  auto s = client_->NewSession();
  ASSERT_TRUE(s.ok()) << s.status();
  TensorOr x = s->FromVector<float>({1, 2}, {2});
  ASSERT_TRUE(x.ok()) << x.status();
  server_.Shutdown();  // the replica goes away mid-session
  TensorOr made = s->FromVector<float>({3}, {1});
  ASSERT_EQ(made.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(made.status().message().find(
                "CreateTensor was not retried: the server may or may not "
                "have applied it"),
            absl::string_view::npos)
      << made.status();
  // Execute carries a request id and is retried (here in vain): its error
  // is the plain UNAVAILABLE.
  TensorOr sum = x + x;
  ASSERT_EQ(sum.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(sum.status().message().find("not retried"), absl::string_view::npos)
      << sum.status();
  s->Close().IgnoreError();
}

TEST_F(ClientTest, SeedWalkthroughAutograd) {
  auto s = client_->NewSession();
  ASSERT_TRUE(s.ok()) << s.status();
  TensorOr x = s->FromVector<float>({0, 1, 2, 3}, {4}, /*requires_grad=*/true);
  ASSERT_TRUE(x.ok()) << x.status();
  TensorOr y = 2.0 * Dot(x, x);
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ(y->grad_fn(), "MulBackward0");
  EXPECT_EQ(*y->ToVector<float>(), std::vector<float>{28});
  ASSERT_TRUE(y->Backward().ok());
  EXPECT_EQ(*x->Grad()->ToVector<float>(), (std::vector<float>{0, 4, 8, 12}));
  TensorOr same = Eq(x->Grad(), 4.0 * x);
  EXPECT_EQ(*same->ToVector<bool>(),
            (std::vector<bool>{true, true, true, true}));

  ASSERT_TRUE(x->ZeroGrad().ok());
  ASSERT_TRUE(x->Sum()->Backward().ok());
  EXPECT_EQ(*x->Grad()->ToVector<float>(), (std::vector<float>{1, 1, 1, 1}));

  ASSERT_TRUE(x->ZeroGrad().ok());
  TensorOr sq = x * x;
  absl::Status st = sq->Backward();
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find(
                "grad can be implicitly created only for scalar outputs"),
            std::string::npos);
  TensorOr ones = s->FromVector<float>({1, 1, 1, 1}, {4});
  ASSERT_TRUE(sq->Backward(*ones).ok());
  EXPECT_EQ(*x->Grad()->ToVector<float>(), (std::vector<float>{0, 2, 4, 6}));

  ASSERT_TRUE(x->ZeroGrad().ok());
  TensorOr u = (x * x)->Detach();
  EXPECT_FALSE(u->requires_grad());
  ASSERT_TRUE((u * x)->Sum()->Backward().ok());
  EXPECT_EQ(*x->Grad()->ToVector<float>(), *u->ToVector<float>());
}

v1::AttrValue IntValue(int64_t v) {
  v1::AttrValue a;
  a.set_i(v);
  return a;
}

// Higher-order gradients over the wire: backward(create_graph) leaves a
// .grad with history, and autograd.grad of it gives the second derivative.
TEST_F(ClientTest, CreateGraphGivesSecondDerivatives) {
  auto s = client_->NewSession();
  ASSERT_TRUE(s.ok()) << s.status();
  TensorOr x = s->FromVector<float>({1, 2, 3}, {3}, /*requires_grad=*/true);
  ASSERT_TRUE(x.ok()) << x.status();
  TensorOr y = (x * x * x)->Sum();
  ASSERT_TRUE(y.ok()) << y.status();
  ASSERT_TRUE(y->Backward(Tensor(), /*retain_graph=*/true,
                          /*create_graph=*/true)
                  .ok());
  TensorOr g = x->Grad();
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(*g->ToVector<float>(), (std::vector<float>{3, 12, 27}));
  EXPECT_EQ(g->grad_fn(), "CopyBackwards");
  TensorOr gs = g->Sum();
  ASSERT_TRUE(gs.ok()) << gs.status();
  auto gg = s->Op("autograd.grad", {gs->Ref(), x->Ref()},
                  {{"n_outputs", IntValue(1)}, {"n_inputs", IntValue(1)}});
  ASSERT_TRUE(gg.ok()) << gg.status();
  ASSERT_EQ(gg->size(), 1u);
  EXPECT_EQ(*(*gg)[0].ToVector<float>(), (std::vector<float>{6, 12, 18}));
  // Without create_graph the .grad is a constant: differentiating it again
  // is the precondition error, and the session is unchanged by it.
  TensorOr z = s->FromVector<float>({1, 2}, {2}, /*requires_grad=*/true);
  ASSERT_TRUE((z * z)->Sum()->Backward().ok());
  TensorOr zg = z->Grad()->Sum();
  auto bad = s->Op("autograd.grad", {zg->Ref(), z->Ref()},
                   {{"n_outputs", IntValue(1)}, {"n_inputs", IntValue(1)}});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kFailedPrecondition)
      << bad.status();
  EXPECT_EQ(*z->Grad()->ToVector<float>(), (std::vector<float>{2, 4}));
}

TEST_F(ClientTest, ErrorsPropagateThroughOperators) {
  auto s = client_->NewSession();
  ASSERT_TRUE(s.ok());
  TensorOr a = s->FromVector<float>({1, 2, 3}, {3});
  TensorOr b = s->FromVector<float>({1, 2}, {2});
  TensorOr c = (a + b) * a;  // the broadcast error survives the second op
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "node 0 (add): The size of tensor a (3) must match the size of "
            "tensor b (2) at non-singleton dimension 0");
  TensorOr i = s->FromVector<int64_t>({1, 2}, {2});
  EXPECT_FALSE(i->ToVector<float>().ok()) << "dtype mismatch is reported";
  EXPECT_EQ(*i->ToVector<int64_t>(), (std::vector<int64_t>{1, 2}));
}

TEST_F(ClientTest, SessionsCloseWhenDestroyedUnlessKept) {
  std::string closed_id, kept_id;
  {
    auto s = client_->NewSession();
    ASSERT_TRUE(s.ok());
    closed_id = s->id();
    auto k = client_->NewSession();
    ASSERT_TRUE(k.ok());
    kept_id = k->id();
    k->Keep();
  }
  EXPECT_EQ(client_->Attach(closed_id).status().code(),
            absl::StatusCode::kNotFound);
  auto attached = client_->Attach(kept_id);
  ASSERT_TRUE(attached.ok()) << attached.status();
  { Session moved = std::move(*attached); }  // attached sessions stay open
  EXPECT_TRUE(client_->Attach(kept_id).ok());
  auto list = client_->ListSessions();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id(), kept_id);
  EXPECT_TRUE(client_->CloseSession(kept_id).ok());
}

TEST_F(ClientTest, NamedTensorsHealthAndOps) {
  auto s = client_->NewSession();
  ASSERT_TRUE(s.ok());
  v1::TensorData d;
  d.set_dtype(v1::DTYPE_FLOAT64);
  d.add_shape(2);
  std::vector<double> v = {1.5, -2};
  d.set_data(std::string(reinterpret_cast<const char*>(v.data()), 16));
  ASSERT_TRUE(s->FromData(d, false, "w").ok());
  TensorOr w = s->Named("w");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(*(*w + 1.0)->ToVector<double>(), (std::vector<double>{2.5, -1}));
  EXPECT_EQ(s->Named("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(client_->Health().ok());
  auto ops = client_->ListOps();
  ASSERT_TRUE(ops.ok());
  EXPECT_GT(ops->ops_size(), 50);
}

// NewSession proposes its session id in the x-tensord-session header (so a
// balancer hashing on it routes creation like every later call; the
// scaleout test checks that through nginx). Proposals must be unguessable.
TEST(ProposeSessionIdTest, FreshRandom128BitHexIds) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = ProposeSessionId();
    ASSERT_EQ(id.size(), 32u) << id;
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos)
        << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(ClientConnectTest, UnreachableServerIsUnavailable) {
  ClientOptions opts;
  opts.target = "127.0.0.1:1";
  opts.deadline = absl::Seconds(2);
  auto c = Client::Connect(opts);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->NewSession().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE((*c)->Health().ok());
}

}  // namespace
}  // namespace tensord::client
