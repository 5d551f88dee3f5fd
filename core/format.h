// format.h — printing a core Tensor exactly as PyTorch 1.13's str(tensor).
// The formatting itself lives in print_format.h (shared with the client);
// this adds reading a Tensor of any strides into PrintData.
//
//   FormatTensor(t);  // "tensor([ 0.,  4.,  8., 12.], requires_grad=True)"
#ifndef TENSORD_CORE_FORMAT_H_
#define TENSORD_CORE_FORMAT_H_

#include <string>

#include "core/print_format.h"
#include "core/tensor.h"

namespace tensord {

// Reads t (any strides) into row-major PrintData. float32 values are widened
// to double exactly, as Python's .item()/.tolist() do.
PrintData ReadPrintData(const Tensor& t);

// Full torch-style string for a tensor, adding requires_grad=True (leaf that
// requires grad) or grad_fn=<NAME> (t.grad_fn_name() non-empty).
std::string FormatTensor(const Tensor& t);

}  // namespace tensord

#endif  // TENSORD_CORE_FORMAT_H_
