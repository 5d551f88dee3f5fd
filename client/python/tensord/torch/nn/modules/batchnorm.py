"""BatchNorm1d/2d: running statistics updated by the server's batch_norm
in training mode, num_batches_tracked, train/eval."""
from ... import _dtypes, tensor
from ..._ops import torch_function
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

empty = torch_function("empty")
ones = torch_function("ones")
zeros = torch_function("zeros")


class _NormBase(Module):
    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, dtype=dtype))
            self.bias = Parameter(empty(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean",
                                 zeros(num_features, dtype=dtype))
            self.register_buffer("running_var",
                                 ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked",
                                 tensor(0, dtype=_dtypes.long))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)

    def extra_repr(self):
        return "%s, eps=%s, momentum=%s, affine=%s, track_running_stats=%s" \
            % (self.num_features, self.eps, self.momentum, self.affine,
               self.track_running_stats)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata,
                              strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = tensor(0, dtype=_dtypes.long)
        super()._load_from_state_dict(state_dict, prefix, local_metadata,
                                      strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    def forward(self, input):  # noqa: A002
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            if self.num_batches_tracked is not None:
                self.num_batches_tracked.add_(1)
                if self.momentum is None:
                    factor = 1.0 / float(self.num_batches_tracked)
        if self.training:
            bn_training = True
        else:
            bn_training = self.running_mean is None and \
                self.running_var is None
        use_stats = not self.training or self.track_running_stats
        return F.batch_norm(
            input, self.running_mean if use_stats else None,
            self.running_var if use_stats else None, self.weight, self.bias,
            bn_training, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    def _check_input_dim(self, input):  # noqa: A002
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError("expected 2D or 3D input (got %dD input)" %
                             input.dim())


class BatchNorm2d(_BatchNorm):
    def _check_input_dim(self, input):  # noqa: A002
        if input.dim() != 4:
            raise ValueError("expected 4D input (got %dD input)" %
                             input.dim())


BatchNorm1d.__module__ = BatchNorm2d.__module__ = \
    "torch.nn.modules.batchnorm"


class _InstanceNorm(_NormBase):
    """InstanceNorm1d/2d: no affine parameters and no running stats unless
    asked (PyTorch's defaults)."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine,
                         track_running_stats, device, dtype)

    def forward(self, input):  # noqa: A002
        if input.dim() not in (self._dims, self._dims + 1):
            raise ValueError("expected %dD or %dD input (got %dD input)" % (
                self._dims, self._dims + 1, input.dim()))
        if input.dim() == self._dims:  # unbatched
            return self._run(input.unsqueeze(0)).squeeze(0)
        return self._run(input)

    def _run(self, input):  # noqa: A002
        return F.instance_norm(
            input, self.running_mean, self.running_var, self.weight,
            self.bias, self.training or not self.track_running_stats,
            self.momentum, self.eps)


class InstanceNorm1d(_InstanceNorm):
    _dims = 2


class InstanceNorm2d(_InstanceNorm):
    _dims = 3
