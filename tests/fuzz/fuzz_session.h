// fuzz_session.h — the live session the Execute fuzz target runs requests
// against, and a fingerprint of a session's state to check that a failed
// Execute changed nothing.
//
//   std::unique_ptr<server::Session> s = NewFuzzSession();
//   std::string before = SessionState(*s);
//   if (!s->Execute(request, &response).ok()) assert(SessionState(*s) ==
//   before);
//
// The session is small (limits below) and holds these tensors, each bound to
// its name and kept by a handle t1, t2, ... in this order:
//   x  float32 [4] 0..3, requires grad     A  float32 [3, 4] 0..11
//   M  float64 [2, 2] symmetric, requires grad
//   i  int64 [3] {-1, 0, 2}                b  bool [3] {1, 0, 1}
//   c  complex64 [2]                       s  float32 [] 2.5
//   big    int64 [2] {INT64_MAX, INT64_MIN}
//   big32  int32 [2] {INT32_MAX, INT32_MIN}
//   odd    float32 [4] {nan, inf, -inf, 3e38}
//   y  = x * x (a non-leaf with MulBackward0)
// make_corpus.cc writes seed requests that use these names.
#ifndef TENSORD_TESTS_FUZZ_FUZZ_SESSION_H_
#define TENSORD_TESTS_FUZZ_FUZZ_SESSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/session.h"

namespace tensord::fuzz {

// Wire tensor data from values (row-major) and a shape.
template <typename T>
v1::TensorData Data(v1::DType dtype, const std::vector<T>& values,
                    const std::vector<int64_t>& shape) {
  v1::TensorData d;
  d.set_dtype(dtype);
  for (int64_t n : shape) d.add_shape(n);
  d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                         values.size() * sizeof(T)));
  return d;
}

// Limits small enough that no input can make the fuzzer slow or run it out
// of memory through legitimate work.
server::SessionLimits FuzzLimits();

// A fresh session with the tensors above.
std::unique_ptr<server::Session> NewFuzzSession();

// Everything a failed Execute must leave as it was: every handle and name
// with its value, grad, requires_grad, version, leaf-ness and grad_fn, the
// random generator, the next handle and the bytes held; serialized so that
// two states compare with ==.
std::string SessionState(server::Session& session);

// The geometry oracle, independent of the core's MakeTensor (128-bit
// arithmetic): "" when a view of `sizes`, `strides` (elements) and
// `offset` over `storage_bytes` bytes of `item_size`-byte elements obeys
// the limits and addresses only bytes inside its storage; otherwise why not.
std::string CheckGeometry(const std::vector<int64_t>& sizes,
                          const std::vector<int64_t>& strides, int64_t offset,
                          int64_t item_size, int64_t storage_bytes);
// CheckGeometry of a tensor, with its shape in the message.
std::string CheckTensor(const Tensor& t);
// "" when every value in `response` has numel x itemsize bytes.
std::string CheckResponse(const v1::ExecuteResponse& response);
// "" when every tensor and grad the session holds passes CheckGeometry (as
// its snapshot describes it) and the snapshot restores.
std::string CheckSnapshot(server::Session& session);

}  // namespace tensord::fuzz

#endif  // TENSORD_TESTS_FUZZ_FUZZ_SESSION_H_
