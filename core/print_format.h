// print_format.h — tensor printing identical to PyTorch 1.13's str(tensor),
// from plain row-major values. No dependency on the core's Tensor, so the
// client (tensorctl) prints fetched values with the same code the core uses.
//
// The algorithm is a line-by-line port of torch/_tensor_str.py with the
// default print options (precision 4, threshold 1000, edgeitems 3,
// linewidth 80, sci_mode chosen automatically).
//
//   PrintData d{DType::kFloat32, PrintShape{4}, {0, 4, 8, 12}, {}, {}};
//   FormatPrintData(d, {});
//       // "tensor([ 0.,  4.,  8., 12.])"
//   FormatPrintData(d, {"requires_grad=True"});
//       // "tensor([ 0.,  4.,  8., 12.], requires_grad=True)"
#ifndef TENSORD_CORE_PRINT_FORMAT_H_
#define TENSORD_CORE_PRINT_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "core/dtype.h"

namespace tensord {

// Sizes of a tensor's dims (the same type as the core's Shape).
using PrintShape = absl::InlinedVector<int64_t, 6>;

// Plain data to print: row-major values of a tensor.
struct PrintData {
  DType dtype;
  PrintShape shape;
  std::vector<double> real;   // float32/float64 values, or complex real parts
  std::vector<double> imag;   // complex64 only
  std::vector<int64_t> ints;  // bool/int32/int64 values
};

// Formats like torch's str(): suffixes are extra "key=value" strings appended
// after the dtype suffix (e.g. "requires_grad=True", "grad_fn=<MulBackward0>").
std::string FormatPrintData(const PrintData& d,
                            const std::vector<std::string>& extra_suffixes);

// "torch.float32" etc.
std::string FormatDType(DType t);

}  // namespace tensord

#endif  // TENSORD_CORE_PRINT_FORMAT_H_
