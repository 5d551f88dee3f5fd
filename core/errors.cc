#include "core/errors.h"

#include "absl/strings/cord.h"

namespace tensord {

absl::Status WithPythonType(absl::Status s, absl::string_view type) {
  if (!s.ok()) s.SetPayload(kPythonTypePayload, absl::Cord(type));
  return s;
}

std::string PythonType(const absl::Status& s) {
  auto p = s.GetPayload(kPythonTypePayload);
  return p ? std::string(*p) : std::string();
}

absl::Status IndexError(absl::string_view message) {
  return WithPythonType(absl::InvalidArgumentError(message), "IndexError");
}

absl::Status TypeError(absl::string_view message) {
  return WithPythonType(absl::InvalidArgumentError(message), "TypeError");
}

absl::Status ValueError(absl::string_view message) {
  return WithPythonType(absl::InvalidArgumentError(message), "ValueError");
}

}  // namespace tensord
