// module.cc — the extension module `tensord._C` (see bindings.h).
#include <pybind11/pybind11.h>

#include "client/python/bindings.h"

PYBIND11_MODULE(_C, m) { tensord::python::DefineModule(m); }
