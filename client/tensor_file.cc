#include "client/tensor_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/npy.h"
#include "client/tensor_file_internal.h"

namespace tensord::client {
namespace internal {

absl::StatusOr<std::unique_ptr<InFile>> InFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, path);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return absl::ErrnoToStatus(err, path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a regular file"));
  }
  return std::unique_ptr<InFile>(
      new InFile(path, fd, static_cast<int64_t>(st.st_size)));
}

InFile::~InFile() { ::close(fd_); }

absl::Status InFile::ReadAt(int64_t offset, int64_t n, std::string* out) const {
  if (offset < 0 || n < 0 || offset > size_ || n > size_ - offset) {
    return BadFile(path_,
                   absl::StrCat("reading ", n, " bytes at offset ", offset,
                                " runs past the end of the "
                                "file (",
                                size_, " bytes)"));
  }
  out->resize(static_cast<size_t>(n));
  int64_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd_, out->data() + done,
                                static_cast<size_t>(n - done), offset + done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return absl::ErrnoToStatus(errno, path_);
    if (got == 0) {
      return BadFile(path_, "the file became shorter while it was read");
    }
    done += got;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<OutFile>> OutFile::Create(
    const std::string& path) {
  std::string temp = absl::StrCat(path, ".tmp-XXXXXX");
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return absl::ErrnoToStatus(errno, path);
  ::fchmod(fd, 0644);
  return std::unique_ptr<OutFile>(new OutFile(path, std::move(temp), fd));
}

OutFile::~OutFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

absl::Status OutFile::WriteAt(int64_t offset, absl::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done,
                               offset + static_cast<int64_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, path_);
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status OutFile::Write(absl::string_view bytes) {
  if (absl::Status st = WriteAt(position_, bytes); !st.ok()) return st;
  position_ += static_cast<int64_t>(bytes.size());
  return absl::OkStatus();
}

absl::Status OutFile::Commit() {
  if (::close(fd_) != 0) {
    fd_ = -1;
    return absl::ErrnoToStatus(errno, path_);
  }
  fd_ = -1;
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return absl::ErrnoToStatus(errno, path_);
  }
  committed_ = true;
  return absl::OkStatus();
}

absl::Status BadFile(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

uint64_t Le(absl::string_view bytes, size_t offset, int width) {
  uint64_t v = 0;
  for (int i = width - 1; i >= 0; --i) {
    v = v << 8 | static_cast<uint8_t>(bytes[offset + i]);
  }
  return v;
}

void PutLe(std::string* out, uint64_t value, int width) {
  for (int i = 0; i < width; ++i) out->push_back((value >> (8 * i)) & 0xff);
}

std::string DTypeName(v1::DType dtype) {
  // DTYPE_FLOAT32 -> float32
  return absl::AsciiStrToLower(v1::DType_Name(dtype).substr(6));
}

}  // namespace internal

absl::StatusOr<TensorFileFormat> TensorFileFormatOf(const std::string& path) {
  if (absl::EndsWith(path, ".safetensors")) {
    return TensorFileFormat::kSafetensors;
  }
  if (absl::EndsWith(path, ".npz")) return TensorFileFormat::kNpz;
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": not a .safetensors or .npz file name"));
}

absl::StatusOr<std::unique_ptr<TensorFileReader>> OpenTensorFile(
    const std::string& path) {
  absl::StatusOr<TensorFileFormat> format = TensorFileFormatOf(path);
  if (!format.ok()) return format.status();
  absl::StatusOr<std::unique_ptr<internal::InFile>> file =
      internal::InFile::Open(path);
  if (!file.ok()) return file.status();
  return *format == TensorFileFormat::kSafetensors
             ? internal::OpenSafetensors(*std::move(file))
             : internal::OpenNpz(*std::move(file));
}

absl::StatusOr<std::unique_ptr<TensorFileWriter>> CreateTensorFile(
    const std::string& path, std::vector<FileTensor> tensors,
    const TensorFileOptions& options) {
  absl::StatusOr<TensorFileFormat> format = TensorFileFormatOf(path);
  if (!format.ok()) return format.status();
  std::set<std::string> seen;
  for (FileTensor& t : tensors) {
    if (!seen.insert(t.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": the name '", t.name, "' appears twice"));
    }
    if (ItemSize(t.dtype) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": tensor '", t.name, "' has an unsupported dtype"));
    }
    int64_t bytes = ItemSize(t.dtype);
    for (int64_t d : t.shape) {
      if (d < 0 || __builtin_mul_overflow(bytes, d, &bytes)) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": tensor '", t.name, "' has a bad shape"));
      }
    }
    t.bytes = bytes;
  }
  return *format == TensorFileFormat::kSafetensors
             ? internal::CreateSafetensors(path, std::move(tensors), options)
             : internal::CreateNpz(path, std::move(tensors), options);
}

}  // namespace tensord::client
