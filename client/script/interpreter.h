// interpreter.h — runs tensorctl scripts (the Python subset PyTorch tensor
// code uses) against a tensord session.
//
// Python values live here; tensors live on the server. Evaluating a
// statement builds the op nodes of one Execute request (tensors made by the
// statement are "pending" node outputs), and the statement ends with that
// one round trip: results still referenced are kept (handles), variables are
// bound as session names (so `tensorctl eval` calls share them), values are
// returned where the statement prints or reads them, and handles the script
// dropped are released in the same request. Only a statement that needs a
// value in the middle (`if x.sum() > 0`, `x.shape[0] + 1`, ...) makes an
// extra round trip for it.
//
//   client::Session session = ...;
//   Interpreter interp(&session, {.echo = false});
//   TENSORD_RETURN_IF_ERROR(interp.Init());     // fetches the op schemas
//   absl::Status s = interp.Run(source);         // prints through `out`
//   // s: "line 3: RuntimeError: grad can be implicitly created only for
//   //     scalar outputs" (the code is the server's, or INVALID_ARGUMENT)
//   interp.Finish();                             // releases what is held
//
// Printing follows PyTorch 1.13 exactly (client/script/value.h, and
// core/print_format.h for tensors). Op calls are mapped onto the server's
// op table through ListOps, so a new op needs no change here.
#ifndef TENSORD_CLIENT_SCRIPT_INTERPRETER_H_
#define TENSORD_CLIENT_SCRIPT_INTERPRETER_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/client.h"
#include "client/script/ast.h"
#include "client/script/value.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::script {

struct InterpreterOptions {
  // Print the value of expression statements that are not None, as Python's
  // REPL does (tensorctl repl and eval).
  bool echo = false;
  // Names the script has not assigned may be tensors the session already
  // holds by name (tensorctl eval, or run/repl with --session). Python
  // values (numbers, strings, lists of them, ...) then persist in the
  // session too: Init reads them and Finish stores them, in the hidden
  // session tensor kPythonValuesName.
  bool session_names = false;
  // Where print() and echoes go; stdout when unset.
  std::function<void(absl::string_view)> out;
  // Echo values as JSON (tensorctl --output=json): one value per line.
  bool json = false;
};

// The session name under which a session's Python values are kept between
// tensorctl invocations: UTF-8 source of assignments, one byte per int32.
inline constexpr char kPythonValuesName[] = "__tensorctl_vars__";

class Interpreter {
 public:
  Interpreter(client::Session* session, InterpreterOptions options);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Fetches the server's op schemas. Call once before Run.
  absl::Status Init();

  // Parses and runs `source`, stopping at the first error: "line N:
  // ErrorType: message" (the line counted from `first_line`).
  absl::Status Run(absl::string_view source, int first_line = 1);

  // Releases the handles the interpreter still holds (the session's named
  // tensors stay). Run may not be called afterwards.
  absl::Status Finish();

  // Execute round trips made so far (for tests of the one-per-statement rule).
  int round_trips() const { return round_trips_; }

  // Python's str() and repr() of a value whose tensors have been fetched.
  std::string Str(const Value& v);
  std::string Repr(const Value& v);
  // The value as JSON (tensors: dtype, shape, nested data, flags).
  std::string Json(const Value& v);

 private:
  enum class Flow { kNormal, kBreak, kContinue };
  struct Keyword {
    std::string name;
    Value value;
  };

  // ---- statements
  absl::Status ExecBlock(const std::vector<Stmt>& body);
  absl::Status Exec(const Stmt& stmt);
  absl::Status ExecAssign(const Assign& a);
  absl::Status ExecAugAssign(const AugAssign& a);
  absl::Status ExecFor(const For& f);
  absl::Status ExecWith(const With& w);
  absl::Status AssignTo(const Expr& target, const Value& v);
  absl::Status BindName(const std::string& name, const Value& v);

  // ---- expressions
  absl::StatusOr<Value> Eval(const Expr& e);
  absl::StatusOr<Value> EvalName(const Name& n);
  absl::StatusOr<Value> EvalAttribute(const Attribute& a);
  absl::StatusOr<Value> EvalCall(const Call& c);
  absl::StatusOr<Value> EvalSubscript(const Subscript& s);
  absl::StatusOr<Value> EvalBinOp(BinaryOperator op, const Value& l,
                                  const Value& r);
  absl::StatusOr<Value> EvalUnary(UnaryOperator op, const Value& v);
  absl::StatusOr<Value> EvalCompare(CompareOperator op, const Value& l,
                                    const Value& r);
  absl::StatusOr<Value> GetAttr(const Value& obj, const std::string& attr);
  absl::StatusOr<Value> CallValue(const Value& f, ValueList args,
                                  std::vector<Keyword> kwargs);
  absl::StatusOr<Value> CallBuiltin(const std::string& name, ValueList args,
                                    std::vector<Keyword> kwargs);
  absl::StatusOr<Value> CallTorch(std::string name, ValueList args,
                                  std::vector<Keyword> kwargs, bool method);
  absl::StatusOr<Value> CallTensorMethod(const Value& self,
                                         const std::string& name,
                                         ValueList args,
                                         std::vector<Keyword> kwargs);
  absl::StatusOr<Value> CallOp(const std::string& op, const ValueList& args,
                               std::vector<Keyword> kwargs);
  absl::StatusOr<Value> MakeTensor(const Value& data,
                                   std::vector<Keyword> kwargs);
  absl::StatusOr<Value> FactoryRequiresGrad(const Value& t, bool flag);
  absl::StatusOr<bool> Truth(const Value& v);
  absl::StatusOr<std::string> IndexSpec(const Value& index);
  absl::StatusOr<ValueList> Iterate(const Value& v);

  // ---- the request being built
  // Appends a node; returns its outputs as pending tensors.
  absl::StatusOr<std::vector<Value>> AddNode(
      const std::string& op, const std::vector<v1::ValueRef>& inputs,
      const std::map<std::string, v1::AttrValue>& attrs, int outputs);
  absl::StatusOr<v1::ValueRef> Ref(const Value& v);
  // A pending tensor whose info (and value, if `value`) the next round trip
  // brings back: `t` itself when pending, otherwise an alias node of it.
  absl::StatusOr<TensorPtr> Probe(const TensorPtr& t, bool value);
  // Replaces the tensors inside `v` (recursively) by probes with values.
  absl::Status PrepareForPrint(Value* v);
  // Sends the request built so far (if any) and resolves its tensors.
  absl::Status Flush();
  absl::StatusOr<Value> Force(Value v);  // resolves lazy attributes
  absl::StatusOr<TensorPtr> Known(const TensorPtr& t);  // info known

  absl::Status ServerError(const absl::Status& s) const;
  absl::Status LoadPythonValues();
  absl::Status SavePythonValues();
  // The source that recreates the script's Python values ("" if none).
  std::string PythonValuesSource();

  client::Session* session_;
  InterpreterOptions options_;
  std::map<std::string, v1::OpSchema> ops_;
  std::map<std::string, Value> globals_;
  // Session names this interpreter bound or found (released when a variable
  // stops holding a tensor).
  std::set<std::string> server_names_;

  v1::ExecuteRequest request_;
  std::vector<std::weak_ptr<RemoteTensor>> pending_;
  std::vector<std::pair<int, std::weak_ptr<RemoteTensor>>> info_updates_;
  std::vector<TensorPtr> probes_;     // alias nodes that are never kept
  std::set<int> factory_grad_nodes_;  // requires_grad_ for requires_grad=
  std::shared_ptr<std::vector<std::string>> released_handles_;
  std::set<std::string> released_names_;
  int no_grad_depth_ = 0;
  int round_trips_ = 0;
  int epoch_ = 0;  // round trips that may have changed tensors
  int line_ = 0;   // of the statement running
  int first_line_ = 1;
  std::string loaded_values_;  // what LoadPythonValues found
  Flow flow_ = Flow::kNormal;
  const Program* program_ = nullptr;
};

}  // namespace tensord::script

#endif  // TENSORD_CLIENT_SCRIPT_INTERPRETER_H_
