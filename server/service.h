// service.h — the TensorService, for gRPC and (through Serve*) the HTTP/JSON
// listener. Each method translates: it checks the caller's token, finds the
// session, calls the Session (or the manager), and converts the status
// once. No tensor logic lives here. One wrapper (Invoke) gives every call
// its request id, metrics and access-log line.
#ifndef TENSORD_SERVER_SERVICE_H_
#define TENSORD_SERVER_SERVICE_H_

#include <set>
#include <string>

#include "server/call.h"
#include "server/metrics.h"
#include "server/session_manager.h"
#include "tensord/v1/tensord.grpc.pb.h"

namespace tensord::server {

// How the service observes calls (all optional).
struct ServiceOptions {
  std::set<std::string> tokens;  // accepted bearer tokens; empty: no auth
  Metrics* metrics = nullptr;    // counts every call when set
  bool access_log = false;       // one log line per call
};

class TensorServiceImpl final : public v1::TensorService::Service {
 public:
  TensorServiceImpl(SessionManager* sessions, ServiceOptions options);

  // The gRPC methods: each wraps its ServerContext in a Call and runs
  // Serve* below.
#define TENSORD_DECLARE_GRPC_UNARY_(name, Req, Resp)              \
  grpc::Status name(grpc::ServerContext* ctx, const v1::Req* req, \
                    v1::Resp* resp) override;
  TENSORD_UNARY_METHODS(TENSORD_DECLARE_GRPC_UNARY_)
#undef TENSORD_DECLARE_GRPC_UNARY_
  grpc::Status UploadTensor(grpc::ServerContext* ctx,
                            grpc::ServerReader<v1::UploadTensorRequest>* reader,
                            v1::TensorInfo* resp) override;
  grpc::Status DownloadTensor(
      grpc::ServerContext* ctx, const v1::FetchTensorRequest* req,
      grpc::ServerWriter<v1::TensorChunk>* writer) override;

  // The unary methods for any transport (the HTTP/JSON listener): the
  // caller's token, the session header and the request id come from
  // `call`; the request id and replica go back through it. Metrics and
  // the access log record the call. Thread-safe.
#define TENSORD_DECLARE_SERVE_(name, Req, Resp) \
  grpc::Status Serve##name(Call& call, const v1::Req& req, v1::Resp* resp);
  TENSORD_UNARY_METHODS(TENSORD_DECLARE_SERVE_)
#undef TENSORD_DECLARE_SERVE_

 private:
  // The handlers proper, one per method.
#define TENSORD_DECLARE_DO_(name, Req, Resp) \
  grpc::Status Do##name(Call& call, const v1::Req& req, v1::Resp* resp);
  TENSORD_UNARY_METHODS(TENSORD_DECLARE_DO_)
#undef TENSORD_DECLARE_DO_
  grpc::Status DoUploadTensor(
      Call& call, grpc::ServerReader<v1::UploadTensorRequest>* reader,
      v1::TensorInfo* resp, CallRecord* record);
  grpc::Status DoDownloadTensor(Call& call, const v1::FetchTensorRequest& req,
                                grpc::ServerWriter<v1::TensorChunk>* writer,
                                CallRecord* record);

  // Runs one unary handler with what every call gets: the request id, the
  // replica header, metrics and the access log.
  template <typename Req, typename Resp>
  grpc::Status Invoke(Call& call, Method method, const Req& req, Resp* resp,
                      grpc::Status (TensorServiceImpl::*handler)(Call&,
                                                                 const Req&,
                                                                 Resp*));
  // The first and last steps of Invoke (streaming calls use them too).
  void BeginCall(Call& call, CallRecord* record, std::string* request_id);
  grpc::Status EndCall(Call& call, grpc::Status status, CallRecord* record);
  // Whether a call's record goes anywhere (metrics or the access log).
  bool Observed() const {
    return options_.metrics != nullptr || options_.access_log;
  }

  // The caller's owner fingerprint, or UNAUTHENTICATED.
  absl::StatusOr<std::string> Caller(Call& call) const;
  absl::StatusOr<SessionRef> Find(Call& call, const std::string& id);

  SessionManager* sessions_;
  const ServiceOptions options_;
};

// The schema of every op of the core's table, as ListOps returns it.
void FillOpSchemas(v1::ListOpsResponse* out);

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SERVICE_H_
