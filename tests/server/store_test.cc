// store_test.cc — the shared session store (server/session_store.h) with a
// real redis-server started by the test: leases fence every write, and two
// in-process replicas hand a session to each other with its state and its
// remembered Execute request ids; another tenant's calls, made-up ids and a
// close leave the store exactly as they should. (Processes that die are
// tests/deploy/elastic_test.py's.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "server/server.h"
#include "server/session_store.h"
#include "tests/server/test_util.h"

extern char** environ;

namespace tensord::testing {
namespace {

using server::SessionStore;
using ::testing::HasSubstr;

constexpr char kRedis[] = "/usr/bin/redis-server";

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// redis-server on a free loopback port, nothing persisted; killed at the
// end. (script/bootstrap installs it: without it the test fails.)
class RedisServer {
 public:
  RedisServer() {
    for (int attempt = 0; attempt < 3 && store_ == nullptr; ++attempt) {
      port_ = FreePort();
      const std::string port = std::to_string(port_);
      const char* argv[] = {kRedis,      "--port", port.c_str(), "--bind",
                            "127.0.0.1", "--save", "",           "--appendonly",
                            "no",        nullptr};
      if (posix_spawn(&pid_, kRedis, nullptr, nullptr, const_cast<char**>(argv),
                      environ) != 0) {
        ADD_FAILURE() << "cannot run " << kRedis
                      << " (script/bootstrap installs redis-server)";
        return;
      }
      for (int i = 0; i < 100 && store_ == nullptr; ++i) {
        auto s = SessionStore::Connect(url());
        if (s.ok())
          store_ = std::move(*s);
        else
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (store_ == nullptr) Stop();
    }
    EXPECT_NE(store_, nullptr) << "redis-server did not start";
  }
  ~RedisServer() { Stop(); }
  void Kill() { Stop(); }
  std::string url() const {
    return "redis://127.0.0.1:" + std::to_string(port_);
  }
  SessionStore& store() { return *store_; }

 private:
  void Stop() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = 0;
    }
  }
  int port_ = 0;
  pid_t pid_ = 0;
  std::unique_ptr<SessionStore> store_;
};

const char kId[] = "0123456789abcdef0123456789abcdef";

TEST(SessionStoreTest, LeasesFenceEveryWrite) {
  RedisServer redis;
  ASSERT_NE(&redis.store(), nullptr);
  SessionStore& st = redis.store();
  ASSERT_TRUE(*st.Create(kId, "owner", "x/1", 300, "state-0", 60000));
  EXPECT_FALSE(*st.Create(kId, "owner", "y/1", 300, "other", 60000))
      << "an id that exists is never created again";
  EXPECT_EQ(*st.Holder(kId), "x/1");
  EXPECT_EQ(**st.Owner(kId), "owner");
  EXPECT_FALSE(*st.Acquire(kId, "y/1", 300));
  EXPECT_FALSE(*st.Put(kId, "y/1", "from-y", 60000));
  EXPECT_FALSE(*st.Delete(kId, "y/1"));
  EXPECT_EQ(**st.Get(kId), "state-0") << "a non-holder changed nothing";
  EXPECT_TRUE(*st.Put(kId, "x/1", "state-1", 60000));
  EXPECT_EQ(**st.Get(kId), "state-1");
  EXPECT_THAT(*st.Renew({kId}, "y/1", 300), ::testing::ElementsAre(false));
  EXPECT_THAT(*st.Renew({kId}, "x/1", 300), ::testing::ElementsAre(true));
  // The holder stops renewing (it died): the lease runs out, another
  // replica takes it, and the old holder's writes are refused from then on.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(*st.Holder(kId), "");
  EXPECT_TRUE(*st.Acquire(kId, "y/1", 300));
  EXPECT_FALSE(*st.Put(kId, "x/1", "stale", 60000));
  EXPECT_THAT(*st.Renew({kId}, "x/1", 300), ::testing::ElementsAre(false));
  EXPECT_EQ(**st.Get(kId), "state-1");
  // Handoff requests queue per holder.
  ASSERT_TRUE(st.AskHandoff("y/1", kId).ok());
  EXPECT_THAT(*st.NextHandoffs("y/1", absl::Milliseconds(100)),
              ::testing::ElementsAre(kId));
  EXPECT_TRUE(st.NextHandoffs("y/1", absl::Milliseconds(50))->empty());
  st.Release(kId, "x/1").IgnoreError();  // not x's: no effect
  EXPECT_EQ(*st.Holder(kId), "y/1");
  EXPECT_TRUE(*st.Delete(kId, "y/1"));
  EXPECT_FALSE(st.Get(kId)->has_value());
  EXPECT_FALSE(st.Owner(kId)->has_value());
  EXPECT_EQ(*st.Holder(kId), "");
}

TEST(SessionStoreTest, BadAddressesAreClearErrors) {
  auto bad = SessionStore::Connect("redis://host:notaport");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  auto none =
      SessionStore::Connect("redis://127.0.0.1:" + std::to_string(FreePort()));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("unreachable"));
}

// Two replicas of one store, in process.
struct Replicas {
  explicit Replicas(const std::string& url, std::set<std::string> tokens = {}) {
    for (const char* name : {"a", "b"}) {
      server::ServerConfig c;
      c.session_store = url;
      c.sessions.replica_id = name;
      c.sessions.lease_ms = 2000;
      c.tokens = tokens;
      servers.push_back(std::make_unique<TestServer>(c));
    }
  }
  TestServer& a() { return *servers[0]; }
  TestServer& b() { return *servers[1]; }
  std::vector<std::unique_ptr<TestServer>> servers;
};

std::unique_ptr<grpc::ClientContext> Ctx2(const std::string& sid,
                                          const std::string& token = "") {
  return Ctx(sid, token);
}

// w = w + 1 (w bound by name), returning w; with `request_id`.
absl::StatusOr<float> Step(v1::TensorService::Stub* stub,
                           const std::string& sid,
                           const std::string& request_id,
                           grpc::StatusCode* code = nullptr,
                           std::string* replica = nullptr) {
  v1::ExecuteRequest r;
  r.set_session_id(sid);
  r.set_request_id(request_id);
  v1::OpNode* n = r.add_nodes();
  n->set_op("add");
  *n->add_inputs() = NameRef("w");
  *n->add_inputs() = FloatRef(1.0);
  n->add_bind("w");
  n->set_return_value(true);
  v1::ExecuteResponse resp;
  auto ctx = Ctx2(sid);
  grpc::Status st = stub->Execute(ctx.get(), r, &resp);
  if (code != nullptr) *code = st.error_code();
  if (replica != nullptr) {
    auto it = ctx->GetServerInitialMetadata().find("x-tensord-replica");
    if (it != ctx->GetServerInitialMetadata().end())
      *replica = std::string(it->second.data(), it->second.size());
  }
  if (!st.ok())
    return absl::Status(absl::StatusCode(st.error_code()), st.error_message());
  return AsFloats(resp.results(0).values(0))[0];
}

std::string NewSessionOn(TestServer& s, const std::string& token = "") {
  auto stub = s.Stub();
  v1::Session out;
  auto ctx = Ctx(kId, token);  // proposes kId
  grpc::Status st =
      stub->CreateSession(ctx.get(), v1::CreateSessionRequest(), &out);
  EXPECT_TRUE(st.ok()) << st.error_message();
  v1::CreateTensorRequest ct;
  ct.set_session_id(out.id());
  *ct.mutable_data() = F32({0}, {1});
  ct.set_name("w");
  v1::TensorInfo info;
  auto ctx2 = Ctx(out.id(), token);
  st = stub->CreateTensor(ctx2.get(), ct, &info);
  EXPECT_TRUE(st.ok()) << st.error_message();
  return out.id();
}

TEST(ElasticSessionsTest, HandoffCarriesStateAndRememberedRequests) {
  RedisServer redis;
  Replicas r(redis.url());
  const std::string sid = NewSessionOn(r.a());
  EXPECT_EQ(sid, kId) << "the proposed id is adopted";
  auto sa = r.a().Stub();
  auto sb = r.b().Stub();
  std::string replica;
  EXPECT_EQ(*Step(sa.get(), sid, "req-1", nullptr, &replica), 1.0f);
  EXPECT_EQ(replica, "a");
  // The same request at the other replica: the session moves (a hands it
  // over), and the request is answered from memory, not run again.
  EXPECT_EQ(*Step(sb.get(), sid, "req-1", nullptr, &replica), 1.0f);
  EXPECT_EQ(replica, "b");
  EXPECT_EQ(*Step(sb.get(), sid, "req-2"), 2.0f);
  EXPECT_EQ(*Step(sb.get(), sid, "req-2"), 2.0f) << "a retry is applied once";
  // And back to a, with everything.
  EXPECT_EQ(*Step(sa.get(), sid, "req-1"), 1.0f)
      << "the remembered responses moved with the session";
  EXPECT_EQ(*Step(sa.get(), sid, "req-3", nullptr, &replica), 3.0f);
  EXPECT_EQ(replica, "a");
  // /metrics counts the moves: one each way, both handed over by a live
  // holder.
  const std::string ma = r.a().server()->MetricsText();
  const std::string mb = r.b().server()->MetricsText();
  for (const std::string* m : {&ma, &mb}) {
    EXPECT_THAT(
        *m, HasSubstr("tensord_session_takeovers_total{from=\"replica\"} 1\n"));
    EXPECT_THAT(
        *m,
        HasSubstr("tensord_session_takeovers_total{from=\"snapshot\"} 0\n"));
    EXPECT_THAT(*m, HasSubstr("tensord_session_handoffs_total 1\n"));
    EXPECT_THAT(*m, HasSubstr("tensord_session_leases_lost_total 0\n"));
  }
  EXPECT_EQ(r.a().server()->sessions()->size(), 1);
  EXPECT_EQ(r.b().server()->sessions()->size(), 0) << "ownership never split";
  // A retried CreateSession (same proposed id) gets the same session.
  v1::Session again;
  auto ctx = Ctx(kId);
  ASSERT_TRUE(
      sb->CreateSession(ctx.get(), v1::CreateSessionRequest(), &again).ok());
  EXPECT_EQ(again.id(), sid);
  EXPECT_EQ(*Step(sb.get(), sid, "req-4"), 4.0f);
}

// Concurrent calls on one session through both replicas at once: the
// session ping-pongs between them, and every step is applied exactly once
// (two holders at a time would each apply some on their own copy, and the
// count would come out short).
TEST(ElasticSessionsTest, OwnershipIsNeverSplitUnderConcurrentCalls) {
  RedisServer redis;
  Replicas r(redis.url());
  const std::string sid = NewSessionOn(r.a());
  constexpr int kThreads = 6, kSteps = 40;
  std::atomic<int> applied{0}, unavailable{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = (t % 2 == 0 ? r.a() : r.b()).Stub();
      for (int i = 0; i < kSteps; ++i) {
        const std::string id = absl::StrCat("t", t, "-", i);
        for (;;) {  // retried with the same id, as the client library does
          grpc::StatusCode code;
          absl::StatusOr<float> v = Step(stub.get(), sid, id, &code);
          if (v.ok()) {
            ++applied;
            break;
          }
          if (code != grpc::StatusCode::UNAVAILABLE) {
            ++other;
            break;
          }
          ++unavailable;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(other.load(), 0);
  ASSERT_EQ(applied.load(), kThreads * kSteps);
  auto sa = r.a().Stub();
  EXPECT_EQ(*Step(sa.get(), sid, "final"), float(kThreads * kSteps + 1))
      << "every step applied exactly once";
  EXPECT_EQ(
      r.a().server()->sessions()->size() + r.b().server()->sessions()->size(),
      1);
  std::printf("%d steps through two replicas, %d UNAVAILABLE retried\n",
              applied.load(), unavailable.load());
}

TEST(ElasticSessionsTest, DrainHandsEverySessionOver) {
  RedisServer redis;
  Replicas r(redis.url());
  const std::string sid = NewSessionOn(r.a());
  auto sa = r.a().Stub();
  for (int i = 1; i <= 5; ++i)
    ASSERT_EQ(*Step(sa.get(), sid, "s" + std::to_string(i)), float(i));
  // No snapshot pass ran (the interval is 60 s): the drain writes it.
  r.a().Shutdown();
  EXPECT_EQ(redis.store().Holder(sid)->size(), 0u) << "the lease was given up";
  auto sb = r.b().Stub();
  EXPECT_EQ(*Step(sb.get(), sid, "s6"), 6.0f);
}

TEST(ElasticSessionsTest, OtherTenantsAndMadeUpIdsMoveNothing) {
  RedisServer redis;
  Replicas r(redis.url(), {"alpha", "beta"});
  const std::string sid = NewSessionOn(r.a(), "alpha");
  auto sb = r.b().Stub();
  // beta at replica b: NOT_FOUND, and the session stays where it is.
  v1::GetSessionRequest g;
  g.set_session_id(sid);
  v1::Session out;
  auto ctx = Ctx(sid, "beta");
  grpc::Status st = sb->GetSession(ctx.get(), g, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(r.a().server()->sessions()->size(), 1);
  EXPECT_EQ(r.b().server()->sessions()->size(), 0);
  EXPECT_THAT(*redis.store().Holder(sid), HasSubstr("a/"));
  // A made-up well-formed id: NOT_FOUND, and nothing is written.
  const std::string made_up = "ffffffffffffffffffffffffffffffff";
  g.set_session_id(made_up);
  auto ctx2 = Ctx(made_up, "alpha");
  EXPECT_EQ(sb->GetSession(ctx2.get(), g, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(*redis.store().Holder(made_up), "");
  EXPECT_FALSE(redis.store().Get(made_up)->has_value());
  // Close at b of a session held by a: gone everywhere.
  v1::CloseSessionRequest c;
  c.set_session_id(sid);
  v1::CloseSessionResponse cr;
  auto ctx3 = Ctx(sid, "alpha");
  ASSERT_TRUE(sb->CloseSession(ctx3.get(), c, &cr).ok());
  EXPECT_EQ(r.a().server()->sessions()->size(), 0);
  EXPECT_EQ(r.b().server()->sessions()->size(), 0);
  EXPECT_FALSE(redis.store().Get(sid)->has_value());
  EXPECT_FALSE(redis.store().Owner(sid)->has_value());
  auto sa = r.a().Stub();
  g.set_session_id(sid);
  auto ctx4 = Ctx(sid, "alpha");
  EXPECT_EQ(sa->GetSession(ctx4.get(), g, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(ElasticSessionsTest, AStoreOutOfReachGivesClearErrorsNotSplitSessions) {
  RedisServer redis;
  Replicas r(redis.url());
  const std::string sid = NewSessionOn(r.a());
  auto sa = r.a().Stub();
  ASSERT_EQ(*Step(sa.get(), sid, "s1"), 1.0f);
  redis.Kill();
  // Another replica cannot take anything over without the store.
  auto sb = r.b().Stub();
  grpc::StatusCode code;
  EXPECT_FALSE(Step(sb.get(), sid, "s2", &code).ok());
  EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE);
  // The holder goes on until its lease (2 s here) could have run out, then
  // refuses: by then another replica could hold the session.
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  absl::StatusOr<float> late = Step(sa.get(), sid, "s3", &code);
  EXPECT_EQ(code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(std::string(late.status().message()),
              HasSubstr("could not renew its lease"));
  // New sessions cannot be made either; nothing crashed.
  v1::Session out;
  auto ctx = Ctx("");
  EXPECT_EQ(sb->CreateSession(ctx.get(), v1::CreateSessionRequest(), &out)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.a().server()->sessions()->size(), 1);
  EXPECT_EQ(r.b().server()->sessions()->size(), 0);
}

TEST(ElasticSessionsTest, HostileIdsAreRefusedAndChangeNothing) {
  RedisServer redis;
  Replicas r(redis.url());
  const std::string sid = NewSessionOn(r.a());
  auto sb = r.b().Stub();
  ASSERT_EQ(*Step(sb.get(), sid, "ok-1"), 1.0f);
  // A request id over 128 characters: INVALID_ARGUMENT, nothing applied.
  grpc::StatusCode code;
  EXPECT_FALSE(Step(sb.get(), sid, std::string(129, 'r'), &code).ok());
  EXPECT_EQ(code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(*Step(sb.get(), sid, "ok-2"), 2.0f) << "the bad request ran";
  // Session ids that are not 32 lowercase hex digits never reach the
  // store (no lease taken, no key written) and are NOT_FOUND.
  for (const std::string& bad :
       {std::string("../../etc/passwd"), std::string(32, 'F'),
        std::string(33, 'a'), std::string(), std::string(4096, '0'),
        std::string("tensord:{x}:lease")}) {
    SCOPED_TRACE(bad.substr(0, 40));
    v1::GetSessionRequest g;
    g.set_session_id(bad);
    v1::Session out;
    auto ctx = Ctx(sid);  // routed as a real session would be
    EXPECT_EQ(sb->GetSession(ctx.get(), g, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(*redis.store().Holder(bad), "");
    EXPECT_FALSE(redis.store().Get(bad)->has_value());
  }
  EXPECT_THAT(*redis.store().Holder(sid), HasSubstr("b/"));
  EXPECT_EQ(r.a().server()->sessions()->size(), 0);
  EXPECT_EQ(r.b().server()->sessions()->size(), 1);
}

TEST(ElasticSessionsTest, StoreAndSnapshotDirExcludeEachOther) {
  server::ServerConfig c;
  c.listen = "127.0.0.1:0";
  c.session_store = "redis://127.0.0.1:1";
  c.sessions.snapshot_dir = "/tmp";
  auto s = server::TensordServer::Start(c);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tensord::testing
