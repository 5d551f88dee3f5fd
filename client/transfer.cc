#include "client/transfer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/npy.h"

namespace tensord::client {

absl::Status UploadNamed(Session& session, const std::string& name,
                         const v1::TensorData& data, ProgressFn progress) {
  if (name.empty()) {
    return absl::InvalidArgumentError("UploadNamed needs a name");
  }
  if (absl::Status st = CheckTensorData(data); !st.ok()) return st;
  absl::string_view rest = data.data();
  // Uploaded under a handle only, so that no name changes yet.
  absl::StatusOr<v1::TensorInfo> info = UploadNamedFrom(
      session, "", data.dtype(),
      std::vector<int64_t>(data.shape().begin(), data.shape().end()),
      [&rest](int64_t max) -> absl::StatusOr<absl::string_view> {
        absl::string_view out = rest.substr(0, max);
        rest.remove_prefix(out.size());
        return out;
      },
      std::move(progress));
  if (!info.ok()) return info.status();
  // One all-or-nothing step binds the name and drops the handle: the
  // session gains the name and no handle (an upload used to leave its
  // handle behind, holding the tensor after the name moved on).
  v1::ExecuteRequest req;
  v1::OpNode* node = req.add_nodes();
  node->set_op("alias");
  node->add_inputs()->set_handle(info->handle());
  node->add_bind(name);
  req.add_release()->set_handle(info->handle());
  absl::StatusOr<v1::ExecuteResponse> bound = session.Execute(std::move(req));
  if (bound.ok()) return absl::OkStatus();
  // Best effort: the handle goes too, so the session is as it was.
  v1::ReleaseTensorRequest release;
  release.set_session_id(session.id());
  release.add_tensors()->set_handle(info->handle());
  v1::ReleaseTensorResponse released;
  (void)session.client()->stub()->ReleaseTensor(
      session.client()->Context(session.id()).get(), release, &released);
  // The server's message without Execute's "node 0 (alias): ", which would
  // name a step the caller never asked for; code and payloads are kept.
  const absl::Status& st = bound.status();
  const std::string server = ErrorOf(st).message();
  absl::Status out(st.code(), server.empty() ? st.message() : server);
  st.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

absl::StatusOr<v1::TensorInfo> UploadNamedFrom(
    Session& session, const std::string& name, v1::DType dtype,
    const std::vector<int64_t>& shape, ChunkSource source, ProgressFn progress,
    bool requires_grad) {
  int64_t total = ItemSize(dtype);
  if (total == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported dtype ", v1::DType_Name(dtype)));
  }
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(total, d, &total)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "upload of '", name, "': a negative or overflowing shape"));
    }
  }
  std::unique_ptr<grpc::ClientContext> ctx =
      session.client()->Context(session.id());
  v1::TensorInfo info;
  std::unique_ptr<grpc::ClientWriter<v1::UploadTensorRequest>> writer =
      session.client()->stub()->UploadTensor(ctx.get(), &info);
  // The first message is the header and carries the first chunk.
  v1::UploadTensorRequest msg;
  msg.set_session_id(session.id());
  msg.set_dtype(dtype);
  for (int64_t d : shape) msg.add_shape(d);
  msg.set_name(name);
  msg.set_requires_grad(requires_grad);
  int64_t sent = 0;
  absl::Status failed;
  do {
    absl::StatusOr<absl::string_view> chunk =
        source(std::min(kTransferChunkBytes, total - sent));
    if (chunk.ok() && chunk->empty() && sent < total) {
      chunk = absl::DataLossError(absl::StrCat("upload of '", name,
                                               "': the data ended after ", sent,
                                               " of ", total, " bytes"));
    }
    if (chunk.ok() && static_cast<int64_t>(chunk->size()) > total - sent) {
      chunk = absl::InternalError(absl::StrCat(
          "upload of '", name, "': the source gave more bytes than asked"));
    }
    if (!chunk.ok()) {
      // Never the last byte: the server binds nothing.
      failed = chunk.status();
      ctx->TryCancel();
      break;
    }
    msg.set_chunk(chunk->data(), chunk->size());
    // A failed write means the server ended the call; Finish says why.
    if (!writer->Write(msg)) break;
    sent += static_cast<int64_t>(chunk->size());
    if (progress) progress(sent, total);
    msg.Clear();
  } while (sent < total);
  if (failed.ok()) writer->WritesDone();
  absl::Status st = FromGrpcNotRetried(writer->Finish(), "UploadTensor");
  if (!failed.ok()) return failed;
  if (!st.ok()) return st;
  return info;
}

absl::StatusOr<v1::TensorData> DownloadNamed(Session& session,
                                             const std::string& name,
                                             ProgressFn progress) {
  v1::TensorRef ref;
  ref.set_name(name);
  return Download(session, ref, std::move(progress));
}

absl::Status DownloadTo(Session& session, const v1::TensorRef& ref,
                        const ChunkSink& sink, ProgressFn progress) {
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

  // Stops the stream with `st` (the server's status is not wanted).
  auto stop = [&](absl::Status st) {
    ctx->TryCancel();
    reader->Finish();
    return st;
  };
  v1::TensorChunk msg;
  int64_t total = -1;  // known from the first message
  int64_t got = 0;
  while (reader->Read(&msg)) {
    if (total < 0) {
      const v1::TensorInfo& info = msg.info();
      total = ItemSize(info.dtype());
      bool bad = !info.defined() || total == 0;
      for (int64_t d : info.shape()) {
        bad = bad || d < 0 || __builtin_mul_overflow(total, d, &total);
      }
      if (bad) {
        return stop(absl::DataLossError(absl::StrCat(
            "download of '", name, "': the server sent no usable header")));
      }
      if (sink.header) {
        if (absl::Status st = sink.header(info, total); !st.ok()) {
          return stop(st);
        }
      }
      if (progress) progress(0, total);
    }
    got += static_cast<int64_t>(msg.chunk().size());
    if (got > total) {
      return stop(absl::DataLossError(
          absl::StrCat("download of '", name, "': more bytes than its shape")));
    }
    if (!msg.chunk().empty()) {
      if (sink.chunk) {
        if (absl::Status st = sink.chunk(msg.chunk()); !st.ok()) {
          return stop(st);
        }
      }
      if (progress) progress(got, total);
    }
  }
  if (absl::Status st = FromGrpc(reader->Finish()); !st.ok()) return st;
  if (total < 0) {
    return absl::DataLossError(absl::StrCat(
        "download of '", name, "': the stream ended before its header"));
  }
  if (got != total) {
    return absl::DataLossError(absl::StrCat("download of '", name, "': got ",
                                            got, " of ", total, " bytes"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::TensorData> Download(Session& session,
                                        const v1::TensorRef& ref,
                                        ProgressFn progress) {
  v1::TensorData out;
  ChunkSink sink;
  sink.header = [&out](const v1::TensorInfo& info, int64_t total) {
    out.set_dtype(info.dtype());
    *out.mutable_shape() = info.shape();
    // Reserve up front, but never more than a bad header could cost.
    out.mutable_data()->reserve(std::min<int64_t>(total, int64_t{1} << 30));
    return absl::OkStatus();
  };
  sink.chunk = [&out](absl::string_view bytes) {
    out.mutable_data()->append(bytes.data(), bytes.size());
    return absl::OkStatus();
  };
  if (absl::Status st = DownloadTo(session, ref, sink, std::move(progress));
      !st.ok()) {
    return st;
  }
  return out;
}

}  // namespace tensord::client
