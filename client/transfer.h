// transfer.h — tensors of any size to and from a session by name, streamed
// in 1 MiB chunks (UploadTensor / DownloadTensor), with progress.
//
//   TENSORD_ASSIGN_OR_RETURN(v1::TensorData x, ReadNpyFile("x.npy"));
//   ProgressBar up("x.npy", x.data().size(), stderr);
//   TENSORD_RETURN_IF_ERROR(UploadNamed(session, "x", x,
//       [&](int64_t done, int64_t) { up.Update(done); }));
//   up.Finish();
//
//   // The size of a download is known once its first message arrives:
//   std::optional<ProgressBar> down;
//   auto y = DownloadNamed(session, "y", [&](int64_t done, int64_t total) {
//     if (!down) down.emplace("y", total, stderr);
//     down->Update(done);
//   });
//
// Calls carry the session header and the client's token and deadline (one
// deadline for the whole stream). Errors are the server's code and message.
// A Session is used by one thread at a time.
#ifndef TENSORD_CLIENT_TRANSFER_H_
#define TENSORD_CLIENT_TRANSFER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/client.h"
#include "client/progress.h"
#include "tensord/v1/tensord.pb.h"

namespace tensord::client {

// Bytes per streamed message.
inline constexpr int64_t kTransferChunkBytes = int64_t{1} << 20;

// Uploads `data` and binds it to `name` in `session` (replacing what the
// name held), without requires_grad. The session gains the name and no
// handle; on any error it is left as it was (the name keeps its value).
// INVALID_ARGUMENT before anything is sent if `name` is empty or
// CheckTensorData(data) fails. Two round trips: the upload, then one
// Execute that binds the name. `progress` (may be empty) is called after
// each chunk with the bytes sent so far and the total.
absl::Status UploadNamed(Session& session, const std::string& name,
                         const v1::TensorData& data, ProgressFn progress = {});

// Produces a tensor's bytes in order for UploadNamedFrom: up to `max_bytes`
// of the next bytes (the view stays valid until the next call). An error
// stops the upload; so does an empty view before the tensor's last byte.
using ChunkSource =
    std::function<absl::StatusOr<absl::string_view>(int64_t max_bytes)>;

// As UploadNamed, with the bytes from `source`, which is asked for one chunk
// at a time, so a tensor never needs to be in memory whole. If the source
// fails, the call is cancelled before the last byte is sent (the server
// binds nothing) and its error is returned; DATA_LOSS if it ends early.
// `requires_grad` sets the new tensor's flag. `name` may be empty (a
// handle only). Returns the new tensor's info: its handle, which the
// caller releases when it no longer needs it (the name, if any, holds the
// tensor too).
absl::StatusOr<v1::TensorInfo> UploadNamedFrom(
    Session& session, const std::string& name, v1::DType dtype,
    const std::vector<int64_t>& shape, ChunkSource source,
    ProgressFn progress = {}, bool requires_grad = false);

// Receives a download for DownloadTo: `header` once (the tensor's info,
// before any byte; an error cancels the download), then `chunk` for each
// piece of its bytes in order (an error cancels it too).
struct ChunkSink {
  std::function<absl::Status(const v1::TensorInfo& info, int64_t total)> header;
  std::function<absl::Status(absl::string_view bytes)> chunk;
};

// Streams the tensor `ref` names into `sink`; nothing is held in memory
// but one chunk. Errors as Download's, or the first error of the sink.
absl::Status DownloadTo(Session& session, const v1::TensorRef& ref,
                        const ChunkSink& sink, ProgressFn progress = {});

// The value of the tensor bound to `name` in `session` (NOT_FOUND if
// none). `progress` (may be empty) is called once the header arrives (with
// done = 0) and after each chunk. DATA_LOSS if the stream's bytes do not
// match the shape it announced.
absl::StatusOr<v1::TensorData> DownloadNamed(Session& session,
                                             const std::string& name,
                                             ProgressFn progress = {});
// The same for a tensor named by handle or name.
absl::StatusOr<v1::TensorData> Download(Session& session,
                                        const v1::TensorRef& ref,
                                        ProgressFn progress = {});

}  // namespace tensord::client

#endif  // TENSORD_CLIENT_TRANSFER_H_
