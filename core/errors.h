// errors.h — which Python exception an error is, carried with its status.
//
// PyTorch raises RuntimeError for most errors, IndexError for dimensions and
// indices out of range, TypeError for arguments of the wrong kind. A status
// made here carries the exception's name as a payload, so the server puts it
// on the wire (v1::ErrorDetail) and a client raises the right class without
// reading the message. A status without one is a RuntimeError.
//
//   return IndexError(absl::StrCat("index ", i, " is out of bounds"));
//   PythonType(status);  // "IndexError"; "" when the status names none
#ifndef TENSORD_CORE_ERRORS_H_
#define TENSORD_CORE_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tensord {

// The payload key of the Python exception's name.
inline constexpr char kPythonTypePayload[] = "tensord/python_type";

// INVALID_ARGUMENT errors that are IndexError, TypeError or ValueError in
// Python.
absl::Status IndexError(absl::string_view message);
absl::Status TypeError(absl::string_view message);
absl::Status ValueError(absl::string_view message);

// `s` marked as the Python exception `type` (s unchanged if OK).
absl::Status WithPythonType(absl::Status s, absl::string_view type);
// The Python exception's name `s` carries, or "".
std::string PythonType(const absl::Status& s);

}  // namespace tensord

#endif  // TENSORD_CORE_ERRORS_H_
