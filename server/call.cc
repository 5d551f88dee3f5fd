#include "server/call.h"

namespace tensord::server {

absl::string_view MethodName(Method m) {
  static constexpr absl::string_view kNames[] = {
#define TENSORD_METHOD_NAME_(name, ...) #name,
      TENSORD_UNARY_METHODS(TENSORD_METHOD_NAME_)
          TENSORD_STREAMING_METHODS(TENSORD_METHOD_NAME_)
#undef TENSORD_METHOD_NAME_
  };
  return kNames[static_cast<int>(m)];
}

absl::string_view CodeName(int code) {
  static constexpr absl::string_view kNames[] = {
      "OK",
      "CANCELLED",
      "UNKNOWN",
      "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",
      "NOT_FOUND",
      "ALREADY_EXISTS",
      "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION",
      "ABORTED",
      "OUT_OF_RANGE",
      "UNIMPLEMENTED",
      "INTERNAL",
      "UNAVAILABLE",
      "DATA_LOSS",
      "UNAUTHENTICATED",
  };
  if (code < 0 || code > 16) return "UNKNOWN";
  return kNames[code];
}

}  // namespace tensord::server
