// snapshot_file.h — the framing of a session snapshot on disk.
//
// Format 2 (what tensord writes):
//
//   "TNSDSNP2"                    8 bytes
//   header length                 8 bytes, little-endian
//   header                        a v1::SessionSnapshot: metadata, names,
//                                 handles, tensors as views of storages,
//                                 and storage_bytes (the size of each)
//   storage bytes                 every storage's bytes, in order
//   SHA-256                       32 bytes, of everything before it
//
// The bulk data is never inside a protobuf message (so a session may be
// larger than protobuf's 2 GiB), and a file that is empty, truncated,
// padded, corrupted or of another program fails to open or to finish.
// Format 1 (earlier versions: one v1::SessionSnapshot with values inline)
// is still read.
//
//   SnapshotWriter w(&out);
//   TENSORD_RETURN_IF_ERROR(w.WriteHeader(header));
//   for (...) TENSORD_RETURN_IF_ERROR(w.WriteBytes(data, n));
//   TENSORD_RETURN_IF_ERROR(w.Finish());
//
// Neither class is thread-safe; neither throws.
#ifndef TENSORD_SERVER_SNAPSHOT_FILE_H_
#define TENSORD_SERVER_SNAPSHOT_FILE_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::server {

class Sha256;  // snapshot_file.cc

class SnapshotWriter {
 public:
  // `out` must outlive the writer.
  explicit SnapshotWriter(std::ostream* out);
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // The header first; then the bytes of each storage the header lists, in
  // order; then Finish. UNAVAILABLE when the stream fails (disk full, ...).
  absl::Status WriteHeader(const v1::SessionSnapshot& header);
  absl::Status WriteBytes(const void* data, size_t n);
  absl::Status Finish();

 private:
  absl::Status Write(const void* data, size_t n);

  std::ostream* out_;
  std::unique_ptr<Sha256> sha_;
};

class SnapshotReader {
 public:
  // Reads the framing and the header of a snapshot of `size` bytes (the
  // file's size). DATA_LOSS unless it is a format-2 file whose lengths add
  // up to `size`, or a parseable format-1 file; a format-1 file is read
  // whole here (its header() holds the values).
  static absl::StatusOr<std::unique_ptr<SnapshotReader>> Open(std::istream* in,
                                                              uint64_t size);
  ~SnapshotReader();

  int format() const { return format_; }
  const v1::SessionSnapshot& header() const { return header_; }

  // Format 2: the next storage's bytes, exactly header().storage_bytes(i)
  // of them. DATA_LOSS if the file ends early.
  absl::Status ReadBytes(void* dst, size_t n);
  // Format 2: OK when every storage was read and the checksum matches.
  absl::Status Finish();

 private:
  SnapshotReader(std::istream* in, int format);
  absl::Status Read(void* dst, size_t n, bool hash);

  std::istream* in_;
  const int format_;
  v1::SessionSnapshot header_;
  std::unique_ptr<Sha256> sha_;
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SNAPSHOT_FILE_H_
