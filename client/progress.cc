#include "client/progress.h"

#include <unistd.h>

#include <algorithm>

#include "absl/time/clock.h"

namespace tensord::client {

ProgressBar::ProgressBar(std::string label, int64_t total_bytes, FILE* out)
    : ProgressBar(
          std::move(label), total_bytes, out,
          out != nullptr && isatty(fileno(out)) && total_bytes >= kMinBytes) {}

ProgressBar::ProgressBar(std::string label, int64_t total_bytes, FILE* out,
                         bool draw)
    : label_(std::move(label)),
      total_(total_bytes),
      out_(out),
      draw_(draw && out != nullptr),
      start_(absl::Now()) {}

ProgressBar::~ProgressBar() {
  if (drew_ && !finished_) {
    std::fputc('\n', out_);
    std::fflush(out_);
  }
}

void ProgressBar::Update(int64_t done) {
  done_ = done;
  if (!draw_ || finished_) return;
  const absl::Time now = absl::Now();
  if (now - last_draw_ < absl::Milliseconds(100)) return;
  Draw(now);
}

void ProgressBar::Finish() {
  if (finished_) return;
  if (draw_) {
    Draw(absl::Now());
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  finished_ = true;
}

void ProgressBar::Draw(absl::Time now) {
  constexpr double kMiB = 1 << 20;
  const int64_t done =
      std::clamp<int64_t>(done_, 0, std::max<int64_t>(total_, 0));
  const int percent = total_ > 0 ? static_cast<int>(done * 100 / total_) : 100;
  const double seconds = absl::ToDoubleSeconds(now - start_);
  const double rate = seconds > 0 ? done / kMiB / seconds : 0;
  // \r and erase-to-end-of-line redraw in place.
  std::fprintf(out_, "\r%s  %3d%%  %.1f/%.1f MiB  %.1f MiB/s\033[K",
               label_.c_str(), percent, done / kMiB, total_ / kMiB, rate);
  std::fflush(out_);
  last_draw_ = now;
  drew_ = true;
}

}  // namespace tensord::client
