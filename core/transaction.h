// transaction.h — all-or-nothing groups of core calls.
//
// While a Transaction is alive on a thread, every mutation the core makes to
// existing state (in-place writes, .grad changes, freeing saved tensors,
// requires_grad flags) records how to undo itself. Destroying the
// transaction without Commit() undoes them all, newest first, so a failed
// group of ops (one Execute request) leaves every tensor as it was.
//
//   {
//     Transaction txn;
//     TENSORD_RETURN_IF_ERROR(RunSteps());  // on error: rolled back
//     txn.Commit();
//   }
//
// Not thread-safe: a transaction belongs to the thread that created it, and
// the tensors it touches must not be used by other threads meanwhile.
#ifndef TENSORD_CORE_TRANSACTION_H_
#define TENSORD_CORE_TRANSACTION_H_

#include <cstdint>
#include <functional>
#include <vector>

namespace tensord {

class Transaction {
 public:
  Transaction();
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Keeps every change; runs deferred actions.
  void Commit();

  // The innermost transaction of this thread, or null.
  static Transaction* Current();

  // Registers how to undo a change that is about to be made.
  void OnRollback(std::function<void()> undo);

  // Unique over the process's life (for "back this up once per
  // transaction", e.g. Generator::WillChange).
  uint64_t serial() const { return serial_; }

 private:
  void Rollback();

  Transaction* outer_;
  uint64_t serial_;
  std::vector<std::function<void()>> undo_;
  bool done_ = false;
};

// Records `undo` in the current transaction, if any.
inline void RecordUndo(std::function<void()> undo) {
  if (Transaction* t = Transaction::Current()) t->OnRollback(std::move(undo));
}

}  // namespace tensord

#endif  // TENSORD_CORE_TRANSACTION_H_
