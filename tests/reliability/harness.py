"""Shared pieces of the reliability checks: a tensord child process on an
ephemeral loopback port, a gRPC client made from our .proto (stubs generated
by run_check.sh into a directory on sys.path), request builders, process
RSS, and the one-line report every check prints:

    reliability-check: NAME: held: SUMMARY
    reliability-check: NAME: FAILED: REASON

script/reliability counts these lines.
"""
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time

import grpc

from tensord.v1 import tensord_pb2 as pb
from tensord.v1 import tensord_pb2_grpc as pbg  # noqa: F401 (used by checks)
import health_pb2  # generated from proto/grpc/health/v1/health.proto
import health_pb2_grpc

SESSION_HEADER = "x-tensord-session"
RPC_TIMEOUT = 30.0


def report(name, held, summary):
    print("reliability-check: %s: %s: %s" % (name, "held" if held else "FAILED",
                                             summary), flush=True)
    return held


class Tensord:
    """A tensord process. `args` are extra flags; the log goes to a file."""

    def __init__(self, binary, args=(), log_dir=None):
        self.binary = binary
        self.args = list(args)
        self.log_dir = log_dir or tempfile.mkdtemp(prefix="tensord-rel-")
        self.proc = None
        self.port = None
        self.starts = 0

    @property
    def log_path(self):
        return os.path.join(self.log_dir, "tensord-%d.log" % self.starts)

    def start(self, port=0, timeout=20):
        self.starts += 1
        listen = "--listen=127.0.0.1:%d" % (port or 0)
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([self.binary, listen] + self.args,
                                     stderr=self.log, stdout=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.log.seek(0)
            m = re.search(r"\(port (\d+)\)", self.log.read())
            if m:
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.log.seek(0)
        raise RuntimeError("tensord did not start: " + self.log.read())

    def target(self):
        return "127.0.0.1:%d" % self.port

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_mib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait(self, timeout=60):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()


class Client:
    """A stub with the session header and an optional bearer token."""

    def __init__(self, target, token=None):
        self.channel = grpc.insecure_channel(
            target, options=[("grpc.max_send_message_length", -1),
                             ("grpc.max_receive_message_length", -1)])
        self.stub = pbg.TensorServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)
        self.token = token

    def md(self, sid=""):
        m = []
        if sid:
            m.append((SESSION_HEADER, sid))
        if self.token:
            m.append(("authorization", "Bearer " + self.token))
        return m

    def call(self, method, request, sid="", timeout=RPC_TIMEOUT):
        """Returns (response, code, details)."""
        try:
            resp = getattr(self.stub, method)(request, metadata=self.md(sid),
                                              timeout=timeout)
            return resp, grpc.StatusCode.OK, ""
        except grpc.RpcError as e:
            return None, e.code(), e.details()

    def serving(self, service=""):
        try:
            r = self.health.Check(health_pb2.HealthCheckRequest(service=service),
                                  timeout=5)
            return r.status == health_pb2.HealthCheckResponse.SERVING
        except grpc.RpcError:
            return False

    def new_session(self, **options):
        r, code, details = self.call(
            "CreateSession",
            pb.CreateSessionRequest(options=pb.SessionOptions(**options)))
        if code != grpc.StatusCode.OK:
            raise RuntimeError("CreateSession: %s %s" % (code, details))
        return r.id

    def close(self):
        self.channel.close()


# ------------------------------------------------------------------ builders

def f32(values, shape):
    return pb.TensorData(dtype=pb.DTYPE_FLOAT32, shape=list(shape),
                         data=struct.pack("<%df" % len(values), *values))


def floats(data):
    return list(struct.unpack("<%df" % (len(data.data) // 4), data.data))


def node(op, inputs=(), attrs=None, bind=(), keep=False, ret=False):
    n = pb.OpNode(op=op, inputs=list(inputs), bind=list(bind), keep=keep,
                  return_value=ret)
    for k, v in (attrs or {}).items():
        n.attrs[k].CopyFrom(v)
    return n


def name_ref(n):
    return pb.ValueRef(name=n)


def handle_ref(h):
    return pb.ValueRef(handle=h)


def out_ref(i, k=0):
    return pb.ValueRef(node=pb.NodeOutput(node=i, output=k))


def scalar_f(x):
    return pb.ValueRef(scalar=pb.Scalar(f=x))


def attr_i(x):
    return pb.AttrValue(i=x)


def attr_ints(xs):
    return pb.AttrValue(ints=pb.IntList(values=list(xs)))


def attr_s(x):
    return pb.AttrValue(s=x)


def execute(client, sid, nodes, no_grad=False, timeout=RPC_TIMEOUT):
    return client.call("Execute", pb.ExecuteRequest(session_id=sid,
                                                     nodes=list(nodes),
                                                     no_grad=no_grad),
                       sid, timeout=timeout)


def create(client, sid, data, name="", requires_grad=False):
    return client.call("CreateTensor", pb.CreateTensorRequest(
        session_id=sid, data=data, name=name, requires_grad=requires_grad), sid)


def fetch(client, sid, name, grad=False):
    return client.call("FetchTensor", pb.FetchTensorRequest(
        session_id=sid, tensor=pb.TensorRef(name=name), grad=grad), sid)


def session_state(client, sid, names):
    """Everything observable about a session: counts, bytes, and the bytes
    of the named tensors' values and grads."""
    r, code, _ = client.call("GetSession", pb.GetSessionRequest(session_id=sid),
                             sid)
    if code != grpc.StatusCode.OK:
        return ("no session", code)
    state = [r.tensor_count, r.name_count, r.bytes]
    for n in names:
        for grad in (False, True):
            f, code, _ = fetch(client, sid, n, grad)
            state.append((n, grad, code,
                          f.data.SerializeToString() if f else None,
                          (f.info.requires_grad, f.info.grad_fn,
                           f.info.version) if f else None))
    return tuple(state)
