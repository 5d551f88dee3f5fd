#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "core/status_macros.h"

namespace tensord::server {
namespace {

constexpr const char* kServiceName = kTensorServiceName;
// Health of the snapshot writer: NOT_SERVING while snapshots fail.
constexpr char kSnapshotHealth[] = "tensord.snapshots";

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot read ", what, " ", path, ": ", std::strerror(errno)));
  }
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// OK when `cert` is a PEM certificate chain and `key` the PEM private key
// of its first certificate (gRPC would otherwise fail later, and less
// clearly).
absl::Status CheckKeyPair(const std::string& cert, const std::string& key) {
  auto fail = [](absl::string_view what) {
    return absl::InvalidArgumentError(what);
  };
  BIO* cert_bio = BIO_new_mem_buf(cert.data(), static_cast<int>(cert.size()));
  X509* x509 = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  if (x509 == nullptr) {
    return fail("--tls_cert does not hold a PEM certificate");
  }
  BIO* key_bio = BIO_new_mem_buf(key.data(), static_cast<int>(key.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  absl::Status st;
  if (pkey == nullptr) {
    st = fail("--tls_key does not hold a PEM private key");
  } else if (X509_check_private_key(x509, pkey) != 1) {
    st = fail("--tls_key is not the key of --tls_cert");
  }
  EVP_PKEY_free(pkey);
  X509_free(x509);
  ERR_clear_error();
  return st;
}

// OK for HOST:PORT (HOST a name, an IPv4 address or [IPv6]; PORT 0 to
// 65535) or unix:PATH. gRPC takes some malformed addresses without a word.
absl::Status CheckListenAddress(const std::string& listen) {
  if (absl::StartsWith(listen, "unix:") && listen.size() > 5) {
    return absl::OkStatus();
  }
  const size_t colon = listen.rfind(':');
  const std::string host =
      colon == std::string::npos ? "" : listen.substr(0, colon);
  const std::string port =
      colon == std::string::npos ? "" : listen.substr(colon + 1);
  int value = -1;
  const bool port_ok =
      !port.empty() && port.size() <= 5 &&
      port.find_first_not_of("0123456789") == std::string::npos &&
      (value = std::stoi(port)) <= 65535;
  if (host.empty() || !port_ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen=", listen, " is not HOST:PORT (PORT 0 to 65535)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::set<std::string>> ReadTokensFile(const std::string& path) {
  TENSORD_ASSIGN_OR_RETURN(std::string text, ReadFile(path, "--tokens_file"));
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

namespace {
// The sessions' limits include the message size (for deferring values).
ServerOptions SessionOptionsOf(const ServerConfig& config,
                               SessionStore* store) {
  ServerOptions o = config.sessions;
  o.limits.max_message_bytes = config.max_message_bytes;
  o.store = store;
  return o;
}

ServiceOptions ServiceOptionsOf(const ServerConfig& config, Metrics* metrics) {
  ServiceOptions o;
  o.tokens = config.tokens;
  o.metrics = config.metrics ? metrics : nullptr;
  o.access_log = config.access_log;
  return o;
}
}  // namespace

TensordServer::TensordServer(const ServerConfig& config,
                             std::unique_ptr<SessionStore> store)
    : config_(config),
      store_(std::move(store)),
      metrics_(config.metrics),
      sessions_(SessionOptionsOf(config, store_.get())),
      service_(&sessions_, ServiceOptionsOf(config, &metrics_)) {}

std::string TensordServer::MetricsText() {
  const SessionManager::Totals t = sessions_.GetTotals();
  MetricGauges g;
  g.sessions = t.sessions;
  g.session_bytes = t.bytes;
  g.graph_bytes = t.graph_bytes;
  g.store = store_ != nullptr;
  g.takeovers_from_replica = t.takeovers_from_replica;
  g.takeovers_from_snapshot = t.takeovers_from_snapshot;
  g.handoffs = t.handoffs;
  g.leases_lost = t.leases_lost;
  return metrics_.Render(g);
}

absl::StatusOr<std::unique_ptr<TensordServer>> TensordServer::Start(
    const ServerConfig& config) {
  // Everything that can be wrong with the configuration is found before
  // sessions are restored or a port is bound.
  TENSORD_RETURN_IF_ERROR(CheckListenAddress(config.listen));
  std::unique_ptr<SessionStore> store;
  if (!config.session_store.empty()) {
    if (!config.sessions.snapshot_dir.empty()) {
      return absl::InvalidArgumentError(
          "--session_store and --snapshot_dir exclude each other (with a "
          "store, snapshots go to the store)");
    }
    absl::StatusOr<std::unique_ptr<SessionStore>> connected =
        SessionStore::Connect(config.session_store);
    if (!connected.ok()) {
      return connected.status().code() == absl::StatusCode::kInvalidArgument
                 ? connected.status()
                 : absl::UnavailableError(absl::StrCat(
                       "--session_store: ", connected.status().message()));
    }
    store = *std::move(connected);
  }
  std::unique_ptr<TensordServer> s(new TensordServer(config, std::move(store)));
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (!config.tls_client_ca_file.empty() && config.tls_cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca needs --tls_cert and --tls_key");
  }
  if (!config.tls_cert_file.empty()) {
    TENSORD_ASSIGN_OR_RETURN(std::string cert,
                             ReadFile(config.tls_cert_file, "--tls_cert"));
    TENSORD_ASSIGN_OR_RETURN(std::string key,
                             ReadFile(config.tls_key_file, "--tls_key"));
    TENSORD_RETURN_IF_ERROR(CheckKeyPair(cert, key));
    grpc::SslServerCredentialsOptions opts;
    opts.pem_key_cert_pairs.push_back({key, cert});
    if (!config.tls_client_ca_file.empty()) {
      TENSORD_ASSIGN_OR_RETURN(
          opts.pem_root_certs,
          ReadFile(config.tls_client_ca_file, "--tls_client_ca"));
      if (opts.pem_root_certs.find("-----BEGIN CERTIFICATE-----") ==
          std::string::npos) {
        return absl::InvalidArgumentError(
            "--tls_client_ca does not hold a PEM certificate");
      }
      opts.client_certificate_request =
          GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    creds = grpc::SslServerCredentials(opts);
  } else {
    creds = grpc::InsecureServerCredentials();
  }
  TENSORD_RETURN_IF_ERROR(s->sessions_.CheckSnapshotDir());
  TENSORD_ASSIGN_OR_RETURN(int restored, s->sessions_.LoadSnapshots());
  if (restored > 0) Log(absl::StrCat("restored ", restored, " sessions"));

  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, creds, &s->port_);
  builder.RegisterService(&s->service_);
  builder.RegisterService(&s->health_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_message_bytes));
  builder.SetMaxSendMessageSize(static_cast<int>(config.max_message_bytes));
  // One process per port: with SO_REUSEPORT a second tensord on a serving
  // port would start and take half of its connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (config.threads > 0) {
    grpc::ResourceQuota quota("tensord");
    quota.SetMaxThreads(config.threads);
    builder.SetResourceQuota(quota);
  }
  s->server_ = builder.BuildAndStart();
  if (!s->server_ || s->port_ == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", config.listen,
        " (not an address of this machine, or the port is in use)"));
  }
  if (!config.http_listen.empty()) {
    HttpConfig http;
    http.listen = config.http_listen;
    http.max_body_bytes = config.max_message_bytes;
    http.tls_cert_file = config.tls_cert_file;
    http.tls_key_file = config.tls_key_file;
    http.tls_client_ca_file = config.tls_client_ca_file;
    HttpHooks hooks;
    hooks.service = &s->service_;
    TensordServer* self = s.get();
    hooks.metrics = [self] { return self->MetricsText(); };
    hooks.ready = [self] { return self->ready(); };
    auto listener = HttpListener::Start(http, std::move(hooks));
    if (!listener.ok()) {
      s->server_->Shutdown();
      s->server_.reset();
      return listener.status();
    }
    s->http_ = std::move(*listener);
    Log(absl::StrCat("http listening on ", config.http_listen, " (http port ",
                     s->http_->port(), ")"));
  }
  s->health_.Set(kServiceName, true);
  s->health_.Set(kSnapshotHealth, true);
  s->housekeeping_ = std::thread([p = s.get()] { p->Housekeeping(); });
  if (s->store_ != nullptr) {
    s->handoffs_ = std::thread([p = s.get()] { p->Handoffs(); });
    Log(absl::StrCat("sessions live in the store ",
                     s->store_->display_address(), " (lease token ",
                     s->sessions_.token(), ", failover after ",
                     config.sessions.lease_ms / 1000, " s)"));
  }
  Log(absl::StrCat("listening on ", config.listen, " (port ", s->port_, ")",
                   config.tokens.empty() ? "" : ", tokens required",
                   creds == nullptr ? "" : ""));
  return s;
}

void TensordServer::Handoffs() {
  while (!stop_.HasBeenNotified()) sessions_.ServeHandoffs(absl::Seconds(1));
}

void TensordServer::Housekeeping() {
  absl::Time next_snapshot = absl::Now() + config_.snapshot_interval;
  // Leases are renewed four times per lease: one lost renewal (a slow
  // store) does not cost a session.
  const absl::Duration renew_every =
      absl::Milliseconds(config_.sessions.lease_ms) / 4;
  const absl::Duration tick =
      store_ == nullptr ? config_.expiry_interval
                        : std::min(config_.expiry_interval, renew_every);
  absl::Time next_renew = absl::Now() + renew_every;
  absl::Time next_expiry = absl::Now() + config_.expiry_interval;
  while (!stop_.WaitForNotificationWithTimeout(tick)) {
    if (store_ != nullptr && absl::Now() >= next_renew) {
      next_renew = absl::Now() + renew_every;
      sessions_.RenewLeases();
    }
    if (absl::Now() < next_expiry) continue;
    next_expiry = absl::Now() + config_.expiry_interval;
    const int expired = sessions_.ExpireIdle(NowMs());
    metrics_.SessionsExpired(expired);
    if (expired > 0) Log(absl::StrCat("expired ", expired, " idle sessions"));
    if ((!config_.sessions.snapshot_dir.empty() || store_ != nullptr) &&
        absl::Now() >= next_snapshot) {
      (void)Snapshot();
      next_snapshot = absl::Now() + config_.snapshot_interval;
    }
  }
}

absl::Status TensordServer::Snapshot() {
  absl::Status st = sessions_.SaveSnapshots();
  metrics_.SnapshotDone(st.ok(), absl::Now());
  health_.Set(kSnapshotHealth, st.ok());
  if (!st.ok()) Log(absl::StrCat("snapshot failed: ", st.message()));
  return st;
}

void TensordServer::Drain(absl::Duration delay) {
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
  }
  ready_.store(false);
  health_.Set("", false);
  health_.Set(kServiceName, false);
  sessions_.SetDraining(true);
  Log(absl::StrCat("draining: not ready, no new sessions, for ",
                   absl::FormatDuration(delay)));
  absl::SleepFor(delay);
}

void TensordServer::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&shutdown_mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  stop_.Notify();
  if (housekeeping_.joinable()) housekeeping_.join();
  if (server_ == nullptr) {  // Start failed: nothing ran, nothing to save
    if (handoffs_.joinable()) handoffs_.join();
    stopped_.Notify();
    return;
  }
  Log("shutting down: draining in-flight calls");
  ready_.store(false);
  health_.Shutdown();  // ends Watch streams so the drain can finish
  const auto deadline =
      std::chrono::system_clock::now() + absl::ToChronoNanoseconds(grace);
  if (http_ != nullptr) http_->Stop();  // waits for its calls in flight
  server_->Shutdown(deadline);
  if (!config_.sessions.snapshot_dir.empty()) {
    absl::Status st = Snapshot();
    if (st.ok()) Log("snapshots written");
  }
  if (store_ != nullptr) {
    // Every session to the store, lease given up: the replicas the
    // balancer now sends them to take them over at once.
    const int n = sessions_.HandOffAll();
    Log(absl::StrCat("handed ", n, " sessions over to the store"));
  }
  if (handoffs_.joinable()) handoffs_.join();
  FlushLog();
  stopped_.Notify();
}

void TensordServer::Wait() { stopped_.WaitForNotification(); }

TensordServer::~TensordServer() { Shutdown(absl::Seconds(1)); }

}  // namespace tensord::server
