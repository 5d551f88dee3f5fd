// tensor_file_internal.h — what the safetensors and .npz readers and
// writers share (client/tensor_file.h is the interface): files read at an
// offset and files written beside their path then renamed into place.
// Not installed; not part of the client library's API.
#ifndef TENSORD_CLIENT_TENSOR_FILE_INTERNAL_H_
#define TENSORD_CLIENT_TENSOR_FILE_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/tensor_file.h"

namespace tensord::client::internal {

// A file opened for reading at offsets. Not copyable.
class InFile {
 public:
  static absl::StatusOr<std::unique_ptr<InFile>> Open(const std::string& path);
  InFile(const InFile&) = delete;
  InFile& operator=(const InFile&) = delete;
  ~InFile();
  const std::string& path() const { return path_; }
  int64_t size() const { return size_; }
  // Exactly `n` bytes at `offset` into `out` (resized); INVALID_ARGUMENT
  // naming the file if they lie past its end.
  absl::Status ReadAt(int64_t offset, int64_t n, std::string* out) const;

 private:
  InFile(std::string path, int fd, int64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_;
  int64_t size_;
};

// A file written under a temporary name beside `path` and renamed to it by
// Commit; removed if destroyed before. Not copyable.
class OutFile {
 public:
  static absl::StatusOr<std::unique_ptr<OutFile>> Create(
      const std::string& path);
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  ~OutFile();
  const std::string& path() const { return path_; }
  int64_t position() const { return position_; }
  absl::Status Write(absl::string_view bytes);
  // Overwrites bytes already written (the position stays).
  absl::Status WriteAt(int64_t offset, absl::string_view bytes);
  absl::Status Commit();

 private:
  OutFile(std::string path, std::string temp, int fd)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  std::string path_;
  std::string temp_;
  int fd_;
  int64_t position_ = 0;
  bool committed_ = false;
};

// INVALID_ARGUMENT "PATH: what".
absl::Status BadFile(const std::string& path, absl::string_view what);

// Little-endian integers.
uint64_t Le(absl::string_view bytes, size_t offset, int width);
void PutLe(std::string* out, uint64_t value, int width);

// The tensor-file names of a dtype for messages ("float32").
std::string DTypeName(v1::DType dtype);

absl::StatusOr<std::unique_ptr<TensorFileReader>> OpenSafetensors(
    std::unique_ptr<InFile> file);
absl::StatusOr<std::unique_ptr<TensorFileReader>> OpenNpz(
    std::unique_ptr<InFile> file);
absl::StatusOr<std::unique_ptr<TensorFileWriter>> CreateSafetensors(
    const std::string& path, std::vector<FileTensor> tensors,
    const TensorFileOptions& options);
absl::StatusOr<std::unique_ptr<TensorFileWriter>> CreateNpz(
    const std::string& path, std::vector<FileTensor> tensors,
    const TensorFileOptions& options);

}  // namespace tensord::client::internal

#endif  // TENSORD_CLIENT_TENSOR_FILE_INTERNAL_H_
