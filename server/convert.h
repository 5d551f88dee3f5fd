// convert.h — translation between the wire (tensord.v1 messages) and the
// core, and the one place where absl::Status becomes grpc::Status.
//
//   TENSORD_ASSIGN_OR_RETURN(Tensor t, DecodeTensor(request.data()));
//   EncodeTensor(t, response.mutable_data());
#ifndef TENSORD_SERVER_CONVERT_H_
#define TENSORD_SERVER_CONVERT_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/op_table.h"
#include "core/tensor.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::server {

// Limits on the tensors a client sends; the core's (kMaxRank,
// kMaxElements) always apply too.
struct TensorLimits {
  int64_t max_rank = kMaxRank;
  int64_t max_elements = kMaxElements;
};

absl::StatusOr<DType> FromProto(v1::DType t);
v1::DType ToProto(DType t);

// Checks a wire shape (rank, negative dims, overflow) against the limits.
absl::StatusOr<Shape> DecodeShape(
    const google::protobuf::RepeatedField<int64_t>& dims,
    const TensorLimits& limits);

// A tensor from dtype + shape + bytes: INVALID_ARGUMENT if the byte length
// does not match the shape, RESOURCE_EXHAUSTED above the limits.
absl::StatusOr<Tensor> DecodeTensor(const v1::TensorData& data,
                                    const TensorLimits& limits);
void EncodeTensor(const Tensor& t, v1::TensorData* out);

// Fills everything but the handle.
void DescribeTensor(const Tensor& t, v1::TensorInfo* info);

// The attribute of an op node as the op table takes it.
absl::StatusOr<AttrValue> DecodeAttr(const v1::AttrValue& v);
Scalar DecodeScalar(const v1::Scalar& s);

// Payload keys of an Execute node's failure (set by AtNode).
inline constexpr char kNodePayload[] = "tensord/node";
inline constexpr char kOpPayload[] = "tensord/op";
inline constexpr char kMessagePayload[] = "tensord/message";

// `s` as the failure of node `node` of an Execute: "node N (op): message",
// with the node, op and original message as payloads (and s's own).
absl::Status AtNode(int node, absl::string_view op, const absl::Status& s);

// The structure of a failed status: its Python exception (RuntimeError
// unless the status names one: core/errors.h), node, op and message.
v1::ErrorDetail ErrorDetailOf(const absl::Status& s);

// absl -> grpc, keeping the code and message (cut to a bounded length), with
// ErrorDetailOf(s) in the status details (google.rpc.Status).
grpc::Status ToGrpc(const absl::Status& s);

}  // namespace tensord::server

#endif  // TENSORD_SERVER_CONVERT_H_
