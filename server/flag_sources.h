// flag_sources.h — where tensord's flags come from besides the command
// line: TENSORD_<FLAG> environment variables and --flagfile files, and
// which source wins.
//
//   std::vector<char*> args = FlagfilesFirst(argc, argv);
//   if (absl::Status st = ApplyEnvironment("TENSORD_", IsOwnFlag); !st.ok())
//     ...;
//   absl::ParseCommandLine(static_cast<int>(args.size()), args.data());
//
// Precedence, highest first: the command line, flag files (--flagfile, in
// the order given), the environment, the built-in default. The environment
// is applied before abseil parses the command line, and the flag files are
// moved ahead of the other arguments, so a later source overrides an
// earlier one.
#ifndef TENSORD_SERVER_FLAG_SOURCES_H_
#define TENSORD_SERVER_FLAG_SOURCES_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tensord::server {

// argv with every --flagfile argument ("--flagfile=F", "-flagfile=F",
// "--flagfile F") moved right after the program name, keeping the order of
// the rest. Arguments after "--" stay where they are. The pointers are
// argv's own.
std::vector<char*> FlagfilesFirst(int argc, char** argv);

// For every registered flag whose defining file passes `own` (a flag
// FILE's path as abseil reports it), sets the flag from the environment
// variable PREFIX + the flag's name in upper case, when that variable is
// set. INVALID_ARGUMENT naming the variable when a value does not parse.
absl::Status ApplyEnvironment(
    absl::string_view prefix,
    const std::function<bool(absl::string_view file)>& own);

// The environment variable of a flag: PREFIX + NAME in upper case.
std::string EnvironmentName(absl::string_view prefix, absl::string_view flag);

}  // namespace tensord::server

#endif  // TENSORD_SERVER_FLAG_SOURCES_H_
