// parser.cc — recursive-descent parser for tensorctl scripts (see parser.h).
//
// The grammar follows CPython's (Grammar/python.gram) restricted to the
// supported statements and expressions; error messages follow CPython 3.11.
#include "client/script/parser.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "client/script/ast.h"
#include "client/script/lexer.h"
#include "core/status_macros.h"

namespace tensord::script {
namespace {

// Bounds the depth of expression trees (unary chains, `a + b + ...`, nested
// calls and brackets) so that parsing, printing, destroying and evaluating
// them cannot exhaust the stack. Statement nesting is bounded by the
// lexer's 100 indentation levels.
constexpr int kMaxNesting = 1000;

enum class TargetUse { kAssign, kFor, kWith, kDelete };

ExprPtr Box(Expr expr) { return std::make_unique<Expr>(std::move(expr)); }

// The first part of an assignment target that cannot be assigned to (or
// deleted), or null if the target is valid.
const Expr* FindInvalidTarget(const Expr& target) {
  if (target.Is<Name>() || target.Is<Attribute>() || target.Is<Subscript>()) {
    return nullptr;
  }
  const std::vector<Expr>* elts = nullptr;
  if (const Tuple* tuple = target.As<Tuple>()) elts = &tuple->elts;
  if (const List* list = target.As<List>()) elts = &list->elts;
  if (elts == nullptr) return &target;
  for (const Expr& elt : *elts) {
    if (const Expr* bad = FindInvalidTarget(elt)) return bad;
  }
  return nullptr;
}

// CPython adds "here. Maybe you meant '==' instead of '='?" when the
// invalid target could be the left side of a mistyped comparison.
bool MayBeMistypedComparison(const Expr& expr) {
  if (expr.Is<Compare>() || expr.Is<BoolOp>() || expr.Is<IfExp>() ||
      expr.Is<BoolLiteral>() || expr.Is<NoneLiteral>() || expr.Is<List>() ||
      expr.Is<Tuple>()) {
    return false;
  }
  const UnaryOp* unary = expr.As<UnaryOp>();
  return unary == nullptr || unary->op != UnaryOperator::kNot;
}

bool IsAugAssignOp(absl::string_view text, BinaryOperator* op) {
  static constexpr std::pair<absl::string_view, BinaryOperator> kOps[] = {
      {"+=", BinaryOperator::kAdd},       {"-=", BinaryOperator::kSub},
      {"*=", BinaryOperator::kMul},       {"/=", BinaryOperator::kDiv},
      {"//=", BinaryOperator::kFloorDiv}, {"%=", BinaryOperator::kMod},
      {"**=", BinaryOperator::kPow},      {"@=", BinaryOperator::kMatMul},
      {"<<=", BinaryOperator::kLShift},   {">>=", BinaryOperator::kRShift},
      {"&=", BinaryOperator::kBitAnd},    {"|=", BinaryOperator::kBitOr},
      {"^=", BinaryOperator::kBitXor}};
  for (const auto& [symbol, value] : kOps) {
    if (text == symbol) {
      *op = value;
      return true;
    }
  }
  return false;
}

// The binary operator spelled `text` and its precedence (1 = loosest:
// | ^ & << >> + - * / // % @), or 0 if `text` is none.
int BinaryPrecedence(absl::string_view text, BinaryOperator* op) {
  static constexpr struct {
    absl::string_view text;
    BinaryOperator op;
    int precedence;
  } kOps[] = {
      {"|", BinaryOperator::kBitOr, 1},   {"^", BinaryOperator::kBitXor, 2},
      {"&", BinaryOperator::kBitAnd, 3},  {"<<", BinaryOperator::kLShift, 4},
      {">>", BinaryOperator::kRShift, 4}, {"+", BinaryOperator::kAdd, 5},
      {"-", BinaryOperator::kSub, 5},     {"*", BinaryOperator::kMul, 6},
      {"/", BinaryOperator::kDiv, 6},     {"//", BinaryOperator::kFloorDiv, 6},
      {"%", BinaryOperator::kMod, 6},     {"@", BinaryOperator::kMatMul, 6}};
  for (const auto& entry : kOps) {
    if (entry.text == text) {
      *op = entry.op;
      return entry.precedence;
    }
  }
  return 0;
}

// The loosest binary operator precedence: ParseBinary(kBitwiseOr) parses
// what Python's grammar calls bitwise_or (comparison operands, targets).
constexpr int kBitwiseOr = 1;

class Parser {
 public:
  explicit Parser(TokenStream stream)
      : tokens_(std::move(stream.tokens)),
        lex_status_(std::move(stream.status)),
        lex_error_scope_(stream.error_scope) {}

  absl::StatusOr<std::vector<Stmt>> ParseFile() {
    std::vector<Stmt> statements;
    while (Peek().kind != TokenKind::kEndMarker) {
      absl::Status status = ParseStatement(&statements);
      if (!status.ok()) return PreferLexError(std::move(status));
    }
    if (!deferred_.ok()) return deferred_;
    return statements;
  }

  absl::StatusOr<Expr> ParseEvalInput() {
    while (Peek().kind == TokenKind::kIndent) Next();
    absl::StatusOr<Expr> expr = ParseExpressionList(false);
    if (!expr.ok()) return PreferLexError(expr.status());
    while (Peek().kind == TokenKind::kNewline ||
           Peek().kind == TokenKind::kDedent) {
      Next();
    }
    if (Peek().kind != TokenKind::kEndMarker) {
      return PreferLexError(InvalidSyntax());
    }
    return expr;
  }

 private:
  // RAII depth counter for recursive rules.
  class Nested {
   public:
    explicit Nested(int* depth) : depth_(depth) { ++*depth_; }
    ~Nested() { --*depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;
    bool too_deep() const { return *depth_ > kMaxNesting; }

   private:
    int* depth_;
  };

  // ------------------------------------------------------------ tokens

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    if (token.kind != TokenKind::kNewline && token.kind != TokenKind::kIndent &&
        token.kind != TokenKind::kDedent &&
        token.kind != TokenKind::kEndMarker &&
        token.kind != TokenKind::kError) {
      prev_end_ = token.span.end;
    }
    return token;
  }
  bool AtOp(absl::string_view op, size_t ahead = 0) const {
    const Token& token = Peek(ahead);
    return token.kind == TokenKind::kOp && token.text == op;
  }
  bool AtKeyword(absl::string_view keyword, size_t ahead = 0) const {
    const Token& token = Peek(ahead);
    return token.kind == TokenKind::kName && token.text == keyword;
  }
  bool AcceptOp(absl::string_view op) {
    if (!AtOp(op)) return false;
    Next();
    return true;
  }
  bool AcceptKeyword(absl::string_view keyword) {
    if (!AtKeyword(keyword)) return false;
    Next();
    return true;
  }
  bool AtNewline() const { return Peek().kind == TokenKind::kNewline; }

  // Whether the token can begin an expression.
  static bool StartsExpression(const Token& token) {
    switch (token.kind) {
      case TokenKind::kName:
        return !IsKeyword(token.text) || token.text == "True" ||
               token.text == "False" || token.text == "None" ||
               token.text == "not" || token.text == "lambda" ||
               token.text == "await" || token.text == "yield";
      case TokenKind::kInt:
      case TokenKind::kFloat:
      case TokenKind::kImaginary:
      case TokenKind::kString:
        return true;
      case TokenKind::kOp:
        return token.text == "(" || token.text == "[" || token.text == "{" ||
               token.text == "-" || token.text == "+" || token.text == "~" ||
               token.text == "..." || token.text == "*";
      default:
        return false;
    }
  }

  // ------------------------------------------------------------ errors

  // An error at `token` (on `line` if given, else the token's line). An
  // error where lexing stopped is the lexer's error.
  absl::Status ErrorAt(const Token& token, absl::string_view message,
                       absl::string_view type = "SyntaxError",
                       int line = 0) const {
    if (token.kind == TokenKind::kError) return lex_status_;
    return SyntaxErrorStatus(type, line > 0 ? line : token.location.line,
                             message);
  }
  absl::Status ErrorAt(const Expr& expr, absl::string_view message) const {
    return SyntaxErrorStatus("SyntaxError", expr.location.line, message);
  }
  absl::Status InvalidSyntax() const {
    return ErrorAt(Peek(), "invalid syntax");
  }
  absl::Status NotSupported(const Token& token, absl::string_view what) {
    return ErrorAt(token,
                   absl::StrCat(what, " not supported in tensorctl scripts"));
  }
  // Two expressions side by side inside brackets, as in `f(a b)`.
  absl::Status MissingComma(const Expr& previous) const {
    if (!StartsExpression(Peek())) return InvalidSyntax();
    if (lex_error_scope_ == TokenStream::ErrorScope::kUnclosedBracket &&
        InsideUnclosedBracket(Peek())) {
      return lex_status_;
    }
    return ErrorAt(previous, "invalid syntax. Perhaps you forgot a comma?");
  }
  // Whether `token` is inside a bracket that is still open at the end of the
  // input (where CPython reports a missing comma as "'(' was never closed").
  bool InsideUnclosedBracket(const Token& token) const {
    for (size_t i = static_cast<size_t>(&token - tokens_.data());
         i < tokens_.size(); ++i) {
      if (tokens_[i].depth == 0) return false;
    }
    return true;
  }
  // CPython reports most lexical errors even when parsing failed before
  // them: after a parse error it tokenizes the rest of the source. An
  // unclosed bracket wins over errors on later lines than the bracket.
  // "unexpected indent" and errors the lexer only finds at its own place
  // (indentation, line continuation) never win.
  absl::Status PreferLexError(absl::Status error) const {
    if (lex_status_.ok() || keep_error_) return error;
    switch (lex_error_scope_) {
      case TokenStream::ErrorScope::kEverywhere:
        return lex_status_;
      case TokenStream::ErrorScope::kUnclosedBracket:
        return StatusLine(error) > StatusLine(lex_status_) ? lex_status_
                                                           : error;
      case TokenStream::ErrorScope::kLocal:
        return error;
    }
    return error;
  }
  // N of "line N: ...".
  static int StatusLine(const absl::Status& status) {
    const absl::string_view message = status.message();
    const size_t colon = message.find(':');
    int line = 0;
    if (!absl::StartsWith(message, "line ") || colon == message.npos ||
        !absl::SimpleAtoi(message.substr(5, colon - 5), &line)) {
      return 0;
    }
    return line;
  }
  // Errors CPython only reports after parsing ('return' outside function,
  // 'break' outside loop): the first one wins unless parsing fails.
  void Defer(absl::Status status) {
    if (deferred_.ok()) deferred_ = std::move(status);
  }
  // The colon of a compound statement's header. CPython says "expected
  // ':'" when the line ends there (always after `else`), "invalid syntax"
  // when something else follows.
  absl::Status ExpectColon(bool always_expected = false) {
    if (AcceptOp(":")) return absl::OkStatus();
    if (!always_expected && !AtNewline()) return InvalidSyntax();
    return ErrorAt(Peek(), "expected ':'");
  }
  absl::Status TooDeep() const {
    return ErrorAt(Peek(),
                   absl::StrCat("expression nested too deeply (more than ",
                                kMaxNesting, " levels)"));
  }

  absl::Status CheckTarget(const Expr& target, TargetUse use,
                           bool single_assignment) const {
    const Expr* bad = FindInvalidTarget(target);
    if (bad == nullptr) return absl::OkStatus();
    std::string message = absl::StrCat(
        use == TargetUse::kDelete ? "cannot delete " : "cannot assign to ",
        DescribeKind(*bad));
    // As CPython: `1 = x` and `a, f() = x` suggest a comparison.
    const Tuple* tuple = target.As<Tuple>();
    const bool last_before_equals =
        bad == &target || (tuple != nullptr && !tuple->parenthesized &&
                           bad == &tuple->elts.back());
    if (use == TargetUse::kAssign && single_assignment && last_before_equals &&
        MayBeMistypedComparison(*bad)) {
      absl::StrAppend(&message, " here. Maybe you meant '==' instead of '='?");
    }
    return ErrorAt(*bad, message);
  }

  // ------------------------------------------------------------ nodes

  Expr MakeExpr(Expr::Node node, const Token& start) const {
    Expr expr;
    expr.node = std::move(node);
    expr.location = start.location;
    expr.span = {start.span.begin, prev_end_};
    return expr;
  }
  Stmt MakeStmt(Stmt::Node node, const Token& start) const {
    Stmt stmt;
    stmt.node = std::move(node);
    stmt.location = start.location;
    stmt.span = {start.span.begin, prev_end_};
    return stmt;
  }

  // ------------------------------------------------------------ statements

  absl::Status ParseStatement(std::vector<Stmt>* out) {
    const Token& token = Peek();
    if (token.kind == TokenKind::kIndent) {
      keep_error_ = true;
      return ErrorAt(token, "unexpected indent", "IndentationError");
    }
    if (token.kind == TokenKind::kDedent) {
      return ErrorAt(token, "unexpected unindent", "IndentationError");
    }
    if (token.kind == TokenKind::kName) {
      if (token.text == "if") return Append(ParseIf(), out);
      if (token.text == "for") return Append(ParseFor(), out);
      if (token.text == "while") return Append(ParseWhile(), out);
      if (token.text == "with") return Append(ParseWith(), out);
      if (token.text == "def" || token.text == "class" || token.text == "try" ||
          token.text == "async") {
        return NotSupported(token,
                            absl::StrCat("'", token.text, "' statements are"));
      }
    }
    return ParseSimpleStatements(out);
  }

  static absl::Status Append(absl::StatusOr<Stmt> stmt,
                             std::vector<Stmt>* out) {
    if (!stmt.ok()) return stmt.status();
    out->push_back(*std::move(stmt));
    return absl::OkStatus();
  }

  // simple_stmt (';' simple_stmt)* [';'] NEWLINE
  absl::Status ParseSimpleStatements(std::vector<Stmt>* out) {
    while (true) {
      TENSORD_ASSIGN_OR_RETURN(Stmt stmt, ParseSimpleStatement());
      out->push_back(std::move(stmt));
      if (!AcceptOp(";") || AtNewline()) break;
    }
    if (!AtNewline()) return InvalidSyntax();
    Next();
    return absl::OkStatus();
  }

  absl::StatusOr<Stmt> ParseSimpleStatement() {
    const Token& start = Peek();
    if (start.kind == TokenKind::kName) {
      const absl::string_view word = start.text;
      if (word == "pass" || word == "break" || word == "continue") {
        Next();
        if (word == "pass") return MakeStmt(Pass{}, start);
        if (loop_depth_ == 0) {
          Defer(ErrorAt(start, word == "break"
                                   ? "'break' outside loop"
                                   : "'continue' not properly in loop"));
        }
        if (word == "break") return MakeStmt(Break{}, start);
        return MakeStmt(Continue{}, start);
      }
      if (word == "del") return ParseDelete();
      if (word == "import") return ParseImport();
      if (word == "from") return ParseImportFrom();
      if (word == "assert") return ParseAssert();
      if (word == "return") {
        Next();
        if (!AtNewline() && !AtOp(";")) {
          TENSORD_RETURN_IF_ERROR(ParseExpressionList(false).status());
        }
        Defer(ErrorAt(start, "'return' outside function"));
        return MakeStmt(Pass{}, start);
      }
      if (word == "global" || word == "nonlocal" || word == "raise") {
        return NotSupported(start, absl::StrCat("'", word, "' statements are"));
      }
    }
    return ParseExpressionStatement();
  }

  absl::StatusOr<Stmt> ParseExpressionStatement() {
    const Token& start = Peek();
    TENSORD_ASSIGN_OR_RETURN(Expr first, ParseExpressionList(false));
    if (AtOp("=")) {
      std::vector<Expr> exprs;
      exprs.push_back(std::move(first));
      while (AcceptOp("=")) {
        TENSORD_ASSIGN_OR_RETURN(Expr next, ParseExpressionList(false));
        exprs.push_back(std::move(next));
      }
      Assign assign;
      assign.value = std::move(exprs.back());
      exprs.pop_back();
      for (const Expr& target : exprs) {
        TENSORD_RETURN_IF_ERROR(CheckTarget(target, TargetUse::kAssign,
                                            /*single_assignment=*/
                                            exprs.size() == 1));
      }
      assign.targets = std::move(exprs);
      return MakeStmt(std::move(assign), start);
    }
    BinaryOperator op;
    if (Peek().kind == TokenKind::kOp && IsAugAssignOp(Peek().text, &op)) {
      if (!first.Is<Name>() && !first.Is<Attribute>() &&
          !first.Is<Subscript>()) {
        return ErrorAt(first, absl::StrFormat("'%s' is an illegal expression "
                                              "for augmented assignment",
                                              DescribeKind(first)));
      }
      Next();
      TENSORD_ASSIGN_OR_RETURN(Expr value, ParseExpressionList(false));
      return MakeStmt(AugAssign{std::move(first), op, std::move(value)}, start);
    }
    if (AtOp(":") &&
        (first.Is<Name>() || first.Is<Attribute>() || first.Is<Subscript>())) {
      return NotSupported(Peek(), "variable annotations are");
    }
    if (const Name* name = first.As<Name>();
        name != nullptr && name->id == "print" && StartsExpression(Peek())) {
      return ErrorAt(first,
                     "Missing parentheses in call to 'print'. Did you mean "
                     "print(...)?");
    }
    return MakeStmt(ExprStmt{std::move(first)}, start);
  }

  absl::StatusOr<Stmt> ParseDelete() {
    const Token& start = Next();
    TENSORD_ASSIGN_OR_RETURN(Expr targets, ParseExpressionList(false));
    Delete del;
    Tuple* tuple = targets.As<Tuple>();
    if (tuple != nullptr && !tuple->parenthesized) {
      del.targets = std::move(tuple->elts);
    } else {
      del.targets.push_back(std::move(targets));
    }
    for (const Expr& target : del.targets) {
      TENSORD_RETURN_IF_ERROR(CheckTarget(target, TargetUse::kDelete, false));
    }
    return MakeStmt(std::move(del), start);
  }

  absl::StatusOr<Stmt> ParseAssert() {
    const Token& start = Next();
    TENSORD_ASSIGN_OR_RETURN(Expr test, ParseExpression());
    ExprPtr msg;
    if (AcceptOp(",")) {
      TENSORD_ASSIGN_OR_RETURN(Expr message, ParseExpression());
      msg = Box(std::move(message));
    }
    return MakeStmt(Assert{std::move(test), std::move(msg)}, start);
  }

  absl::StatusOr<std::string> ParseIdentifier() {
    const Token& token = Peek();
    if (token.kind != TokenKind::kName || IsKeyword(token.text)) {
      return InvalidSyntax();
    }
    Next();
    return std::string(token.text);
  }

  absl::StatusOr<std::string> ParseDottedName() {
    TENSORD_ASSIGN_OR_RETURN(std::string name, ParseIdentifier());
    while (AcceptOp(".")) {
      TENSORD_ASSIGN_OR_RETURN(std::string part, ParseIdentifier());
      absl::StrAppend(&name, ".", part);
    }
    return name;
  }

  // import a.b [as c], ...
  absl::StatusOr<Stmt> ParseImport() {
    const Token& start = Next();
    Import import;
    do {
      ImportAlias alias;
      alias.location = Peek().location;
      TENSORD_ASSIGN_OR_RETURN(alias.name, ParseDottedName());
      if (AcceptKeyword("as")) {
        TENSORD_ASSIGN_OR_RETURN(alias.asname, ParseIdentifier());
      }
      import.names.push_back(std::move(alias));
    } while (AcceptOp(","));
    return MakeStmt(std::move(import), start);
  }

  // from a.b import (x [as y], ... [,]) | x [as y], ... | *
  absl::StatusOr<Stmt> ParseImportFrom() {
    const Token& start = Next();
    if (AtOp(".") || AtOp("...")) {
      return NotSupported(Peek(), "relative imports are");
    }
    ImportFrom from;
    TENSORD_ASSIGN_OR_RETURN(from.module, ParseDottedName());
    if (!AcceptKeyword("import")) return InvalidSyntax();
    if (AtOp("*")) {
      from.names.push_back({"*", "", Next().location});
      return MakeStmt(std::move(from), start);
    }
    const bool parenthesized = AcceptOp("(");
    while (true) {
      ImportAlias alias;
      alias.location = Peek().location;
      TENSORD_ASSIGN_OR_RETURN(alias.name, ParseIdentifier());
      if (AcceptKeyword("as")) {
        TENSORD_ASSIGN_OR_RETURN(alias.asname, ParseIdentifier());
      }
      from.names.push_back(std::move(alias));
      if (!AcceptOp(",")) break;
      if (parenthesized && AtOp(")")) break;
      if (!parenthesized && (AtNewline() || AtOp(";"))) {
        return ErrorAt(Peek(),
                       "trailing comma not allowed without "
                       "surrounding parentheses");
      }
    }
    if (parenthesized && !AcceptOp(")")) return InvalidSyntax();
    return MakeStmt(std::move(from), start);
  }

  // NEWLINE INDENT statement+ DEDENT, or simple statements on the header's
  // line.
  absl::StatusOr<std::vector<Stmt>> ParseBlock(absl::string_view keyword,
                                               int line) {
    std::vector<Stmt> body;
    if (!AtNewline()) {
      TENSORD_RETURN_IF_ERROR(ParseSimpleStatements(&body));
      return body;
    }
    Next();
    if (Peek().kind != TokenKind::kIndent) {
      return ErrorAt(Peek(),
                     absl::StrFormat("expected an indented block after '%s' "
                                     "statement on line %d",
                                     keyword, line),
                     "IndentationError");
    }
    Next();
    while (Peek().kind != TokenKind::kDedent) {
      TENSORD_RETURN_IF_ERROR(ParseStatement(&body));
    }
    Next();
    return body;
  }

  // The `else:` block of if / for / while, empty without one.
  absl::StatusOr<std::vector<Stmt>> ParseElse() {
    if (!AtKeyword("else")) return std::vector<Stmt>();
    const Token& keyword = Next();
    TENSORD_RETURN_IF_ERROR(ExpectColon(/*always_expected=*/true));
    return ParseBlock("else", keyword.location.line);
  }

  // The condition of if / elif / while.
  absl::StatusOr<Expr> ParseCondition() {
    TENSORD_ASSIGN_OR_RETURN(Expr test, ParseExpression());
    if (AtOp("=")) {
      return ErrorAt(test,
                     "invalid syntax. Maybe you meant '==' or ':=' instead "
                     "of '='?");
    }
    TENSORD_RETURN_IF_ERROR(ExpectColon());
    return test;
  }

  // if / elif: an `elif` becomes an If alone in the else block.
  absl::StatusOr<Stmt> ParseIf() {
    Nested nested(&depth_);
    if (nested.too_deep()) return TooDeep();
    const Token& keyword = Next();
    TENSORD_ASSIGN_OR_RETURN(Expr test, ParseCondition());
    If stmt;
    stmt.test = std::move(test);
    TENSORD_ASSIGN_OR_RETURN(stmt.body,
                             ParseBlock(keyword.text, keyword.location.line));
    if (AtKeyword("elif")) {
      TENSORD_ASSIGN_OR_RETURN(Stmt elif, ParseIf());
      stmt.orelse.push_back(std::move(elif));
    } else {
      TENSORD_ASSIGN_OR_RETURN(stmt.orelse, ParseElse());
    }
    return MakeStmt(std::move(stmt), keyword);
  }

  absl::StatusOr<Stmt> ParseFor() {
    const Token& keyword = Next();
    For stmt;
    TENSORD_ASSIGN_OR_RETURN(stmt.target, ParseExpressionList(true));
    TENSORD_RETURN_IF_ERROR(CheckTarget(stmt.target, TargetUse::kFor, false));
    if (!AcceptKeyword("in")) return InvalidSyntax();
    TENSORD_ASSIGN_OR_RETURN(stmt.iter, ParseExpressionList(false));
    TENSORD_RETURN_IF_ERROR(ExpectColon());
    ++loop_depth_;
    absl::StatusOr<std::vector<Stmt>> body =
        ParseBlock("for", keyword.location.line);
    --loop_depth_;
    if (!body.ok()) return body.status();
    stmt.body = *std::move(body);
    TENSORD_ASSIGN_OR_RETURN(stmt.orelse, ParseElse());
    return MakeStmt(std::move(stmt), keyword);
  }

  absl::StatusOr<Stmt> ParseWhile() {
    const Token& keyword = Next();
    While stmt;
    TENSORD_ASSIGN_OR_RETURN(stmt.test, ParseCondition());
    ++loop_depth_;
    absl::StatusOr<std::vector<Stmt>> body =
        ParseBlock("while", keyword.location.line);
    --loop_depth_;
    if (!body.ok()) return body.status();
    stmt.body = *std::move(body);
    TENSORD_ASSIGN_OR_RETURN(stmt.orelse, ParseElse());
    return MakeStmt(std::move(stmt), keyword);
  }

  // expr [as target]
  absl::StatusOr<WithItem> ParseWithItem() {
    WithItem item;
    TENSORD_ASSIGN_OR_RETURN(item.context_expr, ParseExpression());
    if (AcceptKeyword("as")) {
      TENSORD_ASSIGN_OR_RETURN(Expr target, ParseBinary(kBitwiseOr));
      TENSORD_RETURN_IF_ERROR(CheckTarget(target, TargetUse::kWith, false));
      item.optional_vars = Box(std::move(target));
    }
    return item;
  }

  // Python 3.9's parenthesised `with (a as b, c):`. Returns true after
  // parsing '(' item, ... [','] ')' if a ':' follows, false without moving
  // if the parenthesis starts an expression instead.
  absl::StatusOr<bool> TryParenthesizedWithItems(std::vector<WithItem>* items) {
    const size_t saved_pos = pos_;
    const size_t saved_end = prev_end_;
    const int saved_depth = depth_;
    Next();  // (
    std::vector<WithItem> parsed;
    while (!AtOp(")")) {
      absl::StatusOr<WithItem> item = ParseWithItem();
      if (!item.ok()) {
        // After an `as` the parenthesis cannot be an expression.
        for (size_t i = saved_pos; i <= pos_; ++i) {
          if (tokens_[i].kind == TokenKind::kName && tokens_[i].text == "as") {
            return item.status();
          }
        }
        break;
      }
      parsed.push_back(*std::move(item));
      if (!AcceptOp(",")) break;
    }
    if (!parsed.empty() && AtOp(")") && AtOp(":", 1)) {
      Next();
      *items = std::move(parsed);
      return true;
    }
    pos_ = saved_pos;
    prev_end_ = saved_end;
    depth_ = saved_depth;
    return false;
  }

  // with expr [as target], ...:
  absl::StatusOr<Stmt> ParseWith() {
    const Token& keyword = Next();
    With stmt;
    bool parenthesized = false;
    if (AtOp("(")) {
      TENSORD_ASSIGN_OR_RETURN(parenthesized,
                               TryParenthesizedWithItems(&stmt.items));
    }
    if (!parenthesized) {
      do {
        TENSORD_ASSIGN_OR_RETURN(WithItem item, ParseWithItem());
        stmt.items.push_back(std::move(item));
      } while (AcceptOp(","));
    }
    TENSORD_RETURN_IF_ERROR(ExpectColon());
    TENSORD_ASSIGN_OR_RETURN(stmt.body,
                             ParseBlock("with", keyword.location.line));
    return MakeStmt(std::move(stmt), keyword);
  }

  // ------------------------------------------------------------ expressions

  // expression (',' expression)* [','] — a bare tuple when there is a comma.
  // For `for` targets the elements stop before comparisons, so that `in`
  // ends the target.
  absl::StatusOr<Expr> ParseExpressionList(bool for_target) {
    const Token& start = Peek();
    const auto element = [this, for_target] {
      return for_target ? ParseBinary(kBitwiseOr) : ParseExpression();
    };
    TENSORD_ASSIGN_OR_RETURN(Expr first, element());
    if (!AtOp(",")) return first;
    Tuple tuple;
    tuple.elts.push_back(std::move(first));
    while (AcceptOp(",")) {
      if (!StartsExpression(Peek())) break;
      TENSORD_ASSIGN_OR_RETURN(Expr next, element());
      tuple.elts.push_back(std::move(next));
    }
    return MakeExpr(std::move(tuple), start);
  }

  // disjunction ['if' disjunction 'else' expression]. A chain
  // `a if b else c if d else e` is parsed in a loop (it nests to the right).
  absl::StatusOr<Expr> ParseExpression() {
    Nested nested(&depth_);
    if (nested.too_deep()) return TooDeep();
    if (AtKeyword("lambda"))
      return NotSupported(Peek(), "lambda expressions are");
    struct Branch {
      const Token* start;
      Expr body;
      Expr test;
    };
    std::vector<Branch> branches;
    const Token* start = &Peek();
    TENSORD_ASSIGN_OR_RETURN(Expr body, ParseBoolOp(BoolOperator::kOr));
    const int saved_depth = depth_;
    while (AcceptKeyword("if")) {
      if (++depth_ > kMaxNesting) return TooDeep();
      TENSORD_ASSIGN_OR_RETURN(Expr test, ParseBoolOp(BoolOperator::kOr));
      if (!AcceptKeyword("else")) {
        return ErrorAt(Peek(), "expected 'else' after 'if' expression",
                       "SyntaxError", body.location.line);
      }
      if (AtKeyword("lambda")) {
        return NotSupported(Peek(), "lambda expressions are");
      }
      branches.push_back({start, std::move(body), std::move(test)});
      start = &Peek();
      TENSORD_ASSIGN_OR_RETURN(body, ParseBoolOp(BoolOperator::kOr));
    }
    depth_ = saved_depth;
    for (size_t i = branches.size(); i-- > 0;) {
      body = MakeExpr(
          IfExp{Box(std::move(branches[i].test)),
                Box(std::move(branches[i].body)), Box(std::move(body))},
          *branches[i].start);
    }
    return body;
  }

  // a or b or c / a and b and c (flattened, as in Python's ast).
  absl::StatusOr<Expr> ParseBoolOp(BoolOperator op) {
    const absl::string_view word = Symbol(op);
    const auto operand = [this, op] {
      return op == BoolOperator::kOr ? ParseBoolOp(BoolOperator::kAnd)
                                     : ParseNot();
    };
    const Token& start = Peek();
    TENSORD_ASSIGN_OR_RETURN(Expr first, operand());
    if (!AtKeyword(word)) return first;
    BoolOp bool_op;
    bool_op.op = op;
    bool_op.values.push_back(std::move(first));
    while (AcceptKeyword(word)) {
      TENSORD_ASSIGN_OR_RETURN(Expr next, operand());
      bool_op.values.push_back(std::move(next));
    }
    return MakeExpr(std::move(bool_op), start);
  }

  // Wraps `operand` in the unary operators of `prefix` (spelled by the
  // tokens), innermost last: [-, ~] x -> -(~x).
  Expr WrapUnary(const std::vector<const Token*>& prefix, Expr operand) const {
    for (size_t i = prefix.size(); i-- > 0;) {
      const absl::string_view text = prefix[i]->text;
      const UnaryOperator op = text == "not" ? UnaryOperator::kNot
                               : text == "-" ? UnaryOperator::kNeg
                               : text == "+" ? UnaryOperator::kPos
                                             : UnaryOperator::kInvert;
      operand = MakeExpr(UnaryOp{op, Box(std::move(operand))}, *prefix[i]);
    }
    return operand;
  }

  // 'not'* comparison (a loop, so long chains do not recurse).
  absl::StatusOr<Expr> ParseNot() {
    std::vector<const Token*> prefix;
    while (AtKeyword("not")) {
      prefix.push_back(&Next());
      if (depth_ + static_cast<int>(prefix.size()) > kMaxNesting) {
        return TooDeep();
      }
    }
    depth_ += static_cast<int>(prefix.size());
    TENSORD_ASSIGN_OR_RETURN(Expr operand, ParseComparison());
    depth_ -= static_cast<int>(prefix.size());
    return WrapUnary(prefix, std::move(operand));
  }

  // Consumes a comparison operator if there is one.
  bool AcceptCompareOp(CompareOperator* op) {
    static constexpr std::pair<absl::string_view, CompareOperator> kOps[] = {
        {"==", CompareOperator::kEq}, {"!=", CompareOperator::kNotEq},
        {"<", CompareOperator::kLt},  {"<=", CompareOperator::kLtE},
        {">", CompareOperator::kGt},  {">=", CompareOperator::kGtE}};
    for (const auto& [symbol, value] : kOps) {
      if (AcceptOp(symbol)) {
        *op = value;
        return true;
      }
    }
    if (AcceptKeyword("in")) {
      *op = CompareOperator::kIn;
      return true;
    }
    if (AtKeyword("not") && AtKeyword("in", 1)) {
      Next();
      Next();
      *op = CompareOperator::kNotIn;
      return true;
    }
    if (AcceptKeyword("is")) {
      *op =
          AcceptKeyword("not") ? CompareOperator::kIsNot : CompareOperator::kIs;
      return true;
    }
    return false;
  }

  absl::StatusOr<Expr> ParseComparison() {
    const Token& start = Peek();
    TENSORD_ASSIGN_OR_RETURN(Expr left, ParseBinary(kBitwiseOr));
    Compare compare;
    CompareOperator op;
    while (AcceptCompareOp(&op)) {
      TENSORD_ASSIGN_OR_RETURN(Expr right, ParseBinary(kBitwiseOr));
      compare.ops.push_back(op);
      compare.comparators.push_back(std::move(right));
    }
    if (compare.ops.empty()) return left;
    compare.left = Box(std::move(left));
    return MakeExpr(std::move(compare), start);
  }

  // Left-associative binary operators of at least `min_precedence`, by
  // precedence climbing (see BinaryPrecedence).
  absl::StatusOr<Expr> ParseBinary(int min_precedence) {
    const Token& start = Peek();
    TENSORD_ASSIGN_OR_RETURN(Expr left, ParseFactor());
    const int saved_depth = depth_;
    while (Peek().kind == TokenKind::kOp) {
      BinaryOperator op;
      const int precedence = BinaryPrecedence(Peek().text, &op);
      if (precedence == 0 || precedence < min_precedence) break;
      Next();
      // Each operator deepens the (left-leaning) tree by one.
      if (++depth_ > kMaxNesting) return TooDeep();
      TENSORD_ASSIGN_OR_RETURN(Expr right, ParseBinary(precedence + 1));
      left = MakeExpr(BinOp{op, Box(std::move(left)), Box(std::move(right))},
                      start);
    }
    depth_ = saved_depth;
    return left;
  }

  // Unary operators before a power: ('-' | '+' | '~')*.
  absl::Status ParseUnaryPrefix(std::vector<const Token*>* prefix) {
    while (AtOp("-") || AtOp("+") || AtOp("~")) {
      prefix->push_back(&Next());
      if (depth_ + static_cast<int>(prefix->size()) > kMaxNesting) {
        return TooDeep();
      }
    }
    return absl::OkStatus();
  }

  // ('-' | '+' | '~')* primary ['**' factor]. `**` is right-associative and
  // binds tighter than a unary operator on its left but not on its right:
  // -a ** -b ** c == -(a ** (-(b ** c))). Parsed in a loop and folded from
  // the right, so long chains do not recurse.
  absl::StatusOr<Expr> ParseFactor() {
    struct Operand {
      std::vector<const Token*> prefix;  // unary operators before it
      const Token* start;                // its first token after them
      Expr primary;
    };
    std::vector<Operand> operands;
    const int saved_depth = depth_;
    do {
      Operand operand;
      TENSORD_RETURN_IF_ERROR(ParseUnaryPrefix(&operand.prefix));
      // The operand is under its unary operators and, after a `**`, one
      // level deeper than the previous operand.
      depth_ +=
          static_cast<int>(operand.prefix.size()) + (operands.empty() ? 0 : 1);
      if (depth_ > kMaxNesting) return TooDeep();
      operand.start = &Peek();
      TENSORD_ASSIGN_OR_RETURN(operand.primary, ParsePrimary());
      operands.push_back(std::move(operand));
    } while (AcceptOp("**"));
    depth_ = saved_depth;
    Expr result = std::move(operands.back().primary);
    for (size_t i = operands.size() - 1; i > 0; --i) {
      result = WrapUnary(operands[i].prefix, std::move(result));
      result = MakeExpr(
          BinOp{BinaryOperator::kPow, Box(std::move(operands[i - 1].primary)),
                Box(std::move(result))},
          *operands[i - 1].start);
    }
    return WrapUnary(operands[0].prefix, std::move(result));
  }

  // atom followed by any number of .name, (args) and [index].
  absl::StatusOr<Expr> ParsePrimary() {
    const Token& start = Peek();
    TENSORD_ASSIGN_OR_RETURN(Expr expr, ParseAtom());
    const int saved_depth = depth_;
    while (true) {
      if (AtOp(".")) {
        Next();
        TENSORD_ASSIGN_OR_RETURN(std::string attr, ParseIdentifier());
        expr =
            MakeExpr(Attribute{Box(std::move(expr)), std::move(attr)}, start);
      } else if (AtOp("(")) {
        TENSORD_ASSIGN_OR_RETURN(expr, ParseCall(std::move(expr), start));
      } else if (AtOp("[")) {
        TENSORD_ASSIGN_OR_RETURN(expr, ParseSubscript(std::move(expr), start));
      } else {
        break;
      }
      if (++depth_ > kMaxNesting) return TooDeep();
    }
    depth_ = saved_depth;
    return expr;
  }

  absl::StatusOr<Expr> ParseCall(Expr func, const Token& start) {
    Next();  // (
    Call call;
    call.func = Box(std::move(func));
    while (!AtOp(")")) {
      const Token& token = Peek();
      const Expr* last = nullptr;
      if (AtOp("*") || AtOp("**")) {
        return NotSupported(token, "argument unpacking (*args, **kwargs) is");
      }
      if (token.kind == TokenKind::kName && !IsKeyword(token.text) &&
          AtOp("=", 1)) {
        Next();
        Next();
        for (const Keyword& keyword : call.keywords) {
          if (keyword.arg == token.text) {
            return ErrorAt(
                token, absl::StrCat("keyword argument repeated: ", token.text));
          }
        }
        TENSORD_ASSIGN_OR_RETURN(Expr value, ParseExpression());
        call.keywords.push_back(Keyword{std::string(token.text),
                                        Box(std::move(value)), token.location});
        last = call.keywords.back().value.get();
      } else {
        TENSORD_ASSIGN_OR_RETURN(Expr arg, ParseExpression());
        if (AtOp("=")) {
          return ErrorAt(arg,
                         "expression cannot contain assignment, perhaps you "
                         "meant \"==\"?");
        }
        if (AtKeyword("for")) {
          return NotSupported(Peek(), "generator expressions are");
        }
        if (!call.keywords.empty()) {
          return ErrorAt(arg, "positional argument follows keyword argument");
        }
        call.args.push_back(std::move(arg));
        last = &call.args.back();
      }
      if (AcceptOp(",")) continue;
      if (!AtOp(")")) return MissingComma(*last);
    }
    Next();  // )
    return MakeExpr(std::move(call), start);
  }

  absl::StatusOr<Expr> ParseSubscript(Expr value, const Token& start) {
    Next();  // [
    if (AtOp("]")) return InvalidSyntax();
    const Token& index_start = Peek();
    std::vector<Expr> items;
    bool is_tuple = false;
    while (true) {
      TENSORD_ASSIGN_OR_RETURN(Expr item, ParseSliceItem());
      items.push_back(std::move(item));
      if (AcceptOp(",")) {
        is_tuple = true;
        if (AtOp("]")) break;
        continue;
      }
      if (AtOp("]")) break;
      return MissingComma(items.back());
    }
    Expr index;
    if (is_tuple) {
      index = MakeExpr(Tuple{std::move(items), false}, index_start);
    } else {
      index = std::move(items[0]);
    }
    Next();  // ]
    return MakeExpr(Subscript{Box(std::move(value)), Box(std::move(index))},
                    start);
  }

  // expression | [expression] ':' [expression] [':' [expression]]
  absl::StatusOr<Expr> ParseSliceItem() {
    const Token& start = Peek();
    Slice slice;
    if (!AtOp(":")) {
      TENSORD_ASSIGN_OR_RETURN(Expr lower, ParseExpression());
      if (!AtOp(":")) return lower;
      slice.lower = Box(std::move(lower));
    }
    Next();  // :
    const auto at_end = [this] { return AtOp(",") || AtOp("]"); };
    if (!AtOp(":") && !at_end()) {
      TENSORD_ASSIGN_OR_RETURN(Expr upper, ParseExpression());
      slice.upper = Box(std::move(upper));
    }
    if (AcceptOp(":") && !at_end()) {
      TENSORD_ASSIGN_OR_RETURN(Expr step, ParseExpression());
      slice.step = Box(std::move(step));
    }
    return MakeExpr(std::move(slice), start);
  }

  absl::StatusOr<Expr> ParseAtom() {
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kName:
        if (token.text == "True" || token.text == "False") {
          Next();
          return MakeExpr(BoolLiteral{token.text == "True"}, token);
        }
        if (token.text == "None") {
          Next();
          return MakeExpr(NoneLiteral{}, token);
        }
        if (token.text == "lambda") {
          return NotSupported(token, "lambda expressions are");
        }
        if (token.text == "yield" || token.text == "await") {
          return ErrorAt(token,
                         absl::StrCat("'", token.text, "' outside function"));
        }
        if (IsKeyword(token.text)) return InvalidSyntax();
        Next();
        return MakeExpr(Name{std::string(token.text)}, token);
      case TokenKind::kInt:
        Next();
        return MakeExpr(IntLiteral{token.int_value}, token);
      case TokenKind::kFloat:
        Next();
        return MakeExpr(
            FloatLiteral{token.float_value, std::string(token.text)}, token);
      case TokenKind::kImaginary:
        Next();
        return MakeExpr(
            ImaginaryLiteral{token.float_value, std::string(token.text)},
            token);
      case TokenKind::kString: {
        std::string value;  // adjacent literals concatenate: 'a' "b"
        while (Peek().kind == TokenKind::kString) {
          value += Next().string_value;
        }
        return MakeExpr(StringLiteral{std::move(value)}, token);
      }
      case TokenKind::kOp:
        if (token.text == "(") return ParseParenthesized();
        if (token.text == "[") return ParseList();
        if (token.text == "...") {
          Next();
          return MakeExpr(EllipsisLiteral{}, token);
        }
        if (token.text == "{") {
          return NotSupported(token, "dict and set displays are");
        }
        if (token.text == "*" || token.text == "**") {
          return NotSupported(token, "starred expressions are");
        }
        return InvalidSyntax();
      default:
        return InvalidSyntax();
    }
  }

  // () | (expression) | (expression, ...)
  absl::StatusOr<Expr> ParseParenthesized() {
    const Token& open = Next();
    if (AcceptOp(")")) return MakeExpr(Tuple{{}, true}, open);
    TENSORD_ASSIGN_OR_RETURN(Expr first, ParseExpression());
    if (AtKeyword("for")) {
      return NotSupported(Peek(), "generator expressions are");
    }
    if (AcceptOp(")")) return first;  // keeps the inner span
    if (!AtOp(",")) return MissingComma(first);
    Tuple tuple;
    tuple.parenthesized = true;
    tuple.elts.push_back(std::move(first));
    while (AcceptOp(",")) {
      if (AtOp(")")) break;
      TENSORD_ASSIGN_OR_RETURN(Expr next, ParseExpression());
      tuple.elts.push_back(std::move(next));
    }
    if (!AtOp(")")) return MissingComma(tuple.elts.back());
    Next();
    return MakeExpr(std::move(tuple), open);
  }

  absl::StatusOr<Expr> ParseList() {
    const Token& open = Next();
    List list;
    while (!AtOp("]")) {
      TENSORD_ASSIGN_OR_RETURN(Expr elt, ParseExpression());
      if (AtKeyword("for")) {
        return NotSupported(Peek(), "list comprehensions are");
      }
      list.elts.push_back(std::move(elt));
      if (AcceptOp(",")) continue;
      if (!AtOp("]")) return MissingComma(list.elts.back());
    }
    Next();
    return MakeExpr(std::move(list), open);
  }

  std::vector<Token> tokens_;
  absl::Status lex_status_;
  TokenStream::ErrorScope lex_error_scope_;
  size_t pos_ = 0;
  size_t prev_end_ = 0;  // end of the last consumed non-layout token
  int depth_ = 0;        // expression nesting, see kMaxNesting
  int loop_depth_ = 0;   // enclosing for / while bodies
  absl::Status deferred_;
  bool keep_error_ = false;  // the error is reported as is (see PreferLexError)
};

}  // namespace

absl::StatusOr<Program> Parse(absl::string_view source) {
  Program program;
  program.source = std::string(source);
  Parser parser(Tokenize(program.source));
  TENSORD_ASSIGN_OR_RETURN(program.statements, parser.ParseFile());
  return program;
}

absl::StatusOr<Expr> ParseExpression(absl::string_view source) {
  return Parser(Tokenize(source)).ParseEvalInput();
}

}  // namespace tensord::script
