#include "client/script/value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tensord::script {

Value Value::Bool(bool v) {
  Value r;
  r.kind = Kind::kBool;
  r.b = v;
  return r;
}
Value Value::Int(int64_t v) {
  Value r;
  r.kind = Kind::kInt;
  r.i = v;
  return r;
}
Value Value::Float(double v) {
  Value r;
  r.kind = Kind::kFloat;
  r.f = v;
  return r;
}
Value Value::Complex(std::complex<double> v) {
  Value r;
  r.kind = Kind::kComplex;
  r.c = v;
  return r;
}
Value Value::Str(std::string v) {
  Value r;
  r.kind = Kind::kStr;
  r.s = std::move(v);
  return r;
}
Value Value::List(ValueList v) {
  Value r;
  r.kind = Kind::kList;
  r.items = std::make_shared<ValueList>(std::move(v));
  return r;
}
Value Value::Tuple(ValueList v) {
  Value r;
  r.kind = Kind::kTuple;
  r.items = std::make_shared<ValueList>(std::move(v));
  return r;
}
Value Value::Size(std::vector<int64_t> dims) {
  Value r;
  r.kind = Kind::kSize;
  r.items = std::make_shared<ValueList>();
  for (int64_t d : dims) r.items->push_back(Int(d));
  return r;
}
Value Value::Tensor(TensorPtr t) {
  Value r;
  r.kind = Kind::kTensor;
  r.tensor = std::move(t);
  return r;
}
Value Value::DType(v1::DType t) {
  Value r;
  r.kind = Kind::kDType;
  r.dtype = t;
  return r;
}
Value Value::Module(std::string name) {
  Value r;
  r.kind = Kind::kModule;
  r.s = std::move(name);
  return r;
}
Value Value::Function(std::string name) {
  Value r;
  r.kind = Kind::kFunction;
  r.s = std::move(name);
  return r;
}
Value Value::Method(Value self, std::string name) {
  Value r;
  r.kind = Kind::kMethod;
  r.s = std::move(name);
  r.items = std::make_shared<ValueList>(ValueList{std::move(self)});
  return r;
}

bool Value::is_none() const {
  return kind == Kind::kNone || (kind == Kind::kTensor && !tensor->defined());
}

std::string TypeName(const Value& v) {
  switch (v.kind) {
    case Kind::kNone:
      return "NoneType";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kComplex:
      return "complex";
    case Kind::kStr:
      return "str";
    case Kind::kList:
      return "list";
    case Kind::kTuple:
      return "tuple";
    case Kind::kSize:
      return "torch.Size";
    case Kind::kNamedTuple:
      return "torch.return_types." + v.s;
    case Kind::kSlice:
      return "slice";
    case Kind::kEllipsis:
      return "ellipsis";
    case Kind::kRange:
      return "range";
    case Kind::kTensor:
      return v.tensor->defined() ? "Tensor" : "NoneType";
    case Kind::kDType:
      return "torch.dtype";
    case Kind::kModule:
      return "module";
    case Kind::kFunction:
      return "builtin_function_or_method";
    case Kind::kMethod:
      return "method";
    case Kind::kGradFn:
      return v.s;
    case Kind::kNoGrad:
      return "no_grad";
    case Kind::kLazy:
      return "object";
  }
  return "object";
}

std::string PyFloatRepr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  // Shortest round-trip digits, in scientific form "d.ddde[+-]XX".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), std::fabs(v),
                           std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t k = 0; k < e; ++k) {
    if (sci[k] != '.') digits.push_back(sci[k]);
  }
  const int exponent = std::atoi(sci.c_str() + e + 1);
  const int decpt = exponent + 1;  // digits d1 d2 ... with the point after
                                   // decpt of them
  std::string out = v < 0 ? "-" : "";
  if (decpt <= -4 || decpt > 16) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) absl::StrAppend(&out, ".", digits.substr(1));
    const int x = decpt - 1;
    absl::StrAppend(&out, "e", x < 0 ? "-" : "+", std::abs(x) < 10 ? "0" : "",
                    std::abs(x));
  } else if (decpt <= 0) {
    absl::StrAppend(&out, "0.", std::string(-decpt, '0'), digits);
  } else if (decpt >= static_cast<int>(digits.size())) {
    absl::StrAppend(&out, digits, std::string(decpt - digits.size(), '0'),
                    ".0");
  } else {
    absl::StrAppend(&out, digits.substr(0, decpt), ".", digits.substr(decpt));
  }
  return out;
}

std::string DTypeRepr(v1::DType t) {
  switch (t) {
    case v1::DTYPE_BOOL:
      return "torch.bool";
    case v1::DTYPE_INT32:
      return "torch.int32";
    case v1::DTYPE_INT64:
      return "torch.int64";
    case v1::DTYPE_FLOAT32:
      return "torch.float32";
    case v1::DTYPE_FLOAT64:
      return "torch.float64";
    case v1::DTYPE_COMPLEX64:
      return "torch.complex64";
    default:
      return "torch.unknown";
  }
}

namespace {
// Python's repr of a float inside a complex: no ".0" for integral values.
std::string ComplexPart(double v) {
  std::string s = PyFloatRepr(v);
  if (s.size() > 2 && s.substr(s.size() - 2) == ".0") s.resize(s.size() - 2);
  return s;
}
}  // namespace

std::string ScalarStr(const Value& v) {
  switch (v.kind) {
    case Kind::kNone:
      return "None";
    case Kind::kBool:
      return v.b ? "True" : "False";
    case Kind::kInt:
      return absl::StrCat(v.i);
    case Kind::kFloat:
      return PyFloatRepr(v.f);
    case Kind::kComplex: {
      const std::string im = ComplexPart(v.c.imag()) + "j";
      if (v.c.real() == 0 && !std::signbit(v.c.real())) return im;
      const bool neg = std::signbit(v.c.imag()) && !std::isnan(v.c.imag());
      return absl::StrCat("(", ComplexPart(v.c.real()), neg ? "" : "+", im,
                          ")");
    }
    case Kind::kStr:
      return v.s;
    default:
      return "<" + TypeName(v) + ">";
  }
}

}  // namespace tensord::script
