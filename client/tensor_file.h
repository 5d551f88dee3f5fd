// tensor_file.h — files of named tensors: safetensors and NumPy's .npz,
// read and written one chunk at a time (a tensor is never in memory whole).
//
//   TENSORD_ASSIGN_OR_RETURN(std::unique_ptr<TensorFileReader> in,
//                            OpenTensorFile("model.safetensors"));
//   for (size_t i = 0; i < in->tensors().size(); ++i) {
//     TENSORD_RETURN_IF_ERROR(in->Open(i));
//     absl::StatusOr<absl::string_view> bytes;
//     while ((bytes = in->Read(1 << 20)).ok() && !bytes->empty()) ...;
//   }
//
//   TENSORD_ASSIGN_OR_RETURN(auto out, CreateTensorFile("out.npz", tensors));
//   for (i ...) { out->Begin(i); out->Write(bytes)...; }
//   TENSORD_RETURN_IF_ERROR(out->Finish());  // renames the file into place
//
// The format comes from the file name: ".safetensors" or ".npz" (case as
// written). Supported dtypes are tensord's: safetensors BOOL, U8, I8, I16,
// I32, I64, F16, BF16, F32, F64 and C64 (the format has no complex128);
// npz members of every numpy dtype tensord has (all but bfloat16: '|b1',
// '<i4', '<i8', '<f4', '<f8', '<c8', '<f2', '|i1', '|u1', '<i2', '<c16'
// and their big-endian forms). A file holding another dtype (U16, U32,
// '<u4', ...) is refused with an error naming the tensor and dtype.
//
// Reading validates everything before anything is returned: safetensors'
// header length against the file, its JSON (nlohmann's parser: well-formed
// UTF-8, no duplicate names, every field typed), every tensor's shape
// (non-negative, no overflow) and byte count against its dtype and
// data_offsets, and offsets that tile the data exactly (no overlap, no gap,
// nothing past the end), as the reference reader demands. For .npz: the
// zip's end record and central directory (ZIP64 too), each member's local
// header against the central directory, members inside the file and
// disjoint, only stored or DEFLATE members (zlib inflates), no encryption,
// no duplicate names, every member a .npy file whose header matches its
// size, a compression ratio DEFLATE can reach; while reading, no member
// inflates past or short of its size, and its CRC-32 is checked before its
// last byte is returned. Errors are INVALID_ARGUMENT (a bad file, the
// message starts with the path and names the tensor) or the errno's code.
//
// Writing produces what the reference writers produce: safetensors as the
// Rust crate's serialize_to_file (tensors sorted by dtype alignment, then
// name; "__metadata__" first; the header padded with spaces to a multiple
// of 8), .npz as np.savez (stored) or np.savez_compressed (DEFLATE): one
// NAME.npy member per tensor. The file is written beside `path` under a
// temporary name and renamed into place by Finish, so a failed write never
// leaves a partial file.
//
// A reader or writer is used by one thread at a time.
#ifndef TENSORD_CLIENT_TENSOR_FILE_H_
#define TENSORD_CLIENT_TENSOR_FILE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::client {

enum class TensorFileFormat { kSafetensors, kNpz };

// The format a path's extension names; INVALID_ARGUMENT for others.
absl::StatusOr<TensorFileFormat> TensorFileFormatOf(const std::string& path);

// One tensor of a file.
struct FileTensor {
  std::string name;  // npz: the member's name without ".npy"
  v1::DType dtype = v1::DTYPE_UNSPECIFIED;
  std::vector<int64_t> shape;
  int64_t bytes = 0;  // prod(shape) * itemsize
};

class TensorFileReader {
 public:
  virtual ~TensorFileReader() = default;
  // In the file's order (safetensors: by data offset; npz: the central
  // directory's).
  virtual const std::vector<FileTensor>& tensors() const = 0;
  // safetensors' "__metadata__" (empty for npz).
  virtual const std::map<std::string, std::string>& metadata() const = 0;
  // Starts reading tensor i from its first byte.
  virtual absl::Status Open(size_t i) = 0;
  // Up to `max_bytes` (> 0) of the open tensor's next bytes, C order and
  // little-endian; empty once all are read. Valid until the next call.
  virtual absl::StatusOr<absl::string_view> Read(int64_t max_bytes) = 0;
};

// Opens and validates the file at `path` (format by extension).
absl::StatusOr<std::unique_ptr<TensorFileReader>> OpenTensorFile(
    const std::string& path);

struct TensorFileOptions {
  bool compressed = false;  // npz: DEFLATE, as np.savez_compressed
  std::map<std::string, std::string> metadata;  // safetensors' __metadata__
};

class TensorFileWriter {
 public:
  virtual ~TensorFileWriter() = default;  // removes an unfinished file
  // The tensors in the order they are written (safetensors: sorted as the
  // reference writer sorts them, whatever order they were given in).
  virtual const std::vector<FileTensor>& tensors() const = 0;
  // Starts tensor i of tensors(); the previous one must be complete.
  virtual absl::Status Begin(size_t i) = 0;
  // The next bytes of the current tensor (C order, little-endian).
  virtual absl::Status Write(absl::string_view bytes) = 0;
  // Ends the file and renames it to its path. FAILED_PRECONDITION if a
  // tensor was not written whole.
  virtual absl::Status Finish() = 0;
};

// A writer of `tensors` (each name once; dtypes tensord has; safetensors
// names other than "__metadata__") to `path`. INVALID_ARGUMENT for bad
// names or dtypes, the errno's code if the file cannot be created.
absl::StatusOr<std::unique_ptr<TensorFileWriter>> CreateTensorFile(
    const std::string& path, std::vector<FileTensor> tensors,
    const TensorFileOptions& options = {});

}  // namespace tensord::client

#endif  // TENSORD_CLIENT_TENSOR_FILE_H_
