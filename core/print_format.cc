// print_format.cc — port of torch/_tensor_str.py (PyTorch 1.13) for dense CPU
// tensors, under torch's print options (PRINT_OPTS).
//
// Python names are kept in the comments so each piece can be checked against
// the original: _Formatter, _scalar_str/_val_formatter, _vector_str,
// _tensor_str_with_formatter, get_summarized_data, _tensor_str,
// _add_suffixes and _str_intern.
#include "core/print_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace tensord {
namespace {

// The prefix of a plain tensor's repr; its length is the base indent.
constexpr char kPrefix[] = "tensor(";
constexpr int kIndent = sizeof(kPrefix) - 1;

// Marks the "..." placeholder among the rows chosen by ShownRows.
constexpr int64_t kEllipsis = -1;

// ---------------------------------------------------------------------------
// Python number formatting.
// ---------------------------------------------------------------------------

// Python's format(v, ".{precision}f") / format(v, ".{precision}e"). Finite
// values match C's printf (both are correctly rounded, and Python's exponent
// also has at least two digits); Python never prints a sign on nan.
std::string PyFormatFloat(double v, int precision, bool scientific) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  const char* format = scientific ? "%.*e" : "%.*f";
  const int n = std::snprintf(nullptr, 0, format, precision, v);
  std::string buf(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(buf.data(), buf.size(), format, precision, v);
  buf.resize(static_cast<size_t>(n));
  return buf;
}

// Python's "{}".format(v) for an int or bool element.
std::string PyFormatIntegral(int64_t v, bool is_bool) {
  if (is_bool) return v != 0 ? "True" : "False";
  return std::to_string(v);
}

// (width - len(s)) * " " + s; Python's negative repeat yields "".
std::string PadLeft(const std::string& s, int width) {
  const int pad = width - static_cast<int>(s.size());
  return pad > 0 ? std::string(pad, ' ') + s : s;
}

// s.lstrip() (only spaces can occur here).
std::string LStrip(const std::string& s) {
  const size_t first = s.find_first_not_of(' ');
  return first == std::string::npos ? "" : s.substr(first);
}

// str(tuple(shape)): "(0, 3)", "(0,)", "()".
std::string PyTuple(const PrintShape& shape) {
  std::string out = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ",";
  return out + ")";
}

// ---------------------------------------------------------------------------
// _Formatter: chooses int_mode / sci_mode and the common column width.
// ---------------------------------------------------------------------------

class Formatter {
 public:
  // _Formatter.__init__ for a floating tensor holding `values`.
  static Formatter ForFloating(const std::vector<double>& values,
                               const PrintOptions& options) {
    Formatter f = Measure(values, options.precision);
    // `if PRINT_OPTS.sci_mode is not None: self.sci_mode = ...` runs after
    // the widths were measured in the automatically chosen mode.
    if (options.sci_mode.has_value()) f.sci_mode_ = *options.sci_mode;
    return f;
  }

  // The body of _Formatter.__init__ before the sci_mode override.
  static Formatter Measure(const std::vector<double>& values, int precision) {
    Formatter f;
    f.precision_ = precision;
    std::vector<double> nonzero_finite;
    for (double v : values) {
      if (std::isfinite(v) && v != 0) nonzero_finite.push_back(v);
    }
    if (nonzero_finite.empty()) return f;  // "no valid number, do nothing"

    double min_abs = std::numeric_limits<double>::infinity();
    double max_abs = 0;
    for (double v : nonzero_finite) {
      min_abs = std::min(min_abs, std::fabs(v));
      max_abs = std::max(max_abs, std::fabs(v));
    }
    for (double v : nonzero_finite) {
      if (v != std::ceil(v)) {
        f.int_mode_ = false;
        break;
      }
    }

    const bool wide_range = max_abs / min_abs > 1000.0 || max_abs > 1.0e8;
    if (f.int_mode_) {
      // Integral floats print as "{:.0f}" plus a trailing "." (hence + 1).
      f.sci_mode_ = wide_range;
      for (double v : nonzero_finite) {
        const int len =
            f.sci_mode_
                ? static_cast<int>(PyFormatFloat(v, f.precision_, true).size())
                : static_cast<int>(PyFormatFloat(v, 0, false).size()) + 1;
        f.max_width_ = std::max(f.max_width_, len);
      }
    } else {
      f.sci_mode_ = wide_range || min_abs < 1.0e-4;
      for (double v : nonzero_finite) {
        const int len = static_cast<int>(
            PyFormatFloat(v, f.precision_, f.sci_mode_).size());
        f.max_width_ = std::max(f.max_width_, len);
      }
    }
    return f;
  }

  // _Formatter.__init__ for bool and integer tensors: widest str(value).
  static Formatter ForIntegral(const std::vector<int64_t>& values,
                               bool is_bool) {
    Formatter f;
    f.is_bool_ = is_bool;
    for (int64_t v : values) {
      f.max_width_ = std::max(
          f.max_width_, static_cast<int>(PyFormatIntegral(v, is_bool).size()));
    }
    return f;
  }

  // _Formatter.width
  int width() const { return max_width_; }

  // _Formatter.format, floating branch.
  std::string FormatFloating(double v) const {
    std::string ret;
    if (sci_mode_) {
      ret = PyFormatFloat(v, precision_, true);
    } else if (int_mode_) {
      ret = PyFormatFloat(v, 0, false);
      if (!std::isinf(v) && !std::isnan(v)) ret += ".";
    } else {
      ret = PyFormatFloat(v, precision_, false);
    }
    return PadLeft(ret, max_width_);
  }

  // _Formatter.format, non-floating branch.
  std::string FormatIntegral(int64_t v) const {
    return PadLeft(PyFormatIntegral(v, is_bool_), max_width_);
  }

 private:
  int precision_ = 4;
  bool is_bool_ = false;
  bool int_mode_ = true;
  bool sci_mode_ = false;
  int max_width_ = 1;
};

// ---------------------------------------------------------------------------
// Summarization: which rows of each dimension are shown.
// ---------------------------------------------------------------------------

// The row indices of a dimension of `size` that are printed, with kEllipsis
// where "..." goes (the `summarize and self.size(0) > 2 * edgeitems` test
// shared by _vector_str, _tensor_str_with_formatter and get_summarized_data).
// A last dim (`vector`) takes Python slices self[:e] and self[-e:] (so
// edgeitems 0 shows the whole row after "..."); outer dims take
// range(0, e) and range(len - e, len).
std::vector<int64_t> ShownRows(int64_t size, bool summarize, int64_t edge,
                               bool vector) {
  std::vector<int64_t> rows;
  if (summarize && size > 2 * edge) {
    int64_t head_end = std::max<int64_t>(0, edge);
    int64_t tail_begin = size - edge;
    if (vector) {
      // self[:e] and self[-e:], with Python's clamping of slice bounds.
      head_end =
          edge >= 0 ? std::min(edge, size) : std::max<int64_t>(0, size + edge);
      tail_begin =
          edge > 0 ? std::max<int64_t>(0, size - edge) : std::min(-edge, size);
    } else if (edge <= 0) {
      tail_begin = size;
    }
    for (int64_t i = 0; i < head_end; ++i) rows.push_back(i);
    rows.push_back(kEllipsis);
    for (int64_t i = tail_begin; i < size; ++i) rows.push_back(i);
  } else {
    for (int64_t i = 0; i < size; ++i) rows.push_back(i);
  }
  return rows;
}

// Row-major strides of `shape`, in elements.
PrintShape RowMajorStrides(const PrintShape& shape) {
  PrintShape strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) {
    strides[d] = strides[d + 1] * shape[d + 1];
  }
  return strides;
}

int64_t NumElements(const PrintShape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

// get_summarized_data: appends the flat indices of the elements the formatter
// sees (all of them unless summarizing) for the sub-tensor at `dim`.
void CollectShown(const PrintShape& shape, const PrintShape& strides,
                  size_t dim, int64_t offset, bool summarize, int64_t edge,
                  std::vector<int64_t>* out) {
  if (dim == shape.size()) {
    out->push_back(offset);
    return;
  }
  for (int64_t i :
       ShownRows(shape[dim], summarize, edge, dim + 1 == shape.size())) {
    if (i == kEllipsis) continue;
    CollectShown(shape, strides, dim + 1, offset + i * strides[dim], summarize,
                 edge, out);
  }
}

// ---------------------------------------------------------------------------
// _tensor_str: the bracketed body of a non-empty tensor.
// ---------------------------------------------------------------------------

class BodyPrinter {
 public:
  BodyPrinter(const PrintData& d, bool summarize, const PrintOptions& options)
      : d_(d),
        options_(options),
        strides_(RowMajorStrides(d.shape)),
        summarize_(summarize),
        complex_(IsComplex(d.dtype)),
        floating_(IsFloating(d.dtype)) {
    InitFormatters();
  }

  // _tensor_str_with_formatter for the sub-tensor at `dim` starting at flat
  // index `offset`.
  std::string TensorStr(size_t dim, int64_t offset, int indent) const {
    const size_t dims_left = d_.shape.size() - dim;
    if (dims_left == 0) return ElementStr(offset);  // _scalar_str
    if (dims_left == 1) return VectorStr(dim, offset, indent);

    std::vector<std::string> slices;
    for (int64_t i :
         ShownRows(d_.shape[dim], summarize_, options_.edgeitems, false)) {
      slices.push_back(
          i == kEllipsis
              ? "..."
              : TensorStr(dim + 1, offset + i * strides_[dim], indent + 1));
    }
    const std::string sep =
        "," + std::string(dims_left - 1, '\n') + std::string(indent + 1, ' ');
    return "[" + Join(slices, sep) + "]";
  }

 private:
  // Builds formatter1_ (real or integral values) and formatter2_ (imaginary
  // parts) from the summarized data, as _tensor_str does.
  void InitFormatters() {
    std::vector<int64_t> shown;
    CollectShown(d_.shape, strides_, 0, 0, summarize_, options_.edgeitems,
                 &shown);
    if (complex_) {
      formatter1_ = Formatter::ForFloating(Gather(d_.real, shown), options_);
      formatter2_ = Formatter::ForFloating(Gather(d_.imag, shown), options_);
    } else if (floating_) {
      formatter1_ = Formatter::ForFloating(Gather(d_.real, shown), options_);
    } else {
      formatter1_ = Formatter::ForIntegral(Gather(d_.ints, shown),
                                           d_.dtype == DType::kBool);
    }
  }

  template <typename T>
  static std::vector<T> Gather(const std::vector<T>& values,
                               const std::vector<int64_t>& indices) {
    std::vector<T> out;
    out.reserve(indices.size());
    for (int64_t i : indices) out.push_back(values[i]);
    return out;
  }

  static std::string Join(const std::vector<std::string>& parts,
                          const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out += sep;
      out += parts[i];
    }
    return out;
  }

  // _val_formatter / _scalar_str for the element at flat index i.
  std::string ElementStr(int64_t i) const {
    if (!complex_) {
      return floating_ ? formatter1_.FormatFloating(d_.real[i])
                       : formatter1_.FormatIntegral(d_.ints[i]);
    }
    const std::string real_str = formatter1_.FormatFloating(d_.real[i]);
    const std::string imag_str =
        LStrip(formatter2_.FormatFloating(d_.imag[i]) + "j");
    // handles negative numbers, +0.0, -0.0
    if (imag_str[0] == '+' || imag_str[0] == '-') return real_str + imag_str;
    return real_str + "+" + imag_str;
  }

  // _vector_str: a 1-d row, wrapped at the line width.
  std::string VectorStr(size_t dim, int64_t offset, int indent) const {
    // length includes spaces and comma between elements
    int element_length = formatter1_.width() + 2;
    // width for imag_formatter + an extra j for complex
    if (complex_) element_length += formatter2_.width() + 1;
    const double per_line = std::floor(
        static_cast<double>(options_.linewidth - indent) / element_length);
    const size_t elements_per_line =
        per_line < 1 ? 1 : static_cast<size_t>(per_line);

    std::vector<std::string> data;
    for (int64_t i :
         ShownRows(d_.shape[dim], summarize_, options_.edgeitems, true)) {
      data.push_back(i == kEllipsis ? " ..."
                                    : ElementStr(offset + i * strides_[dim]));
    }
    std::vector<std::string> lines;
    for (size_t i = 0; i < data.size(); i += elements_per_line) {
      const size_t end = std::min(data.size(), i + elements_per_line);
      lines.push_back(
          Join(std::vector<std::string>(data.begin() + i, data.begin() + end),
               ", "));
    }
    return "[" + Join(lines, ",\n" + std::string(indent + 1, ' ')) + "]";
  }

  const PrintData& d_;
  const PrintOptions& options_;
  const PrintShape strides_;
  const bool summarize_;
  const bool complex_;
  const bool floating_;
  Formatter formatter1_;  // real parts, or the integral values
  Formatter formatter2_;  // imaginary parts (complex only)
};

// _tensor_str (the caller handles numel() == 0).
std::string BodyStr(const PrintData& d, int indent,
                    const PrintOptions& options) {
  const bool summarize =
      static_cast<double>(NumElements(d.shape)) > options.threshold;
  return BodyPrinter(d, summarize, options).TensorStr(0, 0, indent);
}

// _add_suffixes with force_newline=False (dense tensors).
std::string AddSuffixes(const std::string& tensor_str,
                        const std::vector<std::string>& suffixes, int indent,
                        int64_t linewidth) {
  std::string out = tensor_str;
  const size_t newline = tensor_str.rfind('\n');
  // Python's rfind returns -1 when there is no newline.
  const int64_t rfind =
      newline == std::string::npos ? -1 : static_cast<int64_t>(newline);
  int64_t last_line_len = static_cast<int64_t>(tensor_str.size()) - rfind + 1;
  for (const std::string& suffix : suffixes) {
    const int64_t suffix_len = static_cast<int64_t>(suffix.size());
    if (last_line_len + suffix_len + 2 > linewidth) {
      out += ",\n" + std::string(indent, ' ') + suffix;
      last_line_len = indent + suffix_len;
    } else {
      out += ", " + suffix;
      last_line_len += suffix_len + 2;
    }
  }
  return out + ")";
}

// True if the value vectors of `d` hold exactly numel elements.
bool IsConsistent(const PrintData& d) {
  for (int64_t s : d.shape) {
    if (s < 0) return false;
  }
  const size_t n = static_cast<size_t>(NumElements(d.shape));
  if (IsComplex(d.dtype)) return d.real.size() == n && d.imag.size() == n;
  if (IsFloating(d.dtype)) return d.real.size() == n;
  return d.ints.size() == n;
}

}  // namespace

PrintData PrintDataFromBytes(DType dt, PrintShape shape,
                             std::string_view bytes) {
  PrintData d{dt, std::move(shape), {}, {}, {}};
  DispatchStorage(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const size_t n = bytes.size() / sizeof(T);
    for (size_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(static_cast<void*>(&v), bytes.data() + i * sizeof(T),
                  sizeof(T));
      AppendPrintValue(v, &d);
    }
  });
  return d;
}

std::string FormatDType(DType t) {
  return "torch." + std::string(DTypeName(t));
}

// _str_intern for a plain dense CPU tensor.
std::string FormatPrintData(const PrintData& d,
                            const std::vector<std::string>& extra_suffixes,
                            const PrintOptions& options) {
  if (!IsConsistent(d)) return "tensor(<invalid print data>)";
  std::vector<std::string> suffixes;
  std::string tensor_str;
  if (NumElements(d.shape) == 0) {
    // Explicitly print the shape if it is not (0,), to match NumPy behavior.
    if (d.shape.size() != 1) suffixes.push_back("size=" + PyTuple(d.shape));
    // An empty tensor shows any dtype other than the default.
    if (d.dtype != options.default_dtype) {
      suffixes.push_back("dtype=" + FormatDType(d.dtype));
    }
    tensor_str = "[]";
  } else {
    // has_default_dtype: the default, its complex counterpart (complex64
    // for float32, complex128 for float64), int64 or bool.
    const bool has_default_dtype =
        d.dtype == options.default_dtype ||
        (IsComplex(d.dtype) &&
         d.dtype == ToComplexDType(options.default_dtype)) ||
        d.dtype == DType::kInt64 || d.dtype == DType::kBool;
    if (!has_default_dtype) suffixes.push_back("dtype=" + FormatDType(d.dtype));
    tensor_str = BodyStr(d, kIndent, options);
  }
  suffixes.insert(suffixes.end(), extra_suffixes.begin(), extra_suffixes.end());
  return AddSuffixes(kPrefix + tensor_str, suffixes, kIndent,
                     options.linewidth);
}

}  // namespace tensord
