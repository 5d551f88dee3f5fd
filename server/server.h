// server.h — a running tensord: the gRPC server with the TensorService, the
// standard health service and reflection, the optional HTTP listener
// (metrics, health, HTTP/JSON), idle-session expiry, periodic snapshots,
// and an orderly shutdown (drain, then stop).
//
//   ServerConfig config;
//   config.listen = "127.0.0.1:0";  // any free port
//   TENSORD_ASSIGN_OR_RETURN(auto server, TensordServer::Start(config));
//   ... connect to 127.0.0.1:server->port() ...
//   server->Shutdown(absl::Seconds(5));
#ifndef TENSORD_SERVER_SERVER_H_
#define TENSORD_SERVER_SERVER_H_

#include <grpcpp/server.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "server/health.h"
#include "server/http.h"
#include "server/log.h"
#include "server/service.h"
#include "server/session_manager.h"

namespace tensord::server {

struct ServerConfig {
  std::string listen = "127.0.0.1:50051";
  int threads = 0;                       // 0: gRPC's default
  int64_t max_message_bytes = 64 << 20;  // larger tensors stream
  std::string tls_cert_file, tls_key_file;
  std::string tls_client_ca_file;  // set: mutual TLS
  std::set<std::string> tokens;    // empty: no authentication
  ServerOptions sessions;
  absl::Duration snapshot_interval = absl::Seconds(60);
  absl::Duration expiry_interval = absl::Seconds(1);
  // HOST:PORT of the HTTP listener (metrics, health, HTTP/JSON); empty: off.
  std::string http_listen;
  bool access_log = false;  // one log line per call
  // redis://HOST:PORT of the shared session store (elastic scale-out);
  // empty: sessions live in this process (and --snapshot_dir).
  std::string session_store;
  // Per-call metrics (calls, durations, Execute nodes on /metrics); off,
  // a call does no metric work at all.
  bool metrics = true;
};

// Reads a tokens file: one token per line; blank lines and lines starting
// with '#' are ignored.
absl::StatusOr<std::set<std::string>> ReadTokensFile(const std::string& path);

class TensordServer {
 public:
  // Restores snapshots, binds, and starts serving. INVALID_ARGUMENT for a
  // bad configuration, UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<TensordServer>> Start(
      const ServerConfig& config);
  ~TensordServer();

  int port() const { return port_; }
  // The HTTP listener's port; 0 when it is off.
  int http_port() const { return http_ == nullptr ? 0 : http_->port(); }
  SessionManager* sessions() { return &sessions_; }
  Metrics* metrics() { return &metrics_; }
  // The Prometheus text of /metrics.
  std::string MetricsText();
  // False from the start of a drain on: /readyz and the health service
  // report NOT_SERVING.
  bool ready() const { return ready_.load(); }

  // The first step of a graceful stop: readiness turns NOT_SERVING (so
  // balancers stop sending new work), new sessions are refused with
  // UNAVAILABLE, and calls on existing sessions go on for `delay`. Then
  // call Shutdown.
  void Drain(absl::Duration delay);

  // Stops accepting calls, lets in-flight calls finish within `grace`, and
  // writes snapshots (if configured). Idempotent.
  void Shutdown(absl::Duration grace);
  // Blocks until Shutdown has run.
  void Wait();

  // Writes snapshots now; logs and reports errors in the health status.
  absl::Status Snapshot();

 private:
  TensordServer(const ServerConfig& config,
                std::unique_ptr<SessionStore> store);
  void Housekeeping();
  void Handoffs();

  ServerConfig config_;
  std::unique_ptr<SessionStore> store_;
  Metrics metrics_;
  SessionManager sessions_;
  TensorServiceImpl service_;
  HealthService health_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpListener> http_;
  std::atomic<bool> ready_{true};
  int port_ = 0;
  absl::Notification stop_;
  absl::Notification stopped_;
  std::thread housekeeping_;
  std::thread handoffs_;  // with a store: serves other replicas' requests
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SERVER_H_
