#include "server/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "absl/strings/str_cat.h"

namespace tensord::server {
namespace {

LogFormat g_format = LogFormat::kText;

void WriteLine(const std::string& line) {
  // One write, retried only for the part a signal or a pipe cut short.
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(2, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// RFC 3339 UTC time with microseconds: "2024-05-01T12:00:00.123456Z".
void AppendNow(std::string* out) {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  struct tm tm;
  gmtime_r(&tv.tv_sec, &tm);
  char buf[40];
  const int n =
      std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
                    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                    tm.tm_min, tm.tm_sec, static_cast<long>(tv.tv_usec));
  out->append(buf, static_cast<size_t>(n));
}

void AppendMillis(std::string* out, int64_t ns) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof(buf), "%.3f", ns * 1e-6);
  out->append(buf, static_cast<size_t>(n));
}

// A value a client chose (session id, peer), for the text format: printable
// ASCII without spaces, or cut and replaced by '?'.
std::string Clean(absl::string_view s) {
  std::string out(s.substr(0, 128));
  for (char& c : out) {
    if (c <= ' ' || c > '~' || c == '"') c = '?';
  }
  return out.empty() ? "-" : out;
}

}  // namespace

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("--log_format=", name, " is not text or json"));
}

void SetLogFormat(LogFormat format) { g_format = format; }

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          // Bytes outside ASCII are escaped one by one, so any input gives
          // valid JSON (a UTF-8 sequence shows as its bytes).
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
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
  WriteLine(line);
}

void LogAccess(const CallRecord& r) {
  std::string line;
  line.reserve(384);
  const absl::string_view method = MethodName(r.method);
  const absl::string_view code = CodeName(r.code);
  if (g_format == LogFormat::kJson) {
    line = "{\"time\":\"";
    AppendNow(&line);
    absl::StrAppend(&line, "\",\"level\":\"info\",\"msg\":\"access\"",
                    ",\"method\":\"", method, "\",\"code\":\"", code,
                    "\",\"duration_ms\":");
    AppendMillis(&line, r.duration_ns);
    absl::StrAppend(
        &line, ",\"session\":", JsonQuote(r.session_id.substr(0, 128)),
        ",\"request_id\":", JsonQuote(r.request_id), ",\"nodes\":", r.nodes,
        ",\"bytes_in\":", r.bytes_in, ",\"bytes_out\":", r.bytes_out,
        ",\"peer\":", JsonQuote(r.peer), ",\"transport\":\"", r.transport,
        "\"}\n");
  } else {
    line = "tensord: access time=";
    AppendNow(&line);
    absl::StrAppend(&line, " method=", method, " code=", code, " duration_ms=");
    AppendMillis(&line, r.duration_ns);
    absl::StrAppend(&line, " session=", Clean(r.session_id),
                    " request_id=", Clean(r.request_id), " nodes=", r.nodes,
                    " bytes_in=", r.bytes_in, " bytes_out=", r.bytes_out,
                    " peer=", Clean(r.peer), " transport=", r.transport, "\n");
  }
  WriteLine(line);
}

}  // namespace tensord::server
