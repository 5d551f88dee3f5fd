#include "core/transaction.h"

#include <atomic>

namespace tensord {
namespace {
thread_local Transaction* t_current = nullptr;
std::atomic<uint64_t> g_next_serial{1};
}  // namespace

Transaction::Transaction()
    : outer_(t_current), serial_(g_next_serial.fetch_add(1)) {
  t_current = this;
}

Transaction::~Transaction() {
  if (!done_) Rollback();
  t_current = outer_;
}

Transaction* Transaction::Current() { return t_current; }

void Transaction::OnRollback(std::function<void()> undo) {
  undo_.push_back(std::move(undo));
}

void Transaction::Commit() {
  done_ = true;
  if (outer_ != nullptr) {
    // A nested transaction's changes become part of the outer one.
    for (auto& u : undo_) outer_->undo_.push_back(std::move(u));
  }
  undo_.clear();
}

void Transaction::Rollback() {
  done_ = true;
  // Undo actions must not record new undo actions into this transaction.
  Transaction* saved = t_current;
  t_current = nullptr;
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
  undo_.clear();
  t_current = saved;
}

}  // namespace tensord
