"""Running PyTorch scripts against tensord: `python3 -m tensord run FILE`
and tensorctl's run, eval and repl (which embed CPython with this
package).

`import torch` in such a script is tensord.torch. An uncaught error is
reported as `error: line N: Type: message` (N in the script, where PyTorch
raises it) and the exit status is 1.
"""
import builtins
import importlib
import importlib.abc
import importlib.util
import os
import sys
import tokenize
import traceback

from . import _trace


def alias_torch():
    """Makes `import torch` (and its submodules: torch.nn.functional,
    torch.utils.data, ...) resolve to tensord.torch."""
    from . import torch
    # tensord.torch and every public submodule loaded so far
    # (torch.nn.init, torch.optim, torch.utils.data, ...), so
    # `import torch.X.Y` finds the module tensord.torch already has.
    prefix = torch.__spec__.name  # (its __name__ is "torch")
    for name, mod in list(sys.modules.items()):
        if mod is not None and (name == prefix or (
                name.startswith(prefix + ".") and
                not name[len(prefix) + 1:].startswith("_"))):
            sys.modules["torch" + name[len(prefix):]] = mod
    # Submodules not loaded yet (torch.optim.lr_scheduler, ...) resolve to
    # the same tensord.torch module, never a second copy.
    if not any(isinstance(f, _TorchAlias) for f in sys.meta_path):
        sys.meta_path.insert(0, _TorchAlias())


class _TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports `torch.X` as the module `tensord.torch.X`."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        try:
            mod = importlib.import_module("tensord." + fullname)
        except ImportError:
            return None
        return importlib.util.spec_from_loader(fullname, self,
                                               origin=mod.__name__)

    def create_module(self, spec):
        return sys.modules["tensord." + spec.name]

    def exec_module(self, module):
        pass


def error_line(exc, filename):
    """The line of `filename` the error belongs to: where the failing op was
    recorded, else the last traceback frame in that file."""
    rec = getattr(exc, "_tensord_line", None)
    if rec is not None and rec[0] == filename:
        return rec[1]
    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == filename:
            line = lineno
    return line


def report(exc, filename, out=None):
    out = out or sys.stderr
    line = error_line(exc, filename)
    msg = str(exc)
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        msg = repr(exc.args[0])
    where = "line %d: " % line if line is not None else ""
    out.write("error: %s%s: %s\n" % (where, type(exc).__name__, msg))
    out.flush()


def run_source(source, filename, globals_=None):
    """Runs `source`; returns 0, or 1 after reporting an uncaught error."""
    alias_torch()
    _trace.install(force=True)
    if os.path.isfile(filename):
        # python3 runs a script under its absolute path (__file__, the
        # file name warnings and tracebacks print).
        filename = os.path.abspath(filename)
    g = globals_ if globals_ is not None else {
        "__name__": "__main__", "__file__": filename,
        "__builtins__": builtins}
    try:
        code = compile(source, filename, "exec")
        _trace.watch(code)
        exec(code, g)
        _trace.flush_all()
    except SystemExit as e:
        err = _flush_error()
        if err is not None:  # an op before sys.exit() failed
            sys.stdout.flush()
            report(err, filename)
            return 1
        return exit_status(e)
    except SyntaxError as e:
        sys.stderr.write("error: line %s: SyntaxError: %s\n" % (e.lineno,
                                                                e.msg))
        return 1
    except BaseException as e:  # noqa: BLE001 - reported like Python
        # Ops recorded before the error still run; if one fails, its error
        # is the one PyTorch raises (it came first).
        err = _flush_error()
        sys.stdout.flush()
        report(err if err is not None else e, filename)
        return 1
    finally:
        sys.stdout.flush()
    return 0


def exit_status(e):
    """The exit status of SystemExit `e`, as python3 exits with it: None is
    0, an int is itself, anything else is printed to stderr and is 1."""
    sys.stdout.flush()
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xff
    sys.stderr.write("%s\n" % (code,))
    sys.stderr.flush()
    return 1


def script_argv(path, args=()):
    """sys.argv as `python3 PATH ARGS...` sets it."""
    sys.argv = [path] + list(args)


def _flush_error():
    """Runs the pending ops; returns the error they raise, or None."""
    try:
        _trace.flush_all()
    except Exception as e:  # noqa: BLE001
        return e
    return None


def _safe_flush():
    try:
        _trace.flush_all()
    except Exception:  # noqa: BLE001 - the first error is the one reported
        pass


def read_source(path):
    """A script's text as python3 reads it: UTF-8 unless a PEP 263 coding
    line says otherwise, whatever the locale."""
    with tokenize.open(path) as f:
        return f.read()


def utf8_stdio():
    """tensorctl's embedded interpreter starts with an isolated pre-config:
    it leaves LC_CTYPE as "C", so stdio and open() would be ASCII where
    python3 (which sets the locale, and coerces a C locale to UTF-8) uses
    UTF-8. Set the locale from the environment as python3 does, and make
    ASCII stdio UTF-8 as python3 does for a C locale (PEP 538/540)."""
    import locale
    try:
        locale.setlocale(locale.LC_CTYPE, "")
    except locale.Error:
        pass
    for name in ("stdout", "stderr", "stdin"):
        f = getattr(sys, name, None)
        enc = getattr(f, "encoding", None) or ""
        if enc.lower().replace("-", "_") in ("ascii", "ansi_x3.4_1968",
                                             "us_ascii"):
            try:
                f.reconfigure(encoding="utf-8")
            except (AttributeError, ValueError):
                pass


def run_file(path, args=()):
    """Runs the script `path` (- for stdin) with sys.argv [path, *args]."""
    script_argv(path, args)
    if path == "-":
        return run_source(sys.stdin.read(), "<stdin>")
    source = read_source(path)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    return run_source(source, path)
