#include "client/client.h"

#include <grpcpp/generic/generic_stub.h>

#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "client/transfer.h"
#include "google/rpc/status.pb.h"

namespace tensord::client {

namespace {
constexpr char kDetailPayload[] = "tensord/v1.ErrorDetail";
}  // namespace

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(s.error_code()),
                   s.error_message());
  google::rpc::Status rich;
  if (!s.error_details().empty() && rich.ParseFromString(s.error_details())) {
    for (const google::protobuf::Any& any : rich.details()) {
      v1::ErrorDetail detail;
      if (any.UnpackTo(&detail)) {
        out.SetPayload(kDetailPayload, absl::Cord(detail.SerializeAsString()));
        break;
      }
    }
  }
  return out;
}

absl::Status FromGrpcNotRetried(const grpc::Status& s,
                                absl::string_view method) {
  absl::Status out = FromGrpc(s);
  if (out.code() != absl::StatusCode::kUnavailable) return out;
  // The one error a caller sees for a call whose fate is unknown (a
  // replica went away mid-call): it was not retried, because running it
  // twice would not be the same as once.
  absl::Status unknown(
      out.code(), absl::StrCat(out.message(), " (", method,
                               " was not retried: the server may or may not "
                               "have applied it; check before repeating it)"));
  out.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    unknown.SetPayload(url, payload);
  });
  return unknown;
}

v1::ErrorDetail ErrorOf(const absl::Status& s) {
  v1::ErrorDetail detail;
  auto p = s.GetPayload(kDetailPayload);
  if (!p || !detail.ParseFromString(std::string(*p))) {
    detail.Clear();
    detail.set_node(-1);
    detail.set_message(std::string(s.message()));
  }
  return detail;
}

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

v1::AttrValue IntsAttr(const std::vector<int64_t>& v) {
  v1::AttrValue a;
  for (int64_t x : v) a.mutable_ints()->add_values(x);
  return a;
}
v1::AttrValue IntAttr(int64_t v) {
  v1::AttrValue a;
  a.set_i(v);
  return a;
}
v1::AttrValue BoolAttr(bool v) {
  v1::AttrValue a;
  a.set_b(v);
  return a;
}

}  // namespace

Client::Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      stub_(v1::TensorService::NewStub(channel_)) {}

absl::StatusOr<std::unique_ptr<Client>> Client::Connect(ClientOptions options) {
  if (options.target.empty()) {
    return absl::InvalidArgumentError("no server address given");
  }
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options.tls) {
    grpc::SslCredentialsOptions ssl;
    if (!options.tls_ca_file.empty()) {
      absl::StatusOr<std::string> ca = ReadFile(options.tls_ca_file);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
    }
    creds = grpc::SslCredentials(ssl);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  args.SetServiceConfigJSON(RetryServiceConfig());
  auto channel = grpc::CreateCustomChannel(options.target, creds, args);
  return std::unique_ptr<Client>(new Client(std::move(options), channel));
}

std::string RetryServiceConfig() {
  // The calls that are safe to repeat: reads, idempotent updates, Execute
  // (which always carries a request id the session remembers, so a retry
  // is applied once) and CreateSession (which proposes its id: a retry
  // gets the session the first attempt made). CreateTensor, UploadTensor,
  // Detach, Backward, ReleaseTensor and CloseSession are not retried: their
  // UNAVAILABLE reaches the caller, once.
  static constexpr const char* kMethods[] = {
      "CreateSession", "GetSession",     "ListSessions", "ListOps",
      "FetchTensor",   "DownloadTensor", "ZeroGrad",     "SetRequiresGrad",
      "DescribeGraph", "Execute"};
  std::string names;
  for (const char* m : kMethods) {
    absl::StrAppend(&names, names.empty() ? "" : ",",
                    "{\"service\":\"tensord.v1.TensorService\",\"method\":\"",
                    m, "\"}");
  }
  // A move of a session between replicas answers UNAVAILABLE at most for
  // the moment of the handoff; five attempts over a second or two ride it
  // out (gRPC caps maxAttempts at 5). CANCELLED too: a call that reaches a
  // replica in the instant its gRPC server stops is cancelled by gRPC
  // before tensord sees it (a cancel of our own is never retried).
  return absl::StrCat(
      "{\"methodConfig\":[{\"name\":[", names,
      "],\"retryPolicy\":{\"maxAttempts\":5,\"initialBackoff\":\"0.1s\","
      "\"maxBackoff\":\"1s\",\"backoffMultiplier\":2,"
      "\"retryableStatusCodes\":[\"UNAVAILABLE\",\"CANCELLED\"]}}]}");
}

std::string NewRequestId() {
  // Unique, not secret: a per-thread generator seeded from the OS.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t bits = gen();
    for (int i = 0; i < 16; ++i, bits >>= 4)
      id[half * 16 + i] = kHex[bits & 15];
  }
  return id;
}

std::string ProposeSessionId() {
  // 128 bits from the kernel's CSPRNG, as 32 hex digits: ids stay
  // unguessable when the client picks them.
  std::random_device urandom("/dev/urandom");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 4; ++i) {
    uint32_t w = urandom();
    for (int j = 0; j < 8; ++j, w >>= 4) id.push_back(kHex[w & 0xf]);
  }
  return id;
}

std::unique_ptr<grpc::ClientContext> Client::Context(
    const std::string& session_id) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    absl::ToChronoNanoseconds(options_.deadline));
  if (!options_.token.empty()) {
    ctx->AddMetadata("authorization", "Bearer " + options_.token);
  }
  if (!session_id.empty()) ctx->AddMetadata("x-tensord-session", session_id);
  return ctx;
}

absl::StatusOr<Session> Client::NewSession(const v1::SessionOptions& options) {
  v1::CreateSessionRequest req;
  *req.mutable_options() = options;
  v1::Session resp;
  // Behind a balancer that hashes on x-tensord-session, a session must be
  // created on the replica its id routes to; so we propose the id in that
  // header and the server adopts it (it picks another only if the id is
  // taken, and then later calls go where its reply's id routes). A replica
  // that is down answers UNAVAILABLE through the balancer: a fresh id most
  // likely routes to another, so we try a few.
  absl::Status st;
  for (int attempt = 0; attempt < 3; ++attempt) {
    st = FromGrpc(
        stub_->CreateSession(Context(ProposeSessionId()).get(), req, &resp));
    if (st.code() != absl::StatusCode::kUnavailable) break;
  }
  if (!st.ok()) return st;
  return Session(this, resp.id(), /*owned=*/true);
}

absl::StatusOr<Session> Client::Attach(const std::string& session_id) {
  v1::GetSessionRequest req;
  req.set_session_id(session_id);
  v1::Session resp;
  absl::Status st =
      FromGrpc(stub_->GetSession(Context(session_id).get(), req, &resp));
  if (!st.ok()) return st;
  return Session(this, session_id, /*owned=*/false);
}

absl::StatusOr<std::vector<v1::Session>> Client::ListSessions() {
  v1::ListSessionsResponse resp;
  absl::Status st = FromGrpc(
      stub_->ListSessions(Context().get(), v1::ListSessionsRequest(), &resp));
  if (!st.ok()) return st;
  return std::vector<v1::Session>(resp.sessions().begin(),
                                  resp.sessions().end());
}

absl::Status Client::CloseSession(const std::string& session_id) {
  v1::CloseSessionRequest req;
  req.set_session_id(session_id);
  v1::CloseSessionResponse resp;
  return FromGrpcNotRetried(
      stub_->CloseSession(Context(session_id).get(), req, &resp),
      "CloseSession");
}

absl::StatusOr<v1::ListOpsResponse> Client::ListOps() {
  v1::ListOpsResponse resp;
  absl::Status st =
      FromGrpc(stub_->ListOps(Context().get(), v1::ListOpsRequest(), &resp));
  if (!st.ok()) return st;
  return resp;
}

absl::Status Client::Health() {
  // grpc.health.v1.Health/Check with an empty request (service ""): the
  // response's field 1 is the status, 1 = SERVING.
  grpc::GenericStub generic(channel_);
  grpc::ByteBuffer request;  // empty message
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  auto ctx = Context();
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      generic.PrepareUnaryCall(ctx.get(), "/grpc.health.v1.Health/Check",
                               request, &cq);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  if (!cq.Next(&tag, &ok) || !ok) {
    return absl::UnavailableError("health check did not complete");
  }
  if (!status.ok()) return FromGrpc(status);
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) {
    return absl::InternalError("unreadable health response");
  }
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // Field 1, varint: tag byte 0x08, then the value.
  if (bytes.size() >= 2 && bytes[0] == 0x08 && bytes[1] == 0x01) {
    return absl::OkStatus();
  }
  return absl::UnavailableError("server is not serving");
}

Session::Session(Client* client, std::string id, bool owned)
    : client_(client), id_(std::move(id)), owned_(owned) {}

Session::Session(Session&& other) noexcept
    : client_(other.client_), id_(std::move(other.id_)), owned_(other.owned_) {
  other.owned_ = false;
  other.id_.clear();
}

Session& Session::operator=(Session&& other) noexcept {
  if (this != &other) {
    (void)Close();
    client_ = other.client_;
    id_ = std::move(other.id_);
    owned_ = other.owned_;
    other.owned_ = false;
    other.id_.clear();
  }
  return *this;
}

Session::~Session() { (void)Close(); }

absl::Status Session::Close() {
  if (!owned_ || id_.empty()) return absl::OkStatus();
  owned_ = false;
  return client_->CloseSession(id_);
}

absl::StatusOr<v1::ExecuteResponse> Session::Execute(
    v1::ExecuteRequest request) {
  request.set_session_id(id_);
  // gRPC's retry policy may send it again (RetryServiceConfig): the
  // session applies a request id once.
  if (request.request_id().empty()) request.set_request_id(NewRequestId());
  v1::ExecuteResponse resp;
  absl::Status st = FromGrpc(
      client_->stub()->Execute(client_->Context(id_).get(), request, &resp));
  if (!st.ok()) return st;
  st = FetchDeferred(request, &resp);
  if (!st.ok()) return st;
  return resp;
}

absl::Status Session::FetchDeferred(const v1::ExecuteRequest& request,
                                    v1::ExecuteResponse* resp) {
  // Values too large for the response were kept under a handle: download
  // them into their slots, and release the handles the request did not ask
  // to keep. The caller sees an ordinary response.
  v1::ReleaseTensorRequest release;
  release.set_session_id(id_);
  absl::Status status;
  for (int i = 0; i < resp->results_size() && i < request.nodes_size(); ++i) {
    v1::NodeResult* r = resp->mutable_results(i);
    for (int k = 0; k < r->outputs_size(); ++k) {
      v1::TensorInfo* info = r->mutable_outputs(k);
      if (!info->value_deferred()) continue;
      v1::TensorRef ref;
      ref.set_handle(info->handle());
      if (status.ok() && k < r->values_size()) {
        absl::StatusOr<v1::TensorData> value = Download(*this, ref);
        if (value.ok()) {
          *r->mutable_values(k) = *std::move(value);
        } else {
          status = value.status();
        }
      }
      info->set_value_deferred(false);
      if (!request.nodes(i).keep()) {
        *release.add_tensors() = ref;
        info->clear_handle();
      }
    }
  }
  if (release.tensors_size() > 0) {
    v1::ReleaseTensorResponse ignored;
    absl::Status released =
        FromGrpcNotRetried(client_->stub()->ReleaseTensor(
                               client_->Context(id_).get(), release, &ignored),
                           "ReleaseTensor");
    if (status.ok()) status = released;
  }
  return status;
}

absl::StatusOr<Tensor> Session::FromData(const v1::TensorData& data,
                                         bool requires_grad,
                                         const std::string& name) {
  v1::CreateTensorRequest req;
  req.set_session_id(id_);
  *req.mutable_data() = data;
  req.set_requires_grad(requires_grad);
  req.set_name(name);
  v1::TensorInfo info;
  absl::Status st = FromGrpcNotRetried(
      client_->stub()->CreateTensor(client_->Context(id_).get(), req, &info),
      "CreateTensor");
  if (!st.ok()) return st;
  return Tensor(this, info.handle(), info);
}

absl::StatusOr<std::vector<Tensor>> Session::Op(
    const std::string& op, const std::vector<v1::ValueRef>& inputs,
    const std::map<std::string, v1::AttrValue>& attrs) {
  v1::ExecuteRequest req;
  v1::OpNode* node = req.add_nodes();
  node->set_op(op);
  for (const auto& in : inputs) *node->add_inputs() = in;
  for (const auto& [k, v] : attrs) (*node->mutable_attrs())[k] = v;
  node->set_keep(true);
  absl::StatusOr<v1::ExecuteResponse> resp = Execute(std::move(req));
  if (!resp.ok()) return resp.status();
  std::vector<Tensor> out;
  for (const v1::TensorInfo& info : resp->results(0).outputs()) {
    out.emplace_back(this, info.handle(), info);
  }
  return out;
}

absl::StatusOr<Tensor> Session::Op1(
    const std::string& op, const std::vector<v1::ValueRef>& inputs,
    const std::map<std::string, v1::AttrValue>& attrs) {
  absl::StatusOr<std::vector<Tensor>> outs = Op(op, inputs, attrs);
  if (!outs.ok()) return outs.status();
  if (outs->empty() || !(*outs)[0].info().defined()) {
    return absl::NotFoundError(absl::StrCat(op, " returned None"));
  }
  return (*outs)[0];
}

absl::StatusOr<Tensor> Session::Named(const std::string& name) {
  v1::FetchTensorRequest req;
  req.set_session_id(id_);
  req.mutable_tensor()->set_name(name);
  v1::FetchTensorResponse resp;
  absl::Status st = FromGrpc(
      client_->stub()->FetchTensor(client_->Context(id_).get(), req, &resp));
  if (!st.ok()) return st;
  return Tensor::ByName(this, name, resp.info());
}

v1::ValueRef Tensor::Ref() const {
  v1::ValueRef r;
  if (handle_.empty()) {
    r.set_name(name_);
  } else {
    r.set_handle(handle_);
  }
  return r;
}

v1::TensorRef Tensor::TensorRefOf() const {
  v1::TensorRef r;
  if (handle_.empty()) {
    r.set_name(name_);
  } else {
    r.set_handle(handle_);
  }
  return r;
}

absl::StatusOr<v1::TensorData> Tensor::Data() const {
  v1::FetchTensorRequest req;
  req.set_session_id(session_->id());
  *req.mutable_tensor() = TensorRefOf();
  v1::FetchTensorResponse resp;
  absl::Status st = FromGrpc(session_->client()->stub()->FetchTensor(
      session_->client()->Context(session_->id()).get(), req, &resp));
  if (!st.ok()) return st;
  return resp.data();
}

absl::StatusOr<Tensor> Tensor::Sum(const std::vector<int64_t>& dims,
                                   bool keepdim) const {
  std::map<std::string, v1::AttrValue> attrs = {{"keepdim", BoolAttr(keepdim)}};
  if (!dims.empty()) attrs["dim"] = IntsAttr(dims);
  return session_->Op1("sum", {Ref()}, attrs);
}

absl::StatusOr<Tensor> Tensor::Mean(const std::vector<int64_t>& dims,
                                    bool keepdim) const {
  std::map<std::string, v1::AttrValue> attrs = {{"keepdim", BoolAttr(keepdim)}};
  if (!dims.empty()) attrs["dim"] = IntsAttr(dims);
  return session_->Op1("mean", {Ref()}, attrs);
}

absl::StatusOr<Tensor> Tensor::Cumsum(int64_t dim) const {
  return session_->Op1("cumsum", {Ref()}, {{"dim", IntAttr(dim)}});
}

absl::StatusOr<Tensor> Tensor::Reshape(
    const std::vector<int64_t>& shape) const {
  return session_->Op1("reshape", {Ref()}, {{"shape", IntsAttr(shape)}});
}

absl::StatusOr<Tensor> Tensor::Detach() const {
  return session_->Op1("detach", {Ref()});
}

absl::Status Tensor::Backward(bool retain_graph) const {
  return Backward(Tensor(), retain_graph);
}

absl::Status Tensor::Backward(const Tensor& gradient, bool retain_graph,
                              bool create_graph) const {
  std::vector<v1::ValueRef> inputs = {Ref()};
  if (gradient.defined()) inputs.push_back(gradient.Ref());
  return session_
      ->Op("backward", inputs,
           {{"retain_graph", BoolAttr(retain_graph)},
            {"create_graph", BoolAttr(create_graph)}})
      .status();
}

absl::StatusOr<Tensor> Tensor::Grad() const {
  return session_->Op1("grad", {Ref()});
}

absl::Status Tensor::ZeroGrad() const {
  v1::ZeroGradRequest req;
  req.set_session_id(session_->id());
  *req.add_tensors() = TensorRefOf();
  v1::ZeroGradResponse resp;
  return FromGrpc(session_->client()->stub()->ZeroGrad(
      session_->client()->Context(session_->id()).get(), req, &resp));
}

absl::Status Tensor::SetRequiresGrad(bool value) {
  v1::SetRequiresGradRequest req;
  req.set_session_id(session_->id());
  *req.mutable_tensor() = TensorRefOf();
  req.set_requires_grad(value);
  v1::TensorInfo info;
  absl::Status st = FromGrpc(session_->client()->stub()->SetRequiresGrad(
      session_->client()->Context(session_->id()).get(), req, &info));
  if (st.ok()) info_ = info;
  return st;
}

namespace {

TensorOr Binary(const char* op, const TensorOr& a, const TensorOr& b) {
  if (!a.ok()) return a.status();
  if (!b.ok()) return b.status();
  return a->session()->Op1(op, {a->Ref(), b->Ref()});
}

TensorOr WithScalar(const char* op, const TensorOr& a, double s, bool left) {
  if (!a.ok()) return a.status();
  v1::ValueRef scalar;
  scalar.mutable_scalar()->set_f(s);
  return left ? a->session()->Op1(op, {scalar, a->Ref()})
              : a->session()->Op1(op, {a->Ref(), scalar});
}

}  // namespace

TensorOr operator+(const TensorOr& a, const TensorOr& b) {
  return Binary("add", a, b);
}
TensorOr operator-(const TensorOr& a, const TensorOr& b) {
  return Binary("sub", a, b);
}
TensorOr operator*(const TensorOr& a, const TensorOr& b) {
  return Binary("mul", a, b);
}
TensorOr operator/(const TensorOr& a, const TensorOr& b) {
  return Binary("div", a, b);
}
TensorOr operator*(double s, const TensorOr& a) {
  return WithScalar("mul", a, s, true);
}
TensorOr operator*(const TensorOr& a, double s) {
  return WithScalar("mul", a, s, false);
}
TensorOr operator+(const TensorOr& a, double s) {
  return WithScalar("add", a, s, false);
}
TensorOr MatMul(const TensorOr& a, const TensorOr& b) {
  return Binary("matmul", a, b);
}
TensorOr Dot(const TensorOr& a, const TensorOr& b) {
  return Binary("dot", a, b);
}
TensorOr Eq(const TensorOr& a, const TensorOr& b) { return Binary("eq", a, b); }
TensorOr Lt(const TensorOr& a, const TensorOr& b) { return Binary("lt", a, b); }
TensorOr Gt(const TensorOr& a, const TensorOr& b) { return Binary("gt", a, b); }
TensorOr Ne(const TensorOr& a, const TensorOr& b) { return Binary("ne", a, b); }
TensorOr Le(const TensorOr& a, const TensorOr& b) { return Binary("le", a, b); }
TensorOr Ge(const TensorOr& a, const TensorOr& b) { return Binary("ge", a, b); }
TensorOr operator<(const TensorOr& a, const TensorOr& b) { return Lt(a, b); }
TensorOr operator>(const TensorOr& a, const TensorOr& b) { return Gt(a, b); }
TensorOr operator<=(const TensorOr& a, const TensorOr& b) { return Le(a, b); }
TensorOr operator>=(const TensorOr& a, const TensorOr& b) { return Ge(a, b); }

}  // namespace tensord::client
