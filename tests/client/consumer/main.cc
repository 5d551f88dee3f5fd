// A program built against the installed client library: connects to the
// server given as argv[1], checks health, opens a session, sums a tensor
// and prints the result. Exits non-zero on any error.
#include <cstdio>
#include <vector>

#include "client/client.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer HOST:PORT\n");
    return 2;
  }
  using tensord::client::Client;
  tensord::client::ClientOptions options;
  options.target = argv[1];
  auto client = Client::Connect(options);
  if (!client.ok()) {
    std::fprintf(stderr, "connect: %s\n", client.status().ToString().c_str());
    return 1;
  }
  if (absl::Status health = (*client)->Health(); !health.ok()) {
    std::fprintf(stderr, "health: %s\n", health.ToString().c_str());
    return 1;
  }
  auto session = (*client)->NewSession();
  if (!session.ok()) {
    std::fprintf(stderr, "session: %s\n", session.status().ToString().c_str());
    return 1;
  }
  auto x = session->FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  auto sum = x.ok() ? x->Sum({0}) : x;
  auto values = sum.ok() ? sum->ToVector<float>() : sum.status();
  if (!values.ok()) {
    std::fprintf(stderr, "sum: %s\n", values.status().ToString().c_str());
    return 1;
  }
  std::printf("sum over dim 0:");
  for (float v : *values) std::printf(" %g", v);
  std::printf("\n");
  return 0;
}
