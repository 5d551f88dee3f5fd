// NumPy's .npz format (client/tensor_file.h): a zip archive of NAME.npy
// members, stored (np.savez) or DEFLATE-compressed (np.savez_compressed).
// The zip container is read and written here; zlib does DEFLATE and CRC-32.
#include <zlib.h>

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/npy.h"
#include "client/tensor_file_internal.h"

namespace tensord::client::internal {
namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kEnd64Sig = 0x06064b50;
constexpr uint32_t kLocator64Sig = 0x07064b50;
constexpr int kStored = 0;
constexpr int kDeflated = 8;
constexpr uint32_t kMax32 = 0xffffffff;
// Python's zipfile writes ZIP64 records past this size.
constexpr int64_t kZip64Limit = (int64_t{1} << 31) - 1;
// DEFLATE cannot compress more than 1032:1.
constexpr int64_t kMaxRatio = 1032;
constexpr int64_t kMaxCentralDirectory = int64_t{64} << 20;
constexpr int64_t kMaxNpyHeader = int64_t{1} << 20;
constexpr int64_t kInputChunk = int64_t{256} << 10;
// Fortran-order members are converted in memory up to this size.
constexpr int64_t kMaxInMemory = int64_t{1} << 30;

// A name from the archive for a one-line message: quoted, cut to 100
// bytes, anything but printable ASCII as '?'.
std::string Quote(absl::string_view name) {
  std::string out(name.substr(0, 100));
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return absl::StrCat("'", out, name.size() > 100 ? "..." : "", "'");
}

struct Member {
  std::string name;  // in the zip, with ".npy"
  int method = 0;
  uint32_t crc = 0;
  int64_t csize = 0;
  int64_t usize = 0;
  int64_t offset = 0;      // of the local header
  int64_t data_start = 0;  // of the compressed data
  NpyHeader npy;
};

// Reads the zip64 extra field (id 1) of an entry: the values whose 32-bit
// field was 0xffffffff, in the order usize, csize, offset.
absl::Status Zip64Extra(absl::string_view extra, int64_t* usize, int64_t* csize,
                        int64_t* offset) {
  size_t p = 0;
  while (p + 4 <= extra.size()) {
    const int id = static_cast<int>(Le(extra, p, 2));
    const size_t len = Le(extra, p + 2, 2);
    if (p + 4 + len > extra.size()) {
      return absl::InvalidArgumentError("an extra field runs past its entry");
    }
    if (id == 1) {
      size_t q = p + 4;
      for (int64_t* v : {usize, csize, offset}) {
        if (v == nullptr || *v != kMax32) continue;
        if (q + 8 > p + 4 + len) {
          return absl::InvalidArgumentError("a ZIP64 extra field is short");
        }
        const uint64_t x = Le(extra, q, 8);
        if (x > static_cast<uint64_t>(INT64_MAX)) {
          return absl::InvalidArgumentError("a ZIP64 size is beyond 2^63");
        }
        *v = static_cast<int64_t>(x);
        q += 8;
      }
    }
    p += 4 + len;
  }
  return absl::OkStatus();
}

// The bytes of one member, uncompressed, in order; the CRC is checked
// before the last byte is returned.
class MemberStream {
 public:
  MemberStream(const InFile* file, const Member& m) : file_(file), m_(m) {
    if (m_.method == kDeflated) {
      z_ = z_stream{};
      inflating_ = inflateInit2(&z_, -MAX_WBITS) == Z_OK;
    }
  }
  ~MemberStream() {
    if (inflating_) inflateEnd(&z_);
  }
  MemberStream(const MemberStream&) = delete;
  MemberStream& operator=(const MemberStream&) = delete;

  int64_t produced() const { return produced_; }

  // Exactly min(n, what is left) bytes into *out.
  absl::Status Read(int64_t n, std::string* out) {
    n = std::min(n, m_.usize - produced_);
    out->resize(static_cast<size_t>(std::max<int64_t>(n, 0)));
    if (n <= 0) return absl::OkStatus();
    if (m_.method == kStored) {
      if (absl::Status st =
              file_->ReadAt(m_.data_start + produced_, n, &input_);
          !st.ok()) {
        return st;
      }
      out->assign(input_);
    } else if (absl::Status st = Inflate(out); !st.ok()) {
      return st;
    }
    crc_ =
        crc32_z(crc_, reinterpret_cast<const Bytef*>(out->data()), out->size());
    produced_ += n;
    if (produced_ == m_.usize) {
      if (m_.method == kDeflated) {
        if (absl::Status st = ExpectEnd(); !st.ok()) return st;
      }
      if (crc_ != m_.crc) {
        return Bad(absl::StrCat(
            "CRC-32 mismatch (the data gives ",
            absl::Hex(crc_, absl::kZeroPad8), ", the archive says ",
            absl::Hex(m_.crc, absl::kZeroPad8), "): the member is corrupt"));
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Bad(absl::string_view what) const {
    return BadFile(file_->path(),
                   absl::StrCat("member ", Quote(m_.name), ": ", what));
  }

  // Feeds more compressed input if none is left; false at its end.
  absl::Status Refill() {
    if (z_.avail_in > 0 || consumed_ == m_.csize) return absl::OkStatus();
    const int64_t k = std::min(kInputChunk, m_.csize - consumed_);
    if (absl::Status st = file_->ReadAt(m_.data_start + consumed_, k, &input_);
        !st.ok()) {
      return st;
    }
    consumed_ += k;
    z_.next_in = reinterpret_cast<Bytef*>(input_.data());
    z_.avail_in = static_cast<uInt>(k);
    return absl::OkStatus();
  }

  absl::Status Inflate(std::string* out) {
    if (!inflating_) return absl::ResourceExhaustedError("inflateInit failed");
    size_t got = 0;
    while (got < out->size()) {
      if (ended_) {
        return Bad(absl::StrCat("its data inflates to ", produced_ + got,
                                " bytes; the archive says ", m_.usize));
      }
      if (absl::Status st = Refill(); !st.ok()) return st;
      z_.next_out = reinterpret_cast<Bytef*>(out->data() + got);
      const size_t want = std::min<size_t>(out->size() - got, 1u << 30);
      z_.avail_out = static_cast<uInt>(want);
      const int ret = inflate(&z_, Z_NO_FLUSH);
      got += want - z_.avail_out;
      if (ret == Z_STREAM_END) {
        ended_ = true;
      } else if (ret == Z_BUF_ERROR && z_.avail_in == 0 &&
                 consumed_ == m_.csize) {
        return Bad("its compressed data ends early");
      } else if (ret != Z_OK) {
        return Bad(absl::StrCat("corrupt DEFLATE data (",
                                z_.msg != nullptr ? z_.msg : "zlib error",
                                ")"));
      }
    }
    return absl::OkStatus();
  }

  // After the last byte: the DEFLATE stream must end there.
  absl::Status ExpectEnd() {
    char extra;
    while (!ended_) {
      if (absl::Status st = Refill(); !st.ok()) return st;
      z_.next_out = reinterpret_cast<Bytef*>(&extra);
      z_.avail_out = 1;
      const int ret = inflate(&z_, Z_NO_FLUSH);
      if (z_.avail_out == 0) {
        return Bad(absl::StrCat("its data inflates past the ", m_.usize,
                                " bytes the archive says"));
      }
      if (ret == Z_STREAM_END) {
        ended_ = true;
      } else if (ret != Z_OK) {
        if (ret == Z_BUF_ERROR && consumed_ == m_.csize) {
          return Bad("its compressed data ends early");
        }
        return Bad(absl::StrCat("corrupt DEFLATE data (",
                                z_.msg != nullptr ? z_.msg : "zlib error",
                                ")"));
      }
    }
    return absl::OkStatus();
  }

  const InFile* file_;
  const Member& m_;
  z_stream z_{};
  bool inflating_ = false;
  bool ended_ = false;
  int64_t consumed_ = 0;  // compressed bytes read
  int64_t produced_ = 0;  // uncompressed bytes returned
  uint32_t crc_ = 0;
  std::string input_;
};

class NpzReader : public TensorFileReader {
 public:
  NpzReader(std::unique_ptr<InFile> file, std::vector<Member> members)
      : file_(std::move(file)), members_(std::move(members)) {
    for (const Member& m : members_) {
      FileTensor t;
      t.name = m.name.substr(0, m.name.size() - 4);
      t.dtype = m.npy.dtype;
      t.shape = m.npy.shape;
      t.bytes = m.npy.data_bytes;
      tensors_.push_back(std::move(t));
    }
  }
  const std::vector<FileTensor>& tensors() const override { return tensors_; }
  const std::map<std::string, std::string>& metadata() const override {
    return metadata_;
  }

  absl::Status Open(size_t i) override {
    if (i >= members_.size()) {
      return absl::OutOfRangeError(absl::StrCat("no tensor ", i));
    }
    const Member& m = members_[i];
    stream_ = std::make_unique<MemberStream>(file_.get(), m);
    whole_.clear();
    whole_at_ = 0;
    swap_unit_ = 0;
    if (m.npy.fortran_order) {
      // Converted to C order in memory (ParseNpy does it), so bounded.
      if (m.usize > kMaxInMemory) {
        return BadFile(file_->path(),
                       absl::StrCat("member ", Quote(m.name),
                                    " is in Fortran "
                                    "order and ",
                                    m.usize,
                                    " bytes; such "
                                    "members are converted in memory, up to ",
                                    kMaxInMemory,
                                    " bytes (save it in C "
                                    "order)"));
      }
      std::string bytes;
      if (absl::Status st = stream_->Read(m.usize, &bytes); !st.ok()) {
        return st;
      }
      absl::StatusOr<v1::TensorData> d = ParseNpy(bytes);
      if (!d.ok()) return BadFile(file_->path(), d.status().message());
      whole_ = std::move(*d->mutable_data());
      in_memory_ = true;
      return absl::OkStatus();
    }
    in_memory_ = false;
    if (m.npy.big_endian) {
      swap_unit_ = ItemSize(m.npy.dtype);
      if (m.npy.dtype == v1::DTYPE_COMPLEX64) swap_unit_ = 4;
    }
    std::string skip;
    return stream_->Read(m.npy.data_offset, &skip);
  }

  absl::StatusOr<absl::string_view> Read(int64_t max_bytes) override {
    if (in_memory_) {
      absl::string_view v = absl::string_view(whole_).substr(
          whole_at_, static_cast<size_t>(max_bytes));
      whole_at_ += v.size();
      return v;
    }
    if (stream_ == nullptr) return absl::string_view();
    if (swap_unit_ > 1) {
      max_bytes = std::max<int64_t>(8, max_bytes - max_bytes % 8);
    }
    if (absl::Status st = stream_->Read(max_bytes, &buffer_); !st.ok()) {
      return st;
    }
    if (swap_unit_ > 1) {
      for (size_t i = 0; i + swap_unit_ <= buffer_.size(); i += swap_unit_) {
        std::reverse(buffer_.begin() + i, buffer_.begin() + i + swap_unit_);
      }
    }
    return absl::string_view(buffer_);
  }

 private:
  std::unique_ptr<InFile> file_;
  std::vector<Member> members_;
  std::vector<FileTensor> tensors_;
  std::map<std::string, std::string> metadata_;
  std::unique_ptr<MemberStream> stream_;
  std::string buffer_;
  bool in_memory_ = false;
  std::string whole_;
  size_t whole_at_ = 0;
  int64_t swap_unit_ = 0;
};

// The central directory's offset, size and entry count.
struct Directory {
  int64_t offset = 0;
  int64_t size = 0;
  int64_t entries = 0;
  int64_t end = 0;  // where the records after it start
};

absl::StatusOr<Directory> FindDirectory(const InFile& file) {
  const std::string& path = file.path();
  const int64_t size = file.size();
  if (size < 22) {
    return BadFile(path, "not a zip archive (too short for its end record)");
  }
  const int64_t tail_len = std::min<int64_t>(size, 22 + 0xffff);
  std::string tail;
  if (absl::Status st = file.ReadAt(size - tail_len, tail_len, &tail);
      !st.ok()) {
    return st;
  }
  int64_t p = tail_len - 22;
  while (p >= 0 && Le(tail, p, 4) != kEndSig) --p;
  if (p < 0) {
    return BadFile(path,
                   "not a zip archive (no end-of-central-directory "
                   "record)");
  }
  if (p + 22 + static_cast<int64_t>(Le(tail, p + 20, 2)) > tail_len) {
    return BadFile(path, "the zip comment runs past the end of the file");
  }
  if (Le(tail, p + 4, 2) != 0 || Le(tail, p + 6, 2) != 0) {
    return BadFile(path, "multi-disk zip archives are not supported");
  }
  Directory d;
  d.entries = static_cast<int64_t>(Le(tail, p + 10, 2));
  d.size = static_cast<int64_t>(Le(tail, p + 12, 4));
  d.offset = static_cast<int64_t>(Le(tail, p + 16, 4));
  d.end = size - tail_len + p;
  if (Le(tail, p + 8, 2) != Le(tail, p + 10, 2)) {
    return BadFile(path, "the end record's entry counts disagree");
  }
  // A ZIP64 locator just before the end record points at the ZIP64 end.
  if (d.end >= 20) {
    std::string loc;
    if (absl::Status st = file.ReadAt(d.end - 20, 20, &loc); !st.ok()) {
      return st;
    }
    if (Le(loc, 0, 4) == kLocator64Sig) {
      const uint64_t at = Le(loc, 8, 8);
      if (at > static_cast<uint64_t>(d.end - 20) ||
          static_cast<int64_t>(at) + 56 > d.end - 20) {
        return BadFile(path, "the ZIP64 end record lies outside the file");
      }
      std::string rec;
      if (absl::Status st = file.ReadAt(static_cast<int64_t>(at), 56, &rec);
          !st.ok()) {
        return st;
      }
      if (Le(rec, 0, 4) != kEnd64Sig) {
        return BadFile(path, "the ZIP64 locator points at no ZIP64 end record");
      }
      const uint64_t entries = Le(rec, 32, 8), cd_size = Le(rec, 40, 8),
                     cd_offset = Le(rec, 48, 8);
      if (Le(rec, 24, 8) != entries || entries > (uint64_t{1} << 40) ||
          cd_size > (uint64_t{1} << 62) || cd_offset > (uint64_t{1} << 62)) {
        return BadFile(path, "the ZIP64 end record's counts are implausible");
      }
      d.entries = static_cast<int64_t>(entries);
      d.size = static_cast<int64_t>(cd_size);
      d.offset = static_cast<int64_t>(cd_offset);
      d.end = static_cast<int64_t>(at);
    }
  }
  if (d.offset > d.end || d.size > d.end - d.offset) {
    return BadFile(path, absl::StrCat("the central directory (", d.size,
                                      " bytes at offset ", d.offset,
                                      ") lies outside the file"));
  }
  if (d.size > kMaxCentralDirectory) {
    return BadFile(path, absl::StrCat("the central directory has ", d.size,
                                      " bytes, more than the limit of ",
                                      kMaxCentralDirectory));
  }
  if (d.entries > d.size / 46) {
    return BadFile(path, absl::StrCat("the end record claims ", d.entries,
                                      " entries; the central directory "
                                      "holds at most ",
                                      d.size / 46));
  }
  return d;
}

absl::StatusOr<std::vector<Member>> ReadDirectory(const InFile& file,
                                                  const Directory& d) {
  const std::string& path = file.path();
  std::string cd;
  if (absl::Status st = file.ReadAt(d.offset, d.size, &cd); !st.ok()) {
    return st;
  }
  std::vector<Member> members;
  std::set<std::string> names;
  size_t p = 0;
  for (int64_t i = 0; i < d.entries; ++i) {
    if (p + 46 > cd.size() || Le(cd, p, 4) != kCentralSig) {
      return BadFile(path, absl::StrCat("central directory entry ", i,
                                        " is missing or malformed"));
    }
    const int flags = static_cast<int>(Le(cd, p + 8, 2));
    Member m;
    m.method = static_cast<int>(Le(cd, p + 10, 2));
    m.crc = static_cast<uint32_t>(Le(cd, p + 16, 4));
    m.csize = static_cast<int64_t>(Le(cd, p + 20, 4));
    m.usize = static_cast<int64_t>(Le(cd, p + 24, 4));
    const size_t name_len = Le(cd, p + 28, 2), extra_len = Le(cd, p + 30, 2),
                 comment_len = Le(cd, p + 32, 2);
    int64_t disk = static_cast<int64_t>(Le(cd, p + 34, 2));
    m.offset = static_cast<int64_t>(Le(cd, p + 42, 4));
    if (p + 46 + name_len + extra_len + comment_len > cd.size()) {
      return BadFile(path, absl::StrCat("central directory entry ", i,
                                        " runs past the directory"));
    }
    m.name = cd.substr(p + 46, name_len);
    const std::string where = absl::StrCat("member ", Quote(m.name));
    if (absl::Status st = Zip64Extra(
            absl::string_view(cd).substr(p + 46 + name_len, extra_len),
            &m.usize, &m.csize, &m.offset);
        !st.ok()) {
      return BadFile(path, absl::StrCat(where, ": ", st.message()));
    }
    p += 46 + name_len + extra_len + comment_len;
    if (disk != 0)
      return BadFile(path,
                     "multi-disk zip archives are not "
                     "supported");
    if (flags & 0x41) {
      return BadFile(path, absl::StrCat(where, " is encrypted"));
    }
    if (m.method != kStored && m.method != kDeflated) {
      return BadFile(path,
                     absl::StrCat(where, " uses compression method ", m.method,
                                  " (only stored and DEFLATE, as numpy "
                                  "writes, are read)"));
    }
    if (!absl::EndsWith(m.name, ".npy")) {
      return BadFile(path, absl::StrCat(where,
                                        " is not a .npy file (an .npz holds "
                                        "only NAME.npy members)"));
    }
    if (!names.insert(m.name).second) {
      return BadFile(path, absl::StrCat(where, " appears twice"));
    }
    if (m.method == kStored && m.csize != m.usize) {
      return BadFile(path, absl::StrCat(where,
                                        " is stored but its sizes "
                                        "differ (",
                                        m.csize, " compressed, ", m.usize,
                                        " uncompressed)"));
    }
    if (m.method == kDeflated && m.usize / kMaxRatio > m.csize) {
      return BadFile(path, absl::StrCat(where, " claims ", m.usize,
                                        " bytes from ", m.csize,
                                        " compressed: a ratio beyond DEFLATE's "
                                        "1032:1 (a zip bomb or a lie)"));
    }
    members.push_back(std::move(m));
  }
  if (p != cd.size()) {
    return BadFile(path,
                   "the central directory has bytes after its last "
                   "entry");
  }
  return members;
}

// Checks each member's local header against the central directory and
// finds where its data starts; members must lie before the directory and
// not overlap.
absl::Status CheckLocalHeaders(const InFile& file, const Directory& d,
                               std::vector<Member>& members) {
  const std::string& path = file.path();
  std::string h;
  for (Member& m : members) {
    const std::string where = absl::StrCat("member ", Quote(m.name));
    if (m.offset > d.offset - 30) {
      return BadFile(path, absl::StrCat(where,
                                        "'s local header lies past "
                                        "the central directory"));
    }
    if (absl::Status st = file.ReadAt(m.offset, 30, &h); !st.ok()) return st;
    if (Le(h, 0, 4) != kLocalSig) {
      return BadFile(path, absl::StrCat(where,
                                        " has no local header at "
                                        "offset ",
                                        m.offset));
    }
    const int flags = static_cast<int>(Le(h, 6, 2));
    const int method = static_cast<int>(Le(h, 8, 2));
    const uint32_t crc = static_cast<uint32_t>(Le(h, 14, 4));
    int64_t csize = static_cast<int64_t>(Le(h, 18, 4));
    int64_t usize = static_cast<int64_t>(Le(h, 22, 4));
    const int64_t name_len = static_cast<int64_t>(Le(h, 26, 2));
    const int64_t extra_len = static_cast<int64_t>(Le(h, 28, 2));
    std::string rest;
    if (m.offset + 30 + name_len + extra_len > d.offset) {
      return BadFile(path, absl::StrCat(where,
                                        "'s local header runs into "
                                        "the central directory"));
    }
    if (absl::Status st =
            file.ReadAt(m.offset + 30, name_len + extra_len, &rest);
        !st.ok()) {
      return st;
    }
    if (rest.substr(0, name_len) != m.name) {
      return BadFile(path, absl::StrCat(where, "'s local header names ",
                                        Quote(rest.substr(0, name_len))));
    }
    if (method != m.method) {
      return BadFile(path, absl::StrCat(where,
                                        ": the local header and the "
                                        "central directory disagree "
                                        "on the compression method"));
    }
    if (absl::Status st = Zip64Extra(absl::string_view(rest).substr(name_len),
                                     &usize, &csize, nullptr);
        !st.ok()) {
      return BadFile(path, absl::StrCat(where, ": ", st.message()));
    }
    // With bit 3 the sizes and CRC follow the data (the directory has
    // them); otherwise both headers must agree.
    if (!(flags & 8) &&
        (crc != m.crc || csize != m.csize || usize != m.usize)) {
      return BadFile(
          path,
          absl::StrCat(where, ": the local header says ", csize,
                       " compressed / ", usize, " uncompressed bytes (CRC ",
                       absl::Hex(crc, absl::kZeroPad8),
                       "), the central directory ", m.csize, " / ", m.usize,
                       " (CRC ", absl::Hex(m.crc, absl::kZeroPad8), ")"));
    }
    m.data_start = m.offset + 30 + name_len + extra_len;
    if (m.csize > d.offset - m.data_start) {
      return BadFile(path, absl::StrCat(where, "'s ", m.csize,
                                        " compressed bytes run past the "
                                        "central directory"));
    }
  }
  std::vector<const Member*> order;
  for (const Member& m : members) order.push_back(&m);
  std::sort(order.begin(), order.end(), [](const Member* a, const Member* b) {
    return a->offset < b->offset;
  });
  for (size_t i = 1; i < order.size(); ++i) {
    if (order[i]->offset < order[i - 1]->data_start + order[i - 1]->csize) {
      return BadFile(
          path, absl::StrCat("members ", Quote(order[i - 1]->name), " and ",
                             Quote(order[i]->name), " overlap"));
    }
  }
  return absl::OkStatus();
}

// Reads each member's .npy header; its size must match the member's.
absl::Status ReadNpyHeaders(const InFile& file, std::vector<Member>& members) {
  for (Member& m : members) {
    const std::string where = absl::StrCat("member ", Quote(m.name));
    MemberStream s(&file, m);
    std::string prefix;
    if (absl::Status st = s.Read(16, &prefix); !st.ok()) return st;
    absl::StatusOr<int64_t> offset = NpyDataOffset(prefix);
    if (!offset.ok()) {
      return BadFile(file.path(),
                     absl::StrCat(where, ": ", offset.status().message()));
    }
    if (*offset > kMaxNpyHeader) {
      return BadFile(file.path(),
                     absl::StrCat(where, ": a .npy header of ", *offset,
                                  " bytes (the limit "
                                  "is ",
                                  kMaxNpyHeader, ")"));
    }
    std::string more;
    if (*offset > 16) {
      if (absl::Status st = s.Read(*offset - 16, &more); !st.ok()) return st;
    }
    prefix += more;
    absl::StatusOr<NpyHeader> h = ParseNpyHeader(prefix);
    if (!h.ok()) {
      return BadFile(file.path(),
                     absl::StrCat(where, ": ", h.status().message()));
    }
    if (h->data_bytes != m.usize - h->data_offset) {
      return BadFile(
          file.path(),
          absl::StrCat(where, " has ", m.usize - h->data_offset,
                       " bytes of data; its .npy header's shape and dtype "
                       "need ",
                       h->data_bytes));
    }
    m.npy = *std::move(h);
  }
  return absl::OkStatus();
}

class NpzWriter : public TensorFileWriter {
 public:
  NpzWriter(std::unique_ptr<OutFile> out, std::vector<FileTensor> tensors,
            bool compressed)
      : out_(std::move(out)),
        tensors_(std::move(tensors)),
        compressed_(compressed) {}
  ~NpzWriter() override {
    if (deflating_) deflateEnd(&z_);
  }
  const std::vector<FileTensor>& tensors() const override { return tensors_; }

  absl::Status Begin(size_t i) override {
    if (i != entries_.size() || (current_ && left_ != 0)) {
      return absl::FailedPreconditionError(
          "npz: tensors are written whole and in order");
    }
    if (current_) {
      if (absl::Status st = EndMember(); !st.ok()) return st;
    }
    const FileTensor& t = tensors_[i];
    Entry e;
    e.name = t.name + ".npy";
    const std::string npy = EncodeNpyHeader(t.dtype, t.shape);
    e.usize = static_cast<int64_t>(npy.size()) + t.bytes;
    // As Python's zipfile: ZIP64 sizes when the member may pass 4 GiB.
    e.zip64 = e.usize > kZip64Limit / 105 * 100;
    e.offset = out_->position();
    std::string h;
    PutLe(&h, kLocalSig, 4);
    PutLe(&h, e.zip64 ? 45 : 20, 2);
    PutLe(&h, Utf8Flag(e.name), 2);
    PutLe(&h, compressed_ ? kDeflated : kStored, 2);
    PutLe(&h, 0, 2);     // time 00:00
    PutLe(&h, 0x21, 2);  // date 1980-01-01
    PutLe(&h, 0, 4);     // CRC, sizes: patched by EndMember
    PutLe(&h, 0, 4);
    PutLe(&h, 0, 4);
    PutLe(&h, e.name.size(), 2);
    PutLe(&h, e.zip64 ? 20 : 0, 2);
    h += e.name;
    if (e.zip64) {
      PutLe(&h, 1, 2);
      PutLe(&h, 16, 2);
      PutLe(&h, 0, 8);
      PutLe(&h, 0, 8);
    }
    if (absl::Status st = out_->Write(h); !st.ok()) return st;
    e.data_start = out_->position();
    entries_.push_back(std::move(e));
    current_ = true;
    crc_ = 0;
    if (compressed_) {
      if (deflating_) deflateEnd(&z_);
      z_ = z_stream{};
      deflating_ = deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
                                -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;
      if (!deflating_) return absl::ResourceExhaustedError("deflateInit");
    }
    left_ = static_cast<int64_t>(npy.size()) + t.bytes;
    return Put(npy);
  }

  absl::Status Write(absl::string_view bytes) override {
    if (!current_ || static_cast<int64_t>(bytes.size()) > left_) {
      return absl::FailedPreconditionError(
          "npz: more bytes than the tensor's shape");
    }
    return Put(bytes);
  }

  absl::Status Finish() override {
    if (entries_.size() != tensors_.size() || left_ != 0) {
      return absl::FailedPreconditionError("npz: not every tensor was written");
    }
    if (current_) {
      if (absl::Status st = EndMember(); !st.ok()) return st;
    }
    const int64_t cd_offset = out_->position();
    std::string cd;
    for (const Entry& e : entries_) {
      const bool big = e.zip64 || e.csize > kZip64Limit ||
                       e.usize > kZip64Limit || e.offset > kZip64Limit;
      std::string extra;
      if (big) {
        PutLe(&extra, 1, 2);
        PutLe(&extra, 24, 2);
        PutLe(&extra, e.usize, 8);
        PutLe(&extra, e.csize, 8);
        PutLe(&extra, e.offset, 8);
      }
      PutLe(&cd, kCentralSig, 4);
      PutLe(&cd, (3 << 8) | (big ? 45 : 20), 2);  // made by Unix
      PutLe(&cd, big ? 45 : 20, 2);
      PutLe(&cd, Utf8Flag(e.name), 2);
      PutLe(&cd, compressed_ ? kDeflated : kStored, 2);
      PutLe(&cd, 0, 2);
      PutLe(&cd, 0x21, 2);
      PutLe(&cd, e.crc, 4);
      PutLe(&cd, big ? kMax32 : e.csize, 4);
      PutLe(&cd, big ? kMax32 : e.usize, 4);
      PutLe(&cd, e.name.size(), 2);
      PutLe(&cd, extra.size(), 2);
      PutLe(&cd, 0, 2);  // comment
      PutLe(&cd, 0, 2);  // disk
      PutLe(&cd, 0, 2);  // internal attributes
      PutLe(&cd, uint64_t{0644} << 16, 4);
      PutLe(&cd, big ? kMax32 : e.offset, 4);
      cd += e.name;
      cd += extra;
    }
    const int64_t n = static_cast<int64_t>(entries_.size());
    const int64_t cd_size = static_cast<int64_t>(cd.size());
    const bool zip64 =
        n >= 0xffff || cd_offset > kZip64Limit || cd_size > kZip64Limit;
    if (zip64) {
      const int64_t end64 = cd_offset + cd_size;
      PutLe(&cd, kEnd64Sig, 4);
      PutLe(&cd, 44, 8);
      PutLe(&cd, 45, 2);
      PutLe(&cd, 45, 2);
      PutLe(&cd, 0, 4);
      PutLe(&cd, 0, 4);
      PutLe(&cd, n, 8);
      PutLe(&cd, n, 8);
      PutLe(&cd, cd_size, 8);
      PutLe(&cd, cd_offset, 8);
      PutLe(&cd, kLocator64Sig, 4);
      PutLe(&cd, 0, 4);
      PutLe(&cd, end64, 8);
      PutLe(&cd, 1, 4);
    }
    PutLe(&cd, kEndSig, 4);
    PutLe(&cd, 0, 2);
    PutLe(&cd, 0, 2);
    PutLe(&cd, zip64 ? 0xffff : n, 2);
    PutLe(&cd, zip64 ? 0xffff : n, 2);
    PutLe(&cd, zip64 ? kMax32 : cd_size, 4);
    PutLe(&cd, zip64 ? kMax32 : cd_offset, 4);
    PutLe(&cd, 0, 2);
    if (absl::Status st = out_->Write(cd); !st.ok()) return st;
    return out_->Commit();
  }

 private:
  struct Entry {
    std::string name;
    bool zip64 = false;
    uint32_t crc = 0;
    int64_t csize = 0;
    int64_t usize = 0;
    int64_t offset = 0;
    int64_t data_start = 0;
  };

  static int Utf8Flag(const std::string& name) {
    for (char c : name) {
      if (static_cast<unsigned char>(c) >= 0x80) return 0x800;
    }
    return 0;
  }

  absl::Status Put(absl::string_view bytes) {
    left_ -= static_cast<int64_t>(bytes.size());
    crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(bytes.data()),
                   bytes.size());
    if (!compressed_) return out_->Write(bytes);
    return Deflate(bytes, Z_NO_FLUSH);
  }

  absl::Status Deflate(absl::string_view bytes, int flush) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z_.avail_in = static_cast<uInt>(bytes.size());
    buffer_.resize(kInputChunk);
    int ret;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
      z_.avail_out = static_cast<uInt>(buffer_.size());
      ret = deflate(&z_, flush);
      if (ret == Z_STREAM_ERROR) return absl::InternalError("deflate failed");
      const size_t n = buffer_.size() - z_.avail_out;
      if (absl::Status st = out_->Write(absl::string_view(buffer_.data(), n));
          !st.ok()) {
        return st;
      }
    } while (z_.avail_out == 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
    return absl::OkStatus();
  }

  absl::Status EndMember() {
    Entry& e = entries_.back();
    if (compressed_) {
      if (absl::Status st = Deflate({}, Z_FINISH); !st.ok()) return st;
    }
    e.crc = crc_;
    e.csize = out_->position() - e.data_start;
    std::string patch;
    PutLe(&patch, e.crc, 4);
    PutLe(&patch, e.zip64 ? kMax32 : e.csize, 4);
    PutLe(&patch, e.zip64 ? kMax32 : e.usize, 4);
    if (absl::Status st = out_->WriteAt(e.offset + 14, patch); !st.ok()) {
      return st;
    }
    if (e.zip64) {
      patch.clear();
      PutLe(&patch, e.usize, 8);
      PutLe(&patch, e.csize, 8);
      if (absl::Status st =
              out_->WriteAt(e.offset + 30 + e.name.size() + 4, patch);
          !st.ok()) {
        return st;
      }
    }
    current_ = false;
    return absl::OkStatus();
  }

  std::unique_ptr<OutFile> out_;
  std::vector<FileTensor> tensors_;
  bool compressed_;
  std::vector<Entry> entries_;
  bool current_ = false;
  int64_t left_ = 0;
  uint32_t crc_ = 0;
  z_stream z_{};
  bool deflating_ = false;
  std::string buffer_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<TensorFileReader>> OpenNpz(
    std::unique_ptr<InFile> file) {
  absl::StatusOr<Directory> d = FindDirectory(*file);
  if (!d.ok()) return d.status();
  absl::StatusOr<std::vector<Member>> members = ReadDirectory(*file, *d);
  if (!members.ok()) return members.status();
  if (absl::Status st = CheckLocalHeaders(*file, *d, *members); !st.ok()) {
    return st;
  }
  if (absl::Status st = ReadNpyHeaders(*file, *members); !st.ok()) return st;
  return std::unique_ptr<TensorFileReader>(
      new NpzReader(std::move(file), *std::move(members)));
}

absl::StatusOr<std::unique_ptr<TensorFileWriter>> CreateNpz(
    const std::string& path, std::vector<FileTensor> tensors,
    const TensorFileOptions& options) {
  for (const FileTensor& t : tensors) {
    if (!NpyHasDType(t.dtype)) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": .npz has no ", v1::DType_Name(t.dtype), " (tensor ", t.name,
          "); convert it first (e.g. .float())"));
    }
  }
  absl::StatusOr<std::unique_ptr<OutFile>> out = OutFile::Create(path);
  if (!out.ok()) return out.status();
  return std::unique_ptr<TensorFileWriter>(
      new NpzWriter(*std::move(out), std::move(tensors), options.compressed));
}

}  // namespace tensord::client::internal
