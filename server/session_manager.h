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
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/session.h"

namespace tensord::server {

struct ServerOptions {
  int64_t max_sessions = 1000;
  int64_t default_idle_ttl_seconds = 3600;
  SessionLimits limits;
  std::string replica_id = "tensord-0";
  std::string snapshot_dir;  // empty: no snapshots
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
  absl::StatusOr<std::shared_ptr<Session>> Get(const std::string& id,
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

  // The options a session gets: TTL and memory limit filled in from, and
  // bounded by, the server's.
  v1::SessionOptions Normalize(const v1::SessionOptions& requested) const;

 private:
  absl::Status WriteSnapshotFile(Session& session,
                                 const std::filesystem::path& final_path);
  std::string SnapshotFileName(const std::string& id) const;
  bool IsOwnSnapshotFile(const std::string& name) const;

  const ServerOptions options_;
  std::atomic<bool> draining_{false};
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SESSION_MANAGER_H_
