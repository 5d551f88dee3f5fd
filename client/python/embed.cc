#include "client/python/embed.h"

#include <pybind11/embed.h>
#include <pybind11/stl.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "client/python/bindings.h"

PYBIND11_EMBEDDED_MODULE(_tensord_C, m) { tensord::python::DefineModule(m); }

namespace tensord::python {
namespace {

namespace py = pybind11;
namespace fs = std::filesystem;

// Where the package's Python files may be: $TENSORD_PYTHONPATH, next to a
// build tree's tensorctl (build/client/tensorctl -> build/python), and the
// dist-packages of the prefix tensorctl is installed under.
std::vector<std::string> PackageDirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("TENSORD_PYTHONPATH"); env && *env) {
    dirs.push_back(env);
  }
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n > 0) {
    buf[n] = '\0';
    const fs::path exe_dir = fs::path(buf).parent_path();
    for (const fs::path& d : {exe_dir.parent_path() / "python",
                              exe_dir.parent_path() / "lib" /
                                  ("python" + std::to_string(PY_MAJOR_VERSION) +
                                   "." + std::to_string(PY_MINOR_VERSION)) /
                                  "dist-packages"}) {
      std::error_code ec;
      if (fs::exists(d / "tensord" / "_cli.py", ec)) dirs.push_back(d);
    }
  }
  return dirs;
}

}  // namespace

int RunPython(const std::string& command, const std::vector<std::string>& args,
              const PythonOptions& o) {
  py::scoped_interpreter python;
  try {
    py::module_ sys = py::module_::import("sys");
    py::list argv;
    argv.append("tensorctl");
    for (const std::string& a : args) argv.append(a);
    sys.attr("argv") = argv;
    py::list path = sys.attr("path");
    int at = 0;
    for (const std::string& d : PackageDirs()) path.insert(at++, d);
    // The package's _C is this process's: one copy of the client library
    // and its protobuf code.
    sys.attr("modules")["tensord._C"] = py::module_::import("_tensord_C");
    py::dict opts;
    opts["server"] = o.server;
    opts["token"] = o.token;
    opts["tls"] = o.tls;
    opts["tls_ca"] = o.tls_ca;
    opts["session"] = o.session;
    opts["json"] = o.json;
    opts["timeout"] = o.timeout;
    opts["memory_limit"] = o.memory_limit;
    opts["seed"] = o.seed ? py::cast(*o.seed) : py::none();
    py::object main = py::module_::import("tensord._cli").attr("main");
    py::object rc = main(command, opts, args);
    py::module_::import("sys").attr("stdout").attr("flush")();
    return rc.is_none() ? 0 : rc.cast<int>();
  } catch (py::error_already_set& e) {
    if (e.matches(PyExc_SystemExit)) {
      py::object code = e.value().attr("code");
      return code.is_none()                   ? 0
             : py::isinstance<py::int_>(code) ? code.cast<int>()
                                              : 1;
    }
    if (e.matches(PyExc_KeyboardInterrupt)) return 130;
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

}  // namespace tensord::python
