#include "client/transfer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/npy.h"

namespace tensord::client {

absl::Status UploadNamed(Session& session, const std::string& name,
                         const v1::TensorData& data, ProgressFn progress) {
  if (absl::Status st = CheckTensorData(data); !st.ok()) return st;
  const std::string& bytes = data.data();
  const int64_t total = static_cast<int64_t>(bytes.size());
  std::unique_ptr<grpc::ClientContext> ctx =
      session.client()->Context(session.id());
  v1::TensorInfo info;
  std::unique_ptr<grpc::ClientWriter<v1::UploadTensorRequest>> writer =
      session.client()->stub()->UploadTensor(ctx.get(), &info);
  // The first message is the header and carries the first chunk.
  v1::UploadTensorRequest msg;
  msg.set_session_id(session.id());
  msg.set_dtype(data.dtype());
  *msg.mutable_shape() = data.shape();
  msg.set_name(name);
  int64_t sent = 0;
  do {
    const int64_t n = std::min(kTransferChunkBytes, total - sent);
    msg.set_chunk(bytes.data() + sent, n);
    // A failed write means the server ended the call; Finish says why.
    if (!writer->Write(msg)) break;
    sent += n;
    if (progress) progress(sent, total);
    msg.Clear();
  } while (sent < total);
  writer->WritesDone();
  return FromGrpc(writer->Finish());
}

absl::StatusOr<v1::TensorData> DownloadNamed(Session& session,
                                             const std::string& name,
                                             ProgressFn progress) {
  v1::TensorRef ref;
  ref.set_name(name);
  return Download(session, ref, std::move(progress));
}

absl::StatusOr<v1::TensorData> Download(Session& session,
                                        const v1::TensorRef& ref,
                                        ProgressFn progress) {
  const std::string name =
      ref.ref_case() == v1::TensorRef::kName ? ref.name() : ref.handle();
  v1::FetchTensorRequest req;
  req.set_session_id(session.id());
  *req.mutable_tensor() = ref;
  req.set_chunk_bytes(kTransferChunkBytes);
  std::unique_ptr<grpc::ClientContext> ctx =
      session.client()->Context(session.id());
  std::unique_ptr<grpc::ClientReader<v1::TensorChunk>> reader =
      session.client()->stub()->DownloadTensor(ctx.get(), req);

  v1::TensorData out;
  v1::TensorChunk msg;
  int64_t total = -1;  // known from the first message
  while (reader->Read(&msg)) {
    if (total < 0) {
      const v1::TensorInfo& info = msg.info();
      out.set_dtype(info.dtype());
      *out.mutable_shape() = info.shape();
      total = ItemSize(info.dtype());
      bool bad = !info.defined() || total == 0;
      for (int64_t d : info.shape()) {
        bad = bad || d < 0 || __builtin_mul_overflow(total, d, &total);
      }
      if (bad) {
        ctx->TryCancel();
        reader->Finish();
        return absl::DataLossError(absl::StrCat(
            "download of '", name, "': the server sent no usable header"));
      }
      // Reserve up front, but never more than a bad header could cost.
      out.mutable_data()->reserve(std::min<int64_t>(total, int64_t{1} << 30));
      if (progress) progress(0, total);
    }
    out.mutable_data()->append(msg.chunk());
    if (static_cast<int64_t>(out.data().size()) > total) {
      ctx->TryCancel();
      reader->Finish();
      return absl::DataLossError(
          absl::StrCat("download of '", name, "': more bytes than its shape"));
    }
    if (progress && !msg.chunk().empty()) {
      progress(static_cast<int64_t>(out.data().size()), total);
    }
  }
  if (absl::Status st = FromGrpc(reader->Finish()); !st.ok()) return st;
  if (total < 0) {
    return absl::DataLossError(absl::StrCat(
        "download of '", name, "': the stream ended before its header"));
  }
  if (static_cast<int64_t>(out.data().size()) != total) {
    return absl::DataLossError(absl::StrCat("download of '", name, "': got ",
                                            out.data().size(), " of ", total,
                                            " bytes"));
  }
  return out;
}

}  // namespace tensord::client
