"""Print options: torch.set_printoptions / torch._tensor_str.PRINT_OPTS.

    import tensord.torch as torch
    torch.set_printoptions(precision=2)
    print(torch.tensor([1.12345]))      # tensor([1.12])
    torch.set_printoptions(profile="default")

The options belong to this client process (torch's are global to its
process too); every str(tensor) passes them to the core's print format.
"""
import math as _math

from . import _dtypes


class __PrinterOptions(object):
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = __PrinterOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None,
                     linewidth=None, profile=None, sci_mode=None):
    """torch 1.13's set_printoptions: a profile, then the given overrides;
    sci_mode is always set (None: chosen from the values)."""
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        elif profile == "short":
            PRINT_OPTS.precision = 2
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 2
            PRINT_OPTS.linewidth = 80
        elif profile == "full":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = _math.inf
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current options as a dict (torch 2.x's get_printoptions)."""
    return {"precision": PRINT_OPTS.precision,
            "threshold": PRINT_OPTS.threshold,
            "edgeitems": PRINT_OPTS.edgeitems,
            "linewidth": PRINT_OPTS.linewidth,
            "sci_mode": PRINT_OPTS.sci_mode}


def format_options(shape):
    """Keyword arguments of _C.format for a tensor of `shape`. Raises what
    torch's printing raises where its summarization cannot run."""
    numel = 1
    for d in shape:
        numel *= d
    if (len(shape) >= 2 and numel > 0 and numel > PRINT_OPTS.threshold
            and shape[0] > 2 * PRINT_OPTS.edgeitems
            and PRINT_OPTS.edgeitems <= 0):
        # get_summarized_data stacks no rows.
        raise RuntimeError("stack expects a non-empty TensorList")
    return {"precision": int(PRINT_OPTS.precision),
            "threshold": float(PRINT_OPTS.threshold),
            "edgeitems": int(PRINT_OPTS.edgeitems),
            "linewidth": int(PRINT_OPTS.linewidth),
            "sci_mode": (None if PRINT_OPTS.sci_mode is None
                         else bool(PRINT_OPTS.sci_mode)),
            "default_dtype": _dtypes.default_dtype()._wire}
