// health.h — the standard grpc.health.v1.Health service, synchronous like
// the TensorService. (gRPC's built-in health service uses the callback API,
// which adds two dispatcher threads and a hand-off to every call of every
// service on the server.) Needs no token.
//
//   HealthService health;
//   builder.RegisterService(&health);
//   health.Set("tensord.snapshots", false);
#ifndef TENSORD_SERVER_HEALTH_H_
#define TENSORD_SERVER_HEALTH_H_

#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace tensord::server {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  // The overall status (service "") starts as SERVING.
  HealthService();

  // Sets a service's status. Thread-safe.
  void Set(const std::string& service, bool serving);
  // Ends Watch streams (at shutdown).
  void Shutdown();

  grpc::Status Check(grpc::ServerContext* ctx,
                     const grpc::health::v1::HealthCheckRequest* req,
                     grpc::health::v1::HealthCheckResponse* resp) override;
  grpc::Status Watch(grpc::ServerContext* ctx,
                     const grpc::health::v1::HealthCheckRequest* req,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>*
                         writer) override;

 private:
  using Status = grpc::health::v1::HealthCheckResponse::ServingStatus;
  absl::Mutex mu_;
  std::map<std::string, Status> status_ ABSL_GUARDED_BY(mu_);
  int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool shutdown_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_HEALTH_H_
