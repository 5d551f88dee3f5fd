// lexer.cc — the tokenizer behind Tokenize() (see lexer.h).
#include "client/script/lexer.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace tensord::script {
namespace {

constexpr int kTabSize = 8;
constexpr size_t kMaxIndentLevels = 100;  // CPython's MAXINDENT
constexpr size_t kMaxBracketDepth = 200;  // CPython's MAXLEVEL

bool IsIdentStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsIdentChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }
bool IsDecDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return absl::ascii_isxdigit(c); }
bool IsOctDigit(char c) { return c >= '0' && c <= '7'; }
bool IsBinDigit(char c) { return c == '0' || c == '1'; }

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return absl::ascii_tolower(c) - 'a' + 10;
}

// Decodes the UTF-8 sequence at the start of `s` (for error messages).
uint32_t DecodeUtf8(absl::string_view s, size_t* length) {
  const unsigned char lead = static_cast<unsigned char>(s[0]);
  size_t n = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (n > s.size()) n = 1;
  uint32_t cp = n == 1 ? lead : lead & (0x7f >> n);
  for (size_t i = 1; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xc0) != 0x80) {
      n = 1;
      cp = lead;
      break;
    }
    cp = (cp << 6) | (c & 0x3f);
  }
  *length = n;
  return cp;
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

bool IsStringPrefix(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(name);
  return lower == "r" || lower == "u" || lower == "b" || lower == "f" ||
         lower == "br" || lower == "rb" || lower == "fr" || lower == "rf";
}

char ClosingFor(char open) {
  return open == '(' ? ')' : open == '[' ? ']' : '}';
}

class Lexer {
 public:
  explicit Lexer(absl::string_view source) : src_(source) {
    if (absl::StartsWith(src_, "\xef\xbb\xbf")) pos_ = line_start_ = 3;  // BOM
  }

  TokenStream Run() {
    TokenStream out;
    absl::Status status = LexAll();
    if (!status.ok()) {
      Token error;
      error.kind = TokenKind::kError;
      error.location = {line_, Column(pos_)};
      error.span = {pos_, pos_};
      error.depth = static_cast<int>(brackets_.size());
      tokens_.push_back(std::move(error));
      out.status = std::move(status);
      out.error_scope = error_scope_;
    }
    out.tokens = std::move(tokens_);
    return out;
  }

 private:
  char At(size_t i) const { return i < src_.size() ? src_[i] : '\0'; }
  int Column(size_t pos) const {
    return static_cast<int>(pos - line_start_) + 1;
  }
  static bool IsNewline(char c) { return c == '\n' || c == '\r'; }
  size_t NewlineLength(size_t pos) const {
    return At(pos) == '\r' && At(pos + 1) == '\n' ? 2 : 1;
  }
  // Moves past the newline at pos_ to the start of the next line.
  void ConsumeNewline() {
    pos_ += NewlineLength(pos_);
    ++line_;
    line_start_ = pos_;
  }

  Token& Emit(TokenKind kind, size_t begin, size_t end, int line, int column) {
    Token token;
    token.kind = kind;
    token.text = src_.substr(begin, end - begin);
    token.location = {line, column};
    token.span = {begin, end};
    token.depth = static_cast<int>(brackets_.size());
    tokens_.push_back(std::move(token));
    if (kind != TokenKind::kIndent && kind != TokenKind::kDedent &&
        kind != TokenKind::kEndMarker) {
      line_has_tokens_ = kind != TokenKind::kNewline;
      last_line_ = line;
    }
    return tokens_.back();
  }

  absl::Status Syntax(int line, absl::string_view message) const {
    return SyntaxErrorStatus("SyntaxError", line, message);
  }
  absl::Status Local(absl::Status status) {
    error_scope_ = TokenStream::ErrorScope::kLocal;
    return status;
  }

  absl::Status LexAll() {
    while (true) {
      if (at_line_start_) {
        absl::Status status = Indentation();
        if (!status.ok()) return Local(std::move(status));
      }
      if (pos_ >= src_.size()) break;
      absl::Status status = LexToken();
      if (!status.ok()) return status;
    }
    if (!brackets_.empty()) {
      error_scope_ = TokenStream::ErrorScope::kUnclosedBracket;
      return Syntax(
          brackets_.back().line,
          absl::StrFormat("'%c' was never closed", brackets_.back().open));
    }
    const size_t end = src_.size();
    if (line_has_tokens_)
      Emit(TokenKind::kNewline, end, end, line_, Column(end));
    // Errors at the end of the input are reported on the last line that has
    // a token, as CPython does.
    const int eof_line = last_line_;
    for (size_t i = 1; i < indents_.size(); ++i) {
      Emit(TokenKind::kDedent, end, end, eof_line, 1);
    }
    Emit(TokenKind::kEndMarker, end, end, eof_line, 1);
    return absl::OkStatus();
  }

  // At the start of a physical line outside brackets: skips blank and
  // comment-only lines, then measures the indentation of the next real line
  // and emits INDENT / DEDENT tokens.
  absl::Status Indentation() {
    while (true) {
      int col = 0;
      int alt_col = 0;  // with tab size 1, to detect tab-size dependence
      for (; pos_ < src_.size(); ++pos_) {
        const char c = src_[pos_];
        if (c == ' ') {
          ++col;
          ++alt_col;
        } else if (c == '\t') {
          col = (col / kTabSize + 1) * kTabSize;
          ++alt_col;
        } else if (c == '\f') {
          col = alt_col = 0;
        } else {
          break;
        }
      }
      if (At(pos_) == '#') {
        while (pos_ < src_.size() && !IsNewline(src_[pos_])) ++pos_;
      }
      if (pos_ >= src_.size()) return absl::OkStatus();
      if (IsNewline(src_[pos_])) {
        ConsumeNewline();
        continue;
      }
      at_line_start_ = false;
      const auto tab_error = [this] {
        return SyntaxErrorStatus(
            "TabError", line_,
            "inconsistent use of tabs and spaces in indentation");
      };
      if (col == indents_.back()) {
        if (alt_col != alt_indents_.back()) return tab_error();
      } else if (col > indents_.back()) {
        if (alt_col <= alt_indents_.back()) return tab_error();
        if (indents_.size() >= kMaxIndentLevels) {
          return SyntaxErrorStatus("IndentationError", line_,
                                   "too many levels of indentation");
        }
        indents_.push_back(col);
        alt_indents_.push_back(alt_col);
        Emit(TokenKind::kIndent, pos_, pos_, line_, 1);
      } else {
        while (indents_.size() > 1 && col < indents_.back()) {
          indents_.pop_back();
          alt_indents_.pop_back();
          Emit(TokenKind::kDedent, pos_, pos_, line_, Column(pos_));
        }
        if (col != indents_.back()) {
          return SyntaxErrorStatus(
              "IndentationError", line_,
              "unindent does not match any outer indentation level");
        }
        if (alt_col != alt_indents_.back()) return tab_error();
      }
      return absl::OkStatus();
    }
  }

  absl::Status LexToken() {
    const char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\f') {
      ++pos_;
      return absl::OkStatus();
    }
    if (c == '#') {
      while (pos_ < src_.size() && !IsNewline(src_[pos_])) ++pos_;
      return absl::OkStatus();
    }
    if (c == '\\') {
      if (pos_ + 1 >= src_.size()) {
        return Local(Syntax(line_, "unexpected EOF while parsing"));
      }
      if (!IsNewline(At(pos_ + 1))) {
        return Local(Syntax(line_,
                            "unexpected character after line continuation "
                            "character"));
      }
      const int line = line_;
      ++pos_;
      ConsumeNewline();
      if (pos_ >= src_.size()) {
        return Local(Syntax(line, "unexpected EOF while parsing"));
      }
      return absl::OkStatus();
    }
    if (IsNewline(c)) {
      if (brackets_.empty()) {
        if (line_has_tokens_) {
          Emit(TokenKind::kNewline, pos_, pos_ + NewlineLength(pos_), line_,
               Column(pos_));
        }
        at_line_start_ = true;
      }
      ConsumeNewline();
      return absl::OkStatus();
    }
    if (IsIdentStart(c)) {
      const size_t start = pos_;
      while (IsIdentChar(At(pos_))) ++pos_;
      const absl::string_view name = src_.substr(start, pos_ - start);
      if ((At(pos_) == '\'' || At(pos_) == '"') && IsStringPrefix(name)) {
        const std::string prefix = absl::AsciiStrToLower(name);
        if (prefix.find('b') != std::string::npos) {
          return Syntax(line_,
                        "bytes literals are not supported in tensorctl "
                        "scripts");
        }
        if (prefix.find('f') != std::string::npos) {
          return Syntax(line_,
                        "f-strings are not supported in tensorctl "
                        "scripts");
        }
        return LexString(start, prefix.find('r') != std::string::npos);
      }
      if (static_cast<unsigned char>(At(pos_)) >= 0x80) {
        return InvalidCharacter();
      }
      Emit(TokenKind::kName, start, pos_, line_, Column(start));
      return absl::OkStatus();
    }
    if (IsDecDigit(c) || (c == '.' && IsDecDigit(At(pos_ + 1)))) {
      return LexNumber();
    }
    if (c == '\'' || c == '"') return LexString(pos_, /*raw=*/false);
    return LexOperator();
  }

  absl::Status InvalidCharacter() {
    size_t length = 1;
    const uint32_t cp = DecodeUtf8(src_.substr(pos_), &length);
    if (cp < 0x20 || cp == 0x7f) {
      return Syntax(
          line_, absl::StrFormat("invalid non-printable character U+%04X", cp));
    }
    return Syntax(line_, absl::StrFormat("invalid character '%s' (U+%04X)",
                                         src_.substr(pos_, length), cp));
  }

  absl::Status LexOperator() {
    static constexpr absl::string_view kOperators[] = {
        "**=", "//=", ">>=", "<<=", "...", "**", "//", "==", "!=", "<=",
        ">=",  "<<",  ">>",  "+=",  "-=",  "*=", "/=", "%=", "@=", "&=",
        "|=",  "^=",  "->",  ":=",  "+",   "-",  "*",  "/",  "%",  "@",
        "&",   "|",   "^",   "~",   "<",   ">",  "(",  ")",  "[",  "]",
        "{",   "}",   ",",   ":",   ".",   ";",  "="};
    const char c = src_[pos_];
    if (c == '\0')
      return Syntax(line_, "source code cannot contain null bytes");
    if (static_cast<unsigned char>(c) >= 0x80 ||
        static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return InvalidCharacter();
    }
    const absl::string_view rest = src_.substr(pos_);
    for (absl::string_view op : kOperators) {
      if (!absl::StartsWith(rest, op)) continue;
      const size_t start = pos_;
      const int column = Column(start);
      if (c == '(' || c == '[' || c == '{') {
        if (brackets_.size() >= kMaxBracketDepth) {
          return Local(Syntax(line_, "too many nested parentheses"));
        }
        Emit(TokenKind::kOp, start, start + 1, line_, column);
        brackets_.push_back({c, line_});
      } else if (c == ')' || c == ']' || c == '}') {
        if (brackets_.empty()) {
          return Syntax(line_, absl::StrFormat("unmatched '%c'", c));
        }
        const Bracket open = brackets_.back();
        if (ClosingFor(open.open) != c) {
          std::string message = absl::StrFormat(
              "closing parenthesis '%c' does not match opening "
              "parenthesis '%c'",
              c, open.open);
          if (open.line != line_) {
            absl::StrAppend(&message, " on line ", open.line);
          }
          return Syntax(line_, message);
        }
        brackets_.pop_back();
        Emit(TokenKind::kOp, start, start + 1, line_, column);
      } else {
        Emit(TokenKind::kOp, start, start + op.size(), line_, column);
      }
      pos_ += op.size();
      return absl::OkStatus();
    }
    // '$', '?', '!', '`': CPython hands these to the parser, which reports
    // "invalid syntax" there.
    Emit(TokenKind::kUnknown, pos_, pos_ + 1, line_, Column(pos_));
    ++pos_;
    return absl::OkStatus();
  }

  // Consumes digit (['_'] digit)* at pos_; false if there is no first digit
  // or an underscore is not followed by a digit.
  template <typename IsDigit>
  bool ScanDigits(IsDigit is_digit) {
    if (!is_digit(At(pos_))) return false;
    ++pos_;
    while (true) {
      if (is_digit(At(pos_))) {
        ++pos_;
      } else if (At(pos_) == '_') {
        if (!is_digit(At(pos_ + 1))) return false;
        pos_ += 2;
      } else {
        return true;
      }
    }
  }

  absl::Status LexNumber() {
    const size_t start = pos_;
    const int column = Column(start);
    const char base_char = absl::ascii_tolower(At(pos_ + 1));
    if (src_[pos_] == '0' &&
        (base_char == 'x' || base_char == 'o' || base_char == 'b')) {
      return LexPrefixedInt(start, column, base_char);
    }
    const auto invalid = [this] {
      return Syntax(line_, "invalid decimal literal");
    };
    bool is_float = false;
    if (src_[pos_] != '.' && !ScanDigits(IsDecDigit)) return invalid();
    if (At(pos_) == '.') {
      is_float = true;
      ++pos_;
      if (IsDecDigit(At(pos_)) && !ScanDigits(IsDecDigit)) return invalid();
    }
    if (At(pos_) == 'e' || At(pos_) == 'E') {
      ++pos_;
      if (At(pos_) == '+' || At(pos_) == '-') ++pos_;
      if (!ScanDigits(IsDecDigit)) return invalid();
      is_float = true;
    }
    bool imaginary = false;
    if (At(pos_) == 'j' || At(pos_) == 'J') {
      imaginary = true;
      ++pos_;
    }
    if (IsIdentChar(At(pos_))) {
      return imaginary ? Syntax(line_, "invalid imaginary literal") : invalid();
    }
    const absl::string_view text = src_.substr(start, pos_ - start);
    std::string digits = absl::StrReplaceAll(text, {{"_", ""}});
    if (imaginary) digits.pop_back();
    if (is_float || imaginary) {
      double value = 0;
      if (!absl::SimpleAtod(digits, &value)) return invalid();
      Token& token = Emit(imaginary ? TokenKind::kImaginary : TokenKind::kFloat,
                          start, pos_, line_, column);
      token.float_value = value;
      return absl::OkStatus();
    }
    if (digits.size() > 1 && digits[0] == '0' &&
        digits.find_first_not_of('0') != std::string::npos) {
      return Syntax(line_,
                    "leading zeros in decimal integer literals are not "
                    "permitted; use an 0o prefix for octal integers");
    }
    return EmitInt(start, column, digits, 10);
  }

  absl::Status LexPrefixedInt(size_t start, int column, char base_char) {
    const int base = base_char == 'x' ? 16 : base_char == 'o' ? 8 : 2;
    const char* name = base == 16  ? "hexadecimal"
                       : base == 8 ? "octal"
                                   : "binary";
    pos_ += 2;
    if (At(pos_) == '_') ++pos_;
    const bool ok = base == 16  ? ScanDigits(IsHexDigit)
                    : base == 8 ? ScanDigits(IsOctDigit)
                                : ScanDigits(IsBinDigit);
    if (base != 16 && IsDecDigit(At(pos_))) {
      return Syntax(line_, absl::StrFormat("invalid digit '%c' in %s literal",
                                           At(pos_), name));
    }
    if (!ok || IsIdentChar(At(pos_))) {
      return Syntax(line_, absl::StrCat("invalid ", name, " literal"));
    }
    const std::string digits = absl::StrReplaceAll(
        src_.substr(start + 2, pos_ - start - 2), {{"_", ""}});
    return EmitInt(start, column, digits, base);
  }

  absl::Status EmitInt(size_t start, int column, absl::string_view digits,
                       int base) {
    uint64_t value = 0;
    for (char d : digits) {
      const uint64_t digit = static_cast<uint64_t>(DigitValue(d));
      if (value > (static_cast<uint64_t>(INT64_MAX) - digit) /
                      static_cast<uint64_t>(base)) {
        return Syntax(line_, absl::StrCat("integer literal too large for "
                                          "64 bits: ",
                                          src_.substr(start, pos_ - start)));
      }
      value = value * static_cast<uint64_t>(base) + digit;
    }
    Token& token = Emit(TokenKind::kInt, start, pos_, line_, column);
    token.int_value = static_cast<int64_t>(value);
    return absl::OkStatus();
  }

  // A string literal starting at `start` (its prefix, if any); the opening
  // quote is at pos_.
  absl::Status LexString(size_t start, bool raw) {
    const int start_line = line_;
    const int start_column = Column(start);
    const char quote = src_[pos_];
    const bool triple = At(pos_ + 1) == quote && At(pos_ + 2) == quote;
    size_t p = pos_ + (triple ? 3 : 1);
    std::string value;
    const size_t body = p;
    const auto unterminated = [&] {
      // At the end of input after a final newline CPython counts the line
      // that newline ends.
      const int detected = triple && p >= src_.size() && line_ > start_line &&
                                   IsNewline(src_.back())
                               ? line_ - 1
                               : line_;
      return Syntax(
          start_line,
          absl::StrFormat("unterminated %sstring literal (detected at line %d)",
                          triple ? "triple-quoted " : "",
                          triple ? detected : start_line));
    };
    // CPython's message for a bad escape: the positions are those of the
    // escape's first and last byte within the literal.
    size_t escape_start = 0;
    const auto unicode_error = [&](absl::string_view what) {
      return Syntax(
          line_,
          absl::StrFormat("(unicode error) 'unicodeescape' codec can't decode "
                          "bytes in position %d-%d: %s",
                          escape_start - body, p - 1 - body, what));
    };
    // Reads exactly `count` hex digits at p into *cp.
    const auto read_hex = [&](int count, uint32_t* cp) {
      *cp = 0;
      for (int i = 0; i < count; ++i) {
        if (!IsHexDigit(At(p))) return false;
        *cp = *cp * 16 + static_cast<uint32_t>(DigitValue(At(p)));
        ++p;
      }
      return true;
    };
    while (true) {
      if (p >= src_.size()) return unterminated();
      const char c = src_[p];
      if (c == quote) {
        if (!triple) {
          ++p;
          break;
        }
        if (At(p + 1) == quote && At(p + 2) == quote) {
          p += 3;
          break;
        }
        value.push_back(c);
        ++p;
        continue;
      }
      if (IsNewline(c)) {
        if (!triple) return unterminated();
        value.push_back('\n');
        p += NewlineLength(p);
        ++line_;
        line_start_ = p;
        continue;
      }
      if (c != '\\') {
        value.push_back(c);
        ++p;
        continue;
      }
      // A backslash.
      if (p + 1 >= src_.size()) {
        ++p;
        continue;  // reported as unterminated
      }
      const char e = src_[p + 1];
      if (IsNewline(e)) {  // line continuation inside the literal
        if (raw) value.append("\\\n");
        p += 1 + NewlineLength(p + 1);
        ++line_;
        line_start_ = p;
        continue;
      }
      if (raw) {  // a backslash still keeps the quote from ending the string
        value.push_back('\\');
        value.push_back(e);
        p += 2;
        continue;
      }
      escape_start = p;
      p += 2;
      switch (e) {
        case '\\':
        case '\'':
        case '"':
          value.push_back(e);
          break;
        case 'a':
          value.push_back('\a');
          break;
        case 'b':
          value.push_back('\b');
          break;
        case 'f':
          value.push_back('\f');
          break;
        case 'n':
          value.push_back('\n');
          break;
        case 'r':
          value.push_back('\r');
          break;
        case 't':
          value.push_back('\t');
          break;
        case 'v':
          value.push_back('\v');
          break;
        case 'x': {
          uint32_t cp = 0;
          if (!read_hex(2, &cp)) return unicode_error("truncated \\xXX escape");
          AppendUtf8(&value, cp);
          break;
        }
        case 'u':
        case 'U': {
          uint32_t cp = 0;
          if (!read_hex(e == 'u' ? 4 : 8, &cp)) {
            return unicode_error(e == 'u' ? "truncated \\uXXXX escape"
                                          : "truncated \\UXXXXXXXX escape");
          }
          if (cp > 0x10ffff) return unicode_error("illegal Unicode character");
          AppendUtf8(&value, cp);
          break;
        }
        case 'N':
          return Syntax(line_,
                        "\\N{...} escapes are not supported in tensorctl "
                        "scripts");
        default:
          if (IsOctDigit(e)) {
            uint32_t cp = static_cast<uint32_t>(e - '0');
            for (int i = 0; i < 2 && IsOctDigit(At(p)); ++i, ++p) {
              cp = cp * 8 + static_cast<uint32_t>(At(p) - '0');
            }
            AppendUtf8(&value, cp);
          } else {  // unknown escapes keep their backslash, as in Python
            value.push_back('\\');
            value.push_back(e);
          }
          break;
      }
    }
    Token& token = Emit(TokenKind::kString, start, p, start_line, start_column);
    token.string_value = std::move(value);
    pos_ = p;
    return absl::OkStatus();
  }

  struct Bracket {
    char open;
    int line;
  };

  absl::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  bool at_line_start_ = true;
  bool line_has_tokens_ = false;  // a token since the last NEWLINE
  int last_line_ = 1;             // line of the last non-layout token
  std::vector<int> indents_ = {0};
  std::vector<int> alt_indents_ = {0};
  std::vector<Bracket> brackets_;
  std::vector<Token> tokens_;
  TokenStream::ErrorScope error_scope_ = TokenStream::ErrorScope::kEverywhere;
};

}  // namespace

TokenStream Tokenize(absl::string_view source) { return Lexer(source).Run(); }

bool IsKeyword(absl::string_view name) {
  static constexpr absl::string_view kKeywords[] = {
      "False",  "None",   "True",    "and",      "as",       "assert", "async",
      "await",  "break",  "class",   "continue", "def",      "del",    "elif",
      "else",   "except", "finally", "for",      "from",     "global", "if",
      "import", "in",     "is",      "lambda",   "nonlocal", "not",    "or",
      "pass",   "raise",  "return",  "try",      "while",    "with",   "yield"};
  for (absl::string_view keyword : kKeywords) {
    if (name == keyword) return true;
  }
  return false;
}

absl::Status SyntaxErrorStatus(absl::string_view type, int line,
                               absl::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", line, ": ", type, ": ", message));
}

}  // namespace tensord::script
