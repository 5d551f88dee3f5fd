// script_parser_fuzz.cc — libFuzzer target: tensorctl's script parser on
// arbitrary text.
//
// What must hold: Parse and ParseExpression never crash (nesting is bounded,
// so no stack overflow either), errors are INVALID_ARGUMENT, and the
// canonical text of a parsed program (ToString) parses back to the same
// canonical text, as ast.h promises.
//
//   build-fuzz/tests/fuzz/script_parser_fuzz tests/fuzz/corpus/script_parser
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "client/script/parser.h"

namespace {

void Fail(const std::string& what) {
  std::fprintf(stderr, "invariant broken: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<tensord::script::Program> program =
      tensord::script::Parse(text);
  if (program.ok()) {
    const std::string canonical = tensord::script::ToString(*program);
    absl::StatusOr<tensord::script::Program> again =
        tensord::script::Parse(canonical);
    // Parenthesizing every operator can push a program that was just within
    // the nesting bounds past them; any other failure is a bug.
    if (!again.ok()) {
      if (again.status().message().find("nested") == absl::string_view::npos &&
          again.status().message().find("too many") ==
              absl::string_view::npos) {
        Fail("canonical text does not parse: " + again.status().ToString() +
             "\n" + canonical);
      }
    } else if (tensord::script::ToString(*again) != canonical) {
      Fail("canonical text parses to a different program:\n" + canonical);
    }
  } else if (program.status().code() != absl::StatusCode::kInvalidArgument) {
    Fail("Parse error is not INVALID_ARGUMENT: " + program.status().ToString());
  }
  absl::StatusOr<tensord::script::Expr> expr =
      tensord::script::ParseExpression(text);
  if (expr.ok()) (void)tensord::script::ToString(*expr);
  return 0;
}
