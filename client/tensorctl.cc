// tensorctl: the command line of tensord.
//
//   tensorctl health
//   tensorctl ops
//   tensorctl session new [--ttl=SECONDS] [--memory_limit=BYTES] [--seed=N]
//   tensorctl session list
//   tensorctl session close ID
//   tensorctl graph NAME --session=ID
//   tensorctl run FILE|- [ARGS...]  a script in a fresh session (or
//                                  --session); ARGS are its sys.argv[1:]
//   tensorctl eval STMT         against --session; variables persist
//   tensorctl repl              interactive
//
// The server comes from --server or TENSORD_SERVER, the session from
// --session or TENSORD_SESSION, the token from --token or TENSORD_TOKEN.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/client.h"
#include "client/file_transfer.h"
#include "client/npy.h"
#include "client/progress.h"
#include "client/python/embed.h"
#include "client/transfer.h"
#include "core/dtype.h"

ABSL_FLAG(std::string, server, "",
          "tensord address HOST:PORT (default: $TENSORD_SERVER, else "
          "127.0.0.1:50051)");
ABSL_FLAG(std::string, session, "",
          "session id for commands that use one (default: $TENSORD_SESSION)");
ABSL_FLAG(std::string, token, "", "bearer token (default: $TENSORD_TOKEN)");
ABSL_FLAG(bool, tls, false, "connect with TLS");
ABSL_FLAG(std::string, tls_ca, "", "PEM file of CAs to trust with --tls");
ABSL_FLAG(std::string, output, "text", "output format: text or json");
ABSL_FLAG(int64_t, ttl, 0, "session new: idle seconds before it expires");
ABSL_FLAG(int64_t, memory_limit, 0, "session new: bytes it may hold");
ABSL_FLAG(int64_t, seed, -1, "session new: random seed (torch.manual_seed)");
ABSL_FLAG(double, timeout, 60, "seconds each call may take");
ABSL_FLAG(std::string, o, "",
          "get: write the tensor(s) to this .npy, .safetensors or .npz file; "
          "graph: render to this .png (or .svg/.pdf) file with Graphviz's "
          "dot");
ABSL_FLAG(bool, requires_grad, false, "put: the uploaded tensor requires grad");
ABSL_FLAG(std::string, prefix, "",
          "put/get of a .safetensors or .npz file: session names are this "
          "prefix + the names in the file");
ABSL_FLAG(bool, compressed, false,
          "get -o FILE.npz: DEFLATE the members (np.savez_compressed)");

namespace {

using tensord::client::Client;
using tensord::client::ClientOptions;

constexpr char kUsage[] =
    "tensorctl: the command line of tensord.\n"
    "\n"
    "Usage: tensorctl [flags] COMMAND [args]\n"
    "\n"
    "Commands:\n"
    "  health                 is the server serving? (exit 0 if so)\n"
    "  ops                    every op the server offers, with its signature\n"
    "  session new            create a session and print its id\n"
    "                         (--ttl, --memory_limit, --seed)\n"
    "  session list           the sessions of this token\n"
    "  session close ID       close a session\n"
    "  graph NAME             the autograd graph behind a named tensor, as\n"
    "                         Graphviz DOT, or with -o FILE.png a picture\n"
    "                         rendered by Graphviz's dot (needs --session)\n"
    "  put NAME FILE.npy      upload a NumPy .npy file as tensor NAME of\n"
    "                         --session (--requires_grad); a progress bar\n"
    "                         on a terminal for large files\n"
    "  put FILE.safetensors|FILE.npz [--prefix=P]\n"
    "                         upload every tensor of the file as P + its\n"
    "                         name (all or nothing)\n"
    "  get NAME [-o FILE.npy] print tensor NAME of --session, or save it as\n"
    "                         .npy (--output=json: dtype, shape and values)\n"
    "  get NAME... -o FILE.safetensors|FILE.npz [--prefix=P] [--compressed]\n"
    "                         write tensors P + NAME to one file as NAME\n"
    "  run FILE|- [ARGS...]   run a PyTorch script (any Python; `import\n"
    "                         torch` is tensord's) in a fresh session, or\n"
    "                         in --session; prints what the script prints;\n"
    "                         ARGS are the script's sys.argv[1:]\n"
    "  eval STMT...           run statements in --session and echo values;\n"
    "                         variables holding tensors persist as session\n"
    "                         names, so later evals see them\n"
    "  repl                   Python's interactive console with line\n"
    "                         editing and history (a fresh session, or\n"
    "                         --session)\n"
    "\n"
    "Flags: --server (or $TENSORD_SERVER), --session ($TENSORD_SESSION),\n"
    "--token ($TENSORD_TOKEN), --tls, --tls_ca, --output=text|json,\n"
    "--timeout. `tensorctl COMMAND --help` explains a command;\n"
    "--helpfull lists every flag.";

// `tensorctl COMMAND --help` and `tensorctl help COMMAND`.
struct CommandHelp {
  const char* name;
  const char* text;
};
constexpr CommandHelp kCommandHelp[] = {
    {"health",
     "Usage: tensorctl health\n\n"
     "Asks the server's standard gRPC health service. Prints SERVING and\n"
     "exits 0 when it serves; otherwise prints the error and exits 1.\n"},
    {"ops",
     "Usage: tensorctl ops [--output=json]\n\n"
     "Lists every op the server offers (from its op table), with inputs,\n"
     "attributes and their types and defaults, and whether it is\n"
     "differentiable.\n"},
    {"session",
     "Usage: tensorctl session new [--ttl=SECONDS] [--memory_limit=BYTES]\n"
     "                             [--seed=N]\n"
     "       tensorctl session list [--output=json]\n"
     "       tensorctl session close ID\n\n"
     "new prints the id of a session that stays open (until closed or idle\n"
     "for its TTL); use it with --session or $TENSORD_SESSION. list shows\n"
     "the sessions of this token with their tensor counts and bytes.\n"},
    {"run",
     "Usage: tensorctl run FILE|- [ARGS...]   (flags such as --session=ID\n"
     "       and --seed=N go before FILE)\n\n"
     "Runs a PyTorch script on CPython, embedded in tensorctl: the whole\n"
     "language, with `import torch` resolving to tensord's (the tensord\n"
     "Python package; PyTorch need not be installed). It prints what it\n"
     "prints under PyTorch. Tensors live in a fresh session, closed at the\n"
     "end, or in --session (kept). A statement that touches tensors is one\n"
     "Execute round trip. On an uncaught error the script stops, stderr\n"
     "gets `error: line N: Type: message` and the exit code is 1.\n"
     "ARGS go to the script untouched: sys.argv is [FILE, ARGS...], as\n"
     "under `python3 FILE ARGS...` (argparse works), and sys.exit() exits\n"
     "as Python does.\n"},
    {"eval",
     "Usage: tensorctl eval STMT... --session=ID\n\n"
     "Runs the statements in the session and echoes the value of each\n"
     "expression statement, as Python's REPL does (--output=json: one JSON\n"
     "value per line). Variables persist between invocations: tensors as\n"
     "session names, Python values (numbers, strings, lists, ...) in the\n"
     "session too.\n"
     "  tensorctl eval 'x = torch.arange(4.0, requires_grad=True)'\n"
     "  tensorctl eval '(x * x).sum().backward()' 'x.grad'\n"},
    {"repl",
     "Usage: tensorctl repl [--session=ID]\n\n"
     "Python's interactive console (>>> and ... for blocks) with readline\n"
     "editing and history (~/.tensorctl_history), torch imported. Echoes\n"
     "expression values; an error is reported and the session goes on.\n"
     "Ctrl-D leaves; the session is closed unless it came from --session.\n"},
    {"put",
     "Usage: tensorctl put NAME FILE.npy --session=ID [--requires_grad]\n"
     "       tensorctl put FILE.safetensors|FILE.npz --session=ID\n"
     "                     [--prefix=P] [--requires_grad]\n\n"
     "Uploads a NumPy .npy file (bool, int32, int64, float32, float64,\n"
     "complex64; any size, streamed in 1 MiB chunks) as tensor NAME, or\n"
     "every tensor of a safetensors file or an .npz archive (np.savez or\n"
     "np.savez_compressed) as P + its name in the file, used as it is\n"
     "('/' and '.' included; `get` takes such names, a script reaches only\n"
     "names that are Python identifiers). All or nothing: the file is\n"
     "checked first, and on any error no name of the session changes.\n"
     "A progress bar shows on a terminal for 8 MiB or more.\n"},
    {"get",
     "Usage: tensorctl get NAME --session=ID [-o FILE.npy] [--output=json]\n"
     "       tensorctl get NAME... -o FILE.safetensors|FILE.npz\n"
     "                     --session=ID [--prefix=P] [--compressed]\n\n"
     "Prints tensor NAME as PyTorch prints it; with -o writes it as a .npy\n"
     "file (streamed, with a progress bar on a terminal); with\n"
     "--output=json prints {\"name\", \"dtype\", \"shape\", \"data\"}.\n"
     "With -o FILE.safetensors or FILE.npz, writes the session's tensors\n"
     "P + NAME to one file under the names NAME (as the reference safetensors\n"
     "writer, or np.savez; --compressed: np.savez_compressed). The file is\n"
     "replaced only once complete.\n"},
    {"graph",
     "Usage: tensorctl graph NAME --session=ID [-o FILE.png|.svg|.pdf]\n\n"
     "The autograd graph behind tensor NAME as Graphviz DOT, or rendered to\n"
     "a file by Graphviz's `dot` (apt-get install graphviz).\n"},
};

const char* HelpFor(const std::string& cmd) {
  for (const CommandHelp& h : kCommandHelp) {
    if (cmd == h.name) return h.text;
  }
  return nullptr;
}

std::string FlagOrEnv(const std::string& flag, const char* env,
                      const std::string& fallback = "") {
  if (!flag.empty()) return flag;
  const char* v = std::getenv(env);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

int Fail(const absl::Status& s) {
  std::cerr << "error: " << s.message() << "\n";
  return 1;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Signature(const tensord::v1::OpSchema& op) {
  std::vector<std::string> args;
  for (int i = 0; i < op.inputs_size(); ++i) {
    std::string a = op.inputs(i);
    if (op.variadic()) a = absl::StrCat("*", a);
    if (i >= op.min_inputs() && !op.variadic()) a += "=None";
    args.push_back(a);
  }
  if (op.attrs_size() > 0) args.push_back("*");
  for (const auto& a : op.attrs()) {
    args.push_back(a.required() ? absl::StrCat(a.name(), ": ", a.type_name())
                                : absl::StrCat(a.name(), ": ", a.type_name(),
                                               " = ", a.default_value()));
  }
  std::string outs =
      op.outputs_size() == 0 ? "None" : absl::StrJoin(op.outputs(), ", ");
  return absl::StrCat(op.name(), "(", absl::StrJoin(args, ", "), ") -> ", outs);
}

int Ops(Client& client, bool json) {
  auto ops = client.ListOps();
  if (!ops.ok()) return Fail(ops.status());
  if (json) {
    std::vector<std::string> items;
    for (const auto& op : ops->ops()) {
      items.push_back(absl::StrCat(
          "{\"name\": ", JsonString(op.name()),
          ", \"signature\": ", JsonString(Signature(op)),
          ", \"differentiable\": ", op.differentiable() ? "true" : "false",
          ", \"doc\": ", JsonString(op.doc()), "}"));
    }
    std::cout << "[" << absl::StrJoin(items, ",\n ") << "]\n";
    return 0;
  }
  for (const auto& op : ops->ops()) {
    std::cout << Signature(op) << "\n    " << op.doc()
              << (op.differentiable() ? "" : " (not differentiable)") << "\n";
  }
  return 0;
}

int SessionCommand(Client& client, const std::vector<std::string>& args,
                   bool json) {
  if (args.empty()) {
    std::cerr << "usage: tensorctl session new|list|close ID\n";
    return 2;
  }
  if (args[0] == "new") {
    tensord::v1::SessionOptions opts;
    opts.set_idle_ttl_seconds(absl::GetFlag(FLAGS_ttl));
    opts.set_memory_limit_bytes(absl::GetFlag(FLAGS_memory_limit));
    if (absl::GetFlag(FLAGS_seed) >= 0) {
      opts.set_seed(static_cast<uint64_t>(absl::GetFlag(FLAGS_seed)));
      opts.set_has_seed(true);
    }
    auto s = client.NewSession(opts);
    if (!s.ok()) return Fail(s.status());
    s->Keep();  // outlives this command: that is the point
    std::cout << (json ? JsonString(s->id()) : s->id()) << "\n";
    return 0;
  }
  if (args[0] == "list") {
    auto list = client.ListSessions();
    if (!list.ok()) return Fail(list.status());
    if (json) {
      std::vector<std::string> items;
      for (const auto& s : *list) {
        items.push_back(absl::StrCat(
            "{\"id\": ", JsonString(s.id()),
            ", \"tensors\": ", s.tensor_count(),
            ", \"names\": ", s.name_count(), ", \"bytes\": ", s.bytes(),
            ", \"last_used_unix_ms\": ", s.last_used_unix_ms(),
            ", \"replica\": ", JsonString(s.replica_id()), "}"));
      }
      std::cout << "[" << absl::StrJoin(items, ",\n ") << "]\n";
      return 0;
    }
    for (const auto& s : *list) {
      std::cout << s.id() << "  tensors=" << s.tensor_count()
                << " names=" << s.name_count() << " bytes=" << s.bytes()
                << " replica=" << s.replica_id() << "\n";
    }
    return 0;
  }
  if (args[0] == "close") {
    if (args.size() != 2) {
      std::cerr << "usage: tensorctl session close ID\n";
      return 2;
    }
    absl::Status st = client.CloseSession(args[1]);
    return st.ok() ? 0 : Fail(st);
  }
  std::cerr << "unknown session command '" << args[0]
            << "' (new, list or close)\n";
  return 2;
}

int Graph(Client& client, const std::vector<std::string>& args) {
  const std::string session =
      FlagOrEnv(absl::GetFlag(FLAGS_session), "TENSORD_SESSION");
  if (args.size() != 1 || session.empty()) {
    std::cerr << "usage: tensorctl graph NAME --session=ID\n";
    return 2;
  }
  tensord::v1::DescribeGraphRequest req;
  req.set_session_id(session);
  req.mutable_tensor()->set_name(args[0]);
  tensord::v1::DescribeGraphResponse resp;
  absl::Status st = tensord::client::FromGrpc(
      client.stub()->DescribeGraph(client.Context(session).get(), req, &resp));
  if (!st.ok()) return Fail(st);
  const std::string out = absl::GetFlag(FLAGS_o);
  if (out.empty()) {
    std::cout << resp.dot();
    return 0;
  }
  // Render through Graphviz: the format is the file's extension.
  const size_t dot_pos = out.rfind('.');
  const std::string format =
      dot_pos == std::string::npos ? "png" : out.substr(dot_pos + 1);
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    std::cerr << "error: Graphviz's `dot` is not installed (apt-get install "
                 "graphviz); without -o the graph is printed as DOT\n";
    return 1;
  }
  char tmpl[] = "/tmp/tensorctl-graph-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) return Fail(absl::InternalError("cannot create a temp file"));
  const std::string& dot = resp.dot();
  const bool wrote =
      write(fd, dot.data(), dot.size()) == static_cast<ssize_t>(dot.size());
  close(fd);
  auto quote = [](const std::string& x) {
    std::string q = "'";
    for (char c : x) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  const int rc = wrote ? std::system(("dot -T" + quote(format) + " -o " +
                                      quote(out) + " " + quote(tmpl))
                                         .c_str())
                       : -1;
  unlink(tmpl);
  if (rc != 0) {
    std::cerr << "error: dot could not render " << out << "\n";
    return 1;
  }
  return 0;
}

std::string SessionOrEmpty() {
  return FlagOrEnv(absl::GetFlag(FLAGS_session), "TENSORD_SESSION");
}

bool IsTensorFile(const std::string& path) {
  return tensord::client::TensorFileFormatOf(path).ok();
}

// A progress bar made when the first call tells the total.
tensord::client::ProgressFn BarProgress(
    const std::string& label,
    std::optional<tensord::client::ProgressBar>* bar) {
  return [label, bar](int64_t done, int64_t total) {
    if (!*bar) bar->emplace(label, total, stderr);
    (*bar)->Update(done);
  };
}

int PutFile(Client& client, const std::string& id, const std::string& path) {
  auto session = client.Attach(id);
  if (!session.ok()) return Fail(session.status());
  std::optional<tensord::client::ProgressBar> bar;
  auto put = tensord::client::PutTensorFile(
      *session, path, absl::GetFlag(FLAGS_prefix),
      BarProgress("put " + path, &bar), absl::GetFlag(FLAGS_requires_grad));
  if (!put.ok()) return Fail(put.status());
  if (bar) bar->Finish();
  return 0;
}

int Put(Client& client, const std::vector<std::string>& args) {
  const std::string id = SessionOrEmpty();
  if (args.size() == 1 && !id.empty() && IsTensorFile(args[0])) {
    return PutFile(client, id, args[0]);
  }
  if (args.size() != 2 || id.empty()) {
    std::cerr << "usage: tensorctl put NAME FILE.npy --session=ID\n"
                 "       tensorctl put FILE.safetensors|FILE.npz "
                 "[--prefix=P] --session=ID\n";
    return 2;
  }
  auto data = tensord::client::ReadNpyFile(args[1]);
  if (!data.ok()) return Fail(data.status());
  auto session = client.Attach(id);
  if (!session.ok()) return Fail(session.status());
  tensord::client::ProgressBar bar("put " + args[0], data->data().size(),
                                   stderr);
  absl::Status st = tensord::client::UploadNamed(
      *session, args[0], *data,
      [&bar](int64_t done, int64_t) { bar.Update(done); });
  if (!st.ok()) return Fail(st);
  bar.Finish();
  if (absl::GetFlag(FLAGS_requires_grad)) {
    tensord::v1::SetRequiresGradRequest req;
    req.set_session_id(id);
    req.mutable_tensor()->set_name(args[0]);
    req.set_requires_grad(true);
    tensord::v1::TensorInfo info;
    st = tensord::client::FromGrpc(
        client.stub()->SetRequiresGrad(client.Context(id).get(), req, &info));
    if (!st.ok()) return Fail(st);
  }
  return 0;
}

// The core dtype of a wire dtype (nullopt: unspecified or unknown).
std::optional<tensord::DType> CoreDType(tensord::v1::DType wire) {
  switch (wire) {
#define TENSORD_CTL_DTYPE(e, T, n, s, w) \
  case tensord::v1::w:                   \
    return tensord::DType::e;
    TENSORD_FORALL_DTYPES(TENSORD_CTL_DTYPE)
#undef TENSORD_CTL_DTYPE
    default:
      return std::nullopt;
  }
}

// JSON of a tensor's values: nested arrays of numbers or booleans.
void JsonValues(const tensord::v1::TensorData& d, int dim, int64_t* k,
                std::string* out) {
  if (dim == d.shape_size()) {
    const std::optional<tensord::DType> dt = CoreDType(d.dtype());
    if (!dt) {
      *out += "null";
      ++*k;
      return;
    }
    const char* p = d.data().data();
    tensord::DispatchStorage(*dt, [&](auto tag) {
      using T = typename decltype(tag)::type;
      char buf[64];
      if constexpr (std::is_same_v<T, bool>) {
        *out += p[*k] != 0 ? "true" : "false";
        return;
      } else {
        T v;
        std::memcpy(static_cast<void*>(&v), p + *k * sizeof(T), sizeof(T));
        if constexpr (std::is_same_v<T, tensord::complex64>) {
          std::snprintf(buf, sizeof(buf), "[%.9g, %.9g]", v.real(), v.imag());
        } else if constexpr (std::is_same_v<T, tensord::complex128>) {
          std::snprintf(buf, sizeof(buf), "[%.17g, %.17g]", v.real(), v.imag());
        } else if constexpr (std::is_integral_v<T>) {
          std::snprintf(buf, sizeof(buf), "%lld",
                        static_cast<long long>(v));  // NOLINT(runtime/int)
        } else if constexpr (std::is_same_v<T, double>) {
          std::snprintf(buf, sizeof(buf), "%.17g", v);
        } else {
          std::snprintf(buf, sizeof(buf), "%.9g",
                        static_cast<double>(static_cast<float>(v)));
        }
        *out += buf;
      }
    });
    ++*k;
    return;
  }
  *out += "[";
  for (int64_t i = 0; i < d.shape(dim); ++i) {
    if (i > 0) *out += ", ";
    JsonValues(d, dim + 1, k, out);
  }
  *out += "]";
}

int Python(const std::string& command, const std::vector<std::string>& args,
           bool json);

int GetFile(Client& client, const std::string& id,
            const std::vector<std::string>& names, const std::string& path) {
  auto session = client.Attach(id);
  if (!session.ok()) return Fail(session.status());
  const std::string prefix = absl::GetFlag(FLAGS_prefix);
  std::vector<std::pair<std::string, tensord::v1::TensorRef>> tensors;
  for (const std::string& n : names) {
    tensord::v1::TensorRef ref;
    ref.set_name(prefix + n);
    tensors.emplace_back(n, ref);
  }
  tensord::client::TensorFileOptions options;
  options.compressed = absl::GetFlag(FLAGS_compressed);
  std::optional<tensord::client::ProgressBar> bar;
  absl::Status st = tensord::client::GetTensorFile(
      *session, tensors, path, options, BarProgress("get " + path, &bar));
  if (!st.ok()) return Fail(st);
  if (bar) bar->Finish();
  return 0;
}

int Get(Client& client, const std::vector<std::string>& args, bool json) {
  const std::string id = SessionOrEmpty();
  const std::string file = absl::GetFlag(FLAGS_o);
  if (!args.empty() && !id.empty() && IsTensorFile(file)) {
    return GetFile(client, id, args, file);
  }
  if (args.size() != 1 || id.empty()) {
    std::cerr << "usage: tensorctl get NAME [-o FILE.npy] --session=ID\n"
                 "       tensorctl get NAME... -o FILE.safetensors|FILE.npz "
                 "--session=ID\n";
    return 2;
  }
  auto session = client.Attach(id);
  if (!session.ok()) return Fail(session.status());
  const std::string out = absl::GetFlag(FLAGS_o);
  if (out.empty() && !json) {
    // The tensor as PyTorch prints it (with its grad_fn/requires_grad).
    return Python("show", {args[0]}, false);
  }
  std::optional<tensord::client::ProgressBar> bar;
  auto data = tensord::client::DownloadNamed(
      *session, args[0], [&](int64_t done, int64_t total) {
        if (!bar && !out.empty()) bar.emplace("get " + args[0], total, stderr);
        if (bar) bar->Update(done);
      });
  if (!data.ok()) return Fail(data.status());
  if (bar) bar->Finish();
  if (!out.empty()) {
    absl::Status st = tensord::client::WriteNpyFile(out, *data);
    return st.ok() ? 0 : Fail(st);
  }
  std::string values;
  int64_t k = 0;
  JsonValues(*data, 0, &k, &values);
  std::vector<std::string> shape;
  for (int64_t s : data->shape()) shape.push_back(absl::StrCat(s));
  std::string dtype = tensord::v1::DType_Name(data->dtype());
  dtype = absl::AsciiStrToLower(dtype.substr(6));  // DTYPE_FLOAT32 -> float32
  std::cout << "{\"name\": " << JsonString(args[0]) << ", \"dtype\": \""
            << dtype << "\", \"shape\": [" << absl::StrJoin(shape, ", ")
            << "], \"data\": " << values << "}\n";
  return 0;
}

// ------------------------------------------------------------ scripts

// run, eval and repl: the tensord package's _cli on tensorctl's embedded
// CPython (client/python/embed.h).
int Python(const std::string& command, const std::vector<std::string>& args,
           bool json) {
  tensord::python::PythonOptions o;
  o.server = FlagOrEnv(absl::GetFlag(FLAGS_server), "TENSORD_SERVER",
                       "127.0.0.1:50051");
  o.token = FlagOrEnv(absl::GetFlag(FLAGS_token), "TENSORD_TOKEN");
  o.tls = absl::GetFlag(FLAGS_tls);
  o.tls_ca = absl::GetFlag(FLAGS_tls_ca);
  o.session = FlagOrEnv(absl::GetFlag(FLAGS_session), "TENSORD_SESSION");
  o.json = json;
  o.timeout = absl::GetFlag(FLAGS_timeout);
  o.memory_limit = absl::GetFlag(FLAGS_memory_limit);
  if (absl::GetFlag(FLAGS_seed) >= 0) {
    o.seed = static_cast<uint64_t>(absl::GetFlag(FLAGS_seed));
  }
  return tensord::python::RunPython(command, args, o);
}

}  // namespace

// The index just past `run FILE` in argv (argc if there is none): what
// follows the script's path are its own arguments (its sys.argv[1:]), which
// tensorctl neither parses nor rejects, as `python3 FILE ARGS...`.
int ScriptArgsStart(int argc, char** argv) {
  int positional = 0;
  bool run = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") return argc;  // absl: the rest are positional
    if (a.size() > 1 && a[0] == '-') {
      if (a.find('=') != std::string::npos) continue;
      std::string name = a.substr(a[1] == '-' ? 2 : 1);
      const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
      // --flag VALUE for a flag that takes one (not --tls, --notls).
      if (flag != nullptr && !flag->IsOfType<bool>()) ++i;
      continue;
    }
    if (positional == 0) {
      run = a == "run";
    } else if (run) {
      return i + 1;
    }
    ++positional;
  }
  return argc;
}

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  // tensorctl [flags] run FILE ARGS...: only what precedes ARGS is ours.
  const int script_args = ScriptArgsStart(argc, argv);
  const std::vector<std::string> extra(argv + script_args, argv + argc);
  argc = script_args;
  // COMMAND --help: that command's help (absl's --help is the general one).
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a != "--help" && a != "-h" && a != "-help") continue;
    for (int j = 1; j < argc; ++j) {
      if (argv[j][0] == '-') continue;
      if (const char* h = HelpFor(argv[j])) {
        std::cout << h;
        return 0;
      }
      break;
    }
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty() || args[0] == "help") {
    if (args.size() == 2) {
      if (const char* h = HelpFor(args[1])) {
        std::cout << h;
        return 0;
      }
    }
    std::cout << kUsage << "\n";
    return args.empty() ? 2 : 0;
  }
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output != "text" && output != "json") {
    std::cerr << "error: --output must be text or json\n";
    return 2;
  }
  ClientOptions opts;
  opts.target = FlagOrEnv(absl::GetFlag(FLAGS_server), "TENSORD_SERVER",
                          "127.0.0.1:50051");
  opts.token = FlagOrEnv(absl::GetFlag(FLAGS_token), "TENSORD_TOKEN");
  opts.tls = absl::GetFlag(FLAGS_tls);
  opts.tls_ca_file = absl::GetFlag(FLAGS_tls_ca);
  opts.deadline = absl::Seconds(absl::GetFlag(FLAGS_timeout));
  auto client = Client::Connect(opts);
  if (!client.ok()) return Fail(client.status());
  const std::string cmd = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const bool json = output == "json";
  if (cmd == "health") {
    absl::Status st = (*client)->Health();
    if (!st.ok()) return Fail(st);
    std::cout << (json ? "\"SERVING\"" : "SERVING") << "\n";
    return 0;
  }
  if (cmd == "ops") return Ops(**client, json);
  if (cmd == "session") return SessionCommand(**client, rest, json);
  if (cmd == "graph") return Graph(**client, rest);
  if (cmd == "put") return Put(**client, rest);
  if (cmd == "get") return Get(**client, rest, json);
  if (cmd == "run" || cmd == "eval" || cmd == "repl") {
    std::vector<std::string> python_args = rest;
    python_args.insert(python_args.end(), extra.begin(), extra.end());
    return Python(cmd, python_args, json);
  }
  std::cerr << "unknown command '" << cmd << "'\n\n" << kUsage << "\n";
  return 2;
}
