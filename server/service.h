// service.h — the gRPC TensorService. Each method translates: it checks the
// caller's token, finds the session, calls the Session (or the manager), and
// converts the status once. No tensor logic lives here.
#ifndef TENSORD_SERVER_SERVICE_H_
#define TENSORD_SERVER_SERVICE_H_

#include <set>
#include <string>

#include "server/session_manager.h"
#include "tensord/v1/tensord.grpc.pb.h"

namespace tensord::server {

class TensorServiceImpl final : public v1::TensorService::Service {
 public:
  // `tokens`: accepted bearer tokens; empty means no authentication.
  TensorServiceImpl(SessionManager* sessions, std::set<std::string> tokens);

  grpc::Status CreateSession(grpc::ServerContext* ctx,
                             const v1::CreateSessionRequest* req,
                             v1::Session* resp) override;
  grpc::Status GetSession(grpc::ServerContext* ctx,
                          const v1::GetSessionRequest* req,
                          v1::Session* resp) override;
  grpc::Status ListSessions(grpc::ServerContext* ctx,
                            const v1::ListSessionsRequest* req,
                            v1::ListSessionsResponse* resp) override;
  grpc::Status CloseSession(grpc::ServerContext* ctx,
                            const v1::CloseSessionRequest* req,
                            v1::CloseSessionResponse* resp) override;
  grpc::Status CreateTensor(grpc::ServerContext* ctx,
                            const v1::CreateTensorRequest* req,
                            v1::TensorInfo* resp) override;
  grpc::Status UploadTensor(grpc::ServerContext* ctx,
                            grpc::ServerReader<v1::UploadTensorRequest>* reader,
                            v1::TensorInfo* resp) override;
  grpc::Status FetchTensor(grpc::ServerContext* ctx,
                           const v1::FetchTensorRequest* req,
                           v1::FetchTensorResponse* resp) override;
  grpc::Status DownloadTensor(
      grpc::ServerContext* ctx, const v1::FetchTensorRequest* req,
      grpc::ServerWriter<v1::TensorChunk>* writer) override;
  grpc::Status ReleaseTensor(grpc::ServerContext* ctx,
                             const v1::ReleaseTensorRequest* req,
                             v1::ReleaseTensorResponse* resp) override;
  grpc::Status SetRequiresGrad(grpc::ServerContext* ctx,
                               const v1::SetRequiresGradRequest* req,
                               v1::TensorInfo* resp) override;
  grpc::Status Detach(grpc::ServerContext* ctx, const v1::DetachRequest* req,
                      v1::TensorInfo* resp) override;
  grpc::Status ZeroGrad(grpc::ServerContext* ctx,
                        const v1::ZeroGradRequest* req,
                        v1::ZeroGradResponse* resp) override;
  grpc::Status Backward(grpc::ServerContext* ctx,
                        const v1::BackwardRequest* req,
                        v1::BackwardResponse* resp) override;
  grpc::Status Execute(grpc::ServerContext* ctx, const v1::ExecuteRequest* req,
                       v1::ExecuteResponse* resp) override;
  grpc::Status ListOps(grpc::ServerContext* ctx, const v1::ListOpsRequest* req,
                       v1::ListOpsResponse* resp) override;
  grpc::Status DescribeGraph(grpc::ServerContext* ctx,
                             const v1::DescribeGraphRequest* req,
                             v1::DescribeGraphResponse* resp) override;

 private:
  // The caller's owner fingerprint, or UNAUTHENTICATED.
  absl::StatusOr<std::string> Caller(grpc::ServerContext* ctx) const;
  absl::StatusOr<std::shared_ptr<Session>> Find(grpc::ServerContext* ctx,
                                                const std::string& id);

  SessionManager* sessions_;
  std::set<std::string> tokens_;
};

// The schema of every op of the core's table, as ListOps returns it.
void FillOpSchemas(v1::ListOpsResponse* out);

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SERVICE_H_
