#include "client/file_transfer.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/transfer.h"

namespace tensord::client {
namespace {

// Best effort: the handles go away (errors are ignored; the caller is
// already failing).
void ReleaseHandles(Session& session, const std::vector<std::string>& handles) {
  if (handles.empty()) return;
  v1::ReleaseTensorRequest req;
  req.set_session_id(session.id());
  for (const std::string& h : handles) req.add_tensors()->set_handle(h);
  v1::ReleaseTensorResponse resp;
  (void)session.client()->stub()->ReleaseTensor(
      session.client()->Context(session.id()).get(), req, &resp);
}

// `st` with "what: " before its message (the server's part of it, without
// Execute's "node N (op): " prefix), keeping its code and payloads.
absl::Status Prefixed(absl::string_view what, const absl::Status& st) {
  const std::string server = ErrorOf(st).message();
  absl::Status out(
      st.code(),
      absl::StrCat(what, ": ", server.empty() ? st.message() : server));
  st.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

std::string Describe(const v1::TensorRef& ref) {
  return ref.ref_case() == v1::TensorRef::kName
             ? absl::StrCat("tensor '", ref.name(), "'")
             : absl::StrCat("tensor handle ", ref.handle());
}

}  // namespace

absl::StatusOr<PutFileResult> PutTensorFile(Session& session,
                                            const std::string& path,
                                            const std::string& prefix,
                                            ProgressFn progress,
                                            bool requires_grad) {
  absl::StatusOr<std::unique_ptr<TensorFileReader>> reader =
      OpenTensorFile(path);
  if (!reader.ok()) return reader.status();
  const std::vector<FileTensor>& tensors = (*reader)->tensors();
  PutFileResult result;
  result.metadata = (*reader)->metadata();
  int64_t total = 0;
  for (const FileTensor& t : tensors) {
    result.names.emplace_back(t.name, prefix + t.name);
    total += t.bytes;
  }
  if (progress) progress(0, total);
  // Each tensor is uploaded under a handle only; no name changes yet.
  std::vector<std::string> uploaded;
  int64_t before = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const FileTensor& t = tensors[i];
    if (absl::Status st = (*reader)->Open(i); !st.ok()) {
      ReleaseHandles(session, uploaded);
      return st;
    }
    absl::StatusOr<v1::TensorInfo> info = UploadNamedFrom(
        session, "", t.dtype, t.shape,
        [&](int64_t max) { return (*reader)->Read(max); },
        [&](int64_t done, int64_t) {
          if (progress) progress(before + done, total);
        },
        requires_grad);
    if (!info.ok()) {
      ReleaseHandles(session, uploaded);
      // The file's errors name it already; the server's get the tensor.
      if (absl::StartsWith(info.status().message(), path)) {
        return info.status();
      }
      return Prefixed(absl::StrCat(path, ": tensor '", t.name, "'"),
                      info.status());
    }
    uploaded.push_back(info->handle());
    before += t.bytes;
  }
  if (tensors.empty()) return result;
  // One all-or-nothing step binds every name and drops the handles.
  v1::ExecuteRequest req;
  for (size_t i = 0; i < tensors.size(); ++i) {
    v1::OpNode* node = req.add_nodes();
    node->set_op("alias");
    node->add_inputs()->set_handle(uploaded[i]);
    node->add_bind(result.names[i].second);
    req.add_release()->set_handle(uploaded[i]);
  }
  absl::StatusOr<v1::ExecuteResponse> resp = session.Execute(std::move(req));
  if (!resp.ok()) {
    ReleaseHandles(session, uploaded);
    return Prefixed(path, resp.status());
  }
  return result;
}

absl::Status GetTensorFile(
    Session& session,
    const std::vector<std::pair<std::string, v1::TensorRef>>& tensors,
    const std::string& path, const TensorFileOptions& options,
    ProgressFn progress) {
  if (absl::StatusOr<TensorFileFormat> f = TensorFileFormatOf(path); !f.ok()) {
    return f.status();
  }
  // Every tensor's dtype and shape, in one round trip, before the file is
  // touched.
  std::vector<FileTensor> files;
  std::map<std::string, const v1::TensorRef*> refs;
  if (!tensors.empty()) {
    v1::ExecuteRequest req;
    for (const auto& [name, ref] : tensors) {
      v1::OpNode* node = req.add_nodes();
      node->set_op("alias");
      if (ref.ref_case() == v1::TensorRef::kName) {
        node->add_inputs()->set_name(ref.name());
      } else {
        node->add_inputs()->set_handle(ref.handle());
      }
    }
    absl::StatusOr<v1::ExecuteResponse> resp = session.Execute(std::move(req));
    if (!resp.ok()) return Prefixed(path, resp.status());
    for (size_t i = 0; i < tensors.size(); ++i) {
      if (static_cast<int>(i) >= resp->results_size() ||
          resp->results(i).outputs_size() != 1) {
        return absl::InternalError("the server described no tensor");
      }
      const v1::TensorInfo& info = resp->results(i).outputs(0);
      FileTensor t;
      t.name = tensors[i].first;
      t.dtype = info.dtype();
      t.shape.assign(info.shape().begin(), info.shape().end());
      files.push_back(std::move(t));
      refs[tensors[i].first] = &tensors[i].second;
    }
  }
  absl::StatusOr<std::unique_ptr<TensorFileWriter>> writer =
      CreateTensorFile(path, std::move(files), options);
  if (!writer.ok()) return writer.status();
  const std::vector<FileTensor>& order = (*writer)->tensors();
  int64_t total = 0;
  for (const FileTensor& t : order) total += t.bytes;
  if (progress) progress(0, total);
  int64_t before = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const FileTensor& t = order[i];
    if (absl::Status st = (*writer)->Begin(i); !st.ok()) return st;
    const v1::TensorRef& ref = *refs.at(t.name);
    ChunkSink sink;
    sink.header = [&](const v1::TensorInfo& info, int64_t) {
      if (info.dtype() != t.dtype ||
          !std::equal(info.shape().begin(), info.shape().end(), t.shape.begin(),
                      t.shape.end())) {
        return absl::AbortedError(absl::StrCat(Describe(ref), " changed while ",
                                               path, " was written"));
      }
      return absl::OkStatus();
    };
    sink.chunk = [&](absl::string_view bytes) {
      return (*writer)->Write(bytes);
    };
    absl::Status st =
        DownloadTo(session, ref, sink, [&](int64_t done, int64_t) {
          if (progress) progress(before + done, total);
        });
    if (!st.ok()) return st;
    before += t.bytes;
  }
  return (*writer)->Finish();
}

}  // namespace tensord::client
