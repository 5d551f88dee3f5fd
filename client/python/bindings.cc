#include "client/python/bindings.h"

#include <pybind11/stl.h>

#include <complex>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "client/file_transfer.h"
#include "client/transfer.h"
#include "core/dtype.h"
#include "core/print_format.h"

namespace tensord::python {
namespace {

namespace py = pybind11;
using client::Client;
using client::ClientOptions;
using client::Session;

// ---------------------------------------------------------------- errors

// A failed call: raised in Python as _C.Error(code, python_type, node, op,
// message, text) where `message` is PyTorch's part and `text` the whole.
struct CallError {
  absl::Status status;
};

[[noreturn]] void Throw(const absl::Status& s) { throw CallError{s}; }

template <typename T>
T Check(absl::StatusOr<T> v) {
  if (!v.ok()) Throw(v.status());
  return *std::move(v);
}
void Check(const absl::Status& s) {
  if (!s.ok()) Throw(s);
}

// ---------------------------------------------------------------- dtypes

// The wire's dtype of each core dtype, from the one X-macro list.
std::optional<DType> CoreDType(int wire) {
  switch (static_cast<v1::DType>(wire)) {
#define TENSORD_PY_FROM_WIRE(e, T, n, s, w) \
  case v1::w:                               \
    return DType::e;
    TENSORD_FORALL_DTYPES(TENSORD_PY_FROM_WIRE)
#undef TENSORD_PY_FROM_WIRE
    default:
      return std::nullopt;
  }
}

DType NeedDType(int wire) {
  std::optional<DType> d = CoreDType(wire);
  if (!d) throw py::value_error(absl::StrCat("unknown dtype ", wire));
  return *d;
}

// (name, wire enum, itemsize, floating, complex, signed) for each dtype.
py::list DTypes() {
  py::list out;
#define TENSORD_PY_DTYPE(e, T, n, s, w)                            \
  out.append(py::make_tuple(                                       \
      n, static_cast<int>(v1::w), sizeof(T), IsFloating(DType::e), \
      IsComplex(DType::e),                                         \
      IsFloating(DType::e) || IsComplex(DType::e) || std::is_signed_v<T>, s));
  TENSORD_FORALL_DTYPES(TENSORD_PY_DTYPE)
#undef TENSORD_PY_DTYPE
  return out;
}

// ------------------------------------------------- values <-> raw bytes

// Flat Python values (bool, int, float, complex) of row-major raw bytes.
py::list Unpack(int wire, const py::bytes& data) {
  const DType dt = NeedDType(wire);
  std::string_view bytes = data;
  const size_t item = static_cast<size_t>(ItemSize(dt));
  if (bytes.size() % item != 0) throw py::value_error("a partial element");
  const size_t n = bytes.size() / item;
  py::list out(n);
  const char* p = bytes.data();
  DispatchStorage(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (size_t i = 0; i < n; ++i, p += item) {
      T v;
      std::memcpy(static_cast<void*>(&v), p, sizeof(T));
      if constexpr (std::is_same_v<T, bool>) {
        out[i] = py::bool_(v);
      } else if constexpr (kIsComplex<T>) {
        out[i] = py::reinterpret_steal<py::object>(
            PyComplex_FromDoubles(v.real(), v.imag()));
      } else if constexpr (std::is_integral_v<T>) {
        out[i] = py::int_(static_cast<int64_t>(v));
      } else {
        out[i] = py::float_(ConvertValue<double>(v));
      }
    }
  });
  return out;
}

// Raw bytes of flat Python numbers converted as torch.tensor converts them
// (bool, int, float, complex; the caller chose the dtype).
py::bytes Pack(int wire, const py::sequence& values) {
  const DType dt = NeedDType(wire);
  const size_t n = py::len(values);
  std::string out(n * ItemSize(dt), '\0');
  char* p = out.data();
  DispatchStorage(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (size_t i = 0; i < n; ++i, p += sizeof(T)) {
      py::handle v = values[i];
      T x;
      if constexpr (std::is_same_v<T, bool>) {
        x = PyObject_IsTrue(v.ptr()) == 1;
      } else if constexpr (kIsComplex<T>) {
        const Py_complex c = PyComplex_AsCComplex(v.ptr());
        if (c.real == -1.0 && PyErr_Occurred()) throw py::error_already_set();
        x = ConvertValue<T>(complex128(c.real, c.imag));
      } else if constexpr (std::is_integral_v<T>) {
        int64_t k;
        if (PyFloat_Check(v.ptr())) {
          k = FloatToInt<int64_t>(PyFloat_AsDouble(v.ptr()));
        } else {
          int overflow = 0;
          k = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
          if (overflow != 0) {
            throw py::type_error(
                "Overflow when unpacking long");  // torch's words
          }
          if (k == -1 && PyErr_Occurred()) throw py::error_already_set();
        }
        // torch.tensor's checked conversion: the range, and for uint8
        // negative values down to -255 (they wrap).
        constexpr int64_t lo = std::numeric_limits<T>::lowest();
        constexpr int64_t hi = std::numeric_limits<T>::max();
        const bool from_float = PyFloat_Check(v.ptr());
        const bool overflow =
            from_float ? (PyFloat_AsDouble(v.ptr()) < static_cast<double>(lo) ||
                          PyFloat_AsDouble(v.ptr()) > static_cast<double>(hi))
            : std::is_unsigned_v<T> ? (k > hi || (k < 0 && k < -hi))
                                    : (k < lo || k > hi);
        if (sizeof(T) < 8 && overflow) {
          throw std::runtime_error(
              absl::StrCat("value cannot be converted to type ", DTypeName(dt),
                           " without overflow"));
        }
        x = static_cast<T>(k);  // wraps, as torch's narrowing does
      } else {
        const double d = PyFloat_AsDouble(v.ptr());
        if (d == -1.0 && PyErr_Occurred()) throw py::error_already_set();
        x = ConvertValue<T>(d);
      }
      std::memcpy(p, static_cast<const void*>(&x), sizeof(T));
    }
  });
  return py::bytes(out);
}

// torch's str() of a tensor's value, from raw bytes (the core's print
// format: one implementation for the server, tensorctl and Python).
std::string Format(int wire, const std::vector<int64_t>& shape,
                   const py::bytes& data,
                   const std::vector<std::string>& suffixes, int precision,
                   double threshold, int64_t edgeitems, int64_t linewidth,
                   std::optional<bool> sci_mode, int default_dtype) {
  // Python's "{:.-1f}".format(x) in _Formatter.
  if (precision < 0)
    throw py::value_error("Format specifier missing precision");
  const PrintOptions options{precision, threshold, edgeitems,
                             linewidth, sci_mode,  NeedDType(default_dtype)};
  const DType dt = NeedDType(wire);
  const std::string_view bytes = data;
  if (bytes.size() % static_cast<size_t>(ItemSize(dt)) != 0)
    throw py::value_error("tensor bytes are not whole elements");
  const PrintData d =
      PrintDataFromBytes(dt, PrintShape(shape.begin(), shape.end()), bytes);
  return FormatPrintData(d, suffixes, options);
}

// ------------------------------------------------------------- messages

py::tuple InfoTuple(const v1::TensorInfo& i) {
  return py::make_tuple(
      i.defined(), i.handle(), static_cast<int>(i.dtype()),
      py::tuple(
          py::cast(std::vector<int64_t>(i.shape().begin(), i.shape().end()))),
      i.requires_grad(), i.is_leaf(), i.grad_fn(), i.has_grad(), i.version());
}

py::object ValueTuple(const v1::TensorData& d) {
  if (d.dtype() == v1::DTYPE_UNSPECIFIED) return py::none();
  return py::make_tuple(static_cast<int>(d.dtype()),
                        py::tuple(py::cast(std::vector<int64_t>(
                            d.shape().begin(), d.shape().end()))),
                        py::bytes(d.data()));
}

// One op node's input from a Python description:
//   ("h", handle) ("n", name) ("o", node, output) ("s", number)
//   ("t", dtype, shape, bytes)  (a literal tensor)
v1::ValueRef InputOf(const py::tuple& in) {
  v1::ValueRef r;
  const std::string kind = py::cast<std::string>(in[0]);
  if (kind == "h") {
    r.set_handle(py::cast<std::string>(in[1]));
  } else if (kind == "n") {
    r.set_name(py::cast<std::string>(in[1]));
  } else if (kind == "o") {
    r.mutable_node()->set_node(py::cast<int>(in[1]));
    r.mutable_node()->set_output(py::cast<int>(in[2]));
  } else if (kind == "s") {
    py::handle v = in[1];
    if (PyBool_Check(v.ptr())) {
      r.mutable_scalar()->set_b(v.ptr() == Py_True);
    } else if (PyLong_Check(v.ptr())) {
      int overflow = 0;
      const long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
      if (overflow != 0)
        throw py::value_error(
            "value cannot be converted to type int64 without overflow");  // NOLINT
      r.mutable_scalar()->set_i(x);
    } else if (PyComplex_Check(v.ptr())) {
      v1::ComplexNumber* c = r.mutable_scalar()->mutable_c();
      c->set_real(PyComplex_RealAsDouble(v.ptr()));
      c->set_imag(PyComplex_ImagAsDouble(v.ptr()));
    } else {
      r.mutable_scalar()->set_f(py::cast<double>(v));
    }
  } else if (kind == "t") {
    v1::TensorData* d = r.mutable_literal();
    d->set_dtype(static_cast<v1::DType>(py::cast<int>(in[1])));
    for (int64_t x : py::cast<std::vector<int64_t>>(in[2])) d->add_shape(x);
    d->set_data(py::cast<std::string>(in[3]));
  } else {
    throw py::value_error(absl::StrCat("unknown input kind ", kind));
  }
  return r;
}

// An attribute from a Python value: bool, int, float, str, None, a list of
// ints, or ("dtype", wire enum).
v1::AttrValue AttrOf(py::handle v) {
  v1::AttrValue a;
  if (v.is_none()) {
    a.set_none(true);
  } else if (PyBool_Check(v.ptr())) {
    a.set_b(v.ptr() == Py_True);
  } else if (PyLong_Check(v.ptr())) {
    int overflow = 0;
    const long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow != 0) throw py::value_error("Overflow when unpacking long");
    a.set_i(x);
  } else if (PyFloat_Check(v.ptr())) {
    a.set_f(PyFloat_AsDouble(v.ptr()));
  } else if (PyUnicode_Check(v.ptr())) {
    a.set_s(py::cast<std::string>(v));
  } else if (py::isinstance<py::tuple>(v) && py::len(v) == 2 &&
             PyUnicode_Check(
                 py::tuple(py::reinterpret_borrow<py::tuple>(v))[0].ptr()) &&
             py::cast<std::string>(py::reinterpret_borrow<py::tuple>(v)[0]) ==
                 "dtype") {
    a.set_dtype(static_cast<v1::DType>(
        py::cast<int>(py::reinterpret_borrow<py::tuple>(v)[1])));
  } else if (py::isinstance<py::sequence>(v)) {
    auto* ints = a.mutable_ints();
    for (py::handle x : py::reinterpret_borrow<py::sequence>(v)) {
      int overflow = 0;
      const long long i = PyLong_AsLongLongAndOverflow(x.ptr(), &overflow);
      if (i == -1 && PyErr_Occurred()) throw py::error_already_set();
      if (overflow != 0) throw py::value_error("Overflow when unpacking long");
      ints->add_values(i);
    }
  } else {
    throw py::type_error("an attribute must be a number, str, None or ints");
  }
  return a;
}

py::list OpSchemas(const v1::ListOpsResponse& ops) {
  py::list out;
  for (const v1::OpSchema& s : ops.ops()) {
    py::list attrs;
    for (const v1::AttrSpec& a : s.attrs()) {
      attrs.append(py::make_tuple(a.name(), static_cast<int>(a.type()),
                                  a.type_name(), a.required(),
                                  a.default_value()));
    }
    py::dict d;
    d["name"] = s.name();
    d["inputs"] =
        std::vector<std::string>(s.inputs().begin(), s.inputs().end());
    d["variadic"] = s.variadic();
    d["min_inputs"] = s.min_inputs();
    d["attrs"] = attrs;
    d["outputs"] =
        std::vector<std::string>(s.outputs().begin(), s.outputs().end());
    d["differentiable"] = s.differentiable();
    d["inplace"] = s.inplace();
    d["python_value"] = s.python_result() == v1::PYTHON_RESULT_VALUE;
    py::list order;
    for (const std::string& n : s.python_order()) order.append(n);
    d["python_order"] = order;
    d["variable_outputs"] = s.variable_outputs();
    d["replaces_self"] = s.replaces_self();
    d["doc"] = s.doc();
    out.append(d);
  }
  return out;
}

// ------------------------------------------------------------- classes

// An Execute request being built.
class Request {
 public:
  int Add(const std::string& op, const py::list& inputs, const py::dict& attrs,
          bool keep, bool ret) {
    v1::OpNode* n = req_.add_nodes();
    n->set_op(op);
    for (py::handle in : inputs) {
      *n->add_inputs() = InputOf(py::reinterpret_borrow<py::tuple>(in));
    }
    for (auto [k, v] : attrs) {
      (*n->mutable_attrs())[py::cast<std::string>(k)] = AttrOf(v);
    }
    n->set_keep(keep);
    n->set_return_value(ret);
    return req_.nodes_size() - 1;
  }
  void SetKeep(int node, bool keep) { Node(node)->set_keep(keep); }
  void SetGenerator(int node, int32_t id) { Node(node)->set_generator(id); }
  void SetNodeNoGrad(int node, bool v) { Node(node)->set_no_grad(v); }
  void SetNodeDefaultDType(int node, int wire) {
    Node(node)->set_default_dtype(static_cast<v1::DType>(wire));
  }
  void SetReturn(int node, bool ret, int64_t max_bytes) {
    Node(node)->set_return_value(ret);
    Node(node)->set_return_value_max_bytes(max_bytes);
  }
  void Bind(int node, int output, const std::string& name) {
    v1::OpNode* n = Node(node);
    while (n->bind_size() <= output) n->add_bind("");
    n->set_bind(output, name);
  }
  void ReleaseHandle(const std::string& h) {
    req_.add_release()->set_handle(h);
  }
  void ReleaseName(const std::string& n) { req_.add_release()->set_name(n); }
  int size() const { return req_.nodes_size(); }
  bool no_grad() const { return req_.no_grad(); }
  void set_no_grad(bool v) { req_.set_no_grad(v); }
  void Clear() { req_.Clear(); }
  const v1::ExecuteRequest& proto() const { return req_; }

 private:
  v1::OpNode* Node(int i) {
    if (i < 0 || i >= req_.nodes_size()) throw py::index_error("no such node");
    return req_.mutable_nodes(i);
  }
  v1::ExecuteRequest req_;
};

class PySession;

class Connection {
 public:
  Connection(const std::string& target, const std::string& token, bool tls,
             const std::string& tls_ca, double timeout) {
    ClientOptions o;
    o.target = target;
    o.token = token;
    o.tls = tls;
    o.tls_ca_file = tls_ca;
    if (timeout > 0) o.deadline = absl::Seconds(timeout);
    client_ = std::shared_ptr<Client>(Check(Client::Connect(o)).release());
  }
  std::shared_ptr<Client> client() const { return client_; }
  py::list ListSessions() {
    std::vector<v1::Session> all;
    {
      py::gil_scoped_release nogil;
      all = Check(client_->ListSessions());
    }
    py::list out;
    for (const v1::Session& s : all) out.append(s.id());
    return out;
  }
  void CloseSession(const std::string& id) {
    py::gil_scoped_release nogil;
    Check(client_->CloseSession(id));
  }
  // GetSession: {"tensor_count", "name_count", "bytes", "graph_bytes",
  // "name_bytes", "replica_id"}.
  py::dict Describe(const std::string& id) {
    v1::GetSessionRequest req;
    req.set_session_id(id);
    v1::Session s;
    {
      py::gil_scoped_release nogil;
      Check(client::FromGrpc(
          client_->stub()->GetSession(client_->Context(id).get(), req, &s)));
    }
    py::dict d;
    d["tensor_count"] = s.tensor_count();
    d["name_count"] = s.name_count();
    d["bytes"] = s.bytes();
    d["graph_bytes"] = s.graph_bytes();
    d["name_bytes"] = s.name_bytes();
    d["replica_id"] = s.replica_id();
    return d;
  }
  bool Healthy() {
    py::gil_scoped_release nogil;
    return client_->Health().ok();
  }
  const std::string& target() const { return client_->options().target; }

 private:
  std::shared_ptr<Client> client_;
};

class PySession {
 public:
  PySession(std::shared_ptr<Client> client, Session session)
      : client_(std::move(client)), session_(std::move(session)) {}

  static std::unique_ptr<PySession> Create(const Connection& c, int64_t ttl,
                                           int64_t memory_limit,
                                           std::optional<uint64_t> seed) {
    v1::SessionOptions o;
    o.set_idle_ttl_seconds(ttl);
    o.set_memory_limit_bytes(memory_limit);
    if (seed) {
      o.set_seed(*seed);
      o.set_has_seed(true);
    }
    std::shared_ptr<Client> client = c.client();
    absl::StatusOr<Session> s;
    {
      py::gil_scoped_release nogil;
      s = client->NewSession(o);
    }
    return std::make_unique<PySession>(client, Check(std::move(s)));
  }
  static std::unique_ptr<PySession> Attach(const Connection& c,
                                           const std::string& id) {
    std::shared_ptr<Client> client = c.client();
    absl::StatusOr<Session> s;
    {
      py::gil_scoped_release nogil;
      s = client->Attach(id);
    }
    return std::make_unique<PySession>(client, Check(std::move(s)));
  }

  const std::string& id() const { return session_.id(); }
  void Keep() { session_.Keep(); }
  void Close() {
    py::gil_scoped_release nogil;
    Check(session_.Close());
  }

  py::list ListOps() {
    absl::StatusOr<v1::ListOpsResponse> ops;
    {
      py::gil_scoped_release nogil;
      ops = client_->ListOps();
    }
    return OpSchemas(Check(std::move(ops)));
  }

  // Runs the request; per node, a list of (info, value or None) per output.
  py::list Execute(const Request& r) {
    absl::StatusOr<v1::ExecuteResponse> resp;
    {
      py::gil_scoped_release nogil;
      resp = session_.Execute(r.proto());
    }
    const v1::ExecuteResponse out = Check(std::move(resp));
    py::list results;
    for (const v1::NodeResult& nr : out.results()) {
      py::list outs;
      for (int k = 0; k < nr.outputs_size(); ++k) {
        py::object value = py::none();
        if (k < nr.values_size()) value = ValueTuple(nr.values(k));
        outs.append(py::make_tuple(InfoTuple(nr.outputs(k)), value));
      }
      results.append(outs);
    }
    return results;
  }

  // The value (or .grad) of a tensor by handle ("h") or name ("n"):
  // (info, value or None).
  py::tuple Download(const std::string& kind, const std::string& ref,
                     bool grad) {
    v1::FetchTensorRequest req;
    req.set_session_id(session_.id());
    if (kind == "h") {
      req.mutable_tensor()->set_handle(ref);
    } else {
      req.mutable_tensor()->set_name(ref);
    }
    req.set_grad(grad);
    v1::FetchTensorResponse resp;
    absl::Status st;
    {
      py::gil_scoped_release nogil;
      st = client::FromGrpc(session_.client()->stub()->FetchTensor(
          session_.client()->Context(session_.id()).get(), req, &resp));
      if (st.code() == absl::StatusCode::kResourceExhausted) {
        // Too large for one message: stream it.
        absl::StatusOr<v1::TensorData> d =
            client::Download(session_, req.tensor());
        if (d.ok() && !grad) {
          resp.mutable_info()->set_defined(true);
          *resp.mutable_data() = *std::move(d);
          st = absl::OkStatus();
        } else if (!d.ok()) {
          st = d.status();
        }
      }
    }
    Check(st);
    return py::make_tuple(InfoTuple(resp.info()), resp.info().defined()
                                                      ? ValueTuple(resp.data())
                                                      : py::object(py::none()));
  }

  // Uploads raw bytes as a tensor bound to `name`.
  void Upload(const std::string& name, int wire,
              const std::vector<int64_t>& shape, const py::bytes& data) {
    v1::TensorData d;
    d.set_dtype(static_cast<v1::DType>(wire));
    for (int64_t x : shape) d.add_shape(x);
    d.set_data(std::string(std::string_view(data)));
    py::gil_scoped_release nogil;
    Check(client::UploadNamed(session_, name, d));
  }

  // Uploads every tensor of a .safetensors or .npz file as prefix + its
  // name, all or nothing: ([(name in the file, session name)], metadata).
  py::tuple PutFile(const std::string& path, const std::string& prefix) {
    absl::StatusOr<client::PutFileResult> r;
    {
      py::gil_scoped_release nogil;
      r = client::PutTensorFile(session_, path, prefix);
    }
    client::PutFileResult v = Check(std::move(r));
    return py::make_tuple(v.names, v.metadata);
  }

  // Writes tensors [(name in the file, "h" or "n", handle or name)] to a
  // .safetensors or .npz file, streamed.
  void GetFile(
      const std::string& path,
      const std::vector<std::tuple<std::string, std::string, std::string>>&
          tensors,
      const std::map<std::string, std::string>& metadata, bool compressed) {
    std::vector<std::pair<std::string, v1::TensorRef>> refs;
    for (const auto& [name, kind, ref] : tensors) {
      v1::TensorRef r;
      if (kind == "h") {
        r.set_handle(ref);
      } else {
        r.set_name(ref);
      }
      refs.emplace_back(name, std::move(r));
    }
    client::TensorFileOptions options;
    options.compressed = compressed;
    options.metadata = metadata;
    py::gil_scoped_release nogil;
    Check(client::GetTensorFile(session_, refs, path, options));
  }

  // Zeroes (or sets to None) the .grad of a tensor by handle or name.
  void ZeroGrad(const std::string& kind, const std::string& ref,
                bool set_to_none) {
    v1::ZeroGradRequest req;
    req.set_session_id(session_.id());
    v1::TensorRef* r = req.add_tensors();
    if (kind == "h") {
      r->set_handle(ref);
    } else {
      r->set_name(ref);
    }
    req.set_set_to_none(set_to_none);
    v1::ZeroGradResponse resp;
    py::gil_scoped_release nogil;
    Check(client::FromGrpc(session_.client()->stub()->ZeroGrad(
        session_.client()->Context(session_.id()).get(), req, &resp)));
  }

  void Release(const std::vector<std::string>& handles) {
    v1::ReleaseTensorRequest req;
    req.set_session_id(session_.id());
    for (const std::string& h : handles) req.add_tensors()->set_handle(h);
    v1::ReleaseTensorResponse resp;
    py::gil_scoped_release nogil;
    Check(client::FromGrpcNotRetried(
        session_.client()->stub()->ReleaseTensor(
            session_.client()->Context(session_.id()).get(), req, &resp),
        "ReleaseTensor"));
  }

 private:
  std::shared_ptr<Client> client_;  // outlives session_
  Session session_;
};

}  // namespace

void DefineModule(py::module_& m) {
  m.doc() =
      "The native half of the tensord package: the C++ client library and "
      "the core's print format.";
  static py::exception<CallError> error(m, "Error");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const CallError& e) {
      const v1::ErrorDetail d = client::ErrorOf(e.status);
      py::tuple args = py::make_tuple(
          static_cast<int>(e.status.code()), d.python_type(), d.node(), d.op(),
          d.message(), std::string(e.status.message()));
      PyErr_SetObject(error.ptr(), args.ptr());
    }
  });

  m.def("dtypes", &DTypes,
        "(name, wire enum, itemsize, floating, complex, signed, short name) "
        "for each dtype");
  m.def("unpack", &Unpack, "flat Python values of raw tensor bytes");
  m.def("pack", &Pack, "raw tensor bytes of flat Python numbers");
  m.def("format", &Format, py::arg("dtype"), py::arg("shape"), py::arg("data"),
        py::arg("suffixes") = std::vector<std::string>(),
        py::arg("precision") = 4, py::arg("threshold") = 1000.0,
        py::arg("edgeitems") = 3, py::arg("linewidth") = 80,
        py::arg("sci_mode") = py::none(),
        py::arg("default_dtype") = static_cast<int>(v1::DTYPE_FLOAT32),
        "torch's str() of a tensor value under torch's print options");

  py::class_<Request>(m, "Request")
      .def(py::init<>())
      .def("add", &Request::Add, py::arg("op"), py::arg("inputs"),
           py::arg("attrs"), py::arg("keep") = false, py::arg("ret") = false)
      .def("set_keep", &Request::SetKeep)
      .def("set_generator", &Request::SetGenerator)
      .def("set_node_no_grad", &Request::SetNodeNoGrad)
      .def("set_node_default_dtype", &Request::SetNodeDefaultDType)
      .def("set_return", &Request::SetReturn, py::arg("node"),
           py::arg("ret") = true, py::arg("max_bytes") = 0)
      .def("bind", &Request::Bind)
      .def("release_handle", &Request::ReleaseHandle)
      .def("release_name", &Request::ReleaseName)
      .def("clear", &Request::Clear)
      .def("__len__", &Request::size)
      .def_property("no_grad", &Request::no_grad, &Request::set_no_grad);

  py::class_<Connection>(m, "Connection")
      .def(py::init<const std::string&, const std::string&, bool,
                    const std::string&, double>(),
           py::arg("target"), py::arg("token") = "", py::arg("tls") = false,
           py::arg("tls_ca") = "", py::arg("timeout") = 0.0)
      .def_property_readonly("target", &Connection::target)
      .def("list_sessions", &Connection::ListSessions)
      .def("close_session", &Connection::CloseSession)
      .def("describe", &Connection::Describe)
      .def("healthy", &Connection::Healthy);

  py::class_<PySession>(m, "Session")
      .def_static("create", &PySession::Create, py::arg("connection"),
                  py::arg("ttl") = 0, py::arg("memory_limit") = 0,
                  py::arg("seed") = py::none())
      .def_static("attach", &PySession::Attach)
      .def_property_readonly("id", &PySession::id)
      .def("keep", &PySession::Keep)
      .def("close", &PySession::Close)
      .def("list_ops", &PySession::ListOps)
      .def("execute", &PySession::Execute)
      .def("download", &PySession::Download, py::arg("kind"), py::arg("ref"),
           py::arg("grad") = false)
      .def("upload", &PySession::Upload)
      .def("put_file", &PySession::PutFile, py::arg("path"), py::arg("prefix"))
      .def("get_file", &PySession::GetFile, py::arg("path"), py::arg("tensors"),
           py::arg("metadata"), py::arg("compressed"))
      .def("zero_grad", &PySession::ZeroGrad)
      .def("release", &PySession::Release);
}

}  // namespace tensord::python
