// print_format.h — tensor printing identical to PyTorch 1.13's str(tensor),
// from plain row-major values. No dependency on the core's Tensor, so the
// client (tensorctl) prints fetched values with the same code the core uses.
//
// The algorithm is a line-by-line port of torch/_tensor_str.py; PrintOptions
// are torch's PRINT_OPTS (torch.set_printoptions), the defaults by default.
//
//   PrintData d{DType::kFloat32, PrintShape{4}, {0, 4, 8, 12}, {}, {}};
//   FormatPrintData(d, {});
//       // "tensor([ 0.,  4.,  8., 12.])"
//   FormatPrintData(d, {"requires_grad=True"});
//       // "tensor([ 0.,  4.,  8., 12.], requires_grad=True)"
#ifndef TENSORD_CORE_PRINT_FORMAT_H_
#define TENSORD_CORE_PRINT_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
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
  std::vector<double> imag;   // complex dtypes only
  std::vector<int64_t> ints;  // bool/int32/int64 values
};

// Appends one element of any dtype to d (16-bit floats as their float
// values, integers of every width to ints).
template <typename T>
void AppendPrintValue(const T& v, PrintData* d) {
  if constexpr (kIsComplex<T>) {
    d->real.push_back(v.real());
    d->imag.push_back(v.imag());
  } else if constexpr (kIsReduced<T>) {
    d->real.push_back(static_cast<float>(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    d->real.push_back(v);
  } else {
    d->ints.push_back(static_cast<int64_t>(v));
  }
}

// The PrintData of raw little-endian row-major bytes of dtype dt (the
// wire's layout); bytes.size() must be numel * ItemSize(dt).
PrintData PrintDataFromBytes(DType dt, PrintShape shape,
                             std::string_view bytes);

// torch._tensor_str.PRINT_OPTS (profile "default" unless set otherwise).
struct PrintOptions {
  int precision = 4;        // digits after the point; must be >= 0
  double threshold = 1000;  // summarize when numel > threshold (may be inf)
  int64_t edgeitems = 3;    // rows shown at each end of a summarized dim
  int64_t linewidth = 80;   // characters per line before wrapping
  std::optional<bool> sci_mode;  // nullopt: chosen from the values
  // torch.get_default_dtype(), which is not shown (float32 or float64).
  DType default_dtype = DType::kFloat32;
};

// Formats like torch's str(): suffixes are extra "key=value" strings appended
// after the dtype suffix (e.g. "requires_grad=True", "grad_fn=<MulBackward0>").
std::string FormatPrintData(const PrintData& d,
                            const std::vector<std::string>& extra_suffixes,
                            const PrintOptions& options = PrintOptions());

// "torch.float32" etc.
std::string FormatDType(DType t);

}  // namespace tensord

#endif  // TENSORD_CORE_PRINT_FORMAT_H_
