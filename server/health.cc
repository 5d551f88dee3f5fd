#include "server/health.h"

namespace tensord::server {

using grpc::health::v1::HealthCheckResponse;

HealthService::HealthService() {
  absl::MutexLock lock(&mu_);
  status_[""] = HealthCheckResponse::SERVING;
}

void HealthService::Set(const std::string& service, bool serving) {
  absl::MutexLock lock(&mu_);
  status_[service] =
      serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  ++generation_;
}

void HealthService::Shutdown() {
  absl::MutexLock lock(&mu_);
  for (auto& [name, st] : status_) st = HealthCheckResponse::NOT_SERVING;
  shutdown_ = true;
  ++generation_;
}

grpc::Status HealthService::Check(
    grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* req,
    HealthCheckResponse* resp) {
  absl::MutexLock lock(&mu_);
  auto it = status_.find(req->service());
  if (it == status_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown service");
  }
  resp->set_status(it->second);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(
    grpc::ServerContext* ctx, const grpc::health::v1::HealthCheckRequest* req,
    grpc::ServerWriter<HealthCheckResponse>* writer) {
  int64_t seen = -1;
  while (!ctx->IsCancelled()) {
    HealthCheckResponse resp;
    {
      absl::MutexLock lock(&mu_);
      // Wake on a change, or every 100 ms to notice cancellation.
      auto changed = [this, &seen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return generation_ != seen || shutdown_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&changed), absl::Milliseconds(100));
      if (generation_ == seen && !shutdown_) continue;
      seen = generation_;
      auto it = status_.find(req->service());
      resp.set_status(it == status_.end() ? HealthCheckResponse::SERVICE_UNKNOWN
                                          : it->second);
      if (shutdown_) {
        writer->Write(resp);
        return grpc::Status::OK;
      }
    }
    if (!writer->Write(resp)) break;
  }
  return grpc::Status::OK;
}

}  // namespace tensord::server
