// client.h — the C++ client library of tensord.
//
// A Client is a connection (target, TLS, token, deadline). A Session is a
// server-side session owned by this object (RAII: closed when the Session is
// destroyed, unless Keep() was called). A Tensor is a handle to a tensor in
// a session; its operators and torch-named methods run on the server, one
// Execute round trip each.
//
//   TENSORD_ASSIGN_OR_RETURN(auto client,
//   Client::Connect({"127.0.0.1:50051"})); TENSORD_ASSIGN_OR_RETURN(Session s,
//   client->NewSession()); TENSORD_ASSIGN_OR_RETURN(Tensor x,
//   s.FromVector<float>({0, 1, 2, 3}, {4}, true)); StatusOr<Tensor> y = 2.0 *
//   Dot(x, x);       // errors propagate through
//   TENSORD_RETURN_IF_ERROR(y->Backward());
//   std::vector<float> g = *x.Grad()->ToVector<float>();  // 0, 4, 8, 12
//
// Errors are absl::Status (the server's gRPC code and message); no
// exceptions cross the API. A Client may be shared by threads; a Session
// and its Tensors are used by one thread at a time.
#ifndef TENSORD_CLIENT_CLIENT_H_
#define TENSORD_CLIENT_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tensord/v1/tensord.grpc.pb.h"

namespace tensord::client {

struct ClientOptions {
  std::string target = "127.0.0.1:50051";
  bool tls = false;
  std::string tls_ca_file;  // PEM roots for TLS; empty: the system's
  std::string token;        // bearer token, if the server wants one
  absl::Duration deadline = absl::Seconds(60);  // per call
};

class Session;
class Tensor;

// The channel's service config: gRPC's retry policy (UNAVAILABLE, five
// attempts with backoff) for the calls that are safe to repeat.
std::string RetryServiceConfig();
// A fresh id for ExecuteRequest.request_id (32 hex digits).
std::string NewRequestId();

class Client {
 public:
  static absl::StatusOr<std::unique_ptr<Client>> Connect(ClientOptions options);

  // A new session, closed when the returned Session is destroyed.
  absl::StatusOr<Session> NewSession(const v1::SessionOptions& options = {});
  // An existing session by id; never closed by the returned object.
  absl::StatusOr<Session> Attach(const std::string& session_id);
  absl::StatusOr<std::vector<v1::Session>> ListSessions();
  absl::Status CloseSession(const std::string& session_id);
  absl::StatusOr<v1::ListOpsResponse> ListOps();
  // OK if the server's health service reports SERVING.
  absl::Status Health();

  v1::TensorService::Stub* stub() { return stub_.get(); }
  const ClientOptions& options() const { return options_; }
  // A context with the deadline, token and (if given) the session header.
  std::unique_ptr<grpc::ClientContext> Context(
      const std::string& session_id = "") const;

 private:
  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);
  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TensorService::Stub> stub_;
};

// A fresh session id for CreateSession's x-tensord-session header: 32 hex
// digits (128 bits) from /dev/urandom. Thread-safe.
std::string ProposeSessionId();

// grpc::Status -> absl::Status, keeping code and message, and the server's
// v1::ErrorDetail (if it sent one) as a payload for ErrorOf.
absl::Status FromGrpc(const grpc::Status& s);
// FromGrpc for a call the client does not retry (CreateTensor,
// UploadTensor, ReleaseTensor, CloseSession): an UNAVAILABLE says that
// `method` was not retried and may or may not have been applied.
absl::Status FromGrpcNotRetried(const grpc::Status& s,
                                absl::string_view method);

// The structure of an error the client library returned: what the server
// said in its v1::ErrorDetail, or for errors without one (the connection,
// the client's own checks) python_type "" and node -1.
v1::ErrorDetail ErrorOf(const absl::Status& s);

class Session {
 public:
  Session(Session&& other) noexcept;
  Session& operator=(Session&& other) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  const std::string& id() const { return id_; }
  Client* client() const { return client_; }
  // Leaves the session open on the server when this object goes away.
  void Keep() { owned_ = false; }
  absl::Status Close();

  // Runs a raw Execute request (the session id is filled in). Values the
  // server deferred (too large for one message) are downloaded into the
  // response, so every requested value is there.
  absl::StatusOr<v1::ExecuteResponse> Execute(v1::ExecuteRequest request);

  // A tensor from values (row-major) and a shape.
  template <typename T>
  absl::StatusOr<Tensor> FromVector(const std::vector<T>& values,
                                    const std::vector<int64_t>& shape,
                                    bool requires_grad = false);
  absl::StatusOr<Tensor> FromData(const v1::TensorData& data,
                                  bool requires_grad = false,
                                  const std::string& name = "");
  // Runs one op (a name from ListOps) and keeps its outputs as handles.
  absl::StatusOr<std::vector<Tensor>> Op(
      const std::string& op, const std::vector<v1::ValueRef>& inputs,
      const std::map<std::string, v1::AttrValue>& attrs = {});
  absl::StatusOr<Tensor> Op1(
      const std::string& op, const std::vector<v1::ValueRef>& inputs,
      const std::map<std::string, v1::AttrValue>& attrs = {});
  // A tensor bound to `name` in the session.
  absl::StatusOr<Tensor> Named(const std::string& name);

 private:
  friend class Client;
  Session(Client* client, std::string id, bool owned);
  absl::Status FetchDeferred(const v1::ExecuteRequest& request,
                             v1::ExecuteResponse* resp);
  Client* client_;
  std::string id_;
  bool owned_;
};

// dtype tags for ToVector / FromVector.
template <typename T>
struct WireDType;
template <>
struct WireDType<bool> {
  static constexpr v1::DType value = v1::DTYPE_BOOL;
};
template <>
struct WireDType<int32_t> {
  static constexpr v1::DType value = v1::DTYPE_INT32;
};
template <>
struct WireDType<int64_t> {
  static constexpr v1::DType value = v1::DTYPE_INT64;
};
template <>
struct WireDType<float> {
  static constexpr v1::DType value = v1::DTYPE_FLOAT32;
};
template <>
struct WireDType<double> {
  static constexpr v1::DType value = v1::DTYPE_FLOAT64;
};

class Tensor {
 public:
  Tensor() = default;
  Tensor(Session* session, std::string handle, v1::TensorInfo info)
      : session_(session), handle_(std::move(handle)), info_(std::move(info)) {}

  // A tensor bound to a name in the session, referred to by that name.
  static Tensor ByName(Session* session, std::string name,
                       v1::TensorInfo info) {
    Tensor t(session, "", std::move(info));
    t.name_ = std::move(name);
    return t;
  }

  const std::string& handle() const { return handle_; }
  const std::string& name() const { return name_; }
  bool defined() const { return session_ != nullptr; }
  Session* session() const { return session_; }
  // As of the last call that returned this tensor.
  const v1::TensorInfo& info() const { return info_; }
  std::vector<int64_t> shape() const {
    return {info_.shape().begin(), info_.shape().end()};
  }
  v1::DType dtype() const { return info_.dtype(); }
  bool requires_grad() const { return info_.requires_grad(); }
  std::string grad_fn() const { return info_.grad_fn(); }
  v1::ValueRef Ref() const;

  // Values (fetched now), converted to T; INVALID_ARGUMENT if the dtype is
  // not T's.
  template <typename T>
  absl::StatusOr<std::vector<T>> ToVector() const;
  absl::StatusOr<v1::TensorData> Data() const;

  absl::StatusOr<Tensor> Sum(const std::vector<int64_t>& dims = {},
                             bool keepdim = false) const;
  absl::StatusOr<Tensor> Mean(const std::vector<int64_t>& dims = {},
                              bool keepdim = false) const;
  absl::StatusOr<Tensor> Cumsum(int64_t dim) const;
  absl::StatusOr<Tensor> Reshape(const std::vector<int64_t>& shape) const;
  absl::StatusOr<Tensor> Detach() const;
  // backward() for a one-element tensor, backward(gradient) otherwise.
  // With create_graph the pass is recorded: .grad keeps history and can be
  // differentiated again (Session::Op("autograd.grad", ...) likewise takes
  // create_graph).
  absl::Status Backward(bool retain_graph = false) const;
  absl::Status Backward(const Tensor& gradient, bool retain_graph = false,
                        bool create_graph = false) const;
  // .grad; NOT_FOUND if none has been computed.
  absl::StatusOr<Tensor> Grad() const;
  absl::Status ZeroGrad() const;
  absl::Status SetRequiresGrad(bool value);

 private:
  Session* session_ = nullptr;
  std::string handle_;
  std::string name_;
  v1::TensorInfo info_;
  v1::TensorRef TensorRefOf() const;
};

// Operators and free functions: every one also takes StatusOr operands, so
// `(a + b) * c` works and the first error propagates.
using TensorOr = absl::StatusOr<Tensor>;
TensorOr operator+(const TensorOr& a, const TensorOr& b);
TensorOr operator-(const TensorOr& a, const TensorOr& b);
TensorOr operator*(const TensorOr& a, const TensorOr& b);
TensorOr operator/(const TensorOr& a, const TensorOr& b);
TensorOr operator*(double s, const TensorOr& a);
TensorOr operator*(const TensorOr& a, double s);
TensorOr operator+(const TensorOr& a, double s);
TensorOr MatMul(const TensorOr& a, const TensorOr& b);
TensorOr Dot(const TensorOr& a, const TensorOr& b);
TensorOr Eq(const TensorOr& a, const TensorOr& b);
TensorOr Lt(const TensorOr& a, const TensorOr& b);
TensorOr Gt(const TensorOr& a, const TensorOr& b);
TensorOr Ne(const TensorOr& a, const TensorOr& b);
TensorOr Le(const TensorOr& a, const TensorOr& b);
TensorOr Ge(const TensorOr& a, const TensorOr& b);
// Elementwise comparisons as operators (bool tensors, as torch's). == and !=
// stay functions (Eq, Ne): in C++ they are expected to answer yes or no.
TensorOr operator<(const TensorOr& a, const TensorOr& b);
TensorOr operator>(const TensorOr& a, const TensorOr& b);
TensorOr operator<=(const TensorOr& a, const TensorOr& b);
TensorOr operator>=(const TensorOr& a, const TensorOr& b);

// ---- implementation of the templates ----

template <typename T>
absl::StatusOr<Tensor> Session::FromVector(const std::vector<T>& values,
                                           const std::vector<int64_t>& shape,
                                           bool requires_grad) {
  v1::TensorData d;
  d.set_dtype(WireDType<T>::value);
  for (int64_t s : shape) d.add_shape(s);
  if constexpr (std::is_same_v<T, bool>) {
    std::string bytes;
    for (bool b : values) bytes.push_back(b ? 1 : 0);
    d.set_data(bytes);
  } else {
    d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                           values.size() * sizeof(T)));
  }
  return FromData(d, requires_grad);
}

template <typename T>
absl::StatusOr<std::vector<T>> Tensor::ToVector() const {
  absl::StatusOr<v1::TensorData> d = Data();
  if (!d.ok()) return d.status();
  if (d->dtype() != WireDType<T>::value) {
    return absl::InvalidArgumentError(
        "ToVector: the tensor's dtype does not match the requested type");
  }
  std::vector<T> out(d->data().size() / sizeof(T));
  if constexpr (std::is_same_v<T, bool>) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = d->data()[i] != 0;
  } else if (!out.empty()) {
    std::memcpy(out.data(), d->data().data(), out.size() * sizeof(T));
  }
  return out;
}

}  // namespace tensord::client

#endif  // TENSORD_CLIENT_CLIENT_H_
