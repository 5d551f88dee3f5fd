// call.h — one RPC as the service sees it, whichever transport brought it
// (gRPC, or HTTP/JSON through the HTTP listener): the list of methods, the
// caller's metadata, the response metadata, and the record of a finished
// call that metrics and the access log take.
//
//   GrpcCall call(ctx);                       // service.cc
//   absl::string_view token = call.Metadata("authorization");
//   call.AddResponseMetadata("x-request-id", id);
//
// The service runs every call through one wrapper (TensorServiceImpl::
// Invoke), so auth, limits, metrics and logging are the same on both
// transports.
#ifndef TENSORD_SERVER_CALL_H_
#define TENSORD_SERVER_CALL_H_

#include <string>

#include "absl/strings/string_view.h"

namespace tensord::server {

// The TensorService's unary methods: V(Name, RequestType, ResponseType),
// types in tensord::v1. HTTP/JSON serves exactly these.
#define TENSORD_UNARY_METHODS(V)                                \
  V(CreateSession, CreateSessionRequest, Session)               \
  V(GetSession, GetSessionRequest, Session)                     \
  V(ListSessions, ListSessionsRequest, ListSessionsResponse)    \
  V(CloseSession, CloseSessionRequest, CloseSessionResponse)    \
  V(CreateTensor, CreateTensorRequest, TensorInfo)              \
  V(FetchTensor, FetchTensorRequest, FetchTensorResponse)       \
  V(ReleaseTensor, ReleaseTensorRequest, ReleaseTensorResponse) \
  V(SetRequiresGrad, SetRequiresGradRequest, TensorInfo)        \
  V(Detach, DetachRequest, TensorInfo)                          \
  V(ZeroGrad, ZeroGradRequest, ZeroGradResponse)                \
  V(Backward, BackwardRequest, BackwardResponse)                \
  V(Execute, ExecuteRequest, ExecuteResponse)                   \
  V(ListOps, ListOpsRequest, ListOpsResponse)                   \
  V(DescribeGraph, DescribeGraphRequest, DescribeGraphResponse)
// The streaming methods (gRPC only).
#define TENSORD_STREAMING_METHODS(V) V(UploadTensor) V(DownloadTensor)

enum class Method {
#define TENSORD_METHOD_ENUM_(name, ...) k##name,
  TENSORD_UNARY_METHODS(TENSORD_METHOD_ENUM_)
      TENSORD_STREAMING_METHODS(TENSORD_METHOD_ENUM_)
#undef TENSORD_METHOD_ENUM_
};
inline constexpr int kMethodCount =
    static_cast<int>(Method::kDownloadTensor) + 1;

// "Execute", ...
absl::string_view MethodName(Method m);

// The full gRPC service name: "tensord.v1.TensorService".
inline constexpr char kTensorServiceName[] = "tensord.v1.TensorService";

// What the service needs of a call besides its messages. Not thread-safe:
// one call, one thread.
class Call {
 public:
  virtual ~Call() = default;
  // The value of request metadata `key` (lower case), "" when absent.
  virtual absl::string_view Metadata(absl::string_view key) const = 0;
  // Adds response metadata (gRPC initial metadata, an HTTP header). Keys
  // are lower case.
  virtual void AddResponseMetadata(const std::string& key,
                                   const std::string& value) = 0;
  // The caller's address, as the transport gives it.
  virtual std::string Peer() const = 0;
  virtual bool IsCancelled() const { return false; }
  // "grpc" or "http".
  virtual absl::string_view Transport() const = 0;
};

// A finished call, for metrics and the access log. Holds no message
// content: no token, no tensor data.
struct CallRecord {
  Method method;
  int code = 0;  // gRPC status code
  int64_t duration_ns = 0;
  absl::string_view transport;
  absl::string_view session_id;
  absl::string_view request_id;
  int64_t nodes = -1;  // Execute: op nodes in the request; -1 otherwise
  int64_t bytes_in = 0, bytes_out = 0;
  std::string peer;
  // Holds session_id's text when nothing else outlives the record.
  std::string session_storage;
};

// The gRPC name of a status code: "OK", "INVALID_ARGUMENT", ... ("UNKNOWN"
// out of range).
absl::string_view CodeName(int code);

}  // namespace tensord::server

#endif  // TENSORD_SERVER_CALL_H_
