// format.h — tensor printing identical to PyTorch 1.13's str(tensor).
//
// The algorithm is a line-by-line port of torch/_tensor_str.py with the
// default print options (precision 4, threshold 1000, edgeitems 3,
// linewidth 80, sci_mode chosen automatically).
//
//   PrintData d{DType::kFloat32, Shape{4}, {0, 4, 8, 12}, {}, {}};
//   FormatPrintData(d, {});
//       // "tensor([ 0.,  4.,  8., 12.])"
//   FormatPrintData(d, {"requires_grad=True"});
//       // "tensor([ 0.,  4.,  8., 12.], requires_grad=True)"
//   FormatTensor(t);  // the same, read from a Tensor t
#ifndef TENSORD_CORE_FORMAT_H_
#define TENSORD_CORE_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"

namespace tensord {

// Plain data to print: row-major values of a tensor.
struct PrintData {
  DType dtype;
  Shape shape;
  std::vector<double> real;   // float32/float64 values, or complex real parts
  std::vector<double> imag;   // complex64 only
  std::vector<int64_t> ints;  // bool/int32/int64 values
};

// Formats like torch's str(): suffixes are extra "key=value" strings appended
// after the dtype suffix (e.g. "requires_grad=True", "grad_fn=<MulBackward0>").
std::string FormatPrintData(const PrintData& d,
                            const std::vector<std::string>& extra_suffixes);

// Reads t (any strides) into row-major PrintData. float32 values are widened
// to double exactly, as Python's .item()/.tolist() do.
PrintData ReadPrintData(const Tensor& t);

// Full torch-style string for a tensor, adding requires_grad=True (leaf that
// requires grad) or grad_fn=<NAME> (t.grad_fn_name() non-empty).
std::string FormatTensor(const Tensor& t);

// "torch.float32" etc.
std::string FormatDType(DType t);

}  // namespace tensord

#endif  // TENSORD_CORE_FORMAT_H_
