// file_transfer.h — safetensors and .npz files to and from a session: every
// tensor of a file uploaded under its name, or session tensors written to
// a file, streamed chunk by chunk (client/tensor_file.h reads and writes
// the formats; client/transfer.h streams each tensor).
//
//   absl::StatusOr<PutFileResult> put =
//       PutTensorFile(session, "model.safetensors", "m.");  // m.<name>
//   absl::Status st = GetTensorFile(
//       session, {{"w", NameRef("m.w")}, {"b", NameRef("m.b")}}, "out.npz");
//
// Neither holds a whole tensor in memory: a tensor moves from the file to
// the server (or back) one 1 MiB chunk at a time.
//
// Calls carry the session header and the client's token and deadline (one
// deadline per tensor). A Session is used by one thread at a time.
#ifndef TENSORD_CLIENT_FILE_TRANSFER_H_
#define TENSORD_CLIENT_FILE_TRANSFER_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/client.h"
#include "client/progress.h"
#include "client/tensor_file.h"

namespace tensord::client {

struct PutFileResult {
  // (name in the file, name in the session), in the file's order.
  std::vector<std::pair<std::string, std::string>> names;
  std::map<std::string, std::string> metadata;  // safetensors' __metadata__
};

// Uploads every tensor of the .safetensors or .npz file at `path` and binds
// it to `prefix` + its name in the file (names are used as they are: '/'
// and '.' included), replacing what those names held. All or nothing: the
// file is validated before any byte is sent, each tensor is uploaded under
// a handle only, and one Execute binds them all at once (releasing the
// handles); on any error the handles are released and the session is as it
// was. `progress` (may be empty) gets (0, total) first,
// then the bytes sent of all tensors. Errors: the file's (tensor_file.h;
// INVALID_ARGUMENT naming path, tensor and flaw), the server's.
absl::StatusOr<PutFileResult> PutTensorFile(Session& session,
                                            const std::string& path,
                                            const std::string& prefix,
                                            ProgressFn progress = {},
                                            bool requires_grad = false);

// Writes the session's tensors `tensors` ((name in the file, tensor), each
// file name once) to `path` (.safetensors or .npz by extension), replacing
// it only once the whole file is written. NOT_FOUND if a tensor does not
// exist (before the file is touched); ABORTED if one changed dtype or shape
// while the file was written. `progress` as for PutTensorFile.
absl::Status GetTensorFile(
    Session& session,
    const std::vector<std::pair<std::string, v1::TensorRef>>& tensors,
    const std::string& path, const TensorFileOptions& options = {},
    ProgressFn progress = {});

}  // namespace tensord::client

#endif  // TENSORD_CLIENT_FILE_TRANSFER_H_
