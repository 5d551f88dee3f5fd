// The script interpreter against an in-process server: one Execute round
// trip per statement, what stays in the session (names bound, handles
// released), Python semantics the conformance scripts do not reach
// (aliasing, rollback of a failed statement, eval-style session names), and
// errors with line numbers.
#include "client/script/interpreter.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace tensord::script {
namespace {

using ::tensord::testing::TestServer;
using ::testing::HasSubstr;

class InterpreterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client::ClientOptions opts;
    opts.target = server_.target();
    auto c = client::Client::Connect(opts);
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = std::move(*c);
    auto s = client_->NewSession();
    ASSERT_TRUE(s.ok()) << s.status();
    session_ = std::make_unique<client::Session>(std::move(*s));
    interp_ = MakeInterpreter(false);
  }

  std::unique_ptr<Interpreter> MakeInterpreter(bool session_names,
                                               bool echo = false,
                                               bool json = false) {
    auto i = std::make_unique<Interpreter>(
        session_.get(), InterpreterOptions{.echo = echo,
                                           .session_names = session_names,
                                           .out =
                                               [this](absl::string_view s) {
                                                 out_.append(s.data(),
                                                             s.size());
                                               },
                                           .json = json});
    absl::Status st = i->Init();
    EXPECT_TRUE(st.ok()) << st;
    return i;
  }

  // Runs one statement; returns the Execute round trips it made.
  int Trips(const std::string& stmt) {
    const int before = interp_->round_trips();
    absl::Status st = interp_->Run(stmt + "\n");
    EXPECT_TRUE(st.ok()) << stmt << ": " << st;
    return interp_->round_trips() - before;
  }

  v1::Session Info() {
    v1::GetSessionRequest req;
    req.set_session_id(session_->id());
    v1::Session info;
    EXPECT_TRUE(
        client_->stub()
            ->GetSession(client_->Context(session_->id()).get(), req, &info)
            .ok());
    return info;
  }

  TestServer server_;
  std::unique_ptr<client::Client> client_;
  std::unique_ptr<client::Session> session_;
  std::unique_ptr<Interpreter> interp_;
  std::string out_;
};

TEST_F(InterpreterTest, OneRoundTripPerStatement) {
  EXPECT_EQ(Trips("import torch"), 0);
  EXPECT_EQ(Trips("n = 4"), 0);
  EXPECT_EQ(Trips("x = torch.arange(float(n))"), 1);
  EXPECT_EQ(Trips("x.requires_grad_(True)"), 1);
  EXPECT_EQ(Trips("y = 2 * torch.dot(x, x)"), 1);
  EXPECT_EQ(Trips("print(y)"), 1);
  EXPECT_EQ(Trips("y.backward()"), 1);
  EXPECT_EQ(Trips("print(x.grad, x.grad == 4 * x)"), 1);
  EXPECT_EQ(Trips("x.grad.zero_()"), 1);
  EXPECT_EQ(Trips("A = torch.arange(24).reshape((2, 3, 4))"), 1);
  // Shapes of results made in the same statement: still one trip.
  EXPECT_EQ(Trips("print(A.sum(axis=1).shape, A.sum(axis=[0, 2]).shape)"), 1);
  // Shape of a tensor the client already knows: no trip at all.
  EXPECT_EQ(Trips("m = A.shape[0] + len(x)"), 0);
  EXPECT_EQ(Trips("print(m)"), 0);
  EXPECT_EQ(out_,
            "tensor(28., grad_fn=<MulBackward0>)\n"
            "tensor([ 0.,  4.,  8., 12.]) tensor([True, True, True, True])\n"
            "torch.Size([2, 4]) torch.Size([3])\n"
            "6\n");
}

TEST_F(InterpreterTest, VariablesAreSessionNamesAndDroppedHandlesAreReleased) {
  ASSERT_TRUE(interp_->Run("a = torch.ones(3)\nb = a * 2\n").ok());
  EXPECT_EQ(Info().name_count(), 2);
  // Rebinding a to a number releases the name in the next round trip.
  ASSERT_TRUE(interp_->Run("a = 5\nc = b + 1\n").ok());
  v1::Session info = Info();
  EXPECT_EQ(info.name_count(), 2);  // b, c
  // Handles: the interpreter holds exactly its live tensors (b, c).
  EXPECT_EQ(info.tensor_count(), 2);
  // A temporary list of tensors keeps handles until it is dropped.
  ASSERT_TRUE(interp_->Run("L = [b * 3, c * 4]\n").ok());
  EXPECT_EQ(Info().tensor_count(), 4);
  ASSERT_TRUE(interp_->Run("L = None\nd = b - 1\n").ok());
  EXPECT_EQ(Info().tensor_count(), 3);  // b, c, d
  ASSERT_TRUE(interp_->Finish().ok());
  EXPECT_EQ(Info().tensor_count(), 0);  // names stay, handles went
  EXPECT_EQ(Info().name_count(), 3);
}

TEST_F(InterpreterTest, PythonAliasingAndInPlace) {
  ASSERT_TRUE(interp_
                  ->Run("x = torch.zeros(3)\n"
                        "y = x\n"
                        "y += 1\n"
                        "v = x[1:]\n"
                        "v.mul_(5)\n"
                        "print(x, y is x)\n"
                        "x = torch.ones(2)\n"
                        "print(y)\n")
                  .ok());
  EXPECT_EQ(out_,
            "tensor([1., 5., 5.]) True\n"
            "tensor([1., 5., 5.])\n");
}

TEST_F(InterpreterTest, FailedStatementChangesNothing) {
  ASSERT_TRUE(interp_->Run("x = torch.ones(3)\n").ok());
  absl::Status st = interp_->Run("x = x + torch.ones(4)\n");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("line 1: RuntimeError: The size of tensor a (3) must "
                        "match the size of tensor b (4) at non-singleton "
                        "dimension 0"));
  ASSERT_TRUE(interp_->Run("print(x)\n").ok());
  EXPECT_EQ(out_, "tensor([1., 1., 1.])\n");
}

TEST_F(InterpreterTest, ErrorsCarryLineAndPythonType) {
  absl::Status st = interp_->Run("a = 1\n\nb = c\n");
  EXPECT_EQ(st.message(), "line 3: NameError: name 'c' is not defined");
  st = interp_->Run("for i in range(3):\n    z = torch.ones(2).view(3)\n");
  EXPECT_EQ(st.message(),
            "line 2: RuntimeError: shape '[3]' is invalid for input of size 2");
  st = interp_->Run("t = (1, 2\n");
  EXPECT_THAT(std::string(st.message()), HasSubstr("SyntaxError"));
  st = interp_->Run("torch.nope(1)\n");
  EXPECT_EQ(st.message(),
            "line 1: AttributeError: module 'torch' has no attribute 'nope'");
  st = interp_->Run("torch.ones(2).sum(dim='x')\n");
  EXPECT_EQ(st.message(),
            "line 1: TypeError: sum(): argument 'dim' must be tuple of ints, "
            "not str");
}

TEST_F(InterpreterTest, EvalSeesEarlierVariablesThroughSessionNames) {
  ASSERT_TRUE(
      interp_->Run("w = torch.tensor([1., 2.], requires_grad=True)\n").ok());
  ASSERT_TRUE(interp_->Finish().ok());
  // A second interpreter, as a later `tensorctl eval` would make.
  auto later = MakeInterpreter(/*session_names=*/true, /*echo=*/true);
  ASSERT_TRUE(later->Run("(w * w).sum().backward()\nw.grad\n").ok());
  EXPECT_EQ(out_, "tensor([2., 4.])\n");
  absl::Status st = later->Run("q + 1\n");
  EXPECT_EQ(st.message(), "line 1: NameError: name 'q' is not defined");
  // Rebinding the name in a third interpreter is seen by a fourth.
  ASSERT_TRUE(later->Run("w = w.detach() * 10\n").ok());
  ASSERT_TRUE(later->Finish().ok());
  auto fourth = MakeInterpreter(true, true);
  out_.clear();
  ASSERT_TRUE(fourth->Run("w\n").ok());
  EXPECT_EQ(out_, "tensor([10., 20.])\n");
}

TEST_F(InterpreterTest, PythonValuesPersistInTheSession) {
  auto first = MakeInterpreter(/*session_names=*/true);
  ASSERT_TRUE(first
                  ->Run("import torch as T\n"
                        "n = 3\nlr = 0.1\nname = 'it''s'\n"
                        "L = [1, 2.5, None, (True, 'x')]\n"
                        "dt = T.float64\nsz = T.Size([2, 3])\n"
                        "big = float('inf')\nw = T.ones(2)\n"
                        "gone = 5\n")
                  .ok());
  ASSERT_TRUE(first->Finish().ok());
  auto second = MakeInterpreter(true);
  ASSERT_TRUE(second
                  ->Run("print(n + 1, lr, name, L, dt, sz, big, w * n)\n"
                        "gone = T.zeros(1)\n")
                  .ok());
  EXPECT_EQ(out_,
            "4 0.1 its [1, 2.5, None, (True, 'x')] torch.float64 "
            "torch.Size([2, 3]) inf tensor([3., 3.])\n");
  ASSERT_TRUE(second->Finish().ok());
  // `gone` is a tensor now: the saved Python values no longer carry it.
  auto third = MakeInterpreter(true);
  out_.clear();
  ASSERT_TRUE(third->Run("print(gone)\n").ok());
  EXPECT_EQ(out_, "tensor([0.])\n");
}

TEST_F(InterpreterTest, JsonEcho) {
  auto j = MakeInterpreter(/*session_names=*/false, /*echo=*/true,
                           /*json=*/true);
  ASSERT_TRUE(j->Run("x = torch.tensor([[1.5, 2.0]], requires_grad=True)\n"
                     "x * 2\n(1, 'a', None, 2.5)\nx.shape\n"
                     "torch.linalg.eigh(torch.eye(2))\n")
                  .ok());
  EXPECT_EQ(out_,
            "{\"dtype\": \"float32\", \"shape\": [1, 2], \"data\": [[3.0, "
            "4.0]], \"requires_grad\": true, \"grad_fn\": \"MulBackward0\"}\n"
            "[1, \"a\", null, 2.5]\n"
            "[1, 2]\n"
            "{\"eigenvalues\": {\"dtype\": \"float32\", \"shape\": [2], "
            "\"data\": [1.0, 1.0], \"requires_grad\": false, \"grad_fn\": "
            "null}, \"eigenvectors\": {\"dtype\": \"float32\", \"shape\": "
            "[2, 2], \"data\": [[1.0, 0.0], [0.0, 1.0]], \"requires_grad\": "
            "false, \"grad_fn\": null}}\n");
}

TEST_F(InterpreterTest, NoGradBlocksAndControlFlow) {
  ASSERT_TRUE(interp_
                  ->Run("w = torch.ones(2, requires_grad=True)\n"
                        "with torch.no_grad():\n"
                        "    w -= 0.5\n"
                        "    z = w * 2\n"
                        "print(w, z.requires_grad)\n"
                        "total = 0\n"
                        "for i in range(5):\n"
                        "    if i % 2 == 0:\n"
                        "        continue\n"
                        "    total += i\n"
                        "print(total, torch.is_grad_enabled())\n"
                        "if w.sum() > 0:\n"
                        "    print('positive')\n")
                  .ok());
  EXPECT_EQ(out_,
            "tensor([0.5000, 0.5000], requires_grad=True) False\n"
            "4 True\n"
            "positive\n");
}

TEST_F(InterpreterTest, FloatReprMatchesPython) {
  ASSERT_TRUE(interp_
                  ->Run("print(1e16, 1e-5, 0.1 + 0.2, 1.0, -0.0, 2 ** -1, "
                        "7 // 2, -7 // 2, -7 % 3, 3 / 2, 1e15, 123456.789)\n"
                        "print(torch.tensor(0.1).item(), [1.5, 'a', None], "
                        "(1,), 2j, 1 + 2j)\n")
                  .ok());
  EXPECT_EQ(out_,
            "1e+16 1e-05 0.30000000000000004 1.0 -0.0 0.5 3 -4 2 1.5 "
            "1000000000000000.0 123456.789\n"
            "0.10000000149011612 [1.5, 'a', None] (1,) 2j (1+2j)\n");
}

// Python ints are unbounded and tensorctl's are 64-bit: what fits prints
// as Python does, what does not is an OverflowError (never a wrapped value;
// before, 2 ** 64 printed 0 and 1 << 64 was undefined behaviour).
TEST_F(InterpreterTest, IntArithmeticIsExactOrOverflowError) {
  // Each printed value is what /usr/bin/python3 prints.
  ASSERT_TRUE(interp_
                  ->Run("m = -9223372036854775807 - 1\n"
                        "print(2 ** 62, 3 ** 39, (-2) ** 63, 1 ** 10 ** 18, "
                        "(-1) ** (10 ** 18 + 1))\n"
                        "print(7 // -2, 7 % -2, -7 % 2, m // 1, m % -1, "
                        "1 << 62, -1 >> 100, 5 >> 64, m >> 63, -(m + 1))\n"
                        "print(int(-9.2e18), int(2.5), round(-2.5), "
                        "abs(m + 1), -1 << 63)\n")
                  .ok());
  EXPECT_EQ(out_,
            "4611686018427387904 4052555153018976267 -9223372036854775808 1 "
            "-1\n"
            "-4 -1 1 -9223372036854775808 0 4611686018427387904 -1 0 -1 "
            "9223372036854775807\n"
            "-9200000000000000000 2 -2 9223372036854775807 "
            "-9223372036854775808\n");
  const std::string overflow =
      "OverflowError: integer result does not fit in 64 bits (tensorctl's "
      "Python ints are 64-bit)";
  for (const char* stmt :
       {"x = 2 ** 63", "x = 3 ** 40", "x = m * 2", "x = m - 1", "x = -m",
        "x = m // -1", "x = abs(m)", "x = 1 << 63", "x = 3 << 62",
        "x = 1 << 10 ** 18", "x = int(1e300)", "x = int(-9.3e18)",
        "x = round(1e19)", "x = 9223372036854775807 + 1"}) {
    absl::Status st = interp_->Run(std::string(stmt) + "\n");
    EXPECT_EQ(st.message(), "line 1: " + overflow) << stmt;
  }
  EXPECT_EQ(interp_->Run("x = 1 << -1\n").message(),
            "line 1: ValueError: negative shift count");
  EXPECT_EQ(interp_->Run("x = int(float('nan'))\n").message(),
            "line 1: ValueError: cannot convert float NaN to integer");
  EXPECT_EQ(interp_->Run("x = int(float('-inf'))\n").message(),
            "line 1: OverflowError: cannot convert float infinity to integer");
}

// Ranges, slices and repetitions with extreme steps and counts: exact
// where Python is, never stepping past int64 (which wrapped around and read
// out of bounds before), and a MemoryError where a script would take the
// client's memory. round() and tensor literals as Python and PyTorch.
TEST_F(InterpreterTest, ExtremeRangesSlicesAndRoundingAreExact) {
  // Each printed line is what /usr/bin/python3 with torch prints.
  ASSERT_TRUE(
      interp_
          ->Run("m = -9223372036854775807 - 1\n"
                "print(\"ab\"[1::9223372036854775807], [1, 2, 3][::m], "
                "[1, 2, 3][m::9223372036854775807])\n"
                "print(list(range(1, 9223372036854775807, "
                "4611686018427387904)), len(range(10 ** 18)), bool(range(0)), "
                "bool(range(m, m + 1)))\n"
                "for i in range(9223372036854775806, m, "
                "-9223372036854775807):\n"
                "    print(i)\n"
                "print([0] * -1, \"ab\" * 3, round(1234, -2), round(-15, -1), "
                "round(25, -1), round(5 * 10 ** 18, -19))\n"
                "print(round(1.5, 400), round(2.675, 2), round(0.5), "
                "round(1.25, 1), round(5, 3), round(1e300, -400), "
                "round(-0.5, 0))\n"
                "print(int(\" 12 \"), torch.tensor([-2.7, 3.9], "
                "dtype=torch.int64), torch.tensor([2147483647, -2147483648], "
                "dtype=torch.int32))\n")
          .ok());
  EXPECT_EQ(out_,
            "b [3] [1]\n"
            "[1, 4611686018427387905] 1000000000000000000 False True\n"
            "9223372036854775806\n"
            "-1\n"
            "[] ababab 1200 -20 20 0\n"
            "1.5 2.67 0 1.2 5 0.0 -0.0\n"
            "12 tensor([-2,  3]) tensor([ 2147483647, -2147483648], "
            "dtype=torch.int32)\n");
  const std::string too_many =
      "line 1: MemoryError: a sequence of 1000000000000000 items is more "
      "than tensorctl makes (at most 67108864)";
  EXPECT_EQ(interp_->Run("x = 'a' * 10 ** 15\n").message(), too_many);
  EXPECT_EQ(interp_->Run("x = [1] * 10 ** 15\n").message(), too_many);
  EXPECT_EQ(interp_->Run("x = list(range(10 ** 15))\n").message(), too_many);
  EXPECT_THAT(
      std::string(
          interp_->Run("x = len(range(m, 9223372036854775807))\n").message()),
      HasSubstr("OverflowError"));
  EXPECT_THAT(
      std::string(interp_->Run("x = round(6 * 10 ** 18, -19)\n").message()),
      HasSubstr("OverflowError"));
  EXPECT_THAT(
      std::string(interp_->Run("x = int('99999999999999999999')\n").message()),
      HasSubstr("OverflowError"));
  for (const char* lit : {"[2.5e9]", "[2 ** 31]", "[-2147483649]"}) {
    EXPECT_EQ(interp_
                  ->Run(absl::StrCat("x = torch.tensor(", lit,
                                     ", dtype=torch.int32)\n"))
                  .message(),
              "line 1: RuntimeError: value cannot be converted to type int32 "
              "without overflow")
        << lit;
  }
  EXPECT_EQ(interp_
                ->Run("x = torch.tensor([float('nan')], "
                      "dtype=torch.int64)\n")
                .message(),
            "line 1: RuntimeError: value cannot be converted to type int64 "
            "without overflow");
}

}  // namespace
}  // namespace tensord::script
