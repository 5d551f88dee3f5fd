// tsan_absl.cc — lets ThreadSanitizer see abseil's synchronization, which
// Debian's libabsl was not built to report. Linked into every executable of
// a -DTENSORD_SANITIZE=thread build only (CMakeLists.txt).
//
// absl::Mutex, absl::CondVar and absl::Notification work with atomics and
// futexes inside libabsl_synchronization.so, which is not instrumented, so
// without help TSan sees no happens-before edge between an Unlock on one
// thread and the next Lock on another and reports every field an
// ABSL_GUARDED_BY mutex protects as a race. This file defines the
// out-of-line members the project and gRPC call; the executable's
// definitions take precedence over the shared library's (ELF
// interposition), call the library's own through dlsym(RTLD_NEXT), and tell
// TSan about the edge: __tsan_release(mu) before a mutex is given up,
// __tsan_acquire(mu) once it is held.
//
// Readers are annotated like writers (an edge from every unlock to every
// later lock): that can hide a race between two readers, never invent one.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#ifndef ABSL_OPTION_INLINE_NAMESPACE_NAME
#error "abseil without an inline namespace: adjust the mangled names below"
#endif
#define TENSORD_STR2(x) #x
#define TENSORD_STR(x) TENSORD_STR2(x)

namespace {

// The library's definition of absl::<rest> (its mangled name is
// "_ZN" ["K" for a const member] "4absl" <inline namespace> <rest>).
void* Real(const char* rest, bool const_member = false) {
  const std::string ns = TENSORD_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name = std::string(const_member ? "_ZNK" : "_ZN") +
                           "4absl" + std::to_string(ns.size()) + ns + rest;
  void* f = dlsym(RTLD_NEXT, name.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl: %s not found\n", name.c_str());
    std::abort();
  }
  return f;
}

}  // namespace

// `real`: the library's function, looked up once.
#define TENSORD_REAL(rest, R, ...) \
  static const auto real = reinterpret_cast<R (*)(__VA_ARGS__)>(Real(rest))
#define TENSORD_REAL_CONST(rest, R, ...) \
  static const auto real =               \
      reinterpret_cast<R (*)(__VA_ARGS__)>(Real(rest, /*const_member=*/true))

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  TENSORD_REAL("5Mutex4LockEv", void, Mutex*);
  real(this);
  __tsan_acquire(this);
}

void Mutex::ReaderLock() {
  TENSORD_REAL("5Mutex10ReaderLockEv", void, Mutex*);
  real(this);
  __tsan_acquire(this);
}

bool Mutex::TryLock() {
  TENSORD_REAL("5Mutex7TryLockEv", bool, Mutex*);
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  TENSORD_REAL("5Mutex13ReaderTryLockEv", bool, Mutex*);
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::Unlock() {
  TENSORD_REAL("5Mutex6UnlockEv", void, Mutex*);
  __tsan_release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  TENSORD_REAL("5Mutex12ReaderUnlockEv", void, Mutex*);
  __tsan_release(this);
  real(this);
}

void Mutex::LockWhen(const Condition& cond) {
  TENSORD_REAL("5Mutex8LockWhenERKNS0_9ConditionE", void, Mutex*,
               const Condition&);
  real(this, cond);
  __tsan_acquire(this);
}

// Await releases the mutex while it waits and holds it again on return.
void Mutex::Await(const Condition& cond) {
  TENSORD_REAL("5Mutex5AwaitERKNS0_9ConditionE", void, Mutex*,
               const Condition&);
  __tsan_release(this);
  real(this, cond);
  __tsan_acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  TENSORD_REAL("5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE", bool,
               Mutex*, const Condition&, absl::Duration);
  __tsan_release(this);
  const bool met = real(this, cond, timeout);
  __tsan_acquire(this);
  return met;
}

// A CondVar wait gives `mu` up and takes it again inside libabsl
// (Mutex::UnlockSlow and its internal relock, not the Lock/Unlock above),
// so TSan would see neither edge: what other threads wrote under `mu`
// while this one waited would look unsynchronized to it. The wait is
// annotated as an unlock followed by a lock. (WaitWithTimeout calls
// WaitWithDeadline through the library's PLT, which lands here too: the
// annotations then repeat, which adds no edge that is not there.)
void CondVar::Wait(Mutex* mu) {
  TENSORD_REAL("7CondVar4WaitEPNS0_5MutexE", void, CondVar*, Mutex*);
  __tsan_release(mu);
  real(this, mu);
  __tsan_acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  TENSORD_REAL("7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE", bool,
               CondVar*, Mutex*, absl::Duration);
  __tsan_release(mu);
  const bool timed_out = real(this, mu, timeout);
  __tsan_acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  TENSORD_REAL("7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE", bool,
               CondVar*, Mutex*, absl::Time);
  __tsan_release(mu);
  const bool timed_out = real(this, mu, deadline);
  __tsan_acquire(mu);
  return timed_out;
}

void Notification::Notify() {
  TENSORD_REAL("12Notification6NotifyEv", void, Notification*);
  __tsan_release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  TENSORD_REAL_CONST("12Notification19WaitForNotificationEv", void,
                     const Notification*);
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(
    absl::Duration timeout) const {
  TENSORD_REAL_CONST(
      "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE", bool,
      const Notification*, absl::Duration);
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
