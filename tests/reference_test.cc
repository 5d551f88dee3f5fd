// Reference tests: each case computes an expression with tensord and
// compares the printed result with what python3-torch 1.13 printed for the
// same expression (given in the case's name), including error messages.
#include <functional>

#include "core/format.h"
#include "core/ops.h"
#include "gtest/gtest.h"

namespace tensord {
namespace {

// Unwraps or throws nothing: a failed op makes the case print its status.
struct Eval {
  std::string out;
  template <typename T>
  Tensor operator()(absl::StatusOr<T> v) {
    if (!v.ok() && out.empty())
      out = "error: " + std::string(v.status().message());
    if constexpr (std::is_same_v<T, Tensor>) {
      return v.ok() ? *v : Tensor();
    } else {
      return Tensor();
    }
  }
};

Tensor F(std::vector<double> v, Shape s = {}) {
  if (s.empty()) s = {static_cast<int64_t>(v.size())};
  return *FromDoubles(v, s, DType::kFloat32);
}
Tensor L(std::vector<int64_t> v, Shape s = {}) {
  if (s.empty()) s = {static_cast<int64_t>(v.size())};
  return *FromInts(v, s, DType::kInt64);
}
Tensor B(std::vector<int64_t> v) {
  return *FromInts(v, {static_cast<int64_t>(v.size())}, DType::kBool);
}
Tensor Ar(int64_t n) { return *Arange(0, n); }
Tensor ArF(int64_t n) { return *Arange(0.0, static_cast<double>(n)); }
Tensor W(double v) { return WrapScalar(v); }
Tensor Wi(int64_t v) { return WrapScalar(v); }

struct Case {
  const char* torch_expr;
  std::function<std::string()> run;
  const char* expected;
};

std::string P(const Tensor& t) {
  return t.defined() ? FormatTensor(t) : "<undefined>";
}

std::string Run(std::function<Tensor(Eval&)> f) {
  Eval e;
  Tensor t = f(e);
  return e.out.empty() ? P(t) : e.out;
}

std::vector<Case> Cases() {
  return {
      {"torch.arange(6).reshape(2,3).T",
       [] {
         return Run([](Eval& e) { return e(T(e(Reshape(Ar(6), {2, 3})))); });
       },
       "tensor([[0, 3],\n        [1, 4],\n        [2, 5]])"},
      {"torch.arange(6.).reshape(2,3).sum(0)",
       [] {
         return Run([](Eval& e) {
           return e(Sum(e(Reshape(ArF(6), {2, 3})), {0}));
         });
       },
       "tensor([3., 5., 7.])"},
      {"torch.arange(6.).reshape(2,3).mean(1, keepdim=True)",
       [] {
         return Run([](Eval& e) {
           return e(Mean(e(Reshape(ArF(6), {2, 3})), {1}, true));
         });
       },
       "tensor([[1.],\n        [4.]])"},
      {"torch.arange(1,7).reshape(2,3).prod(1)",
       [] {
         return Run([](Eval& e) {
           return e(Prod(e(Reshape(*Arange(1, 7), {2, 3})), 1));
         });
       },
       "tensor([  6, 120])"},
      {"torch.tensor([[1.,5.,3.],[4.,2.,6.]]).max(1)",
       [] {
         auto r = MaxDim(F({1, 5, 3, 4, 2, 6}, {2, 3}), 1);
         return "torch.return_types.max(\nvalues=" + P(r->first) +
                ",\nindices=" + P(r->second) + ")";
       },
       "torch.return_types.max(\nvalues=tensor([5., 6.]),\nindices=tensor([1, "
       "2]))"},
      {"torch.tensor([[1.,5.,3.],[4.,2.,6.]]).argmin(0)",
       [] {
         return Run([](Eval& e) {
           return e(Argmin(F({1, 5, 3, 4, 2, 6}, {2, 3}), 0));
         });
       },
       "tensor([0, 1, 0])"},
      {"torch.arange(12.).reshape(3,4).cumprod(1)",
       [] {
         return Run([](Eval& e) {
           return e(Cumprod(e(Reshape(ArF(12), {3, 4})), 1));
         });
       },
       "tensor([[0.0000e+00, 0.0000e+00, 0.0000e+00, 0.0000e+00],\n"
       "        [4.0000e+00, 2.0000e+01, 1.2000e+02, 8.4000e+02],\n"
       "        [8.0000e+00, 7.2000e+01, 7.2000e+02, 7.9200e+03]])"},
      {"torch.arange(5) / 2",
       [] { return Run([](Eval& e) { return e(Div(Ar(5), Wi(2))); }); },
       "tensor([0.0000, 0.5000, 1.0000, 1.5000, 2.0000])"},
      {"torch.arange(5) * 2.5",
       [] { return Run([](Eval& e) { return e(Mul(Ar(5), W(2.5))); }); },
       "tensor([ 0.0000,  2.5000,  5.0000,  7.5000, 10.0000])"},
      {"torch.arange(5, dtype=torch.int32) + 1",
       [] {
         return Run([](Eval& e) {
           return e(Add(*Arange(0, 5, 1, DType::kInt32), Wi(1)));
         });
       },
       "tensor([1, 2, 3, 4, 5], dtype=torch.int32)"},
      {"torch.tensor([1., 2.], dtype=torch.float64) * torch.tensor(3.)",
       [] {
         return Run([](Eval& e) {
           return e(Mul(*FromDoubles({1, 2}, {2}, DType::kFloat64),
                        *FromDoubles({3}, {}, DType::kFloat32)));
         });
       },
       "tensor([3., 6.], dtype=torch.float64)"},
      {"torch.arange(3) + torch.tensor(1., dtype=torch.float64)",
       [] {
         return Run([](Eval& e) {
           return e(Add(Ar(3), *FromDoubles({1}, {}, DType::kFloat64)));
         });
       },
       "tensor([1., 2., 3.], dtype=torch.float64)"},
      {"torch.tensor([True, False]) + 1",
       [] { return Run([](Eval& e) {
              return e(Add(B({1, 0}), Wi(1)));
            }); },
       "tensor([2, 1])"},
      {"torch.tensor([1, 2, 3]) > 2",
       [] { return Run([](Eval& e) {
              return e(Gt(L({1, 2, 3}), Wi(2)));
            }); },
       "tensor([False, False,  True])"},
      {"torch.linspace(0, 1, 5)",
       [] { return Run([](Eval& e) { return e(Linspace(0, 1, 5)); }); },
       "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])"},
      {"torch.eye(3)", [] { return Run([](Eval& e) { return e(Eye(3)); }); },
       "tensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]])"},
      {"torch.full((2,2), 7)",
       [] { return Run([](Eval& e) {
              return e(Full({2, 2}, int64_t{7}));
            }); },
       "tensor([[7, 7],\n        [7, 7]])"},
      {"torch.full((2,), 0.5)",
       [] { return Run([](Eval& e) { return e(Full({2}, 0.5)); }); },
       "tensor([0.5000, 0.5000])"},
      {"torch.zeros(2, 3, dtype=torch.int64)",
       [] {
         return Run([](Eval& e) { return e(Zeros({2, 3}, DType::kInt64)); });
       },
       "tensor([[0, 0, 0],\n        [0, 0, 0]])"},
      {"torch.tensor([-1.5, 0., 2.]).relu()",
       [] { return Run([](Eval& e) {
              return e(Relu(F({-1.5, 0, 2})));
            }); },
       "tensor([0., 0., 2.])"},
      {"torch.tensor([-1.5, 0., 2.]).clamp(-1, 1)",
       [] {
         return Run([](Eval& e) {
           return e(Clamp(F({-1.5, 0, 2}), Scalar(-1), Scalar(1)));
         });
       },
       "tensor([-1.,  0.,  1.])"},
      {"torch.where(torch.tensor([True, False, True]), torch.tensor([1., 2., "
       "3.]), 0.)",
       [] {
         return Run([](Eval& e) {
           return e(Where(B({1, 0, 1}), F({1, 2, 3}), W(0.0)));
         });
       },
       "tensor([1., 0., 3.])"},
      {"torch.maximum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))",
       [] {
         return Run([](Eval& e) { return e(Maximum(F({1, 5}), F({3, 2}))); });
       },
       "tensor([3., 5.])"},
      {"torch.tensor([1., 4., 9.]).sqrt()",
       [] { return Run([](Eval& e) {
              return e(Sqrt(F({1, 4, 9})));
            }); },
       "tensor([1., 2., 3.])"},
      {"torch.tensor([0., 1.]).exp()",
       [] { return Run([](Eval& e) {
              return e(Exp(F({0, 1})));
            }); },
       "tensor([1.0000, 2.7183])"},
      {"torch.tensor([0., 1.]).sigmoid()",
       [] { return Run([](Eval& e) {
              return e(Sigmoid(F({0, 1})));
            }); },
       "tensor([0.5000, 0.7311])"},
      {"torch.arange(4.).reshape(2,2) @ torch.arange(4.).reshape(2,2)",
       [] {
         return Run([](Eval& e) {
           Tensor a = e(Reshape(ArF(4), {2, 2}));
           return e(Matmul(a, a));
         });
       },
       "tensor([[ 2.,  3.],\n        [ 6., 11.]])"},
      {"torch.outer(torch.arange(3.), torch.arange(2.))",
       [] { return Run([](Eval& e) { return e(Outer(ArF(3), ArF(2))); }); },
       "tensor([[0., 0.],\n        [0., 1.],\n        [0., 2.]])"},
      {"torch.cat([torch.ones(2), torch.zeros(3)])",
       [] {
         return Run([](Eval& e) { return e(Cat({*Ones({2}), *Zeros({3})})); });
       },
       "tensor([1., 1., 0., 0., 0.])"},
      {"torch.stack([torch.arange(2), torch.arange(2)], dim=1)",
       [] { return Run([](Eval& e) {
              return e(Stack({Ar(2), Ar(2)}, 1));
            }); },
       "tensor([[0, 0],\n        [1, 1]])"},
      {"torch.arange(10)[1:8:3]",
       [] {
         return Run([](Eval& e) {
           return e(Index(Ar(10), {IndexItem::Slice(1, 8, 3)}));
         });
       },
       "tensor([1, 4, 7])"},
      {"torch.arange(12).reshape(3,4)[-1]",
       [] {
         return Run([](Eval& e) {
           return e(Index(e(Reshape(Ar(12), {3, 4})), {IndexItem::Int(-1)}));
         });
       },
       "tensor([ 8,  9, 10, 11])"},
      {"torch.arange(12).reshape(3,4)[:, 1:3]",
       [] {
         return Run([](Eval& e) {
           return e(Index(e(Reshape(Ar(12), {3, 4})),
                          {IndexItem::Slice(std::nullopt, std::nullopt),
                           IndexItem::Slice(1, 3)}));
         });
       },
       "tensor([[ 1,  2],\n        [ 5,  6],\n        [ 9, 10]])"},
      {"torch.arange(6).reshape(2,3).unsqueeze(1).shape",
       [] {
         return FormatSize((*Unsqueeze(*Reshape(Ar(6), {2, 3}), 1)).sizes());
       },
       "torch.Size([2, 1, 3])"},
      {"torch.ones(2,1,3).squeeze().shape",
       [] {
         return FormatSize((*Squeeze(*Ones({2, 1, 3}))).sizes());
       },
       "torch.Size([2, 3])"},
      {"torch.arange(24).reshape(2,3,4).permute(2,0,1).shape",
       [] {
         return FormatSize(
             (*Permute(*Reshape(Ar(24), {2, 3, 4}), {2, 0, 1})).sizes());
       },
       "torch.Size([4, 2, 3])"},
      {"torch.arange(3).expand(2,3)",
       [] { return Run([](Eval& e) {
              return e(Expand(Ar(3), {2, 3}));
            }); },
       "tensor([[0, 1, 2],\n        [0, 1, 2]])"},
      {"torch.norm(torch.tensor([[1., 2.], [3., 4.]]), dim=1)",
       [] {
         return Run([](Eval& e) {
           return e(Norm(F({1, 2, 3, 4}, {2, 2}), 2.0, {1}));
         });
       },
       "tensor([2.2361, 5.0000])"},
      {"torch.norm(torch.tensor([3., -4.]), p=1)",
       [] { return Run([](Eval& e) {
              return e(Norm(F({3, -4}), 1.0));
            }); },
       "tensor(7.)"},
      {"torch.linalg.norm(torch.tensor([3., 4.]))",
       [] {
         return Run([](Eval& e) { return e(LinalgVectorNorm(F({3, 4}))); });
       },
       "tensor(5.)"},
      {"torch.linalg.eigvals(torch.tensor([[0., -1.], [1., 0.]]))",
       [] {
         return Run([](Eval& e) {
           return e(Eigvals(F({0, -1, 1, 0}, {2, 2})));
         });
       },
       "tensor([0.+1.j, 0.-1.j])"},
      {"torch.linalg.eigh(torch.tensor([[2., 1.], [1., "
       "2.]])).eigenvectors.abs()",
       [] {
         return Run([](Eval& e) {
           return e(Abs(Eigh(F({2, 1, 1, 2}, {2, 2}))->second));
         });
       },
       "tensor([[0.7071, 0.7071],\n        [0.7071, 0.7071]])"},
      {"torch.tensor([1e-5, 1.0])",
       [] {
         return P(F({1e-5, 1.0}));
       },
       "tensor([1.0000e-05, 1.0000e+00])"},
      {"torch.tensor([1e10, 1.0])",
       [] {
         return P(F({1e10, 1.0}));
       },
       "tensor([1.0000e+10, 1.0000e+00])"},
      {"torch.tensor(3.5, dtype=torch.float64)",
       [] { return P(*FromDoubles({3.5}, {}, DType::kFloat64)); },
       "tensor(3.5000, dtype=torch.float64)"},
      {"torch.arange(4.).dtype", [] { return FormatDType(ArF(4).dtype()); },
       "torch.float32"},
      {"torch.arange(4).dtype", [] { return FormatDType(Ar(4).dtype()); },
       "torch.int64"},
      {"torch.ones(2,3).view(3,2)",
       [] {
         return Run([](Eval& e) { return e(View(*Ones({2, 3}), {3, 2})); });
       },
       "tensor([[1., 1.],\n        [1., 1.],\n        [1., 1.]])"},
      {"torch.tensor([[1,2],[3,4]]) @ torch.tensor([[1,0],[0,1]])",
       [] {
         return Run([](Eval& e) {
           return e(Matmul(L({1, 2, 3, 4}, {2, 2}), L({1, 0, 0, 1}, {2, 2})));
         });
       },
       "tensor([[1, 2],\n        [3, 4]])"},
      {"torch.tensor([2, 3]) ** 2",
       [] { return Run([](Eval& e) {
              return e(Pow(L({2, 3}), Wi(2)));
            }); },
       "tensor([4, 9])"},
      {"torch.tensor([2., 3.]) ** torch.tensor([0.5, 2.])",
       [] {
         return Run([](Eval& e) { return e(Pow(F({2, 3}), F({0.5, 2}))); });
       },
       "tensor([1.4142, 9.0000])"},
      {"torch.tensor([1, 2, 3]).sum()",
       [] { return Run([](Eval& e) {
              return e(Sum(L({1, 2, 3})));
            }); },
       "tensor(6)"},
      {"torch.tensor([True, True, False]).sum()",
       [] { return Run([](Eval& e) {
              return e(Sum(B({1, 1, 0})));
            }); },
       "tensor(2)"},
      {"torch.arange(4).reshape(2, 2).cumsum(1)",
       [] {
         return Run([](Eval& e) {
           return e(Cumsum(e(Reshape(Ar(4), {2, 2})), 1));
         });
       },
       "tensor([[0, 1],\n        [2, 5]])"},
      {"-torch.arange(3.)",
       [] { return Run([](Eval& e) { return e(Neg(ArF(3))); }); },
       "tensor([-0., -1., -2.])"},
      {"torch.tensor([-2, 3]).abs()",
       [] { return Run([](Eval& e) {
              return e(Abs(L({-2, 3})));
            }); },
       "tensor([2, 3])"},
      // ---- errors: torch's message, the most specific status ----
      {"torch.ones(2,3) + torch.ones(3,2)",
       [] {
         return Run([](Eval& e) {
           return e(Add(*Ones({2, 3}), *Ones({3, 2})));
         });
       },
       "error: The size of tensor a (3) must match the size of tensor b (2) at "
       "non-singleton dimension 1"},
      {"torch.ones(3).sum(1)",
       [] { return Run([](Eval& e) { return e(Sum(*Ones({3}), {1})); }); },
       "error: Dimension out of range (expected to be in range of [-1, 0], but "
       "got 1)"},
      {"torch.ones(2,3).reshape(4)",
       [] {
         return Run([](Eval& e) { return e(Reshape(*Ones({2, 3}), {4})); });
       },
       "error: shape '[4]' is invalid for input of size 6"},
      {"torch.ones(2,3).T.view(6)",
       [] {
         return Run([](Eval& e) { return e(View(e(T(*Ones({2, 3}))), {6})); });
       },
       "error: view size is not compatible with input tensor's size and stride "
       "(at least one dimension "
       "spans across two contiguous subspaces). Use .reshape(...) instead."},
      {"torch.ones(3)[3]",
       [] {
         return Run(
             [](Eval& e) { return e(Index(*Ones({3}), {IndexItem::Int(3)})); });
       },
       "error: index 3 is out of bounds for dimension 0 with size 3"},
      {"torch.ones(3)[0,0]",
       [] {
         return Run([](Eval& e) {
           return e(Index(*Ones({3}), {IndexItem::Int(0), IndexItem::Int(0)}));
         });
       },
       "error: too many indices for tensor of dimension 1"},
      {"torch.arange(4).mean()",
       [] { return Run([](Eval& e) { return e(Mean(Ar(4))); }); },
       "error: mean(): could not infer output dtype. Input dtype must be "
       "either a floating point or "
       "complex dtype. Got: Long"},
      {"torch.norm(torch.arange(4))",
       [] { return Run([](Eval& e) { return e(Norm(Ar(4))); }); },
       "error: norm(): input dtype should be either floating point or complex. "
       "Got Long instead."},
      {"torch.mm(torch.ones(2,3), torch.ones(4,5))",
       [] {
         return Run([](Eval& e) {
           return e(Mm(*Ones({2, 3}), *Ones({4, 5})));
         });
       },
       "error: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"},
      {"torch.dot(torch.ones(3), torch.ones(4))",
       [] {
         return Run([](Eval& e) { return e(Dot(*Ones({3}), *Ones({4}))); });
       },
       "error: inconsistent tensor size, expected tensor [3] and src [4] to "
       "have the same number of "
       "elements, but got 3 and 4 elements respectively"},
      {"torch.cat([torch.ones(2,3), torch.ones(3,2)])",
       [] {
         return Run([](Eval& e) {
           return e(Cat({*Ones({2, 3}), *Ones({3, 2})}));
         });
       },
       "error: Sizes of tensors must match except in dimension 0. Expected "
       "size 3 but got size 2 for "
       "tensor number 1 in the list."},
      {"torch.stack([torch.ones(2), torch.ones(3)])",
       [] {
         return Run([](Eval& e) { return e(Stack({*Ones({2}), *Ones({3})})); });
       },
       "error: stack expects each tensor to be equal size, but got [2] at "
       "entry 0 and [3] at entry 1"},
      {"torch.ones(3).expand(2,4)",
       [] {
         return Run([](Eval& e) { return e(Expand(*Ones({3}), {2, 4})); });
       },
       "error: The expanded size of the tensor (4) must match the existing "
       "size (3) at non-singleton "
       "dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]"},
      {"torch.linalg.eigh(torch.ones(2,3))",
       [] { return Run([](Eval& e) {
              return e(Eigh(*Ones({2, 3})));
            }); },
       "error: linalg.eigh: A must be batches of square matrices, but they are "
       "2 by 3 matrices"},
      {"torch.tensor([1,2]) ** -1",
       [] { return Run([](Eval& e) {
              return e(Pow(L({1, 2}), Wi(-1)));
            }); },
       "error: Integers to negative integer powers are not allowed."},
      {"torch.ones(0).max()",
       [] { return Run([](Eval& e) { return e(Max(*Ones({0}))); }); },
       "error: max(): Expected reduction dim to be specified for input.numel() "
       "== 0. Specify the "
       "reduction dim with the 'dim' argument."},
  };
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.torch_expr; }

class ReferenceTest : public ::testing::TestWithParam<Case> {};

TEST_P(ReferenceTest, PrintsWhatTorchPrints) {
  const Case& c = GetParam();
  EXPECT_EQ(c.run(), c.expected) << "torch: " << c.torch_expr;
}

INSTANTIATE_TEST_SUITE_P(Torch, ReferenceTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return "case" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace tensord
