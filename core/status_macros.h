// status_macros.h — early-return helpers for absl::Status / StatusOr.
//
//   TENSORD_RETURN_IF_ERROR(CheckShape(a, b));
//   TENSORD_ASSIGN_OR_RETURN(Tensor y, Add(a, b));
#ifndef TENSORD_CORE_STATUS_MACROS_H_
#define TENSORD_CORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

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

#endif  // TENSORD_CORE_STATUS_MACROS_H_
