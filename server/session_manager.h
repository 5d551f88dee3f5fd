// session_manager.h — the server's sessions: creation with unguessable ids,
// lookup by owner, expiry of idle sessions, and snapshots to disk.
//
//   SessionManager m(options);
//   TENSORD_ASSIGN_OR_RETURN(auto s, m.Create(session_options, owner));
//   TENSORD_ASSIGN_OR_RETURN(auto same, m.Get(s->id(), owner));
//
// Thread-safe. A session that belongs to another owner is reported as
// NOT_FOUND, so ids of other clients' sessions cannot be probed.
#ifndef TENSORD_SERVER_SESSION_MANAGER_H_
#define TENSORD_SERVER_SESSION_MANAGER_H_

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/session.h"
#include "server/session_store.h"

namespace tensord::server {

struct ServerOptions {
  int64_t max_sessions = 1000;
  int64_t default_idle_ttl_seconds = 3600;
  SessionLimits limits;
  std::string replica_id = "tensord-0";
  std::string snapshot_dir;  // empty: no snapshots
  // Set: sessions live in this shared store (elastic scale-out; see
  // server/session_store.h). Any replica serves any session: one it does
  // not hold is taken over from its holder, or from its last snapshot when
  // the holder died. Not owned.
  SessionStore* store = nullptr;
  // The lease on a session (--failover_timeout): a replica that dies stops
  // renewing, and its sessions are taken over at most this long after.
  int64_t lease_ms = 10000;
};

// A session as a call uses it: keeps it alive and holds its gate (shared)
// until the call ends, so that a move of the session waits for the call.
class SessionRef {
 public:
  SessionRef() = default;
  // `s` with its gate already held shared.
  explicit SessionRef(std::shared_ptr<Session> s) : s_(std::move(s)) {}
  SessionRef(SessionRef&& o) noexcept : s_(std::move(o.s_)) {}
  SessionRef& operator=(SessionRef&& o) noexcept {
    if (this != &o) {
      Done();
      s_ = std::move(o.s_);
    }
    return *this;
  }
  ~SessionRef() { Done(); }
  Session* operator->() const { return s_.get(); }
  Session& operator*() const { return *s_; }
  Session* get() const { return s_.get(); }
  const std::shared_ptr<Session>& shared() const { return s_; }

 private:
  void Done() {
    if (s_ == nullptr) return;
    s_->CallDone();
    s_->gate().ReaderUnlock();
    s_.reset();
  }
  std::shared_ptr<Session> s_;
};

// True for a session id as this server makes them: 32 lowercase hex digits
// (128 bits).
bool IsSessionId(const std::string& id);

// A stable fingerprint of a token (SHA-256, hex); "" for no token.
std::string TokenFingerprint(const std::string& token);

class SessionManager {
 public:
  explicit SessionManager(ServerOptions options);
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  const ServerOptions& options() const { return options_; }

  // RESOURCE_EXHAUSTED when max_sessions are open; INVALID_ARGUMENT for
  // options out of range (CheckSessionOptions).
  //
  // `proposed_id` is the id the client asks for (the `x-tensord-session`
  // header of CreateSession): behind a load balancer that hashes on that
  // header, a session must be created on the replica its id will later
  // route to, so the client picks the id before the call. It is used when
  // it is well-formed (IsSessionId) and no session here has it; otherwise
  // (or when empty) the id is drawn from the OS's CSPRNG. Callers read the
  // id from the result either way.
  absl::StatusOr<std::shared_ptr<Session>> Create(
      const v1::SessionOptions& options, const std::string& owner,
      const std::string& proposed_id = "");
  // NOT_FOUND if there is no such session or it belongs to another owner.
  // With a store, a session held elsewhere is taken over first (its holder
  // hands it over, or its lease runs out); UNAVAILABLE, to be retried, when
  // that does not happen within lease_ms and a bit, or when the session
  // moved away while the call waited.
  absl::StatusOr<SessionRef> Get(const std::string& id,
                                 const std::string& owner);
  absl::Status Close(const std::string& id, const std::string& owner);
  std::vector<std::shared_ptr<Session>> List(const std::string& owner);
  int64_t size();

  // While draining (SIGTERM, --drain_delay), Create fails with UNAVAILABLE
  // so that clients open their sessions on another replica; calls on
  // existing sessions go on.
  void SetDraining(bool draining) { draining_.store(draining); }
  bool draining() const { return draining_.load(); }

  // Sums over every session, for the metrics.
  struct Totals {
    int64_t sessions = 0;
    int64_t bytes = 0;        // tensor data
    int64_t graph_bytes = 0;  // autograd graph
    // With a store: sessions taken over (from a live holder, or from the
    // last snapshot), handed over, and dropped for a lost lease.
    int64_t takeovers_from_replica = 0;
    int64_t takeovers_from_snapshot = 0;
    int64_t handoffs = 0;
    int64_t leases_lost = 0;
  };
  Totals GetTotals();

  // Closes sessions idle past their TTL; returns how many. Also gives the
  // memory of small sessions freed since the last call back to the system
  // (see FreeSession in session_manager.cc): the server calls it every
  // second.
  int ExpireIdle(int64_t now_ms);

  // Writes every session to options().snapshot_dir (one file each, written
  // to a temporary name and renamed, so a crash never leaves half a file)
  // and removes files of closed sessions. A session that cannot be written
  // is logged and keeps its last good file; the error returned is the
  // first such failure (the pass still writes the others). Files are named
  // REPLICA_ID.SESSION_ID.session; files of other replica ids are left
  // alone, so replicas may share the directory.
  absl::Status SaveSnapshots();
  // Loads this replica's sessions found in the snapshot directory; returns
  // how many. A file that is not a whole snapshot of the session its name
  // says (empty, truncated, foreign, corrupted) is set aside as
  // NAME.unreadable with a log line, and the others load.
  absl::StatusOr<int> LoadSnapshots();
  // OK when the snapshot directory (if any) exists or can be created, and
  // can be written; INVALID_ARGUMENT with a one-line reason otherwise.
  absl::Status CheckSnapshotDir() const;

  // With a store (each a no-op without one):
  // Extends this replica's leases; a session whose lease was lost (the
  // store was out of reach for longer than lease_ms, and another replica
  // took the session over) is dropped here. The server calls it every
  // lease_ms / 4.
  void RenewLeases();
  // Serves the handoff requests of other replicas for up to `wait`.
  void ServeHandoffs(absl::Duration wait);
  // Writes every session to the store and gives up its lease (the drain's
  // last step: nothing is lost when a replica is scaled away). Returns how
  // many sessions were handed off.
  int HandOffAll();
  // This replica's lease token: its replica id and a per-process nonce.
  const std::string& token() const { return token_; }

  // The options a session gets: TTL and memory limit filled in from, and
  // bounded by, the server's.
  v1::SessionOptions Normalize(const v1::SessionOptions& requested) const;

 private:
  absl::Status WriteSnapshotFile(Session& session,
                                 const std::filesystem::path& final_path);
  std::string SnapshotFileName(const std::string& id) const;
  bool IsOwnSnapshotFile(const std::string& name) const;

  absl::StatusOr<std::shared_ptr<Session>> Adopt(const std::string& id,
                                                 const std::string& owner);
  absl::StatusOr<std::shared_ptr<Session>> CreateInStore(
      const v1::SessionOptions& opts, const std::string& owner,
      const std::string& id);
  // Writes `s` to the store (under its gate, shared or exclusive, held by
  // the caller). False if this replica no longer holds its lease.
  absl::StatusOr<bool> PutSession(Session& s);
  // Moves `s` out of this replica: waits for its calls, writes it to the
  // store (when `save`), marks it moved, drops it and gives up the lease.
  // With `remove_from_store` the session ends (close, expiry) instead.
  absl::Status Evict(const std::shared_ptr<Session>& s, bool save,
                     bool remove_from_store);
  int64_t KeepMs(const Session& s) const;

  const ServerOptions options_;
  const std::string token_;
  std::atomic<int64_t> takeovers_from_replica_{0};
  std::atomic<int64_t> takeovers_from_snapshot_{0};
  std::atomic<int64_t> handoffs_{0};
  std::atomic<int64_t> leases_lost_{0};
  std::atomic<bool> draining_{false};
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_
      ABSL_GUARDED_BY(mu_);
  // Ids being taken over from the store right now (one taker per id).
  std::set<std::string> adopting_ ABSL_GUARDED_BY(mu_);
  absl::CondVar adopted_;
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SESSION_MANAGER_H_
