// ast.cc — canonical printing and small helpers for the script syntax tree.
#include "client/script/ast.h"

#include <string>
#include <type_traits>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tensord::script {
namespace {

void AppendExpr(std::string* out, const Expr& expr);

void AppendJoined(std::string* out, const std::vector<Expr>& exprs) {
  for (size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) out->append(", ");
    AppendExpr(out, exprs[i]);
  }
}

void AppendSlice(std::string* out, const Slice& slice) {
  if (slice.lower) AppendExpr(out, *slice.lower);
  out->push_back(':');
  if (slice.upper) AppendExpr(out, *slice.upper);
  if (slice.step) {
    out->push_back(':');
    AppendExpr(out, *slice.step);
  }
}

// A subscript index tuple is printed without parentheses, as written:
// x[1:2, None]. Only the empty tuple keeps them: x[()].
void AppendIndex(std::string* out, const Expr& index) {
  const Tuple* tuple = index.As<Tuple>();
  if (tuple == nullptr || tuple->elts.empty()) {
    AppendExpr(out, index);
    return;
  }
  AppendJoined(out, tuple->elts);
  if (tuple->elts.size() == 1) out->push_back(',');
}

void AppendExpr(std::string* out, const Expr& expr) {
  std::visit(
      [out](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, IntLiteral>) {
          absl::StrAppend(out, node.value);
        } else if constexpr (std::is_same_v<T, FloatLiteral> ||
                             std::is_same_v<T, ImaginaryLiteral>) {
          out->append(node.spelling);
        } else if constexpr (std::is_same_v<T, StringLiteral>) {
          out->append(QuoteString(node.value));
        } else if constexpr (std::is_same_v<T, BoolLiteral>) {
          out->append(node.value ? "True" : "False");
        } else if constexpr (std::is_same_v<T, NoneLiteral>) {
          out->append("None");
        } else if constexpr (std::is_same_v<T, EllipsisLiteral>) {
          out->append("...");
        } else if constexpr (std::is_same_v<T, Name>) {
          out->append(node.id);
        } else if constexpr (std::is_same_v<T, Attribute>) {
          // `1.real` would lex as the float `1.` followed by `real`.
          const bool int_value = node.value->template Is<IntLiteral>();
          if (int_value) out->push_back('(');
          AppendExpr(out, *node.value);
          if (int_value) out->push_back(')');
          absl::StrAppend(out, ".", node.attr);
        } else if constexpr (std::is_same_v<T, Call>) {
          AppendExpr(out, *node.func);
          out->push_back('(');
          AppendJoined(out, node.args);
          for (size_t i = 0; i < node.keywords.size(); ++i) {
            if (i > 0 || !node.args.empty()) out->append(", ");
            absl::StrAppend(out, node.keywords[i].arg, "=");
            AppendExpr(out, *node.keywords[i].value);
          }
          out->push_back(')');
        } else if constexpr (std::is_same_v<T, Slice>) {
          AppendSlice(out, node);
        } else if constexpr (std::is_same_v<T, Subscript>) {
          AppendExpr(out, *node.value);
          out->push_back('[');
          AppendIndex(out, *node.index);
          out->push_back(']');
        } else if constexpr (std::is_same_v<T, List>) {
          out->push_back('[');
          AppendJoined(out, node.elts);
          out->push_back(']');
        } else if constexpr (std::is_same_v<T, Tuple>) {
          out->push_back('(');
          AppendJoined(out, node.elts);
          if (node.elts.size() == 1) out->push_back(',');
          out->push_back(')');
        } else if constexpr (std::is_same_v<T, UnaryOp>) {
          absl::StrAppend(out, "(", Symbol(node.op),
                          node.op == UnaryOperator::kNot ? " " : "");
          AppendExpr(out, *node.operand);
          out->push_back(')');
        } else if constexpr (std::is_same_v<T, BinOp>) {
          out->push_back('(');
          AppendExpr(out, *node.left);
          absl::StrAppend(out, " ", Symbol(node.op), " ");
          AppendExpr(out, *node.right);
          out->push_back(')');
        } else if constexpr (std::is_same_v<T, Compare>) {
          out->push_back('(');
          AppendExpr(out, *node.left);
          for (size_t i = 0; i < node.ops.size(); ++i) {
            absl::StrAppend(out, " ", Symbol(node.ops[i]), " ");
            AppendExpr(out, node.comparators[i]);
          }
          out->push_back(')');
        } else if constexpr (std::is_same_v<T, BoolOp>) {
          out->push_back('(');
          for (size_t i = 0; i < node.values.size(); ++i) {
            if (i > 0) absl::StrAppend(out, " ", Symbol(node.op), " ");
            AppendExpr(out, node.values[i]);
          }
          out->push_back(')');
        } else if constexpr (std::is_same_v<T, IfExp>) {
          out->push_back('(');
          AppendExpr(out, *node.body);
          out->append(" if ");
          AppendExpr(out, *node.test);
          out->append(" else ");
          AppendExpr(out, *node.orelse);
          out->push_back(')');
        } else {
          static_assert(sizeof(T) == 0, "unhandled expression node");
        }
      },
      expr.node);
}

void AppendStmt(std::string* out, const Stmt& stmt, int indent);

void AppendBlock(std::string* out, const std::vector<Stmt>& body, int indent) {
  for (const Stmt& stmt : body) {
    out->push_back('\n');
    AppendStmt(out, stmt, indent + 1);
  }
}

void AppendAliases(std::string* out, const std::vector<ImportAlias>& names) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out->append(", ");
    out->append(names[i].name);
    if (!names[i].asname.empty()) absl::StrAppend(out, " as ", names[i].asname);
  }
}

// `else:` + block, printed as `elif` when the else block is a lone If.
void AppendOrElse(std::string* out, const std::vector<Stmt>& orelse, int indent,
                  bool elif_allowed) {
  if (orelse.empty()) return;
  out->push_back('\n');
  out->append(4 * indent, ' ');
  if (elif_allowed && orelse.size() == 1 && orelse[0].Is<If>()) {
    const If& elif = *orelse[0].As<If>();
    out->append("elif ");
    AppendExpr(out, elif.test);
    out->push_back(':');
    AppendBlock(out, elif.body, indent);
    AppendOrElse(out, elif.orelse, indent, /*elif_allowed=*/true);
    return;
  }
  out->append("else:");
  AppendBlock(out, orelse, indent);
}

void AppendStmt(std::string* out, const Stmt& stmt, int indent) {
  out->append(4 * indent, ' ');
  std::visit(
      [out, indent](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, ExprStmt>) {
          AppendExpr(out, node.value);
        } else if constexpr (std::is_same_v<T, Assign>) {
          for (const Expr& target : node.targets) {
            AppendExpr(out, target);
            out->append(" = ");
          }
          AppendExpr(out, node.value);
        } else if constexpr (std::is_same_v<T, AugAssign>) {
          AppendExpr(out, node.target);
          absl::StrAppend(out, " ", Symbol(node.op), "= ");
          AppendExpr(out, node.value);
        } else if constexpr (std::is_same_v<T, Import>) {
          out->append("import ");
          AppendAliases(out, node.names);
        } else if constexpr (std::is_same_v<T, ImportFrom>) {
          absl::StrAppend(out, "from ", node.module, " import ");
          AppendAliases(out, node.names);
        } else if constexpr (std::is_same_v<T, With>) {
          out->append("with ");
          for (size_t i = 0; i < node.items.size(); ++i) {
            if (i > 0) out->append(", ");
            AppendExpr(out, node.items[i].context_expr);
            if (node.items[i].optional_vars) {
              out->append(" as ");
              AppendExpr(out, *node.items[i].optional_vars);
            }
          }
          out->push_back(':');
          AppendBlock(out, node.body, indent);
        } else if constexpr (std::is_same_v<T, For>) {
          out->append("for ");
          AppendExpr(out, node.target);
          out->append(" in ");
          AppendExpr(out, node.iter);
          out->push_back(':');
          AppendBlock(out, node.body, indent);
          AppendOrElse(out, node.orelse, indent, /*elif_allowed=*/false);
        } else if constexpr (std::is_same_v<T, While>) {
          out->append("while ");
          AppendExpr(out, node.test);
          out->push_back(':');
          AppendBlock(out, node.body, indent);
          AppendOrElse(out, node.orelse, indent, /*elif_allowed=*/false);
        } else if constexpr (std::is_same_v<T, If>) {
          out->append("if ");
          AppendExpr(out, node.test);
          out->push_back(':');
          AppendBlock(out, node.body, indent);
          AppendOrElse(out, node.orelse, indent, /*elif_allowed=*/true);
        } else if constexpr (std::is_same_v<T, Pass>) {
          out->append("pass");
        } else if constexpr (std::is_same_v<T, Break>) {
          out->append("break");
        } else if constexpr (std::is_same_v<T, Continue>) {
          out->append("continue");
        } else if constexpr (std::is_same_v<T, Delete>) {
          out->append("del ");
          AppendJoined(out, node.targets);
        } else if constexpr (std::is_same_v<T, Assert>) {
          out->append("assert ");
          AppendExpr(out, node.test);
          if (node.msg) {
            out->append(", ");
            AppendExpr(out, *node.msg);
          }
        } else {
          static_assert(sizeof(T) == 0, "unhandled statement node");
        }
      },
      stmt.node);
}

absl::string_view SpanText(absl::string_view source, SourceSpan span) {
  if (span.begin > span.end || span.end > source.size()) return {};
  return source.substr(span.begin, span.end - span.begin);
}

}  // namespace

absl::string_view Program::Text(const Expr& expr) const {
  return SpanText(source, expr.span);
}

absl::string_view Program::Text(const Stmt& stmt) const {
  return SpanText(source, stmt.span);
}

std::string ToString(const Expr& expr) {
  std::string out;
  AppendExpr(&out, expr);
  return out;
}

std::string ToString(const Stmt& stmt) {
  std::string out;
  AppendStmt(&out, stmt, 0);
  return out;
}

std::string ToString(const Program& program) {
  std::string out;
  for (const Stmt& stmt : program.statements) {
    if (!out.empty()) out.push_back('\n');
    AppendStmt(&out, stmt, 0);
  }
  return out;
}

absl::string_view Symbol(BinaryOperator op) {
  switch (op) {
    case BinaryOperator::kAdd:
      return "+";
    case BinaryOperator::kSub:
      return "-";
    case BinaryOperator::kMul:
      return "*";
    case BinaryOperator::kDiv:
      return "/";
    case BinaryOperator::kFloorDiv:
      return "//";
    case BinaryOperator::kMod:
      return "%";
    case BinaryOperator::kPow:
      return "**";
    case BinaryOperator::kMatMul:
      return "@";
    case BinaryOperator::kLShift:
      return "<<";
    case BinaryOperator::kRShift:
      return ">>";
    case BinaryOperator::kBitAnd:
      return "&";
    case BinaryOperator::kBitOr:
      return "|";
    case BinaryOperator::kBitXor:
      return "^";
  }
  return "?";
}

absl::string_view Symbol(UnaryOperator op) {
  switch (op) {
    case UnaryOperator::kNeg:
      return "-";
    case UnaryOperator::kPos:
      return "+";
    case UnaryOperator::kNot:
      return "not";
    case UnaryOperator::kInvert:
      return "~";
  }
  return "?";
}

absl::string_view Symbol(CompareOperator op) {
  switch (op) {
    case CompareOperator::kEq:
      return "==";
    case CompareOperator::kNotEq:
      return "!=";
    case CompareOperator::kLt:
      return "<";
    case CompareOperator::kLtE:
      return "<=";
    case CompareOperator::kGt:
      return ">";
    case CompareOperator::kGtE:
      return ">=";
    case CompareOperator::kIn:
      return "in";
    case CompareOperator::kNotIn:
      return "not in";
    case CompareOperator::kIs:
      return "is";
    case CompareOperator::kIsNot:
      return "is not";
  }
  return "?";
}

absl::string_view Symbol(BoolOperator op) {
  return op == BoolOperator::kAnd ? "and" : "or";
}

absl::string_view DescribeKind(const Expr& expr) {
  return std::visit(
      [](const auto& node) -> absl::string_view {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, Name>) {
          return "name";
        } else if constexpr (std::is_same_v<T, Attribute>) {
          return "attribute";
        } else if constexpr (std::is_same_v<T, Subscript>) {
          return "subscript";
        } else if constexpr (std::is_same_v<T, Call>) {
          return "function call";
        } else if constexpr (std::is_same_v<T, List>) {
          return "list";
        } else if constexpr (std::is_same_v<T, Tuple>) {
          return "tuple";
        } else if constexpr (std::is_same_v<T, Slice>) {
          return "slice";
        } else if constexpr (std::is_same_v<T, Compare>) {
          return "comparison";
        } else if constexpr (std::is_same_v<T, IfExp>) {
          return "conditional expression";
        } else if constexpr (std::is_same_v<T, UnaryOp> ||
                             std::is_same_v<T, BinOp> ||
                             std::is_same_v<T, BoolOp>) {
          return "expression";
        } else if constexpr (std::is_same_v<T, BoolLiteral>) {
          return node.value ? "True" : "False";
        } else if constexpr (std::is_same_v<T, NoneLiteral>) {
          return "None";
        } else if constexpr (std::is_same_v<T, EllipsisLiteral>) {
          return "ellipsis";
        } else {
          return "literal";
        }
      },
      expr.node);
}

std::string QuoteString(absl::string_view value) {
  const bool has_single = value.find('\'') != absl::string_view::npos;
  const bool has_double = value.find('"') != absl::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    } else {
      out.push_back(c);  // printable ASCII and UTF-8 bytes stay as they are
    }
  }
  out.push_back(quote);
  return out;
}

}  // namespace tensord::script
