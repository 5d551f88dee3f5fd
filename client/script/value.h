// value.h — the values of tensorctl's script language: the Python objects a
// tensor script handles (None, bool, int, float, str, list, tuple, slices,
// torch.Size, dtypes, modules, functions) and remote tensors, which live in a
// tensord session and are known here by handle or name plus what the server
// said about them (shape, dtype, flags, grad_fn).
//
// A tensor made during a statement is "pending" until the statement's one
// Execute round trip: it names a node of that request. The interpreter
// resolves it afterwards (handle, info, and the value when one was asked
// for). Values are cheap to copy: containers and tensors are shared, as
// Python shares objects.
#ifndef TENSORD_CLIENT_SCRIPT_VALUE_H_
#define TENSORD_CLIENT_SCRIPT_VALUE_H_

#include <complex>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::script {

// A tensor of the session. Destroying the last reference to a kept tensor
// queues its handle for release (sent with the next Execute).
struct RemoteTensor {
  using ReleaseFn = std::function<void(const std::string& handle)>;
  ~RemoteTensor() {
    if (!handle.empty() && on_release) on_release(handle);
  }
  bool pending() const { return node >= 0; }
  // False once known to be None (e.g. the .grad of a tensor that has none).
  bool defined() const { return !has_info || info.defined(); }

  // Pending: output `output` of node `node` of the request being built.
  int node = -1;
  int output = 0;
  // After the round trip: the handle the server keeps it under ("" for a
  // tensor only known by a session name, below).
  std::string handle;
  // A tensor of the session known by its name (tensorctl eval/--session).
  std::string name;
  bool has_info = false;
  v1::TensorInfo info;
  // The value, when it was fetched (and nothing has changed it since).
  std::optional<v1::TensorData> value;
  int value_epoch = -1;  // the round trip that returned `value`
  // A probe: an alias made only to read info or value; never kept.
  bool probe = false;
  ReleaseFn on_release;
};
using TensorPtr = std::shared_ptr<RemoteTensor>;

struct Value;
using ValueList = std::vector<Value>;

enum class Kind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kComplex,
  kStr,
  kList,
  kTuple,
  kSize,        // torch.Size: a tuple of ints
  kNamedTuple,  // torch.return_types.NAME(field=..., ...)
  kSlice,
  kEllipsis,
  kRange,
  kTensor,
  kDType,
  kModule,    // "torch", "torch.linalg"
  kFunction,  // builtins and torch functions, by qualified name
  kMethod,    // a bound method: `self` plus the method name
  kGradFn,    // a tensor's grad_fn object (its class name)
  kNoGrad,    // the torch.no_grad() context manager
  kLazy,      // an attribute of a pending tensor (`.shape`, `.item()`, ...):
              // `s` names it, `i` is its argument; the interpreter forces it
              // once the round trip has run
};

// A script value. Only the members of its kind are meaningful.
struct Value {
  Kind kind = Kind::kNone;
  bool b = false;
  int64_t i = 0;                     // int; range start
  double f = 0;                      // float
  std::complex<double> c;            // complex
  std::string s;                     // str; module, function or method name;
                                     // named tuple type; grad_fn name
  std::shared_ptr<ValueList> items;  // list, tuple, size, named tuple, slice
                                     // (lower, upper, step), range (3 ints),
                                     // bound method (its self)
  std::vector<std::string> fields;   // named tuple field names
  TensorPtr tensor;
  v1::DType dtype = v1::DTYPE_UNSPECIFIED;

  static Value None() { return Value(); }
  static Value Bool(bool v);
  static Value Int(int64_t v);
  static Value Float(double v);
  static Value Complex(std::complex<double> v);
  static Value Str(std::string v);
  static Value List(ValueList v);
  static Value Tuple(ValueList v);
  static Value Size(std::vector<int64_t> dims);
  static Value Tensor(TensorPtr t);
  static Value DType(v1::DType t);
  static Value Module(std::string name);
  static Value Function(std::string name);
  static Value Method(Value self, std::string name);

  bool is_none() const;  // None, or a tensor known to be None
  bool is_number() const {
    return kind == Kind::kBool || kind == Kind::kInt || kind == Kind::kFloat ||
           kind == Kind::kComplex;
  }
  bool is_sequence() const {
    return kind == Kind::kList || kind == Kind::kTuple || kind == Kind::kSize;
  }
};

// Python's type name of a value, as error messages show it: "int", "Tensor",
// "NoneType", "torch.Size", "module", ...
std::string TypeName(const Value& v);

// Python's repr(float): the shortest string that reads back to the same
// double, in the notation Python chooses ("1.0", "1e-05", "1e+16", "inf").
std::string PyFloatRepr(double v);

// "torch.float32", "torch.int64", ...
std::string DTypeRepr(v1::DType t);

// Python's str() of an int, float, bool, None, str, complex; for other kinds
// the caller (which can format tensors) is needed: see Interpreter::Str.
std::string ScalarStr(const Value& v);

}  // namespace tensord::script

#endif  // TENSORD_CLIENT_SCRIPT_VALUE_H_
