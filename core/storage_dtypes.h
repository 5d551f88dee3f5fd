// storage_dtypes.h — running ops on float16, bfloat16, int8, uint8 and
// int16 tensors (see storage_dtypes.cc). Internal to core/ (RunOp).
#ifndef TENSORD_CORE_STORAGE_DTYPES_H_
#define TENSORD_CORE_STORAGE_DTYPES_H_

#include <vector>

#include "absl/status/statusor.h"
#include "core/op_table.h"
#include "core/tensor.h"

namespace tensord {

// Whether `op` on these inputs and (complete) attributes must compute in
// the compute dtypes: a storage-only dtype among the inputs or as the
// `dtype` attribute, and an op that does not run natively.
bool NeedsComputeDTypes(const OpDef& op, const std::vector<Tensor>& inputs,
                        const AttrMap& attrs);

// Runs op.fn on float32/int32 copies of the storage-only inputs (with
// history, so gradients flow back through the conversions) and rounds the
// results to the dtype PyTorch gives; an in-place op writes its result
// back into inputs[0]. Errors name the caller's dtypes.
absl::StatusOr<std::vector<Tensor>> RunInComputeDTypes(
    const OpDef& op, const std::vector<Tensor>& inputs, AttrMap attrs,
    OpContext& ctx);

// PyTorch's checked conversion of a Python number to a tensor's dtype
// (fill_, full, masked_fill, index_fill, clamp, ...): OK, or "value cannot
// be converted to type uint8_t without overflow" when the op's Scalar
// arguments or wrapped-number inputs do not fit the dtype they become.
absl::Status CheckScalarsFit(const OpDef& op, const std::vector<Tensor>& inputs,
                             const AttrMap& attrs);

// Whether PyTorch's c10::overflows says `s` does not fit `t` (integers:
// the range, with negative values allowed into unsigned types down to
// -max; floats: the finite range, infinities and NaN fit; bool and
// complex: always fit).
bool ScalarOverflows(const Scalar& s, DType t);

}  // namespace tensord

#endif  // TENSORD_CORE_STORAGE_DTYPES_H_
