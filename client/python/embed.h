// embed.h — tensorctl's CPython: runs the tensord package's _cli (run, eval,
// repl) in an interpreter embedded in the tensorctl process, with the
// package's native half (_C) built in, so `import torch` in a script is
// tensord.torch and no Python installation of the package is needed.
//
//   PythonOptions o;
//   o.server = "127.0.0.1:50051";
//   return RunPython("run", {"train.py"}, o);  // the script's exit status
#ifndef TENSORD_CLIENT_PYTHON_EMBED_H_
#define TENSORD_CLIENT_PYTHON_EMBED_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tensord::python {

struct PythonOptions {
  std::string server, token, tls_ca, session;
  bool tls = false;
  bool json = false;
  double timeout = 60;
  std::optional<uint64_t> seed;
  int64_t memory_limit = 0;
};

// Runs tensord._cli.main(command, options, args) in an embedded CPython and
// returns its exit status (1 if Python itself fails). Call once per process.
int RunPython(const std::string& command, const std::vector<std::string>& args,
              const PythonOptions& options);

}  // namespace tensord::python

#endif  // TENSORD_CLIENT_PYTHON_EMBED_H_
