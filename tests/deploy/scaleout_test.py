#!/usr/bin/python3
"""Scale-out on loopback: three tensord replicas behind Debian's nginx,
sharing a session store (Debian's redis-server).

The topology of docker/compose.yaml without containers: three `tensord`
processes (replica ids tensord-0..2, one --session_store, snapshots every
second, --failover_timeout=4) and nginx with
docker/nginx/tensord.conf.template, all on 127.0.0.1. Checks, in order:

  1. `tensorctl health` through nginx;
  2. 30 sessions from 10 concurrent Python clients (stubs generated from the
     .proto) plus 6 made by `tensorctl session new` and driven by
     `tensorctl eval` (the README's commands), each running a short autograd
     script with known results; CreateSession adopts the id the client
     proposed in x-tensord-session;
  3. every response of a session names the same replica (x-tensord-replica),
     GetSession agrees, and the sessions spread over all three replicas;
  4. once a snapshot pass ran after the last change, one replica is
     SIGKILLed: its sessions are served by the others within the failover
     timeout, with their values and gradients; the others go on, on their
     own replicas, and calls without a session header still succeed;
  5. the replica restarts on the same address: the hash sends its sessions
     back, they are handed over to it, and autograd goes on in them;
  6. SIGTERM stops every replica with exit status 0.

(elastic_test.py scales the replicas up and down under load.)

With --tls (ctest scaleout_tls) it runs the README's TLS-and-tokens setup
instead: nginx terminates TLS (same template, `ssl` on the listen), the
replicas share one --tokens_file, and tensorctl connects with --tls and a
token; no token, a plaintext client and another token's access all fail.

Run by run_scaleout.sh, which generates the Python stubs:
  scaleout_test.py --tensord=PATH --tensorctl=PATH --nginx=PATH
                   --template=PATH --gen_dir=DIR [--tls]
Exit status: 0 pass, 1 failure.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import grpc

SESSION_HEADER = "x-tensord-session"
REPLICA_HEADER = "x-tensord-replica"
REPLICAS = ["tensord-0", "tensord-1", "tensord-2"]
PY_SESSIONS = 30
CTL_SESSIONS = 6
CLIENTS = 10
SNAPSHOT_INTERVAL = 1  # seconds
FAILOVER_TIMEOUT = 4  # seconds (tensord's default is 10)
RPC_TIMEOUT = 10.0


class TestFailure(Exception):
    pass


def check(ok, what):
    if not ok:
        raise TestFailure(what)
    print("  ok   %s" % what, flush=True)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TestFailure("timed out after %.0fs waiting for %s" % (timeout, what))


# ------------------------------------------------------------- processes


class Redis:
    """Debian's redis-server on a free loopback port, nothing persisted:
    the session store the replicas share (tensord --session_store)."""

    def __init__(self, binary, workdir):
        self.binary, self.workdir = binary, workdir
        self.proc, self.port = None, None

    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        for _ in range(3):  # the port picked may be taken meanwhile
            self.port = free_port()
            log = open(os.path.join(self.workdir, "redis.log"), "wb")
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", self.workdir],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

            def up():
                if self.proc.poll() is not None:
                    return True
                try:
                    socket.create_connection(("127.0.0.1", self.port),
                                             timeout=0.2).close()
                    return True
                except OSError:
                    return False
            wait_for(up, 10, "redis-server to listen")
            if self.proc.poll() is None:
                return
        raise TestFailure("redis-server did not start")

    def url(self):
        return "redis://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Replica:
    """One tensord process; restartable on the same port. The replicas
    share the session store `store` (a redis:// URL)."""

    def __init__(self, binary, replica_id, store, log_dir,
                 extra_flags=(), failover_timeout=FAILOVER_TIMEOUT):
        self.binary, self.id = binary, replica_id
        self.store, self.log_dir = store, log_dir
        self.extra_flags = list(extra_flags)
        self.failover_timeout = failover_timeout
        self.port, self.proc, self.starts = 0, None, 0

    def start(self):
        self.starts += 1
        log = os.path.join(self.log_dir, "%s.%d.log" % (self.id, self.starts))
        self.log = log
        with open(log, "wb") as f:
            self.proc = subprocess.Popen(
                [self.binary, "--listen=127.0.0.1:%d" % self.port,
                 "--replica_id=" + self.id,
                 "--session_store=" + self.store,
                 "--failover_timeout=%d" % self.failover_timeout,
                 "--drain_delay=1", "--http_listen=127.0.0.1:0",
                 "--snapshot_interval=%d" % SNAPSHOT_INTERVAL]
                + self.extra_flags,
                stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT)
        pattern = re.compile(r"\(port (\d+)\)")

        def listening():
            if self.proc.poll() is not None:
                raise TestFailure("%s exited with %d:\n%s" % (
                    self.id, self.proc.returncode, open(log).read()))
            text = open(log).read()
            m = pattern.search(text)
            if m:
                self.port = int(m.group(1))
                h = re.search(r"\(http port (\d+)\)", text)
                self.http_port = int(h.group(1)) if h else None
            return m is not None
        wait_for(listening, 15, "%s to listen" % self.id)

    def metric(self, name):
        """The value of one sample on /metrics (e.g.
        'tensord_session_handoffs_total')."""
        import urllib.request
        text = urllib.request.urlopen(
            "http://127.0.0.1:%d/metrics" % self.http_port, timeout=10
        ).read().decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        raise TestFailure("no %s on /metrics" % name)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """SIGTERM; returns the exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return "timeout"


def render_template(template_path, servers, listen):
    """What envsubst with only the template's two variables does (as the
    nginx image's entrypoint and the Kubernetes manifests run it)."""
    text = open(template_path).read()
    text = text.replace("${TENSORD_UPSTREAM_SERVERS}", servers)
    text = text.replace("${TENSORD_LISTEN}", listen)
    if "${" in text:
        raise TestFailure("template has a placeholder this test does not fill")
    return text


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """Debian's nginx in the foreground with every path in a temp dir."""

    def __init__(self, binary, template, prefix):
        self.binary, self.template, self.prefix = binary, template, prefix
        self.proc, self.port = None, None

    def start(self, upstream_ports, listen_suffix="", http_extra=""):
        os.makedirs(self.prefix, exist_ok=True)
        # Workers run as nobody when nginx runs as root: let them in.
        os.chmod(self.prefix, 0o755)
        servers = " ".join("server 127.0.0.1:%d max_fails=0;" % p
                           for p in upstream_ports)
        for _ in range(3):  # the port picked may be taken meanwhile
            self.port = free_port()
            conf = os.path.join(self.prefix, "tensord.conf")
            with open(conf, "w") as f:
                f.write(render_template(
                    self.template, servers,
                    "127.0.0.1:%d%s" % (self.port, listen_suffix)))
            p = lambda n: os.path.join(self.prefix, n)
            with open(p("nginx.conf"), "w") as f:
                f.write("""daemon off;
worker_processes 1;
pid %s;
error_log %s info;
events { worker_connections 1024; }
http {
    access_log %s;
    client_body_temp_path %s;
    proxy_temp_path %s;
    fastcgi_temp_path %s;
    uwsgi_temp_path %s;
    scgi_temp_path %s;
    %s
    include %s;
}
""" % (p("nginx.pid"), p("error.log"), p("access.log"), p("client_body"),
       p("proxy"), p("fastcgi"), p("uwsgi"), p("scgi"), http_extra, conf))
            self.proc = subprocess.Popen(
                [self.binary, "-p", self.prefix, "-c", p("nginx.conf"),
                 "-e", p("error.log")],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=open(p("stderr.log"), "wb"))

            def accepting():
                if self.proc.poll() is not None:
                    return True
                try:
                    socket.create_connection(("127.0.0.1", self.port),
                                             timeout=0.2).close()
                    return True
                except OSError:
                    return False
            wait_for(accepting, 10, "nginx to listen")
            if self.proc.poll() is None:
                return
        raise TestFailure("nginx did not start:\n" +
                          open(os.path.join(self.prefix, "stderr.log")).read()
                          + open(os.path.join(self.prefix, "error.log")).read())

    def reload(self, upstream_ports):
        """A new upstream list, as an operator or a re-resolving nginx
        changes it: the config is rewritten and the master reloads it
        (SIGHUP; old workers finish their calls)."""
        servers = " ".join("server 127.0.0.1:%d max_fails=0;" % p
                           for p in upstream_ports)
        conf = os.path.join(self.prefix, "tensord.conf")
        with open(conf, "w") as f:
            f.write(render_template(self.template, servers,
                                    "127.0.0.1:%d" % self.port))
        self.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)  # the new workers are up; old ones wind down
        if self.proc.poll() is not None:
            raise TestFailure("nginx exited on reload")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------- clients


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def floats(data):
    return list(struct.unpack("<%df" % (len(data.data) // 4), data.data))


class PySession:
    """A session driven over gRPC; records the replica of every response."""

    def __init__(self, pb, pb_grpc, channel, k):
        self.pb, self.k = pb, k
        self.stub = pb_grpc.TensorServiceStub(channel)
        self.id = None
        self.replicas = []  # x-tensord-replica of every response
        self.x = [float(k), k + 1.0, k + 2.0, k + 3.0]

    def call(self, method, request):
        md = ((SESSION_HEADER, self.id),)
        resp, call = getattr(self.stub, method).with_call(
            request, metadata=md, timeout=RPC_TIMEOUT)
        replica = dict(call.initial_metadata()).get(REPLICA_HEADER)
        self.replicas.append(replica)
        return resp

    def node(self, op, *inputs, bind=(), ret=False):
        refs = []
        for v in inputs:
            if isinstance(v, str):
                refs.append(self.pb.ValueRef(name=v))
            elif isinstance(v, tuple):  # ("node", index)
                refs.append(self.pb.ValueRef(
                    node=self.pb.NodeOutput(node=v[1], output=0)))
            else:
                refs.append(self.pb.ValueRef(scalar=self.pb.Scalar(f=v)))
        return self.pb.OpNode(op=op, inputs=refs, bind=list(bind),
                              return_value=ret)

    def execute(self, *nodes):
        return self.call("Execute", self.pb.ExecuteRequest(
            session_id=self.id, nodes=nodes))

    def fetch(self, name, grad=False):
        r = self.call("FetchTensor", self.pb.FetchTensorRequest(
            session_id=self.id, tensor=self.pb.TensorRef(name=name),
            grad=grad))
        return floats(r.data)

    def create(self):
        # What client/client.cc's NewSession does: propose a fresh random
        # 128-bit id in the session header, so nginx routes the creation
        # like every later call.
        self.id = os.urandom(16).hex()
        proposed = self.id
        s = self.call("CreateSession", self.pb.CreateSessionRequest())
        if s.id != proposed:
            raise TestFailure("CreateSession did not adopt the proposed id "
                              "%s (got %s)" % (proposed, s.id))
        self.created_on = s.replica_id

    def script(self):
        """x = tensor(k..k+3, requires_grad); y = 2 * dot(x, x);
        y.backward(); x.grad == 4 * x."""
        pb = self.pb
        self.call("CreateTensor", pb.CreateTensorRequest(
            session_id=self.id,
            data=pb.TensorData(dtype=pb.DTYPE_FLOAT32, shape=[4],
                               data=f32(self.x)),
            requires_grad=True, name="x"))
        r = self.execute(self.node("dot", "x", "x"),
                         self.node("mul", 2.0, ("node", 0), bind=["y"],
                                   ret=True))
        want_y = 2 * sum(v * v for v in self.x)
        got_y = floats(r.results[1].values[0])
        if got_y != [want_y]:
            raise TestFailure("session %d: y = %r, want %r" % (
                self.k, got_y, want_y))
        self.call("Backward", pb.BackwardRequest(
            session_id=self.id, tensor=pb.TensorRef(name="y")))
        self.expect_grad([4 * v for v in self.x], "after y.backward()")

    def more_autograd(self):
        """(x * x).sum().backward() accumulates 2x: x.grad == 6 * x."""
        self.execute(self.node("mul", "x", "x"),
                     self.node("sum", ("node", 0)),
                     self.node("backward", ("node", 1)))
        self.expect_grad([6 * v for v in self.x], "after a second backward")

    def expect_grad(self, want, what):
        got = self.fetch("x", grad=True)
        if got != want:
            raise TestFailure("session %d %s: x.grad = %r, want %r" % (
                self.k, what, got, want))

    def replica(self):
        return self.call("GetSession", self.pb.GetSessionRequest(
            session_id=self.id)).replica_id

    def close(self):
        self.call("CloseSession", self.pb.CloseSessionRequest(
            session_id=self.id))


def tensorctl(binary, server, *args, env=None):
    p = subprocess.run([binary, "--server=" + server] + list(args),
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=30,
                       env=None if env is None else dict(os.environ, **env))
    return p.returncode, p.stdout, p.stderr


CTL_GRAD_4X = "tensor([ 0.,  4.,  8., 12.])"
CTL_GRAD_6X = "tensor([ 0.,  6., 12., 18.])"


def ctl_session(binary, server):
    """A session made and used through tensorctl, as the README shows."""
    rc, out, err = tensorctl(binary, server, "session", "new")
    if rc != 0:
        raise TestFailure("tensorctl session new: %d %s" % (rc, err))
    sid = out.strip()
    rc, out, err = tensorctl(
        binary, server, "eval", "--session=" + sid,
        "x = torch.arange(4.0, requires_grad=True)",
        "y = 2 * torch.dot(x, x)", "y.backward()", "x.grad")
    if rc != 0 or CTL_GRAD_4X not in out:
        raise TestFailure("tensorctl eval in %s: rc=%d out=%r err=%r" % (
            sid, rc, out, err))
    return sid


# ------------------------------------------------------------- the test


def run(args, tmp):
    sys.path.insert(0, args.gen_dir)
    from tensord.v1 import tensord_pb2 as pb
    from tensord.v1 import tensord_pb2_grpc as pb_grpc

    redis = Redis(args.redis, os.path.join(tmp, "redis"))
    redis.start()
    replicas = {r: Replica(args.tensord, r, redis.url(), tmp)
                for r in REPLICAS}
    nginx = Nginx(args.nginx, args.template, os.path.join(tmp, "nginx"))
    try:
        for r in replicas.values():
            r.start()
        nginx.start([r.port for r in replicas.values()])
        front = "127.0.0.1:%d" % nginx.port
        print("replicas on ports %s, nginx on %d" % (
            [r.port for r in replicas.values()], nginx.port), flush=True)

        rc, out, _ = tensorctl(args.tensorctl, front, "health")
        check(rc == 0 and "SERVING" in out, "tensorctl health through nginx")

        # 2. Sessions from concurrent clients.
        channels = [grpc.insecure_channel(front) for _ in range(CLIENTS)]
        sessions = [PySession(pb, pb_grpc, channels[k % CLIENTS], k)
                    for k in range(PY_SESSIONS)]

        def py_work(s):
            s.create()
            s.script()
            return s
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            ctl_futures = [pool.submit(ctl_session, args.tensorctl, front)
                           for _ in range(CTL_SESSIONS)]
            list(pool.map(py_work, sessions))
            ctl_ids = [f.result() for f in ctl_futures]
        check(True, "%d Python sessions (proposed ids adopted) and %d "
              "tensorctl sessions ran their autograd script through nginx"
              % (PY_SESSIONS, CTL_SESSIONS))

        # 3. Stickiness and spread.
        for s in sessions:
            s.replica_now = s.replica()
        sticky = all(len(set(s.replicas)) == 1 and s.replicas[0] in REPLICAS
                     and s.replica_now == s.created_on == s.replicas[0]
                     for s in sessions)
        check(sticky, "every response of a session names one replica "
              "(x-tensord-replica == GetSession's replica_id)")
        # The tensorctl sessions: where are they? (GetSession by their id)
        ctl = []
        for sid in ctl_ids:
            probe = PySession(pb, pb_grpc, channels[0], 0)
            probe.id = sid
            ctl.append((sid, probe.replica()))
        where = {}
        for s in sessions:
            where.setdefault(s.replicas[0], []).append(s)
        counts = {r: len(where.get(r, [])) for r in REPLICAS}
        check(all(counts.values()),
              "sessions spread over all three replicas: %s" % counts)

        # 4. Wait for a snapshot pass after the last change, then SIGKILL.
        victim = max(REPLICAS, key=lambda r: counts[r])
        time.sleep(2.5 * SNAPSHOT_INTERVAL)
        replicas[victim].kill()
        killed_at = time.monotonic()
        print("SIGKILLed %s (%d Python, %d tensorctl sessions)" % (
            victim, counts[victim], sum(r == victim for _, r in ctl)),
            flush=True)

        def after_kill(s):
            if s.replicas[0] == victim:
                # Blocks while another replica waits for the dead one's
                # lease to run out, then answers from the last snapshot.
                s.expect_grad([4 * v for v in s.x], "after the failover")
                return ("moved", s.replica(), time.monotonic() - killed_at)
            s.more_autograd()
            return ("OK", s.replica(), 0.0)
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = list(pool.map(after_kill, sessions))
        longest = 0.0
        for s, (what, replica, took) in zip(sessions, outcomes):
            if s.replicas[0] == victim:
                if replica == victim or replica not in REPLICAS:
                    raise TestFailure("session %d of the killed replica is "
                                      "on %r" % (s.k, replica))
                longest = max(longest, took)
            elif replica != s.replicas[0]:
                raise TestFailure("session %d moved from %s to %s though its "
                                  "replica lives" % (s.k, s.replicas[0],
                                                     replica))
        check(longest <= FAILOVER_TIMEOUT + 3,
              "the killed replica's %d sessions came back on the others with "
              "x and x.grad of the last snapshot within %.1f s "
              "(--failover_timeout=%d); the other %d went on, on their "
              "replicas" % (counts[victim], longest, FAILOVER_TIMEOUT,
                            PY_SESSIONS - counts[victim]))
        for sid, r in ctl:
            rc, out, err = tensorctl(args.tensorctl, front, "eval",
                                     "--session=" + sid, "x.grad")
            if rc != 0 or CTL_GRAD_4X not in out:
                raise TestFailure("tensorctl eval x.grad in %s (was on %s) "
                                  "after the kill: rc=%d out=%r err=%r" % (
                                      sid, r, rc, out, err))
        check(True, "tensorctl eval: every session answers with its values "
              "after the kill")
        healthy = [tensorctl(args.tensorctl, front, "health")[0] == 0
                   for _ in range(6)]
        check(all(healthy), "calls without a session (tensorctl health, "
              "6 times) move on to live replicas")

        # 5. Restart on the same address: the hash sends its sessions back,
        # and they are handed over to it by the replicas that took them.
        replicas[victim].start()
        for s in where[victim]:
            if s.fetch("x") != s.x:
                raise TestFailure("session %d: x lost" % s.k)
            s.expect_grad([4 * v for v in s.x], "after the restart")
            s.more_autograd()
            if s.replica() != victim:
                raise TestFailure("session %d did not come back to %s: %s"
                                  % (s.k, victim, s.replicas[-3:]))
        check(True, "%s restarted: its %d sessions came back to it with x and "
              "x.grad, and autograd goes on" % (victim, counts[victim]))
        for sid, r in ctl:
            rc, out, err = tensorctl(
                args.tensorctl, front, "eval", "--session=" + sid,
                "(x * x).sum().backward()", "x.grad")
            if rc != 0 or CTL_GRAD_6X not in out:
                raise TestFailure("tensorctl session %s on %s after the "
                                  "restart: rc=%d out=%r err=%r" % (
                                      sid, r, rc, out, err))
        check(True, "every tensorctl session answers after the restart")

        for s in sessions:
            s.close()
        for sid, _ in ctl:
            rc, _, err = tensorctl(args.tensorctl, front, "session", "close",
                                   sid)
            if rc != 0:
                raise TestFailure("tensorctl session close %s: %s" % (sid, err))
        for c in channels:
            c.close()
        check(True, "all sessions closed through nginx")
    finally:
        statuses = {r.id: r.stop() for r in replicas.values()}
        nginx.stop()
        redis.stop()
    check(all(v == 0 for v in statuses.values()),
          "SIGTERM stops every replica with status 0: %s" % statuses)


def run_tls(args, tmp):
    """TLS at nginx and tokens on the replicas, as the README describes:
    nginx gets `ssl` on its listen (TENSORD_LISTEN) and ssl_certificate at
    http level (a conf.d file in the nginx image); every replica reads the
    same --tokens_file; nginx passes `authorization` through."""
    cert, key = os.path.join(tmp, "tls.crt"), os.path.join(tmp, "tls.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=tensord",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True)
    tokens = os.path.join(tmp, "tokens")
    with open(tokens, "w") as f:
        f.write("alpha-token-7f3a\nbeta-token-91c2\n")
    redis = Redis(args.redis, os.path.join(tmp, "redis"))
    redis.start()
    replicas = [Replica(args.tensord, r, redis.url(), tmp,
                        ["--tokens_file=" + tokens]) for r in REPLICAS]
    nginx = Nginx(args.nginx, args.template, os.path.join(tmp, "nginx"))
    try:
        for r in replicas:
            r.start()
        nginx.start([r.port for r in replicas], listen_suffix=" ssl",
                    http_extra="ssl_certificate %s; ssl_certificate_key %s;"
                    % (cert, key))
        front = "127.0.0.1:%d" % nginx.port
        tls = ["--tls", "--tls_ca=" + cert]
        alpha = {"TENSORD_TOKEN": "alpha-token-7f3a"}
        beta = {"TENSORD_TOKEN": "beta-token-91c2"}

        rc, out, _ = tensorctl(args.tensorctl, front, *tls, "health")
        check(rc == 0 and "SERVING" in out,
              "tensorctl --tls health through nginx, no token needed")
        rc, _, err = tensorctl(args.tensorctl, front, "health")
        check(rc != 0, "a plaintext client is refused by the TLS listener")
        rc, _, err = tensorctl(args.tensorctl, front, *tls, "session", "new")
        check(rc != 0 and "missing bearer token" in err,
              "no token: 'error: missing bearer token'")
        sids = []
        for _ in range(CTL_SESSIONS):
            rc, out, err = tensorctl(args.tensorctl, front, *tls, "session",
                                     "new", env=alpha)
            if rc != 0:
                raise TestFailure("session new with a token: %s" % err)
            sids.append(out.strip())
            rc, out, err = tensorctl(
                args.tensorctl, front, *tls, "eval", "--session=" + sids[-1],
                "x = torch.arange(4.0, requires_grad=True)",
                "y = 2 * torch.dot(x, x)", "y.backward()", "x.grad", env=alpha)
            if rc != 0 or CTL_GRAD_4X not in out:
                raise TestFailure("eval over TLS with a token: rc=%d %r %r"
                                  % (rc, out, err))
        check(True, "%d sessions over TLS with a token ran their autograd "
              "script" % CTL_SESSIONS)
        foreign = [tensorctl(args.tensorctl, front, *tls, "eval",
                             "--session=" + sid, "x.grad", env=beta)
                   for sid in sids]
        check(all(rc != 0 and "not found" in err for rc, _, err in foreign),
              "another token cannot see them ('session ... not found')")
        for sid in sids:
            rc, _, err = tensorctl(args.tensorctl, front, *tls, "session",
                                   "close", sid, env=alpha)
            if rc != 0:
                raise TestFailure("session close: %s" % err)
    finally:
        statuses = {r.id: r.stop() for r in replicas}
        nginx.stop()
        redis.stop()
    check(all(v == 0 for v in statuses.values()),
          "SIGTERM stops every replica with status 0: %s" % statuses)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tensord", required=True)
    ap.add_argument("--tensorctl", required=True)
    ap.add_argument("--nginx", required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--gen_dir", required=True)
    ap.add_argument("--tls", action="store_true",
                    help="run the TLS-and-tokens variant instead")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tensord-scaleout-")
    start = time.monotonic()
    try:
        (run_tls if args.tls else run)(args, tmp)
    except (TestFailure, grpc.RpcError) as e:
        print("FAIL: %s" % e, flush=True)
        for name in sorted(os.listdir(tmp)):
            if name.endswith(".log"):
                print("---- %s (tail)" % name)
                print("".join(open(os.path.join(tmp, name)).readlines()[-20:]))
        err = os.path.join(tmp, "nginx", "error.log")
        if os.path.exists(err):
            print("---- nginx error.log (tail)")
            print("".join(open(err).readlines()[-20:]))
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS (%.1f s)" % (time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
