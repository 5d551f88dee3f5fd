// lexer.h — Python-style tokenizer for tensorctl scripts (used by parser.h).
//
// Turns source text into NAME / number / STRING / OP tokens plus NEWLINE,
// INDENT and DEDENT from indentation, as CPython's tokenizer does: blank and
// comment-only lines produce nothing, newlines inside (), [] and {} and after
// a backslash are ignored, tabs advance to the next multiple of 8 and an
// indentation that depends on the tab size is a TabError.
//
//   TokenStream s = Tokenize("with torch.no_grad():\n    y = x * 2\n");
//   // s.status.ok(); s.tokens: NAME 'with', NAME 'torch', OP '.', ...,
//   // OP ':', NEWLINE, INDENT, NAME 'y', ..., NEWLINE, DEDENT, ENDMARKER
#ifndef TENSORD_CLIENT_SCRIPT_LEXER_H_
#define TENSORD_CLIENT_SCRIPT_LEXER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/script/ast.h"

namespace tensord::script {

enum class TokenKind {
  kName,       // identifiers and keywords (see IsKeyword)
  kInt,        // int_value
  kFloat,      // float_value
  kImaginary,  // float_value holds the imaginary part of `2j`
  kString,     // string_value (decoded)
  kOp,         // operators and delimiters: "+", "**=", "(", "...", ...
  kUnknown,    // a character that starts no token, e.g. '$' or '?'
  kNewline,    // end of a logical line
  kIndent,
  kDedent,
  kEndMarker,  // end of input
  kError,      // lexing stopped here; TokenStream::status says why
};

struct Token {
  TokenKind kind = TokenKind::kEndMarker;
  absl::string_view text;  // the source text (empty for INDENT, DEDENT and
                           // ENDMARKER); views the tokenized source
  SourceLocation location;
  SourceSpan span;
  int depth = 0;  // bracket nesting: 0 outside brackets; a bracket pair is
                  // at the level around it
  int64_t int_value = 0;
  double float_value = 0;
  std::string string_value;
};

// The tokens of a source. On a lexical error `tokens` holds everything before
// the error followed by one kError token at the error's position, and
// `status` is INVALID_ARGUMENT "line N: SyntaxError: ..." (or
// IndentationError / TabError). Otherwise the last token is kEndMarker.
struct TokenStream {
  std::vector<Token> tokens;
  absl::Status status;

  // Which syntax errors found by a parser before the lexical error the
  // lexical error replaces (CPython reports most lexical errors first):
  enum class ErrorScope {
    // Any but "unexpected indent" (bad literals and strings, unmatched
    // brackets, invalid characters).
    kEverywhere,
    // "'(' was never closed": errors on later lines than the bracket.
    kUnclosedBracket,
    // None; reported only where parsing gets to it (indentation, a bad line
    // continuation, too deep nesting).
    kLocal,
  };
  ErrorScope error_scope = ErrorScope::kEverywhere;
};

// The source must outlive the returned tokens (their `text` views it).
TokenStream Tokenize(absl::string_view source);

// Python's hard keywords ("if", "None", "lambda", ...).
bool IsKeyword(absl::string_view name);

// Builds the INVALID_ARGUMENT status every script error uses:
// SyntaxErrorStatus("SyntaxError", 3, "invalid syntax") is
// "line 3: SyntaxError: invalid syntax".
absl::Status SyntaxErrorStatus(absl::string_view type, int line,
                               absl::string_view message);

}  // namespace tensord::script

#endif  // TENSORD_CLIENT_SCRIPT_LEXER_H_
