// ops_internal.h — helpers shared by the op implementation files; not part
// of the public API.
#ifndef TENSORD_CORE_OPS_INTERNAL_H_
#define TENSORD_CORE_OPS_INTERNAL_H_

#include "absl/status/statusor.h"
#include "core/tensor.h"

namespace tensord {

// Copies src into dst elementwise (src broadcast to dst's shape), converting
// dtypes. No autograd, no version bump.
void CopyConvert(const Tensor& src, const Tensor& dst);

// sign(x) in x's dtype: 1, -1 or 0. No autograd.
absl::StatusOr<Tensor> SignOf(const Tensor& x);

}  // namespace tensord

#endif  // TENSORD_CORE_OPS_INTERNAL_H_
