#include "server/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tensord::server {
namespace {

LogFormat g_format = LogFormat::kText;

void WriteAll(const char* data, size_t size) {
  // Retried only for the part a signal or a pipe cut short.
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(2, data + done, size - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// The lines of stderr. Access-log lines are batched: a call appends its
// line to a buffer (one short critical section, no system call), and a
// writer thread writes the buffer every 20 ms (a call writes it only when
// it holds 1 MiB, past what 20 ms of calls add). Per-call write(2)s to a pipe
// cost tensord about 5% on a small Execute (bench/remote_bench's
// exec_add_4_logging, since replaced by exec_add_4_metrics_log), mostly in
// waking the reader. Event lines (Log) are written at once, after what is
// buffered, so the order of lines is kept. A write carries whole lines
// only. The writer thread waits on its own mutex, and a line is formatted
// without printf: with the writer waiting on the buffer's mutex and
// snprintf for the numbers, the access log cost about 7% of a small
// Execute's p50 (exec_add_4_metrics_log, server pinned), now 2-3%.
class LogWriter {
 public:
  LogWriter() : thread_([this] { Run(); }) {}
  ~LogWriter() {
    {
      absl::MutexLock lock(&wake_mu_);
      stop_ = true;
    }
    thread_.join();
    Flush();
  }

  void Access(absl::string_view line) {
    bool full;
    {
      absl::MutexLock lock(&mu_);
      buffer_.append(line.data(), line.size());
      full = buffer_.size() >= kFlushBytes;
    }
    if (full) Flush();
  }

  void Event(const std::string& line) {
    absl::MutexLock lock(&write_mu_);
    FlushLocked();
    WriteAll(line.data(), line.size());
  }

  void Flush() {
    absl::MutexLock lock(&write_mu_);
    FlushLocked();
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;

  void FlushLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    {
      absl::MutexLock lock(&mu_);
      out_.swap(buffer_);
    }
    if (!out_.empty()) WriteAll(out_.data(), out_.size());
    out_.clear();
  }

  // The writer thread sleeps on its own mutex: a thread waiting on mu_
  // with a condition would put every call's unlock on absl::Mutex's slow
  // path (the unlocker checks the waiter's condition).
  void Run() {
    for (;;) {
      {
        absl::MutexLock lock(&wake_mu_);
        if (wake_mu_.AwaitWithTimeout(absl::Condition(&stop_),
                                      absl::Milliseconds(20))) {
          return;
        }
      }
      Flush();
    }
  }

  absl::Mutex write_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // one writer at a time
  std::string out_ ABSL_GUARDED_BY(write_mu_);
  absl::Mutex mu_;  // only ever held for an append or a swap
  std::string buffer_ ABSL_GUARDED_BY(mu_);
  absl::Mutex wake_mu_;
  bool stop_ ABSL_GUARDED_BY(wake_mu_) = false;
  std::thread thread_;
};

LogWriter& Writer() {
  static LogWriter writer;
  return writer;
}

// `v` (0 <= v < 10^digits) as exactly `digits` decimal digits.
void AppendDigits(std::string* out, int64_t v, int digits) {
  char buf[20];
  for (int i = digits - 1; i >= 0; --i, v /= 10) {
    buf[i] = static_cast<char>('0' + v % 10);
  }
  out->append(buf, static_cast<size_t>(digits));
}

// RFC 3339 UTC time with microseconds: "2024-05-01T12:00:00.123456Z". The
// part up to the second is made once a second per thread; the rest without
// printf (the access log writes one per call).
void AppendNow(std::string* out) {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  thread_local time_t cached_sec = -1;
  thread_local char cached[80];
  if (tv.tv_sec != cached_sec) {
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    std::snprintf(cached, sizeof(cached), "%04d-%02d-%02dT%02d:%02d:%02d",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec);
    cached_sec = tv.tv_sec;
  }
  out->append(cached);
  out->push_back('.');
  AppendDigits(out, tv.tv_usec, 6);
  out->push_back('Z');
}

// Nanoseconds as milliseconds with three decimals, rounded to the nearest
// microsecond ("0.051"), as printf's "%.3f" writes them (but for an exact
// half microsecond, which goes up here).
void AppendMillis(std::string* out, int64_t ns) {
  if (ns < 0) {
    out->push_back('-');
    ns = -ns;
  }
  const int64_t us = (ns + 500) / 1000;
  absl::StrAppend(out, us / 1000);
  out->push_back('.');
  AppendDigits(out, us % 1000, 3);
}

// Appends a value a client chose (session id, peer), for the text format:
// printable ASCII without spaces, cut to 128 bytes, others shown as '?'.
void AppendClean(std::string* out, absl::string_view s) {
  if (s.empty()) {
    out->push_back('-');
    return;
  }
  const size_t start = out->size();
  const absl::string_view cut = s.substr(0, 128);
  out->append(cut.data(), cut.size());
  for (size_t i = start; i < out->size(); ++i) {
    char& c = (*out)[i];
    if (c <= ' ' || c > '~' || c == '"') c = '?';
  }
}

// Whether `c` needs an escape in a JSON string.
bool NeedsJsonEscape(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20 || c >= 0x7f;
}

// Appends `s` as a JSON string literal.
void AppendJson(std::string* out, absl::string_view s) {
  out->push_back('"');
  // Ids and peers have nothing to escape: one append.
  if (std::none_of(s.begin(), s.end(), [](char c) {
        return NeedsJsonEscape(static_cast<unsigned char>(c));
      })) {
    out->append(s.data(), s.size());
    out->push_back('"');
    return;
  }
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          // Bytes outside ASCII are escaped one by one, so any input gives
          // valid JSON (a UTF-8 sequence shows as its bytes).
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("--log_format=", name, " is not text or json"));
}

void SetLogFormat(LogFormat format) { g_format = format; }

void FlushLog() { Writer().Flush(); }

std::string JsonQuote(absl::string_view s) {
  std::string out;
  AppendJson(&out, s);
  return out;
}

void Log(const std::string& message) {
  std::string line;
  if (g_format == LogFormat::kJson) {
    line = "{\"time\":\"";
    AppendNow(&line);
    absl::StrAppend(&line, "\",\"level\":\"info\",\"msg\":", JsonQuote(message),
                    "}\n");
  } else {
    line = absl::StrCat("tensord: ", message, "\n");
  }
  Writer().Event(line);
}

void LogAccess(const CallRecord& r) {
  // One buffer per thread: no allocation per call once it has grown.
  thread_local std::string line;
  line.clear();
  const absl::string_view method = MethodName(r.method);
  const absl::string_view code = CodeName(r.code);
  if (g_format == LogFormat::kJson) {
    line += "{\"time\":\"";
    AppendNow(&line);
    absl::StrAppend(&line, "\",\"level\":\"info\",\"msg\":\"access\"",
                    ",\"method\":\"", method, "\",\"code\":\"", code,
                    "\",\"duration_ms\":");
    AppendMillis(&line, r.duration_ns);
    line += ",\"session\":";
    AppendJson(&line, r.session_id.substr(0, 128));
    line += ",\"request_id\":";
    AppendJson(&line, r.request_id);
    absl::StrAppend(&line, ",\"nodes\":", r.nodes, ",\"bytes_in\":", r.bytes_in,
                    ",\"bytes_out\":", r.bytes_out, ",\"peer\":");
    AppendJson(&line, r.peer);
    absl::StrAppend(&line, ",\"transport\":\"", r.transport, "\"}\n");
  } else {
    line += "tensord: access time=";
    AppendNow(&line);
    absl::StrAppend(&line, " method=", method, " code=", code, " duration_ms=");
    AppendMillis(&line, r.duration_ns);
    line += " session=";
    AppendClean(&line, r.session_id);
    line += " request_id=";
    AppendClean(&line, r.request_id);
    absl::StrAppend(&line, " nodes=", r.nodes, " bytes_in=", r.bytes_in,
                    " bytes_out=", r.bytes_out, " peer=");
    AppendClean(&line, r.peer);
    absl::StrAppend(&line, " transport=", r.transport, "\n");
  }
  Writer().Access(line);
}

}  // namespace tensord::server
