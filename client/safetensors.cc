// The safetensors format (client/tensor_file.h): an 8-byte little-endian
// header length N, N bytes of JSON, then the tensors' bytes.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/npy.h"
#include "client/tensor_file_internal.h"

namespace tensord::client::internal {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// The reference reader refuses larger headers.
constexpr int64_t kMaxHeaderBytes = 100'000'000;
constexpr char kMetadataKey[] = "__metadata__";

// safetensors' dtype names, in the reference's order of its Dtype enum (the
// writer sorts tensors by it, descending); `wire` is tensord's dtype, or
// unspecified for one tensord lacks.
struct StDType {
  const char* name;
  v1::DType wire;
};
constexpr StDType kDTypes[] = {
    {"BOOL", v1::DTYPE_BOOL},
    {"F4", v1::DTYPE_UNSPECIFIED},
    {"F6_E2M3", v1::DTYPE_UNSPECIFIED},
    {"F6_E3M2", v1::DTYPE_UNSPECIFIED},
    {"U8", v1::DTYPE_UINT8},
    {"I8", v1::DTYPE_INT8},
    {"F8_E5M2", v1::DTYPE_UNSPECIFIED},
    {"F8_E4M3", v1::DTYPE_UNSPECIFIED},
    {"F8_E8M0", v1::DTYPE_UNSPECIFIED},
    {"F8_E4M3FNUZ", v1::DTYPE_UNSPECIFIED},
    {"F8_E5M2FNUZ", v1::DTYPE_UNSPECIFIED},
    {"I16", v1::DTYPE_INT16},
    {"U16", v1::DTYPE_UNSPECIFIED},
    {"F16", v1::DTYPE_FLOAT16},
    {"BF16", v1::DTYPE_BFLOAT16},
    {"I32", v1::DTYPE_INT32},
    {"U32", v1::DTYPE_UNSPECIFIED},
    {"F32", v1::DTYPE_FLOAT32},
    {"C64", v1::DTYPE_COMPLEX64},
    {"F64", v1::DTYPE_FLOAT64},
    {"I64", v1::DTYPE_INT64},
    {"U64", v1::DTYPE_UNSPECIFIED},
};

int RankOf(v1::DType wire) {
  for (int i = 0; i < static_cast<int>(std::size(kDTypes)); ++i) {
    if (kDTypes[i].wire == wire) return i;
  }
  return -1;
}

std::string Supported() {
  std::vector<std::string> names;
  for (const StDType& d : kDTypes) {
    if (d.wire != v1::DTYPE_UNSPECIFIED) names.push_back(d.name);
  }
  return absl::StrJoin(names, ", ");
}

// Text from the file for a one-line message: control characters and
// (unless `utf8`) bytes past ASCII become '?'.
std::string Printable(absl::string_view text, bool utf8) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || (!utf8 && u >= 0x80)) c = '?';
  }
  return out;
}

// A name for messages (valid UTF-8: the parser checked): quoted, cut to 100
// bytes.
std::string Quote(absl::string_view name) {
  return absl::StrCat("'", Printable(name.substr(0, 100), true),
                      name.size() > 100 ? "..." : "", "'");
}

// One tensor's entry of the header.
struct Entry {
  FileTensor tensor;
  int64_t begin = 0;  // data_offsets, relative to the data
  int64_t end = 0;
};

absl::StatusOr<int64_t> NonNegative(const Json& v, absl::string_view what) {
  if (!v.is_number_integer() ||
      (v.is_number_unsigned() &&
       v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) ||
      (!v.is_number_unsigned() && v.get<int64_t>() < 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " is ", v.dump().substr(0, 40), ", not an integer in [0, 2^63)"));
  }
  return v.get<int64_t>();
}

absl::StatusOr<Entry> ParseEntry(const std::string& name, const Json& v) {
  const std::string where = absl::StrCat("tensor ", Quote(name));
  if (!v.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": its entry is not an object"));
  }
  for (const char* key : {"dtype", "shape", "data_offsets"}) {
    if (!v.contains(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": its entry has no \"", key, "\""));
    }
  }
  Entry e;
  e.tensor.name = name;
  const Json& dtype = v["dtype"];
  if (!dtype.is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": dtype is not a string"));
  }
  const std::string& dt = dtype.get_ref<const std::string&>();
  const StDType* found = nullptr;
  for (const StDType& d : kDTypes) {
    if (dt == d.name) found = &d;
  }
  if (found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": unknown dtype ", Quote(dt), " (tensord reads ",
                     Supported(), ")"));
  }
  if (found->wire == v1::DTYPE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, " has dtype ", dt, ", which tensord does not have (it reads ",
        Supported(), ")"));
  }
  e.tensor.dtype = found->wire;
  const Json& shape = v["shape"];
  if (!shape.is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": shape is not a list"));
  }
  int64_t bytes = ItemSize(e.tensor.dtype);
  for (const Json& d : shape) {
    absl::StatusOr<int64_t> n = NonNegative(d, "a dimension of its shape");
    if (!n.ok())
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", n.status().message()));
    e.tensor.shape.push_back(*n);
    if (__builtin_mul_overflow(bytes, *n, &bytes)) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": shape ", shape.dump().substr(0, 200),
                       " has more bytes than fit in int64"));
    }
  }
  e.tensor.bytes = bytes;
  const Json& offsets = v["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": data_offsets is not a list [begin, end]"));
  }
  absl::StatusOr<int64_t> begin = NonNegative(offsets[0], "its data begin");
  absl::StatusOr<int64_t> end = NonNegative(offsets[1], "its data end");
  if (!begin.ok() || !end.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": ", (begin.ok() ? end : begin).status().message()));
  }
  if (*end < *begin) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": data_offsets [",
                                                   *begin, ", ", *end,
                                                   "] end before they "
                                                   "begin"));
  }
  if (*end - *begin != bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": data_offsets [", *begin, ", ", *end, "] hold ", *end - *begin,
        " bytes; shape ", shape.dump().substr(0, 200), " of ", dt, " needs ",
        bytes));
  }
  e.begin = *begin;
  e.end = *end;
  return e;
}

class SafetensorsReader : public TensorFileReader {
 public:
  SafetensorsReader(std::unique_ptr<InFile> file, int64_t data_start,
                    std::vector<Entry> entries,
                    std::map<std::string, std::string> metadata)
      : file_(std::move(file)),
        data_start_(data_start),
        entries_(std::move(entries)),
        metadata_(std::move(metadata)) {
    for (const Entry& e : entries_) tensors_.push_back(e.tensor);
  }
  const std::vector<FileTensor>& tensors() const override { return tensors_; }
  const std::map<std::string, std::string>& metadata() const override {
    return metadata_;
  }
  absl::Status Open(size_t i) override {
    if (i >= entries_.size()) {
      return absl::OutOfRangeError(absl::StrCat("no tensor ", i));
    }
    next_ = data_start_ + entries_[i].begin;
    end_ = data_start_ + entries_[i].end;
    return absl::OkStatus();
  }
  absl::StatusOr<absl::string_view> Read(int64_t max_bytes) override {
    const int64_t n = std::min(max_bytes, end_ - next_);
    if (n <= 0) return absl::string_view();
    if (absl::Status st = file_->ReadAt(next_, n, &buffer_); !st.ok()) {
      return st;
    }
    next_ += n;
    return absl::string_view(buffer_);
  }

 private:
  std::unique_ptr<InFile> file_;
  int64_t data_start_;
  std::vector<Entry> entries_;
  std::vector<FileTensor> tensors_;
  std::map<std::string, std::string> metadata_;
  int64_t next_ = 0;
  int64_t end_ = 0;
  std::string buffer_;
};

// Parses the header's JSON; duplicate names are an error (nlohmann keeps
// the last silently, the reference reader one of them).
absl::StatusOr<Json> ParseJson(absl::string_view text) {
  std::string duplicate;
  Json::parser_callback_t cb = [&duplicate, seen = std::set<std::string>()](
                                   int depth, Json::parse_event_t event,
                                   Json& parsed) mutable {
    if (event == Json::parse_event_t::key && depth == 1 &&
        !seen.insert(parsed.get<std::string>()).second && duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  Json j;
  try {
    j = Json::parse(text.begin(), text.end(), cb);
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the header is not valid JSON: ", Printable(e.what(), false)));
  }
  if (!duplicate.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the header names ", Quote(duplicate), " twice"));
  }
  return j;
}

absl::StatusOr<std::unique_ptr<TensorFileReader>> Parse(
    std::unique_ptr<InFile> file) {
  const std::string& path = file->path();
  std::string bytes;
  if (file->size() < 8) {
    return BadFile(path, absl::StrCat("a safetensors file starts with an "
                                      "8-byte header length; this one has ",
                                      file->size(), " bytes"));
  }
  if (absl::Status st = file->ReadAt(0, 8, &bytes); !st.ok()) return st;
  const uint64_t n = Le(bytes, 0, 8);
  if (n > static_cast<uint64_t>(file->size() - 8)) {
    return BadFile(path, absl::StrCat("the header length ", n,
                                      " runs past the end of the file (",
                                      file->size(), " bytes)"));
  }
  if (n > static_cast<uint64_t>(kMaxHeaderBytes)) {
    return BadFile(path, absl::StrCat("the header length ", n,
                                      " is more than the format's limit of ",
                                      kMaxHeaderBytes, " bytes"));
  }
  if (absl::Status st = file->ReadAt(8, static_cast<int64_t>(n), &bytes);
      !st.ok()) {
    return st;
  }
  absl::StatusOr<Json> j = ParseJson(bytes);
  if (!j.ok()) return BadFile(path, j.status().message());
  if (!j->is_object()) return BadFile(path, "the header is not a JSON object");
  std::vector<Entry> entries;
  std::map<std::string, std::string> metadata;
  for (auto it = j->begin(); it != j->end(); ++it) {
    if (it.key() == kMetadataKey) {
      if (!it->is_object()) {
        return BadFile(path, "__metadata__ is not an object");
      }
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) {
          return BadFile(path, absl::StrCat("__metadata__ ", Quote(m.key()),
                                            " is not a string"));
        }
        metadata[m.key()] = m->get<std::string>();
      }
      continue;
    }
    absl::StatusOr<Entry> e = ParseEntry(it.key(), *it);
    if (!e.ok()) return BadFile(path, e.status().message());
    entries.push_back(*std::move(e));
  }
  // The offsets must tile the data: sorted, each beginning where the last
  // ended, the last ending at the end of the file.
  std::stable_sort(
      entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return std::pair(a.begin, a.end) < std::pair(b.begin, b.end);
      });
  const int64_t data_start = 8 + static_cast<int64_t>(n);
  const int64_t data_bytes = file->size() - data_start;
  int64_t at = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const std::string where =
        absl::StrCat("tensor ", Quote(e.tensor.name), "'s data_offsets [",
                     e.begin, ", ", e.end, "]");
    if (e.end > data_bytes) {
      return BadFile(path, absl::StrCat(where,
                                        " run past the end of the "
                                        "data (",
                                        data_bytes, " bytes)"));
    }
    if (e.begin < at) {
      return BadFile(path, absl::StrCat(where, " overlap tensor ",
                                        Quote(entries[i - 1].tensor.name)));
    }
    if (e.begin > at) {
      return BadFile(path, absl::StrCat(where, " leave a gap after byte ", at,
                                        " of the data"));
    }
    at = e.end;
  }
  if (at != data_bytes) {
    return BadFile(path, absl::StrCat("the tensors cover ", at, " of the ",
                                      data_bytes, " bytes after the header"));
  }
  return std::unique_ptr<TensorFileReader>(new SafetensorsReader(
      std::move(file), data_start, std::move(entries), std::move(metadata)));
}

class SafetensorsWriter : public TensorFileWriter {
 public:
  SafetensorsWriter(std::unique_ptr<OutFile> out,
                    std::vector<FileTensor> tensors)
      : out_(std::move(out)), tensors_(std::move(tensors)) {}
  const std::vector<FileTensor>& tensors() const override { return tensors_; }

  absl::Status Begin(size_t i) override {
    if (i != next_ || left_ != 0) {
      return absl::FailedPreconditionError(
          "safetensors: tensors are written whole and in order");
    }
    ++next_;
    left_ = tensors_[i].bytes;
    return absl::OkStatus();
  }
  absl::Status Write(absl::string_view bytes) override {
    if (static_cast<int64_t>(bytes.size()) > left_) {
      return absl::FailedPreconditionError(
          "safetensors: more bytes than the tensor's shape");
    }
    left_ -= static_cast<int64_t>(bytes.size());
    return out_->Write(bytes);
  }
  absl::Status Finish() override {
    if (next_ != tensors_.size() || left_ != 0) {
      return absl::FailedPreconditionError(
          "safetensors: not every tensor was written");
    }
    return out_->Commit();
  }

 private:
  std::unique_ptr<OutFile> out_;
  std::vector<FileTensor> tensors_;
  size_t next_ = 0;
  int64_t left_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TensorFileReader>> OpenSafetensors(
    std::unique_ptr<InFile> file) {
  return Parse(std::move(file));
}

absl::StatusOr<std::unique_ptr<TensorFileWriter>> CreateSafetensors(
    const std::string& path, std::vector<FileTensor> tensors,
    const TensorFileOptions& options) {
  for (const FileTensor& t : tensors) {
    if (t.name == kMetadataKey) {
      return BadFile(path, "a tensor cannot be named __metadata__");
    }
  }
  // The reference writer's order: dtype descending, then name.
  std::sort(tensors.begin(), tensors.end(),
            [](const FileTensor& a, const FileTensor& b) {
              const int ra = RankOf(a.dtype), rb = RankOf(b.dtype);
              return ra != rb ? ra > rb : a.name < b.name;
            });
  OrderedJson header = OrderedJson::object();
  if (!options.metadata.empty()) {
    OrderedJson m = OrderedJson::object();
    for (const auto& [k, v] : options.metadata) m[k] = v;
    header[kMetadataKey] = std::move(m);
  }
  int64_t offset = 0;
  for (const FileTensor& t : tensors) {
    OrderedJson e = OrderedJson::object();
    e["dtype"] = kDTypes[RankOf(t.dtype)].name;
    e["shape"] = t.shape;
    e["data_offsets"] = {offset, offset + t.bytes};
    offset += t.bytes;
    header[t.name] = std::move(e);
  }
  std::string text;
  try {
    text = header.dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception& e) {
    return BadFile(path, absl::StrCat("a name or metadata string is not "
                                      "valid UTF-8 (",
                                      e.what(), ")"));
  }
  text.append((8 - text.size() % 8) % 8, ' ');
  if (static_cast<int64_t>(text.size()) > kMaxHeaderBytes) {
    return BadFile(path, "the header would be larger than the format allows");
  }
  absl::StatusOr<std::unique_ptr<OutFile>> out = OutFile::Create(path);
  if (!out.ok()) return out.status();
  std::string start;
  PutLe(&start, text.size(), 8);
  start += text;
  if (absl::Status st = (*out)->Write(start); !st.ok()) return st;
  return std::unique_ptr<TensorFileWriter>(
      new SafetensorsWriter(*std::move(out), std::move(tensors)));
}

}  // namespace tensord::client::internal
