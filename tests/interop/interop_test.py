#!/usr/bin/python3
"""Interop test: a Python gRPC client drives a real tensord process.

Starts `tensord --listen=127.0.0.1:0`, reads the port from its stderr log
line, and runs the autograd part of examples/seed_walkthrough.py (from
`x = torch.arange(4.0)` on) through Execute, plus the non-scalar backward
error. Every value, dtype, shape and autograd flag is compared exactly with
what PyTorch computes for the same steps in this process (or, without torch,
with the values the walkthrough prints). ListOps must list every op used.

Run by run_interop.sh, which generates the stubs:
  interop_test.py --tensord=PATH --gen_dir=DIR
Exit status: 0 pass, 1 mismatch or error, 77 skipped (grpc unavailable).
"""

import argparse
import os
import queue
import re
import signal
import struct
import subprocess
import sys
import threading
import time

try:
    import grpc
except ImportError as _e:  # reported as a skip by main()
    grpc = None
    GRPC_IMPORT_ERROR = str(_e)

RPC_TIMEOUT = 10.0  # seconds per call
START_TIMEOUT = 15.0  # seconds for the "listening" log line
STOP_TIMEOUT = 20.0  # seconds for tensord to exit after SIGTERM
SESSION_HEADER = "x-tensord-session"
NONSCALAR_MSG = "grad can be implicitly created only for scalar outputs"


class TestFailure(Exception):
    pass


# --------------------------------------------------------------- expectations
#
# A value is (dtype, shape, values): dtype a name ("float32", "bool", ...),
# shape a tuple, values a flat row-major list of Python numbers/bools.
# A tensor's autograd description is (requires_grad, is_leaf, grad_fn name).


def torch_reference():
    """Runs the walkthrough's autograd steps with torch; returns expectations."""
    import torch

    names = {torch.float32: "float32", torch.float64: "float64",
             torch.int32: "int32", torch.int64: "int64", torch.bool: "bool"}

    def val(t):
        t = t.detach()
        return (names[t.dtype], tuple(t.shape), t.reshape(-1).tolist())

    def meta(t):
        return (t.requires_grad, t.is_leaf,
                t.grad_fn.name() if t.grad_fn is not None else "")

    r = {"source": "torch %s" % torch.__version__}
    x = torch.arange(4.0)
    x.requires_grad_(True)
    r["x"] = val(x)
    r["x_meta"] = meta(x)
    r["grad_initial_defined"] = x.grad is not None
    y = 2 * torch.dot(x, x)
    r["y_dot"], r["y_dot_meta"] = val(y), meta(y)
    y.backward()
    r["grad_dot"] = val(x.grad)
    r["eq_4x"] = val(x.grad == 4 * x)
    x.grad.zero_()
    r["grad_zeroed"] = val(x.grad)
    y = x.sum()
    r["y_sum"], r["y_sum_meta"] = val(y), meta(y)
    y.backward()
    r["grad_sum"] = val(x.grad)
    x.grad.zero_()
    y = x * x
    r["y_xx"], r["y_xx_meta"] = val(y), meta(y)
    y.sum().backward()
    r["grad_xx_sum"] = val(x.grad)
    x.grad.zero_()
    y = x * x
    y.backward(torch.ones(len(x)))
    r["grad_xx_ones"] = val(x.grad)
    # Not in the walkthrough: backward of a non-scalar without a gradient.
    y = x * x
    try:
        y.backward()
        r["nonscalar_error"] = None
    except RuntimeError as e:
        r["nonscalar_error"] = str(e)
    r["grad_after_error"] = val(x.grad)
    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x
    r["u"], r["u_meta"] = val(u), meta(u)
    r["z_meta"] = meta(z)
    z.sum().backward()
    r["grad_detach"] = val(x.grad)
    r["eq_u"] = val(x.grad == u)
    return r


def hardcoded_reference():
    """The same expectations, as the walkthrough (python3-torch) prints them."""
    f = lambda v: ("float32", (4,), [float(a) for a in v])
    return {
        "source": "hard-coded values from examples/seed_walkthrough.py",
        "x": f([0, 1, 2, 3]),
        "x_meta": (True, True, ""),
        "grad_initial_defined": False,
        "y_dot": ("float32", (), [28.0]),
        "y_dot_meta": (True, False, "MulBackward0"),
        "grad_dot": f([0, 4, 8, 12]),
        "eq_4x": ("bool", (4,), [True] * 4),
        "grad_zeroed": f([0, 0, 0, 0]),
        "y_sum": ("float32", (), [6.0]),
        "y_sum_meta": (True, False, "SumBackward0"),
        "grad_sum": f([1, 1, 1, 1]),
        "y_xx": f([0, 1, 4, 9]),
        "y_xx_meta": (True, False, "MulBackward0"),
        "grad_xx_sum": f([0, 2, 4, 6]),
        "grad_xx_ones": f([0, 2, 4, 6]),
        "nonscalar_error": NONSCALAR_MSG,
        "grad_after_error": f([0, 2, 4, 6]),
        "u": f([0, 1, 4, 9]),
        "u_meta": (False, True, ""),
        "z_meta": (True, False, "MulBackward0"),
        "grad_detach": f([0, 1, 4, 9]),
        "eq_u": ("bool", (4,), [True] * 4),
    }


# ------------------------------------------------------------------- server


class Server:
    """A tensord child process on an ephemeral loopback port."""

    def __init__(self, binary):
        self.binary = binary
        self.proc = None
        self.port = None
        self.lines = []  # everything tensord wrote on stderr
        self._lines_q = queue.Queue()
        self._reader = None
        self._exit_reported = False

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "--listen=127.0.0.1:0"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        # Drain stderr on a thread so tensord never blocks on a full pipe.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        pattern = re.compile(r"tensord: listening on \S+ \(port (\d+)\)")
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure(
                    "tensord did not log 'listening on ... (port N)' within "
                    "%.0fs" % START_TIMEOUT)
            try:
                line = self._lines_q.get(timeout=min(left, 0.2))
            except queue.Empty:
                if self.proc.poll() is not None and not self._reader.is_alive():
                    self._exit_reported = True
                    raise TestFailure(
                        "tensord exited with status %d before listening"
                        % self.proc.returncode)
                continue
            if line is None:  # EOF on stderr
                self.proc.wait(timeout=5)
                self._exit_reported = True
                raise TestFailure(
                    "tensord closed stderr (exit status %s) before listening"
                    % self.proc.returncode)
            m = pattern.search(line)
            if m:
                self.port = int(m.group(1))
                if self.port <= 0:
                    raise TestFailure("tensord logged port %d" % self.port)
                return

    def _read(self):
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            self._lines_q.put(line)
        self._lines_q.put(None)

    def stop(self):
        """SIGTERM, wait; returns an error message or None for a clean exit 0."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            if self._exit_reported:
                return None
            return ("tensord had already exited with status %d before SIGTERM "
                    "(crash?)" % self.proc.returncode)
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "tensord did not exit within %.0fs of SIGTERM" % STOP_TIMEOUT
        finally:
            if self._reader is not None:
                self._reader.join(timeout=5)
        if rc != 0:
            return "tensord exited with status %d after SIGTERM" % rc
        return None


# ------------------------------------------------------------------- client


class Out:
    """Execute input: output `output` of node `node` of the same request."""

    def __init__(self, node, output=0):
        self.node, self.output = node, output


class Client:
    def __init__(self, pb, pb_grpc, channel):
        self.pb = pb
        self.stub = pb_grpc.TensorServiceStub(channel)
        self.session = None
        self.used_ops = set()

    def md(self):
        return ((SESSION_HEADER, self.session),)

    # -- helpers building messages
    def scalar(self, v):
        if isinstance(v, bool):
            return self.pb.Scalar(b=v)
        if isinstance(v, int):
            return self.pb.Scalar(i=v)
        return self.pb.Scalar(f=float(v))

    def value_ref(self, v):
        if isinstance(v, Out):
            return self.pb.ValueRef(
                node=self.pb.NodeOutput(node=v.node, output=v.output))
        if isinstance(v, str):
            return self.pb.ValueRef(name=v)
        return self.pb.ValueRef(scalar=self.scalar(v))

    def attr(self, v):
        if isinstance(v, (list, tuple)):
            return self.pb.AttrValue(ints=self.pb.IntList(values=list(v)))
        if isinstance(v, bool):
            return self.pb.AttrValue(b=v)
        if isinstance(v, int):
            return self.pb.AttrValue(i=v)
        if isinstance(v, float):
            return self.pb.AttrValue(f=v)
        return self.pb.AttrValue(s=v)

    def node(self, op, *inputs, bind=(), keep=False, ret=False, **attrs):
        self.used_ops.add(op)
        n = self.pb.OpNode(op=op, inputs=[self.value_ref(v) for v in inputs],
                           bind=list(bind), keep=keep, return_value=ret)
        for k, v in attrs.items():
            n.attrs[k].CopyFrom(self.attr(v))
        return n

    # -- RPCs (every session call carries the x-tensord-session header)
    def create_session(self):
        s = self.stub.CreateSession(self.pb.CreateSessionRequest(),
                                    timeout=RPC_TIMEOUT)
        if not s.id:
            raise TestFailure("CreateSession returned an empty session id")
        self.session = s.id
        return s

    def close_session(self):
        self.stub.CloseSession(
            self.pb.CloseSessionRequest(session_id=self.session),
            metadata=self.md(), timeout=RPC_TIMEOUT)

    def create_tensor(self, dtype, shape, data, requires_grad, name):
        return self.stub.CreateTensor(
            self.pb.CreateTensorRequest(
                session_id=self.session,
                data=self.pb.TensorData(dtype=dtype, shape=shape, data=data),
                requires_grad=requires_grad, name=name),
            metadata=self.md(), timeout=RPC_TIMEOUT)

    def execute(self, *nodes):
        return self.stub.Execute(
            self.pb.ExecuteRequest(session_id=self.session, nodes=nodes),
            metadata=self.md(), timeout=RPC_TIMEOUT)

    def fetch(self, name, grad=False):
        return self.stub.FetchTensor(
            self.pb.FetchTensorRequest(
                session_id=self.session,
                tensor=self.pb.TensorRef(name=name), grad=grad),
            metadata=self.md(), timeout=RPC_TIMEOUT)

    def backward_rpc(self, name):
        return self.stub.Backward(
            self.pb.BackwardRequest(session_id=self.session,
                                    tensor=self.pb.TensorRef(name=name)),
            metadata=self.md(), timeout=RPC_TIMEOUT)

    def list_ops(self):
        return self.stub.ListOps(self.pb.ListOpsRequest(), timeout=RPC_TIMEOUT)


# ------------------------------------------------------------------- decoding

# DType enum value name -> (our dtype name, struct code, item size)
DTYPES = {
    "DTYPE_BOOL": ("bool", "?", 1),
    "DTYPE_INT32": ("int32", "i", 4),
    "DTYPE_INT64": ("int64", "q", 8),
    "DTYPE_FLOAT32": ("float32", "f", 4),
    "DTYPE_FLOAT64": ("float64", "d", 8),
}


def decode(pb, data, what):
    """TensorData -> (dtype, shape, flat values) from the raw LE bytes."""
    enum_name = pb.DType.Name(data.dtype)
    if enum_name not in DTYPES:
        raise TestFailure("%s: unexpected dtype %s" % (what, enum_name))
    name, code, size = DTYPES[enum_name]
    shape = tuple(data.shape)
    n = 1
    for d in shape:
        n *= d
    if len(data.data) != n * size:
        raise TestFailure("%s: %d data bytes for %s of shape %s (want %d)"
                          % (what, len(data.data), name, list(shape), n * size))
    if name == "bool":
        bad = [b for b in data.data if b not in (0, 1)]
        if bad:
            raise TestFailure("%s: bool bytes other than 0/1: %r" % (what, bad))
    values = list(struct.unpack("<%d%s" % (n, code), data.data))
    return (name, shape, values)


def show(v):
    dtype, shape, values = v
    return "%s%s %r" % (dtype, list(shape), values)


# ---------------------------------------------------------------------- test


class Checker:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print("  ok   %s" % what)
        else:
            self.failures.append("%s: %s" % (what, detail))
            print("  FAIL %s: %s" % (what, detail))

    def value(self, got, want, what):
        # Exact comparison: same dtype, shape and bitwise-equal values (a
        # float32 decoded to a Python float is exact, as is torch's tolist()).
        ok = (got[0] == want[0] and tuple(got[1]) == tuple(want[1])
              and len(got[2]) == len(want[2])
              and all(struct.pack("<d", float(a)) == struct.pack("<d", float(b))
                      if isinstance(a, float) or isinstance(b, float)
                      else a == b for a, b in zip(got[2], want[2])))
        self.check(ok, "%s == %s" % (what, show(want)),
                   "server returned %s, expected %s" % (show(got), show(want)))

    def meta(self, info, want, what):
        got = (info.requires_grad, info.is_leaf, info.grad_fn)
        self.check(got == tuple(want),
                   "%s: requires_grad=%s is_leaf=%s grad_fn=%r" % ((what,) + tuple(want)),
                   "server says requires_grad=%s is_leaf=%s grad_fn=%r"
                   % got)


def run(client, ref, c):
    pb = client.pb
    N = client.node

    s = client.create_session()
    print("session %s on replica %s" % (s.id, s.replica_id))

    # x = torch.arange(4.0); x.requires_grad_(True)
    x_dtype, x_shape, x_values = ref["x"]
    info = client.create_tensor(
        pb.DTYPE_FLOAT32, list(x_shape),
        struct.pack("<%df" % len(x_values), *x_values), True, "x")
    c.check(info.defined and pb.DType.Name(info.dtype) == "DTYPE_FLOAT32"
            and tuple(info.shape) == tuple(x_shape),
            "CreateTensor x: float32%s" % list(x_shape), str(info))
    c.meta(info, ref["x_meta"], "x")
    r = client.fetch("x")
    c.value(decode(pb, r.data, "x"), ref["x"], "x")
    r = client.fetch("x", grad=True)
    c.check(r.info.defined == ref["grad_initial_defined"]
            and not r.HasField("data"),
            "x.grad is None before any backward",
            "FetchTensor(grad) says defined=%s" % r.info.defined)

    def fetch_grad(key, what):
        r = client.fetch("x", grad=True)
        if not r.info.defined:
            c.check(False, what, "x.grad is None")
            return
        c.value(decode(pb, r.data, what), ref[key], what)

    def zero_grad():
        # x.grad.zero_()
        client.execute(N("grad", "x"), N("zero_", Out(0)))

    # y = 2 * torch.dot(x, x); y.backward()
    resp = client.execute(N("dot", "x", "x"),
                          N("mul", 2, Out(0), bind=["y"], ret=True))
    c.value(decode(pb, resp.results[1].values[0], "y"), ref["y_dot"],
            "y = 2 * dot(x, x)")
    c.meta(resp.results[1].outputs[0], ref["y_dot_meta"], "y = 2 * dot(x, x)")
    client.execute(N("backward", "y"))
    fetch_grad("grad_dot", "x.grad after (2 * dot(x, x)).backward()")

    # x.grad == 4 * x
    resp = client.execute(N("grad", "x"), N("mul", 4, "x"),
                          N("eq", Out(0), Out(1), ret=True))
    c.value(decode(pb, resp.results[2].values[0], "x.grad == 4 * x"),
            ref["eq_4x"], "x.grad == 4 * x")

    zero_grad()
    fetch_grad("grad_zeroed", "x.grad after x.grad.zero_()")

    # y = x.sum(); y.backward()
    resp = client.execute(N("sum", "x", bind=["y"], ret=True),
                          N("backward", Out(0)))
    c.value(decode(pb, resp.results[0].values[0], "y"), ref["y_sum"],
            "y = x.sum()")
    c.meta(resp.results[0].outputs[0], ref["y_sum_meta"], "y = x.sum()")
    fetch_grad("grad_sum", "x.grad after x.sum().backward()")

    # x.grad.zero_(); y = x * x; y.sum().backward()
    zero_grad()
    resp = client.execute(N("mul", "x", "x", bind=["y"], ret=True),
                          N("sum", Out(0)), N("backward", Out(1)))
    c.value(decode(pb, resp.results[0].values[0], "y"), ref["y_xx"],
            "y = x * x")
    c.meta(resp.results[0].outputs[0], ref["y_xx_meta"], "y = x * x")
    fetch_grad("grad_xx_sum", "x.grad after (x * x).sum().backward()")

    # x.grad.zero_(); y = x * x; y.backward(torch.ones(len(x)))
    zero_grad()
    client.execute(N("mul", "x", "x", bind=["y"]),
                   N("ones", size=[len(x_values)]),
                   N("backward", "y", Out(1)))
    fetch_grad("grad_xx_ones", "x.grad after (x * x).backward(ones(4))")

    # y = x * x; y.backward(): the non-scalar error, by Execute and by the
    # Backward RPC. x.grad must be left as it was.
    want_msg = ref["nonscalar_error"]
    c.check(want_msg is not None and NONSCALAR_MSG in want_msg,
            "PyTorch raises %r" % NONSCALAR_MSG, "PyTorch raised %r" % want_msg)
    client.execute(N("mul", "x", "x", bind=["y"]))
    for how, call in (
            ("Execute backward(y)", lambda: client.execute(N("backward", "y"))),
            ("Backward RPC on y", lambda: client.backward_rpc("y"))):
        try:
            call()
            c.check(False, "%s (y non-scalar) fails" % how,
                    "the call succeeded; want INVALID_ARGUMENT %r"
                    % NONSCALAR_MSG)
        except grpc.RpcError as e:
            c.check(e.code() == grpc.StatusCode.INVALID_ARGUMENT
                    and NONSCALAR_MSG in (e.details() or ""),
                    "%s (y non-scalar): INVALID_ARGUMENT %r" % (how, NONSCALAR_MSG),
                    "got %s %r" % (e.code(), e.details()))
    fetch_grad("grad_after_error", "x.grad unchanged by the failed backward")

    # x.grad.zero_(); y = x * x; u = y.detach(); z = u * x;
    # z.sum().backward(); x.grad == u
    zero_grad()
    resp = client.execute(N("mul", "x", "x", bind=["y"]),
                          N("detach", Out(0), bind=["u"], ret=True),
                          N("mul", Out(1), "x", bind=["z"]),
                          N("sum", Out(2)),
                          N("backward", Out(3)))
    c.value(decode(pb, resp.results[1].values[0], "u"), ref["u"],
            "u = (x * x).detach()")
    c.meta(resp.results[1].outputs[0], ref["u_meta"], "u = (x * x).detach()")
    c.meta(resp.results[2].outputs[0], ref["z_meta"], "z = u * x")
    fetch_grad("grad_detach", "x.grad after (u * x).sum().backward()")
    resp = client.execute(N("grad", "x"), N("eq", Out(0), "u", ret=True))
    c.value(decode(pb, resp.results[1].values[0], "x.grad == u"),
            ref["eq_u"], "x.grad == u")

    # ListOps lists every op this test used.
    ops = {o.name: o for o in client.list_ops().ops}
    missing = sorted(client.used_ops - set(ops))
    c.check(not missing, "ListOps lists every op used (%s)"
            % ", ".join(sorted(client.used_ops)), "missing: %s" % missing)
    if "backward" in ops:
        b = ops["backward"]
        c.check(list(b.inputs) == ["self", "gradient"] and b.min_inputs == 1,
                "ListOps: backward(self[, gradient])",
                "inputs=%s min_inputs=%d" % (list(b.inputs), b.min_inputs))

    client.close_session()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tensord", required=True, help="the tensord binary")
    ap.add_argument("--gen_dir", required=True,
                    help="directory holding tensord/v1/tensord_pb2*.py")
    args = ap.parse_args()

    if grpc is None:
        print("SKIP: cannot import grpc (%s)" % GRPC_IMPORT_ERROR)
        return 77
    sys.path.insert(0, os.path.abspath(args.gen_dir))
    from tensord.v1 import tensord_pb2 as pb
    from tensord.v1 import tensord_pb2_grpc as pb_grpc

    try:
        ref = torch_reference()
    except ImportError:
        ref = hardcoded_reference()
    print("expectations: %s" % ref["source"])

    start = time.monotonic()
    server = Server(args.tensord)
    c = Checker()
    error = None
    try:
        server.start()
        print("tensord %s listening on 127.0.0.1:%d" % (args.tensord, server.port))
        channel = grpc.insecure_channel("127.0.0.1:%d" % server.port)
        try:
            grpc.channel_ready_future(channel).result(timeout=RPC_TIMEOUT)
            run(Client(pb, pb_grpc, channel), ref, c)
        finally:
            channel.close()
    except TestFailure as e:
        error = str(e)
    except grpc.RpcError as e:
        error = "unexpected RPC error: %s %r" % (e.code(), e.details())
    except grpc.FutureTimeoutError:
        error = "could not connect to tensord within %.0fs" % RPC_TIMEOUT
    finally:
        stop_error = server.stop()
    if error:
        c.failures.append(error)
        print("  FAIL %s" % error)
    if stop_error:
        c.failures.append(stop_error)
        print("  FAIL %s" % stop_error)
    else:
        c.check(True, "tensord exited 0 after SIGTERM")

    print("%d checks passed, %d failed (%.1fs)"
          % (c.passed, len(c.failures), time.monotonic() - start))
    if c.failures:
        print("tensord stderr:")
        for line in server.lines:
            print("  | " + line)
        print("FAILED:")
        for f in c.failures:
            print("  - " + f)
        return 1
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
