#include "server/log.h"

#include <cstdio>

namespace tensord::server {

void Log(const std::string& message) {
  const std::string line = "tensord: " + message + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace tensord::server
