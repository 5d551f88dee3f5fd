// status_macros.h — early-return helpers for absl::Status / StatusOr.
//
//   TENSORD_RETURN_IF_ERROR(CheckShape(a, b));
//   TENSORD_ASSIGN_OR_RETURN(Tensor y, Add(a, b));
#ifndef TENSORD_CORE_STATUS_MACROS_H_
#define TENSORD_CORE_STATUS_MACROS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

#define TENSORD_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status tensord_status_ = (expr);           \
    if (!tensord_status_.ok()) return tensord_status_; \
  } while (0)

#define TENSORD_CONCAT_INNER_(a, b) a##b
#define TENSORD_CONCAT_(a, b) TENSORD_CONCAT_INNER_(a, b)

#define TENSORD_ASSIGN_OR_RETURN(lhs, expr)                                   \
  TENSORD_ASSIGN_OR_RETURN_IMPL_(TENSORD_CONCAT_(tensord_so_, __LINE__), lhs, \
                                 expr)

#define TENSORD_ASSIGN_OR_RETURN_IMPL_(so, lhs, expr) \
  auto so = (expr);                                   \
  if (!so.ok()) return std::move(so).status();        \
  lhs = std::move(so).value()

namespace tensord {

// A client's string quoted for an error message, cut to a bounded length:
// 'abc', or 'first 64 bytes...' (N bytes). Messages must not grow with
// what a client sends (they travel in gRPC trailers, which are small).
inline std::string Quoted(absl::string_view s) {
  constexpr size_t kMax = 64;
  if (s.size() <= kMax) return absl::StrCat("'", s, "'");
  return absl::StrCat("'", s.substr(0, kMax), "...' (", s.size(), " bytes)");
}

}  // namespace tensord

#endif  // TENSORD_CORE_STATUS_MACROS_H_
