// make_corpus.cc — writes the checked-in seed corpora of the wire fuzz
// targets and the Execute dictionary from the op table, so the seeds follow
// the ops. Run it after adding an op (script/fuzz does not):
//
//   build-fuzz/tests/fuzz/make_corpus tests/fuzz
//
// writes corpus/decode_tensor/*, corpus/execute/* (one request per op of the
// table, taking the tensors of fuzz_session.h, plus the seed walkthrough's
// autograd steps) and execute.dict (op and attribute names). The script
// parser's seeds (corpus/script_parser) are scripts, kept by hand.
#include <complex>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
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
  for (const char* w :
       {"x", "y", "A", "M", "i", "b", "c", "s", "big", "big32", "odd", "t1"}) {
    dict << '"' << w << "\"\n";
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
  return 0;
}
