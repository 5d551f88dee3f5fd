"""When the lazy engine's recorded ops must run.

Ops are recorded, not run, and go to the server as one request when Python
needs a value (print, item(), bool(), a shape), so a training step costs a
round trip or two, not one per statement. The order of what a script shows
is still PyTorch's:

- Output: the script's sys.stdout and sys.stderr run the pending ops before
  every write (install()), so an error found then raises before the text
  that PyTorch would never have printed. An uncaught error is reported at
  the line that recorded the failing op (the runner runs the pending ops
  first, so an earlier op's error wins over a later Python one).
- try blocks: an error must raise inside the block that catches it and not
  inside one that does not. A trace function (sys.settrace; only the user's
  code is traced, not this package, the standard library or installed
  packages) runs the pending ops at each new line that is part of a try
  statement (the `try:` line and the lines of its body), and ops recorded
  inside a try (or in a function called from one) run at once
  (must_run_now). An error raised from the trace function ends tracing
  (CPython's rule), which is fine for the uncaught errors it raises;
  interactive loops re-install it (install()).
- A request is also sent when it reaches MAX_PENDING nodes.

A trace function makes every Python call slower (CPython calls it for
each new frame, the package's own included): some 15 us per recorded op.
So it is set only once the user's code has a try statement with an except
clause: the script's code (watch(), before it runs), the code of every
user frame an op is recorded from, and the functions of user modules
imported since the last op (a module's function entered later may open a
try block with ops pending). A script without one runs untraced. Code a
script builds with exec() from a string and runs without recording an
op first is not seen.
"""
import dis
import os
import sys
import sysconfig
import threading
import weakref

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))

def _lib_dirs():
    """The standard library's and installed packages' directories
    (Debian's /usr/lib/python3/dist-packages among them): not the user's
    code."""
    dirs = {sysconfig.get_paths().get(k)
            for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    try:
        import site
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except (ImportError, AttributeError):
        pass  # (a virtualenv's old site module, an embedded interpreter)
    return tuple(os.path.realpath(p) + os.sep for p in dirs if p)


_LIB_DIRS = _lib_dirs()

_engines = weakref.WeakSet()
_user_code = {}   # code object -> bool
_try_ranges = {}  # code object -> [(start, end)] of try-block offsets
_try_lines = {}   # code object -> lines where pending ops must run
_installed = False
_disabled = os.environ.get("TENSORD_NO_TRACE") == "1"
_tracing = False   # the user's code has a try statement: trace it
_has_try = {}      # code object -> it or a nested code object has a try
_modules_seen = 0  # len(sys.modules) at the last scan of user modules
_modules_checked = set()  # names of modules scanned


def register(engine):
    """Engines whose pending ops the trace runs at statement ends."""
    _engines.add(engine)
    install()


def install(force=False):
    global _installed
    if (_installed and not force) or _disabled:
        return
    _installed = True
    if _tracing:
        _set_trace()  # again: an error from the trace function ended it
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _FlushingStream):
            setattr(sys, name, _FlushingStream(stream))


def _set_trace():
    sys.settrace(_global_trace)
    threading.settrace(_global_trace)
    # Frames already running (the script, the loop that called us) are
    # traced too.
    f = sys._getframe(1)
    while f is not None:
        if _is_user(f.f_code):
            f.f_trace = _local_trace
        f = f.f_back


def watch(code):
    """Traces from now on if `code` (the user's, about to run) or a code
    object nested in it has a try statement."""
    if not _tracing and not _disabled and _contains_try(code):
        _start_tracing()


def _start_tracing():
    global _tracing
    _tracing = True
    _set_trace()


def _contains_try(code):
    r = _has_try.get(code)
    if r is None:
        _has_try[code] = False  # (recursion guard)
        r = bool(_ranges(code)) or any(
            _contains_try(c) for c in code.co_consts
            if type(c) is type(code))
        _has_try[code] = r
    return r


def _watch_modules():
    """watch() for the functions of user modules imported since the last
    call."""
    global _modules_seen
    _modules_seen = len(sys.modules)
    for name, m in list(sys.modules.items()):
        if name in _modules_checked:
            continue
        _modules_checked.add(name)
        fn = getattr(m, "__file__", None)
        if not isinstance(fn, str) or os.path.realpath(fn).startswith(
                (_PKG_DIR,) + _LIB_DIRS):
            continue
        for v in list(getattr(m, "__dict__", {}).values()):
            for f in (v, *(getattr(v, "__dict__", {}).values()
                           if isinstance(v, type) else ())):
                code = getattr(f, "__code__", None)
                if code is not None and _contains_try(code):
                    _start_tracing()
                    return


def flush_all():
    for e in list(_engines):
        if len(e.req) and not e.busy:
            e.flush()


def _is_user(code):
    r = _user_code.get(code)
    if r is None:
        fn = code.co_filename
        if fn.startswith("<"):
            # Scripts read from stdin, the REPL, tensorctl eval; not
            # "<string>" (code that libraries exec, e.g. namedtuple's).
            r = fn in ("<stdin>", "<console>") or fn.startswith("<tensorctl")
        else:
            path = os.path.realpath(fn)
            r = not (path.startswith(_PKG_DIR) or path.startswith(_LIB_DIRS))
        _user_code[code] = r
    return r


def _global_trace(frame, event, arg):
    if event == "call" and _is_user(frame.f_code):
        return _local_trace
    return None


def _local_trace(frame, event, arg):
    if event == "line" and frame.f_lineno in _lines_of_try(frame.f_code):
        flush_all()
    return _local_trace


class _FlushingStream:
    """A text stream that runs the pending ops before each write."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        flush_all()
        return self._stream.write(text)

    def writelines(self, lines):
        flush_all()
        return self._stream.writelines(lines)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _lines_of_try(code):
    """The lines of `code` that belong to a try statement with an except
    clause: the `try:` line and every line of the protected body."""
    r = _try_lines.get(code)
    if r is None:
        r = set()
        ranges = _ranges(code)
        if ranges:
            last = None
            for i in dis.get_instructions(code):
                line = i.positions.lineno if i.positions else None
                for start, end in ranges:
                    if start <= i.offset < end:
                        if line is not None:
                            r.add(line)
                        if last is not None:
                            r.add(last)  # the `try:` line before the body
                if line is not None:
                    last = line
        _try_lines[code] = r
    return r


def _user_frame(f):
    """`f` or the first frame above it that runs the user's code."""
    known = _user_code.get  # this runs for every op: no call per frame
    while f is not None:
        code = f.f_code
        r = known(code)
        if r is None:
            r = _is_user(code)
        if r:
            return f
        f = f.f_back
    return None


def current_line():
    """(file, line) of the user's statement running now, or None."""
    f = _user_frame(sys._getframe(1))
    return (f.f_code.co_filename, f.f_lineno) if f is not None else None


def _ranges(code):
    r = _try_ranges.get(code)
    if r is None:
        r = []
        parse = getattr(dis, "_parse_exception_table", None)
        if parse is not None:
            instrs = list(dis.get_instructions(code))
            index = {i.offset: n for n, i in enumerate(instrs)}
            for entry in parse(code):
                if _catches(instrs, index.get(entry.target)):
                    r.append((entry.start, entry.end))
        _try_ranges[code] = r
    return r


def _catches(instrs, n):
    """True when the handler at instrs[n] is an `except` clause (not a with
    block's exit, a `finally`, or the cleanup of another handler)."""
    if n is None or instrs[n].opname != "PUSH_EXC_INFO":
        return False  # cleanup of a handler
    if n + 1 < len(instrs) and instrs[n + 1].opname == "POP_TOP":
        return True  # a bare `except:`
    for i in instrs[n + 1:]:
        if i.opname in ("CHECK_EXC_MATCH", "CHECK_EG_MATCH"):
            return True  # except SomeError
        if i.opname in ("RERAISE", "WITH_EXCEPT_START", "POP_EXCEPT"):
            return False  # a finally, or a with block
    return False


def site():
    """The frame of the user's statement running now, or None: what
    line_of and run_now_from take (one walk up the stack for both)."""
    return _user_frame(sys._getframe(1))


def line_of(f):
    """(file, line) of the user's frame `f` (from site()), or None."""
    return (f.f_code.co_filename, f.f_lineno) if f is not None else None


def must_run_now():
    """True when the user's statement running now is inside a try block,
    or inside a function called from one. (An error raised by the trace
    function also turns tracing off, which a caught error must not do.)"""
    return run_now_from(_user_frame(sys._getframe(1)))


def run_now_from(f):
    """must_run_now for the user's frame `f` (from site())."""
    known = _try_ranges.get
    if not _tracing and not _disabled:
        if len(sys.modules) != _modules_seen:
            _watch_modules()
        # The user's frames whose code is new (up to the first seen
        # before: its callers were looked at then, and code that calls
        # it later is the script's, a user module's or new here).
        g = f
        while g is not None and g.f_code not in _has_try:
            watch(g.f_code)
            if _tracing:
                break
            g = _user_frame(g.f_back)
        if not _tracing:
            return False  # no user code on the stack has a try statement
    while f is not None:
        code = f.f_code
        ranges = known(code)
        if ranges is None:
            ranges = _ranges(code)
        if ranges:
            lasti = f.f_lasti
            for start, end in ranges:
                if start <= lasti < end:
                    return True
        f = _user_frame(f.f_back)
    return False
