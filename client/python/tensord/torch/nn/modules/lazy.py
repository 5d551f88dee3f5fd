"""LazyConv1d/2d and LazyBatchNorm1d/2d: in_channels / num_features read
from the first input, then the module becomes a Conv / BatchNorm
(PyTorch's cls_to_become), its parameters drawn at that first call as
PyTorch's forward pre-hook draws them."""
from ... import _dtypes, tensor
from ..._ops import torch_function
from ..parameter import Parameter, UninitializedParameter
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv1d, Conv2d
from .module import Module

empty = torch_function("empty")
ones = torch_function("ones")
zeros = torch_function("zeros")


class _LazyMixin:
    cls_to_become = None

    def has_uninitialized_params(self):
        return any(isinstance(p, UninitializedParameter)
                   for p in self._parameters.values()) or \
            getattr(self, "_lazy_buffers", False)

    def __call__(self, *args, **kwargs):
        if self.has_uninitialized_params():
            self.initialize_parameters(*args, **kwargs)
            self.__dict__.pop("_lazy_buffers", None)
            self.__dict__.pop("_lazy_dtype", None)
            self.__class__ = self.cls_to_become
        return Module.__call__(self, *args, **kwargs)


class _LazyConvMixin(_LazyMixin):
    def _lazy_init(self, out_channels, bias, dtype):
        self._lazy_dtype = dtype
        self.weight = UninitializedParameter()
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter()

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):  # noqa: A002
        if not self.has_uninitialized_params():
            return
        n_spatial = len(self.kernel_size)
        self.in_channels = input.shape[0] if input.dim() == n_spatial + 1 \
            else input.shape[1]
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        shape = (self.out_channels, self.in_channels // self.groups) + \
            tuple(self.kernel_size)
        dt = self._lazy_dtype
        self.weight = Parameter(empty(shape, dtype=dt))
        if self.bias is not None:
            self.bias = Parameter(empty(self.out_channels, dtype=dt))
        self.reset_parameters()


class LazyConv1d(_LazyConvMixin, Conv1d):
    cls_to_become = Conv1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros",
                 device=None, dtype=None):
        Conv1d.__init__(self, 0, 0, kernel_size, stride, padding, dilation,
                        groups, False, padding_mode, dtype=dtype)
        self._lazy_init(out_channels, bias, dtype)


class LazyConv2d(_LazyConvMixin, Conv2d):
    cls_to_become = Conv2d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros",
                 device=None, dtype=None):
        Conv2d.__init__(self, 0, 0, kernel_size, stride, padding, dilation,
                        groups, False, padding_mode, dtype=dtype)
        self._lazy_init(out_channels, bias, dtype)


class _LazyNormMixin(_LazyMixin):
    def _lazy_init(self, dtype):
        self._lazy_dtype = dtype
        self._lazy_buffers = True
        if self.affine:
            self.weight = UninitializedParameter()
            self.bias = UninitializedParameter()

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input, *args, **kwargs):  # noqa: A002
        if not self.has_uninitialized_params():
            return
        self.num_features = input.shape[1]
        dt = self._lazy_dtype
        self._lazy_buffers = False
        if self.affine:
            self.weight = Parameter(empty(self.num_features, dtype=dt))
            self.bias = Parameter(empty(self.num_features, dtype=dt))
        if self.track_running_stats:
            self.running_mean = zeros(self.num_features, dtype=dt)
            self.running_var = ones(self.num_features, dtype=dt)
            self.num_batches_tracked = tensor(0, dtype=_dtypes.long)
        self.reset_parameters()


class LazyBatchNorm1d(_LazyNormMixin, BatchNorm1d):
    cls_to_become = BatchNorm1d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None):
        BatchNorm1d.__init__(self, 0, eps, momentum, False,
                             track_running_stats, dtype=dtype)
        self.affine = affine
        self._lazy_init(dtype)


class LazyBatchNorm2d(_LazyNormMixin, BatchNorm2d):
    cls_to_become = BatchNorm2d

    def __init__(self, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None):
        BatchNorm2d.__init__(self, 0, eps, momentum, False,
                             track_running_stats, dtype=dtype)
        self.affine = affine
        self._lazy_init(dtype)


for _c in (LazyConv1d, LazyConv2d):
    _c.__module__ = "torch.nn.modules.conv"
for _c in (LazyBatchNorm1d, LazyBatchNorm2d):
    _c.__module__ = "torch.nn.modules.batchnorm"
