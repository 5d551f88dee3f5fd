// make_corpus.cc — writes the checked-in seed corpora of the wire fuzz
// targets and the Execute dictionary from the op table, so the seeds follow
// the ops. Run it after adding an op (script/fuzz does not):
//
//   build-fuzz/tests/fuzz/make_corpus tests/fuzz
//
// writes corpus/decode_tensor/*, corpus/execute/* (one request per op of the
// table, taking the tensors of fuzz_session.h, plus the seed walkthrough's
// autograd steps; every int and int-list attribute of every op at each
// boundary integer; the hostile-client report's reproductions, which also go
// to regressions/execute/ for fuzz_regression_test) and execute.dict (op and
// attribute names, and the boundary integers as wire bytes).
#include <complex>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/op_table.h"
#include "tensord/v1/tensord.pb.h"
#include "tests/fuzz/fuzz_session.h"

namespace {

namespace fs = std::filesystem;
namespace v1 = tensord::v1;
using tensord::AttrType;
using tensord::fuzz::Data;

// Integers at the edges of int32, int64 and tensord's limits, and the
// values of the hostile-client report.
constexpr int64_t kBoundaryInts[] = {
    0,
    1,
    -1,
    -5,
    (int64_t{1} << 31) - 1,
    (int64_t{1} << 31) + 1,
    int64_t{1} << 32,
    int64_t{1} << 33,
    int64_t{1} << 34,
    int64_t{1} << 62,
    std::numeric_limits<int64_t>::max(),
    std::numeric_limits<int64_t>::min(),
    0x6DB6DB6DB6DB6DB7,
    5944900932268923563,
};

std::string Varint(uint64_t v) {
  std::string out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v);
  return out;
}

// A libFuzzer dictionary entry: "..." with every byte escaped.
std::string Quote(const std::string& bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    char buf[5];
    std::snprintf(buf, sizeof(buf), "\\x%02X", c);
    out += buf;
  }
  return out + "\"";
}

void Write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

void DecodeTensorSeeds(const fs::path& dir) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::pair<std::string, v1::TensorData>> seeds = {
      {"f32_2x3", Data<float>(v1::DTYPE_FLOAT32, {0, 1, 2, 3, 4, 5}, {2, 3})},
      {"f32_scalar", Data<float>(v1::DTYPE_FLOAT32, {-1.5f}, {})},
      {"f32_0x3", Data<float>(v1::DTYPE_FLOAT32, {}, {0, 3})},
      {"f64_nan_inf", Data<double>(v1::DTYPE_FLOAT64, {nan, inf, -inf}, {3})},
      {"i32_4", Data<int32_t>(v1::DTYPE_INT32, {1, -2, 3, -4}, {4})},
      {"i64_2x1", Data<int64_t>(v1::DTYPE_INT64, {1, INT64_MIN}, {2, 1})},
      {"bool_3", Data<uint8_t>(v1::DTYPE_BOOL, {1, 0, 2}, {3})},
      {"c64_2",
       Data<std::complex<float>>(v1::DTYPE_COMPLEX64, {{1, 2}, {3, -4}}, {2})},
      {"mismatch", Data<float>(v1::DTYPE_FLOAT32, {1, 2, 3}, {2, 2})},
      {"negative_dim", Data<float>(v1::DTYPE_FLOAT32, {}, {-1, 2})},
  };
  for (const auto& [name, d] : seeds) {
    Write(dir / name, d.SerializeAsString());
  }
  v1::AttrValue attr;
  attr.mutable_ints()->add_values(0);
  attr.mutable_ints()->add_values(-1);
  Write(dir / "attr_ints", attr.SerializeAsString());
}

// An attribute value of the right type for a required attribute.
v1::AttrValue SampleAttr(const tensord::AttrSpec& spec) {
  v1::AttrValue a;
  switch (spec.type) {
    case AttrType::kInt:
      a.set_i(spec.name == "dim" || spec.name == "dim0" ? 0 : 1);
      break;
    case AttrType::kInts:
      a.mutable_ints()->add_values(spec.name == "dims" ? 0 : 2);
      break;
    case AttrType::kFloat:
      a.set_f(1.0);
      break;
    case AttrType::kScalar:
      a.mutable_scalar()->set_f(2.0);
      break;
    case AttrType::kBool:
      a.set_b(true);
      break;
    case AttrType::kDType:
      a.set_dtype(v1::DTYPE_FLOAT32);
      break;
    case AttrType::kString:
      a.set_s(":");
      break;
    case AttrType::kOrd:
      a.set_s("fro");
      break;
  }
  return a;
}

void ExecuteSeeds(const fs::path& dir, const fs::path& dict_path) {
  std::set<std::string> words;
  for (const tensord::OpDef& op : tensord::OpTable()) {
    words.insert(op.name);
    v1::ExecuteRequest req;
    v1::OpNode* node = req.add_nodes();
    node->set_op(op.name);
    // Matrices for linear algebra, the float vector elsewhere.
    const bool linalg = op.name.find("linalg") != std::string::npos ||
                        op.name == "mm" || op.name == "mv" ||
                        op.name == "matmul";
    const size_t n = op.variadic ? 2 : op.inputs.size();
    for (size_t k = 0; k < n; ++k) {
      node->add_inputs()->set_name(linalg ? "M" : (k == 0 ? "x" : "y"));
    }
    for (const tensord::AttrSpec& spec : op.attrs) {
      words.insert(spec.name);
      if (spec.required) (*node->mutable_attrs())[spec.name] = SampleAttr(spec);
    }
    // Advanced indexing: x[i] and x[b] (long and bool index tensors).
    if (op.name == "index.advanced" || op.name == "index_put_.advanced") {
      node->clear_inputs();
      node->add_inputs()->set_name("x");
      if (op.name == "index_put_.advanced") {
        node->add_inputs()->set_name("s");
      }
      node->add_inputs()->set_name("i");
      (*node->mutable_attrs())["index"].set_s("@");
    }
    node->set_return_value(true);
    node->set_keep(true);
    Write(dir / ("op_" + op.name), req.SerializeAsString());
    // The same op on the extremes: integer overflow, and NaN and inf.
    for (const char* extreme : {"big", "odd"}) {
      v1::ExecuteRequest r = req;
      for (v1::ValueRef& in : *r.mutable_nodes(0)->mutable_inputs()) {
        in.set_name(extreme);
      }
      Write(dir / ("op_" + op.name + "_" + extreme), r.SerializeAsString());
    }
  }
  // The seed walkthrough's autograd part: z = (y.detach() * x).sum();
  // z.backward(); x.grad; then zero_ and an in-place op on a leaf.
  v1::ExecuteRequest walk;
  auto node = [&](const std::string& op) {
    v1::OpNode* n = walk.add_nodes();
    n->set_op(op);
    return n;
  };
  v1::OpNode* d = node("detach");
  d->add_inputs()->set_name("y");
  v1::OpNode* m = node("mul");
  m->add_inputs()->mutable_node()->set_node(0);
  m->add_inputs()->set_name("x");
  v1::OpNode* s = node("sum");
  s->add_inputs()->mutable_node()->set_node(1);
  s->add_bind("z");
  v1::OpNode* b = node("backward");
  b->add_inputs()->mutable_node()->set_node(2);
  v1::OpNode* g = node("grad");
  g->add_inputs()->set_name("x");
  g->set_return_value(true);
  walk.add_release()->set_name("y");
  Write(dir / "walkthrough_detach_backward", walk.SerializeAsString());
  // A literal input and a scalar, under no_grad.
  v1::ExecuteRequest lit;
  lit.set_no_grad(true);
  v1::OpNode* add = lit.add_nodes();
  add->set_op("add");
  *add->add_inputs()->mutable_literal() =
      Data<float>(v1::DTYPE_FLOAT32, {1, 2, 3, 4}, {4});
  add->add_inputs()->mutable_scalar()->set_i(3);
  add->set_return_value(true);
  Write(dir / "literal_scalar_no_grad", lit.SerializeAsString());

  std::ofstream dict(dict_path);
  dict << "# Op and attribute names of core/op_table.cc (make_corpus.cc).\n";
  for (const std::string& w : words) dict << '"' << w << "\"\n";
  for (const char* w : {"x", "y", "A", "M", "i", "b", "c", "s", "big", "big32",
                        "odd", "t1", "@", ", @", "None", "...", "::"}) {
    dict << '"' << w << "\"\n";
  }
  // Boundary integers as they appear on the wire: an AttrValue's int
  // (field 1), a Scalar's int (field 2), and a bare varint (inside a packed
  // int list).
  dict << "# Boundary integers: AttrValue.i, Scalar.i, packed list entry.\n";
  for (int64_t v : kBoundaryInts) {
    const std::string varint = Varint(static_cast<uint64_t>(v));
    dict << Quote("\x08" + varint) << "\n"
         << Quote("\x10" + varint) << "\n"
         << Quote(varint) << "\n";
  }
}

// Every int and int-list attribute of every op, set to each boundary
// integer (alone, and after a 1 in a list).
void BoundarySeeds(const fs::path& dir) {
  for (const tensord::OpDef& op : tensord::OpTable()) {
    for (const tensord::AttrSpec& spec : op.attrs) {
      if (spec.type != AttrType::kInt && spec.type != AttrType::kInts) continue;
      for (size_t k = 0; k < std::size(kBoundaryInts); ++k) {
        for (bool after_one : {false, true}) {
          if (after_one && spec.type != AttrType::kInts) continue;
          v1::ExecuteRequest req;
          v1::OpNode* node = req.add_nodes();
          node->set_op(op.name);
          const size_t n = op.variadic ? 2 : op.inputs.size();
          for (size_t i = 0; i < n; ++i) node->add_inputs()->set_name("x");
          for (const tensord::AttrSpec& other : op.attrs) {
            if (other.required && other.name != spec.name) {
              (*node->mutable_attrs())[other.name] = SampleAttr(other);
            }
          }
          v1::AttrValue a;
          if (spec.type == AttrType::kInt) {
            a.set_i(kBoundaryInts[k]);
          } else {
            if (after_one) a.mutable_ints()->add_values(1);
            a.mutable_ints()->add_values(kBoundaryInts[k]);
          }
          (*node->mutable_attrs())[spec.name] = a;
          node->set_return_value(true);
          node->set_keep(true);
          Write(dir / ("boundary_" + op.name + "_" + spec.name + "_" +
                       std::to_string(k) + (after_one ? "_list" : "")),
                req.SerializeAsString());
        }
      }
    }
  }
}

// The hostile-client report's reproductions against the fuzz session's
// tensors: seeds, and replayed by fuzz_regression_test through the target
// and its oracle.
void HostileSeeds(const fs::path& corpus, const fs::path& regressions) {
  auto ints = [](std::vector<int64_t> v) {
    v1::AttrValue a;
    for (int64_t x : v) a.mutable_ints()->add_values(x);
    return a;
  };
  auto one = [](int64_t x) {
    v1::AttrValue a;
    a.set_i(x);
    return a;
  };
  struct Node {
    std::string op;
    std::vector<std::string> inputs;  // names, or "#k" for node k
    std::map<std::string, v1::AttrValue> attrs;
    bool ret = false;
  };
  auto request = [](const std::vector<Node>& nodes) {
    v1::ExecuteRequest req;
    for (const Node& n : nodes) {
      v1::OpNode* node = req.add_nodes();
      node->set_op(n.op);
      for (const std::string& in : n.inputs) {
        if (in[0] == '#') {
          node->add_inputs()->mutable_node()->set_node(std::stoi(in.substr(1)));
        } else {
          node->add_inputs()->set_name(in);
        }
      }
      for (const auto& [k, v] : n.attrs) (*node->mutable_attrs())[k] = v;
      node->set_return_value(n.ret);
    }
    return req;
  };
  v1::AttrValue none;
  none.set_none(true);
  v1::AttrValue seven;
  seven.mutable_scalar()->set_f(7);
  const std::vector<std::pair<std::string, std::vector<Node>>> cases = {
      {"view_overflow_select",
       {{"view", {"s"}, {{"shape", ints({5944900932268923563, 4099})}}},
        {"select", {"#0"}, {{"dim", one(0)}, {"index", one(0)}}, true}}},
      {"view_overflow_fill",
       {{"view", {"s"}, {{"shape", ints({5944900932268923563, 4099})}}},
        {"fill_", {"#0"}, {{"value", seven}}}}},
      {"expand_negative", {{"expand", {"x"}, {{"size", ints({-5, 4})}}, true}}},
      {"expand_overflow",
       {{"expand", {"s"}, {{"size", ints({7, 0x6DB6DB6DB6DB6DB7})}}, true}}},
      {"expand_2_62",
       {{"expand", {"s"}, {{"size", ints({1LL << 62, 1, 2})}}, true}}},
      {"expand_rank_100",
       {{"expand", {"s"}, {{"size", ints(std::vector<int64_t>(100, 1))}}}}},
      {"view_rank_17",
       {{"view", {"s"}, {{"shape", ints(std::vector<int64_t>(17, 1))}}}}},
      {"cat_zero_dim", {{"cat", {"x", "s"}, {}, true}}},
      {"eig_inf",
       {{"view", {"odd"}, {{"shape", ints({2, 2})}}},
        {"linalg.eig", {"#0"}, {}, true}}},
      {"slice_huge_step",
       {{"slice",
         {"x"},
         {{"step", one(std::numeric_limits<int64_t>::max())}},
         true}}},
      {"keepdim_none_after_rand",
       {{"rand", {}, {{"size", ints({3})}}},
        {"sum", {"#0"}, {{"keepdim", none}}}}},
      {"alpha_none", {{"add", {"x", "x"}, {{"alpha", none}}}}},
  };
  for (const auto& [name, nodes] : cases) {
    const std::string bytes = request(nodes).SerializeAsString();
    Write(corpus / ("hostile_" + name), bytes);
    Write(regressions / ("hostile_" + name), bytes);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_corpus tests/fuzz\n");
    return 2;
  }
  const fs::path root = argv[1];
  DecodeTensorSeeds(root / "corpus" / "decode_tensor");
  ExecuteSeeds(root / "corpus" / "execute", root / "execute.dict");
  BoundarySeeds(root / "corpus" / "execute");
  HostileSeeds(root / "corpus" / "execute", root / "regressions" / "execute");
  return 0;
}
