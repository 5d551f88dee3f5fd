#include "server/snapshot_file.h"

#include <openssl/evp.h>

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace tensord::server {

namespace {
constexpr char kMagic[8] = {'T', 'N', 'S', 'D', 'S', 'N', 'P', '2'};
constexpr uint64_t kDigestBytes = 32;
// Headers hold names and handles, not tensor data; a bound keeps a corrupt
// length from asking for an absurd buffer.
constexpr uint64_t kMaxHeaderBytes = uint64_t{1} << 30;
// Format-1 files hold everything in one message, which protobuf caps at
// 2 GiB.
constexpr uint64_t kMaxLegacyBytes = (uint64_t{1} << 31) - 1;

void PutU64(uint64_t v, char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t GetU64(const char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}
}  // namespace

// SHA-256 over a stream of bytes (OpenSSL's EVP interface).
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ != nullptr) EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  bool ok() const { return ctx_ != nullptr; }
  void Update(const void* data, size_t n) {
    if (n > 0) EVP_DigestUpdate(ctx_, data, n);
  }
  std::string Final() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, digest, &len);
    return std::string(reinterpret_cast<const char*>(digest), len);
  }

 private:
  EVP_MD_CTX* ctx_;
};

SnapshotWriter::SnapshotWriter(std::ostream* out)
    : out_(out), sha_(std::make_unique<Sha256>()) {}
SnapshotWriter::~SnapshotWriter() = default;

absl::Status SnapshotWriter::Write(const void* data, size_t n) {
  if (!sha_->ok()) return absl::InternalError("no SHA-256 context");
  sha_->Update(data, n);
  out_->write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  if (!*out_) {
    return absl::UnavailableError("write failed (disk full or unwritable?)");
  }
  return absl::OkStatus();
}

absl::Status SnapshotWriter::WriteHeader(const v1::SessionSnapshot& header) {
  std::string bytes;
  if (!header.SerializeToString(&bytes) || bytes.size() > kMaxHeaderBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "snapshot header of ", header.ByteSizeLong(), " bytes is too large"));
  }
  char len[8];
  PutU64(bytes.size(), len);
  if (absl::Status s = Write(kMagic, sizeof(kMagic)); !s.ok()) return s;
  if (absl::Status s = Write(len, sizeof(len)); !s.ok()) return s;
  return Write(bytes.data(), bytes.size());
}

absl::Status SnapshotWriter::WriteBytes(const void* data, size_t n) {
  return Write(data, n);
}

absl::Status SnapshotWriter::Finish() {
  const std::string digest = sha_->Final();
  out_->write(digest.data(), static_cast<std::streamsize>(digest.size()));
  out_->flush();
  if (!*out_) {
    return absl::UnavailableError("write failed (disk full or unwritable?)");
  }
  return absl::OkStatus();
}

SnapshotReader::SnapshotReader(std::istream* in, int format)
    : in_(in), format_(format), sha_(std::make_unique<Sha256>()) {}
SnapshotReader::~SnapshotReader() = default;

absl::Status SnapshotReader::Read(void* dst, size_t n, bool hash) {
  in_->read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
  if (static_cast<size_t>(in_->gcount()) != n) {
    return absl::DataLossError("the snapshot ends early (truncated)");
  }
  if (hash) sha_->Update(dst, n);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SnapshotReader>> SnapshotReader::Open(
    std::istream* in, uint64_t size) {
  if (size == 0) return absl::DataLossError("the snapshot is empty");
  char head[16];
  const size_t got = size >= sizeof(head) ? sizeof(head) : 0;
  if (got > 0) {
    in->read(head, sizeof(head));
    if (in->gcount() != sizeof(head)) {
      return absl::DataLossError("cannot read the snapshot");
    }
  }
  if (got == 0 || std::memcmp(head, kMagic, sizeof(kMagic)) != 0) {
    // Format 1: one SessionSnapshot message.
    if (size > kMaxLegacyBytes) {
      return absl::DataLossError("not a tensord snapshot");
    }
    std::string bytes(got, '\0');
    if (got > 0) std::memcpy(bytes.data(), head, got);
    bytes.resize(size);
    in->read(bytes.data() + got, static_cast<std::streamsize>(size - got));
    if (static_cast<uint64_t>(in->gcount()) != size - got) {
      return absl::DataLossError("the snapshot ends early (truncated)");
    }
    std::unique_ptr<SnapshotReader> r(new SnapshotReader(in, 1));
    if (!r->header_.ParseFromString(bytes) || r->header_.format() > 1 ||
        r->header_.storage_bytes_size() > 0) {
      return absl::DataLossError("not a tensord snapshot");
    }
    return r;
  }
  std::unique_ptr<SnapshotReader> r(new SnapshotReader(in, 2));
  if (!r->sha_->ok()) return absl::InternalError("no SHA-256 context");
  r->sha_->Update(head, sizeof(head));
  const uint64_t header_len = GetU64(head + 8);
  if (size < sizeof(head) + kDigestBytes || header_len > kMaxHeaderBytes ||
      header_len > size - sizeof(head) - kDigestBytes) {
    return absl::DataLossError(
        absl::StrCat("the snapshot's header length (", header_len,
                     ") does not fit in its ", size, " bytes"));
  }
  std::string bytes(header_len, '\0');
  if (absl::Status s = r->Read(bytes.data(), header_len, true); !s.ok()) {
    return s;
  }
  if (!r->header_.ParseFromString(bytes) || r->header_.format() != 2) {
    return absl::DataLossError("the snapshot's header does not parse");
  }
  // The lengths must add up to the file's size exactly, so what is
  // allocated for the storages is bounded by what is on disk.
  uint64_t total = sizeof(head) + header_len + kDigestBytes;
  for (int64_t n : r->header_.storage_bytes()) {
    if (n < 0 ||
        __builtin_add_overflow(total, static_cast<uint64_t>(n), &total)) {
      return absl::DataLossError("a storage length in the snapshot is bad");
    }
  }
  if (total != size) {
    return absl::DataLossError(absl::StrCat("the snapshot has ", size,
                                            " bytes, its header accounts for ",
                                            total, " (truncated or padded)"));
  }
  return r;
}

absl::Status SnapshotReader::ReadBytes(void* dst, size_t n) {
  return Read(dst, n, true);
}

absl::Status SnapshotReader::Finish() {
  if (format_ != 2) return absl::OkStatus();
  char digest[kDigestBytes];
  if (absl::Status s = Read(digest, sizeof(digest), false); !s.ok()) return s;
  if (sha_->Final() != std::string(digest, sizeof(digest))) {
    return absl::DataLossError("the snapshot's checksum does not match");
  }
  return absl::OkStatus();
}

}  // namespace tensord::server
