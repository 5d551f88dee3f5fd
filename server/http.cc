#include "server/http.h"

#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/rpc/status.pb.h"
#include "server/log.h"

namespace tensord::server {

struct HttpListener::Impl {
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  bool stopped = false;
};

namespace {

// An HTTP request as the service sees a call.
class HttpCall final : public Call {
 public:
  HttpCall(const httplib::Request& req, httplib::Response& res)
      : req_(req), res_(res) {}
  absl::string_view Metadata(absl::string_view key) const override {
    auto it = req_.headers.find(std::string(key));  // case-insensitive
    if (it == req_.headers.end()) return {};
    return it->second;
  }
  void AddResponseMetadata(const std::string& key,
                           const std::string& value) override {
    res_.set_header(key, value);
  }
  std::string Peer() const override {
    return absl::StrCat(req_.remote_addr, ":", req_.remote_port);
  }
  absl::string_view Transport() const override { return "http"; }

 private:
  const httplib::Request& req_;
  httplib::Response& res_;
};

enum class Codec { kJson, kProto, kUnsupported };

Codec CodecOf(const httplib::Request& req) {
  std::string type = req.get_header_value("Content-Type");
  absl::string_view t = type;
  if (size_t semi = t.find(';'); semi != absl::string_view::npos) {
    t = t.substr(0, semi);
  }
  const std::string media =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(t));
  if (media == "application/json") return Codec::kJson;
  if (media == "application/proto") return Codec::kProto;
  return Codec::kUnsupported;
}

std::string Unpadded(std::string b64) {
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return b64;
}

// Connect's error body; the HTTP status from the code.
void WriteError(httplib::Response& res, int code, const std::string& message,
                const std::string& details_json = "") {
  res.status = ConnectHttpStatus(code);
  std::string body = absl::StrCat("{\"code\":\"", ConnectCodeName(code),
                                  "\",\"message\":", JsonQuote(message));
  if (!details_json.empty())
    absl::StrAppend(&body, ",\"details\":", details_json);
  body += "}";
  res.set_content(body, "application/json");
}

// A failed call: its message (with the request id, so one call is found in
// the logs of every hop) and its ErrorDetail as a Connect detail.
void WriteStatus(httplib::Response& res, const grpc::Status& st) {
  std::string message = st.error_message();
  const std::string request_id = res.get_header_value("x-request-id");
  if (!request_id.empty()) {
    absl::StrAppend(&message, " (request id ", request_id, ")");
  }
  std::string details;
  google::rpc::Status rich;
  if (!st.error_details().empty() && rich.ParseFromString(st.error_details())) {
    for (const auto& any : rich.details()) {
      v1::ErrorDetail detail;
      if (!any.UnpackTo(&detail)) continue;
      std::string debug;
      (void)google::protobuf::util::MessageToJsonString(detail, &debug);
      absl::StrAppend(&details, details.empty() ? "[" : ",", "{\"type\":\"",
                      detail.GetDescriptor()->full_name(), "\",\"value\":\"",
                      Unpadded(absl::Base64Escape(any.value())),
                      "\",\"debug\":", debug.empty() ? "{}" : debug, "}");
    }
    if (!details.empty()) details += "]";
  }
  WriteError(res, static_cast<int>(st.error_code()), message, details);
}

using Route = std::function<void(TensorServiceImpl*, Codec,
                                 const httplib::Request&, httplib::Response&)>;

// Decode, serve, encode: one unary method over HTTP.
template <typename Req, typename Resp>
Route MakeRoute(grpc::Status (TensorServiceImpl::*serve)(Call&, const Req&,
                                                         Resp*)) {
  return [serve](TensorServiceImpl* service, Codec codec,
                 const httplib::Request& hreq, httplib::Response& hres) {
    Req req;
    if (codec == Codec::kJson) {
      google::protobuf::util::JsonParseOptions opts;
      auto st = google::protobuf::util::JsonStringToMessage(
          hreq.body.empty() ? "{}" : hreq.body, &req, opts);
      if (!st.ok()) {
        WriteError(hres, grpc::StatusCode::INVALID_ARGUMENT,
                   absl::StrCat("the body is not a JSON ",
                                req.GetDescriptor()->full_name(), ": ",
                                std::string(st.message())));
        return;
      }
    } else if (!req.ParseFromString(hreq.body)) {
      WriteError(hres, grpc::StatusCode::INVALID_ARGUMENT,
                 absl::StrCat("the body is not a binary ",
                              req.GetDescriptor()->full_name()));
      return;
    }
    HttpCall call(hreq, hres);
    Resp resp;
    const grpc::Status st = (service->*serve)(call, req, &resp);
    if (!st.ok()) {
      WriteStatus(hres, st);
      return;
    }
    hres.status = 200;
    if (codec == Codec::kJson) {
      std::string out;
      (void)google::protobuf::util::MessageToJsonString(resp, &out);
      hres.set_content(out, "application/json");
    } else {
      hres.set_content(resp.SerializeAsString(), "application/proto");
    }
  };
}

const std::map<std::string, Route, std::less<>>& Routes() {
  static const auto* routes = [] {
    auto* r = new std::map<std::string, Route, std::less<>>;
#define TENSORD_HTTP_ROUTE_(name, Req, Resp) \
  (*r)[#name] = MakeRoute(&TensorServiceImpl::Serve##name);
    TENSORD_UNARY_METHODS(TENSORD_HTTP_ROUTE_)
#undef TENSORD_HTTP_ROUTE_
    return r;
  }();
  return *routes;
}

// HOST:PORT, HOST possibly [IPv6]; INVALID_ARGUMENT otherwise.
absl::Status SplitHostPort(const std::string& listen, std::string* host,
                           int* port) {
  const size_t colon = listen.rfind(':');
  int p = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(absl::string_view(listen).substr(colon + 1), &p) ||
      p < 0 || p > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_listen=", listen, " is not HOST:PORT (PORT 0 to 65535)"));
  }
  absl::string_view h = absl::string_view(listen).substr(0, colon);
  if (absl::ConsumePrefix(&h, "[")) absl::ConsumeSuffix(&h, "]");
  *host = std::string(h);
  *port = p;
  return absl::OkStatus();
}

}  // namespace

absl::string_view ConnectCodeName(int code) {
  static constexpr absl::string_view kNames[] = {
      "ok",
      "canceled",
      "unknown",
      "invalid_argument",
      "deadline_exceeded",
      "not_found",
      "already_exists",
      "permission_denied",
      "resource_exhausted",
      "failed_precondition",
      "aborted",
      "out_of_range",
      "unimplemented",
      "internal",
      "unavailable",
      "data_loss",
      "unauthenticated",
  };
  if (code < 0 || code > 16) return "unknown";
  return kNames[code];
}

int ConnectHttpStatus(int code) {
  static constexpr int kStatus[] = {200, 499, 500, 400, 504, 404, 409, 403, 429,
                                    400, 409, 400, 501, 500, 503, 500, 401};
  if (code < 0 || code > 16) return 500;
  return kStatus[code];
}

absl::StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    const HttpConfig& config, HttpHooks hooks) {
  std::string host;
  int port = 0;
  if (absl::Status st = SplitHostPort(config.listen, &host, &port); !st.ok()) {
    return st;
  }
  std::unique_ptr<HttpListener> l(new HttpListener);
  l->impl_ = std::make_unique<Impl>();
  if (!config.tls_cert_file.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(
        config.tls_cert_file.c_str(), config.tls_key_file.c_str(),
        config.tls_client_ca_file.empty() ? nullptr
                                          : config.tls_client_ca_file.c_str());
    if (!tls->is_valid()) {
      return absl::InvalidArgumentError(
          "the HTTP listener cannot use --tls_cert/--tls_key");
    }
    l->impl_->server = std::move(tls);
  } else {
    l->impl_->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& svr = *l->impl_->server;
  svr.set_payload_max_length(static_cast<size_t>(config.max_body_bytes));
  svr.set_tcp_nodelay(true);
  // A client may reuse its connection for many calls (httplib's default
  // closes it after 5).
  svr.set_keep_alive_max_count(1000);
  svr.set_error_handler([max = config.max_body_bytes](const httplib::Request&,
                                                      httplib::Response& res) {
    if (res.status == 413) {  // httplib's answer to a body over the limit
      WriteError(res, grpc::StatusCode::RESOURCE_EXHAUSTED,
                 absl::StrCat("the request body is larger than "
                              "--max_message_size (",
                              max, " bytes)"));
    } else if (res.body.empty()) {
      WriteError(res, grpc::StatusCode::UNIMPLEMENTED,
                 absl::StrCat("no such resource (HTTP ", res.status, ")"));
    }
  });

  auto metrics = hooks.metrics;
  svr.Get("/metrics",
          [metrics](const httplib::Request&, httplib::Response& res) {
            res.set_content(metrics ? metrics() : std::string(),
                            "text/plain; version=0.0.4; charset=utf-8");
          });
  svr.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  auto ready = hooks.ready;
  svr.Get("/readyz", [ready](const httplib::Request&, httplib::Response& res) {
    const bool ok = !ready || ready();
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ready\n" : "draining\n", "text/plain");
  });
  TensorServiceImpl* service = hooks.service;
  svr.Post(absl::StrCat("/", kTensorServiceName, "/([A-Za-z]+)"),
           [service](const httplib::Request& req, httplib::Response& res) {
             const std::string method = req.matches[1];
             auto it = Routes().find(method);
             if (it == Routes().end()) {
               const bool streaming =
                   method == "UploadTensor" || method == "DownloadTensor";
               WriteError(res, grpc::StatusCode::UNIMPLEMENTED,
                          streaming
                              ? absl::StrCat(method,
                                             " streams: it is served over "
                                             "gRPC only")
                              : absl::StrCat("no method ", method, " in ",
                                             kTensorServiceName));
               res.status = 404;
               return;
             }
             const Codec codec = CodecOf(req);
             if (codec == Codec::kUnsupported) {
               WriteError(res, grpc::StatusCode::INVALID_ARGUMENT,
                          "Content-Type must be application/json or "
                          "application/proto");
               res.status = 415;
               return;
             }
             it->second(service, codec, req, res);
           });

  if (port == 0) {
    port = svr.bind_to_any_port(host);
    if (port < 0) port = 0;
  } else if (!svr.bind_to_port(host, port)) {
    port = 0;
  }
  if (port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on --http_listen=", config.listen,
        " (not an address of this machine, or the port is in use)"));
  }
  l->port_ = port;
  l->impl_->thread = std::thread([&svr] { svr.listen_after_bind(); });
  return l;
}

void HttpListener::Stop() {
  if (impl_ == nullptr || impl_->stopped) return;
  impl_->stopped = true;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

HttpListener::~HttpListener() { Stop(); }

}  // namespace tensord::server
