// session_store.h — the shared session store behind elastic scale-out:
// owner leases and snapshots of sessions in Redis (Debian's redis-server),
// reached with hiredis.
//
//   TENSORD_ASSIGN_OR_RETURN(auto store,
//                            SessionStore::Connect("redis://10.0.0.5:6379"));
//   TENSORD_ASSIGN_OR_RETURN(bool mine, store->Acquire(id, token, 10000));
//
// A replica serves a session only while it holds the session's lease (a
// key with a TTL, the --failover_timeout, that the holder renews). The
// snapshot of a session may only be written by the lease holder: every
// write is a Lua script that checks the lease first (Redis runs a script
// atomically), so a replica that lost its lease can never overwrite the
// state of the replica that took the session over. Moving a session is:
// the new replica asks the holder (a list the holder blocks on), the
// holder writes the session, stops serving it and releases the lease, the
// new replica acquires it and loads the snapshot. A holder that died stops
// renewing; its leases expire and the sessions load from their last
// snapshot.
//
// Keys (the {id} hash tag keeps a session's keys in one Redis Cluster slot):
//   tensord:{ID}:lease   the holder's token, with the lease TTL
//   tensord:{ID}:snap    the snapshot (server/snapshot_file.h format)
//   tensord:{ID}:owner   the owner's token fingerprint ("" without tokens)
//   tensord:{ID}:handed  set for a minute when a holder gives the lease up
//   tensord:handoff:TOKEN  session ids other replicas ask TOKEN to give up
//
// Thread-safe: calls take a connection from a small pool (hiredis contexts
// are not). Every error is UNAVAILABLE with Redis's reason.
#ifndef TENSORD_SERVER_SESSION_STORE_H_
#define TENSORD_SERVER_SESSION_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct redisContext;

namespace tensord::server {

class SessionStore {
 public:
  // `address`: redis://[:PASSWORD@]HOST[:PORT] or HOST[:PORT] (port 6379 by
  // default). INVALID_ARGUMENT for a malformed address, UNAVAILABLE when
  // the server cannot be reached (or refuses the password). `io_timeout`
  // bounds each command; blocking reads (NextHandoffs) wait longer.
  static absl::StatusOr<std::unique_ptr<SessionStore>> Connect(
      const std::string& address, absl::Duration io_timeout = absl::Seconds(5));
  ~SessionStore();
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  // The address without its password, for logs.
  const std::string& display_address() const { return display_; }

  // Creates a session: takes its lease and writes its first snapshot and
  // its owner (a token fingerprint), only if no session with that id exists
  // (leased or stored). False if one does.
  absl::StatusOr<bool> Create(const std::string& id, const std::string& owner,
                              const std::string& token, int64_t lease_ms,
                              const std::string& snapshot, int64_t keep_ms);
  // Takes the lease if nobody holds it. False if someone does.
  absl::StatusOr<bool> Acquire(const std::string& id, const std::string& token,
                               int64_t lease_ms);
  // The token that holds the lease; "" when none does.
  absl::StatusOr<std::string> Holder(const std::string& id);
  // Extends the leases `token` still holds; the result says, per id,
  // whether it does (one round trip for all).
  absl::StatusOr<std::vector<bool>> Renew(const std::vector<std::string>& ids,
                                          const std::string& token,
                                          int64_t lease_ms);
  // Gives the lease up if `token` holds it, and marks the session handed
  // over (for a minute).
  absl::Status Release(const std::string& id, const std::string& token);
  // Whether the last holder gave the lease up (rather than letting it run
  // out); clears the mark.
  absl::StatusOr<bool> TakeHandedOver(const std::string& id);

  // Writes the snapshot if `token` holds the lease; false if it does not.
  // The snapshot key lives `keep_ms` (refreshed by every write), so the
  // sessions of a replica that died and whose clients left do not stay.
  absl::StatusOr<bool> Put(const std::string& id, const std::string& token,
                           const std::string& snapshot, int64_t keep_ms);
  // The owner fingerprint of a stored session; nullopt when there is no
  // such session. (Checked before a session is taken over, so another
  // tenant's calls never move it.)
  absl::StatusOr<std::optional<std::string>> Owner(const std::string& id);
  // The stored snapshot; nullopt when there is none.
  absl::StatusOr<std::optional<std::string>> Get(const std::string& id);
  // Removes the session (snapshot and lease) if `token` holds the lease.
  absl::StatusOr<bool> Delete(const std::string& id, const std::string& token);

  // Asks the holder `holder` to hand the session over.
  absl::Status AskHandoff(const std::string& holder, const std::string& id);
  // Waits up to `wait` for requests addressed to `token`; returns the ids
  // (empty after the wait).
  absl::StatusOr<std::vector<std::string>> NextHandoffs(
      const std::string& token, absl::Duration wait);

 private:
  struct Conn;
  SessionStore(std::string host, int port, std::string password,
               std::string display, absl::Duration io_timeout);
  // A connected context from the pool (or a new one).
  absl::StatusOr<std::unique_ptr<Conn>> Take();
  void Give(std::unique_ptr<Conn> c);
  absl::StatusOr<std::unique_ptr<Conn>> Dial(absl::Duration io_timeout);
  // Runs one command; the reply as an integer, string or nil.
  struct Reply {
    enum Kind { kNil, kInt, kString, kArray } kind = kNil;
    long long integer = 0;
    std::string str;
    std::vector<Reply> elements;
  };
  absl::StatusOr<Reply> Run(const std::vector<std::string>& args);

  const std::string host_;
  const int port_;
  const std::string password_;
  const std::string display_;
  const absl::Duration io_timeout_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_ ABSL_GUARDED_BY(mu_);
  absl::Mutex blocking_mu_;
  std::unique_ptr<Conn> blocking_ ABSL_GUARDED_BY(blocking_mu_);
};

}  // namespace tensord::server

#endif  // TENSORD_SERVER_SESSION_STORE_H_
