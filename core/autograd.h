// autograd.h — the reverse-mode autograd engine.
//
// Each differentiable op records a Node (named like PyTorch's grad_fn,
// e.g. "MulBackward0") holding the tensors its derivative needs and a closure
// that maps the output gradients to input gradients. Leaves that require grad
// get an AccumulateGrad node. Backward() is a dependency count and one
// iterative reverse walk, so arbitrarily deep graphs do not grow the stack.
//
//   Tensor y = *Mul(x, x);
//   TENSORD_RETURN_IF_ERROR(Backward(*Sum(y), Tensor(),
//   /*retain_graph=*/false));
#ifndef TENSORD_CORE_AUTOGRAD_H_
#define TENSORD_CORE_AUTOGRAD_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/tensor.h"

namespace tensord {

struct Edge {
  std::shared_ptr<Node> fn;  // null: the input needs no gradient
  int input_nr = 0;
};

// A tensor saved for backward. Stores a history-free alias plus the version
// it had when saved; unpacking after an in-place change or after the graph
// was freed fails with PyTorch's messages.
class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(const Tensor& t, bool is_output);
  absl::StatusOr<Tensor> Unpack(const Node& owner) const;
  void Release() {
    data_ = Tensor();
    released_ = true;
  }
  bool defined() const { return defined_; }
  int64_t saved_version() const { return saved_version_; }
  const Tensor& data() const { return data_; }

 private:
  Tensor data_;
  std::weak_ptr<TensorImpl> original_;  // error messages; create_graph
  // The saved tensor's history when it was saved, so that a backward with
  // create_graph can differentiate through the saved value (weak: the node's
  // own edges or the node itself keep it alive while it can be used).
  std::weak_ptr<Node> grad_fn_;
  bool leaf_requires_grad_ = false;
  std::shared_ptr<VersionCounter> counter_;
  int64_t saved_version_ = 0;
  bool defined_ = false;
  bool released_ = false;
  int output_nr_ = 0;
  bool is_output_ = false;
};

using GradList = std::vector<Tensor>;

// The dtype gradients of a tensor of dtype t flow in through the engine:
// float32 for float16 and bfloat16 (whose ops compute in float32), t for
// the rest. A leaf's .grad has the leaf's own dtype.
constexpr DType GradDType(DType t) {
  return ComputeDType(t);
}  // undefined entries mean "zero"

class Node : public std::enable_shared_from_this<Node> {
 public:
  using BackwardFn = std::function<absl::StatusOr<GradList>(
      Node& self, const GradList& grad_outputs)>;

  Node(std::string name, std::vector<Edge> next, int num_outputs = 1)
      : name_(std::move(name)),
        next_(std::move(next)),
        num_outputs_(num_outputs) {}
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& name() const { return name_; }
  // Renames the node; only for a node that stands for another op (the
  // cast that rounds a float16 result, named after the op that made it).
  void set_name(std::string name) { name_ = std::move(name); }
  const std::vector<Edge>& next_edges() const { return next_; }
  int num_outputs() const { return num_outputs_; }
  int num_inputs() const { return static_cast<int>(next_.size()); }

  // Saves a tensor needed by backward; returns its slot.
  int Save(const Tensor& t, bool is_output = false);
  absl::StatusOr<Tensor> Saved(int slot) const;
  const std::vector<SavedTensor>& saved() const { return saved_; }
  void ReleaseSaved();
  bool released() const { return released_; }
  // Keeps `t`'s history alive as long as this node, for a saved tensor
  // that is neither an input nor an output (a saved tensor holds its
  // history weakly): the copy an in-place op saves of its input, so that
  // create_graph can differentiate through it.
  void KeepHistory(const Tensor& t);

  // Sets the backward function. It captures by value the small attributes
  // it needs (dims, sizes, scalars, the slots of its saved tensors).
  void set_backward(BackwardFn fn) { fn_ = std::move(fn); }
  // Maps output grads to one grad per next edge.
  virtual absl::StatusOr<GradList> Apply(const GradList& grad_outputs);

  // Shapes and dtypes of the outputs, for making zero grads and checking.
  std::vector<Shape> output_shapes;
  std::vector<DType> output_dtypes;
  // Whether create_graph can record this node's backward: when unset, as
  // TwiceDifferentiable(name()) says. Set false for a node that cannot be
  // recorded faithfully although its name can (e.g. it saved a copy without
  // history), true for one that can although its name cannot (a composite's
  // identity node).
  std::optional<bool> twice_differentiable;
  // Non-leaf outputs whose .grad is kept (retain_grad), by output number.
  std::vector<std::pair<std::weak_ptr<TensorImpl>, int>> retained;

  // Charges `bytes` of graph memory to `account` (null: none) until this
  // node is destroyed; see MakeNode. Throws MemoryLimitError, charging
  // nothing, if the account has no room. At most once per node.
  void ChargeTo(std::shared_ptr<MemoryAccount> account, int64_t bytes);

 private:
  friend void ReleaseNodeTree(std::vector<Edge>&& edges);
  std::shared_ptr<MemoryAccount> account_;
  int64_t charged_bytes_ = 0;
  std::string name_;
  std::vector<Edge> next_;
  std::vector<Edge> kept_;  // KeepHistory
  int num_outputs_;
  std::vector<SavedTensor> saved_;
  bool released_ = false;
  BackwardFn fn_;
};

// Accumulates the incoming gradient into a leaf's .grad.
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(const std::shared_ptr<TensorImpl>& leaf);
  absl::StatusOr<GradList> Apply(const GradList& grad_outputs) override;
  // The leaf, or null once nothing else holds it. Weak, so that a .grad
  // made with create_graph (whose graph reaches this node) does not keep
  // its own leaf alive in a cycle: a gradient for a tensor nobody can see
  // any more is dropped.
  std::shared_ptr<TensorImpl> leaf() const { return leaf_.lock(); }

 private:
  std::weak_ptr<TensorImpl> leaf_;
};

// ---- grad mode ----
bool GradEnabled();
void SetGradEnabled(bool enabled);

// RAII: disables gradient recording in scope (torch.no_grad()).
class NoGradGuard {
 public:
  NoGradGuard() : prev_(GradEnabled()) { SetGradEnabled(false); }
  ~NoGradGuard() { SetGradEnabled(prev_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

// The edge through which gradient flows into `t` (AccumulateGrad for leaves
// requiring grad, grad_fn for non-leaves, null edge otherwise).
Edge GradientEdge(const Tensor& t);

// True if grad mode is on and any input requires grad.
bool AnyRequiresGrad(const std::vector<const Tensor*>& inputs);

// Creates a node named `name` whose next edges are the inputs' gradient
// edges, and makes it the grad_fn of `outputs`. Returns null (and records
// nothing) if no input requires grad or grad mode is off.
// Graph nodes are charged to the thread's MemoryAccount (see ChargeTo) like
// tensor storage, so a session's memory limit also bounds the size of its
// autograd graphs: the node itself plus kNodeOverheadBytes for what it holds
// on the heap (edges, shapes, its backward function). The charge is taken
// when the node is made and given back when it is destroyed, on whatever
// thread. (It follows the node's life, not its allocation: a leaf's weak
// reference to its expired AccumulateGrad keeps make_shared's block, but the
// graph is gone, so graph_bytes returns to what it was before the graph.)
inline constexpr int64_t kNodeOverheadBytes = 256;

// std::make_shared for graph nodes, charged as above. Throws
// MemoryLimitError (and makes nothing) if the account has no room.
template <typename T, typename... Args>
std::shared_ptr<T> MakeNode(Args&&... args) {
  std::shared_ptr<T> node = std::make_shared<T>(std::forward<Args>(args)...);
  node->ChargeTo(CurrentAccount(),
                 static_cast<int64_t>(sizeof(T)) + kNodeOverheadBytes);
  return node;
}

std::shared_ptr<Node> RecordOp(const std::string& name,
                               const std::vector<const Tensor*>& inputs,
                               const std::vector<Tensor*>& outputs);

// Runs backward from `root`. `gradient` may be undefined only for a
// one-element root. Leaves accumulate into .grad; retained non-leaves get
// .grad. Errors: FAILED_PRECONDITION for a root that does not require grad,
// a freed graph or a saved tensor modified in place; INVALID_ARGUMENT for a
// missing gradient of a non-scalar root or a gradient of the wrong shape.
//
// With `create_graph` the pass itself is recorded: the gradients it computes
// have history (saved tensors are unpacked with theirs), so they can be
// differentiated again (higher-order gradients). A node whose backward is
// not built from differentiable ops (see TwiceDifferentiable) still runs,
// but its results get a node whose own backward fails with UNIMPLEMENTED:
// a second derivative is right or an error, never silently incomplete.
absl::Status Backward(const Tensor& root, const Tensor& gradient = Tensor(),
                      bool retain_graph = false, bool create_graph = false);

// True if the backward of nodes named `node_name` (e.g. "MulBackward0") is
// made of differentiable ops, so create_graph records it faithfully
// (core/double_backward.cc; gradgradchecked by tests/op_generic_test.cc).
bool TwiceDifferentiable(const std::string& node_name);
// PyTorch's name for the backward of a backward:
// "SiluBackward0" -> "SiluBackwardBackward0".
std::string BackwardOfName(const std::string& name);
const std::vector<std::string>& TwiceDifferentiableNodes();

// torch.autograd.grad: the gradients of `outputs` (seeded with
// `gradients`, one per output, or empty for one-element outputs) with
// respect to `inputs`, without touching any .grad. An input the outputs do
// not depend on is an error unless `allow_unused` (then its gradient is
// undefined). Errors as Backward's, and FAILED_PRECONDITION for an input
// that does not require grad.
absl::StatusOr<std::vector<Tensor>> Grad(const std::vector<Tensor>& outputs,
                                         const std::vector<Tensor>& inputs,
                                         const std::vector<Tensor>& gradients,
                                         bool retain_graph, bool allow_unused,
                                         bool create_graph = false);

// The backward of a node whose input gradient is a linear map B of the
// incoming gradient g, with B not depending differentiably on the inputs
// (views, slicing, indexing, pooling's scatter: B is fixed by shapes and
// indices). `backward` computes B(g) without recording. In a create_graph
// pass, if g requires grad, the result gets a node whose backward is
// `transpose` (B's transpose, which is the forward map itself, e.g. select
// for select's backward), so the gradient can be differentiated again; and
// again: if `transpose` is made of differentiable ops (say so with
// `transpose_differentiable`) they are recorded, otherwise its result is
// recorded with `backward` as its transpose, and so on for every order. So
// with `transpose_differentiable` false the recorded nodes keep both maps:
// they must capture what they use by value.
absl::StatusOr<Tensor> LinearInGrad(
    const Node& n, const Tensor& g,
    const std::function<absl::StatusOr<Tensor>(const Tensor&)>& backward,
    const std::function<absl::StatusOr<Tensor>(const Tensor&)>& transpose,
    bool transpose_differentiable = true);

// LinearInGrad for a backward with several results, all linear in g:
// `results` (computed without recording) get one node whose backward maps
// their gradients to g's by `transpose` (raw: not differentiable again).
absl::StatusOr<GradList> LinearInGradMulti(
    const Node& n, const Tensor& g, GradList results,
    const std::function<absl::StatusOr<Tensor>(const GradList&)>& transpose);

// Checks whether an in-place change of `t` is allowed by autograd
// (PyTorch's leaf and leaf-view errors).
absl::Status CheckInplace(const Tensor& t);

}  // namespace tensord

#endif  // TENSORD_CORE_AUTOGRAD_H_
