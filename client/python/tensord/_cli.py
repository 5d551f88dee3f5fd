"""tensorctl's run, eval and repl, on the CPython tensorctl embeds.

    tensorctl run FILE|- [ARGS...]
                             the script in a fresh session (or --session),
                             with sys.argv [FILE, ARGS...]
    tensorctl eval STMT...   statements in --session; expression values are
                             echoed; variables persist between evals
    tensorctl repl           Python's interactive console on a session

`import torch` is tensord.torch. Between evals (and in run/repl with
--session), variables persist in the session: a variable holding a tensor
is the session's tensor of that name, and plain Python values (numbers,
strings, lists, tuples, dicts of them) are kept as their source in the
hidden session tensor __tensorctl_vars__. A name the code uses but has not
assigned is looked up among the session's tensors.
"""
import ast
import builtins
import code
import json
import os
import sys

from . import _runner
from . import _session
from . import _trace

VALUES_NAME = "__tensorctl_vars__"


def _connect(opts, session_id=None, keep=False):
    return _session.Session(
        server=opts.get("server"), token=opts.get("token"),
        tls=opts.get("tls", False), tls_ca=opts.get("tls_ca") or None,
        session=session_id, timeout=opts.get("timeout"),
        seed=opts.get("seed"), memory_limit=opts.get("memory_limit", 0))


class _SessionBuiltins(dict):
    """builtins, then the session's tensors by name (LOAD_GLOBAL consults
    __missing__ for a builtins that is not a plain dict)."""

    def __init__(self, workspace):
        super().__init__(vars(builtins))
        self._ws = workspace

    def __missing__(self, name):
        t = self._ws.lookup(name)
        if t is None:
            raise KeyError(name)
        return t


class Workspace:
    """The globals of scripts that share a session's names."""

    def __init__(self, session, persistent):
        from .torch._tensor import Tensor
        self._Tensor = Tensor
        self.session = session
        self.engine = session.engine
        self.persistent = persistent
        self.loaded = set()  # session names looked up by this run
        self.known = set()   # session names that hold our tensors
        self.globals = {"__name__": "__main__", "__doc__": None}
        self.globals["__builtins__"] = (_SessionBuiltins(self) if persistent
                                        else builtins)
        self.loaded_values = ""

    def lookup(self, name):
        """The session's tensor `name`, or None."""
        if name.startswith("__") or not self.persistent:
            return None
        return self._lookup(name)

    def _lookup(self, name):
        # What the statement recorded so far runs first, so a name the
        # session lacks fails only the lookup.
        self.engine.flush()
        t = self._Tensor._named(self.engine, name)
        try:
            self.engine.probe(t)
        except NameError:
            return None
        if not t._info or not t._info[0]:
            return None
        self.loaded.add(name)
        self.known.add(name)
        self.globals[name] = t
        return t

    def load_values(self):
        t = self._lookup(VALUES_NAME)
        if t is None:
            return
        del self.globals[VALUES_NAME]
        self.loaded.discard(VALUES_NAME)
        self.known.discard(VALUES_NAME)
        source = bytes(t.tolist()).decode("utf-8")
        self.loaded_values = source
        for line in source.splitlines():
            if line.startswith("# tensors: "):
                self.known.update(line[len("# tensors: "):].split())
        exec(compile(source, "<tensorctl values>", "exec"), self.globals)

    def _plain(self, v, depth=0):
        if depth > 20:
            return False
        if v is None or isinstance(v, (bool, int, float, complex, str)):
            return True
        from .torch import _dtypes
        if isinstance(v, (_dtypes.dtype, _dtypes.Size)):
            return True  # their repr is torch.float64, torch.Size([...])
        if isinstance(v, (list, tuple)):
            return all(self._plain(x, depth + 1) for x in v)
        if isinstance(v, dict):
            return all(self._plain(k, depth + 1) and
                       self._plain(x, depth + 1) for k, x in v.items())
        return False

    def save(self):
        """Binds tensor variables to session names, releases names whose
        variable no longer holds a tensor, stores plain values."""
        if not self.persistent:
            return
        e = self.engine
        lines = []
        bound = set()
        for name, v in list(self.globals.items()):
            if name.startswith("__"):
                continue
            if isinstance(v, self._Tensor):
                bound.add(name)
                if v._name != name or v._node >= 0:
                    e.bind_name(v, name)
                continue
            if self._plain(v):
                try:
                    src = "%s = %r\n" % (name, v)
                    compile(src, "<check>", "exec")
                    lines.append(src)
                except (SyntaxError, ValueError):
                    pass
        # A name that held a tensor goes when its variable no longer does:
        # rebound to a plain value, or deleted after this run used it.
        for name in sorted(self.known - bound):
            if name in self.globals or name in self.loaded:
                e.release_name(name)
                self.known.discard(name)
        self.known |= bound
        if self.known:
            lines.append("# tensors: %s\n" % " ".join(sorted(self.known)))
        source = "".join(lines)
        if source != self.loaded_values:
            data = list(source.encode("utf-8"))
            from . import torch
            with torch.no_grad():
                t = torch.tensor(data, dtype=torch.int32) if data else \
                    torch.zeros(0, dtype=torch.int32)
            e.bind_name(t, VALUES_NAME)
        e.flush()


def _echo_tree(source, filename):
    """`source` compiled with each top-level expression statement's value
    echoed (as Python's REPL does)."""
    tree = ast.parse(source, filename, "exec")
    body = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr):
            call = ast.Call(func=ast.Name(id="__tensorctl_echo__",
                                          ctx=ast.Load()),
                            args=[stmt.value], keywords=[])
            stmt = ast.copy_location(ast.Expr(value=call), stmt)
        body.append(stmt)
    tree.body = body
    ast.fix_missing_locations(tree)
    return compile(tree, filename, "exec")


def to_json(v):
    from .torch._tensor import Tensor
    if isinstance(v, Tensor):
        info = v._i()
        return {"dtype": v.dtype.name, "shape": list(info[3]),
                "data": v.tolist(), "requires_grad": bool(info[4]),
                "grad_fn": info[6] or None}
    if isinstance(v, complex):
        return [v.real, v.imag]
    if isinstance(v, tuple) and hasattr(v, "_fields"):
        return {f: to_json(x) for f, x in zip(v._fields, v)}
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    if isinstance(v, dict):
        return {str(k): to_json(x) for k, x in v.items()}
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return repr(v)


def _echoer(as_json):
    def echo(v):
        if v is None:
            return
        if as_json:
            sys.stdout.write(json.dumps(to_json(v)) + "\n")
        else:
            sys.stdout.write(repr(v) + "\n")
        builtins._ = v
    return echo


def _run_in(ws, source, filename, echo, as_json=False):
    """Runs `source` in the workspace; 0, or 1 after reporting an error."""
    _runner.alias_torch()
    _trace.install(force=True)
    if echo:
        ws.globals["__tensorctl_echo__"] = _echoer(as_json)
    try:
        code_obj = _echo_tree(source, filename) if echo else compile(
            source, filename, "exec")
        _trace.watch(code_obj)
        exec(code_obj, ws.globals)
        _trace.flush_all()
        return 0
    except SyntaxError as e:
        sys.stdout.flush()
        sys.stderr.write("error: line %s: SyntaxError: %s\n" % (e.lineno,
                                                                e.msg))
        return 1
    except BaseException as e:  # noqa: BLE001 - reported as Python would
        # Ops recorded before the error still run; if one fails, its error
        # is the one PyTorch raises (it came first).
        err = _runner._flush_error()
        sys.stdout.flush()
        if isinstance(e, KeyboardInterrupt):
            raise
        if isinstance(e, SystemExit) and err is None:
            return _runner.exit_status(e)
        _runner.report(err if err is not None else e, filename)
        return 1
    finally:
        ws.globals.pop("__tensorctl_echo__", None)
        sys.stdout.flush()


def run(opts, path, args=()):
    """Runs the script `path` (- for stdin) with sys.argv [path, *args]."""
    if path != "-" and not os.path.isfile(path):
        sys.stderr.write("error: cannot read %s\n" % path)
        return 2
    _runner.script_argv(path, args)
    sid = opts.get("session") or None
    s = _connect(opts, sid)
    _session.set_default_session(s)
    try:
        if path == "-":
            source, filename = sys.stdin.read(), "<stdin>"
        else:
            source = _runner.read_source(path)
            # python3 runs a script under its absolute path (__file__, and
            # the file name warnings and tracebacks print).
            filename = os.path.abspath(path)
            sys.path.insert(0, os.path.dirname(filename))
        ws = Workspace(s, persistent=sid is not None)
        ws.globals["__file__"] = filename
        if sid:
            ws.load_values()
        rc = _run_in(ws, source, filename, echo=False)
        if sid:
            ws.save()
        return rc
    finally:
        _session.set_default_session(None)
        s.close()


def eval_(opts, statements, as_json=False):
    sid = opts.get("session")
    if not statements or not sid:
        sys.stderr.write(
            "usage: tensorctl eval STMT... --session=ID (or $TENSORD_SESSION;"
            " make one with `tensorctl session new`)\n")
        return 2
    s = _connect(opts, sid)
    _session.set_default_session(s)
    try:
        ws = Workspace(s, persistent=True)
        _preimport(ws)
        ws.load_values()
        rc = _run_in(ws, "\n".join(statements) + "\n", "<tensorctl eval>",
                     echo=True, as_json=as_json)
        try:
            ws.save()
        except Exception as e:  # noqa: BLE001
            sys.stderr.write("error: %s\n" % e)
            return rc or 1
        return rc
    finally:
        _session.set_default_session(None)
        s.close()


def _preimport(ws):
    """eval and repl start with torch imported (as tensord.torch)."""
    _runner.alias_torch()
    from . import torch
    ws.globals["torch"] = torch


class _Console(code.InteractiveConsole):
    """Python's console; errors as `error: line N: Type: message`, N
    counted over the whole session's input."""

    def __init__(self, ws):
        super().__init__(ws.globals, filename="<console>")
        self.ws = ws
        self.lines_seen = 0
        self.chunk_start = 1

    def push(self, line):
        self.lines_seen += 1
        if not self.buffer:
            self.chunk_start = self.lines_seen
        return super().push(line)

    def runcode(self, code_obj):
        _trace.install(force=True)
        _trace.watch(code_obj)
        try:
            exec(code_obj, self.locals)
            _trace.flush_all()
        except SystemExit:
            raise
        except BaseException as e:  # noqa: BLE001
            _runner._safe_flush()
            sys.stdout.flush()
            line = _runner.error_line(e, "<console>")
            where = ("line %d: " % (self.chunk_start + line - 1)
                     if line is not None else "")
            sys.stderr.write("error: %s%s: %s\n" % (where, type(e).__name__,
                                                    e))
            sys.stderr.flush()

    def showsyntaxerror(self, filename=None):
        e = sys.exc_info()[1]
        line = getattr(e, "lineno", None) or 1
        sys.stderr.write("error: line %d: SyntaxError: %s\n" % (
            self.chunk_start + line - 1, getattr(e, "msg", e)))


def repl(opts):
    sid = opts.get("session") or None
    s = _connect(opts, sid)
    _session.set_default_session(s)
    _runner.alias_torch()
    ws = Workspace(s, persistent=sid is not None)
    _preimport(ws)
    if sid:
        ws.load_values()
    tty = sys.stdin.isatty()
    history = None
    if tty:
        try:
            import readline
            history = os.path.expanduser("~/.tensorctl_history")
            try:
                readline.read_history_file(history)
            except OSError:
                pass
        except ImportError:
            pass
    banner = ("tensorctl %s session %s\nType Ctrl-D to leave." %
              (s.server, s.id)) if tty else ""
    old_ps = getattr(sys, "ps1", None), getattr(sys, "ps2", None)
    if not tty:
        sys.ps1, sys.ps2 = "", ""
    try:
        console = _Console(ws)
        console.interact(banner=banner, exitmsg="")
    finally:
        if old_ps[0] is not None:
            sys.ps1, sys.ps2 = old_ps
        if history:
            try:
                import readline
                readline.write_history_file(history)
            except OSError:
                pass
        if sid:
            try:
                ws.save()
            except Exception:  # noqa: BLE001
                pass
        _session.set_default_session(None)
        s.close()
    return 0


def show(opts, name):
    """Prints the session's tensor `name` as PyTorch prints it."""
    s = _connect(opts, opts.get("session"))
    _session.set_default_session(s)
    try:
        ws = Workspace(s, persistent=True)
        t = ws.lookup(name)
        if t is None:
            sys.stderr.write("error: NameError: name %r is not defined\n" %
                             name)
            return 1
        print(t)
        return 0
    finally:
        _session.set_default_session(None)
        s.close()


def main(command, opts, args):
    """tensorctl's entry: command is run, eval or repl."""
    _runner.utf8_stdio()
    try:
        if command == "run":
            if not args:
                sys.stderr.write("usage: tensorctl run FILE|- [ARGS...]\n")
                return 2
            return run(opts, args[0], args[1:])
        if command == "eval":
            return eval_(opts, args, opts.get("json", False))
        if command == "repl":
            return repl(opts)
        if command == "show" and len(args) == 1:
            return show(opts, args[0])
    except ConnectionError as e:
        sys.stderr.write("error: %s\n" % e)
        return 1
    sys.stderr.write("unknown command %r\n" % command)
    return 2
