// parser.h — parses tensorctl scripts (the Python subset PyTorch tensor code
// uses) into the syntax tree of ast.h. No evaluation happens here.
//
// Supported: expression statements, assignments (`a = b = 0`, `a, b = f()`,
// `x.grad = None`, `x[0] = 1`), augmented assignments, import / from-import,
// with, for, while, if/elif/else, pass, break, continue, del, assert; int,
// float, imaginary, string, True/False/None and `...` literals, names,
// attributes, calls with keyword arguments, subscripts with slices, lists,
// tuples, unary, binary, comparison (chained), boolean and conditional
// expressions with Python's precedence. Syntax errors are INVALID_ARGUMENT
// with CPython's wording and always the line number:
//   "line 3: SyntaxError: invalid syntax"
//   "line 2: IndentationError: unexpected indent"
// Nesting is bounded as in CPython (200 open brackets, 100 indentation
// levels, expressions 1000 deep), so parsing needs at most about 1 MB of
// stack.
//
//   absl::StatusOr<Program> program = Parse(
//       "import torch\n"
//       "with torch.no_grad():\n"
//       "    x = torch.ones(2, 3)[:, 1:]\n");
//   if (!program.ok()) return program.status();
//   ToString(program->statements[1]);
//   // "with torch.no_grad():\n    x = torch.ones(2, 3)[:, 1:]"
#ifndef TENSORD_CLIENT_SCRIPT_PARSER_H_
#define TENSORD_CLIENT_SCRIPT_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/script/ast.h"  // Program, ToString(), Symbol()

namespace tensord::script {

// Parses a whole script. The returned Program keeps a copy of `source`, so
// Program::Text() works after `source` is gone.
absl::StatusOr<Program> Parse(absl::string_view source);

// Parses input that is one expression or a bare tuple `a, b` (what Python's
// eval() accepts: surrounding whitespace and newlines are fine), e.g. for an
// interactive "print this" command. The result owns its data; its spans
// index into `source`.
absl::StatusOr<Expr> ParseExpression(absl::string_view source);

}  // namespace tensord::script

#endif  // TENSORD_CLIENT_SCRIPT_PARSER_H_
