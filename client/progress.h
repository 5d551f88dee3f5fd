// progress.h — a one-line progress bar for large transfers, on a terminal.
//
//   ProgressBar bar("x.npy", data.data().size(), stderr);
//   absl::Status st = UploadNamed(session, "x", data,
//       [&](int64_t done, int64_t total) { bar.Update(done); });
//   bar.Finish();
//
// It draws only when `out` is a terminal and the transfer is at least
// kMinBytes (8 MiB); otherwise every call does nothing, so callers need no
// checks of their own. Redraws are throttled to about ten a second. The line
// shows the label, percent, MiB done/total and the rate in MiB/s:
//
//   x.npy   42%   27.0/64.0 MiB   812.4 MiB/s
//
// Not thread-safe: one thread updates a bar.
#ifndef TENSORD_CLIENT_PROGRESS_H_
#define TENSORD_CLIENT_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "absl/time/time.h"

namespace tensord::client {

// Called as bytes move: `done` of `total` bytes so far.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

class ProgressBar {
 public:
  static constexpr int64_t kMinBytes = int64_t{8} << 20;

  // Draws on `out` (not owned; must outlive the bar) if it is a terminal and
  // total_bytes >= kMinBytes.
  ProgressBar(std::string label, int64_t total_bytes, FILE* out);
  // Draws if and only if `draw` (for tests and callers that decide
  // themselves).
  ProgressBar(std::string label, int64_t total_bytes, FILE* out, bool draw);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  // Ends the line if the bar drew and Finish was not called.
  ~ProgressBar();

  bool drawing() const { return draw_; }
  // `done` bytes of the total have moved; redraws at most every 100 ms.
  void Update(int64_t done);
  // Draws the final state and ends the line. Later calls do nothing.
  void Finish();

 private:
  void Draw(absl::Time now);

  std::string label_;
  int64_t total_;
  FILE* out_;
  bool draw_;
  bool finished_ = false;
  bool drew_ = false;
  int64_t done_ = 0;
  absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
};

}  // namespace tensord::client

#endif  // TENSORD_CLIENT_PROGRESS_H_
