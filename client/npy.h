// npy.h — NumPy's .npy file format to and from the wire's TensorData.
//
//   absl::StatusOr<v1::TensorData> x = ReadNpyFile("x.npy");  // np.save'd
//   if (!x.ok()) return x.status();  // INVALID_ARGUMENT names file and flaw
//   absl::Status st = WriteNpyFile("y.npy", *x);  // np.load reads it back
//
// Supported dtypes, one per wire dtype but bfloat16: '|b1' (bool), '<i4',
// '<i8', '<f4', '<f8', '<c8' (complex64), '<f2', '|i1', '|u1', '<i2' and
// '<c16' (complex128); the big-endian '>' forms are read and
// byte-swapped. Versions 1.0, 2.0 and 3.0 are read; fortran_order True is
// read and converted to C order. Files are written as numpy writes them:
// version 1.0 (2.0 if the header would not fit), C order, little-endian,
// the header padded with spaces to a newline so the data starts at a
// multiple of 64 bytes.
//
// Pure functions of their arguments, safe to call from any thread.
#ifndef TENSORD_CLIENT_NPY_H_
#define TENSORD_CLIENT_NPY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::client {

// Bytes of one element of `dtype` (complex64: 8, complex128: 16); 0 if
// unspecified or
// unknown.
int64_t ItemSize(v1::DType dtype);

// Whether numpy (and so .npy and .npz) has this dtype: all of ours but
// bfloat16.
bool NpyHasDType(v1::DType dtype);

// OK if `data` has a known dtype, no negative dimension, and exactly
// prod(shape) * ItemSize(dtype) bytes (INVALID_ARGUMENT otherwise, saying
// which).
absl::Status CheckTensorData(const v1::TensorData& data);

// The tensor stored in the .npy file `file_bytes`. INVALID_ARGUMENT for
// anything numpy would not write or we cannot represent: bad magic, an
// unknown version, a malformed header dictionary, an unsupported dtype
// (the message names it and lists the supported ones), a bad shape, an
// element count that overflows, or data whose length is not the shape's.
absl::StatusOr<v1::TensorData> ParseNpy(absl::string_view file_bytes);

// What a .npy header says: the array's dtype and shape, its layout, and
// where its data starts.
struct NpyHeader {
  v1::DType dtype = v1::DTYPE_UNSPECIFIED;
  std::vector<int64_t> shape;
  bool fortran_order = false;
  bool big_endian = false;
  int64_t data_offset = 0;  // bytes of magic, version, length and header
  int64_t data_bytes = 0;   // prod(shape) * itemsize
};

// The number of bytes before the data (magic, version, header length and
// header) of a .npy file that starts with `prefix` (at least its first 12
// bytes, or the whole file if shorter). INVALID_ARGUMENT as ParseNpy.
absl::StatusOr<int64_t> NpyDataOffset(absl::string_view prefix);

// The header of the .npy file that starts with `prefix` (at least
// NpyDataOffset bytes; the data need not follow). INVALID_ARGUMENT as
// ParseNpy, except that the data's length is not checked.
absl::StatusOr<NpyHeader> ParseNpyHeader(absl::string_view prefix);

// The bytes np.save writes before the data of an array of `dtype` and
// `shape` (magic, version, header length, the padded header).
std::string EncodeNpyHeader(v1::DType dtype, const std::vector<int64_t>& shape);

// `data` as the bytes np.save would write for the same array.
// Precondition: CheckTensorData(data) is OK (WriteNpyFile checks it).
std::string EncodeNpy(const v1::TensorData& data);

// ParseNpy of the file at `path`; errors start with the path (NOT_FOUND
// etc. if the file cannot be read).
absl::StatusOr<v1::TensorData> ReadNpyFile(const std::string& path);

// Writes EncodeNpy(data) to `path`, replacing it. INVALID_ARGUMENT if
// CheckTensorData fails; the errno's code if the file cannot be written.
// Errors start with the path.
absl::Status WriteNpyFile(const std::string& path, const v1::TensorData& data);

}  // namespace tensord::client

#endif  // TENSORD_CLIENT_NPY_H_
