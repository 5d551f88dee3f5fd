#include "client/npy.h"

#include <algorithm>
#include <cerrno>
#include <complex>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/dtype.h"

namespace tensord::client {
namespace {

// The .npy dtypes: wire dtype, numpy's type code (without the byte order),
// item size, and the unit a big-endian file swaps (a complex number is two
// reals). Generated from the one dtype list (core/dtype.h).
struct NpyType {
  v1::DType dtype;
  std::string code;
  int64_t itemsize;
  int64_t swap_unit;
};

template <typename T>
struct IsComplexType : std::false_type {};
template <typename T>
struct IsComplexType<std::complex<T>> : std::true_type {};

// numpy's kind letter of a C++ element type.
template <typename T>
constexpr char NpyKind() {
  if constexpr (std::is_same_v<T, bool>) {
    return 'b';
  } else if constexpr (IsComplexType<T>::value) {
    return 'c';
  } else if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, Half>) {
    return 'f';
  } else if constexpr (std::is_signed_v<T>) {
    return 'i';
  } else {
    return 'u';
  }
}

const std::vector<NpyType>& NpyTypes() {
  static auto* types = new std::vector<NpyType>{
#define TENSORD_NPY_TYPE(e, T, n, s, w)                                 \
  NpyType{v1::w, absl::StrCat(std::string(1, NpyKind<T>()), sizeof(T)), \
          static_cast<int64_t>(sizeof(T)),                              \
          static_cast<int64_t>(IsComplexType<T>::value ? sizeof(T) / 2  \
                                                       : sizeof(T))},
      TENSORD_FORALL_DTYPES(TENSORD_NPY_TYPE)
#undef TENSORD_NPY_TYPE
  };
  // numpy has no bfloat16.
  std::erase_if(*types,
                [](const NpyType& t) { return t.dtype == v1::DTYPE_BFLOAT16; });
  return *types;
}

const NpyType* TypeOf(v1::DType dtype) {
  for (const NpyType& t : NpyTypes()) {
    if (t.dtype == dtype) return &t;
  }
  return nullptr;
}

// numpy's descr for writing: '|b1', '<f4', ...
std::string Descr(const NpyType& t) {
  return absl::StrCat(t.itemsize == 1 ? "|" : "<", t.code);
}

std::string SupportedList() {
  std::vector<std::string> names;
  for (const NpyType& t : NpyTypes())
    names.push_back(absl::StrCat("'", Descr(t), "'"));
  return absl::StrCat(absl::StrJoin(names, ", "),
                      " (and '>' big-endian forms)");
}

// Python's repr of a shape tuple: (), (3,), (2, 3).
std::string ShapeRepr(const std::vector<int64_t>& shape) {
  if (shape.size() == 1) return absl::StrCat("(", shape[0], ",)");
  return absl::StrCat("(", absl::StrJoin(shape, ", "), ")");
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("invalid .npy file: ", what));
}

// prod(shape) * itemsize, or INVALID_ARGUMENT on a negative dimension or an
// overflow of int64.
absl::StatusOr<int64_t> ByteCount(const std::vector<int64_t>& shape,
                                  int64_t itemsize) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("shape ", ShapeRepr(shape), " has a negative size"));
    }
    if (__builtin_mul_overflow(n, d, &n)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shape ", ShapeRepr(shape), " has more elements than fit in int64"));
    }
  }
  int64_t bytes;
  if (__builtin_mul_overflow(n, itemsize, &bytes)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "shape ", ShapeRepr(shape), " needs more bytes than fit in int64"));
  }
  return bytes;
}

// The header dictionary, a Python literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<int64_t> shape;
};

// A recursive-descent reader of exactly the literals a header holds:
// strings, True/False, non-negative integers and tuples of them.
class HeaderParser {
 public:
  explicit HeaderParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<Header> Parse() {
    Header h;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    SkipSpace();
    if (!Consume('{')) return Error("the header is not a dictionary");
    while (true) {
      SkipSpace();
      if (Consume('}')) break;
      absl::StatusOr<std::string> key = String("a key");
      if (!key.ok()) return key.status();
      SkipSpace();
      if (!Consume(':'))
        return Error(absl::StrCat("no ':' after '", *key, "'"));
      SkipSpace();
      bool* seen;
      absl::Status st;
      if (*key == "descr") {
        seen = &seen_descr;
        if (Peek() == '[') {
          return Error("structured dtypes (a descr list) are not supported");
        }
        absl::StatusOr<std::string> s = String("the descr string");
        if (s.ok()) h.descr = *s;
        st = s.status();
      } else if (*key == "fortran_order") {
        seen = &seen_fortran;
        absl::StatusOr<bool> b = Bool();
        if (b.ok()) h.fortran_order = *b;
        st = b.status();
      } else if (*key == "shape") {
        seen = &seen_shape;
        absl::StatusOr<std::vector<int64_t>> t = Tuple();
        if (t.ok()) h.shape = *t;
        st = t.status();
      } else {
        return Error(absl::StrCat("unexpected key '", *key,
                                  "' (a header has descr, fortran_order "
                                  "and shape)"));
      }
      if (!st.ok()) return st;
      if (*seen) return Error(absl::StrCat("key '", *key, "' appears twice"));
      *seen = true;
      SkipSpace();
      if (Consume(',')) continue;
      SkipSpace();
      if (!Consume('}')) return Error("expected ',' or '}'");
      break;
    }
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after '}'");
    if (!seen_descr) return Error("the header has no 'descr'");
    if (!seen_fortran) return Error("the header has no 'fortran_order'");
    if (!seen_shape) return Error("the header has no 'shape'");
    return h;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return Invalid(absl::StrCat("malformed header at offset ", pos_, ": ", what,
                                " in ", Quoted()));
  }
  // The header for messages, shortened and without its padding.
  std::string Quoted() const {
    absl::string_view t = text_;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\n')) {
      t.remove_suffix(1);
    }
    std::string out = "\"";
    for (char c : t.substr(0, 120)) {
      if (c >= 0x20 && c < 0x7f) {
        out.push_back(c);
      } else {
        out += "?";
      }
    }
    return absl::StrCat(out, t.size() > 120 ? "...\"" : "\"");
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Word(absl::string_view w) {
    if (text_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  absl::StatusOr<std::string> String(absl::string_view what) {
    const char quote = Peek();
    if (quote != '\'' && quote != '"') {
      return Error(absl::StrCat("expected ", what, " in quotes"));
    }
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      if (text_[pos_] == '\n') return Error("unterminated string");
      if (text_[pos_] == '\\') {
        return Error("escapes in strings are not supported");
      }
      out.push_back(text_[pos_++]);
    }
    if (!Consume(quote)) return Error("unterminated string");
    return out;
  }

  absl::StatusOr<bool> Bool() {
    if (Word("True")) return true;
    if (Word("False")) return false;
    return Error("fortran_order is not True or False");
  }

  absl::StatusOr<int64_t> Int() {
    if (Peek() == '-') return Error("shape has a negative size");
    if (Peek() < '0' || Peek() > '9') return Error("shape holds a non-integer");
    int64_t v = 0;
    while (Peek() >= '0' && Peek() <= '9') {
      if (__builtin_mul_overflow(v, 10, &v) ||
          __builtin_add_overflow(v, Peek() - '0', &v)) {
        return Error("a size in the shape does not fit in int64");
      }
      ++pos_;
    }
    Consume('L');  // Python 2's long literal, in files it wrote
    if (Peek() == '.' || Peek() == 'e' || Peek() == 'E') {
      return Error("shape holds a non-integer");
    }
    return v;
  }

  // (), (3,), (2, 3) or (2, 3,); (3) is not a tuple.
  absl::StatusOr<std::vector<int64_t>> Tuple() {
    if (!Consume('(')) return Error("shape is not a tuple");
    std::vector<int64_t> out;
    bool trailing_comma = false;
    while (true) {
      SkipSpace();
      if (Consume(')')) break;
      absl::StatusOr<int64_t> v = Int();
      if (!v.ok()) return v.status();
      out.push_back(*v);
      SkipSpace();
      trailing_comma = Consume(',');
      if (!trailing_comma) {
        SkipSpace();
        if (!Consume(')')) return Error("expected ',' or ')' in the shape");
        break;
      }
    }
    if (out.size() == 1 && !trailing_comma) {
      return Error("shape (n) is not a tuple; a 1-d shape is written (n,)");
    }
    return out;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

uint32_t LittleEndian(absl::string_view b, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(b[i]);
  return v;
}

// `src` (elements of `itemsize` bytes in Fortran order) in C order.
std::string FortranToC(absl::string_view src, const std::vector<int64_t>& shape,
                       int64_t itemsize) {
  const int n = static_cast<int>(shape.size());
  if (n < 2 || src.empty()) return std::string(src);
  std::vector<int64_t> stride(n), index(n, 0);
  int64_t count = 1;
  for (int k = 0; k < n; ++k) {
    stride[k] = count;
    count *= shape[k];
  }
  std::string dst(src.size(), '\0');
  int64_t from = 0;  // element offset in src of dst's element i
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(&dst[i * itemsize], &src[from * itemsize], itemsize);
    for (int k = n - 1; k >= 0; --k) {
      if (++index[k] < shape[k]) {
        from += stride[k];
        break;
      }
      from -= stride[k] * (shape[k] - 1);
      index[k] = 0;
    }
  }
  return dst;
}

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr int64_t kAlign = 64;
// numpy leaves room for the first dimension to grow to this many digits.
constexpr int64_t kGrowthAxisMaxDigits = 21;

absl::Status WithPath(const std::string& path, const absl::Status& st) {
  return absl::Status(st.code(), absl::StrCat(path, ": ", st.message()));
}

}  // namespace

int64_t ItemSize(v1::DType dtype) {
  switch (dtype) {
#define TENSORD_WIRE_SIZE(e, T, n, s, w) \
  case v1::w:                            \
    return static_cast<int64_t>(sizeof(T));
    TENSORD_FORALL_DTYPES(TENSORD_WIRE_SIZE)
#undef TENSORD_WIRE_SIZE
    default:
      return 0;
  }
}

bool NpyHasDType(v1::DType dtype) { return TypeOf(dtype) != nullptr; }

absl::Status CheckTensorData(const v1::TensorData& data) {
  const int64_t itemsize = ItemSize(data.dtype());
  if (itemsize == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported dtype ", v1::DType_Name(data.dtype())));
  }
  std::vector<int64_t> shape(data.shape().begin(), data.shape().end());
  absl::StatusOr<int64_t> need = ByteCount(shape, itemsize);
  if (!need.ok()) return need.status();
  if (static_cast<int64_t>(data.data().size()) != *need) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor data has ", data.data().size(), " bytes; shape ",
                     ShapeRepr(shape), " of ", v1::DType_Name(data.dtype()),
                     " needs ", *need));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> NpyDataOffset(absl::string_view file) {
  if (file.size() < kMagicLen + 2 ||
      file.substr(0, kMagicLen) != absl::string_view(kMagic, kMagicLen)) {
    return Invalid("it does not start with the magic \"\\x93NUMPY\"");
  }
  const int major = static_cast<uint8_t>(file[6]);
  const int minor = static_cast<uint8_t>(file[7]);
  int len_bytes;
  if (major == 1 && minor == 0) {
    len_bytes = 2;
  } else if ((major == 2 || major == 3) && minor == 0) {
    len_bytes = 4;
  } else {
    return Invalid(absl::StrCat("unsupported format version ", major, ".",
                                minor, " (1.0, 2.0 and 3.0 are supported)"));
  }
  const size_t start = kMagicLen + 2 + len_bytes;
  if (file.size() < start) return Invalid("the file ends inside its preamble");
  const int64_t header_len =
      LittleEndian(file.substr(kMagicLen + 2, len_bytes), len_bytes);
  return static_cast<int64_t>(start) + header_len;
}

absl::StatusOr<NpyHeader> ParseNpyHeader(absl::string_view file) {
  absl::StatusOr<int64_t> offset = NpyDataOffset(file);
  if (!offset.ok()) return offset.status();
  const int len_bytes = file[6] == 1 ? 2 : 4;
  const size_t start = kMagicLen + 2 + len_bytes;
  if (static_cast<uint64_t>(*offset) > file.size()) {
    return Invalid(absl::StrCat("the header length ", *offset - start,
                                " runs past the end of the file (", file.size(),
                                " bytes)"));
  }
  absl::StatusOr<Header> header =
      HeaderParser(file.substr(start, *offset - start)).Parse();
  if (!header.ok()) return header.status();

  // The descr: a byte order and a type code.
  const std::string& descr = header->descr;
  const NpyType* type = nullptr;
  if (descr.size() >= 2 &&
      (descr[0] == '<' || descr[0] == '>' || descr[0] == '|')) {
    for (const NpyType& t : NpyTypes()) {
      if (descr.substr(1) == t.code) type = &t;
    }
  }
  if (type == nullptr) {
    return Invalid(absl::StrCat("unsupported dtype '", descr,
                                "'; supported: ", SupportedList()));
  }
  if (descr[0] == '|' && type->itemsize > 1) {
    return Invalid(
        absl::StrCat("dtype '", descr, "' has no byte order but needs one"));
  }
  absl::StatusOr<int64_t> need = ByteCount(header->shape, type->itemsize);
  if (!need.ok()) return Invalid(need.status().message());
  NpyHeader out;
  out.dtype = type->dtype;
  out.shape = header->shape;
  out.fortran_order = header->fortran_order;
  out.big_endian = descr[0] == '>' && type->swap_unit > 1;
  out.data_offset = *offset;
  out.data_bytes = *need;
  return out;
}

absl::StatusOr<v1::TensorData> ParseNpy(absl::string_view file) {
  absl::StatusOr<NpyHeader> header = ParseNpyHeader(file);
  if (!header.ok()) return header.status();
  const NpyType* type = TypeOf(header->dtype);
  absl::string_view data = file.substr(header->data_offset);
  if (static_cast<uint64_t>(header->data_bytes) != data.size()) {
    return Invalid(absl::StrCat("the data has ", data.size(), " bytes; shape ",
                                ShapeRepr(header->shape), " of '", Descr(*type),
                                "' needs ", header->data_bytes));
  }

  v1::TensorData out;
  out.set_dtype(type->dtype);
  for (int64_t d : header->shape) out.add_shape(d);
  std::string bytes = header->fortran_order
                          ? FortranToC(data, header->shape, type->itemsize)
                          : std::string(data);
  if (header->big_endian) {
    for (size_t i = 0; i < bytes.size(); i += type->swap_unit) {
      std::reverse(bytes.begin() + i, bytes.begin() + i + type->swap_unit);
    }
  }
  if (type->dtype == v1::DTYPE_BOOL) {
    for (char& c : bytes) c = c != 0;
  }
  out.set_data(std::move(bytes));
  return out;
}

std::string EncodeNpyHeader(v1::DType dtype,
                            const std::vector<int64_t>& shape) {
  const NpyType* type = TypeOf(dtype);
  // As numpy.lib.format._write_array_header writes it: keys sorted, a
  // trailing ", ", room for the first dimension to grow, then padding.
  std::string dict = absl::StrCat(
      "{'descr': '", type == nullptr ? "" : Descr(*type),
      "', 'fortran_order': False, 'shape': ", ShapeRepr(shape), ", }");
  if (!shape.empty()) {
    dict.append(kGrowthAxisMaxDigits - absl::StrCat(shape[0]).size(), ' ');
  }
  const int64_t hlen = static_cast<int64_t>(dict.size()) + 1;  // + '\n'
  int len_bytes = 2;
  int64_t pad = kAlign - (kMagicLen + 2 + len_bytes + hlen) % kAlign;
  if (hlen + pad > 0xffff) {  // numpy's fallback to version 2.0
    len_bytes = 4;
    pad = kAlign - (kMagicLen + 2 + len_bytes + hlen) % kAlign;
  }
  const uint32_t total = static_cast<uint32_t>(hlen + pad);
  std::string out(kMagic, kMagicLen);
  out.push_back(len_bytes == 2 ? 1 : 2);
  out.push_back(0);
  for (int i = 0; i < len_bytes; ++i) out.push_back((total >> (8 * i)) & 0xff);
  out += dict;
  out.append(pad, ' ');
  out.push_back('\n');
  return out;
}

std::string EncodeNpy(const v1::TensorData& data) {
  std::string out = EncodeNpyHeader(
      data.dtype(),
      std::vector<int64_t>(data.shape().begin(), data.shape().end()));
  out += data.data();
  return out;
}

absl::StatusOr<v1::TensorData> ReadNpyFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::ErrnoToStatus(errno, path);
  std::string bytes;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) return absl::ErrnoToStatus(err, path);
  absl::StatusOr<v1::TensorData> data = ParseNpy(bytes);
  if (!data.ok()) return WithPath(path, data.status());
  return data;
}

absl::Status WriteNpyFile(const std::string& path, const v1::TensorData& data) {
  if (absl::Status st = CheckTensorData(data); !st.ok()) {
    return WithPath(path, st);
  }
  if (!NpyHasDType(data.dtype())) {
    return WithPath(path, absl::InvalidArgumentError(absl::StrCat(
                              ".npy has no ", v1::DType_Name(data.dtype()),
                              "; convert it first (e.g. .float())")));
  }
  const std::string bytes = EncodeNpy(data);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return absl::ErrnoToStatus(errno, path);
  const bool wrote =
      std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !wrote) {
    return absl::ErrnoToStatus(wrote ? errno : err, path);
  }
  return absl::OkStatus();
}

}  // namespace tensord::client
