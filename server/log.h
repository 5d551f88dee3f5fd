// log.h — tensord's log: one line per event on stderr ("tensord: ...").
// Lines never carry tensor data or tokens.
//
//   Log(absl::StrCat("restored ", n, " sessions"));
//
// Thread-safe (one write per line).
#ifndef TENSORD_SERVER_LOG_H_
#define TENSORD_SERVER_LOG_H_

#include <string>

namespace tensord::server {

void Log(const std::string& message);

}  // namespace tensord::server

#endif  // TENSORD_SERVER_LOG_H_
