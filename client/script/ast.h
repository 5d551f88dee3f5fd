// ast.h — the syntax tree of tensorctl's script language: the part of Python
// that PyTorch tensor code uses. Parse() in parser.h builds it; the evaluator
// walks it. Nodes mirror Python's `ast` module (BinOp, Compare, Subscript,
// ...); each node is a plain struct held in a std::variant, and every node
// carries its 1-based line and column and the byte span of its source text.
// Single children are ExprPtr (null when optional and absent), lists of
// children are std::vector<Expr>.
//
//   absl::StatusOr<Program> program = Parse("y = -x ** 2 + b\n");
//   const Assign* assign = program->statements[0].As<Assign>();
//   ToString(assign->value);      // "((-(x ** 2)) + b)"
//   program->Text(assign->value); // "-x ** 2 + b"
//   if (const BinOp* add = assign->value.As<BinOp>()) { ... }
#ifndef TENSORD_CLIENT_SCRIPT_AST_H_
#define TENSORD_CLIENT_SCRIPT_AST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

namespace tensord::script {

// Where a node or token starts. Both are 1-based; the column counts bytes
// (a tab is one column).
struct SourceLocation {
  int line = 0;
  int column = 0;
};

// Byte offsets [begin, end) into the parsed source.
struct SourceSpan {
  size_t begin = 0;
  size_t end = 0;
};

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;

// ---------------------------------------------------------------- literals

struct IntLiteral {
  int64_t value = 0;  // 1_000, 0x1f, 0o17, 0b101 are all decoded
};

struct FloatLiteral {
  double value = 0;
  std::string spelling;  // as written: "1e-3", ".5", "5."
};

// `2j`, `1.5J`: a complex number with zero real part.
struct ImaginaryLiteral {
  double imag = 0;
  std::string spelling;  // as written, with the 'j'
};

// '...' or "..." (escapes decoded; adjacent literals concatenated).
struct StringLiteral {
  std::string value;  // UTF-8
};

struct BoolLiteral {
  bool value = false;
};

struct NoneLiteral {};

struct EllipsisLiteral {};  // `...`

// ------------------------------------------------------------ expressions

struct Name {
  std::string id;
};

// value.attr
struct Attribute {
  ExprPtr value;
  std::string attr;
};

// `name=value` inside a call.
struct Keyword {
  std::string arg;
  ExprPtr value;
  SourceLocation location;  // of `arg`
};

// func(args..., keywords...). Python requires positional arguments before
// keyword arguments, so each list is in source order and all of `args`
// precede all of `keywords`.
struct Call {
  ExprPtr func;
  std::vector<Expr> args;
  std::vector<Keyword> keywords;
};

// lower:upper:step, each part null when omitted. Appears only as a
// Subscript index or as an element of a Subscript's index tuple.
struct Slice {
  ExprPtr lower;
  ExprPtr upper;
  ExprPtr step;
};

// value[index]. `x[1, :, None, ...]` has a Tuple index whose elements are
// expressions, Slices, NoneLiteral or EllipsisLiteral; `x[i]` has index i.
struct Subscript {
  ExprPtr value;
  ExprPtr index;
};

struct List {
  std::vector<Expr> elts;
};

// (a, b), a, b and (). `parenthesized` is false for a bare `a, b` and for the
// index tuple of `x[a, b]`.
struct Tuple {
  std::vector<Expr> elts;
  bool parenthesized = false;
};

enum class UnaryOperator { kNeg, kPos, kNot, kInvert };  // - + not ~

struct UnaryOp {
  UnaryOperator op = UnaryOperator::kNeg;
  ExprPtr operand;
};

enum class BinaryOperator {
  kAdd,       // +
  kSub,       // -
  kMul,       // *
  kDiv,       // /
  kFloorDiv,  // //
  kMod,       // %
  kPow,       // **
  kMatMul,    // @
  kLShift,    // <<
  kRShift,    // >>
  kBitAnd,    // &
  kBitOr,     // |
  kBitXor,    // ^
};

struct BinOp {
  BinaryOperator op = BinaryOperator::kAdd;
  ExprPtr left;
  ExprPtr right;
};

enum class CompareOperator {
  kEq,
  kNotEq,
  kLt,
  kLtE,
  kGt,
  kGtE,
  kIn,
  kNotIn,
  kIs,
  kIsNot
};

// left ops[0] comparators[0] ops[1] comparators[1] ...; `a < b < c` is one
// Compare meaning (a < b) and (b < c) with b evaluated once.
struct Compare {
  ExprPtr left;
  std::vector<CompareOperator> ops;
  std::vector<Expr> comparators;
};

enum class BoolOperator { kAnd, kOr };

// `a and b and c` is one BoolOp with three values (short-circuit).
struct BoolOp {
  BoolOperator op = BoolOperator::kAnd;
  std::vector<Expr> values;
};

// body if test else orelse
struct IfExp {
  ExprPtr test;
  ExprPtr body;
  ExprPtr orelse;
};

struct Expr {
  using Node =
      std::variant<IntLiteral, FloatLiteral, ImaginaryLiteral, StringLiteral,
                   BoolLiteral, NoneLiteral, EllipsisLiteral, Name, Attribute,
                   Call, Slice, Subscript, List, Tuple, UnaryOp, BinOp, Compare,
                   BoolOp, IfExp>;

  template <typename T>
  bool Is() const {
    return std::holds_alternative<T>(node);
  }
  template <typename T>
  const T* As() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* As() {
    return std::get_if<T>(&node);
  }

  Node node;
  SourceLocation location;  // first character (for BinOp: of the left side)
  SourceSpan span;          // a parenthesised expression excludes its parens
                            // (a parenthesised tuple includes them)
};

// -------------------------------------------------------------- statements

struct ExprStmt {
  Expr value;
};

// targets[0] = targets[1] = ... = value. A target is a Name, Attribute,
// Subscript, or a Tuple/List of targets (`a, b = f()`).
struct Assign {
  std::vector<Expr> targets;
  Expr value;
};

// target op= value; target is a Name, Attribute or Subscript.
struct AugAssign {
  Expr target;
  BinaryOperator op = BinaryOperator::kAdd;
  Expr value;
};

// `torch.nn as nn` in an import, `x as y` in a from-import.
struct ImportAlias {
  std::string name;    // dotted for `import`; "*" for `from m import *`
  std::string asname;  // empty without `as`
  SourceLocation location;
};

// import torch, torch.nn as nn
struct Import {
  std::vector<ImportAlias> names;
};

// from torch import x, y as z (absolute imports only)
struct ImportFrom {
  std::string module;  // dotted
  std::vector<ImportAlias> names;
};

struct WithItem {
  Expr context_expr;
  ExprPtr optional_vars;  // the `as` target, null without `as`
};

struct With {
  std::vector<WithItem> items;
  std::vector<Stmt> body;
};

// for target in iter: body [else: orelse]
struct For {
  Expr target;
  Expr iter;
  std::vector<Stmt> body;
  std::vector<Stmt> orelse;
};

struct While {
  Expr test;
  std::vector<Stmt> body;
  std::vector<Stmt> orelse;
};

// `elif` is an If as the only statement of orelse (as in Python's ast).
struct If {
  Expr test;
  std::vector<Stmt> body;
  std::vector<Stmt> orelse;
};

struct Pass {};
struct Break {};
struct Continue {};

struct Delete {
  std::vector<Expr> targets;
};

struct Assert {
  Expr test;
  ExprPtr msg;  // null without a message
};

struct Stmt {
  using Node =
      std::variant<ExprStmt, Assign, AugAssign, Import, ImportFrom, With, For,
                   While, If, Pass, Break, Continue, Delete, Assert>;

  template <typename T>
  bool Is() const {
    return std::holds_alternative<T>(node);
  }
  template <typename T>
  const T* As() const {
    return std::get_if<T>(&node);
  }
  template <typename T>
  T* As() {
    return std::get_if<T>(&node);
  }

  Node node;
  SourceLocation location;
  SourceSpan span;  // a compound statement's span ends with its last body
                    // statement; no span includes the trailing newline
};

// A parsed script: its statements and a copy of the source they index into.
struct Program {
  // The exact source text of a node of this program, e.g. for echoing.
  absl::string_view Text(const Expr& expr) const;
  absl::string_view Text(const Stmt& stmt) const;

  std::string source;
  std::vector<Stmt> statements;
};

// Canonical, fully parenthesised source: every unary, binary, comparison,
// boolean and conditional expression is wrapped in parentheses, ints are
// printed in decimal, floats as spelled, strings as Python's repr() would.
// The result is valid script text that parses back to the same tree.
//   ToString(*Parse("-2**2")...) == "(-(2 ** 2))"
std::string ToString(const Expr& expr);
// Blocks are printed over several lines with four-space indentation.
std::string ToString(const Stmt& stmt);
// The statements, one per line.
std::string ToString(const Program& program);

// "+", "//", "@", ...; "-", "+", "not", "~"; "==", "not in", "is not", ...
absl::string_view Symbol(BinaryOperator op);
absl::string_view Symbol(UnaryOperator op);
absl::string_view Symbol(CompareOperator op);
absl::string_view Symbol(BoolOperator op);

// The expression kind as Python's error messages name it: "name", "literal",
// "function call", "subscript", "attribute", "expression", "comparison", ...
absl::string_view DescribeKind(const Expr& expr);

// Python's repr() of a string: 'it''s' -> "it's", "a\nb" -> 'a\nb'.
std::string QuoteString(absl::string_view value);

}  // namespace tensord::script

#endif  // TENSORD_CLIENT_SCRIPT_AST_H_
