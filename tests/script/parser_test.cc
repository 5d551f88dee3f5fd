// parser_test.cc — table-driven tests of tensorctl's script lexer and parser:
// canonical forms of every construct, precedence, layout (indentation,
// continuation lines, comments, semicolons), node structure, locations and
// spans, syntax errors with their line numbers, and the seed walkthrough.
//
//   ctest -L script        (or run script_parser_test directly)
#include "client/script/parser.h"

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "client/script/ast.h"
#include "client/script/lexer.h"
#include "gtest/gtest.h"

namespace tensord::script {
namespace {

// A source and its canonical, fully parenthesised form (statements joined
// with newlines, blocks indented by four spaces).
struct ParseCase {
  const char* name;
  const char* source;
  const char* expected;
};

std::string CaseName(const testing::TestParamInfo<ParseCase>& info) {
  return info.param.name;
}

// Only the name: gtest_discover_tests reads this from the test list.
void PrintTo(const ParseCase& c, std::ostream* os) { *os << c.name; }

// Parses and prints canonically; a failure prints the error message.
std::string Canonical(absl::string_view source) {
  absl::StatusOr<Program> program = Parse(source);
  if (!program.ok()) return std::string(program.status().message());
  return ToString(*program);
}

class CanonicalTest : public testing::TestWithParam<ParseCase> {};

TEST_P(CanonicalTest, ParsesToCanonicalForm) {
  const ParseCase& c = GetParam();
  SCOPED_TRACE(absl::StrCat("source:\n", c.source));
  absl::StatusOr<Program> program = Parse(c.source);
  ASSERT_TRUE(program.ok()) << program.status();
  const std::string canonical = ToString(*program);
  EXPECT_EQ(canonical, c.expected);
  // The canonical form is itself a script that parses to the same tree.
  EXPECT_EQ(Canonical(canonical), canonical);
}

constexpr ParseCase kLiteralCases[] = {
    {"Int", "x = 42\n", "x = 42"},
    {"IntUnderscores", "x = 1_000_000\n", "x = 1000000"},
    {"IntHex", "x = 0x1f + 0X_FF\n", "x = (31 + 255)"},
    {"IntOctalBinary", "x = 0o17, 0b101\n", "x = (15, 5)"},
    {"IntZeros", "x = 00 + 0\n", "x = (0 + 0)"},
    {"IntMax", "x = 9223372036854775807\n", "x = 9223372036854775807"},
    {"FloatSpellingsKept", "x = [1.5, 1e-3, .5, 5., 1.e5, 1_0.2_5, 2E+10]\n",
     "x = [1.5, 1e-3, .5, 5., 1.e5, 1_0.2_5, 2E+10]"},
    {"Imaginary", "x = 1j + 2.5J\n", "x = (1j + 2.5J)"},
    {"StringQuotes", "x = 'abc', \"def\", ''\n", "x = ('abc', 'def', '')"},
    {"StringQuoteChoice", "x = \"it's\", 'say \"hi\"', 'a\\'b\"c'\n",
     "x = (\"it's\", 'say \"hi\"', 'a\\'b\"c')"},
    {"StringEscapes", "x = 'a\\nb\\tc\\\\d\\x41\\101\\u00e9\\0'\n",
     "x = 'a\\nb\\tc\\\\dAAé\\x00'"},
    {"StringUnknownEscapeKept", "x = 'a\\qb'\n", "x = 'a\\\\qb'"},
    {"StringRaw", "x = r'a\\nb', R'\\''\n", "x = ('a\\\\nb', \"\\\\'\")"},
    {"StringUnicodePrefix", "x = u'abc'\n", "x = 'abc'"},
    {"StringConcatenation", "x = 'a' \"b\" 'c'\n", "x = 'abc'"},
    {"StringTripleQuoted", "x = '''a\nb''' + \"\"\"c\"d\"\"\"\n",
     "x = ('a\\nb' + 'c\"d')"},
    {"StringBackslashNewline", "x = 'a\\\nb'\n", "x = 'ab'"},
    {"StringUtf8", "x = 'café'\n", "x = 'café'"},
    {"Constants", "x = True, False, None, ...\n",
     "x = (True, False, None, ...)"},
};
INSTANTIATE_TEST_SUITE_P(Literals, CanonicalTest,
                         testing::ValuesIn(kLiteralCases), CaseName);

constexpr ParseCase kPrecedenceCases[] = {
    {"PowerBeforeUnaryMinus", "-2**2\n", "(-(2 ** 2))"},
    {"AddMulMatmul", "a + b * c @ d\n", "(a + ((b * c) @ d))"},
    {"PowerOfNegative", "a ** -b\n", "(a ** (-b))"},
    {"NegPowerNeg", "-a ** -b\n", "(-(a ** (-b)))"},
    {"PowerRightAssociative", "a ** b ** c\n", "(a ** (b ** c))"},
    {"ParenthesisedBase", "(-2) ** 2\n", "((-2) ** 2)"},
    {"NotBelowComparison", "not a == b\n", "(not (a == b))"},
    {"ChainedComparison", "a < b < c\n", "(a < b < c)"},
    {"ChainedMixed", "a == b != c <= d\n", "(a == b != c <= d)"},
    {"MembershipAndIdentity", "a in b, a not in b, a is b, a is not b\n",
     "((a in b), (a not in b), (a is b), (a is not b))"},
    {"SubLeftAssociative", "a - b - c\n", "((a - b) - c)"},
    {"DivisionFamily", "a / b // c % d * e\n", "((((a / b) // c) % d) * e)"},
    {"MulBeforeAdd", "a * b + c * d\n", "((a * b) + (c * d))"},
    {"UnaryInProduct", "-a * b\n", "((-a) * b)"},
    {"InvertAndPositive", "~a + +b\n", "((~a) + (+b))"},
    {"PowerBindsToPrimary", "~a ** b\n", "(~(a ** b))"},
    {"BitwiseLevels", "a | b ^ c & d << e + f\n",
     "(a | (b ^ (c & (d << (e + f)))))"},
    {"AndBeforeOr", "a or b and c\n", "(a or (b and c))"},
    {"BoolOpsFlatten", "a and b and c or d or e\n",
     "((a and b and c) or d or e)"},
    {"NotNot", "not not a\n", "(not (not a))"},
    {"ComparisonInAnd", "a < b and not c\n", "((a < b) and (not c))"},
    {"Conditional", "a if b else c\n", "(a if b else c)"},
    {"ConditionalRightNested", "a if b else c if d else e\n",
     "(a if b else (c if d else e))"},
    {"ConditionalLowest", "x or y if a + 1 else -z\n",
     "((x or y) if (a + 1) else (-z))"},
    {"ParenthesesOverride", "(a + b) * c\n", "((a + b) * c)"},
    {"RedundantParentheses", "((a))\n", "a"},
    {"MatmulTranspose", "y = x @ w.T + b\n", "y = ((x @ w.T) + b)"},
};
INSTANTIATE_TEST_SUITE_P(Precedence, CanonicalTest,
                         testing::ValuesIn(kPrecedenceCases), CaseName);

constexpr ParseCase kPostfixCases[] = {
    {"Attribute", "x.grad.data\n", "x.grad.data"},
    {"CallNoArgs", "f()\n", "f()"},
    {"CallPositionalAndKeywords",
     "torch.arange(20, dtype=torch.float32, requires_grad=True)\n",
     "torch.arange(20, dtype=torch.float32, requires_grad=True)"},
    {"CallTrailingComma", "f(a, b,)\n", "f(a, b)"},
    {"CallKeywordValueComparison", "f(k=a == b)\n", "f(k=(a == b))"},
    {"MethodChain", "x.sum(axis=1).shape[0]\n", "x.sum(axis=1).shape[0]"},
    {"CallOnParenthesised", "(a + b).sum()\n", "(a + b).sum()"},
    {"CallOfCall", "f(a)(b)[c]\n", "f(a)(b)[c]"},
    {"SubscriptIndex", "x[1]\n", "x[1]"},
    {"SubscriptNegative", "x[-1]\n", "x[(-1)]"},
    {"SliceForms", "x[1:2], x[1:], x[:2], x[:], x[::2], x[1:2:3], x[::]\n",
     "(x[1:2], x[1:], x[:2], x[:], x[::2], x[1:2:3], x[:])"},
    {"SliceEmptyStep", "x[1:2:]\n", "x[1:2]"},
    {"SliceExpressions", "x[a + 1:n - 1, ::k]\n", "x[(a + 1):(n - 1), ::k]"},
    {"IndexTuple", "x[None, :, 1:3, ...]\n", "x[None, :, 1:3, ...]"},
    {"IndexEllipsisFirst", "x[..., 0]\n", "x[..., 0]"},
    {"IndexOneTuple", "x[1,]\n", "x[1,]"},
    {"IndexEmptyTuple", "x[()]\n", "x[()]"},
    {"IndexParenthesisedTuple", "x[(1, 2)]\n", "x[1, 2]"},
    {"IndexChained", "x[i][j]\n", "x[i][j]"},
    {"AttributeOfInt", "x = 1 .real + (2).imag\n", "x = ((1).real + (2).imag)"},
    {"AttributeOfFloat", "x = 1.5.real\n", "x = 1.5.real"},
};
INSTANTIATE_TEST_SUITE_P(Postfix, CanonicalTest,
                         testing::ValuesIn(kPostfixCases), CaseName);

constexpr ParseCase kCollectionCases[] = {
    {"List", "[1, 2, 3]\n", "[1, 2, 3]"},
    {"ListEmpty", "[]\n", "[]"},
    {"ListTrailingComma", "[1,]\n", "[1]"},
    {"ListNested", "[[2., 1.], [1., 2.]]\n", "[[2., 1.], [1., 2.]]"},
    {"Tuple", "(1, 2)\n", "(1, 2)"},
    {"TupleOne", "(1,)\n", "(1,)"},
    {"TupleEmpty", "()\n", "()"},
    {"BareTuple", "1, 2\n", "(1, 2)"},
    {"BareTupleOne", "1,\n", "(1,)"},
    {"BareTupleOfCalls", "print(x), y\n", "(print(x), y)"},
    {"TupleComparison", "(a, b) == (c, d)\n", "((a, b) == (c, d))"},
};
INSTANTIATE_TEST_SUITE_P(Collections, CanonicalTest,
                         testing::ValuesIn(kCollectionCases), CaseName);

constexpr ParseCase kStatementCases[] = {
    {"Assign", "x = 1\n", "x = 1"},
    {"AssignChained", "a = b = 0\n", "a = b = 0"},
    {"AssignTupleTarget", "a, b = f()\n", "(a, b) = f()"},
    {"AssignSwap", "a, b = b, a\n", "(a, b) = (b, a)"},
    {"AssignListTarget", "[a, b] = c\n", "[a, b] = c"},
    {"AssignOneTuple", "x, = y\n", "(x,) = y"},
    {"AssignAttribute", "x.requires_grad = True\n", "x.requires_grad = True"},
    {"AssignGradNone", "x.grad = None\n", "x.grad = None"},
    {"AssignSubscript", "x[:, 1:] = y\n", "x[:, 1:] = y"},
    {"AssignMixedChain", "a.b[c] = d.e = f\n", "a.b[c] = d.e = f"},
    {"AssignParenthesisedName", "(a) = 1\n", "a = 1"},
    {"AugAssignments",
     "x += 1; x -= 1; x *= 2; x /= 2; x @= w; x **= 2; x //= 2; x %= 3\n",
     "x += 1\nx -= 1\nx *= 2\nx /= 2\nx @= w\nx **= 2\nx //= 2\nx %= 3"},
    {"AugAssignTargets", "x.a += 1\nx[0] -= y * 2\n",
     "x.a += 1\nx[0] -= (y * 2)"},
    {"Import", "import torch\n", "import torch"},
    {"ImportAs", "import torch as t\n", "import torch as t"},
    {"ImportDotted", "import torch.nn as nn, numpy\n",
     "import torch.nn as nn, numpy"},
    {"FromImport", "from torch import x, y\n", "from torch import x, y"},
    {"FromImportAs", "from torch.nn import functional as F\n",
     "from torch.nn import functional as F"},
    {"FromImportParenthesised", "from torch import (a,\n    b as c,)\n",
     "from torch import a, b as c"},
    {"FromImportStar", "from torch import *\n", "from torch import *"},
    {"Pass", "pass\n", "pass"},
    {"Del", "del x\n", "del x"},
    {"DelMany", "del x, y[0], z.a\n", "del x, y[0], z.a"},
    {"Assert", "assert x, 'message'\n", "assert x, 'message'"},
    {"With", "with torch.no_grad():\n    y = x * 2\n",
     "with torch.no_grad():\n    y = (x * 2)"},
    {"WithAs", "with torch.enable_grad() as g:\n    pass\n",
     "with torch.enable_grad() as g:\n    pass"},
    {"WithItems", "with a as b, c:\n    pass\n", "with a as b, c:\n    pass"},
    {"WithParenthesisedItems", "with (a as b,\n      c as d):\n    pass\n",
     "with a as b, c as d:\n    pass"},
    {"WithTupleExpression", "with (a, b) as c:\n    pass\n",
     "with (a, b) as c:\n    pass"},
    {"For", "for i in range(3):\n    print(i)\n",
     "for i in range(3):\n    print(i)"},
    {"ForTupleTarget", "for i, x in enumerate(xs):\n    pass\n",
     "for (i, x) in enumerate(xs):\n    pass"},
    {"ForBareTupleIter", "for i in 1, 2:\n    pass\n",
     "for i in (1, 2):\n    pass"},
    {"ForElse", "for i in x:\n    break\nelse:\n    y = 1\n",
     "for i in x:\n    break\nelse:\n    y = 1"},
    {"WhileBreakContinue",
     "while i < 3:\n    i += 1\n    if i == 2: continue\n    break\n",
     "while (i < 3):\n    i += 1\n    if (i == 2):\n        continue\n    "
     "break"},
    {"If", "if x:\n    y = 1\n", "if x:\n    y = 1"},
    {"IfElse", "if x:\n    y = 1\nelse:\n    y = 2\n",
     "if x:\n    y = 1\nelse:\n    y = 2"},
    {"IfElifElse", "if a: x = 1\nelif b: x = 2\nelif c: x = 3\nelse: x = 4\n",
     "if a:\n    x = 1\nelif b:\n    x = 2\nelif c:\n    x = 3\nelse:\n"
     "    x = 4"},
    {"ElseIfPrintsAsElif", "if a:\n    pass\nelse:\n    if b:\n        pass\n",
     "if a:\n    pass\nelif b:\n    pass"},
    {"ElseWithIfAndMore",
     "if a:\n    pass\nelse:\n    if b:\n        pass\n    x = 1\n",
     "if a:\n    pass\nelse:\n    if b:\n        pass\n    x = 1"},
};
INSTANTIATE_TEST_SUITE_P(Statements, CanonicalTest,
                         testing::ValuesIn(kStatementCases), CaseName);

constexpr ParseCase kLayoutCases[] = {
    {"NestedBlocks",
     "for i in range(2):\n"
     "    with torch.no_grad():\n"
     "        for j in range(3):\n"
     "            x[i, j] = i * j\n"
     "    y = 0\n"
     "z = 1\n",
     "for i in range(2):\n    with torch.no_grad():\n        for j in "
     "range(3):\n            x[i, j] = (i * j)\n    y = 0\nz = 1"},
    {"DedentSeveralLevels", "if a:\n  if b:\n    if c:\n      x = 1\ny = 2\n",
     "if a:\n    if b:\n        if c:\n            x = 1\ny = 2"},
    {"TabIndentation", "if x:\n\tif y:\n\t\tz = 1\n",
     "if x:\n    if y:\n        z = 1"},
    {"TabEqualsEightSpacesConsistently", "if x:\n\ty = 1\n\tz = 2\n",
     "if x:\n    y = 1\n    z = 2"},
    {"SingleLineBodyWithSemicolons", "for x in r: a = x; b = 2\n",
     "for x in r:\n    a = x\n    b = 2"},
    {"ParenthesisContinuation", "x = (1 +\n     2)\n", "x = (1 + 2)"},
    {"BracketContinuationWithBlankLines", "x = [1,\n  2,\n\n  3]\ny = 4\n",
     "x = [1, 2, 3]\ny = 4"},
    {"CallContinuationWithComments", "y = f(a,  # first\n      b)  # second\n",
     "y = f(a, b)"},
    {"ContinuationInsideBlockIgnoresIndent",
     "if x:\n    y = (1,\n2)\n    z = 3\n", "if x:\n    y = (1, 2)\n    z = 3"},
    {"BackslashContinuation", "x = 1 + \\\n    2\n", "x = (1 + 2)"},
    {"BackslashInsideExpression", "x = a.\\\nb\n", "x = a.b"},
    {"Comments", "# header\nx = 1  # trailing\n    # indented comment\ny = 2\n",
     "x = 1\ny = 2"},
    {"BlankAndCommentLinesInBlock",
     "if x:\n\n    # comment\n    y = 1\n\n\n    z = 2\n",
     "if x:\n    y = 1\n    z = 2"},
    {"Semicolons", "x = 1; y = 2;\nz = 3 ; w = 4\n",
     "x = 1\ny = 2\nz = 3\nw = 4"},
    {"NoTrailingNewline", "x = 1", "x = 1"},
    {"BlockAtEndWithoutNewline", "if x:\n    y = 1", "if x:\n    y = 1"},
    {"CrLfLineEndings", "x = 1\r\ny = (1,\r\n  2)\r\n", "x = 1\ny = (1, 2)"},
    {"ByteOrderMark", "\xef\xbb\xbfx = 1\n", "x = 1"},
    {"EmptySource", "", ""},
    {"OnlyComments", "# nothing\n\n   # here\n", ""},
};
INSTANTIATE_TEST_SUITE_P(Layout, CanonicalTest, testing::ValuesIn(kLayoutCases),
                         CaseName);

// ----------------------------------------------------------------- errors

struct ErrorCase {
  const char* name;
  const char* source;
  const char* message;  // the whole status message
};

std::string ErrorCaseName(const testing::TestParamInfo<ErrorCase>& info) {
  return info.param.name;
}

// Only the name: gtest_discover_tests reads this from the test list.
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class SyntaxErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(SyntaxErrorTest, ReportsLineAndMessage) {
  const ErrorCase& c = GetParam();
  SCOPED_TRACE(absl::StrCat("source:\n", c.source));
  absl::StatusOr<Program> program = Parse(c.source);
  ASSERT_FALSE(program.ok()) << "parsed as:\n" << ToString(*program);
  EXPECT_EQ(program.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(program.status().message(), c.message);
}

// The messages are CPython 3.11's unless they name tensorctl.
constexpr ErrorCase kErrorCases[] = {
    // Brackets.
    {"UnclosedParenthesis", "x = 1\ny = f(a,\n  b\nz = 3\n",
     "line 2: SyntaxError: '(' was never closed"},
    {"UnclosedBracketAtEnd", "x = [1,\n  2,\n",
     "line 1: SyntaxError: '[' "
     "was never closed"},
    {"UnmatchedClosing", "x = 1\ny = 2)\n",
     "line 2: SyntaxError: unmatched ')'"},
    {"MismatchedClosing", "x = [1, 2)\n",
     "line 1: SyntaxError: closing parenthesis ')' does not match opening "
     "parenthesis '['"},
    {"MismatchedClosingOtherLine", "x = (1,\n 2]\n",
     "line 2: SyntaxError: closing parenthesis ']' does not match opening "
     "parenthesis '(' on line 1"},
    {"UnclosedWinsOverLaterError", "print(1\nx = 3\n",
     "line 1: SyntaxError: '(' was never closed"},
    {"LaterBadStringWinsOverInvalidSyntax", "x = 1 +\ny = 'abc\n",
     "line 2: SyntaxError: unterminated string literal (detected at line 2)"},
    {"UnclosedOnLaterLineDoesNotWin", "x = 1 +\ny = (\n",
     "line 1: SyntaxError: invalid syntax"},
    {"UnexpectedIndentWinsOverLaterBadString", "x = 1\n  y = 2\nz = 'abc\n",
     "line 2: IndentationError: unexpected indent"},
    {"EarlierErrorWinsOverUnclosed", "1 = 2\nx = (\n",
     "line 1: SyntaxError: cannot assign to literal here. Maybe you meant "
     "'==' instead of '='?"},
    // Indentation.
    {"UnexpectedIndent", "x = 1\n    y = 2\n",
     "line 2: IndentationError: unexpected indent"},
    {"UnexpectedIndentAfterBlankLines", "x = 1\n\n\n  y\n",
     "line 4: IndentationError: unexpected indent"},
    {"UnindentMismatch", "if x:\n    a = 1\n  b = 2\n",
     "line 3: IndentationError: unindent does not match any outer "
     "indentation level"},
    {"UnindentMismatchElif", "if x:\n  pass\n elif y:\n  pass\n",
     "line 3: IndentationError: unindent does not match any outer "
     "indentation level"},
    {"ExpectedIndentedBlock", "for i in x:\nprint(i)\n",
     "line 2: IndentationError: expected an indented block after 'for' "
     "statement on line 1"},
    {"ExpectedIndentedBlockAtEnd", "x = 1\nwith a:\n",
     "line 2: IndentationError: expected an indented block after 'with' "
     "statement on line 2"},
    {"ExpectedIndentedBlockElse", "if x:\n  pass\nelse:\npass\n",
     "line 4: IndentationError: expected an indented block after 'else' "
     "statement on line 3"},
    {"TabsAndSpaces", "if x:\n\ta = 1\n        b = 2\n",
     "line 3: TabError: inconsistent use of tabs and spaces in indentation"},
    {"StrayElse", "x = 1\nelse:\n  pass\n",
     "line 2: SyntaxError: invalid syntax"},
    // Colons.
    {"MissingColonFor", "for i in range(3)\n    pass\n",
     "line 1: SyntaxError: expected ':'"},
    {"MissingColonWith", "with torch.no_grad()\n    pass\n",
     "line 1: SyntaxError: expected ':'"},
    {"MissingColonIf", "x = 1\nif x\n    pass\n",
     "line 2: SyntaxError: expected ':'"},
    {"MissingColonElse", "if x:\n pass\nelse\n pass\n",
     "line 3: SyntaxError: expected ':'"},
    {"AssignmentInCondition", "if x = 1:\n    pass\n",
     "line 1: SyntaxError: invalid syntax. Maybe you meant '==' or ':=' "
     "instead of '='?"},
    // Assignment targets.
    {"AssignToLiteral", "x = 1\n1 = x\n",
     "line 2: SyntaxError: cannot assign to literal here. Maybe you meant "
     "'==' instead of '='?"},
    {"AssignToCall", "f() = 1\n",
     "line 1: SyntaxError: cannot assign to function call here. Maybe you "
     "meant '==' instead of '='?"},
    {"AssignToComparison", "a < b = 1\n",
     "line 1: SyntaxError: cannot assign to comparison"},
    {"AssignToTrue", "True = 1\n",
     "line 1: SyntaxError: cannot assign to True"},
    {"AssignToLiteralInChain", "x = 1 = 2\n",
     "line 1: SyntaxError: cannot assign to literal"},
    {"AssignToLiteralInTuple", "a, 1 = x\n",
     "line 1: SyntaxError: cannot assign to literal here. Maybe you meant "
     "'==' instead of '='?"},
    {"AssignToExpression", "a + b = c\n",
     "line 1: SyntaxError: cannot assign to expression here. Maybe you meant "
     "'==' instead of '='?"},
    {"AugAssignToExpression", "a + 1 += 2\n",
     "line 1: SyntaxError: 'expression' is an illegal expression for "
     "augmented assignment"},
    {"AugAssignToTuple", "a, b += 1\n",
     "line 1: SyntaxError: 'tuple' is an illegal expression for augmented "
     "assignment"},
    {"ForTargetLiteral", "for 1 in x:\n    pass\n",
     "line 1: SyntaxError: cannot assign to literal"},
    {"WithTargetLiteral", "with a as 1:\n    pass\n",
     "line 1: SyntaxError: cannot assign to literal"},
    {"DeleteCall", "del f()\n",
     "line 1: SyntaxError: cannot delete function "
     "call"},
    // Strings and characters.
    {"UnterminatedString", "x = 1\ny = 'abc\n",
     "line 2: SyntaxError: unterminated string literal (detected at line 2)"},
    {"UnterminatedTripleQuoted", "x = '''abc\n\ndef\n",
     "line 1: SyntaxError: unterminated triple-quoted string literal "
     "(detected at line 3)"},
    {"BadHexEscape", "x = 'ab\\x4Z'\n",
     "line 1: SyntaxError: (unicode error) 'unicodeescape' codec can't "
     "decode bytes in position 2-4: truncated \\xXX escape"},
    {"StrayDollar", "x = 1 $ 2\n", "line 1: SyntaxError: invalid syntax"},
    {"StrayQuestionMark", "x = 1\ny = a ? b : c\n",
     "line 2: SyntaxError: invalid syntax"},
    {"NonAsciiCharacter", "x = 1\ny = 2 € 3\n",
     "line 2: SyntaxError: invalid character '€' (U+20AC)"},
    {"BadLineContinuation", "x = 1 + \\ 2\n",
     "line 1: SyntaxError: unexpected character after line continuation "
     "character"},
    {"LineContinuationAtEnd", "x = 1 + \\",
     "line 1: SyntaxError: unexpected EOF while parsing"},
    // Numbers.
    {"LeadingZeros", "x = 012\n",
     "line 1: SyntaxError: leading zeros in decimal integer literals are not "
     "permitted; use an 0o prefix for octal integers"},
    {"DoubleUnderscore", "x = 1__0\n",
     "line 1: SyntaxError: invalid decimal literal"},
    {"NumberFollowedByName", "x = 1.real\n",
     "line 1: SyntaxError: invalid decimal literal"},
    {"EmptyHex", "x = 0x\n",
     "line 1: SyntaxError: invalid hexadecimal "
     "literal"},
    {"BadOctalDigit", "x = 0o8\n",
     "line 1: SyntaxError: invalid digit '8' in octal literal"},
    {"IntTooLarge", "x = 9223372036854775808\n",
     "line 1: SyntaxError: integer literal too large for 64 bits: "
     "9223372036854775808"},
    // Other syntax.
    {"IncompleteExpression", "x = 1 +\n",
     "line 1: SyntaxError: invalid "
     "syntax"},
    {"MissingComma", "f(a b)\n",
     "line 1: SyntaxError: invalid syntax. Perhaps you forgot a comma?"},
    {"MissingCommaInList", "x = [1,\n  2\n  3]\n",
     "line 2: SyntaxError: invalid syntax. Perhaps you forgot a comma?"},
    {"TwoExpressions", "x = 1 2\n", "line 1: SyntaxError: invalid syntax"},
    {"DoubleSemicolon", "x = 1;;\n", "line 1: SyntaxError: invalid syntax"},
    {"EmptySubscript", "x[]\n", "line 1: SyntaxError: invalid syntax"},
    {"ConditionalWithoutElse", "x = a if b\n",
     "line 1: SyntaxError: expected 'else' after 'if' expression"},
    {"KeywordAsAttribute", "x.if = 1\n",
     "line 1: SyntaxError: invalid "
     "syntax"},
    {"PositionalAfterKeyword", "f(a=1, 2)\n",
     "line 1: SyntaxError: positional argument follows keyword argument"},
    {"RepeatedKeyword", "f(a=1,\n  a=2)\n",
     "line 2: SyntaxError: keyword argument repeated: a"},
    {"AssignmentInArgument", "f(a + 1=2)\n",
     "line 1: SyntaxError: expression cannot contain assignment, perhaps you "
     "meant \"==\"?"},
    {"PrintStatement", "print x\n",
     "line 1: SyntaxError: Missing parentheses in call to 'print'. Did you "
     "mean print(...)?"},
    {"BreakOutsideLoop", "x = 1\nbreak\n",
     "line 2: SyntaxError: 'break' outside loop"},
    {"ContinueInLoopElse", "for i in x:\n  pass\nelse:\n  continue\n",
     "line 4: SyntaxError: 'continue' not properly in loop"},
    {"ReturnOutsideFunction", "return 1\n",
     "line 1: SyntaxError: 'return' outside function"},
    {"ParseErrorBeatsReturnOutsideFunction", "return\nx = (\n",
     "line 2: SyntaxError: '(' was never closed"},
    {"TrailingCommaInFromImport", "from x import a,\n",
     "line 1: SyntaxError: trailing comma not allowed without surrounding "
     "parentheses"},
    // Python that tensorctl scripts leave out.
    {"NoDef", "def f():\n    pass\n",
     "line 1: SyntaxError: 'def' statements are not supported in tensorctl "
     "scripts"},
    {"NoLambda", "f = lambda x: x\n",
     "line 1: SyntaxError: lambda expressions are not supported in tensorctl "
     "scripts"},
    {"NoListComprehension", "x = [i * 2 for i in y]\n",
     "line 1: SyntaxError: list comprehensions are not supported in "
     "tensorctl scripts"},
    {"NoDict", "x = {'a': 1}\n",
     "line 1: SyntaxError: dict and set displays are not supported in "
     "tensorctl scripts"},
    {"NoStarArgs", "f(*args)\n",
     "line 1: SyntaxError: argument unpacking (*args, **kwargs) is not "
     "supported in tensorctl scripts"},
    {"NoFString", "print(f'{x}')\n",
     "line 1: SyntaxError: f-strings are not supported in tensorctl scripts"},
    {"NoRelativeImport", "from . import x\n",
     "line 1: SyntaxError: relative imports are not supported in tensorctl "
     "scripts"},
};
INSTANTIATE_TEST_SUITE_P(Errors, SyntaxErrorTest,
                         testing::ValuesIn(kErrorCases), ErrorCaseName);

// -------------------------------------------------------- the seed script

TEST(SeedWalkthroughParseTest, Parses) {
  std::ifstream file(TENSORD_SEED_WALKTHROUGH);
  ASSERT_TRUE(file) << "cannot read " << TENSORD_SEED_WALKTHROUGH;
  std::stringstream text;
  text << file.rdbuf();
  absl::StatusOr<Program> program = Parse(text.str());
  ASSERT_TRUE(program.ok()) << program.status();
  const std::vector<Stmt>& s = program->statements;
  ASSERT_EQ(s.size(), 38u);
  EXPECT_EQ(ToString(s[0]), "import torch");
  EXPECT_EQ(ToString(s[1]), "A = torch.arange(12).reshape(3, 4)");
  EXPECT_EQ(ToString(s[4]),
            "print(A.sum(axis=1).shape, A.sum(axis=[0, 2]).shape)");
  EXPECT_EQ(ToString(s[5]),
            "A = torch.arange(20, dtype=torch.float32).reshape(5, 4)");
  EXPECT_EQ(ToString(s[8]), "print((A / sum_A))");
  EXPECT_EQ(ToString(s[9]), "u = torch.tensor([3.0, (-4.0)])");
  EXPECT_EQ(ToString(s[14]), "y = (2 * torch.dot(x, x))");
  EXPECT_EQ(ToString(s[18]), "print((x.grad == (4 * x)))");
  EXPECT_EQ(ToString(s.back()),
            "print(torch.linalg.eigh(torch.tensor([[2., 1.], [1., "
            "2.]])).eigenvalues)");
  // Every statement is on its own line, and echoes its own text.
  int line = 0;
  for (const Stmt& stmt : s) {
    EXPECT_GT(stmt.location.line, line);
    line = stmt.location.line;
    EXPECT_EQ(stmt.location.column, 1);
    EXPECT_FALSE(program->Text(stmt).empty());
    EXPECT_EQ(program->Text(stmt).find('\n'), absl::string_view::npos);
  }
}

// ------------------------------------------------------------ structure

// Parses `source`, which must give `statements` statements.
absl::StatusOr<Program> ParseChecked(absl::string_view source,
                                     size_t statements) {
  absl::StatusOr<Program> program = Parse(source);
  if (program.ok() && program->statements.size() != statements) {
    return absl::InternalError(absl::StrCat(
        "expected ", statements, " statements, got:\n", ToString(*program)));
  }
  return program;
}

// The expression of an expression statement or the value of an assignment.
const Expr& ValueOf(const Stmt& stmt) {
  static const Expr* const kNone = new Expr();
  if (const ExprStmt* e = stmt.As<ExprStmt>()) return e->value;
  if (const Assign* a = stmt.As<Assign>()) return a->value;
  return *kNone;
}

TEST(ParserStructureTest, CallKeepsArgumentsAndKeywordsInOrder) {
  absl::StatusOr<Program> p = ParseChecked("f(a, 1, k=2, j=x.y)\n", 1);
  ASSERT_TRUE(p.ok()) << p.status();
  const Call* call = ValueOf(p->statements[0]).As<Call>();
  ASSERT_NE(call, nullptr);
  EXPECT_TRUE(call->func->Is<Name>());
  ASSERT_EQ(call->args.size(), 2u);
  EXPECT_TRUE(call->args[0].Is<Name>());
  EXPECT_TRUE(call->args[1].Is<IntLiteral>());
  EXPECT_EQ(ToString(call->args[0]), "a");
  EXPECT_EQ(ToString(call->args[1]), "1");
  ASSERT_EQ(call->keywords.size(), 2u);
  EXPECT_EQ(call->keywords[0].arg, "k");
  EXPECT_EQ(call->keywords[1].arg, "j");
  EXPECT_TRUE(call->keywords[1].value->Is<Attribute>());
  EXPECT_EQ(call->keywords[1].location.column, 14);
}

TEST(ParserStructureTest, SubscriptIndexTupleHoldsSlicesNoneAndEllipsis) {
  absl::StatusOr<Program> p = ParseChecked("x[1:, ::2, None, ...]\nx[i]\n", 2);
  ASSERT_TRUE(p.ok()) << p.status();
  const Subscript* sub = ValueOf(p->statements[0]).As<Subscript>();
  ASSERT_NE(sub, nullptr);
  const Tuple* index = sub->index->As<Tuple>();
  ASSERT_NE(index, nullptr);
  EXPECT_FALSE(index->parenthesized);
  ASSERT_EQ(index->elts.size(), 4u);
  const Slice* first = index->elts[0].As<Slice>();
  const Slice* second = index->elts[1].As<Slice>();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  ASSERT_NE(first->lower, nullptr);
  EXPECT_EQ(ToString(*first->lower), "1");
  EXPECT_EQ(first->upper, nullptr);
  EXPECT_EQ(first->step, nullptr);
  EXPECT_EQ(second->lower, nullptr);
  EXPECT_EQ(second->upper, nullptr);
  ASSERT_NE(second->step, nullptr);
  EXPECT_EQ(ToString(*second->step), "2");
  EXPECT_TRUE(index->elts[2].Is<NoneLiteral>());
  EXPECT_TRUE(index->elts[3].Is<EllipsisLiteral>());
  // A single index is the expression itself.
  const Subscript* single = ValueOf(p->statements[1]).As<Subscript>();
  ASSERT_NE(single, nullptr);
  EXPECT_TRUE(single->index->Is<Name>());
}

TEST(ParserStructureTest, LiteralsAreDecoded) {
  absl::StatusOr<Program> p =
      ParseChecked("x = 0x1f, 1_000, 1e-3, 2j, 'a\\tb', True\n", 1);
  ASSERT_TRUE(p.ok()) << p.status();
  const Tuple* t = ValueOf(p->statements[0]).As<Tuple>();
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->elts.size(), 6u);
  const IntLiteral* hex = t->elts[0].As<IntLiteral>();
  const IntLiteral* underscores = t->elts[1].As<IntLiteral>();
  const FloatLiteral* real = t->elts[2].As<FloatLiteral>();
  const ImaginaryLiteral* imaginary = t->elts[3].As<ImaginaryLiteral>();
  const StringLiteral* string = t->elts[4].As<StringLiteral>();
  const BoolLiteral* boolean = t->elts[5].As<BoolLiteral>();
  ASSERT_TRUE(hex && underscores && real && imaginary && string && boolean);
  EXPECT_EQ(hex->value, 31);
  EXPECT_EQ(underscores->value, 1000);
  EXPECT_DOUBLE_EQ(real->value, 1e-3);
  EXPECT_EQ(real->spelling, "1e-3");
  EXPECT_DOUBLE_EQ(imaginary->imag, 2.0);
  EXPECT_EQ(string->value, "a\tb");
  EXPECT_TRUE(boolean->value);
}

TEST(ParserStructureTest, OperatorsAndChainedComparison) {
  absl::StatusOr<Program> p =
      ParseChecked("a < b <= c != d\n-x @ y\nnot z\n", 3);
  ASSERT_TRUE(p.ok()) << p.status();
  const Compare* cmp = ValueOf(p->statements[0]).As<Compare>();
  ASSERT_NE(cmp, nullptr);
  EXPECT_EQ(ToString(*cmp->left), "a");
  EXPECT_EQ(cmp->ops, (std::vector<CompareOperator>{CompareOperator::kLt,
                                                    CompareOperator::kLtE,
                                                    CompareOperator::kNotEq}));
  ASSERT_EQ(cmp->comparators.size(), 3u);
  EXPECT_EQ(ToString(cmp->comparators[2]), "d");
  const BinOp* matmul = ValueOf(p->statements[1]).As<BinOp>();
  ASSERT_NE(matmul, nullptr);
  EXPECT_EQ(matmul->op, BinaryOperator::kMatMul);
  const UnaryOp* neg = matmul->left->As<UnaryOp>();
  ASSERT_NE(neg, nullptr);
  EXPECT_EQ(neg->op, UnaryOperator::kNeg);
  const UnaryOp* negation = ValueOf(p->statements[2]).As<UnaryOp>();
  ASSERT_NE(negation, nullptr);
  EXPECT_EQ(negation->op, UnaryOperator::kNot);
  EXPECT_EQ(Symbol(BinaryOperator::kFloorDiv), "//");
  EXPECT_EQ(Symbol(CompareOperator::kIsNot), "is not");
}

TEST(ParserStructureTest, StatementsKeepTheirParts) {
  absl::StatusOr<Program> p = ParseChecked(
      "import torch.nn as nn\n"
      "from torch import ones as o, zeros\n"
      "a = b = f()\n"
      "x.grad += 1\n"
      "with torch.no_grad() as g:\n"
      "    pass\n"
      "if a:\n"
      "    pass\n"
      "elif b:\n"
      "    pass\n",
      6);
  ASSERT_TRUE(p.ok()) << p.status();
  const std::vector<Stmt>& s = p->statements;
  const Import* import = s[0].As<Import>();
  ASSERT_NE(import, nullptr);
  ASSERT_EQ(import->names.size(), 1u);
  EXPECT_EQ(import->names[0].name, "torch.nn");
  EXPECT_EQ(import->names[0].asname, "nn");
  const ImportFrom* from = s[1].As<ImportFrom>();
  ASSERT_NE(from, nullptr);
  EXPECT_EQ(from->module, "torch");
  ASSERT_EQ(from->names.size(), 2u);
  EXPECT_EQ(from->names[0].name, "ones");
  EXPECT_EQ(from->names[0].asname, "o");
  EXPECT_EQ(from->names[1].name, "zeros");
  EXPECT_EQ(from->names[1].asname, "");
  const Assign* assign = s[2].As<Assign>();
  ASSERT_NE(assign, nullptr);
  ASSERT_EQ(assign->targets.size(), 2u);
  EXPECT_EQ(ToString(assign->targets[1]), "b");
  EXPECT_TRUE(assign->value.Is<Call>());
  const AugAssign* aug = s[3].As<AugAssign>();
  ASSERT_NE(aug, nullptr);
  EXPECT_EQ(aug->op, BinaryOperator::kAdd);
  EXPECT_TRUE(aug->target.Is<Attribute>());
  const With* with = s[4].As<With>();
  ASSERT_NE(with, nullptr);
  ASSERT_EQ(with->items.size(), 1u);
  ASSERT_NE(with->items[0].optional_vars, nullptr);
  EXPECT_EQ(ToString(*with->items[0].optional_vars), "g");
  EXPECT_EQ(with->body.size(), 1u);
  const If* if_stmt = s[5].As<If>();
  ASSERT_NE(if_stmt, nullptr);
  ASSERT_EQ(if_stmt->orelse.size(), 1u);
  const If* elif = if_stmt->orelse[0].As<If>();
  ASSERT_NE(elif, nullptr);
  EXPECT_EQ(ToString(elif->test), "b");
  EXPECT_EQ(if_stmt->orelse[0].location.line, 9);
}

// ------------------------------------------------- locations and spans

TEST(ParserLocationTest, NodesCarryLineColumnAndSourceText) {
  absl::StatusOr<Program> p = ParseChecked(
      "x = 1\n"
      "with torch.no_grad():\n"
      "    y = -x ** 2 + f(a,\n"
      "                     b)\n",
      2);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->statements[0].location.line, 1);
  const With* with = p->statements[1].As<With>();
  ASSERT_NE(with, nullptr);
  ASSERT_EQ(with->items.size(), 1u);
  ASSERT_EQ(with->body.size(), 1u);
  EXPECT_EQ(p->Text(with->items[0].context_expr), "torch.no_grad()");
  const Stmt& inner = with->body[0];
  EXPECT_EQ(inner.location.line, 3);
  EXPECT_EQ(inner.location.column, 5);
  EXPECT_EQ(p->Text(inner), "y = -x ** 2 + f(a,\n                     b)");
  const BinOp* add = ValueOf(inner).As<BinOp>();
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->left->location.column, 9);
  EXPECT_EQ(p->Text(*add->left), "-x ** 2");
  EXPECT_EQ(add->right->location.line, 3);
  EXPECT_EQ(add->right->location.column, 19);
  const Call* call = add->right->As<Call>();
  ASSERT_NE(call, nullptr);
  ASSERT_EQ(call->args.size(), 2u);
  EXPECT_EQ(call->args[1].location.line, 4);
  EXPECT_EQ(call->args[1].location.column, 22);
  // The compound statement spans its body.
  EXPECT_TRUE(absl::StartsWith(p->Text(p->statements[1]), "with "));
  EXPECT_TRUE(absl::EndsWith(p->Text(p->statements[1]), "b)"));
}

TEST(ParserLocationTest, ParenthesesAndTuples) {
  absl::StatusOr<Program> p = ParseChecked("z = (a + b) * c, (d, e)\n", 1);
  ASSERT_TRUE(p.ok()) << p.status();
  const Expr& value = ValueOf(p->statements[0]);
  EXPECT_EQ(p->Text(value), "(a + b) * c, (d, e)");
  const Tuple* t = value.As<Tuple>();
  ASSERT_NE(t, nullptr);
  ASSERT_EQ(t->elts.size(), 2u);
  const BinOp* mul = t->elts[0].As<BinOp>();
  ASSERT_NE(mul, nullptr);
  EXPECT_EQ(p->Text(t->elts[0]), "(a + b) * c");
  EXPECT_EQ(p->Text(*mul->left), "a + b");   // without its parentheses
  EXPECT_EQ(p->Text(t->elts[1]), "(d, e)");  // a tuple keeps them
  const Tuple* inner = t->elts[1].As<Tuple>();
  ASSERT_NE(inner, nullptr);
  EXPECT_TRUE(inner->parenthesized);
  EXPECT_FALSE(t->parenthesized);
}

// --------------------------------------------------------------- lexer

std::string Kinds(const TokenStream& stream) {
  std::vector<std::string> kinds;
  for (const Token& t : stream.tokens) {
    switch (t.kind) {
      case TokenKind::kNewline:
        kinds.push_back("NEWLINE");
        break;
      case TokenKind::kIndent:
        kinds.push_back("INDENT");
        break;
      case TokenKind::kDedent:
        kinds.push_back("DEDENT");
        break;
      case TokenKind::kEndMarker:
        kinds.push_back("END");
        break;
      case TokenKind::kError:
        kinds.push_back("ERROR");
        break;
      default:
        kinds.push_back(std::string(t.text));
        break;
    }
  }
  return absl::StrJoin(kinds, " ");
}

TEST(ScriptLexerTest, IndentationTokens) {
  TokenStream s = Tokenize(
      "if a:\n"
      "    # comment\n"
      "\n"
      "    b = (1,\n"
      "  2)\n"
      "    if c:\n"
      "        d\n"
      "e\n");
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(Kinds(s),
            "if a : NEWLINE INDENT b = ( 1 , 2 ) NEWLINE if c : NEWLINE INDENT "
            "d NEWLINE DEDENT DEDENT e NEWLINE END");
}

TEST(ScriptLexerTest, OperatorsAndNumbers) {
  TokenStream s = Tokenize("x **= a//b ... .5 != 1_0\n");
  ASSERT_TRUE(s.status.ok()) << s.status;
  EXPECT_EQ(Kinds(s), "x **= a // b ... .5 != 1_0 NEWLINE END");
  EXPECT_EQ(s.tokens[6].kind, TokenKind::kFloat);
  EXPECT_EQ(s.tokens[8].int_value, 10);
}

TEST(ScriptLexerTest, ErrorEndsTheStream) {
  TokenStream s = Tokenize("x = 1\ny = 'abc\n");
  EXPECT_EQ(s.status.message(),
            "line 2: SyntaxError: unterminated string literal (detected at "
            "line 2)");
  EXPECT_EQ(Kinds(s), "x = 1 NEWLINE y = ERROR");
}

// ------------------------------------------------------ ParseExpression

TEST(ParseExpressionTest, ParsesOneExpression) {
  absl::StatusOr<Expr> e = ParseExpression("  x[0] @ w.T + b\n");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(ToString(*e), "((x[0] @ w.T) + b)");
  absl::StatusOr<Expr> pair = ParseExpression("a, b");
  ASSERT_TRUE(pair.ok()) << pair.status();
  EXPECT_EQ(ToString(*pair), "(a, b)");
  EXPECT_EQ(ParseExpression("x = 1").status().message(),
            "line 1: SyntaxError: invalid syntax");
  EXPECT_EQ(ParseExpression("a\nb").status().message(),
            "line 2: SyntaxError: invalid syntax");
  EXPECT_EQ(ParseExpression("").status().message(),
            "line 1: SyntaxError: invalid syntax");
}

// ------------------------------------------------------------- limits

TEST(ParserLimitsTest, DeepNestingIsAnErrorNotACrash) {
  // Moderate nesting is fine.
  EXPECT_EQ(Canonical(std::string(100, '(') + "x" + std::string(100, ')')),
            "x");
  // CPython's limit of 200 open brackets.
  EXPECT_EQ(Canonical(std::string(250, '(') + "x" + std::string(250, ')')),
            "line 1: SyntaxError: too many nested parentheses");
  // Long unary chains, sums and attribute chains are bounded too.
  const std::string too_deep =
      "SyntaxError: expression nested too deeply (more than 1000 levels)";
  EXPECT_EQ(Canonical(std::string(5000, '-') + "x"), "line 1: " + too_deep);
  std::string sum = "x";
  for (int i = 0; i < 5000; ++i) sum += " + x";
  EXPECT_EQ(Canonical(sum), "line 1: " + too_deep);
  std::string attrs = "x";
  for (int i = 0; i < 5000; ++i) attrs += ".a";
  EXPECT_EQ(Canonical(attrs), "line 1: " + too_deep);
  std::string power = "x";
  for (int i = 0; i < 5000; ++i) power += " ** x";
  EXPECT_EQ(Canonical(power), "line 1: " + too_deep);
  // CPython's limit of 100 indentation levels (99 blocks deep).
  const auto nested_blocks = [](int n) {
    std::string blocks;
    for (int i = 0; i < n; ++i) blocks += std::string(i, ' ') + "if x:\n";
    return blocks + std::string(n, ' ') + "pass\n";
  };
  EXPECT_TRUE(Parse(nested_blocks(99)).ok());
  EXPECT_EQ(Canonical(nested_blocks(100)),
            "line 101: IndentationError: too many levels of indentation");
}

TEST(ParserLimitsTest, ManyStatementsAndLongSums) {
  std::string many;
  for (int i = 0; i < 10000; ++i) many += "x = x + 1\n";
  absl::StatusOr<Program> p = Parse(many);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->statements.size(), 10000u);
  std::string sum = "y = x";
  for (int i = 0; i < 500; ++i) sum += " + x";
  EXPECT_TRUE(Parse(sum).ok());
}

}  // namespace
}  // namespace tensord::script
