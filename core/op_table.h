// op_table.h — the one table of tensord's ops, by name.
//
// Each entry names an op as PyTorch does, lists its tensor inputs and typed
// attributes (with defaults), says whether it is differentiable, and points
// at the function that runs it. The server's Execute and ListOps, the
// client's discovery and the generic tests all read this table: adding an op
// means adding an entry here, its kernel, and its samples in the tests.
//
//   OpContext ctx;
//   AttrMap attrs = {{"dim", AttrValue(int64_t{0})}};
//   auto out = RunOp("cumsum", {x}, attrs, ctx);  // StatusOr<vector<Tensor>>
#ifndef TENSORD_CORE_OP_TABLE_H_
#define TENSORD_CORE_OP_TABLE_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/ops.h"

namespace tensord {

enum class AttrType {
  kInt,     // int64
  kInts,    // list of int64 (an int is accepted as a one-element list)
  kFloat,   // double (ints accepted)
  kScalar,  // a number that keeps its kind: bool, int or float
  kBool,
  kDType,
  kString,
  kOrd,  // a norm order: a number, "fro" or "nuc"
};

absl::string_view AttrTypeName(AttrType t);

// An attribute value; monostate means "None" (an optional attr left unset).
using AttrValue = std::variant<std::monostate, int64_t, std::vector<int64_t>,
                               double, bool, DType, std::string, Scalar>;
using AttrMap = std::map<std::string, AttrValue, std::less<>>;

struct AttrSpec {
  std::string name;
  AttrType type;
  bool required = false;
  AttrValue default_value;  // monostate: None
  std::string doc;
};

// What an op may need besides its inputs (the session's generator, which
// records its own undo in the current Transaction).
struct OpContext {
  Generator* generator = nullptr;
};

using OpFn = std::function<absl::StatusOr<std::vector<Tensor>>(
    const std::vector<Tensor>& inputs, const AttrMap& attrs, OpContext& ctx)>;

struct OpDef {
  std::string name;
  std::vector<std::string> inputs;  // names; with `variadic`, one list input
  bool variadic = false;            // takes any number (>= 1) of tensors
  // Inputs that must be given; the rest are optional (None). -1: all.
  int min_inputs = -1;
  std::vector<AttrSpec> attrs;
  std::vector<std::string> outputs;  // names of the outputs
  bool differentiable = true;
  bool inplace = false;  // modifies inputs[0] and returns it
  // An in-place view op (t_, squeeze_, ...): its result, a new tensor with
  // inputs[0]'s new geometry, takes inputs[0]'s place wherever the caller
  // refers to it (the server rebinds its handles and names).
  bool replaces_self = false;
  // What a Python front end makes of the one output: the tensor, or a
  // Python value (item() of a 0-d result: allclose, equal; a tuple of a 1-d
  // result: stride). The output is a tensor either way.
  bool python_value = false;
  // Python's positional order of inputs and attributes when it differs
  // from inputs-then-attributes (gather(input, dim, index)).
  std::vector<std::string> python_order;
  // As many outputs as the op makes (split, unbind): `outputs` names one.
  bool variable_outputs = false;
  std::string doc;
  OpFn fn;
};

// All ops, sorted by name. Never empty; entries live for the process.
const std::vector<OpDef>& OpTable();

// The op named `name`, or null.
const OpDef* FindOp(absl::string_view name);

// (alias, op): torch's second names of ops (arccos for acos, greater for
// gt, ...), entries of the table with the op's attributes and grad_fn.
const std::vector<std::pair<std::string, std::string>>& OpAliases();

// Validates arity and attribute names and types (INVALID_ARGUMENT), fills
// defaults, and runs the op. NOT_FOUND for an unknown op.
absl::StatusOr<std::vector<Tensor>> RunOp(absl::string_view name,
                                          const std::vector<Tensor>& inputs,
                                          const AttrMap& attrs, OpContext& ctx);

// Parses a Python index expression ("1, ::2, None, ...") into IndexItems.
absl::StatusOr<std::vector<IndexItem>> ParseIndexSpec(absl::string_view spec);

}  // namespace tensord

#endif  // TENSORD_CORE_OP_TABLE_H_
