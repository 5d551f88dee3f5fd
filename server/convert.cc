#include "server/convert.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/errors.h"
#include "core/status_macros.h"
#include "google/rpc/status.pb.h"

namespace tensord::server {

absl::StatusOr<DType> FromProto(v1::DType t) {
  switch (t) {
#define TENSORD_FROM_WIRE(e, T, n, s, w) \
  case v1::w:                            \
    return DType::e;
    TENSORD_FORALL_DTYPES(TENSORD_FROM_WIRE)
#undef TENSORD_FROM_WIRE
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown dtype enum value ", static_cast<int>(t)));
  }
}

v1::DType ToProto(DType t) {
  switch (t) {
#define TENSORD_TO_WIRE(e, T, n, s, w) \
  case DType::e:                       \
    return v1::w;
    TENSORD_FORALL_DTYPES(TENSORD_TO_WIRE)
#undef TENSORD_TO_WIRE
  }
  return v1::DTYPE_UNSPECIFIED;
}

absl::StatusOr<Shape> DecodeShape(
    const google::protobuf::RepeatedField<int64_t>& dims,
    const TensorLimits& limits) {
  if (dims.size() > limits.max_rank) {
    return absl::InvalidArgumentError(absl::StrCat("tensor rank ", dims.size(),
                                                   " exceeds the limit of ",
                                                   limits.max_rank));
  }
  Shape shape(dims.begin(), dims.end());
  absl::StatusOr<int64_t> n = CheckShape(shape);
  // Too many elements, or a count beyond int64, is over the size limit.
  const bool too_many =
      n.ok() ? *n > limits.max_elements
             : n.status().code() == absl::StatusCode::kResourceExhausted ||
                   absl::StartsWith(n.status().message(), "numel:");
  if (too_many) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "tensor of shape ", ShapeToString(shape), " exceeds the limit of ",
        limits.max_elements, " elements"));
  }
  if (!n.ok()) return n.status();
  return shape;
}

absl::StatusOr<Tensor> DecodeTensor(const v1::TensorData& data,
                                    const TensorLimits& limits) {
  TENSORD_ASSIGN_OR_RETURN(DType dt, FromProto(data.dtype()));
  TENSORD_ASSIGN_OR_RETURN(Shape shape, DecodeShape(data.shape(), limits));
  return FromBytes(data.data().data(), data.data().size(), shape, dt);
}

void EncodeTensor(const Tensor& t, v1::TensorData* out) {
  out->set_dtype(ToProto(t.dtype()));
  out->mutable_shape()->Assign(t.sizes().begin(), t.sizes().end());
  out->set_data(ToBytes(t));
}

void DescribeTensor(const Tensor& t, v1::TensorInfo* info) {
  info->set_defined(t.defined());
  if (!t.defined()) return;
  info->set_dtype(ToProto(t.dtype()));
  info->mutable_shape()->Assign(t.sizes().begin(), t.sizes().end());
  info->set_requires_grad(t.requires_grad());
  info->set_is_leaf(t.is_leaf());
  info->set_grad_fn(t.grad_fn_name());
  info->set_has_grad(t.grad().defined());
  info->set_version(t.version());
}

Scalar DecodeScalar(const v1::Scalar& s) {
  switch (s.value_case()) {
    case v1::Scalar::kB:
      return Scalar(s.b());
    case v1::Scalar::kI:
      return Scalar(static_cast<int64_t>(s.i()));
    case v1::Scalar::kF:
      return Scalar(s.f());
    case v1::Scalar::kC:
      return Scalar(complex128(s.c().real(), s.c().imag()));
    default:
      return Scalar(int64_t{0});
  }
}

absl::StatusOr<AttrValue> DecodeAttr(const v1::AttrValue& v) {
  switch (v.value_case()) {
    case v1::AttrValue::kI:
      return AttrValue(static_cast<int64_t>(v.i()));
    case v1::AttrValue::kInts:
      return AttrValue(std::vector<int64_t>(v.ints().values().begin(),
                                            v.ints().values().end()));
    case v1::AttrValue::kF:
      return AttrValue(v.f());
    case v1::AttrValue::kB:
      return AttrValue(v.b());
    case v1::AttrValue::kDtype: {
      TENSORD_ASSIGN_OR_RETURN(DType t, FromProto(v.dtype()));
      return AttrValue(t);
    }
    case v1::AttrValue::kS:
      return AttrValue(v.s());
    case v1::AttrValue::kScalar: {
      if (v.scalar().value_case() == v1::Scalar::VALUE_NOT_SET) {
        return absl::InvalidArgumentError("empty scalar attribute");
      }
      return AttrValue(DecodeScalar(v.scalar()));
    }
    case v1::AttrValue::kNone:
      return AttrValue(std::monostate{});
    default:
      return absl::InvalidArgumentError("attribute without a value");
  }
}

absl::Status AtNode(int node, absl::string_view op, const absl::Status& s) {
  const std::string name =
      op.size() <= 64 ? std::string(op) : absl::StrCat(op.substr(0, 64), "...");
  absl::Status out(s.code(),
                   absl::StrCat("node ", node, " (", name, "): ", s.message()));
  s.ForEachPayload([&](absl::string_view key, const absl::Cord& value) {
    out.SetPayload(key, value);
  });
  out.SetPayload(kNodePayload, absl::Cord(absl::StrCat(node)));
  out.SetPayload(kOpPayload, absl::Cord(name));
  out.SetPayload(kMessagePayload, absl::Cord(s.message()));
  return out;
}

v1::ErrorDetail ErrorDetailOf(const absl::Status& s) {
  v1::ErrorDetail d;
  std::string type = PythonType(s);
  if (type.empty()) type = "RuntimeError";
  d.set_python_type(type);
  int node = -1;
  if (auto p = s.GetPayload(kNodePayload)) {
    if (!absl::SimpleAtoi(std::string(*p), &node)) node = -1;
  }
  d.set_node(node);
  if (auto p = s.GetPayload(kOpPayload)) d.set_op(std::string(*p));
  auto m = s.GetPayload(kMessagePayload);
  d.set_message(m ? std::string(*m) : std::string(s.message()));
  return d;
}

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  // Messages travel in the trailers, which clients cap (8 KiB by default):
  // a longer one would turn the error into a transport failure.
  constexpr size_t kMaxMessage = 4096;
  absl::string_view m = s.message();
  std::string message(m.substr(0, kMaxMessage));
  if (m.size() > kMaxMessage) absl::StrAppend(&message, "...");
  v1::ErrorDetail detail = ErrorDetailOf(s);
  if (detail.message().size() > kMaxMessage) {
    detail.mutable_message()->resize(kMaxMessage);
    detail.mutable_message()->append("...");
  }
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(s.code()));
  rich.set_message(message);
  rich.add_details()->PackFrom(detail);
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), message,
                      rich.SerializeAsString());
}

}  // namespace tensord::server
