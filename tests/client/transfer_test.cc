// UploadNamed / DownloadNamed against an in-process server: every dtype,
// 0-d and empty tensors, a 64 MiB round trip with progress, errors, and
// what an upload leaves in the session (its name and nothing else; nothing
// at all when it fails).
#include "client/transfer.h"

#include <complex>
#include <vector>

#include "client/client.h"
#include "client/npy.h"
#include "gtest/gtest.h"
#include "tests/server/test_util.h"

namespace tensord::client {
namespace {

using ::tensord::testing::TestServer;

template <typename T>
v1::TensorData Make(v1::DType dtype, const std::vector<T>& values,
                    const std::vector<int64_t>& shape) {
  v1::TensorData d;
  d.set_dtype(dtype);
  for (int64_t s : shape) d.add_shape(s);
  d.set_data(std::string(reinterpret_cast<const char*>(values.data()),
                         values.size() * sizeof(T)));
  return d;
}

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClientOptions opts;
    opts.target = server_.target();
    auto c = Client::Connect(opts);
    ASSERT_TRUE(c.ok()) << c.status();
    client_ = std::move(*c);
    auto s = client_->NewSession();
    ASSERT_TRUE(s.ok()) << s.status();
    session_ = std::make_unique<Session>(std::move(*s));
  }
  // GetSession of `session`, without the time of its last call.
  v1::Session Info(const Session& session) {
    v1::GetSessionRequest req;
    req.set_session_id(session.id());
    v1::Session out;
    grpc::Status st = client_->stub()->GetSession(
        client_->Context(session.id()).get(), req, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    out.clear_last_used_unix_ms();
    return out;
  }
  TestServer server_;
  std::unique_ptr<Client> client_;
  std::unique_ptr<Session> session_;
};

TEST_F(TransferTest, RoundTripsEveryDtype) {
  const v1::TensorData cases[] = {
      Make<float>(v1::DTYPE_FLOAT32, {1, -2, 3.5, 4, 5, 6}, {2, 3}),
      Make<float>(v1::DTYPE_FLOAT32, {2.5}, {}),
      Make<float>(v1::DTYPE_FLOAT32, {}, {0, 3}),
      Make<double>(v1::DTYPE_FLOAT64, {0.1, -1e300}, {2}),
      Make<int32_t>(v1::DTYPE_INT32, {7, -7, 0}, {3, 1}),
      Make<int64_t>(v1::DTYPE_INT64, {int64_t{1} << 50}, {1}),
      Make<uint8_t>(v1::DTYPE_BOOL, {1, 0, 1}, {3}),
      Make<std::complex<float>>(v1::DTYPE_COMPLEX64, {{1, 2}, {0, -1}}, {2}),
  };
  for (const v1::TensorData& d : cases) {
    SCOPED_TRACE(d.ShortDebugString());
    ASSERT_TRUE(UploadNamed(*session_, "t", d).ok());
    absl::StatusOr<v1::TensorData> back = DownloadNamed(*session_, "t");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->SerializeAsString(), d.SerializeAsString());
  }
}

TEST_F(TransferTest, SixtyFourMiBRoundTripWithProgress) {
  const int64_t n = (int64_t{64} << 20) / 4;
  std::vector<float> values(n);
  for (int64_t i = 0; i < n; ++i) values[i] = static_cast<float>(i % 1009);
  const v1::TensorData d =
      Make<float>(v1::DTYPE_FLOAT32, values, {n / 1024, 1024});
  std::vector<std::pair<int64_t, int64_t>> up;
  ASSERT_TRUE(
      UploadNamed(*session_, "big", d, [&](int64_t done, int64_t total) {
        up.emplace_back(done, total);
      }).ok());
  ASSERT_EQ(up.size(), 64u);  // one call per 1 MiB chunk
  EXPECT_EQ(up.front(), std::make_pair(int64_t{1} << 20, n * 4));
  EXPECT_EQ(up.back(), std::make_pair(n * 4, n * 4));

  // The server holds it under the name: its sum is the one computed here.
  // (Session::Named would fetch all 64 MiB in one unary message.)
  double want = 0;
  for (float v : values) want += v;
  absl::StatusOr<std::vector<float>> sum =
      Tensor::ByName(session_.get(), "big", {}).Sum()->ToVector<float>();
  ASSERT_TRUE(sum.ok()) << sum.status();
  ASSERT_EQ(sum->size(), 1u);
  EXPECT_NEAR((*sum)[0], want, want * 1e-5);

  std::vector<std::pair<int64_t, int64_t>> down;
  absl::StatusOr<v1::TensorData> back = DownloadNamed(
      *session_, "big",
      [&](int64_t done, int64_t total) { down.emplace_back(done, total); });
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->data() == d.data());
  EXPECT_EQ(back->dtype(), v1::DTYPE_FLOAT32);
  EXPECT_EQ(std::vector<int64_t>(back->shape().begin(), back->shape().end()),
            (std::vector<int64_t>{n / 1024, 1024}));
  ASSERT_EQ(down.size(), 65u);  // the header, then 64 chunks
  EXPECT_EQ(down.front(), std::make_pair(int64_t{0}, n * 4));
  EXPECT_EQ(down.back(), std::make_pair(n * 4, n * 4));
}

// An upload binds its name and keeps no handle: tensorctl put and the
// Python package's upload used to leave one handle per call, which held
// the tensor after its name was released or rebound.
TEST_F(TransferTest, UploadNamedLeavesOnlyItsName) {
  ASSERT_EQ(Info(*session_).tensor_count(), 0);
  ASSERT_TRUE(UploadNamed(*session_, "w",
                          Make<float>(v1::DTYPE_FLOAT32, {1, 2, 3}, {3}))
                  .ok());
  v1::Session s = Info(*session_);
  EXPECT_EQ(s.tensor_count(), 0);
  EXPECT_EQ(s.name_count(), 1);
  EXPECT_EQ(s.bytes(), 12);
  // Rebinding the name frees the old value: no handle keeps it.
  ASSERT_TRUE(UploadNamed(*session_, "w",
                          Make<float>(v1::DTYPE_FLOAT32, {4, 5, 6, 7}, {4}))
                  .ok());
  ASSERT_TRUE(
      UploadNamed(*session_, "b", Make<double>(v1::DTYPE_FLOAT64, {1}, {1}))
          .ok());
  s = Info(*session_);
  EXPECT_EQ(s.tensor_count(), 0);
  EXPECT_EQ(s.name_count(), 2);
  EXPECT_EQ(s.bytes(), 16 + 8);
  // Released by name, the tensors are gone.
  v1::ReleaseTensorRequest rel;
  rel.set_session_id(session_->id());
  rel.add_tensors()->set_name("w");
  rel.add_tensors()->set_name("b");
  v1::ReleaseTensorResponse rel_resp;
  ASSERT_TRUE(client_->stub()
                  ->ReleaseTensor(client_->Context(session_->id()).get(), rel,
                                  &rel_resp)
                  .ok());
  s = Info(*session_);
  EXPECT_EQ(s.tensor_count(), 0);
  EXPECT_EQ(s.name_count(), 0);
  EXPECT_EQ(s.bytes(), 0);
  EXPECT_EQ(s.name_bytes(), 0);
}

// A failed upload leaves the session as it was: counts, bytes, and the
// value the name held.
TEST_F(TransferTest, FailedUploadNamedChangesNothing) {
  v1::SessionOptions options;
  options.set_memory_limit_bytes(1 << 20);
  absl::StatusOr<Session> small = client_->NewSession(options);
  ASSERT_TRUE(small.ok()) << small.status();
  const v1::TensorData w = Make<float>(v1::DTYPE_FLOAT32, {1, 2, 3}, {3});
  ASSERT_TRUE(UploadNamed(*small, "w", w).ok());
  const v1::Session before = Info(*small);
  ASSERT_EQ(before.tensor_count(), 0);
  ASSERT_EQ(before.name_count(), 1);

  std::vector<float> two_mib((2 << 20) / 4, 1.0f);
  struct Case {
    const char* what;
    std::string name;
    v1::TensorData data;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"data that does not match its shape", "w",
       Make<float>(v1::DTYPE_FLOAT32, {1, 2}, {3}),
       absl::StatusCode::kInvalidArgument},
      {"more than the session's memory limit", "w",
       Make<float>(v1::DTYPE_FLOAT32, two_mib,
                   {static_cast<int64_t>(two_mib.size())}),
       absl::StatusCode::kResourceExhausted},
      {"a name longer than the server takes", std::string(2000, 'n'),
       Make<float>(v1::DTYPE_FLOAT32, {9}, {1}),
       absl::StatusCode::kInvalidArgument},
      {"no name", "", Make<float>(v1::DTYPE_FLOAT32, {9}, {1}),
       absl::StatusCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    absl::Status st = UploadNamed(*small, c.name, c.data);
    EXPECT_EQ(st.code(), c.code) << st;
    // The server's own words, not the step that binds the name.
    EXPECT_EQ(st.message().find("alias"), absl::string_view::npos) << st;
    const v1::Session after = Info(*small);
    EXPECT_EQ(after.SerializeAsString(), before.SerializeAsString())
        << "before: " << before.ShortDebugString()
        << "\nafter: " << after.ShortDebugString();
    absl::StatusOr<v1::TensorData> back = DownloadNamed(*small, "w");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->SerializeAsString(), w.SerializeAsString());
  }
}

TEST_F(TransferTest, Errors) {
  absl::StatusOr<v1::TensorData> missing = DownloadNamed(*session_, "nope");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound)
      << missing.status();

  v1::TensorData bad = Make<float>(v1::DTYPE_FLOAT32, {1, 2}, {3});
  absl::Status st = UploadNamed(*session_, "bad", bad);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "tensor data has 8 bytes; shape (3,) of DTYPE_FLOAT32 needs 12");

  // A session the server no longer knows: its error comes back unchanged,
  // for an upload larger than one chunk too.
  ASSERT_TRUE(session_->Close().ok());
  std::vector<float> three_mib((3 << 20) / 4, 1.0f);
  st = UploadNamed(*session_, "x",
                   Make<float>(v1::DTYPE_FLOAT32, three_mib,
                               {static_cast<int64_t>(three_mib.size())}));
  EXPECT_EQ(st.code(), absl::StatusCode::kNotFound) << st;
  missing = DownloadNamed(*session_, "big");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound)
      << missing.status();
}

}  // namespace
}  // namespace tensord::client
