#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "core/status_macros.h"

namespace tensord::server {
namespace {

constexpr char kServiceName[] = "tensord.v1.TensorService";
// Health of the snapshot writer: NOT_SERVING while snapshots fail.
constexpr char kSnapshotHealth[] = "tensord.snapshots";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

void Log(const std::string& message) {
  std::fprintf(stderr, "tensord: %s\n", message.c_str());
  std::fflush(stderr);
}

absl::StatusOr<std::set<std::string>> ReadTokensFile(const std::string& path) {
  TENSORD_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::set<std::string> tokens;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view t = absl::StripAsciiWhitespace(line);
    if (t.empty() || t[0] == '#') continue;
    tokens.insert(std::string(t));
  }
  if (tokens.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " holds no tokens"));
  }
  return tokens;
}

TensordServer::TensordServer(const ServerConfig& config)
    : config_(config),
      sessions_(config.sessions),
      service_(&sessions_, config.tokens) {}

absl::StatusOr<std::unique_ptr<TensordServer>> TensordServer::Start(
    const ServerConfig& config) {
  std::unique_ptr<TensordServer> s(new TensordServer(config));
  TENSORD_ASSIGN_OR_RETURN(int restored, s->sessions_.LoadSnapshots());
  if (restored > 0) Log(absl::StrCat("restored ", restored, " sessions"));

  std::shared_ptr<grpc::ServerCredentials> creds;
  if (!config.tls_cert_file.empty() || !config.tls_key_file.empty()) {
    TENSORD_ASSIGN_OR_RETURN(std::string cert, ReadFile(config.tls_cert_file));
    TENSORD_ASSIGN_OR_RETURN(std::string key, ReadFile(config.tls_key_file));
    grpc::SslServerCredentialsOptions opts;
    opts.pem_key_cert_pairs.push_back({key, cert});
    if (!config.tls_client_ca_file.empty()) {
      TENSORD_ASSIGN_OR_RETURN(opts.pem_root_certs,
                               ReadFile(config.tls_client_ca_file));
      opts.client_certificate_request =
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    creds = grpc::SslServerCredentials(opts);
  } else {
    creds = grpc::InsecureServerCredentials();
  }

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, creds, &s->port_);
  builder.RegisterService(&s->service_);
  builder.RegisterService(&s->health_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  if (config.threads > 0) {
    grpc::ResourceQuota quota("tensord");
    quota.SetMaxThreads(config.threads);
    builder.SetResourceQuota(quota);
  }
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen));
  }
  s->health_.Set(kServiceName, true);
  s->health_.Set(kSnapshotHealth, true);
  s->housekeeping_ = std::thread([p = s.get()] { p->Housekeeping(); });
  Log(absl::StrCat("listening on ", config.listen, " (port ", s->port_, ")",
                   config.tokens.empty() ? "" : ", tokens required",
                   creds == nullptr ? "" : ""));
  return s;
}

void TensordServer::Housekeeping() {
  absl::Time next_snapshot = absl::Now() + config_.snapshot_interval;
  while (!stop_.WaitForNotificationWithTimeout(config_.expiry_interval)) {
    const int expired = sessions_.ExpireIdle(NowMs());
    if (expired > 0) Log(absl::StrCat("expired ", expired, " idle sessions"));
    if (!config_.sessions.snapshot_dir.empty() &&
        absl::Now() >= next_snapshot) {
      (void)Snapshot();
      next_snapshot = absl::Now() + config_.snapshot_interval;
    }
  }
}

absl::Status TensordServer::Snapshot() {
  absl::Status st = sessions_.SaveSnapshots();
  health_.Set(kSnapshotHealth, st.ok());
  if (!st.ok()) Log(absl::StrCat("snapshot failed: ", st.message()));
  return st;
}

void TensordServer::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  Log("shutting down: draining in-flight calls");
  stop_.Notify();
  if (housekeeping_.joinable()) housekeeping_.join();
  health_.Shutdown();  // ends Watch streams so the drain can finish
  server_->Shutdown(std::chrono::system_clock::now() +
                    absl::ToChronoNanoseconds(grace));
  if (!config_.sessions.snapshot_dir.empty()) {
    absl::Status st = Snapshot();
    if (st.ok()) Log("snapshots written");
  }
  stopped_.Notify();
}

void TensordServer::Wait() { stopped_.WaitForNotification(); }

TensordServer::~TensordServer() { Shutdown(absl::Seconds(1)); }

}  // namespace tensord::server
