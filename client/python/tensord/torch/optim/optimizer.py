"""torch.optim.Optimizer: parameter groups, per-parameter state,
state_dict/load_state_dict and zero_grad as in PyTorch 1.13.

A step records in-place ops under no_grad and reads nothing back: the
updates of a whole model go to the server with the next request. Step
counts that torch keeps in a tensor and reads with .item() are mirrored
in Python (`_step_value`), so no value is fetched.
"""
import collections
import functools
import itertools
import warnings

from .. import _grad
from .._tensor import Tensor
from ..nn.modules.module import typename
from ..nn.parameter import Parameter


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _no_grad_step(fn):
    """Runs a step under no_grad (torch's _use_grad_for_differentiable)."""
    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        prev = _grad.is_grad_enabled()
        _grad._set(False)
        try:
            return fn(self, *args, **kwargs)
        finally:
            _grad._set(prev)
    return wrapper


class Optimizer:
    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be "
                            "an iterable of Tensors or dicts, but got " +
                            typename(params))
        self.state = collections.defaultdict(dict)
        self.param_groups = []
        self._step_counts = {}
        self._step_count = 0
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += "\nParameter Group %d\n" % i
            for key in sorted(group.keys()):
                if key != "params":
                    s += "    %s: %s\n" % (key, group[key])
        return s + ")"

    def add_param_group(self, param_group):
        assert isinstance(param_group, dict), "param group must be a dict"
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in "
                            "ordered collections, but the ordering of tensors "
                            "in sets will change between runs. Please use a "
                            "list instead.")
        else:
            param_group["params"] = list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one "
                                "of the params is " + typename(param))
            # (A Parameter is a leaf by construction: no round trip.)
            if not isinstance(param, Parameter) and not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of "
                                 "required optimization parameter " + name)
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with "
                          "duplicate parameters; in future, this will cause "
                          "an error; see github.com/pytorch/pytorch/issues/"
                          "40967 for more information", stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
        if not seen.isdisjoint(set(param_group["params"])):
            raise ValueError("some parameters appear in more than one "
                             "parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=False):
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        g.zero_()

    def step(self, closure=None):
        raise NotImplementedError

    def _closure_loss(self, closure):
        if closure is None:
            return None
        with _grad.enable_grad():
            return closure()

    def _grads(self, group, init=None, l2=True):
        """(param, gradient, state) for each parameter of `group` that has
        a gradient, as PyTorch's single-tensor steps prepare them: the
        state filled by init(state, param) on first use, the gradient
        negated under maximize=True, then (with l2) weight_decay * param
        added to it."""
        wd = group.get("weight_decay", 0) if l2 else 0
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            state = self.state[p]
            if init is not None and len(state) == 0:
                init(state, p)
            if group.get("maximize", False):
                grad = -grad
            if wd != 0:
                grad = grad.add(p, alpha=wd)
            yield p, grad, state

    # ---------------------------------------------------- step counters

    def _step_value(self, step_t):
        """step_t += 1 then step_t.item(), without reading the tensor."""
        step_t += 1
        n = self._step_counts.get(id(step_t))
        if n is None:
            n = step_t.item()  # a step tensor loaded from a state_dict
        else:
            n += 1.0
        self._step_counts[id(step_t)] = n
        return n

    def _new_step_tensor(self):
        from .. import tensor
        t = tensor(0.)
        self._step_counts[id(t)] = 0.0
        return t

    # ------------------------------------------------------- state_dict

    def state_dict(self):
        mappings = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            mappings.update({id(p): i for i, p in
                             enumerate(group["params"], start)
                             if id(p) not in mappings})
            packed["params"] = [mappings[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed
        groups = [pack(g) for g in self.param_groups]
        state = {(mappings[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = self.param_groups
        saved_groups = state_dict["param_groups"]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of "
                             "parameter groups")
        if any(len(g["params"]) != len(s["params"])
               for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group "
                             "that doesn't match the size of optimizer's "
                             "group")
        id_map = dict(zip(
            itertools.chain.from_iterable(g["params"] for g in saved_groups),
            itertools.chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                value = value.clone()
                if param.is_floating_point() and key != "step":
                    value = value.to(param.dtype)
                return value
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value
        state = collections.defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v)
            else:
                state[k] = v
        new_groups = []
        for g, s in zip(groups, saved_groups):
            s = dict(s)
            s["params"] = g["params"]
            new_groups.append(s)
        self._step_counts = {}
        self.__setstate__({"state": state, "param_groups": new_groups})


Optimizer.__module__ = "torch.optim.optimizer"
