// Transactions: a rolled-back group of core calls leaves every tensor as it
// was (values, versions, histories, grads, saved tensors, flags); a
// committed one keeps its changes.
#include "core/transaction.h"

#include "core/format.h"
#include "core/ops.h"
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

TEST(TransactionTest, RollbackRestoresInplaceWrites) {
  Tensor a = Ok(Arange(0.0, 4.0));
  Tensor view = Ok(Slice(a, 0, 1, 3, 1));
  {
    Transaction txn;
    ASSERT_TRUE(AddInplace(a, WrapScalar(int64_t{10})).ok());
    ASSERT_TRUE(MulInplace(view, WrapScalar(int64_t{2})).ok());
    ASSERT_TRUE(ZeroInplace(view).ok());
    EXPECT_EQ(FormatTensor(a), "tensor([10.,  0.,  0., 13.])");
  }
  EXPECT_EQ(FormatTensor(a), "tensor([0., 1., 2., 3.])");
  EXPECT_EQ(a.version(), 0);
}

// An in-place op on a tensor that covers its storage takes the result's
// bytes instead of copying them in; each undo gives them back, in order.
TEST(TransactionTest, RollbackUndoesEachTakenResult) {
  Tensor a = Ok(Arange(0.0, 4.0));
  Tensor view = Ok(Slice(a, 0, 1, 3, 1));
  const void* bytes = a.raw_data();
  {
    Transaction txn;
    ASSERT_TRUE(AddInplace(a, WrapScalar(int64_t{10})).ok());
    ASSERT_TRUE(AddInplace(a, WrapScalar(int64_t{100})).ok());
    ASSERT_TRUE(SubInplace(a, WrapScalar(int64_t{1})).ok());
    EXPECT_EQ(FormatTensor(view), "tensor([110., 111.])");
    EXPECT_NE(a.raw_data(), bytes) << "taken, not copied";
  }
  EXPECT_EQ(FormatTensor(a), "tensor([0., 1., 2., 3.])");
  EXPECT_EQ(FormatTensor(view), "tensor([1., 2.])");
  EXPECT_EQ(a.raw_data(), bytes);
  EXPECT_EQ(a.version(), 0);
}

// A result that its op saved for backward (sigmoid's) is copied in, not
// taken: taking it would leave the saved value holding the old bytes.
TEST(TransactionTest, SavedResultIsCopiedNotTaken) {
  auto grad_of_sigmoid = [](bool inplace) {
    Tensor x = Leaf({-1.0, 0.5, 2.0});
    Tensor y = Ok(Mul(x, WrapScalar(1.0)));
    Transaction txn;
    if (inplace) {
      y = Ok(ActivationInplace(y, [](const Tensor& t) { return Sigmoid(t); }));
    } else {
      y = Ok(Sigmoid(y));
    }
    EXPECT_TRUE(Backward(Ok(Sum(y))).ok());
    txn.Commit();
    return FormatTensor(y) + " " + FormatTensor(x.grad());
  };
  EXPECT_EQ(grad_of_sigmoid(true), grad_of_sigmoid(false));
}

TEST(TransactionTest, CommitKeepsChanges) {
  Tensor a = Ok(Arange(0.0, 3.0));
  {
    Transaction txn;
    ASSERT_TRUE(AddInplace(a, WrapScalar(int64_t{1})).ok());
    txn.Commit();
  }
  EXPECT_EQ(FormatTensor(a), "tensor([1., 2., 3.])");
  EXPECT_EQ(a.version(), 1);
}

TEST(TransactionTest, RollbackRestoresGradsAndSavedTensors) {
  Tensor x = Leaf({1, 2, 3});
  Tensor y = Ok(Sum(Ok(Mul(x, x))));
  ASSERT_TRUE(Backward(y, Tensor(), /*retain_graph=*/true).ok());
  const std::string grad_before = FormatTensor(x.grad());
  {
    Transaction txn;
    ASSERT_TRUE(Backward(y).ok());  // accumulates and frees the graph
    EXPECT_EQ(FormatTensor(x.grad()), "tensor([ 4.,  8., 12.])");
    EXPECT_FALSE(Backward(y).ok()) << "freed inside the transaction too";
  }
  EXPECT_EQ(FormatTensor(x.grad()), grad_before);
  ASSERT_TRUE(Backward(y).ok()) << "the graph is usable again";
  EXPECT_EQ(FormatTensor(x.grad()), "tensor([ 4.,  8., 12.])");
}

TEST(TransactionTest, RollbackRestoresHistoryOfNonLeaf) {
  Tensor x = Leaf({1, 2});
  Tensor y = Ok(Mul(x, WrapScalar(int64_t{3})));
  {
    Transaction txn;
    ASSERT_TRUE(IndexPut(y, {IndexItem::Int(0)}, WrapScalar(int64_t{7})).ok());
    EXPECT_EQ(y.grad_fn_name(), "CopySlices");
  }
  EXPECT_EQ(FormatTensor(y), "tensor([3., 6.], grad_fn=<MulBackward0>)");
  ASSERT_TRUE(Backward(Ok(Sum(y))).ok());
  EXPECT_EQ(FormatTensor(x.grad()), "tensor([3., 3.])");
}

TEST(TransactionTest, RollbackRestoresFlags) {
  Tensor a = Ok(Ones({2}));
  Tensor x = Leaf({1, 2});
  Tensor y = Ok(Mul(x, x));
  {
    Transaction txn;
    ASSERT_TRUE(a.set_requires_grad(true).ok());
    ASSERT_TRUE(y.retain_grad().ok());
    x.set_grad(Ok(Ones({2})));
  }
  EXPECT_FALSE(a.requires_grad());
  EXPECT_FALSE(y.retains_grad());
  EXPECT_FALSE(x.grad().defined());
}

}  // namespace
}  // namespace tensord
