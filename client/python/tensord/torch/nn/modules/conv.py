"""Conv1d, Conv2d (padding_mode zeros, reflect, replicate, circular),
ConvTranspose1d, ConvTranspose2d (output_size=) (PyTorch 1.13's init and
repr)."""
import math

from ..._ops import torch_function
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

empty = torch_function("empty")


def _ntuple(n):
    def parse(x):
        if isinstance(x, (list, tuple)):
            return tuple(x)
        return (x,) * n
    return parse


_single = _ntuple(1)
_pair = _ntuple(2)


class _ConvNd(Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride,
                 padding, dilation, transposed, output_padding, groups, bias,
                 padding_mode, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    "Invalid padding string %r, should be one of %s" %
                    (padding, {"valid", "same"}))
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for "
                                 "strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(
                "padding_mode must be one of {}, but got padding_mode='{}'"
                .format(valid_padding_modes, padding_mode))
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad's form of the padding (last dim first), for padding_mode.
        if isinstance(padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * len(kernel_size)
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size,
                                   range(len(kernel_size) - 1, -1, -1)):
                    total = d * (k - 1)
                    self._reversed_padding_repeated_twice[2 * i] = total // 2
                    self._reversed_padding_repeated_twice[2 * i + 1] = \
                        total - total // 2
        else:
            self._reversed_padding_repeated_twice = [
                p for p in reversed(padding) for _ in range(2)]
        if transposed:
            shape = (in_channels, out_channels // groups) + kernel_size
        else:
            shape = (out_channels, in_channels // groups) + kernel_size
        self.weight = Parameter(empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "%s, %s, kernel_size=%s, stride=%s" % (
            self.in_channels, self.out_channels, self.kernel_size,
            self.stride)
        if self.padding != (0,) * len(self.padding):
            s += ", padding=%s" % (self.padding,)
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation=%s" % (self.dilation,)
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding=%s" % (self.output_padding,)
        if self.groups != 1:
            s += ", groups=%s" % self.groups
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode=%s" % self.padding_mode
        return s


class Conv1d(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(
            in_channels, out_channels, _single(kernel_size), _single(stride),
            padding if isinstance(padding, str) else _single(padding),
            _single(dilation), False, _single(0), groups, bias, padding_mode,
            dtype)

    def forward(self, input):  # noqa: A002
        if self.padding_mode != "zeros":
            return F.conv1d(F.pad(input, self._reversed_padding_repeated_twice,
                                mode=self.padding_mode),
                          self.weight, self.bias, self.stride, (0,) * 1,
                          self.dilation, self.groups)
        return F.conv1d(input, self.weight, self.bias, self.stride,
                        self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__(
            in_channels, out_channels, _pair(kernel_size), _pair(stride),
            padding if isinstance(padding, str) else _pair(padding),
            _pair(dilation), False, _pair(0), groups, bias, padding_mode,
            dtype)

    def forward(self, input):  # noqa: A002
        if self.padding_mode != "zeros":
            return F.conv2d(F.pad(input, self._reversed_padding_repeated_twice,
                                mode=self.padding_mode),
                          self.weight, self.bias, self.stride, (0,) * 2,
                          self.dilation, self.groups)
        return F.conv2d(input, self.weight, self.bias, self.stride,
                        self.padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride,
                 padding, dilation, transposed, output_padding, groups, bias,
                 padding_mode, dtype=None):
        if padding_mode != "zeros":
            raise ValueError('Only "zeros" padding mode is supported for {}'
                             .format(self.__class__.__name__))
        super().__init__(in_channels, out_channels, kernel_size, stride,
                         padding, dilation, transposed, output_padding,
                         groups, bias, padding_mode, dtype)

    def _output_padding(self, input, output_size, stride, padding,  # noqa: A002
                        kernel_size, num_spatial_dims, dilation=None):
        if output_size is None:
            return tuple(self.output_padding)
        has_batch_dim = input.dim() == num_spatial_dims + 2
        num_non_spatial_dims = 2 if has_batch_dim else 1
        output_size = list(output_size)
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(
                "ConvTranspose{}D: for {}D input, output_size must have {} or "
                "{} elements (got {})".format(
                    num_spatial_dims, input.dim(), num_spatial_dims,
                    num_non_spatial_dims + num_spatial_dims,
                    len(output_size)))
        min_sizes, max_sizes = [], []
        for d in range(num_spatial_dims):
            dim_size = ((input.size(d + num_non_spatial_dims) - 1) * stride[d]
                        - 2 * padding[d]
                        + (dilation[d] if dilation is not None else 1)
                        * (kernel_size[d] - 1) + 1)
            min_sizes.append(dim_size)
            max_sizes.append(min_sizes[d] + stride[d] - 1)
        for i in range(len(output_size)):
            if not min_sizes[i] <= output_size[i] <= max_sizes[i]:
                raise ValueError(
                    "requested an output size of {}, but valid sizes range "
                    "from {} to {} (for an input of {})".format(
                        output_size, min_sizes, max_sizes,
                        input.size()[2:]))
        return [output_size[d] - min_sizes[d]
                for d in range(num_spatial_dims)]


class ConvTranspose1d(_ConvTransposeNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(
            in_channels, out_channels, _single(kernel_size), _single(stride),
            _single(padding), _single(dilation), True,
            _single(output_padding), groups, bias, padding_mode, dtype)

    def forward(self, input, output_size=None):  # noqa: A002
        output_padding = self._output_padding(
            input, output_size, self.stride, self.padding, self.kernel_size,
            1, self.dilation)
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride,
                                  self.padding, output_padding, self.groups,
                                  self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1,
                 padding=0, output_padding=0, groups=1, bias=True,
                 dilation=1, padding_mode="zeros", device=None, dtype=None):
        super().__init__(
            in_channels, out_channels, _pair(kernel_size), _pair(stride),
            _pair(padding), _pair(dilation), True, _pair(output_padding),
            groups, bias, padding_mode, dtype)

    def forward(self, input, output_size=None):  # noqa: A002
        output_padding = self._output_padding(
            input, output_size, self.stride, self.padding, self.kernel_size,
            2, self.dilation)
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride,
                                  self.padding, output_padding, self.groups,
                                  self.dilation)


for _c in (Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d):
    _c.__module__ = "torch.nn.modules.conv"
