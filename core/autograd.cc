#include "core/autograd.h"

#include <unordered_map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/ops.h"
#include "core/ops_internal.h"
#include "core/status_macros.h"
#include "core/transaction.h"

namespace tensord {
namespace {

thread_local bool t_grad_enabled = true;
// True while a create_graph pass runs a twice-differentiable node's
// backward: saved tensors are unpacked with their history.
thread_local bool t_unpack_with_history = false;

// Iterative destruction of node chains: a Node's destructor hands its edges
// to this queue instead of destroying them recursively, so freeing a chain
// of a million nodes does not overflow the stack.
// t_pending is the outermost call's local queue while it drains (null
// otherwise), so nothing outlives the call: a queue allocated once per
// thread and never freed leaked with every thread that ever freed a graph
// (found by LeakSanitizer in script/sanitize asan).
thread_local std::vector<std::shared_ptr<Node>>* t_pending = nullptr;

std::string TypeString(const Tensor& t) {
  return absl::StrCat("torch.", DTypeShortName(t.dtype()), "Tensor ",
                      ShapeToString(t.sizes()));
}

}  // namespace

void ReleaseNodeTree(std::vector<Edge>&& edges) {
  const bool outermost = t_pending == nullptr;
  std::vector<std::shared_ptr<Node>> queue;
  if (outermost) t_pending = &queue;
  for (Edge& e : edges) {
    if (e.fn) t_pending->push_back(std::move(e.fn));
  }
  edges.clear();
  if (!outermost) return;  // the outermost call drains what we queued
  while (!queue.empty()) {
    std::shared_ptr<Node> n = std::move(queue.back());
    queue.pop_back();
    n.reset();  // may run ~Node, which appends to t_pending
  }
  t_pending = nullptr;
}

Node::~Node() {
  ReleaseNodeTree(std::move(next_));
  ReleaseNodeTree(std::move(kept_));
  if (charged_bytes_ != 0) ChargeGraphBytes(account_.get(), -charged_bytes_);
}

void Node::ChargeTo(std::shared_ptr<MemoryAccount> account, int64_t bytes) {
  if (account == nullptr || charged_bytes_ != 0) return;
  ChargeGraphBytes(account.get(), bytes);  // throws before anything is kept
  account_ = std::move(account);
  charged_bytes_ = bytes;
}

bool GradEnabled() { return t_grad_enabled; }
void SetGradEnabled(bool enabled) { t_grad_enabled = enabled; }

SavedTensor::SavedTensor(const Tensor& t, bool is_output)
    : data_(t.detach()),
      original_(t.impl_ptr()),
      counter_(t.impl()->version),
      saved_version_(t.version()),
      defined_(true),
      output_nr_(t.impl()->output_nr),
      is_output_(is_output) {
  grad_fn_ = t.impl()->grad_fn;
  leaf_requires_grad_ = t.impl()->grad_fn == nullptr && t.impl()->requires_grad;
}

absl::StatusOr<Tensor> SavedTensor::Unpack(const Node& owner) const {
  if (released_) {
    return absl::FailedPreconditionError(
        "Trying to backward through the graph a second time (or directly "
        "access saved tensors after they have already been freed). Saved "
        "intermediate values of the graph are freed when you call .backward() "
        "or autograd.grad(). Specify retain_graph=True if you need to backward "
        "through the graph a second time or if you need to access saved "
        "tensors after calling backward.");
  }
  if (counter_->version != saved_version_) {
    // Like torch: a saved output names the node that saved it; a saved
    // input names its producer as it is now (after the in-place change).
    std::string which;
    if (is_output_) {
      which = absl::StrCat(", which is output ", output_nr_, " of ",
                           owner.name(), ",");
    } else if (auto orig = original_.lock(); orig && orig->grad_fn) {
      which = absl::StrCat(", which is output ", orig->output_nr, " of ",
                           orig->grad_fn->name(), ",");
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "one of the variables needed for gradient computation has been "
        "modified by an inplace operation: [",
        TypeString(data_), "]", which, " is at version ", counter_->version,
        "; expected version ", saved_version_,
        " instead. Hint: enable anomaly detection to find the operation that "
        "failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True)."));
  }
  if (t_unpack_with_history) {
    if (std::shared_ptr<Node> fn = grad_fn_.lock()) {
      Tensor r = data_.detach();  // same data, now with the saved history
      r.impl()->grad_fn = std::move(fn);
      r.impl()->output_nr = output_nr_;
      return r;
    }
    if (leaf_requires_grad_) {
      if (auto orig = original_.lock()) return Tensor(std::move(orig));
    }
  }
  return data_;
}

void Node::KeepHistory(const Tensor& t) {
  if (t.defined() && t.impl()->grad_fn) {
    kept_.push_back({t.impl()->grad_fn, t.impl()->output_nr});
  }
}

int Node::Save(const Tensor& t, bool is_output) {
  saved_.emplace_back(t, is_output);
  return static_cast<int>(saved_.size()) - 1;
}

absl::StatusOr<Tensor> Node::Saved(int slot) const {
  return saved_[slot].Unpack(*this);
}

void Node::ReleaseSaved() {
  if (Transaction* txn = Transaction::Current()) {
    // Freed now (a second backward in the same transaction must fail), but
    // restorable if the transaction rolls back.
    txn->OnRollback(
        [self = shared_from_this(), keep = saved_, was = released_]() mutable {
          self->saved_ = std::move(keep);
          self->released_ = was;
        });
  }
  for (SavedTensor& s : saved_) s.Release();
  released_ = true;
}

absl::StatusOr<GradList> Node::Apply(const GradList& grad_outputs) {
  if (!fn_) {
    return absl::UnimplementedError(
        absl::StrCat("derivative for ", name_, " is not implemented"));
  }
  return fn_(*this, grad_outputs);
}

AccumulateGrad::AccumulateGrad(const std::shared_ptr<TensorImpl>& leaf)
    : Node("AccumulateGrad", {}), leaf_(leaf) {}

absl::StatusOr<GradList> AccumulateGrad::Apply(const GradList&) {
  // The engine commits leaf gradients itself once the whole pass succeeded.
  return GradList{};
}

Edge GradientEdge(const Tensor& t) {
  if (!t.defined()) return {};
  TensorImpl* impl = t.impl();
  if (impl->grad_fn) return {impl->grad_fn, impl->output_nr};
  if (!impl->requires_grad) return {};
  std::shared_ptr<Node> acc = impl->grad_accumulator.lock();
  if (!acc) {
    acc = MakeNode<AccumulateGrad>(t.impl_ptr());
    acc->output_shapes = {t.sizes()};
    acc->output_dtypes = {GradDType(t.dtype())};
    impl->grad_accumulator = acc;
  }
  return {acc, 0};
}

bool AnyRequiresGrad(const std::vector<const Tensor*>& inputs) {
  if (!t_grad_enabled) return false;
  for (const Tensor* t : inputs) {
    if (t->defined() && t->requires_grad()) return true;
  }
  return false;
}

std::shared_ptr<Node> RecordOp(const std::string& name,
                               const std::vector<const Tensor*>& inputs,
                               const std::vector<Tensor*>& outputs) {
  if (!AnyRequiresGrad(inputs)) return nullptr;
  std::vector<Edge> edges;
  edges.reserve(inputs.size());
  for (const Tensor* t : inputs) edges.push_back(GradientEdge(*t));
  auto node =
      MakeNode<Node>(name, std::move(edges), static_cast<int>(outputs.size()));
  int nr = 0;
  for (Tensor* out : outputs) {
    node->output_shapes.push_back(out->sizes());
    node->output_dtypes.push_back(GradDType(out->dtype()));
    // Only floating outputs carry gradient (argmax-like outputs do not).
    if (IsDifferentiable(out->dtype())) {
      out->impl()->grad_fn = node;
      out->impl()->output_nr = nr;
    }
    ++nr;
  }
  return node;
}

std::string BackwardOfName(const std::string& name) {
  size_t end = name.size();
  while (end > 0 && name[end - 1] >= '0' && name[end - 1] <= '9') --end;
  return absl::StrCat(name.substr(0, end), "Backward0");
}

absl::StatusOr<Tensor> LinearInGrad(
    const Node& n, const Tensor& g,
    const std::function<absl::StatusOr<Tensor>(const Tensor&)>& backward,
    const std::function<absl::StatusOr<Tensor>(const Tensor&)>& transpose,
    bool transpose_differentiable) {
  const bool record = GradEnabled() && g.defined() && g.requires_grad();
  Tensor r;
  {
    NoGradGuard ng;
    TENSORD_ASSIGN_OR_RETURN(r, backward(g));
  }
  if (!record || !IsDifferentiable(r.dtype())) return r;
  auto node = MakeNode<Node>(BackwardOfName(n.name()),
                             std::vector<Edge>{GradientEdge(g)});
  node->output_shapes = {r.sizes()};
  node->output_dtypes = {GradDType(r.dtype())};
  node->twice_differentiable = true;  // either way, below
  if (transpose_differentiable) {
    node->set_backward(
        [transpose](Node&, const GradList& gg) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(Tensor t, transpose(gg[0]));
          return GradList{t};
        });
  } else {
    // A raw transpose is linear in gg too, with `backward` as its own
    // transpose: record it the same way, so that every order of derivative
    // alternates between the two maps.
    node->set_backward(
        [backward, transpose](Node& self,
                              const GradList& gg) -> absl::StatusOr<GradList> {
          TENSORD_ASSIGN_OR_RETURN(
              Tensor t, LinearInGrad(self, gg[0], transpose, backward, false));
          return GradList{t};
        });
  }
  Tensor out = r.detach();
  out.impl()->grad_fn = std::move(node);
  out.impl()->output_nr = 0;
  return out;
}

absl::StatusOr<GradList> LinearInGradMulti(
    const Node& n, const Tensor& g, GradList results,
    const std::function<absl::StatusOr<Tensor>(const GradList&)>& transpose) {
  if (!GradEnabled() || !g.defined() || !g.requires_grad()) return results;
  auto node = MakeNode<Node>(BackwardOfName(n.name()),
                             std::vector<Edge>{GradientEdge(g)},
                             static_cast<int>(results.size()));
  for (const Tensor& r : results) {
    node->output_shapes.push_back(r.defined() ? r.sizes() : Shape{});
    node->output_dtypes.push_back(
        GradDType(r.defined() ? r.dtype() : g.dtype()));
  }
  node->twice_differentiable = false;
  node->set_backward(
      [transpose](Node&, const GradList& gg) -> absl::StatusOr<GradList> {
        NoGradGuard ng;
        TENSORD_ASSIGN_OR_RETURN(Tensor t, transpose(gg));
        return GradList{t};
      });
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].defined() || !IsDifferentiable(results[i].dtype())) {
      continue;
    }
    Tensor out = results[i].detach();
    out.impl()->grad_fn = node;
    out.impl()->output_nr = static_cast<int>(i);
    results[i] = std::move(out);
  }
  return results;
}

absl::Status CheckInplace(const Tensor& t) {
  if (!GradEnabled()) return absl::OkStatus();
  if (t.is_leaf() && t.impl()->requires_grad) {
    return absl::FailedPreconditionError(
        "a leaf Variable that requires grad is being used in an in-place "
        "operation.");
  }
  const auto& base = t.impl()->view_base;
  if (base && base->grad_fn == nullptr && base->requires_grad) {
    return absl::FailedPreconditionError(
        "a view of a leaf Variable that requires grad is being used in an "
        "in-place operation.");
  }
  return absl::OkStatus();
}

namespace {

// Adds b into the accumulator slot a (undefined means zero).
absl::Status AccumulateInto(Tensor& a, const Tensor& b) {
  if (!b.defined()) return absl::OkStatus();
  if (!a.defined()) {
    a = b;
    return absl::OkStatus();
  }
  TENSORD_ASSIGN_OR_RETURN(a, Add(a, b));
  return absl::OkStatus();
}

// True if `t` is the only handle on its own dense storage (a fresh result
// that no user tensor, view or other gradient shares), so it can become a
// .grad without a copy.
bool IsPrivateDense(const Tensor& t) {
  return t.impl_ptr().use_count() == 1 && t.storage().use_count() == 1 &&
         t.impl()->view_base == nullptr && t.storage_offset() == 0 &&
         t.is_contiguous() && !t.requires_grad() &&
         static_cast<size_t>(t.nbytes()) == t.storage()->nbytes();
}

struct NodeState {
  GradList inputs;  // gradient for each output of the node
  int dependencies = 0;
};

}  // namespace

namespace {
// Where the gradients a pass computes go: into .grad (Backward), or, for
// autograd.grad, captured for the given inputs (and nothing accumulates).
struct Capture {
  std::vector<Edge> edges;  // the inputs' gradient edges
  std::vector<Tensor> grads;
};

absl::Status RunBackward(const std::vector<Tensor>& roots,
                         const std::vector<Tensor>& gradients,
                         bool retain_graph, bool create_graph,
                         Capture* capture);
}  // namespace

absl::Status Backward(const Tensor& root, const Tensor& gradient,
                      bool retain_graph, bool create_graph) {
  try {
    return RunBackward({root}, {gradient}, retain_graph, create_graph, nullptr);
  } catch (const std::bad_alloc& e) {
    // Out of memory (or over a session's account): the pass fails and,
    // since gradients are committed only at its end, changes nothing.
    return absl::ResourceExhaustedError(absl::StrCat("backward(): ", e.what()));
  }
}

absl::StatusOr<std::vector<Tensor>> Grad(const std::vector<Tensor>& outputs,
                                         const std::vector<Tensor>& inputs,
                                         const std::vector<Tensor>& gradients,
                                         bool retain_graph, bool allow_unused,
                                         bool create_graph) {
  if (outputs.empty()) {
    return absl::InvalidArgumentError("grad requires at least one output");
  }
  if (!gradients.empty() && gradients.size() != outputs.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("grad_outputs has ", gradients.size(),
                     " tensors but outputs has ", outputs.size()));
  }
  Capture capture;
  for (const Tensor& t : inputs) {
    if (!t.requires_grad()) {
      return absl::FailedPreconditionError(
          "One of the differentiated Tensors does not require grad");
    }
    Edge e = GradientEdge(t);
    if (!e.fn) {
      return absl::FailedPreconditionError(
          "One of the differentiated Tensors does not require grad");
    }
    capture.edges.push_back(std::move(e));
  }
  capture.grads.resize(inputs.size());
  std::vector<Tensor> grads = gradients;
  grads.resize(outputs.size());
  try {
    TENSORD_RETURN_IF_ERROR(
        RunBackward(outputs, grads, retain_graph, create_graph, &capture));
  } catch (const std::bad_alloc& e) {
    return absl::ResourceExhaustedError(absl::StrCat("grad(): ", e.what()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!capture.grads[i].defined() && !allow_unused) {
      return absl::FailedPreconditionError(
          "One of the differentiated Tensors appears to not have been used "
          "in the graph. Set allow_unused=True if this is the desired "
          "behavior.");
    }
    if (capture.grads[i].defined() &&
        capture.grads[i].sizes() != inputs[i].sizes()) {
      TENSORD_ASSIGN_OR_RETURN(capture.grads[i],
                               SumToShape(capture.grads[i], inputs[i].sizes()));
    }
  }
  return capture.grads;
}

namespace {
// The gradient to start a pass from at `root` (ones for a one-element root).
absl::StatusOr<Tensor> RootGradient(const Tensor& root,
                                    const Tensor& gradient) {
  Tensor grad = gradient;
  if (!grad.defined()) {
    if (root.numel() != 1) {
      return absl::InvalidArgumentError(
          "grad can be implicitly created only for scalar outputs");
    }
    TENSORD_ASSIGN_OR_RETURN(
        grad, Full(root.sizes(), Scalar(1.0), GradDType(root.dtype())));
  } else {
    if (grad.sizes() != root.sizes()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Mismatch in shape: grad_output[0] has a shape of ",
          FormatSize(grad.sizes()), " and output[0] has a shape of ",
          FormatSize(root.sizes()), "."));
    }
    if (IsComplex(grad.dtype()) != IsComplex(root.dtype())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "For complex Tensors, both grad_output and output are required to "
          "have the same dtype. Mismatch in dtype: grad_output[0] has a dtype "
          "of torch.",
          DTypeName(grad.dtype()), " and output[0] has a dtype of torch.",
          DTypeName(root.dtype()), "."));
    }
    if (grad.dtype() != GradDType(root.dtype())) {
      TENSORD_ASSIGN_OR_RETURN(grad, To(grad, GradDType(root.dtype())));
    }
  }
  return grad;
}

// Restores grad mode and saved-tensor unpacking on scope exit.
class ModeScope {
 public:
  ModeScope(bool grad, bool history)
      : grad_(t_grad_enabled), history_(t_unpack_with_history) {
    t_grad_enabled = grad;
    t_unpack_with_history = history;
  }
  ~ModeScope() {
    t_grad_enabled = grad_;
    t_unpack_with_history = history_;
  }
  ModeScope(const ModeScope&) = delete;
  ModeScope& operator=(const ModeScope&) = delete;

 private:
  bool grad_, history_;
};

// Runs `n`'s backward in a create_graph pass. A twice-differentiable node
// runs with grad mode on and saved tensors unpacked with their history, so
// its ops are recorded. Any other node runs as in a plain pass; if its
// results depend on something that requires grad (the incoming gradients or
// the node's inputs), they get a node whose backward fails, so that
// differentiating them again is an error and never a silently wrong zero.
absl::StatusOr<GradList> ApplyCreatingGraph(Node& n, const GradList& grads) {
  if (n.twice_differentiable.value_or(TwiceDifferentiable(n.name()))) {
    ModeScope scope(/*grad=*/true, /*history=*/true);
    return n.Apply(grads);
  }
  GradList out;
  {
    ModeScope scope(/*grad=*/false, /*history=*/false);
    TENSORD_ASSIGN_OR_RETURN(out, n.Apply(grads));
  }
  std::vector<Edge> edges;
  bool any = false;
  for (const Tensor& g : grads) {
    edges.push_back(GradientEdge(g));
    any = any || edges.back().fn != nullptr;
  }
  for (const Edge& e : n.next_edges()) {
    edges.push_back(e);
    any = any || e.fn != nullptr;
  }
  if (!any) return out;
  const std::string name = BackwardOfName(n.name());
  auto node =
      MakeNode<Node>(name, std::move(edges), static_cast<int>(out.size()));
  node->set_backward(
      [inner = n.name()](Node& self,
                         const GradList&) -> absl::StatusOr<GradList> {
        return absl::UnimplementedError(absl::StrCat(
            "derivative for ", self.name(),
            " is not implemented: tensord cannot "
            "differentiate the backward of ",
            inner,
            " again yet (a gradient computed with create_graph=True passed "
            "through it)"));
      });
  for (size_t i = 0; i < out.size(); ++i) {
    node->output_shapes.push_back(out[i].defined() ? out[i].sizes() : Shape{});
    node->output_dtypes.push_back(out[i].defined() ? GradDType(out[i].dtype())
                                                   : DType::kFloat32);
    if (!out[i].defined() || !IsDifferentiable(out[i].dtype())) continue;
    Tensor r = out[i].detach();  // never relabel a tensor someone else holds
    r.impl()->grad_fn = node;
    r.impl()->output_nr = static_cast<int>(i);
    out[i] = std::move(r);
  }
  return out;
}

absl::Status RunBackward(const std::vector<Tensor>& roots,
                         const std::vector<Tensor>& gradients,
                         bool retain_graph, bool create_graph,
                         Capture* capture) {
  // A create_graph pass records what it computes (the engine's own sums,
  // casts and accumulations included); a plain one records nothing.
  ModeScope mode(/*grad=*/create_graph, /*history=*/false);
  std::unordered_map<Node*, NodeState> state;
  std::vector<Node*> stack;
  std::vector<std::pair<Edge, Tensor>> starts;
  for (size_t r = 0; r < roots.size(); ++r) {
    const Tensor& root = roots[r];
    if (!root.requires_grad()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "element ", r,
          " of tensors does not require grad and does not have a grad_fn"));
    }
    TENSORD_ASSIGN_OR_RETURN(Tensor grad, RootGradient(root, gradients[r]));
    Edge edge = GradientEdge(root);
    if (state.try_emplace(edge.fn.get()).second) stack.push_back(edge.fn.get());
    starts.emplace_back(std::move(edge), std::move(grad));
  }

  // Count dependencies with an explicit stack (no recursion).
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      if (!e.fn) continue;
      auto [it, inserted] = state.try_emplace(e.fn.get());
      it->second.dependencies++;
      if (inserted) stack.push_back(e.fn.get());
    }
  }

  // Leaf and retained gradients are collected and committed only when the
  // whole pass succeeded, so a failing backward changes nothing.
  std::vector<std::pair<std::shared_ptr<TensorImpl>, Tensor>> leaf_grads;
  std::vector<Node*> executed;

  std::vector<Node*> ready;
  for (auto& [edge, grad] : starts) {
    NodeState& st = state[edge.fn.get()];
    st.inputs.resize(edge.fn->num_outputs());
    TENSORD_RETURN_IF_ERROR(AccumulateInto(st.inputs[edge.input_nr], grad));
  }
  for (auto& [node, st] : state) {
    if (st.dependencies == 0) ready.push_back(node);
  }
  // With a capture, the gradient reaching each captured edge is kept.
  auto captured = [&](Node* n, const GradList& inputs) {
    if (capture == nullptr) return;
    for (size_t i = 0; i < capture->edges.size(); ++i) {
      const Edge& e = capture->edges[i];
      if (e.fn.get() == n && e.input_nr < static_cast<int>(inputs.size()) &&
          inputs[e.input_nr].defined()) {
        capture->grads[i] = inputs[e.input_nr];
      }
    }
  };
  while (!ready.empty()) {
    Node* n = ready.back();
    ready.pop_back();
    NodeState& st = state[n];
    if (auto* acc = dynamic_cast<AccumulateGrad*>(n)) {
      captured(n, st.inputs);
      std::shared_ptr<TensorImpl> leaf = acc->leaf();
      if (capture == nullptr && leaf && !st.inputs.empty() &&
          st.inputs[0].defined()) {
        leaf_grads.emplace_back(std::move(leaf), std::move(st.inputs[0]));
      }
      continue;
    }
    captured(n, st.inputs);
    if (n->released() && !n->saved().empty()) {
      return absl::FailedPreconditionError(
          "Trying to backward through the graph a second time (or directly "
          "access saved tensors after they have already been freed). Saved "
          "intermediate values of the graph are freed when you call "
          ".backward() or autograd.grad(). Specify retain_graph=True if you "
          "need to backward through the graph a second time or if you need "
          "to access saved tensors after calling backward.");
    }
    // Undefined output grads are zeros of the output's shape.
    st.inputs.resize(n->num_outputs());
    for (int i = 0; i < n->num_outputs(); ++i) {
      if (!st.inputs[i].defined()) {
        TENSORD_ASSIGN_OR_RETURN(
            st.inputs[i], Zeros(n->output_shapes[i], n->output_dtypes[i]));
      }
    }
    for (auto& [impl, nr] : n->retained) {
      if (auto t = impl.lock(); t && capture == nullptr) {
        leaf_grads.emplace_back(t, st.inputs[nr]);
      }
    }
    GradList in_grads;
    if (create_graph) {
      TENSORD_ASSIGN_OR_RETURN(in_grads, ApplyCreatingGraph(*n, st.inputs));
    } else {
      TENSORD_ASSIGN_OR_RETURN(in_grads, n->Apply(st.inputs));
    }
    if (in_grads.size() != n->next_edges().size()) {
      return absl::InternalError(
          absl::StrCat(n->name(), " returned ", in_grads.size(),
                       " gradients for ", n->next_edges().size(), " inputs"));
    }
    executed.push_back(n);
    st.inputs.clear();
    for (size_t i = 0; i < in_grads.size(); ++i) {
      const Edge& e = n->next_edges()[i];
      if (!e.fn) continue;
      // Broadcasting's and type promotion's backward, in one place: reduce
      // the gradient to the input's shape and cast it to the input's dtype.
      Tensor gi = in_grads[i];
      if (gi.defined()) {
        const Shape& want = e.fn->output_shapes[e.input_nr];
        if (gi.sizes() != want) {
          TENSORD_ASSIGN_OR_RETURN(gi, SumToShape(gi, want));
        }
        const DType want_t = e.fn->output_dtypes[e.input_nr];
        if (gi.dtype() != want_t) {
          TENSORD_ASSIGN_OR_RETURN(gi, To(gi, want_t));
        }
      }
      NodeState& next = state[e.fn.get()];
      next.inputs.resize(e.fn->num_outputs());
      TENSORD_RETURN_IF_ERROR(AccumulateInto(next.inputs[e.input_nr], gi));
      if (--next.dependencies == 0) ready.push_back(e.fn.get());
    }
  }

  // Commit: accumulate into .grad (cloning first so user tensors never alias
  // a grad), then free saved tensors unless the graph is retained.
  for (auto& [impl, g] : leaf_grads) {
    Tensor leaf(impl);
    Tensor cur = impl->grad;
    if (Transaction* txn = Transaction::Current()) {
      Tensor old_values;
      if (cur.defined()) {
        TENSORD_ASSIGN_OR_RETURN(old_values, Clone(cur));
      }
      txn->OnRollback([impl = impl, cur, old_values] {
        if (cur.defined()) CopyConvert(old_values, cur);
        impl->grad = cur;
      });
    }
    Tensor incoming = g;
    if (incoming.sizes() != leaf.sizes()) {
      TENSORD_ASSIGN_OR_RETURN(incoming, SumToShape(incoming, leaf.sizes()));
    }
    if (IsStorageOnly(leaf.dtype())) {
      // The engine's gradients are float32 (int32): .grad has the leaf's
      // dtype, and a sum is computed in float32 and rounded, as PyTorch's
      // CPU kernels do.
      if (cur.defined()) {
        TENSORD_ASSIGN_OR_RETURN(Tensor wide, To(cur, incoming.dtype()));
        TENSORD_ASSIGN_OR_RETURN(Tensor sum, Add(wide, incoming));
        if (create_graph) {
          TENSORD_ASSIGN_OR_RETURN(impl->grad, To(sum, leaf.dtype()));
        } else {
          CopyConvert(sum, cur);
        }
        continue;
      }
      TENSORD_ASSIGN_OR_RETURN(incoming, To(incoming, leaf.dtype()));
    }
    if (!cur.defined()) {
      if (create_graph && incoming.requires_grad()) {
        // torch's clone_obey_contract under grad mode: empty + copy_, so
        // the new .grad's grad_fn is CopyBackwards.
        TENSORD_ASSIGN_OR_RETURN(Tensor fresh,
                                 Empty(incoming.sizes(), incoming.dtype()));
        TENSORD_ASSIGN_OR_RETURN(impl->grad, CopyInplace(fresh, incoming));
      } else if (IsPrivateDense(incoming)) {
        impl->grad = std::move(incoming);  // nobody else sees it: take it
      } else {
        TENSORD_ASSIGN_OR_RETURN(impl->grad, Clone(incoming));
      }
    } else if (create_graph) {
      // PyTorch's AccumulateGrad under grad mode: a new .grad = old + new,
      // with history (the old one is left as it was).
      TENSORD_ASSIGN_OR_RETURN(impl->grad, Add(cur, incoming));
    } else {
      TENSORD_ASSIGN_OR_RETURN(Tensor ignored, AddInplace(cur, incoming));
      (void)ignored;
    }
  }
  if (!retain_graph) {
    for (Node* n : executed) n->ReleaseSaved();
  }
  return absl::OkStatus();
}

}  // namespace

}  // namespace tensord
