#include "server/flag_sources.h"

#include <cstdlib>
#include <cstring>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace tensord::server {

std::vector<char*> FlagfilesFirst(int argc, char** argv) {
  std::vector<char*> files, rest;
  int i = 1;
  for (; i < argc; ++i) {
    const absl::string_view a = argv[i];
    if (a == "--") break;
    absl::string_view name = a;
    if (!absl::ConsumePrefix(&name, "--")) absl::ConsumePrefix(&name, "-");
    if (name.size() < a.size() && absl::StartsWith(name, "flagfile")) {
      name.remove_prefix(strlen("flagfile"));
      if (absl::StartsWith(name, "=")) {
        files.push_back(argv[i]);
        continue;
      }
      if (name.empty() && i + 1 < argc) {
        files.push_back(argv[i]);
        files.push_back(argv[++i]);
        continue;
      }
    }
    rest.push_back(argv[i]);
  }
  for (; i < argc; ++i) rest.push_back(argv[i]);
  std::vector<char*> out;
  out.reserve(static_cast<size_t>(argc) + 1);
  if (argc > 0) out.push_back(argv[0]);
  out.insert(out.end(), files.begin(), files.end());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::string EnvironmentName(absl::string_view prefix, absl::string_view flag) {
  return absl::StrCat(prefix, absl::AsciiStrToUpper(flag));
}

absl::Status ApplyEnvironment(
    absl::string_view prefix,
    const std::function<bool(absl::string_view file)>& own) {
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!own(flag->Filename())) continue;
    const std::string var = EnvironmentName(prefix, name);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(var, "=", value, ": ", error));
    }
  }
  return absl::OkStatus();
}

}  // namespace tensord::server
