// log.h — tensord's log on stderr: one line per event, as text
// ("tensord: ...") or as JSON objects (--log_format=json), plus the access
// log (one line per call, --access_log).
//
//   Log(absl::StrCat("restored ", n, " sessions"));
//   LogAccess(record);
//
// Lines never carry tensor data or tokens. Thread-safe: lines never
// interleave (a write(2) carries whole lines). Event lines are written at
// once; access lines are batched and written within 20 ms (FlushLog
// writes them now; the server calls it when it stops).
#ifndef TENSORD_SERVER_LOG_H_
#define TENSORD_SERVER_LOG_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/call.h"

namespace tensord::server {

enum class LogFormat { kText, kJson };

// "text" or "json"; INVALID_ARGUMENT otherwise.
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);
// Set once at startup, before any thread logs.
void SetLogFormat(LogFormat format);

void Log(const std::string& message);

// The access-log line of a finished call: time, method, code, duration,
// session, request id, node count, bytes in and out, peer, transport.
void LogAccess(const CallRecord& r);
// Writes the access lines not yet written.
void FlushLog();

// `s` as a JSON string literal (quotes included), escaped.
std::string JsonQuote(absl::string_view s);

}  // namespace tensord::server

#endif  // TENSORD_SERVER_LOG_H_
