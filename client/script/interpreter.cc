#include "client/script/interpreter.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/script/parser.h"
#include "core/print_format.h"

namespace tensord::script {
namespace {

// ------------------------------------------------------------ Python errors

// A Python exception as a status: "TypeError: message".
absl::Status PyError(absl::StatusCode code, absl::string_view type,
                     absl::string_view message) {
  return absl::Status(code, absl::StrCat(type, ": ", message));
}
absl::Status TypeError(absl::string_view m) {
  return PyError(absl::StatusCode::kInvalidArgument, "TypeError", m);
}
absl::Status ValueError(absl::string_view m) {
  return PyError(absl::StatusCode::kInvalidArgument, "ValueError", m);
}
absl::Status IndexError(absl::string_view m) {
  return PyError(absl::StatusCode::kInvalidArgument, "IndexError", m);
}
absl::Status RuntimeError(absl::string_view m) {
  return PyError(absl::StatusCode::kInvalidArgument, "RuntimeError", m);
}
absl::Status AttributeError(absl::string_view m) {
  return PyError(absl::StatusCode::kInvalidArgument, "AttributeError", m);
}
absl::Status NameError(absl::string_view name) {
  return PyError(absl::StatusCode::kNotFound, "NameError",
                 absl::StrCat("name '", name, "' is not defined"));
}
absl::Status Unsupported(absl::string_view what) {
  return PyError(absl::StatusCode::kUnimplemented, "NotImplementedError",
                 absl::StrCat(what, " is not supported by tensorctl"));
}

#define TRY(expr)              \
  do {                         \
    absl::Status _st = (expr); \
    if (!_st.ok()) return _st; \
  } while (0)
#define TRY_ASSIGN(lhs, expr) \
  TRY_ASSIGN_IMPL(TRY_CONCAT(_v, __LINE__), lhs, expr)
#define TRY_CONCAT_INNER(a, b) a##b
#define TRY_CONCAT(a, b) TRY_CONCAT_INNER(a, b)
#define TRY_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                    \
  if (!tmp.ok()) return tmp.status();   \
  lhs = std::move(tmp).value()

// ------------------------------------------------------------ tensor data

int64_t ItemSize(v1::DType t) {
  switch (t) {
    case v1::DTYPE_BOOL:
      return 1;
    case v1::DTYPE_INT32:
    case v1::DTYPE_FLOAT32:
      return 4;
    case v1::DTYPE_INT64:
    case v1::DTYPE_FLOAT64:
    case v1::DTYPE_COMPLEX64:
      return 8;
    default:
      return 0;
  }
}

DType CoreDType(v1::DType t) {
  switch (t) {
    case v1::DTYPE_BOOL:
      return DType::kBool;
    case v1::DTYPE_INT32:
      return DType::kInt32;
    case v1::DTYPE_INT64:
      return DType::kInt64;
    case v1::DTYPE_FLOAT64:
      return DType::kFloat64;
    case v1::DTYPE_COMPLEX64:
      return DType::kComplex64;
    default:
      return DType::kFloat32;
  }
}

template <typename T>
T Load(const std::string& bytes, int64_t k) {
  T v;
  std::memcpy(&v, bytes.data() + k * sizeof(T), sizeof(T));
  return v;
}

int64_t NumElements(const v1::TensorData& d) {
  int64_t n = 1;
  for (int64_t s : d.shape()) n *= s;
  return n;
}

// Element k of d as a Python number.
Value Element(const v1::TensorData& d, int64_t k) {
  switch (d.dtype()) {
    case v1::DTYPE_BOOL:
      return Value::Bool(d.data()[k] != 0);
    case v1::DTYPE_INT32:
      return Value::Int(Load<int32_t>(d.data(), k));
    case v1::DTYPE_INT64:
      return Value::Int(Load<int64_t>(d.data(), k));
    case v1::DTYPE_FLOAT32:
      return Value::Float(Load<float>(d.data(), k));
    case v1::DTYPE_FLOAT64:
      return Value::Float(Load<double>(d.data(), k));
    case v1::DTYPE_COMPLEX64:
      return Value::Complex(
          {Load<float>(d.data(), 2 * k), Load<float>(d.data(), 2 * k + 1)});
    default:
      return Value::None();
  }
}

// The nested lists of tolist().
Value ToList(const v1::TensorData& d, int dim, int64_t* k) {
  if (dim == d.shape_size()) return Element(d, (*k)++);
  ValueList items;
  for (int64_t i = 0; i < d.shape(dim); ++i) {
    items.push_back(ToList(d, dim + 1, k));
  }
  return Value::List(std::move(items));
}

std::string FormatTensorValue(const v1::TensorInfo& info,
                              const v1::TensorData& d) {
  PrintData p;
  p.dtype = CoreDType(d.dtype());
  for (int64_t s : d.shape()) p.shape.push_back(s);
  const int64_t n = NumElements(d);
  if (static_cast<int64_t>(d.data().size()) != n * ItemSize(d.dtype())) {
    return "tensor(<malformed data>)";
  }
  for (int64_t k = 0; k < n; ++k) {
    Value e = Element(d, k);
    switch (e.kind) {
      case Kind::kBool:
        p.ints.push_back(e.b);
        break;
      case Kind::kInt:
        p.ints.push_back(e.i);
        break;
      case Kind::kFloat:
        p.real.push_back(e.f);
        break;
      case Kind::kComplex:
        p.real.push_back(e.c.real());
        p.imag.push_back(e.c.imag());
        break;
      default:
        break;
    }
  }
  std::vector<std::string> suffixes;
  if (!info.grad_fn().empty()) {
    suffixes.push_back("grad_fn=<" + info.grad_fn() + ">");
  } else if (info.requires_grad()) {
    suffixes.push_back("requires_grad=True");
  }
  return FormatPrintData(p, suffixes);
}

// ------------------------------------------------------------ numbers

bool IsIntLike(const Value& v) {
  return v.kind == Kind::kInt || v.kind == Kind::kBool;
}
int64_t AsInt(const Value& v) { return v.kind == Kind::kBool ? v.b : v.i; }
double AsDouble(const Value& v) {
  switch (v.kind) {
    case Kind::kBool:
      return v.b;
    case Kind::kInt:
      return static_cast<double>(v.i);
    default:
      return v.f;
  }
}
std::complex<double> AsComplex(const Value& v) {
  return v.kind == Kind::kComplex ? v.c : std::complex<double>(AsDouble(v), 0);
}

// Python's ints have no bound; the interpreter's are 64-bit. A result
// outside that range is an OverflowError, never a wrapped (or undefined)
// value.
absl::Status IntOverflow() {
  return PyError(absl::StatusCode::kInvalidArgument, "OverflowError",
                 "integer result does not fit in 64 bits (tensorctl's Python "
                 "ints are 64-bit)");
}

absl::StatusOr<Value> CheckedInt(bool overflowed, int64_t result) {
  if (overflowed) return IntOverflow();
  return Value::Int(result);
}

absl::StatusOr<Value> NegInt(int64_t a) {
  if (a == std::numeric_limits<int64_t>::min()) return IntOverflow();
  return Value::Int(-a);
}

// Python's floor division and modulo on ints (b != 0).
absl::StatusOr<Value> FloorDiv(int64_t a, int64_t b) {
  if (b == -1) return NegInt(a);
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return Value::Int(q);
}
int64_t FloorMod(int64_t a, int64_t b) {
  if (b == -1) return 0;
  const int64_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

// a ** b for b >= 0, by squaring (so 1 ** 10**18 is immediate).
absl::StatusOr<Value> IntPow(int64_t a, int64_t b) {
  int64_t result = 1;
  bool overflow = false;
  while (b > 0 && !overflow) {
    if (b & 1) overflow |= __builtin_mul_overflow(result, a, &result);
    b >>= 1;
    // |a| >= 2 squared past the range means the result is past it too.
    if (b > 0) overflow |= __builtin_mul_overflow(a, a, &a);
  }
  return CheckedInt(overflow, result);
}

absl::StatusOr<Value> IntShift(int64_t a, int64_t b, bool left) {
  if (b < 0) return ValueError("negative shift count");
  if (!left) return Value::Int(b >= 63 ? (a < 0 ? -1 : 0) : a >> b);
  if (a == 0) return Value::Int(0);
  if (b >= 64) return IntOverflow();
  const int64_t shifted = static_cast<int64_t>(static_cast<uint64_t>(a) << b);
  return CheckedInt((shifted >> b) != a, shifted);
}

// int(f) for a finite float: truncation, if it fits.
absl::StatusOr<Value> FloatToInt(double f) {
  if (std::isnan(f)) return ValueError("cannot convert float NaN to integer");
  if (std::isinf(f)) {
    return PyError(absl::StatusCode::kInvalidArgument, "OverflowError",
                   "cannot convert float infinity to integer");
  }
  const double t = std::trunc(f);
  // 2^63 is exact as a double; every double below it fits.
  if (t >= 9223372036854775808.0 || t < -9223372036854775808.0) {
    return IntOverflow();
  }
  return Value::Int(static_cast<int64_t>(t));
}

// The k-th element of a range or slice and how many there are, in unsigned
// arithmetic: start + k * step never leaves int64 for an element that
// exists, but a loop adding step to the last one would.
uint64_t StepCount(int64_t start, int64_t stop, int64_t step) {
  if (step > 0 ? start >= stop : start <= stop) return 0;
  const uint64_t span =
      step > 0 ? static_cast<uint64_t>(stop) - static_cast<uint64_t>(start)
               : static_cast<uint64_t>(start) - static_cast<uint64_t>(stop);
  const uint64_t magnitude =
      step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  return (span - 1) / magnitude + 1;
}
int64_t StepAt(int64_t start, int64_t step, uint64_t k) {
  return static_cast<int64_t>(static_cast<uint64_t>(start) +
                              k * static_cast<uint64_t>(step));
}

// Lists, tuples and strings the interpreter makes hold at most this many
// items (a range turned into a list, a repetition): beyond it a script gets
// a MemoryError instead of taking the client's memory.
constexpr uint64_t kMaxItems = uint64_t{1} << 26;
absl::Status TooManyItems(uint64_t n) {
  return PyError(absl::StatusCode::kResourceExhausted, "MemoryError",
                 absl::StrCat("a sequence of ", n,
                              " items is more than tensorctl makes (at most ",
                              kMaxItems, ")"));
}

// Python's round(int, ndigits) for ndigits < 0: to a multiple of 10^-ndigits,
// halves to even.
absl::StatusOr<Value> RoundInt(int64_t a, int64_t ndigits) {
  if (ndigits >= 0) return Value::Int(a);
  if (ndigits < -18) {
    // |a| < 10^19: the result is 0, or +-10^19 which does not fit.
    const int64_t half = 5000000000000000000;
    if (ndigits == -19 && (a > half || a < -half)) return IntOverflow();
    return Value::Int(0);
  }
  int64_t p = 1;
  for (int64_t k = 0; k < -ndigits; ++k) p *= 10;
  int64_t q = a / p, r = a % p;
  if (r < 0) {  // floor division: 0 <= r < p
    --q;
    r += p;
  }
  if (2 * r > p || (2 * r == p && (q & 1) != 0)) ++q;
  int64_t out = 0;
  const bool overflow = __builtin_mul_overflow(q, p, &out);
  return CheckedInt(overflow, out);
}

// Python's round(float, ndigits): correctly rounded through the decimal
// string for ndigits >= 0 (as CPython does), x unchanged past 323 digits.
double RoundFloat(double x, int64_t ndigits) {
  if (!std::isfinite(x) || ndigits > 323) return x;
  if (ndigits < -308) return 0.0 * x;
  if (ndigits >= 0) {
    std::vector<char> buf(400);
    std::snprintf(buf.data(), buf.size(), "%.*f", static_cast<int>(ndigits), x);
    return std::strtod(buf.data(), nullptr);
  }
  const double scale = std::pow(10.0, static_cast<double>(-ndigits));
  const double r = std::nearbyint(x / scale) * scale;
  return std::isfinite(r) ? r : x;
}

// ------------------------------------------------------------ wire values

v1::DType DTypeFromTorchName(absl::string_view n, bool* ok) {
  *ok = true;
  if (n == "float32" || n == "float") return v1::DTYPE_FLOAT32;
  if (n == "float64" || n == "double") return v1::DTYPE_FLOAT64;
  if (n == "int32" || n == "int") return v1::DTYPE_INT32;
  if (n == "int64" || n == "long") return v1::DTYPE_INT64;
  if (n == "bool") return v1::DTYPE_BOOL;
  if (n == "complex64" || n == "cfloat") return v1::DTYPE_COMPLEX64;
  *ok = false;
  return v1::DTYPE_UNSPECIFIED;
}

v1::ValueRef ScalarRef(const Value& v) {
  v1::ValueRef r;
  if (v.kind == Kind::kBool) r.mutable_scalar()->set_b(v.b);
  if (v.kind == Kind::kInt) r.mutable_scalar()->set_i(v.i);
  if (v.kind == Kind::kFloat) r.mutable_scalar()->set_f(v.f);
  return r;
}

// The torch.return_types name of an op's outputs: max.dim -> max,
// linalg.eigh -> linalg_eigh.
std::string ReturnTypeName(std::string op) {
  if (absl::EndsWith(op, ".dim")) op.resize(op.size() - 4);
  std::replace(op.begin(), op.end(), '.', '_');
  return op;
}

}  // namespace

// ====================================================================== setup

Interpreter::Interpreter(client::Session* session, InterpreterOptions options)
    : session_(session),
      options_(std::move(options)),
      released_handles_(std::make_shared<std::vector<std::string>>()) {
  if (!options_.out) {
    options_.out = [](absl::string_view s) {
      std::fwrite(s.data(), 1, s.size(), stdout);
      std::fflush(stdout);
    };
  }
  globals_["torch"] = Value::Module("torch");
}

Interpreter::~Interpreter() {
  // Tensors still alive must not call back into a dead interpreter; their
  // handles die with the session or stay until the session expires.
  globals_.clear();
}

absl::Status Interpreter::Init() {
  auto ops = session_->client()->ListOps();
  if (!ops.ok()) return ops.status();
  for (const v1::OpSchema& s : ops->ops()) ops_[s.name()] = s;
  if (options_.session_names) return LoadPythonValues();
  return absl::OkStatus();
}

absl::Status Interpreter::LoadPythonValues() {
  v1::FetchTensorRequest req;
  req.set_session_id(session_->id());
  req.mutable_tensor()->set_name(kPythonValuesName);
  v1::FetchTensorResponse resp;
  absl::Status st = client::FromGrpc(session_->client()->stub()->FetchTensor(
      session_->client()->Context(session_->id()).get(), req, &resp));
  if (st.code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  if (!st.ok()) return st;
  const v1::TensorData& d = resp.data();
  if (d.dtype() != v1::DTYPE_INT32 || d.shape_size() != 1) {
    return absl::OkStatus();  // not ours: leave it alone
  }
  std::string source;
  for (int64_t k = 0; k < d.shape(0); ++k) {
    source.push_back(static_cast<char>(Load<int32_t>(d.data(), k)));
  }
  // Only literals and imports, written by SavePythonValues: no round trips.
  absl::Status run = Run(source);
  if (!run.ok()) {
    return absl::DataLossError(absl::StrCat(
        "the session's saved Python values do not load: ", run.message()));
  }
  loaded_values_ = source;
  return absl::OkStatus();
}

namespace {
// Whether v can be written back as a literal (no tensors, no functions).
bool IsLiteral(const Value& v) {
  switch (v.kind) {
    case Kind::kNone:
    case Kind::kBool:
    case Kind::kInt:
    case Kind::kFloat:
    case Kind::kComplex:
    case Kind::kStr:
    case Kind::kDType:
    case Kind::kRange:
    case Kind::kEllipsis:
      return true;
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSize:
    case Kind::kSlice:
      for (const Value& x : *v.items) {
        if (!IsLiteral(x)) return false;
      }
      return true;
    default:
      return false;
  }
}
}  // namespace

std::string Interpreter::PythonValuesSource() {
  std::string source;
  for (const auto& [name, v] : globals_) {
    if (v.kind == Kind::kModule) {
      if (name == "torch" && v.s == "torch") continue;
      absl::StrAppend(&source, "import ", v.s, " as ", name, "\n");
    } else if (IsLiteral(v)) {
      std::string repr = Repr(v);
      // inf and nan have no literal; float() reads them back.
      if (v.kind == Kind::kFloat && !std::isfinite(v.f)) {
        repr = "float('" + repr + "')";
      }
      if (v.kind == Kind::kFloat || v.kind == Kind::kList ||
          v.kind == Kind::kTuple) {
        if (absl::StrContains(repr, "inf") || absl::StrContains(repr, "nan")) {
          if (v.kind != Kind::kFloat) continue;  // rare: not kept
        }
      }
      absl::StrAppend(&source, name, " = ", repr, "\n");
    }
  }
  return source;
}

absl::Status Interpreter::SavePythonValues() {
  const std::string source = PythonValuesSource();
  if (source == loaded_values_) return absl::OkStatus();
  ++round_trips_;
  if (source.empty()) {
    v1::ReleaseTensorRequest req;
    req.set_session_id(session_->id());
    req.add_tensors()->set_name(kPythonValuesName);
    v1::ReleaseTensorResponse resp;
    return client::FromGrpc(session_->client()->stub()->ReleaseTensor(
        session_->client()->Context(session_->id()).get(), req, &resp));
  }
  v1::TensorData d;
  d.set_dtype(v1::DTYPE_INT32);
  d.add_shape(static_cast<int64_t>(source.size()));
  std::string bytes;
  for (unsigned char c : source) {
    const int32_t x = c;
    bytes.append(reinterpret_cast<const char*>(&x), sizeof(x));
  }
  d.set_data(std::move(bytes));
  absl::Status st = session_->FromData(d, false, kPythonValuesName).status();
  if (st.ok()) loaded_values_ = source;
  return st;
}

absl::Status Interpreter::Finish() {
  absl::Status saved = absl::OkStatus();
  if (options_.session_names) saved = SavePythonValues();
  globals_.clear();
  request_.Clear();
  pending_.clear();
  probes_.clear();
  if (released_handles_->empty() && released_names_.empty()) return saved;
  v1::ReleaseTensorRequest req;
  req.set_session_id(session_->id());
  for (const std::string& h : *released_handles_) {
    req.add_tensors()->set_handle(h);
  }
  released_handles_->clear();
  v1::ReleaseTensorResponse resp;
  absl::Status released =
      client::FromGrpc(session_->client()->stub()->ReleaseTensor(
          session_->client()->Context(session_->id()).get(), req, &resp));
  return saved.ok() ? released : saved;
}

absl::Status Interpreter::Run(absl::string_view source, int first_line) {
  first_line_ = first_line;
  absl::StatusOr<Program> program = Parse(source);
  if (!program.ok()) {
    if (first_line == 1) return program.status();
    // Re-number "line N: ..." for a chunk of a longer input (the REPL).
    absl::string_view msg = program.status().message();
    int n = 0;
    if (absl::ConsumePrefix(&msg, "line ")) {
      size_t colon = msg.find(':');
      if (colon != absl::string_view::npos &&
          absl::SimpleAtoi(msg.substr(0, colon), &n)) {
        return absl::Status(
            program.status().code(),
            absl::StrCat("line ", n + first_line - 1, msg.substr(colon)));
      }
    }
    return program.status();
  }
  program_ = &*program;
  for (const Stmt& stmt : program->statements) {
    absl::Status s = Exec(stmt);
    if (!s.ok()) {
      program_ = nullptr;
      return absl::Status(
          s.code(),
          absl::StrCat("line ", line_ + first_line_ - 1, ": ", s.message()));
    }
    if (flow_ != Flow::kNormal) {
      flow_ = Flow::kNormal;
      program_ = nullptr;
      return absl::Status(absl::StatusCode::kInvalidArgument,
                          absl::StrCat("line ", line_ + first_line_ - 1,
                                       ": SyntaxError: 'break' outside loop"));
    }
  }
  program_ = nullptr;
  return absl::OkStatus();
}

// ================================================================ statements

absl::Status Interpreter::ExecBlock(const std::vector<Stmt>& body) {
  for (const Stmt& s : body) {
    TRY(Exec(s));
    if (flow_ != Flow::kNormal) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status Interpreter::Exec(const Stmt& stmt) {
  line_ = stmt.location.line;
  // A failed statement leaves the variables as they were (the server side is
  // all-or-nothing too).
  std::map<std::string, Value> saved = globals_;
  auto run = [&]() -> absl::Status {
    if (const auto* e = stmt.As<ExprStmt>()) {
      TRY_ASSIGN(Value v, Eval(e->value));
      if (options_.echo && !v.is_none()) {
        TRY(PrepareForPrint(&v));
        TRY(Flush());
        TRY_ASSIGN(v, Force(std::move(v)));
        if (!v.is_none()) {
          options_.out((options_.json ? Json(v) : Repr(v)) + "\n");
        }
        return absl::OkStatus();
      }
      TRY(Flush());
      return Force(std::move(v)).status();
    }
    if (const auto* a = stmt.As<Assign>()) return ExecAssign(*a);
    if (const auto* a = stmt.As<AugAssign>()) return ExecAugAssign(*a);
    if (const auto* f = stmt.As<For>()) return ExecFor(*f);
    if (const auto* w = stmt.As<With>()) return ExecWith(*w);
    if (const auto* i = stmt.As<Import>()) {
      for (const ImportAlias& a : i->names) {
        if (a.name != "torch" && a.name != "torch.linalg") {
          return PyError(absl::StatusCode::kNotFound, "ModuleNotFoundError",
                         absl::StrCat("No module named '", a.name, "'"));
        }
        if (!a.asname.empty()) {
          globals_[a.asname] = Value::Module(a.name);
        } else {
          globals_["torch"] = Value::Module("torch");
        }
      }
      return absl::OkStatus();
    }
    if (const auto* i = stmt.As<ImportFrom>()) {
      if (i->module != "torch" && i->module != "torch.linalg") {
        return PyError(absl::StatusCode::kNotFound, "ModuleNotFoundError",
                       absl::StrCat("No module named '", i->module, "'"));
      }
      for (const ImportAlias& a : i->names) {
        if (a.name == "*") return Unsupported("'from torch import *'");
        TRY_ASSIGN(Value v, GetAttr(Value::Module(i->module), a.name));
        globals_[a.asname.empty() ? a.name : a.asname] = v;
      }
      return absl::OkStatus();
    }
    if (const auto* i = stmt.As<If>()) {
      TRY_ASSIGN(Value test, Eval(i->test));
      TRY_ASSIGN(bool t, Truth(test));
      return ExecBlock(t ? i->body : i->orelse);
    }
    if (const auto* w = stmt.As<While>()) {
      for (;;) {
        TRY_ASSIGN(Value test, Eval(w->test));
        TRY_ASSIGN(bool t, Truth(test));
        if (!t) return ExecBlock(w->orelse);
        TRY(ExecBlock(w->body));
        if (flow_ == Flow::kBreak) {
          flow_ = Flow::kNormal;
          return absl::OkStatus();
        }
        flow_ = Flow::kNormal;
      }
    }
    if (stmt.Is<Pass>()) return absl::OkStatus();
    if (stmt.Is<Break>()) {
      flow_ = Flow::kBreak;
      return absl::OkStatus();
    }
    if (stmt.Is<Continue>()) {
      flow_ = Flow::kContinue;
      return absl::OkStatus();
    }
    if (const auto* d = stmt.As<Delete>()) {
      for (const Expr& t : d->targets) {
        const Name* n = t.As<Name>();
        if (n == nullptr) return Unsupported("del of a non-name");
        if (!globals_.count(n->id)) return NameError(n->id);
        TRY(BindName(n->id, Value::None()));
        globals_.erase(n->id);
      }
      return absl::OkStatus();
    }
    if (const auto* a = stmt.As<Assert>()) {
      TRY_ASSIGN(Value test, Eval(a->test));
      TRY_ASSIGN(bool t, Truth(test));
      if (t) return absl::OkStatus();
      std::string msg;
      if (a->msg) {
        TRY_ASSIGN(Value m, Eval(*a->msg));
        msg = Str(m);
      }
      return PyError(absl::StatusCode::kFailedPrecondition, "AssertionError",
                     msg);
    }
    return Unsupported("this statement");
  };
  absl::Status s;
  try {
    s = run();
  } catch (const std::bad_alloc&) {
    // A script that asks for more memory than the client has fails like
    // Python's MemoryError; tensorctl goes on (the REPL) or exits 1.
    s = PyError(absl::StatusCode::kResourceExhausted, "MemoryError",
                "out of memory in tensorctl");
  } catch (const std::length_error&) {
    s = PyError(absl::StatusCode::kResourceExhausted, "MemoryError",
                "out of memory in tensorctl");
  }
  if (!s.ok()) {
    // Drop what the failed statement had queued.
    request_.clear_nodes();
    for (auto& w : pending_) {
      if (auto t = w.lock()) {
        t->node = -1;
        t->has_info = true;
        t->info.Clear();
      }
    }
    pending_.clear();
    info_updates_.clear();
    probes_.clear();
    factory_grad_nodes_.clear();
    globals_ = std::move(saved);
  }
  return s;
}

absl::Status Interpreter::ExecAssign(const Assign& a) {
  TRY_ASSIGN(Value v, Eval(a.value));
  // Bind names on the server before the round trip, so it is one.
  for (const Expr& target : a.targets) {
    if (const Name* n = target.As<Name>()) TRY(BindName(n->id, v));
  }
  TRY(Flush());
  TRY_ASSIGN(v, Force(std::move(v)));
  for (const Expr& target : a.targets) TRY(AssignTo(target, v));
  return Flush();
}

// Tells the server that variable `name` now holds v (a tensor: bind the
// session name; anything else: release the name if it held a tensor).
absl::Status Interpreter::BindName(const std::string& name, const Value& v) {
  if (v.kind == Kind::kTensor && v.tensor->defined()) {
    const TensorPtr& t = v.tensor;
    released_names_.erase(name);
    server_names_.insert(name);
    if (t->pending() && !t->probe) {
      v1::OpNode* node = request_.mutable_nodes(t->node);
      while (node->bind_size() <= t->output) node->add_bind("");
      if (node->bind(t->output).empty()) {
        node->set_bind(t->output, name);
        return absl::OkStatus();
      }
    }
    TRY_ASSIGN(v1::ValueRef ref, Ref(v));
    v1::OpNode* node = request_.add_nodes();
    node->set_op("alias");
    *node->add_inputs() = ref;
    node->add_bind(name);
    return absl::OkStatus();
  }
  if (server_names_.count(name)) {
    server_names_.erase(name);
    released_names_.insert(name);
  }
  return absl::OkStatus();
}

absl::Status Interpreter::AssignTo(const Expr& target, const Value& v) {
  if (const Name* n = target.As<Name>()) {
    globals_[n->id] = v;
    return absl::OkStatus();
  }
  if (const Tuple* t = target.As<Tuple>()) {
    TRY_ASSIGN(ValueList items, Iterate(v));
    if (items.size() != t->elts.size()) {
      if (items.size() < t->elts.size()) {
        return ValueError(absl::StrCat("not enough values to unpack (expected ",
                                       t->elts.size(), ", got ", items.size(),
                                       ")"));
      }
      return ValueError(absl::StrCat("too many values to unpack (expected ",
                                     t->elts.size(), ")"));
    }
    for (size_t k = 0; k < items.size(); ++k) {
      if (const Name* n = t->elts[k].As<Name>()) {
        TRY(BindName(n->id, items[k]));
      }
    }
    for (size_t k = 0; k < items.size(); ++k) {
      TRY(AssignTo(t->elts[k], items[k]));
    }
    return absl::OkStatus();
  }
  if (const List* l = target.As<List>()) {
    Tuple as_tuple;
    (void)as_tuple;
    TRY_ASSIGN(ValueList items, Iterate(v));
    if (items.size() != l->elts.size()) {
      return ValueError(absl::StrCat("cannot unpack ", items.size(),
                                     " values into ", l->elts.size()));
    }
    for (size_t k = 0; k < items.size(); ++k) {
      if (const Name* n = l->elts[k].As<Name>()) TRY(BindName(n->id, items[k]));
      TRY(AssignTo(l->elts[k], items[k]));
    }
    return absl::OkStatus();
  }
  if (const Subscript* s = target.As<Subscript>()) {
    TRY_ASSIGN(Value obj, Eval(*s->value));
    TRY_ASSIGN(Value index, Eval(*s->index));
    if (obj.kind == Kind::kList) {
      if (!IsIntLike(index)) {
        return TypeError("list indices must be integers or slices, not " +
                         TypeName(index));
      }
      int64_t k = AsInt(index);
      const int64_t n = obj.items->size();
      if (k < 0) k += n;
      if (k < 0 || k >= n) {
        return IndexError("list assignment index out of range");
      }
      (*obj.items)[k] = v;
      return absl::OkStatus();
    }
    if (obj.kind != Kind::kTensor) {
      return TypeError(absl::StrCat("'", TypeName(obj),
                                    "' object does not support item "
                                    "assignment"));
    }
    TRY_ASSIGN(std::string spec, IndexSpec(index));
    v1::AttrValue a;
    a.set_s(spec);
    TRY_ASSIGN(v1::ValueRef self, Ref(obj));
    v1::ValueRef value;
    if (v.kind == Kind::kTensor) {
      TRY_ASSIGN(value, Ref(v));
    } else if (v.kind == Kind::kBool || v.kind == Kind::kInt ||
               v.kind == Kind::kFloat) {
      value = ScalarRef(v);
    } else {
      TRY_ASSIGN(Value t, MakeTensor(v, {}));
      TRY_ASSIGN(value, Ref(t));
    }
    TRY_ASSIGN(std::vector<Value> outs,
               AddNode("index_put_", {self, value}, {{"index", a}}, 1));
    info_updates_.emplace_back(outs[0].tensor->node, obj.tensor);
    return absl::OkStatus();
  }
  if (const Attribute* at = target.As<Attribute>()) {
    TRY_ASSIGN(Value obj, Eval(*at->value));
    if (obj.kind == Kind::kTensor && at->attr == "requires_grad") {
      if (v.kind != Kind::kBool) {
        return TypeError("requires_grad must be a bool");
      }
      return CallOp("requires_grad_", {obj, v}, {}).status();
    }
    if (obj.kind == Kind::kTensor && at->attr == "grad" && v.is_none()) {
      TRY(Flush());
      TRY_ASSIGN(TensorPtr t, Known(obj.tensor));
      v1::ZeroGradRequest req;
      req.set_session_id(session_->id());
      if (!t->handle.empty()) {
        req.add_tensors()->set_handle(t->handle);
      } else {
        req.add_tensors()->set_name(t->name);
      }
      req.set_set_to_none(true);
      v1::ZeroGradResponse resp;
      ++round_trips_;
      return ServerError(client::FromGrpc(session_->client()->stub()->ZeroGrad(
          session_->client()->Context(session_->id()).get(), req, &resp)));
    }
    return Unsupported(absl::StrCat("assigning to attribute '", at->attr, "'"));
  }
  return PyError(absl::StatusCode::kInvalidArgument, "SyntaxError",
                 absl::StrCat("cannot assign to ", DescribeKind(target)));
}

absl::Status Interpreter::ExecAugAssign(const AugAssign& a) {
  TRY_ASSIGN(Value current, Eval(a.target));
  TRY_ASSIGN(Value rhs, Eval(a.value));
  TRY_ASSIGN(current, Force(std::move(current)));
  TRY_ASSIGN(rhs, Force(std::move(rhs)));
  static const std::map<BinaryOperator, std::string> kInplace = {
      {BinaryOperator::kAdd, "add_"},
      {BinaryOperator::kSub, "sub_"},
      {BinaryOperator::kMul, "mul_"},
      {BinaryOperator::kDiv, "div_"}};
  auto it = kInplace.find(a.op);
  if (current.kind == Kind::kTensor && it != kInplace.end()) {
    // Tensors change in place (Python's __iadd__); a subscript target is
    // then written back as Python does (tmp = A[i]; tmp += v; A[i] = tmp).
    TRY(CallOp(it->second, {current, rhs}, {}).status());
    if (a.target.Is<Subscript>()) TRY(AssignTo(a.target, current));
    return Flush();
  }
  TRY_ASSIGN(Value result, EvalBinOp(a.op, current, rhs));
  if (const Name* n = a.target.As<Name>()) TRY(BindName(n->id, result));
  TRY(Flush());
  TRY_ASSIGN(result, Force(std::move(result)));
  TRY(AssignTo(a.target, result));
  return Flush();
}

absl::Status Interpreter::ExecFor(const For& f) {
  TRY_ASSIGN(Value iter, Eval(f.iter));
  TRY(Flush());
  TRY_ASSIGN(iter, Force(std::move(iter)));
  ValueList items;
  if (iter.kind == Kind::kRange) {
    const int64_t start = (*iter.items)[0].i, stop = (*iter.items)[1].i,
                  step = (*iter.items)[2].i;
    const uint64_t count = StepCount(start, stop, step);
    for (uint64_t i = 0; i < count; ++i) {
      const int64_t k = StepAt(start, step, i);
      if (const Name* n = f.target.As<Name>()) {
        TRY(BindName(n->id, Value::Int(k)));
        TRY(AssignTo(f.target, Value::Int(k)));
      } else {
        TRY(AssignTo(f.target, Value::Int(k)));
      }
      TRY(ExecBlock(f.body));
      if (flow_ == Flow::kBreak) {
        flow_ = Flow::kNormal;
        return absl::OkStatus();
      }
      flow_ = Flow::kNormal;
    }
    return ExecBlock(f.orelse);
  }
  TRY_ASSIGN(items, Iterate(iter));
  for (const Value& item : items) {
    if (const Name* n = f.target.As<Name>()) TRY(BindName(n->id, item));
    TRY(Flush());
    TRY(AssignTo(f.target, item));
    TRY(ExecBlock(f.body));
    if (flow_ == Flow::kBreak) {
      flow_ = Flow::kNormal;
      return absl::OkStatus();
    }
    flow_ = Flow::kNormal;
  }
  return ExecBlock(f.orelse);
}

absl::Status Interpreter::ExecWith(const With& w) {
  int entered = 0;
  for (const WithItem& item : w.items) {
    TRY_ASSIGN(Value ctx, Eval(item.context_expr));
    if (ctx.kind != Kind::kNoGrad) {
      return TypeError(absl::StrCat("'", TypeName(ctx),
                                    "' object does not support the context "
                                    "manager protocol"));
    }
    if (item.optional_vars) TRY(AssignTo(*item.optional_vars, ctx));
    ++entered;
  }
  TRY(Flush());
  no_grad_depth_ += entered;
  absl::Status s = ExecBlock(w.body);
  absl::Status f = s.ok() ? Flush() : absl::OkStatus();
  no_grad_depth_ -= entered;
  return s.ok() ? f : s;
}

// ================================================================ requests

absl::StatusOr<v1::ValueRef> Interpreter::Ref(const Value& v) {
  v1::ValueRef r;
  if (v.kind == Kind::kTensor) {
    const TensorPtr& t = v.tensor;
    if (t->pending()) {
      r.mutable_node()->set_node(t->node);
      r.mutable_node()->set_output(t->output);
    } else if (!t->handle.empty()) {
      r.set_handle(t->handle);
    } else if (!t->name.empty()) {
      r.set_name(t->name);
    } else if (!t->defined()) {
      return TypeError("expected a Tensor, got None");
    } else {
      return RuntimeError("this tensor is no longer held by the session");
    }
    return r;
  }
  if (v.kind == Kind::kBool || v.kind == Kind::kInt || v.kind == Kind::kFloat) {
    return ScalarRef(v);
  }
  if (v.kind == Kind::kNone) return TypeError("expected a Tensor, got None");
  return TypeError(
      absl::StrCat("expected a Tensor or a number, got ", TypeName(v)));
}

absl::StatusOr<std::vector<Value>> Interpreter::AddNode(
    const std::string& op, const std::vector<v1::ValueRef>& inputs,
    const std::map<std::string, v1::AttrValue>& attrs, int outputs) {
  const int index = request_.nodes_size();
  v1::OpNode* node = request_.add_nodes();
  node->set_op(op);
  for (const auto& in : inputs) *node->add_inputs() = in;
  for (const auto& [k, a] : attrs) (*node->mutable_attrs())[k] = a;
  std::vector<Value> outs;
  for (int k = 0; k < outputs; ++k) {
    auto t = std::make_shared<RemoteTensor>();
    t->node = index;
    t->output = k;
    pending_.push_back(t);
    outs.push_back(Value::Tensor(std::move(t)));
  }
  return outs;
}

absl::StatusOr<TensorPtr> Interpreter::Probe(const TensorPtr& t, bool value) {
  // A pending tensor made by the last node can return its value itself;
  // after later nodes (in place ops, requires_grad_) an alias node reads it
  // as it is now.
  if (t->pending() && (!value || t->node == request_.nodes_size() - 1)) {
    if (value) request_.mutable_nodes(t->node)->set_return_value(true);
    return t;
  }
  if (!t->pending() && t->has_info && !t->info.defined()) {
    return t;  // None: nothing to read
  }
  if (value && t->value && t->value_epoch == epoch_) return t;
  TRY_ASSIGN(v1::ValueRef ref, Ref(Value::Tensor(t)));
  TRY_ASSIGN(std::vector<Value> outs, AddNode("alias", {ref}, {}, 1));
  TensorPtr p = outs[0].tensor;
  p->probe = true;
  if (value) request_.mutable_nodes(p->node)->set_return_value(true);
  // What the probe learns is also true of t.
  info_updates_.emplace_back(p->node, t);
  probes_.push_back(p);
  return p;
}

absl::Status Interpreter::PrepareForPrint(Value* v) {
  switch (v->kind) {
    case Kind::kTensor: {
      TRY_ASSIGN(v->tensor, Probe(v->tensor, /*value=*/true));
      return absl::OkStatus();
    }
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kNamedTuple: {
      // Probing replaces tensors in a copy: the script's list is unchanged.
      auto copy = std::make_shared<ValueList>(*v->items);
      for (Value& item : *copy) TRY(PrepareForPrint(&item));
      v->items = std::move(copy);
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status Interpreter::Flush() {
  if (request_.nodes_size() == 0) return absl::OkStatus();
  // Results the script still holds are kept; the rest die with the request.
  for (auto& w : pending_) {
    if (auto t = w.lock(); t && !t->probe && t->pending()) {
      request_.mutable_nodes(t->node)->set_keep(true);
    }
  }
  request_.set_no_grad(no_grad_depth_ > 0);
  request_.clear_release();
  for (const std::string& h : *released_handles_) {
    request_.add_release()->set_handle(h);
  }
  for (const std::string& n : released_names_) {
    request_.add_release()->set_name(n);
  }
  const size_t sent_handles = released_handles_->size();
  ++round_trips_;
  ++epoch_;
  absl::StatusOr<v1::ExecuteResponse> resp = session_->Execute(request_);
  request_.Clear();
  std::vector<std::weak_ptr<RemoteTensor>> pending = std::move(pending_);
  auto updates = std::move(info_updates_);
  pending_.clear();
  info_updates_.clear();
  std::vector<TensorPtr> probes = std::move(probes_);
  probes_.clear();
  if (!resp.ok()) {
    for (auto& w : pending) {
      if (auto t = w.lock()) {
        t->node = -1;
        t->has_info = true;
        t->info.Clear();
      }
    }
    if (absl::StrContains(resp.status().message(), "release: ")) {
      // The client's own bookkeeping was wrong: do not fail forever.
      released_handles_->clear();
      released_names_.clear();
    }
    absl::Status error = ServerError(resp.status());
    int node = -1;
    absl::string_view msg = resp.status().message();
    if (absl::ConsumePrefix(&msg, "node ")) {
      absl::SimpleAtoi(msg.substr(0, msg.find(' ')), &node);
    }
    if (factory_grad_nodes_.count(node) &&
        absl::StrContains(error.message(), "only Tensors of floating point")) {
      error = RuntimeError(
          "Only Tensors of floating point and complex dtype can require "
          "gradients");
    }
    factory_grad_nodes_.clear();
    return error;
  }
  factory_grad_nodes_.clear();
  released_handles_->erase(released_handles_->begin(),
                           released_handles_->begin() + sent_handles);
  released_names_.clear();
  std::weak_ptr<std::vector<std::string>> releases = released_handles_;
  for (auto& w : pending) {
    TensorPtr t = w.lock();
    if (!t || !t->pending()) continue;
    const v1::NodeResult& r = resp->results(t->node);
    if (t->output < r.outputs_size()) {
      t->info = r.outputs(t->output);
      t->has_info = true;
      t->handle = t->info.handle();
    }
    if (t->output < r.values_size()) {
      t->value = r.values(t->output);
      t->value_epoch = epoch_;
    }
    if (!t->handle.empty()) {
      t->on_release = [releases](const std::string& h) {
        if (auto list = releases.lock()) list->push_back(h);
      };
    }
    t->node = -1;
  }
  for (auto& [node, w] : updates) {
    TensorPtr t = w.lock();
    if (!t || node >= resp->results_size()) continue;
    const v1::NodeResult& r = resp->results(node);
    if (r.outputs_size() == 0) continue;
    const std::string handle = t->handle;
    t->info = r.outputs(0);
    t->info.set_handle(handle);
    t->has_info = true;
    if (r.values_size() > 0) {
      t->value = r.values(0);
      t->value_epoch = epoch_;
    } else {
      t->value.reset();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TensorPtr> Interpreter::Known(const TensorPtr& t) {
  if (t->pending()) TRY(Flush());
  if (t->has_info) return t;
  TRY_ASSIGN(TensorPtr p, Probe(t, false));
  TRY(Flush());
  return t->has_info ? t : p;
}

absl::Status Interpreter::ServerError(const absl::Status& s) const {
  if (s.ok()) return s;
  absl::string_view msg = s.message();
  // "node 3 (mul): The size of ..." -> the op's own (PyTorch's) message.
  if (absl::ConsumePrefix(&msg, "node ")) {
    size_t p = msg.find("): ");
    if (p != absl::string_view::npos) msg.remove_prefix(p + 3);
  }
  std::string type = "RuntimeError";
  // "zero_(): input 0 is None": a method called on None (x.grad.zero_()
  // before any backward) -- Python's AttributeError.
  if (size_t p = msg.find("(): input 0 is None");
      p != absl::string_view::npos && p + 19 == msg.size()) {
    return PyError(s.code(), "AttributeError",
                   absl::StrCat("'NoneType' object has no attribute '",
                                msg.substr(0, p), "'"));
  }
  if (absl::StartsWith(msg, "Dimension out of range") ||
      absl::StrContains(msg, "out of bounds") ||
      absl::StartsWith(msg, "index ")) {
    type = "IndexError";
  } else if (absl::StartsWith(msg, "name '") &&
             absl::EndsWith(msg, "is not defined")) {
    type = "NameError";
  } else if (s.code() == absl::StatusCode::kUnavailable ||
             s.code() == absl::StatusCode::kDeadlineExceeded ||
             s.code() == absl::StatusCode::kUnauthenticated ||
             s.code() == absl::StatusCode::kPermissionDenied) {
    type = "ConnectionError";
  }
  return PyError(s.code(), type, msg);
}

absl::StatusOr<Value> Interpreter::Force(Value v) {
  if (v.kind == Kind::kList || v.kind == Kind::kTuple ||
      v.kind == Kind::kNamedTuple) {
    bool lazy = false;
    for (const Value& item : *v.items) lazy |= item.kind == Kind::kLazy;
    if (!lazy) return v;
    auto copy = std::make_shared<ValueList>();
    for (const Value& item : *v.items) {
      TRY_ASSIGN(Value f, Force(item));
      copy->push_back(std::move(f));
    }
    v.items = std::move(copy);
    return v;
  }
  if (v.kind != Kind::kLazy) return v;
  if (v.tensor->pending()) TRY(Flush());
  const TensorPtr& t = v.tensor;
  const v1::TensorInfo& info = t->info;
  const std::string& what = v.s;
  if (!t->defined()) {
    return AttributeError(
        absl::StrCat("'NoneType' object has no attribute '", what, "'"));
  }
  std::vector<int64_t> shape(info.shape().begin(), info.shape().end());
  if (what == "shape") return Value::Size(shape);
  if (what == "size") {
    if (v.i == std::numeric_limits<int64_t>::min()) return Value::Size(shape);
    int64_t d = v.i;
    const int64_t n = shape.size();
    if (d < -std::max<int64_t>(n, 1) || d >= std::max<int64_t>(n, 1)) {
      return IndexError(
          absl::StrCat("Dimension out of range (expected to be in range of [",
                       -std::max<int64_t>(n, 1), ", ",
                       std::max<int64_t>(n, 1) - 1, "], but got ", d, ")"));
    }
    if (n == 0) return Value::Int(1);
    return Value::Int(shape[d < 0 ? d + n : d]);
  }
  if (what == "dtype") return Value::DType(info.dtype());
  if (what == "ndim") return Value::Int(static_cast<int64_t>(shape.size()));
  if (what == "numel") {
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    return Value::Int(n);
  }
  if (what == "len") {
    if (shape.empty()) return TypeError("len() of a 0-d tensor");
    return Value::Int(shape[0]);
  }
  if (what == "requires_grad") return Value::Bool(info.requires_grad());
  if (what == "is_leaf") return Value::Bool(info.is_leaf());
  if (what == "grad_fn") {
    if (info.grad_fn().empty()) return Value::None();
    Value g;
    g.kind = Kind::kGradFn;
    g.s = info.grad_fn();
    return g;
  }
  if (what == "item" || what == "tolist" || what == "bool" || what == "int" ||
      what == "float") {
    if (!t->value) return RuntimeError("the value was not fetched");
    const v1::TensorData& d = *t->value;
    const int64_t n = NumElements(d);
    if (what == "tolist") {
      int64_t k = 0;
      return ToList(d, 0, &k);
    }
    if (n != 1) {
      if (what == "bool") {
        return RuntimeError(
            "Boolean value of Tensor with more than one value is ambiguous");
      }
      return ValueError(
          "only one element tensors can be converted to Python scalars");
    }
    Value e = Element(d, 0);
    if (what == "bool") {
      return Value::Bool(e.kind == Kind::kComplex ? e.c != 0.0
                                                  : AsDouble(e) != 0);
    }
    if (what == "int") {
      if (e.kind == Kind::kFloat) return FloatToInt(e.f);
      return Value::Int(AsInt(e));
    }
    if (what == "float") return Value::Float(AsDouble(e));
    return e;
  }
  return AttributeError(
      absl::StrCat("'Tensor' object has no attribute '", what, "'"));
}

// ================================================================ expressions

absl::StatusOr<Value> Interpreter::Eval(const Expr& e) {
  if (const auto* v = e.As<IntLiteral>()) return Value::Int(v->value);
  if (const auto* v = e.As<FloatLiteral>()) return Value::Float(v->value);
  if (const auto* v = e.As<ImaginaryLiteral>()) {
    return Value::Complex({0, v->imag});
  }
  if (const auto* v = e.As<StringLiteral>()) return Value::Str(v->value);
  if (const auto* v = e.As<BoolLiteral>()) return Value::Bool(v->value);
  if (e.Is<NoneLiteral>()) return Value::None();
  if (e.Is<EllipsisLiteral>()) {
    Value r;
    r.kind = Kind::kEllipsis;
    return r;
  }
  if (const auto* n = e.As<Name>()) return EvalName(*n);
  if (const auto* a = e.As<Attribute>()) return EvalAttribute(*a);
  if (const auto* c = e.As<Call>()) return EvalCall(*c);
  if (const auto* s = e.As<Subscript>()) return EvalSubscript(*s);
  if (const auto* s = e.As<Slice>()) {
    ValueList parts;
    for (const ExprPtr* p : {&s->lower, &s->upper, &s->step}) {
      if (*p) {
        TRY_ASSIGN(Value v, Eval(**p));
        TRY_ASSIGN(v, Force(std::move(v)));
        parts.push_back(std::move(v));
      } else {
        parts.push_back(Value::None());
      }
    }
    Value r;
    r.kind = Kind::kSlice;
    r.items = std::make_shared<ValueList>(std::move(parts));
    return r;
  }
  if (const auto* l = e.As<List>()) {
    ValueList items;
    for (const Expr& x : l->elts) {
      TRY_ASSIGN(Value v, Eval(x));
      items.push_back(std::move(v));
    }
    return Value::List(std::move(items));
  }
  if (const auto* t = e.As<Tuple>()) {
    ValueList items;
    for (const Expr& x : t->elts) {
      TRY_ASSIGN(Value v, Eval(x));
      items.push_back(std::move(v));
    }
    return Value::Tuple(std::move(items));
  }
  if (const auto* u = e.As<UnaryOp>()) {
    TRY_ASSIGN(Value v, Eval(*u->operand));
    return EvalUnary(u->op, v);
  }
  if (const auto* b = e.As<BinOp>()) {
    TRY_ASSIGN(Value l, Eval(*b->left));
    TRY_ASSIGN(Value r, Eval(*b->right));
    return EvalBinOp(b->op, l, r);
  }
  if (const auto* c = e.As<Compare>()) {
    TRY_ASSIGN(Value left, Eval(*c->left));
    Value result;
    for (size_t k = 0; k < c->ops.size(); ++k) {
      TRY_ASSIGN(Value right, Eval(c->comparators[k]));
      TRY_ASSIGN(result, EvalCompare(c->ops[k], left, right));
      if (k + 1 < c->ops.size()) {
        TRY_ASSIGN(bool t, Truth(result));
        if (!t) return result;
      }
      left = std::move(right);
    }
    return result;
  }
  if (const auto* b = e.As<BoolOp>()) {
    Value v;
    for (const Expr& x : b->values) {
      TRY_ASSIGN(v, Eval(x));
      TRY_ASSIGN(bool t, Truth(v));
      if (b->op == BoolOperator::kAnd ? !t : t) return Force(std::move(v));
    }
    return Force(std::move(v));
  }
  if (const auto* i = e.As<IfExp>()) {
    TRY_ASSIGN(Value test, Eval(*i->test));
    TRY_ASSIGN(bool t, Truth(test));
    return Eval(t ? *i->body : *i->orelse);
  }
  return Unsupported("this expression");
}

absl::StatusOr<Value> Interpreter::EvalName(const Name& n) {
  auto it = globals_.find(n.id);
  if (it != globals_.end()) return it->second;
  static const std::set<std::string> kBuiltins = {
      "print",      "len",  "range", "abs",       "min",   "max", "int",
      "float",      "bool", "str",   "list",      "tuple", "sum", "round",
      "isinstance", "type", "repr",  "enumerate", "zip",   "any", "all"};
  if (kBuiltins.count(n.id)) return Value::Function(n.id);
  if (n.id == "True") return Value::Bool(true);
  if (options_.session_names) {
    // A tensor the session holds under this name (an earlier eval): read it
    // through an alias node that keeps a handle, so later rebinding of the
    // name does not change what this variable refers to.
    v1::ValueRef ref;
    ref.set_name(n.id);
    TRY_ASSIGN(std::vector<Value> outs, AddNode("alias", {ref}, {}, 1));
    server_names_.insert(n.id);
    globals_[n.id] = outs[0];
    return outs[0];
  }
  return NameError(n.id);
}

absl::StatusOr<Value> Interpreter::EvalAttribute(const Attribute& a) {
  TRY_ASSIGN(Value obj, Eval(*a.value));
  TRY_ASSIGN(obj, Force(std::move(obj)));
  return GetAttr(obj, a.attr);
}

absl::StatusOr<Value> Interpreter::GetAttr(const Value& obj,
                                           const std::string& attr) {
  if (obj.kind == Kind::kModule) {
    const std::string full = obj.s + "." + attr;
    if (obj.s == "torch") {
      if (attr == "linalg") return Value::Module("torch.linalg");
      bool ok = false;
      v1::DType dt = DTypeFromTorchName(attr, &ok);
      if (ok) return Value::DType(dt);
    }
    static const std::set<std::string> kTorchSpecial = {
        "tensor", "no_grad", "manual_seed", "is_grad_enabled",
        "numel",  "Size",    "is_tensor",   "as_tensor",
        "t",      "max",     "min"};
    std::string op = obj.s == "torch" ? attr : "linalg." + attr;
    if ((obj.s == "torch" && kTorchSpecial.count(attr)) || ops_.count(op)) {
      return Value::Function(full);
    }
    return AttributeError(
        absl::StrCat("module '", obj.s, "' has no attribute '", attr, "'"));
  }
  if (obj.kind == Kind::kNamedTuple) {
    for (size_t k = 0; k < obj.fields.size(); ++k) {
      if (obj.fields[k] == attr) return (*obj.items)[k];
    }
  }
  if (obj.kind == Kind::kList &&
      (attr == "append" || attr == "extend" || attr == "pop" ||
       attr == "index" || attr == "count")) {
    return Value::Method(obj, attr);
  }
  if (obj.kind == Kind::kComplex && (attr == "real" || attr == "imag")) {
    return Value::Float(attr == "real" ? obj.c.real() : obj.c.imag());
  }
  if (obj.kind == Kind::kDType && attr == "is_floating_point") {
    return Value::Bool(obj.dtype == v1::DTYPE_FLOAT32 ||
                       obj.dtype == v1::DTYPE_FLOAT64);
  }
  if (obj.kind == Kind::kTensor && obj.tensor->defined()) {
    const TensorPtr& t = obj.tensor;
    static const std::set<std::string> kInfo = {"shape", "dtype", "ndim"};
    static const std::set<std::string> kFresh = {"requires_grad", "is_leaf",
                                                 "grad_fn"};
    if (kInfo.count(attr) || kFresh.count(attr)) {
      Value lazy;
      lazy.kind = Kind::kLazy;
      lazy.s = attr;
      // Shape, dtype and rank never change; flags and grad_fn can (in place
      // ops, requires_grad_), so those are read afresh in the round trip.
      if (kInfo.count(attr) && t->has_info && !t->pending()) {
        lazy.tensor = t;
        return Force(std::move(lazy));
      }
      TRY_ASSIGN(lazy.tensor, Probe(t, false));
      return lazy;
    }
    if (attr == "grad") {
      TRY_ASSIGN(v1::ValueRef ref, Ref(obj));
      TRY_ASSIGN(std::vector<Value> outs, AddNode("grad", {ref}, {}, 1));
      return outs[0];
    }
    if (attr == "data") return CallOp("detach", {obj}, {});
    if (attr == "T" || attr == "mT") return CallOp("T", {obj}, {});
    if (attr == "device") return Value::Str("cpu");
    if (attr == "real" || attr == "imag") {
      return Unsupported(absl::StrCat("Tensor.", attr));
    }
    return Value::Method(obj, attr);
  }
  if (obj.kind == Kind::kGradFn && attr == "name") {
    return Value::Method(obj, attr);
  }
  std::string type = TypeName(obj);
  if (obj.kind == Kind::kNamedTuple) type = "torch.return_types." + obj.s;
  return AttributeError(
      absl::StrCat("'", type, "' object has no attribute '", attr, "'"));
}

absl::StatusOr<Value> Interpreter::EvalCall(const Call& c) {
  TRY_ASSIGN(Value f, Eval(*c.func));
  ValueList args;
  for (const Expr& a : c.args) {
    TRY_ASSIGN(Value v, Eval(a));
    args.push_back(std::move(v));
  }
  std::vector<Keyword> kwargs;
  for (const script::Keyword& k : c.keywords) {
    TRY_ASSIGN(Value v, Eval(*k.value));
    kwargs.push_back({k.arg, std::move(v)});
  }
  return CallValue(f, std::move(args), std::move(kwargs));
}

absl::StatusOr<Value> Interpreter::CallValue(const Value& f, ValueList args,
                                             std::vector<Keyword> kwargs) {
  if (f.kind == Kind::kFunction) {
    if (absl::StartsWith(f.s, "torch.")) {
      return CallTorch(f.s.substr(6), std::move(args), std::move(kwargs),
                       false);
    }
    return CallBuiltin(f.s, std::move(args), std::move(kwargs));
  }
  if (f.kind == Kind::kMethod) {
    const Value& self = (*f.items)[0];
    if (self.kind == Kind::kTensor) {
      return CallTensorMethod(self, f.s, std::move(args), std::move(kwargs));
    }
    if (self.kind == Kind::kGradFn && f.s == "name") return Value::Str(self.s);
    if (self.kind == Kind::kList) {
      ValueList& list = *self.items;
      if (f.s == "append" && args.size() == 1) {
        list.push_back(args[0]);
        return Value::None();
      }
      if (f.s == "extend" && args.size() == 1) {
        TRY_ASSIGN(ValueList more, Iterate(args[0]));
        list.insert(list.end(), more.begin(), more.end());
        return Value::None();
      }
      if (f.s == "pop" && args.size() <= 1) {
        if (list.empty()) return IndexError("pop from empty list");
        int64_t k = args.empty() ? -1 : AsInt(args[0]);
        if (k < 0) k += list.size();
        if (k < 0 || k >= static_cast<int64_t>(list.size())) {
          return IndexError("pop index out of range");
        }
        Value v = list[k];
        list.erase(list.begin() + k);
        return v;
      }
      return TypeError(
          absl::StrCat("list.", f.s, "() arguments not supported"));
    }
  }
  if (f.kind == Kind::kNoGrad) return f;
  std::string type = TypeName(f);
  if (f.kind == Kind::kLazy) {
    TRY_ASSIGN(Value forced, Force(f));
    type = TypeName(forced);
    if (forced.kind == Kind::kNone) type = "NoneType";
  }
  return TypeError(absl::StrCat("'", type, "' object is not callable"));
}

absl::StatusOr<Value> Interpreter::CallBuiltin(const std::string& name,
                                               ValueList args,
                                               std::vector<Keyword> kwargs) {
  if (name == "print") {
    std::string sep = " ", end = "\n";
    for (const Keyword& k : kwargs) {
      if ((k.name == "sep" || k.name == "end") && k.value.kind == Kind::kStr) {
        (k.name == "sep" ? sep : end) = k.value.s;
      } else if (k.name == "flush") {
      } else {
        return TypeError(absl::StrCat("'", k.name,
                                      "' is an invalid keyword argument for "
                                      "print()"));
      }
    }
    for (Value& a : args) TRY(PrepareForPrint(&a));
    TRY(Flush());
    std::vector<std::string> parts;
    for (Value& a : args) {
      TRY_ASSIGN(Value v, Force(std::move(a)));
      parts.push_back(Str(v));
    }
    options_.out(absl::StrCat(absl::StrJoin(parts, sep), end));
    return Value::None();
  }
  if (!kwargs.empty()) {
    return TypeError(absl::StrCat(name, "() takes no keyword arguments"));
  }
  for (Value& a : args) {
    TRY_ASSIGN(a, Force(std::move(a)));
  }
  auto want = [&](size_t lo, size_t hi) -> absl::Status {
    if (args.size() < lo || args.size() > hi) {
      return TypeError(absl::StrCat(name, "() takes ",
                                    lo == hi ? absl::StrCat("exactly ", lo)
                                             : absl::StrCat(lo, " to ", hi),
                                    " arguments (", args.size(), " given)"));
    }
    return absl::OkStatus();
  };
  if (name == "len") {
    TRY(want(1, 1));
    const Value& v = args[0];
    if (v.kind == Kind::kTensor) {
      TRY_ASSIGN(TensorPtr t, Known(v.tensor));
      Value lazy;
      lazy.kind = Kind::kLazy;
      lazy.s = "len";
      lazy.tensor = t;
      return Force(std::move(lazy));
    }
    if (v.is_sequence() || v.kind == Kind::kNamedTuple) {
      return Value::Int(static_cast<int64_t>(v.items->size()));
    }
    if (v.kind == Kind::kStr)
      return Value::Int(static_cast<int64_t>(v.s.size()));
    if (v.kind == Kind::kRange) {
      const uint64_t n =
          StepCount((*v.items)[0].i, (*v.items)[1].i, (*v.items)[2].i);
      if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return IntOverflow();
      }
      return Value::Int(static_cast<int64_t>(n));
    }
    return TypeError(
        absl::StrCat("object of type '", TypeName(v), "' has no len()"));
  }
  if (name == "range") {
    TRY(want(1, 3));
    for (const Value& a : args) {
      if (!IsIntLike(a)) {
        return TypeError(absl::StrCat("'", TypeName(a),
                                      "' object cannot be interpreted as an "
                                      "integer"));
      }
    }
    int64_t start = 0, stop, step = 1;
    if (args.size() == 1) {
      stop = AsInt(args[0]);
    } else {
      start = AsInt(args[0]);
      stop = AsInt(args[1]);
      if (args.size() == 3) step = AsInt(args[2]);
    }
    if (step == 0) return ValueError("range() arg 3 must not be zero");
    Value r;
    r.kind = Kind::kRange;
    r.items = std::make_shared<ValueList>(
        ValueList{Value::Int(start), Value::Int(stop), Value::Int(step)});
    return r;
  }
  if (name == "abs") {
    TRY(want(1, 1));
    const Value& v = args[0];
    if (v.kind == Kind::kTensor) return CallOp("abs", {v}, {});
    if (IsIntLike(v)) {
      const int64_t a = AsInt(v);
      return a < 0 ? NegInt(a) : Value::Int(a);
    }
    if (v.kind == Kind::kFloat) return Value::Float(std::fabs(v.f));
    if (v.kind == Kind::kComplex) return Value::Float(std::abs(v.c));
    return TypeError(
        absl::StrCat("bad operand type for abs(): '", TypeName(v), "'"));
  }
  if (name == "int" || name == "float" || name == "bool") {
    TRY(want(0, 1));
    if (args.empty()) {
      return name == "int"     ? Value::Int(0)
             : name == "float" ? Value::Float(0)
                               : Value::Bool(false);
    }
    const Value& v = args[0];
    if (v.kind == Kind::kTensor) {
      Value lazy;
      lazy.kind = Kind::kLazy;
      lazy.s = name;
      TRY_ASSIGN(lazy.tensor, Probe(v.tensor, true));
      return Force(std::move(lazy));
    }
    if (name == "bool") {
      TRY_ASSIGN(bool t, Truth(v));
      return Value::Bool(t);
    }
    if (name == "int") {
      if (IsIntLike(v)) return Value::Int(AsInt(v));
      if (v.kind == Kind::kFloat) return FloatToInt(v.f);
      if (v.kind == Kind::kStr) {
        int64_t x;
        if (absl::SimpleAtoi(v.s, &x)) return Value::Int(x);
        // Digits that only fail because they are too many for 64 bits.
        absl::string_view digits = absl::StripAsciiWhitespace(v.s);
        if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
          digits.remove_prefix(1);
        }
        if (!digits.empty() &&
            std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit)) {
          return IntOverflow();
        }
        return ValueError(absl::StrCat(
            "invalid literal for int() with base 10: ", QuoteString(v.s)));
      }
    } else {
      if (IsIntLike(v) || v.kind == Kind::kFloat) {
        return Value::Float(AsDouble(v));
      }
      if (v.kind == Kind::kStr) {
        double x;
        if (absl::SimpleAtod(v.s, &x)) return Value::Float(x);
        return ValueError(absl::StrCat("could not convert string to float: ",
                                       QuoteString(v.s)));
      }
    }
    return TypeError(absl::StrCat(name,
                                  "() argument must be a string or a "
                                  "number, not '",
                                  TypeName(v), "'"));
  }
  if (name == "str" || name == "repr") {
    TRY(want(1, 1));
    TRY(PrepareForPrint(&args[0]));
    TRY(Flush());
    TRY_ASSIGN(Value v, Force(std::move(args[0])));
    return Value::Str(name == "str" ? Str(v) : Repr(v));
  }
  if (name == "list" || name == "tuple") {
    TRY(want(0, 1));
    ValueList items;
    if (!args.empty()) {
      TRY_ASSIGN(items, Iterate(args[0]));
    }
    return name == "list" ? Value::List(std::move(items))
                          : Value::Tuple(std::move(items));
  }
  if (name == "min" || name == "max") {
    if (args.size() == 1 && args[0].kind == Kind::kTensor) {
      return CallTorch(name, std::move(args), {}, false);
    }
    ValueList items = args;
    if (args.size() == 1) {
      TRY_ASSIGN(items, Iterate(args[0]));
    }
    if (items.empty()) {
      return ValueError(absl::StrCat(name, "() arg is an empty sequence"));
    }
    Value best = items[0];
    for (size_t k = 1; k < items.size(); ++k) {
      TRY_ASSIGN(Value less, EvalCompare(name == "min" ? CompareOperator::kLt
                                                       : CompareOperator::kGt,
                                         items[k], best));
      TRY_ASSIGN(bool t, Truth(less));
      if (t) best = items[k];
    }
    return best;
  }
  if (name == "sum") {
    TRY(want(1, 2));
    TRY_ASSIGN(ValueList items, Iterate(args[0]));
    Value total = args.size() == 2 ? args[1] : Value::Int(0);
    for (const Value& v : items) {
      TRY_ASSIGN(total, EvalBinOp(BinaryOperator::kAdd, total, v));
    }
    return total;
  }
  if (name == "any" || name == "all") {
    TRY(want(1, 1));
    TRY_ASSIGN(ValueList items, Iterate(args[0]));
    for (const Value& v : items) {
      TRY_ASSIGN(bool t, Truth(v));
      if (name == "any" && t) return Value::Bool(true);
      if (name == "all" && !t) return Value::Bool(false);
    }
    return Value::Bool(name == "all");
  }
  if (name == "round") {
    TRY(want(1, 2));
    const Value& v = args[0];
    if (args.size() == 2 && !IsIntLike(args[1])) {
      return TypeError(absl::StrCat("'", TypeName(args[1]),
                                    "' object cannot be interpreted as an "
                                    "integer"));
    }
    if (IsIntLike(v)) {
      return args.size() == 1 ? Value::Int(AsInt(v))
                              : RoundInt(AsInt(v), AsInt(args[1]));
    }
    if (v.kind != Kind::kFloat) {
      return TypeError(absl::StrCat("type ", TypeName(v),
                                    " doesn't define __round__ method"));
    }
    if (args.size() == 1) return FloatToInt(std::nearbyint(v.f));
    return Value::Float(RoundFloat(v.f, AsInt(args[1])));
  }
  if (name == "enumerate" || name == "zip") {
    ValueList out;
    if (name == "enumerate") {
      TRY(want(1, 1));
      TRY_ASSIGN(ValueList items, Iterate(args[0]));
      for (size_t k = 0; k < items.size(); ++k) {
        out.push_back(Value::Tuple({Value::Int(k), items[k]}));
      }
    } else {
      std::vector<ValueList> lists;
      size_t n = std::numeric_limits<size_t>::max();
      for (const Value& a : args) {
        TRY_ASSIGN(ValueList items, Iterate(a));
        n = std::min(n, items.size());
        lists.push_back(std::move(items));
      }
      if (lists.empty()) n = 0;
      for (size_t k = 0; k < n; ++k) {
        ValueList row;
        for (const ValueList& l : lists) row.push_back(l[k]);
        out.push_back(Value::Tuple(std::move(row)));
      }
    }
    return Value::List(std::move(out));
  }
  if (name == "isinstance" || name == "type") {
    return Unsupported(absl::StrCat(name, "()"));
  }
  return NameError(name);
}

// ================================================================ torch calls

absl::StatusOr<Value> Interpreter::CallTorch(std::string name, ValueList args,
                                             std::vector<Keyword> kwargs,
                                             bool method) {
  if (name == "tensor" || name == "as_tensor") {
    if (args.size() != 1) {
      return TypeError(absl::StrCat(name, "() takes 1 positional argument but ",
                                    args.size(), " were given"));
    }
    TRY_ASSIGN(Value data, Force(args[0]));
    return MakeTensor(data, std::move(kwargs));
  }
  if (name == "no_grad") {
    Value v;
    v.kind = Kind::kNoGrad;
    return v;
  }
  if (name == "is_grad_enabled") return Value::Bool(no_grad_depth_ == 0);
  if (name == "manual_seed") {
    if (args.size() != 1 || !IsIntLike(args[0])) {
      return TypeError("manual_seed expected a long as the seed");
    }
    v1::AttrValue seed;
    seed.set_i(AsInt(args[0]));
    TRY(AddNode("manual_seed", {}, {{"seed", seed}}, 0).status());
    return Value::None();
  }
  if (name == "is_tensor") {
    return Value::Bool(args.size() == 1 && args[0].kind == Kind::kTensor &&
                       args[0].tensor->defined());
  }
  if (name == "numel") {
    if (args.size() != 1 || args[0].kind != Kind::kTensor) {
      return TypeError("numel(): argument 'input' must be Tensor");
    }
    return CallTensorMethod(args[0], "numel", {}, {});
  }
  if (name == "Size") {
    ValueList items;
    if (!args.empty()) {
      TRY_ASSIGN(items, Iterate(args[0]));
    }
    std::vector<int64_t> dims;
    for (Value& v : items) {
      TRY_ASSIGN(v, Force(std::move(v)));
      if (!IsIntLike(v)) {
        return TypeError(
            absl::StrCat("torch.Size() takes an iterable of 'int' (item 0 is '",
                         TypeName(v), "')"));
      }
      dims.push_back(AsInt(v));
    }
    return Value::Size(std::move(dims));
  }
  if (name == "t") name = "T";
  if (name == "max" || name == "min") {
    bool binary = args.size() >= 2 && args[1].kind == Kind::kTensor;
    bool by_dim = args.size() >= 2 && !binary;
    for (const Keyword& k : kwargs) {
      if (k.name == "other") binary = true;
      if (k.name == "dim" || k.name == "axis") by_dim = true;
    }
    if (binary) {
      for (Keyword& k : kwargs) {
        if (k.name == "input") k.name = "self";
      }
      name = name == "max" ? "maximum" : "minimum";
    } else if (by_dim) {
      name += ".dim";
    }
  }
  (void)method;
  return CallOp(name, args, std::move(kwargs));
}

absl::StatusOr<Value> Interpreter::CallTensorMethod(
    const Value& self, const std::string& name, ValueList args,
    std::vector<Keyword> kwargs) {
  auto lazy = [&](const std::string& what,
                  bool value) -> absl::StatusOr<Value> {
    Value l;
    l.kind = Kind::kLazy;
    l.s = what;
    l.i = std::numeric_limits<int64_t>::min();
    if (what == "size" && !args.empty()) {
      TRY_ASSIGN(Value d, Force(args[0]));
      if (!IsIntLike(d)) {
        return TypeError(absl::StrCat(
            "size(): argument 'dim' must be int, not ", TypeName(d)));
      }
      l.i = AsInt(d);
    }
    for (const Keyword& k : kwargs) {
      if (what == "size" && k.name == "dim" && IsIntLike(k.value)) {
        l.i = AsInt(k.value);
      } else {
        return TypeError(absl::StrCat(name,
                                      "() got an unexpected keyword argument "
                                      "'",
                                      k.name, "'"));
      }
    }
    if (!value && self.tensor->has_info && !self.tensor->pending()) {
      l.tensor = self.tensor;
      return Force(std::move(l));
    }
    TRY_ASSIGN(l.tensor, Probe(self.tensor, value));
    return l;
  };
  if (name == "size") return lazy("size", false);
  if (name == "dim" || name == "ndimension") return lazy("ndim", false);
  if (name == "numel" || name == "nelement") return lazy("numel", false);
  if (name == "item") return lazy("item", true);
  if (name == "tolist") return lazy("tolist", true);
  if (name == "__len__") return lazy("len", false);
  static const std::map<std::string, v1::DType> kConvert = {
      {"float", v1::DTYPE_FLOAT32}, {"double", v1::DTYPE_FLOAT64},
      {"int", v1::DTYPE_INT32},     {"long", v1::DTYPE_INT64},
      {"bool", v1::DTYPE_BOOL},     {"cfloat", v1::DTYPE_COMPLEX64}};
  if (auto it = kConvert.find(name); it != kConvert.end() && args.empty()) {
    return CallOp("to", {self, Value::DType(it->second)}, {});
  }
  if (name == "t") return CallOp("T", {self}, {});
  if (name == "view_as" || name == "reshape_as" || name == "expand_as") {
    if (args.size() != 1 || args[0].kind != Kind::kTensor) {
      return TypeError(absl::StrCat(name,
                                    "(): argument 'other' must be "
                                    "Tensor"));
    }
    TRY_ASSIGN(TensorPtr other, Known(args[0].tensor));
    std::vector<int64_t> shape(other->info.shape().begin(),
                               other->info.shape().end());
    return CallOp(name.substr(0, name.size() - 3),
                  {self, Value::Size(std::move(shape))}, {});
  }
  if (name == "max" || name == "min") {
    args.insert(args.begin(), self);
    return CallTorch(name, std::move(args), std::move(kwargs), true);
  }
  if (!ops_.count(name) || name == "alias" || name == "index" ||
      name == "index_put_" || name == "manual_seed") {
    return AttributeError(
        absl::StrCat("'Tensor' object has no attribute '", name, "'"));
  }
  args.insert(args.begin(), self);
  return CallOp(name, args, std::move(kwargs));
}

namespace {

absl::StatusOr<v1::AttrValue> ToAttr(const std::string& op,
                                     const v1::AttrSpec& spec, const Value& v) {
  v1::AttrValue a;
  const std::string& type = spec.type_name();
  auto bad = [&]() {
    std::string want = type;
    if (type == "int[]") want = "tuple of ints";
    if (type == "Scalar") want = "Number";
    if (type == "dtype") want = "torch.dtype";
    return TypeError(absl::StrCat(op, "(): argument '", spec.name(),
                                  "' must be ", want, ", not ", TypeName(v)));
  };
  if (v.kind == Kind::kNone) {
    a.set_none(true);
    return a;
  }
  if (type == "int") {
    if (v.kind != Kind::kInt) return bad();
    a.set_i(v.i);
  } else if (type == "int[]") {
    if (v.kind == Kind::kInt) {
      a.mutable_ints()->add_values(v.i);
    } else if (v.is_sequence()) {
      a.mutable_ints();
      for (const Value& x : *v.items) {
        if (x.kind != Kind::kInt) return bad();
        a.mutable_ints()->add_values(x.i);
      }
    } else {
      return bad();
    }
  } else if (type == "float") {
    if (!IsIntLike(v) && v.kind != Kind::kFloat) return bad();
    a.set_f(AsDouble(v));
  } else if (type == "Scalar") {
    if (v.kind == Kind::kBool) {
      a.mutable_scalar()->set_b(v.b);
    } else if (v.kind == Kind::kInt) {
      a.mutable_scalar()->set_i(v.i);
    } else if (v.kind == Kind::kFloat) {
      a.mutable_scalar()->set_f(v.f);
    } else {
      return bad();
    }
  } else if (type == "bool") {
    if (v.kind != Kind::kBool) return bad();
    a.set_b(v.b);
  } else if (type == "dtype") {
    if (v.kind != Kind::kDType) return bad();
    a.set_dtype(v.dtype);
  } else if (type == "str") {
    if (v.kind != Kind::kStr) return bad();
    a.set_s(v.s);
  } else if (type == "float or str") {
    if (v.kind == Kind::kStr) {
      a.set_s(v.s);
    } else if (IsIntLike(v) || v.kind == Kind::kFloat) {
      a.set_f(AsDouble(v));
    } else {
      return bad();
    }
  } else {
    return bad();
  }
  return a;
}

}  // namespace

absl::StatusOr<Value> Interpreter::CallOp(const std::string& op,
                                          const ValueList& given_args,
                                          std::vector<Keyword> kwargs) {
  auto found = ops_.find(op);
  if (found == ops_.end()) {
    return AttributeError(
        absl::StrCat("module 'torch' has no attribute '", op, "'"));
  }
  const v1::OpSchema& schema = found->second;
  const std::string fname = schema.name();
  ValueList args;
  for (const Value& a : given_args) {
    TRY_ASSIGN(Value v, Force(a));
    args.push_back(std::move(v));
  }
  for (Keyword& k : kwargs) {
    TRY_ASSIGN(k.value, Force(std::move(k.value)));
  }

  // requires_grad= on a factory: torch sets it on the result.
  std::optional<bool> requires_grad;
  bool has_rg_attr = false;
  for (const auto& a : schema.attrs())
    has_rg_attr |= a.name() == "requires_grad";
  if (!has_rg_attr) {
    for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
      if (it->name == "requires_grad") {
        if (it->value.kind != Kind::kBool) {
          return TypeError(absl::StrCat(
              fname, "(): argument 'requires_grad' must be bool, not ",
              TypeName(it->value)));
        }
        requires_grad = it->value.b;
        kwargs.erase(it);
        break;
      }
    }
  }

  std::vector<v1::ValueRef> inputs;
  size_t pos = 0;
  auto take_kw =
      [&](const std::string& n,
          std::initializer_list<const char*> aliases) -> std::optional<Value> {
    for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
      bool match = it->name == n;
      for (const char* a : aliases) match |= it->name == a;
      if (match) {
        Value v = std::move(it->value);
        kwargs.erase(it);
        return v;
      }
    }
    return std::nullopt;
  };
  if (schema.variadic()) {
    std::optional<Value> list = take_kw("tensors", {});
    if (!list && pos < args.size()) list = args[pos++];
    if (!list || !(list->kind == Kind::kList || list->kind == Kind::kTuple)) {
      return TypeError(absl::StrCat(
          fname, "(): argument 'tensors' must be tuple of Tensors, not ",
          list ? TypeName(*list) : "nothing"));
    }
    if (list->items->empty()) {
      // torch's own words for each.
      if (fname == "stack") {
        return RuntimeError("stack expects a non-empty TensorList");
      }
      return RuntimeError(absl::StrCat(
          "torch.", fname, "(): expected a non-empty list of Tensors"));
    }
    for (const Value& t : *list->items) {
      if (t.kind != Kind::kTensor) {
        return TypeError(
            absl::StrCat(fname,
                         "(): argument 'tensors' must be tuple of Tensors, but "
                         "found element of type ",
                         TypeName(t), " at pos ", inputs.size()));
      }
      TRY_ASSIGN(v1::ValueRef r, Ref(t));
      inputs.push_back(std::move(r));
    }
  } else {
    for (int i = 0; i < schema.inputs_size(); ++i) {
      const std::string& in = schema.inputs(i);
      std::optional<Value> v =
          i == 0 ? take_kw(in, {"input"}) : take_kw(in, {});
      const bool required = i < schema.min_inputs();
      if (!v && pos < args.size() &&
          (required || args[pos].kind == Kind::kTensor ||
           args[pos].kind == Kind::kNone)) {
        v = args[pos++];
      }
      if (!v || (!required && v->kind == Kind::kNone)) {
        if (required) {
          return TypeError(absl::StrCat(fname, "() missing required argument '",
                                        in == "self" ? "input" : in, "'"));
        }
        break;
      }
      if (v->kind != Kind::kTensor && !IsIntLike(*v) &&
          v->kind != Kind::kFloat) {
        return TypeError(absl::StrCat(fname, "(): argument '",
                                      in == "self" ? "input" : in,
                                      "' must be Tensor, not ", TypeName(*v)));
      }
      TRY_ASSIGN(v1::ValueRef r, Ref(*v));
      inputs.push_back(std::move(r));
    }
  }

  // Attributes: positional ones in declared order (consecutive ints fill an
  // int[]: x.reshape(3, 4), torch.zeros(2, 3)), then keywords.
  std::map<std::string, Value> attrs;
  ValueList positional(args.begin() + pos, args.end());
  if (op == "arange" && positional.size() == 1) {
    attrs["end"] = positional[0];
    positional.clear();
  }
  int a = 0;
  for (size_t k = 0; k < positional.size();) {
    if (a >= schema.attrs_size()) {
      return TypeError(absl::StrCat(
          fname, "() takes ", schema.inputs_size() + schema.attrs_size(),
          " positional arguments but ", given_args.size(), " were given"));
    }
    const v1::AttrSpec& spec = schema.attrs(a++);
    if (spec.type_name() == "int[]" && positional[k].kind == Kind::kInt) {
      ValueList ints;
      while (k < positional.size() && positional[k].kind == Kind::kInt) {
        ints.push_back(positional[k++]);
      }
      attrs[spec.name()] = Value::Tuple(std::move(ints));
    } else {
      attrs[spec.name()] = positional[k++];
    }
  }
  for (Keyword& kw : kwargs) {
    std::string n = kw.name;
    auto has = [&](const std::string& x) {
      for (const auto& s : schema.attrs()) {
        if (s.name() == x) return true;
      }
      return false;
    };
    if (!has(n)) {
      if (n == "axis" && has("dim")) n = "dim";
      if (n == "keepdims" && has("keepdim")) n = "keepdim";
      if (n == "size" && has("shape")) n = "shape";
      if (n == "shape" && has("size")) n = "size";
      if (n == "dim" && has("dims")) n = "dims";
      if (n == "ord" && has("p")) n = "p";
    }
    if (!has(n)) {
      return TypeError(absl::StrCat(
          fname, "() got an unexpected keyword argument '", kw.name, "'"));
    }
    if (attrs.count(n)) {
      return TypeError(absl::StrCat(fname,
                                    "() got multiple values for "
                                    "argument '",
                                    kw.name, "'"));
    }
    attrs[n] = std::move(kw.value);
  }
  std::map<std::string, v1::AttrValue> wire;
  for (const v1::AttrSpec& spec : schema.attrs()) {
    auto it = attrs.find(spec.name());
    if (it == attrs.end()) {
      if (spec.required()) {
        return TypeError(absl::StrCat(fname, "() missing required argument '",
                                      spec.name(), "'"));
      }
      continue;
    }
    TRY_ASSIGN(v1::AttrValue av, ToAttr(fname, spec, it->second));
    wire[spec.name()] = std::move(av);
  }

  const int n_out = schema.outputs_size();
  TRY_ASSIGN(std::vector<Value> outs, AddNode(op, inputs, wire, n_out));
  Value result;
  if (schema.inplace() && !given_args.empty() &&
      given_args[0].kind == Kind::kTensor) {
    // The op returns its first input: the same Python object.
    result = given_args[0];
    info_updates_.emplace_back(request_.nodes_size() - 1, result.tensor);
  } else if (n_out == 0) {
    result = Value::None();
  } else if (n_out == 1) {
    result = outs[0];
  } else {
    result.kind = Kind::kNamedTuple;
    result.s = ReturnTypeName(op);
    result.items = std::make_shared<ValueList>(outs);
    for (const std::string& f : schema.outputs()) result.fields.push_back(f);
  }
  if (requires_grad.has_value() && result.kind == Kind::kTensor) {
    return FactoryRequiresGrad(result, *requires_grad);
  }
  return result;
}

absl::StatusOr<Value> Interpreter::MakeTensor(const Value& data,
                                              std::vector<Keyword> kwargs) {
  std::optional<v1::DType> dtype;
  bool requires_grad = false;
  for (Keyword& k : kwargs) {
    TRY_ASSIGN(Value v, Force(std::move(k.value)));
    if (k.name == "dtype" && v.kind == Kind::kDType) {
      dtype = v.dtype;
    } else if (k.name == "dtype" && v.kind == Kind::kNone) {
    } else if (k.name == "requires_grad" && v.kind == Kind::kBool) {
      requires_grad = v.b;
    } else if (k.name == "device" && v.kind == Kind::kStr && v.s == "cpu") {
    } else {
      return TypeError(
          absl::StrCat("tensor() got an unexpected keyword "
                       "argument '",
                       k.name, "'"));
    }
  }
  if (data.kind == Kind::kTensor) {
    // torch.tensor(t): a copy without history.
    TRY_ASSIGN(Value c, CallOp("clone", {data}, {}));
    TRY_ASSIGN(c, CallOp("detach", {c}, {}));
    if (dtype) {
      TRY_ASSIGN(c, CallOp("to", {c, Value::DType(*dtype)}, {}));
    }
    if (requires_grad) return FactoryRequiresGrad(c, true);
    return c;
  }
  // Shape and elements of nested sequences of numbers.
  std::vector<int64_t> shape;
  std::vector<Value> flat;
  std::function<absl::Status(const Value&, size_t)> walk =
      [&](const Value& v, size_t dim) -> absl::Status {
    if (v.kind == Kind::kList || v.kind == Kind::kTuple ||
        v.kind == Kind::kSize) {
      const int64_t n = v.items->size();
      if (dim == shape.size()) {
        if (!flat.empty()) {
          return ValueError(absl::StrCat("expected sequence of length ",
                                         shape.empty() ? 0 : shape.back(),
                                         " at dim ", dim, " (got ", n, ")"));
        }
        shape.push_back(n);
      } else if (dim > shape.size() || shape[dim] != n) {
        return ValueError(absl::StrCat("expected sequence of length ",
                                       dim < shape.size() ? shape[dim] : 0,
                                       " at dim ", dim, " (got ", n, ")"));
      }
      for (const Value& x : *v.items) {
        TRY_ASSIGN(Value f, Force(x));
        TRY(walk(f, dim + 1));
      }
      return absl::OkStatus();
    }
    if (!v.is_number()) {
      if (v.kind == Kind::kTensor) {
        return Unsupported(
            "torch.tensor() of a list of tensors (use "
            "torch.stack)");
      }
      return TypeError(
          absl::StrCat("new(): invalid data type '", TypeName(v), "'"));
    }
    if (dim != shape.size()) {
      return ValueError(absl::StrCat("expected sequence of length ", shape[dim],
                                     " at dim ", dim, " (got a number)"));
    }
    flat.push_back(v);
    return absl::OkStatus();
  };
  TRY(walk(data, 0));
  v1::DType dt = v1::DTYPE_INT64;
  bool all_bool = !flat.empty();
  bool any_float = false, any_complex = false;
  for (const Value& v : flat) {
    all_bool &= v.kind == Kind::kBool;
    any_float |= v.kind == Kind::kFloat;
    any_complex |= v.kind == Kind::kComplex;
  }
  if (flat.empty() && !shape.empty()) dt = v1::DTYPE_FLOAT32;
  if (all_bool) dt = v1::DTYPE_BOOL;
  if (any_float) dt = v1::DTYPE_FLOAT32;
  if (any_complex) dt = v1::DTYPE_COMPLEX64;
  if (dtype) dt = *dtype;
  v1::ValueRef lit;
  v1::TensorData* d = lit.mutable_literal();
  d->set_dtype(dt);
  for (int64_t s : shape) d->add_shape(s);
  std::string bytes;
  auto put = [&bytes](const auto& x) {
    bytes.append(reinterpret_cast<const char*>(&x), sizeof(x));
  };
  for (const Value& v : flat) {
    if (v.kind == Kind::kComplex && dt != v1::DTYPE_COMPLEX64) {
      return TypeError("can't convert complex to " + DTypeRepr(dt));
    }
    switch (dt) {
      case v1::DTYPE_BOOL:
        bytes.push_back(AsDouble(v) != 0 ? 1 : 0);
        break;
      case v1::DTYPE_INT32: {
        // PyTorch refuses a value the integer type cannot hold.
        const double f = v.kind == Kind::kFloat ? std::trunc(v.f) : 0;
        const int64_t i = v.kind == Kind::kFloat ? 0 : AsInt(v);
        if (v.kind == Kind::kFloat
                ? !(f >= -2147483648.0 && f <= 2147483647.0)
                : (i < std::numeric_limits<int32_t>::min() ||
                   i > std::numeric_limits<int32_t>::max())) {
          return RuntimeError(
              "value cannot be converted to type int32 without overflow");
        }
        put(static_cast<int32_t>(v.kind == Kind::kFloat ? f : i));
        break;
      }
      case v1::DTYPE_INT64:
        if (v.kind == Kind::kFloat) {
          const double f = std::trunc(v.f);
          if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) {
            return RuntimeError(
                "value cannot be converted to type int64 without overflow");
          }
          put(static_cast<int64_t>(f));
        } else {
          put(AsInt(v));
        }
        break;
      case v1::DTYPE_FLOAT32:
        put(static_cast<float>(AsDouble(v)));
        break;
      case v1::DTYPE_FLOAT64:
        put(AsDouble(v));
        break;
      case v1::DTYPE_COMPLEX64: {
        std::complex<double> c = AsComplex(v);
        put(static_cast<float>(c.real()));
        put(static_cast<float>(c.imag()));
        break;
      }
      default:
        return TypeError("unsupported dtype");
    }
  }
  d->set_data(std::move(bytes));
  TRY_ASSIGN(std::vector<Value> outs, AddNode("alias", {lit}, {}, 1));
  if (requires_grad) return FactoryRequiresGrad(outs[0], true);
  return outs[0];
}

absl::StatusOr<Value> Interpreter::FactoryRequiresGrad(const Value& t,
                                                       bool flag) {
  // torch words this failure differently from requires_grad_()'s.
  factory_grad_nodes_.insert(request_.nodes_size());
  return CallOp("requires_grad_", {t, Value::Bool(flag)}, {});
}

// ============================================================= subscripts

absl::StatusOr<std::string> Interpreter::IndexSpec(const Value& index) {
  TRY_ASSIGN(Value idx, Force(index));
  if (idx.kind == Kind::kTuple) {
    std::vector<std::string> parts;
    for (const Value& item : *idx.items) {
      if (item.kind == Kind::kTuple) {
        return Unsupported("indexing with a nested tuple");
      }
      TRY_ASSIGN(std::string p, IndexSpec(item));
      parts.push_back(std::move(p));
    }
    if (parts.empty()) return std::string("...");
    return absl::StrJoin(parts, ", ");
  }
  switch (idx.kind) {
    case Kind::kInt:
      return absl::StrCat(idx.i);
    case Kind::kNone:
      return std::string("None");
    case Kind::kEllipsis:
      return std::string("...");
    case Kind::kSlice: {
      std::string s;
      for (int k = 0; k < 3; ++k) {
        const Value& p = (*idx.items)[k];
        if (k > 0) s += ":";
        if (p.kind == Kind::kNone) continue;
        if (!IsIntLike(p)) {
          return TypeError(
              "slice indices must be integers or None or have an __index__ "
              "method");
        }
        absl::StrAppend(&s, AsInt(p));
      }
      return s;
    }
    case Kind::kTensor: {
      // A one-element integer tensor indexes like an int (x[i.argmax()]).
      Value lazy;
      lazy.kind = Kind::kLazy;
      lazy.s = "item";
      TRY_ASSIGN(lazy.tensor, Probe(idx.tensor, true));
      TRY_ASSIGN(Value v, Force(std::move(lazy)));
      const v1::DType dt =
          lazy.tensor ? lazy.tensor->info.dtype() : v1::DTYPE_UNSPECIFIED;
      (void)dt;
      if (v.kind != Kind::kInt) {
        return Unsupported("indexing with a boolean or floating tensor");
      }
      return absl::StrCat(v.i);
    }
    default:
      return IndexError(
          "only integers, slices (`:`), ellipsis (`...`), None and long or "
          "byte Variables are valid indices (got " +
          TypeName(idx) + ")");
  }
}

absl::StatusOr<Value> Interpreter::EvalSubscript(const Subscript& s) {
  TRY_ASSIGN(Value obj, Eval(*s.value));
  TRY_ASSIGN(obj, Force(std::move(obj)));
  TRY_ASSIGN(Value index, Eval(*s.index));
  TRY_ASSIGN(index, Force(std::move(index)));
  if (obj.kind == Kind::kTensor) {
    if (!obj.tensor->defined()) {
      return TypeError("'NoneType' object is not subscriptable");
    }
    TRY_ASSIGN(std::string spec, IndexSpec(index));
    return CallOp("index", {obj}, {{"index", Value::Str(spec)}});
  }
  if (obj.is_sequence() || obj.kind == Kind::kNamedTuple ||
      obj.kind == Kind::kStr) {
    const int64_t n = obj.kind == Kind::kStr
                          ? static_cast<int64_t>(obj.s.size())
                          : static_cast<int64_t>(obj.items->size());
    if (IsIntLike(index)) {
      int64_t k = AsInt(index);
      if (k < 0) k += n;
      if (k < 0 || k >= n) {
        const char* what = obj.kind == Kind::kList  ? "list"
                           : obj.kind == Kind::kStr ? "string"
                                                    : "tuple";
        return IndexError(absl::StrCat(what, " index out of range"));
      }
      if (obj.kind == Kind::kStr) return Value::Str(obj.s.substr(k, 1));
      return (*obj.items)[k];
    }
    if (index.kind == Kind::kSlice) {
      auto part = [&](int k, int64_t dflt) -> absl::StatusOr<int64_t> {
        const Value& p = (*index.items)[k];
        if (p.kind == Kind::kNone) return dflt;
        if (!IsIntLike(p)) {
          return TypeError("slice indices must be integers or None");
        }
        return AsInt(p);
      };
      TRY_ASSIGN(int64_t step, part(2, 1));
      if (step == 0) return ValueError("slice step cannot be zero");
      TRY_ASSIGN(int64_t lo, part(0, step > 0 ? 0 : n - 1));
      TRY_ASSIGN(int64_t hi, part(1, step > 0 ? n : -n - 1));
      auto clamp = [&](int64_t x, bool upper) {
        if (x < 0) x += n;
        if (step > 0) return std::clamp<int64_t>(x, 0, n);
        (void)upper;
        return std::clamp<int64_t>(x, -1, n - 1);
      };
      lo = clamp(lo, false);
      hi = clamp(hi, true);
      ValueList out;
      std::string str;
      const uint64_t count = StepCount(lo, hi, step);
      for (uint64_t i = 0; i < count; ++i) {
        const int64_t k = StepAt(lo, step, i);
        if (obj.kind == Kind::kStr) {
          str.push_back(obj.s[k]);
        } else {
          out.push_back((*obj.items)[k]);
        }
      }
      if (obj.kind == Kind::kStr) return Value::Str(str);
      Value r = obj.kind == Kind::kList ? Value::List(std::move(out))
                                        : Value::Tuple(std::move(out));
      if (obj.kind == Kind::kSize) r.kind = Kind::kSize;
      return r;
    }
    return TypeError(absl::StrCat(
        TypeName(obj) == "torch.Size" ? "tuple" : TypeName(obj),
        " indices must be integers or slices, not ", TypeName(index)));
  }
  if (obj.kind == Kind::kNone) {
    return TypeError("'NoneType' object is not subscriptable");
  }
  return TypeError(
      absl::StrCat("'", TypeName(obj), "' object is not subscriptable"));
}

absl::StatusOr<ValueList> Interpreter::Iterate(const Value& given) {
  TRY_ASSIGN(Value v, Force(given));
  if (v.is_sequence() || v.kind == Kind::kNamedTuple) return *v.items;
  if (v.kind == Kind::kRange) {
    ValueList out;
    const int64_t start = (*v.items)[0].i, stop = (*v.items)[1].i,
                  step = (*v.items)[2].i;
    const uint64_t count = StepCount(start, stop, step);
    if (count > kMaxItems) return TooManyItems(count);
    out.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      out.push_back(Value::Int(StepAt(start, step, i)));
    }
    return out;
  }
  if (v.kind == Kind::kStr) {
    ValueList out;
    for (char c : v.s) out.push_back(Value::Str(std::string(1, c)));
    return out;
  }
  if (v.kind == Kind::kTensor && v.tensor->defined()) {
    TRY_ASSIGN(TensorPtr t, Known(v.tensor));
    if (!t->defined()) return TypeError("'NoneType' object is not iterable");
    if (t->info.shape_size() == 0) {
      return TypeError("iteration over a 0-d tensor");
    }
    ValueList out;
    for (int64_t k = 0; k < t->info.shape(0); ++k) {
      TRY_ASSIGN(Value row, CallOp("index", {v},
                                   {{"index", Value::Str(absl::StrCat(k))}}));
      out.push_back(std::move(row));
    }
    return out;
  }
  return TypeError(absl::StrCat("'", TypeName(v), "' object is not iterable"));
}

// ============================================================== operators

absl::StatusOr<Value> Interpreter::EvalBinOp(BinaryOperator op, const Value& lv,
                                             const Value& rv) {
  TRY_ASSIGN(Value l, Force(lv));
  TRY_ASSIGN(Value r, Force(rv));
  auto unsupported = [&]() {
    return TypeError(absl::StrCat("unsupported operand type(s) for ",
                                  Symbol(op), ": '", TypeName(l), "' and '",
                                  TypeName(r), "'"));
  };
  const bool lt = l.kind == Kind::kTensor, rt = r.kind == Kind::kTensor;
  if (lt || rt) {
    const Value& other = lt ? r : l;
    if (other.kind != Kind::kTensor && other.kind != Kind::kBool &&
        other.kind != Kind::kInt && other.kind != Kind::kFloat) {
      return unsupported();
    }
    if ((lt && !l.tensor->defined()) || (rt && !r.tensor->defined())) {
      return unsupported();
    }
    static const std::map<BinaryOperator, std::string> kOps = {
        {BinaryOperator::kAdd, "add"}, {BinaryOperator::kSub, "sub"},
        {BinaryOperator::kMul, "mul"}, {BinaryOperator::kDiv, "div"},
        {BinaryOperator::kPow, "pow"}, {BinaryOperator::kMatMul, "matmul"}};
    auto it = kOps.find(op);
    if (it == kOps.end()) {
      return Unsupported(absl::StrCat("the tensor operator ", Symbol(op)));
    }
    return CallOp(it->second, {l, r}, {});
  }
  // Python numbers.
  if (l.is_number() && r.is_number()) {
    if (l.kind == Kind::kComplex || r.kind == Kind::kComplex) {
      const std::complex<double> a = AsComplex(l), b = AsComplex(r);
      switch (op) {
        case BinaryOperator::kAdd:
          return Value::Complex(a + b);
        case BinaryOperator::kSub:
          return Value::Complex(a - b);
        case BinaryOperator::kMul:
          return Value::Complex(a * b);
        case BinaryOperator::kDiv:
          if (b == 0.0) {
            return PyError(absl::StatusCode::kInvalidArgument,
                           "ZeroDivisionError", "complex division by zero");
          }
          return Value::Complex(a / b);
        case BinaryOperator::kPow:
          return Value::Complex(std::pow(a, b));
        default:
          return unsupported();
      }
    }
    if (IsIntLike(l) && IsIntLike(r)) {
      const int64_t a = AsInt(l), b = AsInt(r);
      switch (op) {
        case BinaryOperator::kAdd: {
          int64_t r = 0;
          const bool overflow = __builtin_add_overflow(a, b, &r);
          return CheckedInt(overflow, r);
        }
        case BinaryOperator::kSub: {
          int64_t r = 0;
          const bool overflow = __builtin_sub_overflow(a, b, &r);
          return CheckedInt(overflow, r);
        }
        case BinaryOperator::kMul: {
          int64_t r = 0;
          const bool overflow = __builtin_mul_overflow(a, b, &r);
          return CheckedInt(overflow, r);
        }
        case BinaryOperator::kDiv:
          if (b == 0) {
            return PyError(absl::StatusCode::kInvalidArgument,
                           "ZeroDivisionError", "division by zero");
          }
          return Value::Float(static_cast<double>(a) / static_cast<double>(b));
        case BinaryOperator::kFloorDiv:
        case BinaryOperator::kMod:
          if (b == 0) {
            return PyError(absl::StatusCode::kInvalidArgument,
                           "ZeroDivisionError",
                           "integer division or modulo by zero");
          }
          if (op == BinaryOperator::kFloorDiv) return FloorDiv(a, b);
          return Value::Int(FloorMod(a, b));
        case BinaryOperator::kPow: {
          if (b < 0) {
            if (a == 0) {
              return PyError(absl::StatusCode::kInvalidArgument,
                             "ZeroDivisionError",
                             "0.0 cannot be raised to a negative power");
            }
            return Value::Float(
                std::pow(static_cast<double>(a), static_cast<double>(b)));
          }
          return IntPow(a, b);
        }
        case BinaryOperator::kLShift:
        case BinaryOperator::kRShift:
          return IntShift(a, b, op == BinaryOperator::kLShift);
        case BinaryOperator::kBitAnd:
          if (l.kind == Kind::kBool && r.kind == Kind::kBool) {
            return Value::Bool(a & b);
          }
          return Value::Int(a & b);
        case BinaryOperator::kBitOr:
          if (l.kind == Kind::kBool && r.kind == Kind::kBool) {
            return Value::Bool(a | b);
          }
          return Value::Int(a | b);
        case BinaryOperator::kBitXor:
          if (l.kind == Kind::kBool && r.kind == Kind::kBool) {
            return Value::Bool(a ^ b);
          }
          return Value::Int(a ^ b);
        default:
          return unsupported();
      }
    }
    const double a = AsDouble(l), b = AsDouble(r);
    switch (op) {
      case BinaryOperator::kAdd:
        return Value::Float(a + b);
      case BinaryOperator::kSub:
        return Value::Float(a - b);
      case BinaryOperator::kMul:
        return Value::Float(a * b);
      case BinaryOperator::kDiv:
        if (b == 0) {
          return PyError(absl::StatusCode::kInvalidArgument,
                         "ZeroDivisionError", "float division by zero");
        }
        return Value::Float(a / b);
      case BinaryOperator::kFloorDiv:
        if (b == 0) {
          return PyError(absl::StatusCode::kInvalidArgument,
                         "ZeroDivisionError", "float floor division by zero");
        }
        return Value::Float(std::floor(a / b));
      case BinaryOperator::kMod: {
        if (b == 0) {
          return PyError(absl::StatusCode::kInvalidArgument,
                         "ZeroDivisionError", "float modulo");
        }
        double m = std::fmod(a, b);
        if (m != 0 && ((m < 0) != (b < 0))) m += b;
        return Value::Float(m);
      }
      case BinaryOperator::kPow:
        if (a == 0 && b < 0) {
          return PyError(absl::StatusCode::kInvalidArgument,
                         "ZeroDivisionError",
                         "0.0 cannot be raised to a negative power");
        }
        return Value::Float(std::pow(a, b));
      default:
        return unsupported();
    }
  }
  if (op == BinaryOperator::kAdd && l.kind == Kind::kStr &&
      r.kind == Kind::kStr) {
    return Value::Str(l.s + r.s);
  }
  if (op == BinaryOperator::kMul && ((l.kind == Kind::kStr && IsIntLike(r)) ||
                                     (l.is_sequence() && IsIntLike(r)))) {
    const int64_t times = std::max<int64_t>(AsInt(r), 0);
    const uint64_t each = l.kind == Kind::kStr ? l.s.size() : l.items->size();
    if (each != 0 && static_cast<uint64_t>(times) > kMaxItems / each) {
      return TooManyItems(each * static_cast<uint64_t>(times));
    }
    if (l.kind == Kind::kStr) {
      std::string out;
      for (int64_t k = 0; k < times; ++k) out += l.s;
      return Value::Str(out);
    }
    ValueList out;
    for (int64_t k = 0; k < times; ++k) {
      out.insert(out.end(), l.items->begin(), l.items->end());
    }
    Value v = l;
    v.items = std::make_shared<ValueList>(std::move(out));
    return v;
  }
  if (op == BinaryOperator::kAdd && l.is_sequence() && r.is_sequence() &&
      (l.kind == Kind::kList) == (r.kind == Kind::kList)) {
    ValueList out = *l.items;
    out.insert(out.end(), r.items->begin(), r.items->end());
    Value v = l;
    v.items = std::make_shared<ValueList>(std::move(out));
    return v;
  }
  return unsupported();
}

absl::StatusOr<Value> Interpreter::EvalUnary(UnaryOperator op,
                                             const Value& given) {
  TRY_ASSIGN(Value v, Force(given));
  if (op == UnaryOperator::kNot) {
    TRY_ASSIGN(bool t, Truth(v));
    return Value::Bool(!t);
  }
  if (v.kind == Kind::kTensor && v.tensor->defined()) {
    if (op == UnaryOperator::kNeg) return CallOp("neg", {v}, {});
    if (op == UnaryOperator::kPos) return v;
    return Unsupported("the tensor operator ~");
  }
  switch (v.kind) {
    case Kind::kBool:
    case Kind::kInt:
      if (op == UnaryOperator::kNeg) return NegInt(AsInt(v));
      if (op == UnaryOperator::kPos) return Value::Int(AsInt(v));
      return Value::Int(~AsInt(v));
    case Kind::kFloat:
      if (op == UnaryOperator::kNeg) return Value::Float(-v.f);
      if (op == UnaryOperator::kPos) return v;
      break;
    case Kind::kComplex:
      if (op == UnaryOperator::kNeg) return Value::Complex(-v.c);
      if (op == UnaryOperator::kPos) return v;
      break;
    default:
      break;
  }
  return TypeError(absl::StrCat("bad operand type for unary ", Symbol(op),
                                ": '", TypeName(v), "'"));
}

absl::StatusOr<Value> Interpreter::EvalCompare(CompareOperator op,
                                               const Value& lv,
                                               const Value& rv) {
  TRY_ASSIGN(Value l, Force(lv));
  TRY_ASSIGN(Value r, Force(rv));
  if (op == CompareOperator::kIs || op == CompareOperator::kIsNot) {
    // `x.grad is None` needs to know whether the grad exists.
    for (Value* v : {&l, &r}) {
      if (v->kind == Kind::kTensor && !v->tensor->has_info) {
        TRY_ASSIGN(v->tensor, Known(v->tensor));
      }
    }
    bool same;
    if (l.is_none() || r.is_none()) {
      same = l.is_none() && r.is_none();
    } else if (l.kind == Kind::kTensor && r.kind == Kind::kTensor) {
      same = l.tensor == r.tensor;
    } else if (l.kind == r.kind && (l.kind == Kind::kBool)) {
      same = l.b == r.b;
    } else if (l.kind == r.kind && l.kind == Kind::kDType) {
      same = l.dtype == r.dtype;
    } else if (l.kind == r.kind && l.kind == Kind::kInt) {
      same = l.i == r.i;
    } else {
      same = l.items && l.items == r.items;
    }
    return Value::Bool(op == CompareOperator::kIs ? same : !same);
  }
  if (op == CompareOperator::kIn || op == CompareOperator::kNotIn) {
    TRY_ASSIGN(ValueList items, Iterate(r));
    bool found = false;
    for (const Value& item : items) {
      TRY_ASSIGN(Value eq, EvalCompare(CompareOperator::kEq, l, item));
      TRY_ASSIGN(bool t, Truth(eq));
      if (t) {
        found = true;
        break;
      }
    }
    return Value::Bool(op == CompareOperator::kIn ? found : !found);
  }
  const bool lt = l.kind == Kind::kTensor && l.tensor->defined();
  const bool rt = r.kind == Kind::kTensor && r.tensor->defined();
  if (lt || rt) {
    static const std::map<CompareOperator, std::string> kOps = {
        {CompareOperator::kEq, "eq"}, {CompareOperator::kNotEq, "ne"},
        {CompareOperator::kLt, "lt"}, {CompareOperator::kLtE, "le"},
        {CompareOperator::kGt, "gt"}, {CompareOperator::kGtE, "ge"}};
    const Value& other = lt ? r : l;
    if (other.kind == Kind::kTensor || other.kind == Kind::kBool ||
        other.kind == Kind::kInt || other.kind == Kind::kFloat) {
      return CallOp(kOps.at(op), {l, r}, {});
    }
    if (op == CompareOperator::kEq) return Value::Bool(false);
    if (op == CompareOperator::kNotEq) return Value::Bool(true);
    return TypeError(absl::StrCat("'", Symbol(op),
                                  "' not supported between instances of '",
                                  TypeName(l), "' and '", TypeName(r), "'"));
  }
  // Three-way comparison of Python values; nullopt: not ordered.
  std::function<absl::StatusOr<int>(const Value&, const Value&)> cmp =
      [&](const Value& a, const Value& b) -> absl::StatusOr<int> {
    if (a.is_number() && b.is_number()) {
      if (a.kind == Kind::kComplex || b.kind == Kind::kComplex) {
        return AsComplex(a) == AsComplex(b) ? 0 : 2;  // 2: unequal, unordered
      }
      if (IsIntLike(a) && IsIntLike(b)) {
        return AsInt(a) < AsInt(b) ? -1 : AsInt(a) > AsInt(b) ? 1 : 0;
      }
      const double x = AsDouble(a), y = AsDouble(b);
      if (std::isnan(x) || std::isnan(y)) return 3;  // all false but !=
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.kind == Kind::kStr && b.kind == Kind::kStr) {
      return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
    }
    const bool aseq = a.is_sequence(), bseq = b.is_sequence();
    if (aseq && bseq && ((a.kind == Kind::kList) == (b.kind == Kind::kList))) {
      const ValueList &x = *a.items, &y = *b.items;
      for (size_t k = 0; k < x.size() && k < y.size(); ++k) {
        TRY_ASSIGN(int c, cmp(x[k], y[k]));
        if (c != 0) return c;
      }
      return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    if (a.kind == Kind::kNone && b.kind == Kind::kNone) return 0;
    if (a.kind == Kind::kDType && b.kind == Kind::kDType) {
      return a.dtype == b.dtype ? 0 : 2;
    }
    return 4;  // different types: equal never, ordering a TypeError
  };
  TRY_ASSIGN(int c, cmp(l, r));
  switch (op) {
    case CompareOperator::kEq:
      return Value::Bool(c == 0);
    case CompareOperator::kNotEq:
      return Value::Bool(c != 0);
    default:
      break;
  }
  if (c == 4 || c == 2) {
    return TypeError(absl::StrCat("'", Symbol(op),
                                  "' not supported between instances of '",
                                  TypeName(l), "' and '", TypeName(r), "'"));
  }
  if (c == 3) return Value::Bool(false);
  switch (op) {
    case CompareOperator::kLt:
      return Value::Bool(c < 0);
    case CompareOperator::kLtE:
      return Value::Bool(c <= 0);
    case CompareOperator::kGt:
      return Value::Bool(c > 0);
    case CompareOperator::kGtE:
      return Value::Bool(c >= 0);
    default:
      return Value::Bool(false);
  }
}

absl::StatusOr<bool> Interpreter::Truth(const Value& given) {
  TRY_ASSIGN(Value v, Force(given));
  switch (v.kind) {
    case Kind::kNone:
      return false;
    case Kind::kBool:
      return v.b;
    case Kind::kInt:
      return v.i != 0;
    case Kind::kFloat:
      return v.f != 0;
    case Kind::kComplex:
      return v.c != 0.0;
    case Kind::kStr:
      return !v.s.empty();
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSize:
    case Kind::kNamedTuple:
      return !v.items->empty();
    case Kind::kRange:
      return StepCount((*v.items)[0].i, (*v.items)[1].i, (*v.items)[2].i) > 0;
    case Kind::kTensor: {
      if (!v.tensor->defined()) return false;
      Value lazy;
      lazy.kind = Kind::kLazy;
      lazy.s = "bool";
      TRY_ASSIGN(lazy.tensor, Probe(v.tensor, true));
      TRY(Flush());
      if (!lazy.tensor->defined()) return false;
      TRY_ASSIGN(Value b, Force(std::move(lazy)));
      return b.b;
    }
    default:
      return true;
  }
}

// ================================================================ printing

namespace {
std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}
std::string JsonNumber(double f) {
  if (!std::isfinite(f)) return JsonQuote(PyFloatRepr(f));
  return PyFloatRepr(f);
}
}  // namespace

std::string Interpreter::Json(const Value& v) {
  switch (v.kind) {
    case Kind::kNone:
      return "null";
    case Kind::kBool:
      return v.b ? "true" : "false";
    case Kind::kInt:
      return absl::StrCat(v.i);
    case Kind::kFloat:
      return JsonNumber(v.f);
    case Kind::kComplex:
      return absl::StrCat("[", JsonNumber(v.c.real()), ", ",
                          JsonNumber(v.c.imag()), "]");
    case Kind::kStr:
      return JsonQuote(v.s);
    case Kind::kList:
    case Kind::kTuple:
    case Kind::kSize: {
      std::vector<std::string> parts;
      for (const Value& x : *v.items) parts.push_back(Json(x));
      return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
    }
    case Kind::kNamedTuple: {
      std::vector<std::string> parts;
      for (size_t k = 0; k < v.items->size(); ++k) {
        parts.push_back(
            absl::StrCat(JsonQuote(v.fields[k]), ": ", Json((*v.items)[k])));
      }
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
    }
    case Kind::kTensor: {
      const TensorPtr& t = v.tensor;
      if (!t->defined()) return "null";
      if (!t->value) return JsonQuote("<not fetched>");
      int64_t k = 0;
      const std::string dtype = DTypeRepr(t->info.dtype()).substr(6);
      std::vector<std::string> shape;
      for (int64_t s : t->info.shape()) shape.push_back(absl::StrCat(s));
      return absl::StrCat(
          "{\"dtype\": ", JsonQuote(dtype), ", \"shape\": [",
          absl::StrJoin(shape, ", "),
          "], \"data\": ", Json(ToList(*t->value, 0, &k)),
          ", \"requires_grad\": ", t->info.requires_grad() ? "true" : "false",
          ", \"grad_fn\": ",
          t->info.grad_fn().empty() ? "null" : JsonQuote(t->info.grad_fn()),
          "}");
    }
    default:
      return JsonQuote(Repr(v));
  }
}

std::string Interpreter::Str(const Value& v) {
  if (v.kind == Kind::kStr) return v.s;
  return Repr(v);
}

std::string Interpreter::Repr(const Value& v) {
  switch (v.kind) {
    case Kind::kStr:
      return QuoteString(v.s);
    case Kind::kTensor: {
      const TensorPtr& t = v.tensor;
      if (!t->defined()) return "None";
      if (!t->value || !t->has_info) return "tensor(<not fetched>)";
      return FormatTensorValue(t->info, *t->value);
    }
    case Kind::kList:
    case Kind::kTuple: {
      std::vector<std::string> parts;
      for (const Value& item : *v.items) parts.push_back(Repr(item));
      if (v.kind == Kind::kList) {
        return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
      }
      return absl::StrCat("(", absl::StrJoin(parts, ", "),
                          parts.size() == 1 ? ",)" : ")");
    }
    case Kind::kSize: {
      std::vector<std::string> parts;
      for (const Value& item : *v.items) parts.push_back(Repr(item));
      return absl::StrCat("torch.Size([", absl::StrJoin(parts, ", "), "])");
    }
    case Kind::kNamedTuple: {
      std::vector<std::string> parts;
      for (size_t k = 0; k < v.items->size(); ++k) {
        parts.push_back(absl::StrCat(v.fields[k], "=", Repr((*v.items)[k])));
      }
      return absl::StrCat("torch.return_types.", v.s, "(\n",
                          absl::StrJoin(parts, ",\n"), ")");
    }
    case Kind::kSlice: {
      std::vector<std::string> parts;
      for (const Value& item : *v.items) parts.push_back(Repr(item));
      return absl::StrCat("slice(", absl::StrJoin(parts, ", "), ")");
    }
    case Kind::kEllipsis:
      return "Ellipsis";
    case Kind::kRange: {
      const ValueList& r = *v.items;
      if (r[2].i == 1) return absl::StrCat("range(", r[0].i, ", ", r[1].i, ")");
      return absl::StrCat("range(", r[0].i, ", ", r[1].i, ", ", r[2].i, ")");
    }
    case Kind::kDType:
      return DTypeRepr(v.dtype);
    case Kind::kModule:
      return absl::StrCat("<module '", v.s, "'>");
    case Kind::kFunction:
      return absl::StrCat("<built-in function ", v.s, ">");
    case Kind::kMethod:
      return absl::StrCat("<built-in method ", v.s, ">");
    case Kind::kGradFn:
      // Python shows the object's address, which no two runs share.
      return absl::StrCat("<", v.s, " object at 0x7f0000000000>");
    case Kind::kNoGrad:
      return "<torch.autograd.grad_mode.no_grad object at 0x7f0000000000>";
    case Kind::kLazy:
      return "<unresolved>";
    default:
      return ScalarStr(v);
  }
}

}  // namespace tensord::script
