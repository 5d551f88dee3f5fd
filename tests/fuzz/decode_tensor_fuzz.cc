// decode_tensor_fuzz.cc — libFuzzer target: a tensor (and an op attribute
// and a scalar) decoded from wire bytes, as the server decodes every
// request's literal tensors.
//
// The input is parsed as a v1::TensorData (protobuf binary). What must hold:
// DecodeTensor never crashes and either fails with INVALID_ARGUMENT or
// RESOURCE_EXHAUSTED or returns a tensor that encodes back to the same dtype,
// shape and bytes (bools normalized to 0/1); printing it as torch does works.
// The same bytes are also parsed as a v1::AttrValue and a v1::Scalar and
// decoded.
//
//   build-fuzz/tests/fuzz/decode_tensor_fuzz tests/fuzz/corpus/decode_tensor
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/format.h"
#include "server/convert.h"
#include "tensord/v1/tensord.pb.h"

namespace {

using tensord::server::TensorLimits;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Small limits: the fuzzer looks for crashes, not for big allocations.
  TensorLimits limits;
  limits.max_rank = 8;
  limits.max_elements = int64_t{1} << 16;

  tensord::v1::TensorData wire;
  if (wire.ParseFromArray(data, static_cast<int>(size))) {
    absl::StatusOr<tensord::Tensor> t =
        tensord::server::DecodeTensor(wire, limits);
    if (t.ok()) {
      tensord::v1::TensorData back;
      tensord::server::EncodeTensor(*t, &back);
      Check(back.dtype() == wire.dtype(), "dtype round trip");
      Check(back.shape_size() == wire.shape_size(), "rank round trip");
      for (int i = 0; i < wire.shape_size(); ++i) {
        Check(back.shape(i) == wire.shape(i), "shape round trip");
      }
      std::string expected = wire.data();
      if (wire.dtype() == tensord::v1::DTYPE_BOOL) {
        for (char& c : expected) c = c != 0;  // decoding normalizes bools
      }
      Check(back.data() == expected, "bytes round trip");
      if (t->numel() <= 4096) (void)tensord::FormatTensor(*t);
    } else {
      Check(t.status().code() == absl::StatusCode::kInvalidArgument ||
                t.status().code() == absl::StatusCode::kResourceExhausted,
            "DecodeTensor fails with INVALID_ARGUMENT or RESOURCE_EXHAUSTED");
    }
  }

  tensord::v1::AttrValue attr;
  if (attr.ParseFromArray(data, static_cast<int>(size))) {
    (void)tensord::server::DecodeAttr(attr);
  }
  tensord::v1::Scalar scalar;
  if (scalar.ParseFromArray(data, static_cast<int>(size))) {
    (void)tensord::server::DecodeScalar(scalar);
  }
  return 0;
}
