// snapshot_test.cc — the snapshot file of a session (server/snapshot_file.h)
// without gRPC: views come back as views of shared storage; every
// truncation, corruption, foreign or crafted file is DATA_LOSS, never a
// crash or a tensor outside its storage; one session that cannot be
// written keeps its last good file while the pass writes the others.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/status_macros.h"
#include "server/session.h"
#include "server/session_manager.h"
#include "server/snapshot_file.h"
#include "tests/server/test_util.h"

namespace tensord::testing {
namespace {

namespace fs = std::filesystem;
using server::Session;
using server::SessionLimits;
using ::testing::HasSubstr;

const char kId[] = "0123456789abcdef0123456789abcdef";

v1::SessionOptions Same(const v1::SessionOptions& o) { return o; }

v1::OpNode* Node(v1::ExecuteRequest& r, const std::string& op,
                 std::vector<v1::ValueRef> inputs, const std::string& bind) {
  v1::OpNode* n = r.add_nodes();
  n->set_op(op);
  for (auto& in : inputs) *n->add_inputs() = in;
  if (!bind.empty()) n->add_bind(bind);
  return n;
}

void SetInts(v1::OpNode* n, const std::string& key, std::vector<int64_t> v) {
  for (int64_t x : v) (*n->mutable_attrs())[key].mutable_ints()->add_values(x);
}

// A session with a leaf that has a grad, views that share its storage
// (a transpose, an expanded view of 2^33 elements), a bool and a name.
std::unique_ptr<Session> Populated() {
  auto s = std::make_unique<Session>(kId, "owner", v1::SessionOptions(),
                                     SessionLimits(), "r");
  EXPECT_TRUE(s->CreateTensor(F32({1, 2, 3, 4, 5, 6}, {2, 3}), true, "x").ok());
  v1::ExecuteRequest r;
  Node(r, "mul", {NameRef("x"), NameRef("x")}, "");
  Node(r, "sum", {NodeRef(0)}, "");
  Node(r, "backward", {NodeRef(1)}, "");
  Node(r, "detach", {NameRef("x")}, "d");
  Node(r, "T", {NodeRef(3)}, "dt");
  v1::OpNode* e = Node(r, "select", {NodeRef(3)}, "");
  (*e->mutable_attrs())["dim"].set_i(1);
  (*e->mutable_attrs())["index"].set_i(0);
  v1::OpNode* wide = Node(r, "expand", {NodeRef(5)}, "wide");
  SetInts(wide, "size", {int64_t{1} << 32, 2});
  Node(r, "gt", {NameRef("x"), FloatRef(2.5)}, "mask");
  v1::ExecuteResponse out;
  absl::Status st = s->Execute(r, &out);
  EXPECT_TRUE(st.ok()) << st;
  return s;
}

std::string Bytes(Session& s) {
  std::stringstream out;
  absl::Status st = s.WriteSnapshot(&out);
  EXPECT_TRUE(st.ok()) << st;
  return out.str();
}

absl::StatusOr<std::unique_ptr<Session>> Read(const std::string& bytes,
                                              const std::string& id = kId) {
  std::istringstream in(bytes);
  return Session::ReadSnapshot(&in, bytes.size(), id, SessionLimits(), "r",
                               Same);
}

std::vector<float> Value(Session& s, const std::string& name) {
  v1::TensorInfo info;
  absl::StatusOr<Tensor> t = s.Fetch(TRefName(name), false, &info);
  if (!t.ok()) return {};
  std::vector<float> out;
  for (double v : t->ToDoubles()) out.push_back(static_cast<float>(v));
  return out;
}

TEST(SnapshotFileTest, ViewsComeBackSharingTheirStorage) {
  auto s = Populated();
  const std::string bytes = Bytes(*s);
  // The 2^33-element view costs no more than its storage.
  EXPECT_LT(bytes.size(), 4096u);
  auto r = Read(bytes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Value(**r, "dt"), std::vector<float>({1, 4, 2, 5, 3, 6}));
  v1::TensorInfo info;
  ASSERT_TRUE((*r)->Fetch(TRefName("x"), true, &info).ok());
  EXPECT_THAT(info.shape(), ::testing::ElementsAre(2, 3));
  // An in-place change through d shows through its transpose: they still
  // share storage.
  v1::ExecuteRequest fill;
  v1::OpNode* n = Node(fill, "fill_", {NameRef("d")}, "");
  (*n->mutable_attrs())["value"].mutable_scalar()->set_f(7);
  v1::ExecuteResponse out;
  ASSERT_TRUE((*r)->Execute(fill, &out).ok());
  EXPECT_EQ(Value(**r, "dt"), std::vector<float>(6, 7));
  // The restored session writes the same snapshot (time stamps aside).
  auto again = Read(Bytes(**r));
  ASSERT_TRUE(again.ok()) << again.status();
}

// A tensor an op made keeps its grad_fn's name, and a backward through it
// says the graph is gone, instead of treating it as a leaf (which would
// leave x.grad silently unchanged); leaves stay leaves, and a fresh forward
// pass works.
TEST(SnapshotFileTest, LostGraphsSayWhatHappened) {
  auto s = std::make_unique<Session>(kId, "owner", v1::SessionOptions(),
                                     SessionLimits(), "r");
  ASSERT_TRUE(s->CreateTensor(F32({1, 2}, {2}), true, "x").ok());
  v1::ExecuteRequest r;
  Node(r, "mul", {NameRef("x"), FloatRef(3.0)}, "y");
  v1::ExecuteResponse out;
  ASSERT_TRUE(s->Execute(r, &out).ok());
  auto back = Read(Bytes(*s));
  ASSERT_TRUE(back.ok()) << back.status();
  v1::TensorInfo y, x;
  ASSERT_TRUE((*back)->Fetch(TRefName("y"), false, &y).ok());
  EXPECT_EQ(y.grad_fn(), "MulBackward0");
  EXPECT_FALSE(y.is_leaf());
  EXPECT_TRUE(y.requires_grad());
  ASSERT_TRUE((*back)->Fetch(TRefName("x"), false, &x).ok());
  EXPECT_TRUE(x.is_leaf());
  EXPECT_TRUE(x.requires_grad());
  v1::ExecuteRequest b;
  Node(b, "sum", {NameRef("y")}, "");
  Node(b, "backward", {NodeRef(0)}, "");
  absl::Status st = (*back)->Execute(b, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(st.message()), HasSubstr("(MulBackward0) was lost"));
  v1::TensorInfo xg;
  ASSERT_TRUE((*back)->Fetch(TRefName("x"), true, &xg).ok());
  EXPECT_FALSE(xg.defined()) << "x.grad untouched by the failed backward";
  v1::ExecuteRequest again;
  Node(again, "mul", {NameRef("x"), FloatRef(3.0)}, "");
  Node(again, "sum", {NodeRef(0)}, "");
  Node(again, "backward", {NodeRef(1)}, "");
  ASSERT_TRUE((*back)->Execute(again, &out).ok());
  absl::StatusOr<Tensor> grad = (*back)->Fetch(TRefName("x"), true, &xg);
  ASSERT_TRUE(grad.ok()) << grad.status();
  EXPECT_EQ(grad->ToDoubles(), std::vector<double>({3, 3}));
  // A crafted grad_fn name (not an identifier of at most 64 characters)
  // makes the snapshot DATA_LOSS.
  for (const std::string& bad :
       {std::string("Mul Backward"), std::string(65, 'a'), std::string("x\n"),
        std::string("\xff")}) {
    std::stringstream in(Bytes(*s));
    auto reader = server::SnapshotReader::Open(&in, Bytes(*s).size());
    ASSERT_TRUE(reader.ok());
    v1::SessionSnapshot header = (*reader)->header();
    bool set = false;
    for (auto& t : *header.mutable_tensors()) {
      if (!t.grad_fn().empty()) {
        t.set_grad_fn(bad);
        set = true;
      }
    }
    ASSERT_TRUE(set);
    std::stringstream out;
    server::SnapshotWriter writer(&out);
    ASSERT_TRUE(writer.WriteHeader(header).ok());
    for (int64_t n : header.storage_bytes()) {
      std::string data(static_cast<size_t>(n), '\0');
      ASSERT_TRUE((*reader)->ReadBytes(data.data(), data.size()).ok());
      ASSERT_TRUE(writer.WriteBytes(data.data(), data.size()).ok());
    }
    ASSERT_TRUE(writer.Finish().ok());
    auto crafted = Read(out.str());
    EXPECT_EQ(crafted.status().code(), absl::StatusCode::kDataLoss);
  }
}

// Found by the execute fuzzer's snapshot oracle: restore applied the wire's
// rank limit (what a client may send) to views ops made (up to rank 16),
// so such a session's snapshot did not restore.
TEST(SnapshotFileTest, ViewsOfHigherRankThanTheWireAllowsRestore) {
  SessionLimits limits;
  limits.tensor.max_rank = 8;
  Session s(kId, "", v1::SessionOptions(), limits, "r");
  ASSERT_TRUE(s.CreateTensor(F32({1}, {1}), false, "x").ok());
  v1::ExecuteRequest r;
  SetInts(Node(r, "view", {NameRef("x")}, "deep"), "shape",
          std::vector<int64_t>(12, 1));
  v1::ExecuteResponse out;
  ASSERT_TRUE(s.Execute(r, &out).ok());
  const std::string bytes = Bytes(s);
  std::istringstream in(bytes);
  auto restored =
      Session::ReadSnapshot(&in, bytes.size(), kId, limits, "r", Same);
  ASSERT_TRUE(restored.ok()) << restored.status();
  v1::TensorInfo info;
  ASSERT_TRUE((*restored)->Fetch(TRefName("deep"), false, &info).ok());
  EXPECT_EQ(info.shape_size(), 12);
}

TEST(SnapshotFileTest, EveryTruncationIsDataLoss) {
  auto s = Populated();
  const std::string bytes = Bytes(*s);
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = Read(bytes.substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss)
        << n << ": " << r.status();
  }
}

TEST(SnapshotFileTest, EveryFlippedByteIsDataLoss) {
  auto s = Populated();
  const std::string bytes = Bytes(*s);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x5a;
    auto r = Read(bad);
    ASSERT_FALSE(r.ok()) << i;
    ASSERT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << i;
  }
}

TEST(SnapshotFileTest, PaddedEmptyAndForeignFilesAreDataLoss) {
  auto s = Populated();
  const std::string bytes = Bytes(*s);
  for (const std::string& bad :
       {bytes + "x", std::string(), std::string("not a snapshot at all"),
        std::string(4096, '\0'),
        std::string("TNSDSNP2") + std::string(64, 'x')}) {
    auto r = Read(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
  }
  // A whole snapshot of another session is not this one's.
  auto r = Read(bytes, "ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("holds session"));
}

// A well-formed file (right lengths, right checksum) whose header lies:
// each must be refused by the restore's checks, not trusted.
std::string Crafted(const std::function<void(v1::SessionSnapshot&)>& edit,
                    int64_t storage_bytes = 8) {
  v1::SessionSnapshot h;
  h.set_format(2);
  h.mutable_session()->set_id(kId);
  h.add_storage_bytes(storage_bytes);
  v1::SnapshotTensor* t = h.add_tensors();
  t->add_names("t");
  v1::SnapshotView* v = t->mutable_view();
  v->set_storage(0);
  v->set_dtype(v1::DTYPE_FLOAT32);
  v->add_sizes(2);
  v->add_strides(1);
  edit(h);
  std::stringstream out;
  server::SnapshotWriter w(&out);
  EXPECT_TRUE(w.WriteHeader(h).ok());
  std::string data(static_cast<size_t>(storage_bytes), '\x01');
  EXPECT_TRUE(w.WriteBytes(data.data(), data.size()).ok());
  EXPECT_TRUE(w.Finish().ok());
  return out.str();
}

TEST(SnapshotFileTest, CraftedHeadersAreRefused) {
  // The unedited file restores (so each refusal below is the edit's).
  auto ok = Read(Crafted([](v1::SessionSnapshot&) {}));
  ASSERT_TRUE(ok.ok()) << ok.status();
  struct Case {
    const char* name;
    std::function<void(v1::SessionSnapshot&)> edit;
  };
  auto view = [](v1::SessionSnapshot& h) {
    return h.mutable_tensors(0)->mutable_view();
  };
  const Case cases[] = {
      {"past the storage", [&](auto& h) { view(h)->set_offset(1); }},
      {"stride past the storage", [&](auto& h) { view(h)->set_strides(0, 2); }},
      {"overflowing shape",
       [&](auto& h) {
         view(h)->set_sizes(0, 5944900932268923563);
         view(h)->add_sizes(4099);
         view(h)->add_strides(1);
       }},
      {"negative size", [&](auto& h) { view(h)->set_sizes(0, -5); }},
      {"rank 17",
       [&](auto& h) {
         for (int i = 0; i < 16; ++i) {
           view(h)->add_sizes(1);
           view(h)->add_strides(1);
         }
       }},
      {"missing storage", [&](auto& h) { view(h)->set_storage(1); }},
      {"negative storage", [&](auto& h) { view(h)->set_storage(-1); }},
      {"unknown dtype", [&](auto& h) { view(h)->set_dtype(v1::DType(99)); }},
      {"float64 past the storage",
       [&](auto& h) { view(h)->set_dtype(v1::DTYPE_FLOAT64); }},
      {"grad unlike its tensor",
       [&](auto& h) {
         *h.mutable_tensors(0)->mutable_grad_view() = *view(h);
         h.mutable_tensors(0)->mutable_grad_view()->set_sizes(0, 1);
       }},
      {"long name",
       [&](auto& h) {
         h.mutable_tensors(0)->add_names(std::string(2000, 'n'));
       }},
      {"bad generator", [&](auto& h) { h.add_rng_state(1); }},
      {"another id", [&](auto& h) { h.mutable_session()->set_id("ab"); }},
  };
  for (const Case& c : cases) {
    auto r = Read(Crafted(c.edit));
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss)
        << c.name << ": " << r.status();
  }
}

TEST(SnapshotFileTest, BoolBytesAreNormalised) {
  auto r = Read(Crafted([](v1::SessionSnapshot& h) {
    h.mutable_tensors(0)->mutable_view()->set_dtype(v1::DTYPE_BOOL);
    h.mutable_tensors(0)->mutable_view()->set_sizes(0, 8);
  }));
  ASSERT_TRUE(r.ok()) << r.status();
  v1::TensorInfo info;
  absl::StatusOr<Tensor> t = (*r)->Fetch(TRefName("t"), false, &info);
  ASSERT_TRUE(t.ok());
  for (double v : t->ToDoubles()) EXPECT_EQ(v, 1.0);
}

TEST(SnapshotFileTest, FormatOneFilesStillRestore) {
  v1::SessionSnapshot legacy;
  legacy.mutable_session()->set_id(kId);
  v1::SnapshotTensor* t = legacy.add_tensors();
  t->add_names("x");
  *t->mutable_value() = F32({1, 2}, {2});
  *t->mutable_grad() = F32({3, 4}, {2});
  t->set_requires_grad(true);
  auto r = Read(legacy.SerializeAsString());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Value(**r, "x"), std::vector<float>({1, 2}));
  // A format-1 file with an overflowing shape is refused like any other.
  t->mutable_value()->clear_shape();
  t->mutable_value()->add_shape(int64_t{1} << 62);
  t->mutable_value()->add_shape(8);
  EXPECT_FALSE(Read(legacy.SerializeAsString()).ok());
}

TEST(SnapshotFileTest, AFailingStreamIsAnErrorNotAnException) {
  auto s = Populated();
  std::stringstream out;
  out.setstate(std::ios::badbit);
  absl::Status st = s->WriteSnapshot(&out);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
}

TEST(SnapshotFileTest, ASessionThatCannotBeWrittenKeepsItsLastGoodFile) {
  const fs::path dir = fs::temp_directory_path() /
                       ("tensord_snapfile_" + std::to_string(getpid()));
  fs::remove_all(dir);
  server::ServerOptions options;
  options.snapshot_dir = dir.string();
  options.replica_id = "r";
  server::SessionManager m(options);
  auto a = m.Create(v1::SessionOptions(), "");
  auto b = m.Create(v1::SessionOptions(), "");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->CreateTensor(F32({1}, {1}), false, "v").ok());
  ASSERT_TRUE((*b)->CreateTensor(F32({2}, {1}), false, "v").ok());
  ASSERT_TRUE(m.SaveSnapshots().ok());
  const fs::path a_file = dir / ("r." + (*a)->id() + ".session");
  const fs::path b_file = dir / ("r." + (*b)->id() + ".session");
  std::ifstream in(a_file, std::ios::binary);
  const std::string a_before((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  // a's temporary file cannot be made (a directory stands in its way).
  fs::create_directory(a_file.string() + ".tmp");
  ASSERT_TRUE((*a)->CreateTensor(F32({5}, {1}), false, "w").ok());
  ASSERT_TRUE((*b)->CreateTensor(F32({6}, {1}), false, "w").ok());
  const auto b_time = fs::last_write_time(b_file);
  absl::Status st = m.SaveSnapshots();
  EXPECT_FALSE(st.ok());
  // a's last good file is untouched; b's was rewritten.
  std::ifstream in2(a_file, std::ios::binary);
  const std::string a_after((std::istreambuf_iterator<char>(in2)),
                            std::istreambuf_iterator<char>());
  EXPECT_EQ(a_after, a_before);
  std::ifstream bin(b_file, std::ios::binary);
  const std::string b_bytes((std::istreambuf_iterator<char>(bin)),
                            std::istreambuf_iterator<char>());
  auto b_restored = Read(b_bytes, (*b)->id());
  ASSERT_TRUE(b_restored.ok()) << b_restored.status();
  EXPECT_EQ(Value(**b_restored, "w"), std::vector<float>({6}));
  (void)b_time;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tensord::testing
