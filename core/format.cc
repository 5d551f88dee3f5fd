// format.cc — reading a core Tensor into PrintData for print_format.h.
#include "core/format.h"

#include <string>
#include <vector>

namespace tensord {

// ===========================================================================
// Reading a Tensor (needs tensor.cc at link time).
// ===========================================================================
namespace {

// Calls fn(element) for every element of t in row-major order, following
// t's strides (in elements) from t.raw_data().
template <typename T, typename Fn>
void ForEachStrided(const Tensor& t, Fn fn) {
  const int64_t n = t.numel();
  if (n == 0) return;
  const T* base = static_cast<const T*>(t.raw_data());
  const Shape& sizes = t.sizes();
  const Shape& strides = t.strides();
  const int64_t ndim = static_cast<int64_t>(sizes.size());
  Shape index(sizes.size(), 0);
  int64_t offset = 0;
  for (int64_t k = 0; k < n; ++k) {
    fn(base[offset]);
    // Advance the multi-index like an odometer.
    for (int64_t dim = ndim - 1; dim >= 0; --dim) {
      if (++index[dim] < sizes[dim]) {
        offset += strides[dim];
        break;
      }
      offset -= (sizes[dim] - 1) * strides[dim];
      index[dim] = 0;
    }
  }
}

}  // namespace

PrintData ReadPrintData(const Tensor& t) {
  PrintData d;
  d.dtype = t.dtype();
  d.shape = t.sizes();
  DispatchStorage(t.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    ForEachStrided<T>(t, [&d](const T& v) { AppendPrintValue(v, &d); });
  });
  return d;
}

std::string FormatTensor(const Tensor& t) {
  if (!t.defined()) return "None";  // what Python prints for an absent tensor
  std::vector<std::string> suffixes;
  const std::string grad_fn = t.grad_fn_name();
  if (!grad_fn.empty()) {
    suffixes.push_back("grad_fn=<" + grad_fn + ">");
  } else if (t.requires_grad()) {
    suffixes.push_back("requires_grad=True");
  }
  return FormatPrintData(ReadPrintData(t), suffixes);
}

}  // namespace tensord
