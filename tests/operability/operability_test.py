"""Operability checks against a real tensord process: flags (--help, the
environment, flag files and their precedence), the HTTP listener (/metrics
parsed with prometheus_client, /healthz, /readyz, unary RPCs as HTTP/JSON
through curl), the access log and request ids, and the drain on SIGTERM.

    operability_test.py CHECK TENSORD_BINARY
    CHECK: flags | metrics | http | tls | logs | drain

Prints one line per assertion and exits 1 on the first failure. Stubs come
from run.sh; the process harness from tests/reliability/harness.py.
"""
import base64
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time

import grpc
from prometheus_client.parser import text_string_to_metric_families

import harness
from harness import pb
import health_pb2

SERVICE = "tensord.v1.TensorService"


class Failure(Exception):
    pass


def check(cond, what):
    print(("ok: " if cond else "FAILED: ") + what, flush=True)
    if not cond:
        raise Failure(what)


def http_port(server):
    deadline = time.time() + 10
    while time.time() < deadline:
        m = re.search(r"\(http port (\d+)\)", server.log_text())
        if m:
            return int(m.group(1))
        time.sleep(0.05)
    raise Failure("no http port in the log: " + server.log_text())


def curl(port, path, body=None, headers=None, method=None,
         content_type="application/json"):
    """Returns (status, headers {lower-case name: value}, body bytes)."""
    with tempfile.TemporaryDirectory() as d:
        hfile, bfile = os.path.join(d, "h"), os.path.join(d, "b")
        cmd = ["curl", "-sS", "-o", bfile, "-D", hfile, "-w", "%{http_code}",
               "http://127.0.0.1:%d%s" % (port, path)]
        if method:
            cmd += ["-X", method]
        if body is not None:
            dfile = os.path.join(d, "req")
            with open(dfile, "wb") as f:
                f.write(body if isinstance(body, bytes) else body.encode())
            cmd += ["--data-binary", "@" + dfile, "-H",
                    "Content-Type: " + content_type]
        for k, v in (headers or {}).items():
            cmd += ["-H", "%s: %s" % (k, v)]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise Failure("curl failed: %s" % out.stderr)
        hdrs = {}
        with open(hfile) as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    hdrs[k.strip().lower()] = v.strip()
        with open(bfile, "rb") as f:
            data = f.read()
        return int(out.stdout), hdrs, data


def rpc(port, method, request, headers=None):
    """A unary call over HTTP/JSON: (status, headers, decoded JSON)."""
    status, hdrs, data = curl(port, "/%s/%s" % (SERVICE, method),
                              json.dumps(request), headers)
    try:
        doc = json.loads(data) if data else {}
    except ValueError:
        raise Failure("not JSON (%d): %r" % (status, data[:200]))
    return status, hdrs, doc


def f32_json(values, shape):
    return {"dtype": "DTYPE_FLOAT32", "shape": [str(s) for s in shape],
            "data": base64.b64encode(struct.pack("<%df" % len(values),
                                                 *values)).decode()}


def floats_json(data):
    raw = base64.b64decode(data.get("data", ""))
    return list(struct.unpack("<%df" % (len(raw) // 4), raw))


def start(binary, args=(), env=None):
    """A tensord; it stops without a drain unless `args` set one."""
    args = list(args)
    if not any(a.startswith("--drain_delay") for a in args):
        args.append("--drain_delay=0")
    server = harness.Tensord(binary, args)
    if env is not None:
        old = dict(os.environ)
        os.environ.update(env)
        try:
            server.start()
        finally:
            os.environ.clear()
            os.environ.update(old)
    else:
        server.start()
    return server


def error_detail(err):
    """The tensord.v1.ErrorDetail of a failed gRPC call (parsed from the
    google.rpc.Status in grpc-status-details-bin by hand: field 3 is a
    repeated Any, whose field 2 is the packed message)."""
    blob = dict(err.trailing_metadata() or ()).get("grpc-status-details-bin")
    if not blob:
        return None

    def fields(b):
        i = 0
        while i < len(b):
            key, i = varint(b, i)
            if key & 7 == 2:
                n, i = varint(b, i)
                yield key >> 3, b[i:i + n]
                i += n
            elif key & 7 == 0:
                _, i = varint(b, i)
            else:
                return

    def varint(b, i):
        v = s = 0
        while True:
            c = b[i]
            i += 1
            v |= (c & 0x7F) << s
            s += 7
            if c < 0x80:
                return v, i

    for num, anyb in fields(blob):
        if num == 3:
            for n2, val in fields(anyb):
                if n2 == 2:
                    return pb.ErrorDetail.FromString(val)
    return None


# ---------------------------------------------------------------- checks

def check_flags(binary):
    out = subprocess.run([binary, "--help"], capture_output=True, text=True,
                         timeout=30)
    check(out.returncode == 0, "--help exits 0 (got %d)" % out.returncode)
    text = out.stdout + out.stderr
    src = os.path.join(os.path.dirname(__file__), "../../server/main.cc")
    with open(src) as f:
        names = re.findall(r"ABSL_FLAG\(\s*[\w:]+,\s*(\w+),", f.read())
    check(len(names) >= 20, "main.cc defines %d flags" % len(names))
    missing = [n for n in names
               if not re.search(r"--%s \(.*?\); default: " % n, text, re.S)]
    check(not missing, "--help lists every flag with its default "
          "(missing: %s)" % missing)
    check("TENSORD_<FLAG>" in text and "Precedence" in text,
          "--help explains the environment and the precedence")

    def replica(args=(), env=None):
        s = start(binary, ["--http_listen=127.0.0.1:0"] + list(args), env)
        try:
            _, hdrs, _ = rpc(http_port(s), "ListSessions", {})
            return hdrs.get("x-tensord-replica")
        finally:
            s.stop()

    check(replica(env={"TENSORD_REPLICA_ID": "from-env"}) == "from-env",
          "TENSORD_REPLICA_ID sets --replica_id")
    d = tempfile.mkdtemp(prefix="tensord-ff-")
    ff = os.path.join(d, "flags")
    with open(ff, "w") as f:
        f.write("--replica_id=from-file\n")
    got = replica(["--flagfile=" + ff], env={"TENSORD_REPLICA_ID": "from-env"})
    check(got == "from-file", "a flag file beats the environment (%s)" % got)
    got = replica(["--replica_id=from-cli", "--flagfile=" + ff],
                  env={"TENSORD_REPLICA_ID": "from-env"})
    check(got == "from-cli",
          "the command line beats a later --flagfile (%s)" % got)
    got = replica(["--flagfile", ff])
    check(got == "from-file", "--flagfile FILE (two arguments) works")
    env = dict(os.environ, TENSORD_MAX_SESSIONS="many")
    out = subprocess.run([binary, "--listen=127.0.0.1:0"], env=env,
                         capture_output=True, text=True, timeout=30)
    check(out.returncode == 2 and "TENSORD_MAX_SESSIONS" in out.stderr,
          "a bad TENSORD_MAX_SESSIONS exits 2 naming the variable")
    env = dict(os.environ, TENSORD_SESSION_MEMORY_LIMIT="0")
    out = subprocess.run([binary, "--listen=127.0.0.1:0"], env=env,
                         capture_output=True, text=True, timeout=30)
    check(out.returncode == 2 and "session_memory_limit" in out.stderr,
          "an environment value gets the flags' range checks")


def check_metrics(binary):
    s = start(binary, ["--http_listen=127.0.0.1:0"])
    try:
        port = http_port(s)
        c = harness.Client(s.target())
        sid = c.new_session()
        harness.create(c, sid, harness.f32([1, 2, 3, 4], [4]), name="x")
        for _ in range(3):  # three Executes of 2 nodes each, over gRPC
            _, code, _ = harness.execute(c, sid, [
                harness.node("mul", [harness.name_ref("x"),
                                     harness.scalar_f(2.0)]),
                harness.node("sum", [harness.out_ref(0)], bind=["y"])])
            check(code == grpc.StatusCode.OK, "Execute over gRPC")
        status, _, _ = rpc(port, "Execute", {  # one of 1 node over HTTP
            "sessionId": sid,
            "nodes": [{"op": "neg", "inputs": [{"name": "x"}]}]})
        check(status == 200, "Execute over HTTP/JSON")
        for _ in range(2):
            _, code, _ = c.call("GetSession",
                                pb.GetSessionRequest(session_id="0" * 32))
            check(code == grpc.StatusCode.NOT_FOUND, "GetSession NOT_FOUND")
        status, hdrs, data = curl(port, "/metrics")
        check(status == 200, "/metrics answers 200")
        check(hdrs.get("content-type", "").startswith(
            "text/plain; version=0.0.4"), "content type text/plain; "
            "version=0.0.4 (%s)" % hdrs.get("content-type"))
        text = data.decode()
        fams = {f.name: f for f in text_string_to_metric_families(text)}

        def sample(name, **labels):
            for fam in fams.values():
                for smp in fam.samples:
                    if smp.name == name and all(
                            smp.labels.get(k) == v for k, v in labels.items()):
                        return smp.value
            return None

        want = {
            "tensord_rpcs": "counter",
            "tensord_rpc_duration_seconds": "histogram",
            "tensord_execute_nodes": "histogram",
            "tensord_sessions": "gauge",
            "tensord_session_bytes": "gauge",
            "tensord_graph_bytes": "gauge",
            "tensord_sessions_expired": "counter",
            "tensord_snapshot_failures": "counter",
            "tensord_last_snapshot_timestamp_seconds": "gauge",
            "tensord_build_info": "gauge",
            "process_start_time_seconds": "gauge",
            "process_resident_memory_bytes": "gauge",
            "process_cpu_seconds": "counter",
        }
        for name, typ in want.items():
            check(name in fams and fams[name].type == typ,
                  "%s is a %s" % (name, typ))
            full = name + ("_total" if typ == "counter" else "")
            check(re.search(r"^# HELP %s \S" % full, text, re.M) and
                  re.search(r"^# TYPE %s %s$" % (full, typ), text, re.M),
                  "%s has HELP and TYPE lines" % full)
        check(sample("tensord_rpcs_total", method="Execute", code="OK") == 4,
              "4 Executes counted (gRPC and HTTP)")
        check(sample("tensord_rpcs_total", method="GetSession",
                     code="NOT_FOUND") == 2, "2 NOT_FOUND GetSessions counted")
        check(sample("tensord_rpcs_total", method="CreateSession",
                     code="OK") == 1, "1 CreateSession counted")
        check(sample("tensord_execute_nodes_count") == 4 and
              sample("tensord_execute_nodes_sum") == 7,
              "execute_nodes: 4 calls, 7 nodes")
        check(sample("tensord_execute_nodes_bucket", le="1") == 1 and
              sample("tensord_execute_nodes_bucket", le="2") == 4,
              "execute_nodes buckets: one of 1 node, three of 2")
        check(sample("tensord_rpc_duration_seconds_count",
                     method="Execute") == 4, "Execute durations counted")
        check(sample("tensord_rpc_duration_seconds_bucket", method="Execute",
                     le="+Inf") == 4, "Execute duration +Inf bucket")
        check(sample("tensord_sessions") == 1, "tensord_sessions is 1")
        check(sample("tensord_session_bytes") >= 16,
              "tensord_session_bytes counts x's 16 bytes")
        check(sample("tensord_build_info", version="0.1.0") == 1,
              "build_info has the version")
        check(sample("process_resident_memory_bytes") > 1e6,
              "resident memory is plausible")
        start_time = sample("process_start_time_seconds")
        check(abs(start_time - time.time()) < 600,
              "process start time is near now (%s)" % start_time)
    finally:
        s.stop()
    # --metrics=false: no per-call families; the gauges and process
    # metrics stay, and calls still work.
    s = start(binary, ["--http_listen=127.0.0.1:0", "--metrics=false"])
    try:
        port = http_port(s)
        c = harness.Client(s.target())
        sid = c.new_session()
        _, code, _ = harness.create(c, sid, harness.f32([1, 2], [2]), name="x")
        check(code == grpc.StatusCode.OK, "CreateTensor with --metrics=false")
        status, _, data = curl(port, "/metrics")
        check(status == 200, "/metrics answers 200 with --metrics=false")
        fams = {f.name: f for f in
                text_string_to_metric_families(data.decode())}
        per_call = {"tensord_rpcs", "tensord_rpc_duration_seconds",
                    "tensord_execute_nodes"}
        check(not per_call & set(fams),
              "--metrics=false leaves out the per-call metrics (%s)" %
              sorted(per_call & set(fams)))
        check({"tensord_sessions", "tensord_session_bytes",
               "process_resident_memory_bytes"} <= set(fams),
              "--metrics=false keeps the gauges and process metrics")
        check(next(smp.value for smp in fams["tensord_sessions"].samples)
              == 1, "tensord_sessions is 1 with --metrics=false")
    finally:
        s.stop()


def check_http(binary):
    d = tempfile.mkdtemp(prefix="tensord-http-")
    tokens = os.path.join(d, "tokens")
    with open(tokens, "w") as f:
        f.write("tok-alice\ntok-bob\n")
    s = start(binary, ["--http_listen=127.0.0.1:0", "--tokens_file=" + tokens,
                       "--max_message_size=100000"])
    try:
        port = http_port(s)
        alice = {"Authorization": "Bearer tok-alice"}
        bob = {"Authorization": "Bearer tok-bob"}
        status, hdrs, doc = rpc(port, "CreateSession", {})
        check(status == 401 and doc.get("code") == "unauthenticated",
              "no token: 401 unauthenticated (%d %s)" % (status, doc))
        status, _, doc = rpc(port, "CreateSession", {},
                             {"Authorization": "Bearer wrong"})
        check(status == 401, "a wrong token: 401")
        proposed = "0123456789abcdef0123456789abcdef"
        status, hdrs, doc = rpc(port, "CreateSession", {},
                                dict(alice, **{"x-tensord-session": proposed}))
        check(status == 200 and doc.get("id") == proposed,
              "CreateSession takes the x-tensord-session id as gRPC does")
        check(re.fullmatch(r"[0-9a-f]{32}", hdrs.get("x-request-id", "")),
              "a request id is made and returned")
        sid = doc["id"]
        # The seed's autograd example over HTTP/JSON.
        status, _, doc = rpc(port, "Execute", {"sessionId": sid, "nodes": [
            {"op": "arange", "attrs": {"end": {"scalar": {"f": 4.0}}}},
            {"op": "requires_grad_", "inputs": [{"node": {"node": 0}}],
             "bind": ["x"]},
        ]}, alice)
        check(status == 200, "x = arange(4.) with requires_grad (%s)" % doc)
        status, _, doc = rpc(port, "Execute", {"sessionId": sid, "nodes": [
            {"op": "dot", "inputs": [{"name": "x"}, {"name": "x"}]},
            {"op": "mul", "inputs": [{"scalar": {"i": "2"}},
                                     {"node": {"node": 0}}],
             "bind": ["y"], "returnValue": True},
        ]}, alice)
        check(status == 200, "y = 2 * dot(x, x) (%s)" % doc)
        y = floats_json(doc["results"][1]["values"][0])
        check(y == [28.0], "y is 28 (%s)" % y)
        status, _, doc = rpc(port, "Backward", {
            "sessionId": sid, "tensor": {"name": "y"}}, alice)
        check(status == 200, "y.backward()")
        status, _, doc = rpc(port, "FetchTensor", {
            "sessionId": sid, "tensor": {"name": "x"}, "grad": True}, alice)
        check(status == 200 and floats_json(doc["data"]) == [0, 4, 8, 12],
              "x.grad is [0, 4, 8, 12] (%s)" % doc)
        # Errors: Connect codes and HTTP statuses; the same rules as gRPC.
        status, _, doc = rpc(port, "GetSession", {"sessionId": sid}, bob)
        check(status == 404 and doc.get("code") == "not_found",
              "another token's session: 404 not_found")
        status, hdrs, doc = rpc(port, "Execute", {"sessionId": sid, "nodes": [
            {"op": "neg", "inputs": [{"name": "x"}], "bind": ["z"]},
            {"op": "mm", "inputs": [{"name": "x"}, {"name": "x"}]}]},
            dict(alice, **{"x-request-id": "req-42"}))
        check(status == 400 and doc.get("code") == "invalid_argument",
              "a failing Execute: 400 invalid_argument (%d %s)" % (status, doc))
        check("req-42" in doc.get("message", "") and
              hdrs.get("x-request-id") == "req-42",
              "the caller's request id is in the error message and header")
        det = doc.get("details", [{}])[0]
        check(det.get("type") == "tensord.v1.ErrorDetail" and
              det.get("debug", {}).get("node") == 1 and
              det["debug"].get("requestId") == "req-42",
              "the ErrorDetail is a Connect detail (%s)" % det)
        status, _, doc = rpc(port, "FetchTensor", {
            "sessionId": sid, "tensor": {"name": "z"}}, alice)
        check(status == 404, "the failed Execute bound nothing (atomic)")
        status, _, doc = rpc(port, "GetSession", {"sessionId": sid}, alice)
        check(status == 200 and doc.get("nameCount") == "2",
              "the session holds x and y only (%s)" % doc.get("nameCount"))
        status, _, data = curl(port, "/%s/GetSession" % SERVICE, "{not json",
                               alice)
        check(status == 400 and json.loads(data)["code"] ==
              "invalid_argument", "malformed JSON: 400 invalid_argument")
        status, _, _ = curl(port, "/%s/GetSession" % SERVICE, "x=1", alice,
                            content_type="text/plain")
        check(status == 415, "an unsupported Content-Type: 415")
        status, _, data = curl(port, "/%s/UploadTensor" % SERVICE, "{}", alice)
        check(status == 404 and json.loads(data)["code"] == "unimplemented",
              "streaming methods are gRPC-only")
        big = json.dumps({"sessionId": sid, "data": f32_json(
            [1.0] * 40000, [40000])})
        status, _, data = curl(port, "/%s/CreateTensor" % SERVICE, big, alice)
        check(status == 429 and json.loads(data)["code"] ==
              "resource_exhausted",
              "a body over --max_message_size: 429 resource_exhausted")
        # application/proto works too.
        req = pb.GetSessionRequest(session_id=sid).SerializeToString()
        status, hdrs, data = curl(port, "/%s/GetSession" % SERVICE, req,
                                  alice, content_type="application/proto")
        check(status == 200 and pb.Session.FromString(data).id == sid,
              "application/proto bodies")
        status, _, data = curl(port, "/healthz")
        check(status == 200, "/healthz 200")
        status, _, data = curl(port, "/readyz")
        check(status == 200, "/readyz 200")
    finally:
        s.stop()


def check_tls(binary):
    """With --tls_cert the HTTP listener serves HTTPS with the same
    certificate as gRPC, and plain HTTP is refused."""
    d = tempfile.mkdtemp(prefix="tensord-tls-")
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    s = start(binary, ["--http_listen=127.0.0.1:0", "--tls_cert=" + cert,
                       "--tls_key=" + key])
    try:
        port = http_port(s)
        url = "https://127.0.0.1:%d" % port
        out = subprocess.run(
            ["curl", "-sS", "--cacert", cert, "-X", "POST", "-H",
             "Content-Type: application/json", "-d", "{}",
             url + "/%s/CreateSession" % SERVICE],
            capture_output=True, text=True, timeout=30)
        check(out.returncode == 0 and len(json.loads(out.stdout)["id"]) == 32,
              "HTTPS with the --tls_cert certificate (%s)" % out.stderr)
        out = subprocess.run(["curl", "-sS", "--cacert", cert,
                              url + "/metrics"], capture_output=True,
                             text=True, timeout=30)
        check("tensord_rpcs_total" in out.stdout, "/metrics over HTTPS")
        out = subprocess.run(["curl", "-sS", "-o", "/dev/null",
                              "http://127.0.0.1:%d/healthz" % port],
                             capture_output=True, text=True, timeout=30)
        check(out.returncode != 0, "plain HTTP is refused on a TLS listener")
    finally:
        s.stop()


def check_logs(binary):
    d = tempfile.mkdtemp(prefix="tensord-logs-")
    tokens = os.path.join(d, "tokens")
    token = "sEcReT-tOkEn-8d1f"
    with open(tokens, "w") as f:
        f.write(token + "\n")
    # A tensor whose bytes are distinctive, in raw and base64 form.
    values = [1234.5678, -8765.4321, 3.14159e-7, 271828.18]
    raw = struct.pack("<4f", *values)
    for fmt in ("text", "json"):
        s = start(binary, ["--http_listen=127.0.0.1:0",
                           "--tokens_file=" + tokens, "--log_format=" + fmt])
        try:
            port = http_port(s)
            c = harness.Client(s.target(), token=token)
            sid = c.new_session()
            r, code, _ = harness.create(c, sid, pb.TensorData(
                dtype=pb.DTYPE_FLOAT32, shape=[4], data=raw), name="secret")
            check(code == grpc.StatusCode.OK, "CreateTensor")
            call = c.stub.Execute.with_call(pb.ExecuteRequest(
                session_id=sid, nodes=[harness.node(
                    "neg", [harness.name_ref("secret")], ret=True)]),
                metadata=c.md(sid) + [("x-request-id", "trace-" + fmt)],
                timeout=30)
            md = dict(call[1].initial_metadata())
            check(md.get("x-request-id") == "trace-" + fmt,
                  "gRPC echoes the caller's x-request-id")
            try:
                c.stub.GetSession(pb.GetSessionRequest(session_id="nope"),
                                  metadata=c.md(), timeout=30)
                check(False, "GetSession of a missing session fails")
            except grpc.RpcError as e:
                rid = dict(e.initial_metadata()).get("x-request-id", "")
                check(re.fullmatch(r"[0-9a-f]{32}", rid) is not None,
                      "a made request id on a failed gRPC call (%s)" % rid)
                det = error_detail(e)
                check(det is not None and det.request_id == rid,
                      "the ErrorDetail of a gRPC error holds the request id")
            rpc(port, "FetchTensor", {"sessionId": sid,
                                      "tensor": {"name": "secret"}},
                {"Authorization": "Bearer " + token})
            rpc(port, "GetSession", {"sessionId": sid},
                {"Authorization": "Bearer wrong-" + token})
        finally:
            s.stop()
        log = s.log_text()
        if fmt == "json":
            lines = [json.loads(l) for l in log.splitlines() if l.strip()]
            access = [l for l in lines if l.get("msg") == "access"]
        else:
            access = [dict(kv.split("=", 1) for kv in l.split()[2:])
                      for l in log.splitlines()
                      if l.startswith("tensord: access ")]
        check(len(access) == 6, "%s: one access line per call (%d)" %
              (fmt, len(access)))
        for a in access:
            for k in ("time", "method", "code", "duration_ms", "session",
                      "request_id", "nodes", "bytes_in", "bytes_out", "peer"):
                if k not in a:
                    check(False, "%s: field %s in %s" % (fmt, k, a))
        ex = [a for a in access if a["method"] == "Execute"][0]
        check(ex["request_id"] == "trace-" + fmt and str(ex["nodes"]) == "1"
              and ex["session"] == sid and int(ex["bytes_in"]) > 0 and
              int(ex["bytes_out"]) >= 16,
              "%s: the Execute line has its request id, nodes, session and "
              "bytes (%s)" % (fmt, ex))
        codes = sorted(a["code"] for a in access)
        check(codes.count("UNAUTHENTICATED") == 1 and
              codes.count("NOT_FOUND") == 1,
              "%s: failed calls are logged with their codes" % fmt)
        check(token not in log, "%s: the token is in no log line" % fmt)
        forms = [raw, base64.b64encode(raw).decode(), raw.hex(),
                 "1234.5", "8765.4"]
        neg = struct.pack("<4f", *[-v for v in values])
        forms += [neg, base64.b64encode(neg).decode(), neg.hex()]
        leaked = [f for f in forms
                  if (f in log if isinstance(f, str)
                      else f.decode("latin-1") in log)]
        check(not leaked, "%s: no tensor data in the log (%s)" % (fmt, leaked))
    # --access_log=false: no access lines.
    s = start(binary, ["--access_log=false"])
    try:
        c = harness.Client(s.target())
        c.new_session()
    finally:
        s.stop()
    check("access" not in s.log_text(), "--access_log=false logs no calls")


def check_drain(binary):
    s = start(binary, ["--http_listen=127.0.0.1:0", "--drain_delay=3",
                       "--access_log=false"])
    port = http_port(s)
    c = harness.Client(s.target())
    sid = c.new_session()
    harness.create(c, sid, harness.f32([1, 2], [2]), name="x")
    check(c.serving() and c.serving(SERVICE), "gRPC health SERVING at start")
    check(curl(port, "/readyz")[0] == 200, "/readyz 200 at start")
    t0 = time.time()
    s.signal(signal.SIGTERM)
    deadline = time.time() + 2
    while c.serving() and time.time() < deadline:
        time.sleep(0.02)
    check(not c.serving() and not c.serving(SERVICE),
          "gRPC health NOT_SERVING right after SIGTERM")
    check(curl(port, "/readyz")[0] == 503, "/readyz 503 while draining")
    check(curl(port, "/healthz")[0] == 200, "/healthz still 200 (alive)")
    _, code, details = c.call("CreateSession", pb.CreateSessionRequest())
    check(code == grpc.StatusCode.UNAVAILABLE,
          "a new session over gRPC: UNAVAILABLE (%s %s)" % (code, details))
    status, _, doc = rpc(port, "CreateSession", {})
    check(status == 503 and doc.get("code") == "unavailable",
          "a new session over HTTP: 503 unavailable")
    ok = 0
    while time.time() - t0 < 2.0:
        _, code, _ = harness.execute(c, sid, [harness.node(
            "add_", [harness.name_ref("x"), harness.scalar_f(1.0)])])
        check(code == grpc.StatusCode.OK, "Execute on an existing session "
              "during the drain")
        ok += 1
    status, _, _ = rpc(port, "GetSession", {"sessionId": sid})
    check(status == 200, "HTTP calls on an existing session go on")
    check(s.alive(), "still running during --drain_delay")
    rc = s.wait(timeout=30)
    waited = time.time() - t0
    check(rc == 0 and waited >= 2.9,
          "exit 0 after the drain delay (%.1fs, %d calls served)" %
          (waited, ok))


CHECKS = {"flags": check_flags, "metrics": check_metrics, "http": check_http,
          "tls": check_tls, "logs": check_logs, "drain": check_drain}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in CHECKS:
        print("usage: operability_test.py %s TENSORD" % "|".join(CHECKS))
        return 2
    try:
        CHECKS[sys.argv[1]](sys.argv[2])
    except Failure:
        return 1
    print("operability %s: all checks passed" % sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
