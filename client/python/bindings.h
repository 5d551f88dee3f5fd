// bindings.h — the native half of the `tensord` Python package (`_C`): the
// C++ client library (connections, sessions, Execute requests, streamed
// transfers), the core's print format, and the conversions between Python
// values and the wire's raw tensor bytes. Everything PyTorch-like is Python
// (client/python/tensord/).
//
// The same definitions make two modules: the extension `tensord._C` that
// `python3` imports (module.cc), and one embedded in tensorctl's CPython
// (tensorctl.cc), so one process never holds two copies of the generated
// protobuf code.
//
//   PYBIND11_MODULE(_C, m) { tensord::python::DefineModule(m); }
#ifndef TENSORD_CLIENT_PYTHON_BINDINGS_H_
#define TENSORD_CLIENT_PYTHON_BINDINGS_H_

#include <pybind11/pybind11.h>

namespace tensord::python {

// Fills `m` with the classes and functions of `_C` (see bindings.cc).
void DefineModule(pybind11::module_& m);

}  // namespace tensord::python

#endif  // TENSORD_CLIENT_PYTHON_BINDINGS_H_
