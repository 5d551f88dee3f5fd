"""torch.jit, for scripts that script or trace a model before running it:
tensord runs the Python itself (every op is recorded for the server
either way), so script and trace return what they are given and the
decorators leave functions as they are. Saving or loading TorchScript is
NotImplementedError."""


def script(obj, optimize=None, _frames_up=0, _rcb=None,
           example_inputs=None):
    return obj


def trace(func, example_inputs=None, *args, **kwargs):
    return func


def trace_module(mod, inputs, *args, **kwargs):
    return mod


def ignore(drop=False, **kwargs):
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def is_scripting():
    return False


def is_tracing():
    return False


def annotate(the_type, the_value):
    return the_value


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    return mod


def save(m, f, _extra_files=None):
    raise NotImplementedError("tensord: torch.jit.save (TorchScript) is not "
                              "supported; use torch.save(model.state_dict())")


def load(f, map_location=None, _extra_files=None):
    raise NotImplementedError("tensord: torch.jit.load (TorchScript) is not "
                              "supported")
