// http.h — tensord's optional HTTP listener (--http_listen): Prometheus
// metrics, liveness and readiness, and the TensorService's unary methods as
// HTTP/JSON after the Connect protocol's unary convention. Built on
// cpp-httplib (Debian's libcpp-httplib-dev).
//
//   GET  /metrics   Prometheus text format 0.0.4
//   GET  /healthz   200 while the process serves
//   GET  /readyz    200 when ready, 503 while draining or shutting down
//   POST /tensord.v1.TensorService/METHOD
//        Content-Type: application/json (proto3 JSON) or application/proto;
//        Authorization: Bearer TOKEN, x-tensord-session, x-request-id as in
//        gRPC. Errors: {"code": "not_found", "message": "...",
//        "details": [...]} with Connect's HTTP status for the code.
//
//   HttpConfig config{.listen = "127.0.0.1:0"};
//   TENSORD_ASSIGN_OR_RETURN(auto http, HttpListener::Start(config, hooks));
//   ... http->port() ...
//   http->Stop();
//
// Calls go through TensorServiceImpl::Serve*, the code gRPC calls run, so
// auth, limits, atomicity, metrics and the access log are the same.
#ifndef TENSORD_SERVER_HTTP_H_
#define TENSORD_SERVER_HTTP_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/service.h"

namespace tensord::server {

struct HttpConfig {
  std::string listen;                       // HOST:PORT; port 0 picks one
  int64_t max_body_bytes = 64 << 20;        // larger bodies: resource_exhausted
  std::string tls_cert_file, tls_key_file;  // both set: HTTPS
  std::string tls_client_ca_file;           // set: clients need a cert
};

// What the listener serves besides the service's methods.
struct HttpHooks {
  TensorServiceImpl* service = nullptr;
  std::function<std::string()> metrics;  // the /metrics text
  std::function<bool()> ready;           // /readyz
};

// The Connect protocol's name and HTTP status of a gRPC status code.
absl::string_view ConnectCodeName(int grpc_code);
int ConnectHttpStatus(int grpc_code);

class HttpListener {
 public:
  // Binds and serves on its own threads. INVALID_ARGUMENT for an address
  // that is not HOST:PORT or unusable TLS files, UNAVAILABLE when the
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpListener>> Start(
      const HttpConfig& config, HttpHooks hooks);
  ~HttpListener();

  int port() const { return port_; }
  // Stops accepting; returns when calls in flight have finished.
  // Idempotent.
  void Stop();

  struct Impl;

 private:
  HttpListener() = default;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_HTTP_H_
