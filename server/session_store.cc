#include "server/session_store.h"

#include <hiredis/hiredis.h>

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace tensord::server {
namespace {

constexpr size_t kMaxIdleConnections = 8;

std::string LeaseKey(const std::string& id) {
  return absl::StrCat("tensord:{", id, "}:lease");
}
std::string SnapKey(const std::string& id) {
  return absl::StrCat("tensord:{", id, "}:snap");
}
std::string OwnerKey(const std::string& id) {
  return absl::StrCat("tensord:{", id, "}:owner");
}
std::string HandedKey(const std::string& id) {
  return absl::StrCat("tensord:{", id, "}:handed");
}
std::string HandoffKey(const std::string& token) {
  return absl::StrCat("tensord:handoff:", token);
}

// The scripts: Redis runs each atomically, so "check the lease, then
// write" cannot interleave with another replica's acquire.
constexpr char kCreateScript[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4])
return 1
)lua";
constexpr char kRenewScript[] = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
)lua";
constexpr char kReleaseScript[] = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', 60000)
  return redis.call('DEL', KEYS[1])
end
return 0
)lua";
constexpr char kPutScript[] = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
)lua";
constexpr char kDeleteScript[] = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
)lua";

}  // namespace

struct SessionStore::Conn {
  redisContext* ctx = nullptr;
  ~Conn() {
    if (ctx != nullptr) redisFree(ctx);
  }
};

SessionStore::SessionStore(std::string host, int port, std::string password,
                           std::string display, absl::Duration io_timeout)
    : host_(std::move(host)),
      port_(port),
      password_(std::move(password)),
      display_(std::move(display)),
      io_timeout_(io_timeout) {}

SessionStore::~SessionStore() = default;

absl::StatusOr<std::unique_ptr<SessionStore>> SessionStore::Connect(
    const std::string& address, absl::Duration io_timeout) {
  std::string rest = address;
  if (absl::StartsWith(rest, "redis://")) rest = rest.substr(8);
  std::string password;
  if (const size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    // redis://:PASSWORD@host (no user names before Redis 6 ACLs).
    if (!auth.empty() && auth[0] == ':') auth = auth.substr(1);
    password = auth;
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string host = rest;
  int port = 6379;
  if (const size_t colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    if (!absl::SimpleAtoi(rest.substr(colon + 1), &port) || port <= 0 ||
        port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("--session_store: bad port in '", address,
                       "' (expected redis://HOST:PORT)"));
    }
  }
  if (host.empty() || host.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--session_store: '", address, "' is not redis://HOST:PORT"));
  }
  const std::string display = absl::StrCat("redis://", host, ":", port);
  std::unique_ptr<SessionStore> store(
      new SessionStore(host, port, password, display, io_timeout));
  // Reachable now, or the server does not start.
  TENSORD_ASSIGN_OR_RETURN(Reply pong, store->Run({"PING"}));
  (void)pong;
  return store;
}

absl::StatusOr<std::unique_ptr<SessionStore::Conn>> SessionStore::Dial(
    absl::Duration io_timeout) {
  auto c = std::make_unique<Conn>();
  c->ctx = redisConnectWithTimeout(host_.c_str(), port_,
                                   absl::ToTimeval(absl::Seconds(2)));
  if (c->ctx == nullptr || c->ctx->err) {
    return absl::UnavailableError(
        absl::StrCat("session store ", display_, " unreachable: ",
                     c->ctx == nullptr ? "out of memory" : c->ctx->errstr));
  }
  redisSetTimeout(c->ctx, absl::ToTimeval(io_timeout));
  if (!password_.empty()) {
    const char* argv[] = {"AUTH", password_.c_str()};
    const size_t lens[] = {4, password_.size()};
    auto* r = static_cast<redisReply*>(redisCommandArgv(c->ctx, 2, argv, lens));
    const bool ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    const std::string why = r == nullptr ? c->ctx->errstr
                            : r->type == REDIS_REPLY_ERROR
                                ? std::string(r->str, r->len)
                                : "";
    if (r != nullptr) freeReplyObject(r);
    if (!ok) {
      return absl::UnavailableError(absl::StrCat(
          "session store ", display_, " refused the password: ", why));
    }
  }
  return c;
}

absl::StatusOr<std::unique_ptr<SessionStore::Conn>> SessionStore::Take() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return Dial(io_timeout_);
}

void SessionStore::Give(std::unique_ptr<Conn> c) {
  absl::MutexLock lock(&mu_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(c));
}

absl::StatusOr<SessionStore::Reply> SessionStore::Run(
    const std::vector<std::string>& args) {
  TENSORD_ASSIGN_OR_RETURN(std::unique_ptr<Conn> c, Take());
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(redisCommandArgv(
      c->ctx, static_cast<int>(args.size()), argv.data(), lens.data()));
  if (r == nullptr) {
    // The connection is broken (or timed out): it is dropped, not pooled.
    return absl::UnavailableError(absl::StrCat(
        "session store ", display_, ": ", c->ctx->errstr, " (", args[0], ")"));
  }
  std::function<Reply(const redisReply*)> convert =
      [&](const redisReply* x) -> Reply {
    Reply out;
    switch (x->type) {
      case REDIS_REPLY_INTEGER:
        out.kind = Reply::kInt;
        out.integer = x->integer;
        break;
      case REDIS_REPLY_STRING:
      case REDIS_REPLY_STATUS:
        out.kind = Reply::kString;
        out.str.assign(x->str, x->len);
        break;
      case REDIS_REPLY_ARRAY:
        out.kind = Reply::kArray;
        for (size_t i = 0; i < x->elements; ++i)
          out.elements.push_back(convert(x->element[i]));
        break;
      default:
        break;
    }
    return out;
  };
  if (r->type == REDIS_REPLY_ERROR) {
    const std::string why(r->str, r->len);
    freeReplyObject(r);
    Give(std::move(c));
    return absl::UnavailableError(absl::StrCat("session store ", display_, ": ",
                                               why, " (", args[0], ")"));
  }
  Reply out = convert(r);
  freeReplyObject(r);
  Give(std::move(c));
  return out;
}

absl::StatusOr<bool> SessionStore::Create(
    const std::string& id, const std::string& owner, const std::string& token,
    int64_t lease_ms, const std::string& snapshot, int64_t keep_ms) {
  TENSORD_ASSIGN_OR_RETURN(
      Reply r, Run({"EVAL", kCreateScript, "3", LeaseKey(id), SnapKey(id),
                    OwnerKey(id), token, absl::StrCat(lease_ms), snapshot,
                    absl::StrCat(keep_ms), owner}));
  return r.kind == Reply::kInt && r.integer == 1;
}

absl::StatusOr<bool> SessionStore::Acquire(const std::string& id,
                                           const std::string& token,
                                           int64_t lease_ms) {
  TENSORD_ASSIGN_OR_RETURN(Reply r, Run({"SET", LeaseKey(id), token, "NX", "PX",
                                         absl::StrCat(lease_ms)}));
  return r.kind == Reply::kString;  // "OK"; nil when held
}

absl::StatusOr<std::string> SessionStore::Holder(const std::string& id) {
  TENSORD_ASSIGN_OR_RETURN(Reply r, Run({"GET", LeaseKey(id)}));
  return r.kind == Reply::kString ? r.str : std::string();
}

absl::StatusOr<std::vector<bool>> SessionStore::Renew(
    const std::vector<std::string>& ids, const std::string& token,
    int64_t lease_ms) {
  std::vector<bool> held;
  if (ids.empty()) return held;
  // One pipeline: every EVAL is sent, then every reply read.
  TENSORD_ASSIGN_OR_RETURN(std::unique_ptr<Conn> c, Take());
  const std::string ms = absl::StrCat(lease_ms);
  for (const std::string& id : ids) {
    const std::string key = LeaseKey(id);
    const char* argv[] = {"EVAL",      kRenewScript,  "1",
                          key.c_str(), token.c_str(), ms.c_str()};
    const size_t lens[] = {
        4, sizeof(kRenewScript) - 1, 1, key.size(), token.size(), ms.size()};
    if (redisAppendCommandArgv(c->ctx, 6, argv, lens) != REDIS_OK) {
      return absl::UnavailableError(
          absl::StrCat("session store ", display_, ": ", c->ctx->errstr));
    }
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    void* reply = nullptr;
    if (redisGetReply(c->ctx, &reply) != REDIS_OK || reply == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("session store ", display_, ": ", c->ctx->errstr));
    }
    auto* r = static_cast<redisReply*>(reply);
    held.push_back(r->type == REDIS_REPLY_INTEGER && r->integer == 1);
    freeReplyObject(r);
  }
  Give(std::move(c));
  return held;
}

absl::Status SessionStore::Release(const std::string& id,
                                   const std::string& token) {
  return Run({"EVAL", kReleaseScript, "2", LeaseKey(id), HandedKey(id), token})
      .status();
}

absl::StatusOr<bool> SessionStore::TakeHandedOver(const std::string& id) {
  TENSORD_ASSIGN_OR_RETURN(Reply r, Run({"GETDEL", HandedKey(id)}));
  return r.kind == Reply::kString;
}

absl::StatusOr<bool> SessionStore::Put(const std::string& id,
                                       const std::string& token,
                                       const std::string& snapshot,
                                       int64_t keep_ms) {
  TENSORD_ASSIGN_OR_RETURN(
      Reply r, Run({"EVAL", kPutScript, "3", LeaseKey(id), SnapKey(id),
                    OwnerKey(id), token, snapshot, absl::StrCat(keep_ms)}));
  return r.kind == Reply::kInt && r.integer == 1;
}

absl::StatusOr<std::optional<std::string>> SessionStore::Owner(
    const std::string& id) {
  TENSORD_ASSIGN_OR_RETURN(Reply r, Run({"GET", OwnerKey(id)}));
  if (r.kind != Reply::kString) return std::optional<std::string>();
  return std::optional<std::string>(std::move(r.str));
}

absl::StatusOr<std::optional<std::string>> SessionStore::Get(
    const std::string& id) {
  TENSORD_ASSIGN_OR_RETURN(Reply r, Run({"GET", SnapKey(id)}));
  if (r.kind != Reply::kString) return std::optional<std::string>();
  return std::optional<std::string>(std::move(r.str));
}

absl::StatusOr<bool> SessionStore::Delete(const std::string& id,
                                          const std::string& token) {
  TENSORD_ASSIGN_OR_RETURN(
      Reply r, Run({"EVAL", kDeleteScript, "4", LeaseKey(id), SnapKey(id),
                    OwnerKey(id), HandedKey(id), token}));
  return r.kind == Reply::kInt && r.integer == 1;
}

absl::Status SessionStore::AskHandoff(const std::string& holder,
                                      const std::string& id) {
  const std::string key = HandoffKey(holder);
  TENSORD_RETURN_IF_ERROR(Run({"RPUSH", key, id}).status());
  // A queue whose replica died goes away on its own.
  return Run({"PEXPIRE", key, "60000"}).status();
}

absl::StatusOr<std::vector<std::string>> SessionStore::NextHandoffs(
    const std::string& token, absl::Duration wait) {
  // BLPOP blocks its connection: one of its own (kept between calls, and
  // dropped when it fails), with a timeout longer than the wait.
  absl::MutexLock blocking_lock(&blocking_mu_);
  if (blocking_ == nullptr) {
    TENSORD_ASSIGN_OR_RETURN(blocking_, Dial(wait + absl::Seconds(5)));
  }
  Conn* c = blocking_.get();
  const std::string key = HandoffKey(token);
  const std::string secs =
      absl::StrCat(absl::ToDoubleSeconds(std::max(wait, absl::Seconds(0.01))));
  const char* argv[] = {"BLPOP", key.c_str(), secs.c_str()};
  const size_t lens[] = {5, key.size(), secs.size()};
  auto* r = static_cast<redisReply*>(redisCommandArgv(c->ctx, 3, argv, lens));
  if (r == nullptr) {
    absl::Status st = absl::UnavailableError(
        absl::StrCat("session store ", display_, ": ", c->ctx->errstr));
    blocking_.reset();
    return st;
  }
  std::vector<std::string> ids;
  if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
      r->element[1]->type == REDIS_REPLY_STRING) {
    ids.emplace_back(r->element[1]->str, r->element[1]->len);
  }
  freeReplyObject(r);
  // Whatever else is queued, without blocking.
  for (int i = 0; i < 256; ++i) {
    auto more = Run({"LPOP", key});
    if (!more.ok() || more->kind != Reply::kString) break;
    ids.push_back(more->str);
  }
  return ids;
}

}  // namespace tensord::server
