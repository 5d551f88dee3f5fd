#include "server/session_manager.h"

#include <malloc.h>
#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "server/log.h"

namespace tensord::server {
namespace {

// 128 bits from the OS's CSPRNG (std::random_device reads getrandom/urandom
// on Linux), as 32 hex digits.
std::string NewSessionId() {
  std::random_device rd;
  std::string raw;
  for (int i = 0; i < 4; ++i) {
    const uint32_t w = rd();
    raw.append(reinterpret_cast<const char*>(&w), sizeof(w));
  }
  return absl::BytesToHexString(raw);
}

constexpr char kSnapshotSuffix[] = ".session";

// Freed memory goes back to the system, not just to the heap: the core's
// cache of freed blocks is emptied and every malloc arena trimmed (which
// also returns free pages inside the heap, where fragmentation would
// otherwise let RSS creep up under a churn of small sessions).
void GiveBackMemory() {
  ReleaseCachedStorage();
  malloc_trim(0);
}

// Set when small sessions were freed since the last GiveBackMemory.
std::atomic<bool> g_give_back_pending{false};

// Sessions are shared: a call in flight keeps its session alive past a close
// or an expiry, and whichever thread drops the last reference frees it. A
// session that held a megabyte or more gives its memory back at once; for
// smaller ones it is done at most once per housekeeping pass
// (SessionManager::ExpireIdle, every second), as trimming walks every arena.
void FreeSession(Session* s) {
  const int64_t held =
      s->account()->bytes.load() + s->account()->graph_bytes.load();
  delete s;
  if (held >= (int64_t{1} << 20)) {
    g_give_back_pending.store(false);
    GiveBackMemory();
  } else {
    g_give_back_pending.store(true);
  }
}

std::shared_ptr<Session> Shared(std::unique_ptr<Session> s) {
  return std::shared_ptr<Session>(s.release(), FreeSession);
}

}  // namespace

// Several replicas may share one snapshot directory (one volume behind a
// balancer): each names its files REPLICA.ID.session and writes, removes
// and restores only its own, so a replica never deletes or adopts another's
// sessions.
std::string SessionManager::SnapshotFileName(const std::string& id) const {
  return absl::StrCat(options_.replica_id, ".", id, kSnapshotSuffix);
}

bool SessionManager::IsOwnSnapshotFile(const std::string& name) const {
  const std::string prefix = options_.replica_id + ".";
  if (!absl::StartsWith(name, prefix) || !absl::EndsWith(name, kSnapshotSuffix))
    return false;
  const size_t id_len = name.size() - prefix.size() - strlen(kSnapshotSuffix);
  // The exact id length keeps replica "a" off replica "a.b"'s files.
  return id_len == 32 && IsSessionId(name.substr(prefix.size(), id_len));
}

bool IsSessionId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string TokenFingerprint(const std::string& token) {
  if (token.empty()) return "";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

SessionManager::SessionManager(ServerOptions options)
    : options_(std::move(options)),
      token_(absl::StrCat(options_.replica_id, "/", NewSessionId())) {}

v1::SessionOptions SessionManager::Normalize(
    const v1::SessionOptions& requested) const {
  v1::SessionOptions opts = requested;
  if (opts.idle_ttl_seconds() <= 0 ||
      opts.idle_ttl_seconds() > kMaxIdleTtlSeconds) {
    opts.set_idle_ttl_seconds(options_.default_idle_ttl_seconds);
  }
  if (opts.memory_limit_bytes() <= 0 ||
      opts.memory_limit_bytes() > options_.limits.memory_limit_bytes) {
    // A session may ask for less than the server's limit, never more.
    opts.set_memory_limit_bytes(options_.limits.memory_limit_bytes);
  }
  return opts;
}

absl::StatusOr<std::shared_ptr<Session>> SessionManager::Create(
    const v1::SessionOptions& requested, const std::string& owner,
    const std::string& proposed_id) {
  if (draining()) {
    return absl::UnavailableError(
        "the server is shutting down and takes no new sessions; retry (a "
        "balancer sends the retry to another replica)");
  }
  TENSORD_RETURN_IF_ERROR(CheckSessionOptions(requested));
  const v1::SessionOptions opts = Normalize(requested);
  const bool proposed = IsSessionId(proposed_id);
  if (options_.store != nullptr) {
    if (proposed) {
      absl::StatusOr<std::shared_ptr<Session>> s =
          CreateInStore(opts, owner, proposed_id);
      if (s.ok() || s.status().code() != absl::StatusCode::kAlreadyExists) {
        return s;
      }
      // The id exists: a retry of this very call (whose reply was lost)
      // gets its session back; anything else a fresh id.
      absl::StatusOr<SessionRef> existing = Get(proposed_id, owner);
      if (existing.ok()) {
        std::shared_ptr<Session> same;
        absl::MutexLock lock(&mu_);
        auto it = sessions_.find(proposed_id);
        if (it != sessions_.end()) same = it->second;
        if (same != nullptr) return same;
      } else if (existing.status().code() == absl::StatusCode::kUnavailable) {
        return existing.status();
      }
    }
    for (int attempt = 0;; ++attempt) {
      absl::StatusOr<std::shared_ptr<Session>> s =
          CreateInStore(opts, owner, NewSessionId());
      if (s.ok() || s.status().code() != absl::StatusCode::kAlreadyExists ||
          attempt == 3) {
        return s;
      }
    }
  }
  absl::MutexLock lock(&mu_);
  if (proposed) {
    auto it = sessions_.find(proposed_id);
    // A retry of this call (its reply lost) gets its session back.
    if (it != sessions_.end() && it->second->owner() == owner) {
      return it->second;
    }
  }
  if (static_cast<int64_t>(sessions_.size()) >= options_.max_sessions) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the server holds its maximum of ", options_.max_sessions,
                     " sessions; close one or try later"));
  }
  // A proposed id that is taken (by another owner, or a collision) is not
  // an error: the caller gets a fresh id and reads it from the reply.
  std::string id =
      proposed && !sessions_.count(proposed_id) ? proposed_id : NewSessionId();
  std::shared_ptr<Session> s = Shared(std::make_unique<Session>(
      id, owner, opts, options_.limits, options_.replica_id));
  sessions_[id] = s;
  return s;
}

int64_t SessionManager::KeepMs(const Session& s) const {
  // Past its idle TTL a session is gone anyway; the store forgets it an
  // hour later (its holder deletes it at expiry; this covers a holder that
  // died with no client coming back).
  Session& session = const_cast<Session&>(s);
  v1::Session d;
  session.Describe(&d);
  return d.options().idle_ttl_seconds() * 1000 + 3600 * 1000;
}

absl::StatusOr<std::shared_ptr<Session>> SessionManager::CreateInStore(
    const v1::SessionOptions& opts, const std::string& owner,
    const std::string& id) {
  {
    absl::MutexLock lock(&mu_);
    if (static_cast<int64_t>(sessions_.size()) >= options_.max_sessions) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the server holds its maximum of ", options_.max_sessions,
          " sessions; close one or try later"));
    }
    if (sessions_.count(id) || adopting_.count(id)) {
      return absl::AlreadyExistsError("session id taken");
    }
  }
  std::shared_ptr<Session> s = Shared(std::make_unique<Session>(
      id, owner, opts, options_.limits, options_.replica_id));
  std::ostringstream bytes;
  TENSORD_RETURN_IF_ERROR(s->WriteSnapshot(&bytes));
  const int64_t t0 = NowMs();
  TENSORD_ASSIGN_OR_RETURN(
      bool created, options_.store->Create(id, owner, token_, options_.lease_ms,
                                           bytes.str(), KeepMs(*s)));
  if (!created) return absl::AlreadyExistsError("session id taken");
  s->set_lease_until_ms(t0 + options_.lease_ms);
  s->stored_calls.store(s->calls_done());
  absl::MutexLock lock(&mu_);
  sessions_[id] = s;
  return s;
}

absl::StatusOr<SessionRef> SessionManager::Get(const std::string& id,
                                               const std::string& owner) {
  auto not_found = [&] {
    return absl::NotFoundError(
        absl::StrCat("session ", Quoted(id), " not found"));
  };
  std::shared_ptr<Session> s;
  {
    absl::MutexLock lock(&mu_);
    for (;;) {
      auto it = sessions_.find(id);
      if (it != sessions_.end()) {
        s = it->second;
        break;
      }
      if (options_.store == nullptr || !IsSessionId(id)) return not_found();
      if (!adopting_.count(id)) {
        adopting_.insert(id);
        break;
      }
      // Another call is taking it over: wait for that one.
      adopted_.WaitWithTimeout(&mu_, absl::Milliseconds(100));
    }
  }
  if (s == nullptr) {
    absl::StatusOr<std::shared_ptr<Session>> taken = Adopt(id, owner);
    {
      absl::MutexLock lock(&mu_);
      adopting_.erase(id);
      if (taken.ok()) sessions_[id] = *taken;
    }
    adopted_.SignalAll();
    TENSORD_RETURN_IF_ERROR(taken.status());
    s = *std::move(taken);
  }
  if (s->owner() != owner) return not_found();
  s->gate().ReaderLock();
  SessionRef ref(s);
  if (s->moved()) {
    return absl::UnavailableError(absl::StrCat(
        "session ", id,
        " moved to another replica while this call waited; retry"));
  }
  // Refused once half the lease is gone unrenewed (renewals come every
  // quarter): a call admitted now ends, in all but very long calls, before
  // another replica could take the session.
  if (options_.store != nullptr &&
      NowMs() >= s->lease_until_ms() - options_.lease_ms / 2) {
    return absl::UnavailableError(
        absl::StrCat("this replica could not renew its lease on session ", id,
                     " (the session store ", options_.store->display_address(),
                     " is out of reach); retry"));
  }
  return ref;
}

absl::StatusOr<std::shared_ptr<Session>> SessionManager::Adopt(
    const std::string& id, const std::string& owner) {
  if (draining()) {
    return absl::UnavailableError(
        "the server is shutting down and takes no sessions over; retry");
  }
  SessionStore& store = *options_.store;
  // Another tenant's call (or a made-up id) never moves a session.
  TENSORD_ASSIGN_OR_RETURN(std::optional<std::string> stored_owner,
                           store.Owner(id));
  if (!stored_owner || *stored_owner != owner) {
    return absl::NotFoundError(
        absl::StrCat("session ", Quoted(id), " not found"));
  }
  // A holder that is alive hands over in milliseconds; one that died lets
  // its lease run out within lease_ms.
  const absl::Time deadline =
      absl::Now() + absl::Milliseconds(options_.lease_ms) + absl::Seconds(2);
  std::string asked;
  absl::Duration pause = absl::Milliseconds(5);
  for (;;) {
    const int64_t t0 = NowMs();
    TENSORD_ASSIGN_OR_RETURN(bool mine,
                             store.Acquire(id, token_, options_.lease_ms));
    if (mine) {
      absl::StatusOr<std::optional<std::string>> bytes = store.Get(id);
      absl::StatusOr<std::unique_ptr<Session>> loaded =
          !bytes.ok() ? absl::StatusOr<std::unique_ptr<Session>>(bytes.status())
          : !*bytes
              ? absl::NotFoundError(
                    absl::StrCat("session ", Quoted(id), " not found"))
              : [&] {
                  std::istringstream in(**bytes);
                  return Session::ReadSnapshot(
                      &in, (*bytes)->size(), id, options_.limits,
                      options_.replica_id, [this](const v1::SessionOptions& o) {
                        return Normalize(o);
                      });
                }();
      if (loaded.ok() && (*loaded)->owner() != owner) {
        loaded = absl::NotFoundError(
            absl::StrCat("session ", Quoted(id), " not found"));
      }
      if (loaded.ok()) {
        absl::MutexLock lock(&mu_);
        if (static_cast<int64_t>(sessions_.size()) >= options_.max_sessions) {
          loaded = absl::UnavailableError(absl::StrCat(
              "this replica holds its maximum of ", options_.max_sessions,
              " sessions and cannot take session ", id, " over; retry"));
        }
      }
      if (!loaded.ok()) {
        (void)store.Release(id, token_);
        if (loaded.status().code() == absl::StatusCode::kDataLoss) {
          Log(absl::StrCat("session ", id, " in the store is unreadable (",
                           loaded.status().message(), ")"));
        }
        return loaded.status();
      }
      std::shared_ptr<Session> s = Shared(*std::move(loaded));
      s->set_lease_until_ms(t0 + options_.lease_ms);
      const bool handed_over = store.TakeHandedOver(id).value_or(false);
      s->stored_calls.store(s->calls_done());
      // Handed over by a holder we asked, or loaded from the last
      // snapshot (the holder's lease ran out, or there was none).
      (handed_over ? takeovers_from_replica_ : takeovers_from_snapshot_)
          .fetch_add(1);
      Log(absl::StrCat("took session ", id, " over",
                       handed_over ? absl::StrCat(" from ", asked)
                                   : " from its last snapshot"));
      return s;
    }
    TENSORD_ASSIGN_OR_RETURN(std::string holder, store.Holder(id));
    if (holder == token_) {
      // This replica holds it: a CreateSession of the same id is putting
      // it in place right now.
      absl::MutexLock lock(&mu_);
      auto it = sessions_.find(id);
      if (it != sessions_.end()) return it->second;
    }
    if (!holder.empty() && holder != token_ && holder != asked) {
      TENSORD_RETURN_IF_ERROR(store.AskHandoff(holder, id));
      asked = holder;
    }
    if (absl::Now() >= deadline) {
      return absl::UnavailableError(
          absl::StrCat("session ", id, " is held by replica ",
                       holder.substr(0, holder.rfind('/')),
                       ", which did not hand it over in time; retry"));
    }
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(100));
  }
}

absl::StatusOr<bool> SessionManager::PutSession(Session& s) {
  const uint64_t done = s.calls_done();
  std::ostringstream bytes;
  TENSORD_RETURN_IF_ERROR(s.WriteSnapshot(&bytes));
  TENSORD_ASSIGN_OR_RETURN(
      bool held, options_.store->Put(s.id(), token_, bytes.str(), KeepMs(s)));
  if (held) s.stored_calls.store(done);
  return held;
}

absl::Status SessionManager::Evict(const std::shared_ptr<Session>& s, bool save,
                                   bool remove_from_store) {
  SessionStore* store = options_.store;
  absl::Status st;
  {
    absl::WriterMutexLock gate(&s->gate());  // waits for calls in flight
    if (s->moved()) {
      // Gone already: handed over meanwhile (a close must then follow it).
      return remove_from_store ? absl::AbortedError("the session moved")
                               : absl::OkStatus();
    }
    if (store != nullptr && save) {
      absl::StatusOr<bool> held = PutSession(*s);
      // Not written: the session stays here (a later handoff or the
      // drain tries again), unless its lease is gone anyway.
      if (!held.ok()) return held.status();
    }
    bool lost = false;
    if (store != nullptr && remove_from_store) {
      absl::StatusOr<bool> deleted = store->Delete(s->id(), token_);
      if (!deleted.ok()) return deleted.status();
      lost = !*deleted;  // another replica holds it now
    }
    s->set_moved();
    if (lost) {
      absl::MutexLock lock(&mu_);
      auto it = sessions_.find(s->id());
      if (it != sessions_.end() && it->second == s) sessions_.erase(it);
      return absl::AbortedError("the session moved");
    }
  }
  {
    absl::MutexLock lock(&mu_);
    auto it = sessions_.find(s->id());
    if (it != sessions_.end() && it->second == s) sessions_.erase(it);
  }
  if (store != nullptr && !remove_from_store) {
    st = store->Release(s->id(), token_);
    if (save) handoffs_.fetch_add(1);
  }
  return st;
}

absl::Status SessionManager::Close(const std::string& id,
                                   const std::string& owner) {
  std::shared_ptr<Session> victim;  // freed outside the lock
  if (options_.store != nullptr) {
    // Closed wherever it is: taken over first if held elsewhere. If it
    // moves away between the takeover and the close (another replica asked
    // for it), it is followed, a few times.
    for (int attempt = 0; attempt < 5; ++attempt) {
      {
        absl::StatusOr<SessionRef> ref = Get(id, owner);
        if (!ref.ok()) return ref.status();
        victim = ref->shared();
      }  // (its gate is free again before Evict takes it)
      absl::Status st = Evict(victim, /*save=*/false,
                              /*remove_from_store=*/true);
      victim.reset();  // freed here unless a call still holds it
      if (st.code() != absl::StatusCode::kAborted) return st;
    }
    return absl::UnavailableError(absl::StrCat(
        "session ", id, " kept moving between replicas; retry the close"));
  } else {
    absl::MutexLock lock(&mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || it->second->owner() != owner) {
      return absl::NotFoundError(
          absl::StrCat("session ", Quoted(id), " not found"));
    }
    victim = std::move(it->second);
    sessions_.erase(it);
  }
  victim.reset();  // freed here unless a call still holds it (FreeSession)
  return absl::OkStatus();
}

std::vector<std::shared_ptr<Session>> SessionManager::List(
    const std::string& owner) {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<Session>> out;
  for (const auto& [id, s] : sessions_) {
    if (s->owner() == owner) out.push_back(s);
  }
  return out;
}

SessionManager::Totals SessionManager::GetTotals() {
  absl::MutexLock lock(&mu_);
  Totals t;
  t.sessions = static_cast<int64_t>(sessions_.size());
  for (const auto& [id, s] : sessions_) {
    t.bytes += s->account()->bytes.load();
    t.graph_bytes += s->account()->graph_bytes.load();
  }
  t.takeovers_from_replica = takeovers_from_replica_.load();
  t.takeovers_from_snapshot = takeovers_from_snapshot_.load();
  t.handoffs = handoffs_.load();
  t.leases_lost = leases_lost_.load();
  return t;
}

int64_t SessionManager::size() {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(sessions_.size());
}

int SessionManager::ExpireIdle(int64_t now_ms) {
  std::vector<std::shared_ptr<Session>> expired;  // freed outside the lock
  {
    absl::MutexLock lock(&mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second->Expired(now_ms)) {
        expired.push_back(it->second);
        if (options_.store == nullptr) {
          it = sessions_.erase(it);
          continue;
        }
      }
      ++it;
    }
  }
  int n = static_cast<int>(expired.size());
  if (options_.store != nullptr) {
    for (const auto& s : expired) {
      // Ended in the store too; if that fails, it is tried again next time.
      if (!Evict(s, /*save=*/false, /*remove_from_store=*/true).ok()) --n;
    }
  }
  expired.clear();  // see FreeSession
  if (g_give_back_pending.exchange(false)) GiveBackMemory();
  return n;
}

void SessionManager::RenewLeases() {
  if (options_.store == nullptr) return;
  std::vector<std::shared_ptr<Session>> all;
  std::vector<std::string> ids;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, s] : sessions_) {
      all.push_back(s);
      ids.push_back(id);
    }
  }
  if (ids.empty()) return;
  const int64_t t0 = NowMs();
  absl::StatusOr<std::vector<bool>> held =
      options_.store->Renew(ids, token_, options_.lease_ms);
  if (!held.ok()) {
    // The leases run out on their own: calls fail with UNAVAILABLE until
    // the store is back, and no other replica can take the sessions before
    // that either.
    Log(absl::StrCat("cannot renew session leases: ", held.status().message()));
    return;
  }
  for (size_t i = 0; i < all.size(); ++i) {
    if ((*held)[i]) {
      all[i]->set_lease_until_ms(t0 + options_.lease_ms);
      continue;
    }
    leases_lost_.fetch_add(1);
    Log(absl::StrCat("lost the lease on session ", ids[i],
                     " (another replica took it over); dropped here"));
    // Not Evict: that would wait for this session's calls in flight and
    // hold up the next renewal of every other session. Calls that reach it
    // from now on see it moved.
    all[i]->set_moved();
    absl::MutexLock lock(&mu_);
    auto it = sessions_.find(ids[i]);
    if (it != sessions_.end() && it->second == all[i]) sessions_.erase(it);
  }
}

void SessionManager::ServeHandoffs(absl::Duration wait) {
  if (options_.store == nullptr) return;
  absl::StatusOr<std::vector<std::string>> ids =
      options_.store->NextHandoffs(token_, wait);
  if (!ids.ok()) {
    Log(absl::StrCat("cannot read handoff requests: ", ids.status().message()));
    absl::SleepFor(wait);
    return;
  }
  for (const std::string& id : *ids) {
    std::shared_ptr<Session> s;
    {
      absl::MutexLock lock(&mu_);
      auto it = sessions_.find(id);
      if (it != sessions_.end()) s = it->second;
    }
    if (s == nullptr) continue;  // not here (any more)
    absl::Status st = Evict(s, /*save=*/true, /*remove_from_store=*/false);
    if (st.ok()) {
      Log(absl::StrCat("handed session ", id, " over"));
    } else {
      Log(absl::StrCat("cannot hand session ", id, " over: ", st.message()));
    }
  }
}

int SessionManager::HandOffAll() {
  if (options_.store == nullptr) return 0;
  std::vector<std::shared_ptr<Session>> all;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, s] : sessions_) all.push_back(s);
  }
  int n = 0;
  for (const auto& s : all) {
    absl::Status st = Evict(s, /*save=*/true, /*remove_from_store=*/false);
    if (st.ok()) {
      ++n;
    } else {
      Log(absl::StrCat("cannot hand session ", s->id(), " over (", st.message(),
                       "); it comes back from its last snapshot"));
    }
  }
  return n;
}

absl::Status SessionManager::SaveSnapshots() {
  namespace fs = std::filesystem;
  if (options_.store != nullptr) {
    std::vector<std::shared_ptr<Session>> all;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& [id, s] : sessions_) all.push_back(s);
    }
    absl::Status first_error;
    for (const auto& s : all) {
      if (s->stored_calls.load() == s->calls_done()) continue;  // unchanged
      // Shared: calls go on; a move waits (and writes a newer state after).
      absl::ReaderMutexLock gate(&s->gate());
      if (s->moved()) continue;
      absl::StatusOr<bool> held = PutSession(*s);
      if (!held.ok()) {
        Log(absl::StrCat("snapshot of session ", s->id(), " failed (",
                         held.status().message(), ")"));
        if (first_error.ok()) first_error = held.status();
      }
    }
    return first_error;
  }
  if (options_.snapshot_dir.empty()) return absl::OkStatus();
  std::error_code ec;
  fs::create_directories(options_.snapshot_dir, ec);
  if (ec || !fs::is_directory(options_.snapshot_dir, ec)) {
    return absl::UnavailableError(
        absl::StrCat("cannot create snapshot directory ", options_.snapshot_dir,
                     ec ? ": " + ec.message() : ""));
  }
  std::vector<std::shared_ptr<Session>> all;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, s] : sessions_) all.push_back(s);
  }
  // One session's failure is logged and leaves its last good file in
  // place; the pass goes on with the others.
  std::set<std::string> live;
  absl::Status first_error;
  for (const auto& s : all) {
    const fs::path final_path =
        fs::path(options_.snapshot_dir) / SnapshotFileName(s->id());
    live.insert(final_path.filename().string());
    absl::Status st = WriteSnapshotFile(*s, final_path);
    if (!st.ok()) {
      Log(absl::StrCat("snapshot of session ", s->id(), " failed (",
                       st.message(), "); its last good snapshot is kept"));
      if (first_error.ok()) first_error = st;
    }
  }
  // Sessions closed since the last snapshot must not come back.
  for (const auto& entry : fs::directory_iterator(options_.snapshot_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (IsOwnSnapshotFile(name) && !live.count(name)) {
      fs::remove(entry.path(), ec);
    }
  }
  return first_error;
}

absl::Status SessionManager::WriteSnapshotFile(
    Session& session, const std::filesystem::path& final_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path tmp_path = final_path.string() + ".tmp";
  absl::Status st;
  {
    std::ofstream f(tmp_path, std::ios::binary | std::ios::trunc);
    // Tensor data is the clients': readable by the server's user only.
    fs::permissions(tmp_path, fs::perms::owner_read | fs::perms::owner_write,
                    ec);
    st = f ? session.WriteSnapshot(&f)
           : absl::UnavailableError(
                 absl::StrCat("cannot write ", tmp_path.string(),
                              " (directory unwritable or full?)"));
    if (st.ok()) {
      f.close();
      if (!f) st = absl::UnavailableError("cannot close the snapshot file");
    }
  }
  if (!st.ok()) {
    fs::remove(tmp_path, ec);
    return st;
  }
  fs::rename(tmp_path, final_path, ec);
  if (ec) {
    fs::remove(tmp_path, ec);
    return absl::UnavailableError(
        absl::StrCat("cannot rename snapshot into place: ", ec.message()));
  }
  return absl::OkStatus();
}

absl::Status SessionManager::CheckSnapshotDir() const {
  namespace fs = std::filesystem;
  if (options_.snapshot_dir.empty()) return absl::OkStatus();
  std::error_code ec;
  fs::create_directories(options_.snapshot_dir, ec);
  if (ec || !fs::is_directory(options_.snapshot_dir, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--snapshot_dir ", options_.snapshot_dir,
                     " is not a directory that can be created or used",
                     ec ? " (" + ec.message() + ")" : ""));
  }
  // Writable? A probe file, removed at once.
  const fs::path probe =
      fs::path(options_.snapshot_dir) / (options_.replica_id + ".probe.tmp");
  {
    std::ofstream f(probe, std::ios::binary | std::ios::trunc);
    if (!f || !(f << "probe") || !f.flush()) {
      fs::remove(probe, ec);
      return absl::InvalidArgumentError(absl::StrCat(
          "--snapshot_dir ", options_.snapshot_dir, " is not writable"));
    }
  }
  fs::remove(probe, ec);
  return absl::OkStatus();
}

absl::StatusOr<int> SessionManager::LoadSnapshots() {
  namespace fs = std::filesystem;
  if (options_.snapshot_dir.empty()) return 0;
  std::error_code ec;
  int loaded = 0;
  fs::directory_iterator it(options_.snapshot_dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot list snapshot directory ", options_.snapshot_dir,
                     ": ", ec.message()));
  }
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!IsOwnSnapshotFile(name)) continue;
    const std::string id =
        name.substr(options_.replica_id.size() + 1, 32);  // IsOwnSnapshotFile
    std::ifstream f(entry.path(), std::ios::binary);
    const uint64_t size = fs::file_size(entry.path(), ec);
    absl::StatusOr<std::unique_ptr<Session>> s =
        !f || ec
            ? absl::DataLossError("cannot open it")
            : Session::ReadSnapshot(
                  &f, size, id, options_.limits, options_.replica_id,
                  [this](const v1::SessionOptions& o) { return Normalize(o); });
    if (s.ok()) {
      absl::MutexLock lock(&mu_);
      if (sessions_.count(id)) s = absl::DataLossError("a duplicate session");
    }
    if (!s.ok()) {
      // Kept for inspection, out of the way of the next start; no later
      // pass removes it (it is no longer named like a snapshot).
      const std::string aside = entry.path().string() + ".unreadable";
      fs::rename(entry.path(), aside, ec);
      Log(absl::StrCat("set aside snapshot ", entry.path().string(), " (",
                       s.status().message(), "), kept as ", aside));
      continue;
    }
    if (absl::Status within = (*s)->CheckLimits(); !within.ok()) {
      Log(absl::StrCat("session ", id,
                       " was restored over the server's current limits (",
                       within.message(),
                       "); it keeps its data, and allocations fail until it "
                       "frees some"));
    }
    absl::MutexLock lock(&mu_);
    sessions_[id] = Shared(*std::move(s));
    ++loaded;
  }
  return loaded;
}

}  // namespace tensord::server
