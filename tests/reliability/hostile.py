"""The hostile-client battery against real tensord processes.

Every case is something a hostile (or careless) client did to an earlier
tensord: views whose shape overflows, negative and huge sizes, ops that
crashed the server, snapshots that lost other people's sessions, startup
flags that crashed it, failed calls that changed state, limits that could be
bypassed. Each case names what it protects and states its oracle:

  * the status code is the documented one (and, where PyTorch has one, the
    message says what PyTorch's says);
  * the server is alive and its health SERVING;
  * the session the case ran in is exactly as before when the call failed:
    counts, bytes (data, graph and names), the values, grads, flags and
    versions of its tensors, and its random generator (the next draw is the
    one a fresh session with the same seed makes);
  * another tenant's session (token A; the attacker is token B) is exactly
    as before, and no value returned to B holds A's data;
  * values that are returned have numel x itemsize bytes and the right
    contents.

Usage (through run_check.sh): hostile.py TENSORD TENSORCTL
"""
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

import grpc

import harness as h
from harness import pb

C = grpc.StatusCode
SEED = 1234
# A's secret: a float32 pattern that no op of B's cases produces.
SECRET = [1234.5 + i for i in range(256)]
SECRET_BYTES = struct.pack("<f", 1234.5)


def ints(xs):
    return h.attr_ints(xs)


def i(x):
    return h.attr_i(x)


def f32_scalar(x):
    return h.f32([x], [])


def lit(data):
    return pb.ValueRef(literal=data)


def full_state(client, sid, names):
    """session_state plus graph and name bytes."""
    r, code, _ = client.call("GetSession", pb.GetSessionRequest(session_id=sid),
                             sid)
    extra = (r.graph_bytes, r.name_bytes) if code == C.OK else None
    return (h.session_state(client, sid, names), extra)


def next_draw(client, sid):
    """The next rand([4]) of the session, then reseeds it to SEED."""
    r, code, d = h.execute(client, sid, [
        h.node("rand", [], {"size": ints([4])}, ret=True),
        h.node("manual_seed", [], {"seed": i(SEED)})])
    if code != C.OK:
        return ("rand failed", code, d)
    return r.results[0].values[0].data


class Battery:
    """Runs cases, each with the oracle described above."""

    def __init__(self):
        self.failures = []
        self.held = 0
        self.total = 0

    def record(self, name, problems, code=None, dt=0.0):
        self.total += 1
        if problems:
            self.failures.append("%s: %s" % (name, "; ".join(problems)))
        else:
            self.held += 1
        print("  %-66s %-19s %5.2f s %s" % (
            name[:66], code.name if code else "", dt,
            "ok" if not problems else "; ".join(problems)), flush=True)


def tenant_cases(binary, bat):
    """One server, two tokens. A holds a secret; B attacks."""
    tmp = tempfile.mkdtemp(prefix="tensord-hostile-")
    tokens = os.path.join(tmp, "tokens")
    with open(tokens, "w") as f:
        f.write("token-a\ntoken-b\n")
    server = h.Tensord(binary, ["--tokens_file=" + tokens,
                                "--max_message_size=4194304"]).start()
    a = h.Client(server.target(), token="token-a")
    b = h.Client(server.target(), token="token-b")
    try:
        victim = a.new_session()
        _, code, d = h.create(a, victim, h.f32(SECRET, [len(SECRET)]), "secret",
                              requires_grad=True)
        assert code == C.OK, d
        victim_state = full_state(a, victim, ["secret"])

        ref = b.new_session(seed=SEED, has_seed=True)
        expected_draw = next_draw(b, ref)
        b.call("CloseSession", pb.CloseSessionRequest(session_id=ref))

        def new_session(**options):
            options.setdefault("seed", SEED)
            options.setdefault("has_seed", True)
            sid = b.new_session(**options)
            for name, data in (("x", f32_scalar(1.0)), ("v", h.f32([1.0], [1])),
                               ("m", h.f32([1, 2, 3, 4, 5, 6], [2, 3]))):
                _, code, d = h.create(b, sid, data, name)
                assert code == C.OK, d
            _, code, d = h.create(b, sid, h.f32([1.0, 2.0], [2]), "w",
                                  requires_grad=True)
            assert code == C.OK, d
            return sid

        names = ["x", "v", "m", "w"]
        main_sid = new_session()
        small_sid = new_session(memory_limit_bytes=1 << 20)

        def run(name, want, fn, small=False, message=None, check=None,
                unchanged=None):
            """fn(sid) -> (response, code, details). `unchanged` defaults to
            whether the case should fail."""
            sid = small_sid if small else main_sid
            before = full_state(b, sid, names)
            t0 = time.time()
            try:
                resp, code, details = fn(sid)
            except Exception as e:  # a broken case is a failed case
                resp, code, details = None, None, "exception: %r" % e
            dt = time.time() - t0
            problems = []
            if code != want:
                problems.append("got %s (%s), want %s" % (
                    code, (details or "")[:300], want))
            if message and code == want and message not in (details or ""):
                problems.append("message %r lacks %r" % (details[:300],
                                                        message))
            if details and len(details) > 2048:
                problems.append("error message of %d bytes" % len(details))
            if not server.alive():
                problems.append("the server died")
                bat.record(name, problems, code, dt)
                raise SystemExit("server died at " + name)
            if not b.serving():
                problems.append("health is not SERVING")
            if unchanged is None:
                unchanged = want != C.OK
            if unchanged:
                if full_state(b, sid, names) != before:
                    problems.append("B's session changed")
                if next_draw(b, sid) != expected_draw:
                    problems.append("B's random generator moved")
            if full_state(a, victim, ["secret"]) != victim_state:
                problems.append("A's session changed")
            if resp is not None and hasattr(resp, "results"):
                for r in resp.results:
                    for v in r.values:
                        if SECRET_BYTES in v.data:
                            problems.append("a value holds A's data")
                        if v.dtype:
                            n = 1
                            for s in v.shape:
                                n *= s
                            size = {pb.DTYPE_BOOL: 1, pb.DTYPE_INT32: 4,
                                    pb.DTYPE_INT64: 8, pb.DTYPE_FLOAT32: 4,
                                    pb.DTYPE_FLOAT64: 8,
                                    pb.DTYPE_COMPLEX64: 8,
                                    pb.DTYPE_FLOAT16: 2,
                                    pb.DTYPE_BFLOAT16: 2, pb.DTYPE_INT8: 1,
                                    pb.DTYPE_UINT8: 1,
                                    pb.DTYPE_INT16: 2}[v.dtype]
                            if len(v.data) != n * size:
                                problems.append("value of %d bytes for %d "
                                                "elements" % (len(v.data), n))
            if check and code == C.OK and not problems:
                err = check(resp, sid)
                if err:
                    problems.append(err)
            bat.record(name, problems, code, dt)

        x, v, m, w = (h.name_ref(n) for n in names)
        ex = h.execute

        def nodes(*ns):
            return lambda sid: ex(b, sid, list(ns))

        huge = [5944900932268923563, 4099]
        run("view with an overflowing shape, then select + return_value",
            C.INVALID_ARGUMENT,
            nodes(h.node("view", [x], {"shape": ints(huge)}),
                  h.node("select", [h.out_ref(0)], {"dim": i(0), "index": i(0)},
                         ret=True)),
            message="overflow")
        run("fill_ through a view with an overflowing shape writes nothing",
            C.INVALID_ARGUMENT,
            nodes(h.node("view", [x], {"shape": ints(huge)}),
                  h.node("select", [h.out_ref(0)], {"dim": i(0), "index": i(0)}),
                  h.node("fill_", [h.out_ref(1)],
                         {"value": pb.AttrValue(scalar=pb.Scalar(f=7.0))})))
        run("reshape with an overflowing shape", C.INVALID_ARGUMENT,
            nodes(h.node("reshape", [x], {"shape": ints(huge)}, ret=True)),
            message="overflow")
        run("expand to a negative size", C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([-5])}, bind=["bad"])))
        run("expand to a negative size with return_value", C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([-5])}, ret=True)))
        run("expand whose element count overflows (7 x 0x6DB6DB6DB6DB6DB7)",
            C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([7, 0x6DB6DB6DB6DB6DB7])},
                         ret=True)),
            message="overflow")
        run("expand to [2**62, 1, 2] with return_value", C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([2**62, 1, 2])},
                         ret=True)))
        run("expand to [2**40, 2**40, 0] (an empty tensor, huge strides)",
            C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([2**40, 2**40, 0])},
                         ret=True)))
        run("expand past 2^33 elements (2^34)", C.RESOURCE_EXHAUSTED,
            nodes(h.node("expand", [v], {"size": ints([2**34])}, bind=["big"])))
        run("expand to rank 100", C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([1] * 100)},
                         bind=["deep"])))
        run("view to rank 17", C.INVALID_ARGUMENT,
            nodes(h.node("view", [x], {"shape": ints([1] * 17)},
                         bind=["deep"])))
        run("unsqueeze of a rank-16 tensor", C.INVALID_ARGUMENT,
            nodes(h.node("view", [x], {"shape": ints([1] * 16)}),
                  h.node("unsqueeze", [h.out_ref(0)], {"dim": i(0)},
                         bind=["deep"])))
        run("cat of a 1-d and a 0-d tensor", C.INVALID_ARGUMENT,
            nodes(h.node("ones", [], {"size": ints([2])}),
                  h.node("cat", [h.out_ref(0), x], ret=True)),
            message="zero-dimensional tensor (at position 1) cannot be "
                    "concatenated")
        run("cat of a 0-d and a 1-d tensor", C.INVALID_ARGUMENT,
            nodes(h.node("cat", [x, v], ret=True)),
            message="zero-dimensional tensor (at position 0) cannot be "
                    "concatenated")
        inf64 = pb.TensorData(dtype=pb.DTYPE_FLOAT64, shape=[2, 2],
                              data=struct.pack("<4d", *[float("inf")] * 4))
        nan32 = h.f32([float("nan")] * 4, [2, 2])
        run("linalg.eig of an all-inf float64 matrix", C.INVALID_ARGUMENT,
            nodes(h.node("linalg.eig", [lit(inf64)], ret=True)),
            message="should not contain infs or NaNs")
        run("linalg.eigvals of a NaN matrix", C.INVALID_ARGUMENT,
            nodes(h.node("linalg.eigvals", [lit(nan32)], ret=True)),
            message="should not contain infs or NaNs")

        def all_nan(resp, sid):
            vals = h.floats(resp.results[0].values[0])
            return None if all(x != x for x in vals) else "eigh of NaN: %r" % (
                vals,)
        run("linalg.eigh of a NaN matrix gives NaN (as PyTorch)", C.OK,
            nodes(h.node("linalg.eigh", [lit(nan32)], ret=True)),
            check=all_nan)

        # The linear-algebra family (core/ops_decomp.cc): sizes past LAPACK's
        # 32-bit integers, huge outputs, non-finite and singular matrices.
        inf3 = pb.TensorData(dtype=pb.DTYPE_FLOAT64, shape=[3, 3],
                             data=struct.pack("<9d", float("inf"), 1, 0, 1,
                                              float("-inf"), 1, 0, 1, 1))
        run("linalg.svd of an inf matrix (gesdd loops on it in torch)",
            C.INVALID_ARGUMENT,
            nodes(h.node("linalg.svd", [lit(inf3)], ret=True)),
            message="non-finite values")
        run("svd of a NaN matrix", C.INVALID_ARGUMENT,
            nodes(h.node("svd", [lit(nan32)], ret=True)),
            message="non-finite values")
        for op in ("linalg.inv", "linalg.det", "linalg.slogdet",
                   "linalg.cholesky", "linalg.qr"):
            run("%s of a NaN matrix gives NaN (as PyTorch)" % op, C.OK,
                nodes(h.node(op, [lit(nan32)], ret=True)))
        run("linalg.solve with a NaN matrix", C.OK,
            nodes(h.node("linalg.solve", [lit(nan32), lit(h.f32([1, 2], [2]))],
                         ret=True)))
        run("linalg.inv of a singular matrix", C.INVALID_ARGUMENT,
            nodes(h.node("zeros", [], {"size": ints([3, 3])}),
                  h.node("linalg.inv", [h.out_ref(0)], ret=True)),
            message="the input matrix is singular")
        run("linalg.cholesky of a batch with a non-PD matrix",
            C.INVALID_ARGUMENT,
            nodes(h.node("ones", [], {"size": ints([2, 2, 2])}),
                  h.node("linalg.cholesky", [h.out_ref(0)], ret=True)),
            message="(Batch element 0)")
        run("linalg.qr of a [2^31 + 5, 0] view (past LAPACK's int)",
            C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([2**31 + 5, 0])}),
                  h.node("linalg.qr", [h.out_ref(0)], ret=True)),
            message="not supported")
        run("linalg.qr complete of a [3e6, 1] view (Q of 9e12 elements)",
            C.RESOURCE_EXHAUSTED,
            nodes(h.node("expand", [v], {"size": ints([3000000, 1])}),
                  h.node("linalg.qr", [h.out_ref(0)],
                         {"mode": pb.AttrValue(s="complete")}, ret=True)))
        run("linalg.svd full of a [1e5, 1] view (U of 1e10 elements)",
            C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([100000, 1])}),
                  h.node("linalg.svd", [h.out_ref(0)], ret=True)))
        run("linalg.det of a [4096, 64, 64] view in a 1 MiB session",
            C.RESOURCE_EXHAUSTED,
            nodes(h.node("expand", [x], {"size": ints([4096, 64, 64])}),
                  h.node("linalg.det", [h.out_ref(0)], ret=True)),
            small=True)
        run("linalg.solve with B broadcast to 2^28 right-hand sides",
            C.RESOURCE_EXHAUSTED,
            nodes(h.node("eye", [], {"n": i(1)}),
                  h.node("expand", [x], {"size": ints([2**28, 1, 1])}),
                  h.node("linalg.solve", [h.out_ref(0), h.out_ref(1)],
                         ret=True)),
            small=True)
        eq = lambda e: pb.AttrValue(s=e)  # noqa: E731
        run("einsum broadcasting '...' to 2^40 elements", C.RESOURCE_EXHAUSTED,
            nodes(h.node("expand", [v], {"size": ints([2**20, 1])}),
                  h.node("expand", [v], {"size": ints([1, 2**20])}),
                  h.node("einsum", [h.out_ref(0), h.out_ref(1)],
                         {"equation": eq("i...,...j->ij")}, ret=True)))
        run("einsum with a 64 KiB equation", C.INVALID_ARGUMENT,
            nodes(h.node("einsum", [v], {"equation": eq("i" * 65536)},
                         ret=True)))
        run("einsum with '..' and a non-letter", C.INVALID_ARGUMENT,
            nodes(h.node("einsum", [v], {"equation": eq("..i->i")},
                         ret=True)))
        run("einsum outer product of two 2^17 views in a 1 MiB session",
            C.RESOURCE_EXHAUSTED,
            nodes(h.node("expand", [v], {"size": ints([2**17])}),
                  h.node("einsum", [h.out_ref(0), h.out_ref(0)],
                         {"equation": eq("i,j->ij")}, ret=True)),
            small=True)
        run("matrix_power of a 2x2 matrix to -2^63", C.OK,
            nodes(h.node("eye", [], {"n": i(2)}),
                  h.node("matrix_power", [h.out_ref(0)], {"n": i(-2**63)},
                         ret=True)))
        run("kron whose sizes overflow int64", C.INVALID_ARGUMENT,
            nodes(h.node("expand", [v], {"size": ints([2**32, 0])}),
                  h.node("kron", [h.out_ref(0), h.out_ref(0)], ret=True)))
        run("tensordot with dims 2^62", C.INVALID_ARGUMENT,
            nodes(h.node("tensordot", [m, m], {"dims": i(2**62)}, ret=True)))
        run("tensordot with a dim list of 2^63-1", C.INVALID_ARGUMENT,
            nodes(h.node("tensordot", [m, m], {"dims_a": ints([2**63 - 1]),
                                                "dims_b": ints([0])},
                         ret=True)))
        run("matrix_exp of an inf matrix gives NaN", C.OK,
            nodes(h.node("matrix_exp", [lit(inf64)], ret=True)))
        run("matrix_exp of a 1e300-norm matrix (squarings capped)", C.OK,
            nodes(h.node("eye", [], {"n": i(2)}),
                  h.node("mul", [h.out_ref(0), h.scalar_f(1e300)]),
                  h.node("matrix_exp", [h.out_ref(1)], ret=True)))
        run("linalg.cross of 2^31 broadcast vectors in a 1 MiB session",
            C.RESOURCE_EXHAUSTED,
            nodes(h.node("ones", [], {"size": ints([1, 3])}),
                  h.node("expand", [h.out_ref(0)], {"size": ints([2**31, 3])}),
                  h.node("linalg.cross", [h.out_ref(1), h.out_ref(0)],
                         ret=True)),
            small=True)
        run("linalg.det of an int matrix", C.INVALID_ARGUMENT,
            nodes(h.node("ones", [], {"size": ints([2, 2]),
                                      "dtype": pb.AttrValue(dtype=pb.DTYPE_INT64)}),
                  h.node("linalg.det", [h.out_ref(0)], ret=True)),
            message="Expected a floating point or complex tensor")

        def one_zero(resp, sid):
            val = resp.results[1].values[0]
            return None if (list(val.shape) == [1] and
                            h.floats(val) == [0.0]) else "got %r" % (val,)
        run("zeros(3)[::2**63-1] is one element", C.OK,
            nodes(h.node("zeros", [], {"size": ints([3])}),
                  h.node("slice", [h.out_ref(0)],
                         {"step": i(2**63 - 1)}, ret=True, bind=["odd"])),
            check=one_zero)
        b.call("ReleaseTensor", pb.ReleaseTensorRequest(
            session_id=main_sid, tensors=[pb.TensorRef(name="odd")]),
            main_sid)
        run("sum(keepdim=None) after a rand node", C.INVALID_ARGUMENT,
            nodes(h.node("rand", [], {"size": ints([3])}),
                  h.node("sum", [h.out_ref(0)],
                         {"keepdim": pb.AttrValue(none=True)})))
        run("add(alpha=None) after a rand node", C.INVALID_ARGUMENT,
            nodes(h.node("rand", [], {"size": ints([3])}),
                  h.node("add", [h.out_ref(0), h.out_ref(0)],
                         {"alpha": pb.AttrValue(none=True)})))
        run("a negative expand with return_value after a rand node",
            C.INVALID_ARGUMENT,
            nodes(h.node("rand", [], {"size": ints([1])}),
                  h.node("expand", [h.out_ref(0)], {"size": ints([-5])},
                         ret=True)))
        run("a slice step of 0", C.INVALID_ARGUMENT,
            nodes(h.node("slice", [v], {"step": i(0)}, ret=True)))
        c64 = pb.TensorData(dtype=pb.DTYPE_COMPLEX64, shape=[2],
                            data=struct.pack("<4f", 1, 1, 0, 1))
        run("a complex gradient for a real output", C.INVALID_ARGUMENT,
            nodes(h.node("mul", [w, h.scalar_f(2.0)]),
                  h.node("backward", [h.out_ref(0), lit(c64)])),
            message="Mismatch in dtype")
        run("a gradient of the wrong shape", C.INVALID_ARGUMENT,
            nodes(h.node("mul", [w, h.scalar_f(2.0)]),
                  h.node("backward", [h.out_ref(0), lit(h.f32([1, 2, 3], [3]))])))

        # ---- limits: what a view becomes is charged ----
        run("a 2^26-element expanded view returned from a 1 MiB session",
            C.RESOURCE_EXHAUSTED,
            nodes(h.node("expand", [v], {"size": ints([1 << 26])}, ret=True)),
            small=True)

        def fetch_big(rpc):
            def fn(sid):
                r, code, d = ex(b, sid, [h.node("expand", [v],
                                                {"size": ints([1 << 26])},
                                                bind=["bigview"])])
                if code != C.OK:
                    return r, code, d
                try:
                    req = pb.FetchTensorRequest(
                        session_id=sid, tensor=pb.TensorRef(name="bigview"))
                    if rpc == "FetchTensor":
                        return b.call("FetchTensor", req, sid)
                    try:
                        list(b.stub.DownloadTensor(req, metadata=b.md(sid),
                                                   timeout=30))
                        return None, C.OK, ""
                    except grpc.RpcError as e:
                        return None, e.code(), e.details()
                finally:
                    b.call("ReleaseTensor", pb.ReleaseTensorRequest(
                        session_id=sid, tensors=[pb.TensorRef(name="bigview")]),
                        sid)
            return fn
        run("FetchTensor of a kept 2^26-element view from a 1 MiB session",
            C.RESOURCE_EXHAUSTED, fetch_big("FetchTensor"), small=True)
        run("DownloadTensor of a kept 2^26-element view from a 1 MiB session",
            C.RESOURCE_EXHAUSTED, fetch_big("DownloadTensor"), small=True)
        # (8 MiB in the original report; this server's messages are 4 MiB)
        run("a 2 MiB name", C.INVALID_ARGUMENT,
            nodes(h.node("neg", [v], bind=["n" * (2 << 20)])))
        many = [h.node("alias", [v], bind=["name%04d" % k + "n" * 1000])
                for k in range(2000)]
        run("2000 names of 1 KB in a 1 MiB session (names are charged)",
            C.RESOURCE_EXHAUSTED, lambda sid: ex(b, sid, many), small=True)
        long_name = "q" * (64 << 10)
        run("a 64 KiB unknown name", C.NOT_FOUND,
            nodes(h.node("neg", [h.name_ref(long_name)])))
        run("a 64 KiB unknown handle", C.NOT_FOUND,
            nodes(h.node("neg", [h.handle_ref(long_name)])))
        run("a 64 KiB op name", C.NOT_FOUND, nodes(h.node(long_name, [v])))
        run("a 64 KiB attribute name", C.INVALID_ARGUMENT,
            nodes(h.node("neg", [v], {long_name: i(1)})))
        run("a 64 KiB session id", C.NOT_FOUND,
            lambda sid: b.call("GetSession",
                               pb.GetSessionRequest(session_id=long_name)))
        run("idle_ttl_seconds of 2^62", C.INVALID_ARGUMENT,
            lambda sid: b.call("CreateSession", pb.CreateSessionRequest(
                options=pb.SessionOptions(idle_ttl_seconds=2**62))))
        run("memory_limit_bytes of -1", C.INVALID_ARGUMENT,
            lambda sid: b.call("CreateSession", pb.CreateSessionRequest(
                options=pb.SessionOptions(memory_limit_bytes=-1))))
        # Advanced indexing (index.advanced / index_put_.advanced): every
        # index is checked before anything is read or written.
        def i64(values, shape):
            return lit(pb.TensorData(dtype=pb.DTYPE_INT64, shape=shape,
                                     data=struct.pack("<%dq" % len(values),
                                                      *values)))

        def adv(inputs, spec, ret=True, put=False, accumulate=None):
            attrs = {"index": h.attr_s(spec)}
            if accumulate is not None:
                attrs["accumulate"] = pb.AttrValue(b=accumulate)
            return nodes(h.node("index_put_.advanced" if put else
                                "index.advanced", inputs, attrs, ret=ret))

        for big in (2**63 - 1, -2**63, 2**31, -4):
            run("m[[%d]] (index.advanced) with return_value" % big,
                C.INVALID_ARGUMENT, adv([m, i64([0, big], [2])], "@"),
                message="out of bounds")
        run("m[[0], [2**62]] = v writes nothing", C.INVALID_ARGUMENT,
            adv([m, v, i64([0], [1]), i64([2**62], [1])], "@, @", ret=False,
                put=True))
        run("m[[0, 0], [1, 2**40]] += v (accumulate) writes nothing",
            C.INVALID_ARGUMENT,
            adv([m, v, i64([0, 0], [2]), i64([1, 2**40], [2])], "@, @",
                ret=False, put=True, accumulate=True))
        run("index tensors broadcasting to 2^34 elements",
            C.RESOURCE_EXHAUSTED,
            nodes(h.node("zeros", [], {"size": ints([2**17, 1]),
                                       "dtype": pb.AttrValue(
                                           dtype=pb.DTYPE_INT64)}),
                  h.node("zeros", [], {"size": ints([1, 2**17]),
                                       "dtype": pb.AttrValue(
                                           dtype=pb.DTYPE_INT64)}),
                  h.node("index.advanced", [m, h.out_ref(0), h.out_ref(1)],
                         {"index": h.attr_s("@, @")}, ret=True)))
        run("more @ places than index tensors", C.INVALID_ARGUMENT,
            adv([m, i64([0], [1])], "@, @"))
        run("fewer @ places than index tensors", C.INVALID_ARGUMENT,
            adv([m, i64([0], [1]), i64([0], [1])], "@"))
        run("an @ in the plain index op", C.INVALID_ARGUMENT,
            nodes(h.node("index", [m], {"index": h.attr_s("@")}, ret=True)))
        run("a mask of the wrong shape", C.INVALID_ARGUMENT,
            adv([m, lit(pb.TensorData(dtype=pb.DTYPE_BOOL, shape=[3],
                                      data=b"\x01\x00\x01"))], "@"),
            message="shape of the mask")
        run("a float index tensor", C.INVALID_ARGUMENT,
            adv([m, lit(h.f32([0.0], [1]))], "@"),
            message="must be long, byte or bool")
        run("an index into the empty dim of a [3, 0] tensor", C.INVALID_ARGUMENT,
            nodes(h.node("zeros", [], {"size": ints([3, 0])}),
                  h.node("index.advanced", [h.out_ref(0), i64([2], [1]),
                                            i64([0], [1])],
                         {"index": h.attr_s("@, @")}, ret=True)),
            message="out of bounds")
        # Index-along-a-dim, sorting and layout ops: client integers in
        # indices, sizes and counts are checked before anything is touched.
        def op(name, inputs, attrs=None, ret=True):
            return nodes(h.node(name, inputs, attrs or {}, ret=ret))
        for big in (2**63 - 1, -2**63, 2**31):
            run("m.gather(1, [[%d]]) with return_value" % big,
                C.INVALID_ARGUMENT, op("gather", [m, i64([0, big], [1, 2])],
                                       {"dim": i(1)}),
                message="out of bounds")
        # gather from a dim of size 0 with a non-empty index: every index is
        # out of bounds and nothing of the (empty) source may be read.
        run("zeros(3, 0).gather(1, [[0, 0]] * 3)", C.INVALID_ARGUMENT,
            nodes(h.node("zeros", [], {"size": ints([3, 0])}),
                  h.node("gather", [h.out_ref(0), i64([0] * 6, [3, 2])],
                         {"dim": i(1)}, ret=True)),
            message="out of bounds for dimension 1 with size 0")
        run("m.scatter_(1, [[2**62]], v) writes nothing", C.INVALID_ARGUMENT,
            op("scatter_", [m, i64([0, 2**62], [1, 2]), lit(h.f32([7, 8], [1, 2]))],
               {"dim": i(1)}, ret=False))
        run("m.scatter_add_(0, [[-1]], v) writes nothing", C.INVALID_ARGUMENT,
            op("scatter_add_", [m, i64([-1], [1, 1]), lit(h.f32([7], [1, 1]))],
               {"dim": i(0)}, ret=False))
        run("m.index_select(1, [2**31])", C.INVALID_ARGUMENT,
            op("index_select", [m, i64([2**31], [1])], {"dim": i(1)}))
        run("m.index_add_(0, [2**62], m[:1]) writes nothing", C.INVALID_ARGUMENT,
            op("index_add_", [m, i64([2**62], [1]), lit(h.f32([1, 1, 1], [1, 3]))],
               {"dim": i(0)}, ret=False))
        run("m.take([-2**63])", C.INVALID_ARGUMENT,
            op("take", [m, i64([-2**63], [1])]))
        run("m.split(2**63-1)", C.OK,
            op("split", [m], {"split_size": i(2**63 - 1)}))
        run("v.chunk(2**63-1)", C.OK, op("chunk", [v], {"chunks": i(2**63 - 1)}))
        run("split of 2^20 elements into 2^20 pieces", C.INVALID_ARGUMENT,
            nodes(h.node("zeros", [], {"size": ints([2**20])}),
                  h.node("split", [h.out_ref(0)], {"split_size": i(1)},
                         ret=True)))
        run("m.unflatten(1, [2**62, 4])", C.INVALID_ARGUMENT,
            op("unflatten", [m], {"dim": i(1), "sizes": ints([2**62, 4])}))
        run("m.repeat(2**40, 2**40)", C.RESOURCE_EXHAUSTED,
            op("repeat", [m], {"repeats": ints([2**40, 2**40])}))
        run("v.repeat_interleave(2**62)", C.INVALID_ARGUMENT,
            op("repeat_interleave", [v, i64([2**62], [])]))
        run("m.narrow(1, 1, 2**63-1)", C.INVALID_ARGUMENT,
            op("narrow", [m], {"dim": i(1), "start": i(1),
                               "length": i(2**63 - 1)}))
        run("m.unfold(1, 2**62, 1)", C.INVALID_ARGUMENT,
            op("unfold", [m], {"dimension": i(1), "size": i(2**62),
                               "step": i(1)}))
        run("m.unfold(1, 1, -2**63)", C.INVALID_ARGUMENT,
            op("unfold", [m], {"dimension": i(1), "size": i(1),
                               "step": i(-2**63)}))
        run("m.unfold(1, 1, 2**62) (one window per row)", C.OK,
            op("unfold", [m], {"dimension": i(1), "size": i(1),
                               "step": i(2**62)}))
        run("_rnn_direction with mode 'BOGUS'", C.INVALID_ARGUMENT,
            op("_rnn_direction", [lit(h.f32([0] * 3, [1, 1, 3])),
                                  lit(h.f32([0] * 3, [1, 3])),
                                  lit(h.f32([0] * 9, [3, 3]))],
               {"mode": pb.AttrValue(s="BOGUS")}),
            message="mode must be")
        run("_rnn_direction of gates that do not fit hx", C.INVALID_ARGUMENT,
            op("_rnn_direction", [lit(h.f32([0] * 8, [1, 2, 4])),
                                  lit(h.f32([0] * 6, [2, 3])),
                                  lit(h.f32([0] * 9, [3, 3]))],
               {"mode": pb.AttrValue(s="RNN_TANH")}),
            message="do not fit")
        run("_rnn_direction LSTM without cx", C.INVALID_ARGUMENT,
            op("_rnn_direction", [lit(h.f32([0] * 4, [1, 1, 4])),
                                  lit(h.f32([0], [1, 1])),
                                  lit(h.f32([0] * 4, [4, 1]))],
               {"mode": pb.AttrValue(s="LSTM")}),
            message="needs cx")
        # scatter_reduce: every index is checked before anything is written
        # (in place: m keeps its values).
        for reduce in ("sum", "prod", "mean", "amax", "amin"):
            for big in (2**62, -1):
                run("m.scatter_reduce_(1, [[%d]], v, %r) writes nothing" %
                    (big, reduce), C.INVALID_ARGUMENT,
                    op("scatter_reduce_",
                       [m, i64([0, big], [1, 2]), lit(h.f32([7, 8], [1, 2]))],
                       {"dim": i(1), "reduce": pb.AttrValue(s=reduce),
                        "include_self": pb.AttrValue(b=False)}, ret=False),
                    message="out of bounds")
        run("m.scatter_reduce(1, index larger than src)", C.INVALID_ARGUMENT,
            op("scatter_reduce",
               [m, i64([0, 1, 0], [1, 3]), lit(h.f32([7, 8], [1, 2]))],
               {"dim": i(1), "reduce": pb.AttrValue(s="sum")}),
            message="smaller size than src")
        run("m.scatter_reduce(1, ..., 'max')", C.INVALID_ARGUMENT,
            op("scatter_reduce",
               [m, i64([0], [1, 1]), lit(h.f32([7], [1, 1]))],
               {"dim": i(1), "reduce": pb.AttrValue(s="max")}),
            message="reduce argument")
        # embedding_bag: client indices and offsets are checked before any
        # row is read.
        w4 = lit(h.f32([0.5] * 12, [4, 3]))
        for name, idx, offs, attrs, msg in [
                ("an index past the rows", [0, 2**40], [0], {}, "idx"),
                ("a negative index", [1, -1], [0], {}, "idx"),
                ("offsets[0] not 0", [1, 2], [1], {}, "offsets[0]"),
                ("an offset past the input", [1, 2], [0, 2**62], {},
                 "greater than"),
                ("decreasing offsets", [1, 2, 3], [0, 2, 1], {},
                 "non-decreasing"),
                ("include_last_offset without offsets", [1], [],
                 {"include_last_offset": pb.AttrValue(b=True)},
                 "at least 1"),
                ("padding_idx 2^62", [1], [0],
                 {"padding_idx": i(2**62)}, "Padding_idx")]:
            run("embedding_bag with " + name, C.INVALID_ARGUMENT,
                op("embedding_bag", [i64(idx, [len(idx)]), w4,
                                     i64(offs, [len(offs)])], attrs),
                message=msg)
        run("embedding_bag max with per_sample_weights", C.UNIMPLEMENTED,
            op("embedding_bag", [i64([1, 2], [2]), w4, i64([0], [1]),
                                 lit(h.f32([1, 1], [2]))],
               {"mode": pb.AttrValue(s="max")}))
        run("m.exponential_(nan) changes nothing", C.INVALID_ARGUMENT,
            op("exponential_", [m], {"lambd": pb.AttrValue(f=float("nan"))},
               ret=False))
        run("m.geometric_(p=nan) changes nothing", C.INVALID_ARGUMENT,
            op("geometric_", [m], {"p": pb.AttrValue(f=float("nan"))},
               ret=False))
        run("m.topk(2**62)", C.INVALID_ARGUMENT, op("topk", [m], {"k": i(2**62)}))
        run("m.kthvalue(-2**63)", C.INVALID_ARGUMENT,
            op("kthvalue", [m], {"k": i(-2**63)}))
        run("m.roll(-2**63, 1) and m.tril(-2**63)", C.OK,
            nodes(h.node("roll", [m], {"shifts": ints([-2**63]),
                                       "dims": ints([1])}, ret=True),
                  h.node("tril", [m], {"diagonal": i(-2**63)}, ret=True)))
        run("bincount([2**62]) (2^62 bins)", C.RESOURCE_EXHAUSTED,
            op("bincount", [i64([2**62], [1])]))
        run("bincount([2**63-1])", C.RESOURCE_EXHAUSTED,
            op("bincount", [i64([2**63 - 1], [1])]))
        run("m.split_with_sizes([1, 2**63-1], 1)", C.INVALID_ARGUMENT,
            op("split_with_sizes", [m], {"split_sizes": ints([1, 2**63 - 1]),
                                         "dim": i(1)}))
        run("m.histc(bins=2**62)", C.INVALID_ARGUMENT,
            op("histc", [m], {"bins": i(2**62)}))
        run("m.diff(n=2**63-1)", C.OK, op("diff", [m], {"n": i(2**63 - 1)}))
        run("v << 2**63-1 and v >> -2**63 (int64)", C.OK,
            nodes(h.node("bitwise_left_shift", [i64([1], [1]), i64([2**63 - 1], [1])],
                         ret=True),
                  h.node("bitwise_right_shift", [i64([-8], [1]), i64([-2**63], [1])],
                         ret=True)))
        run("multinomial(v, 2**62, replacement=True)", C.INVALID_ARGUMENT,
            op("multinomial", [lit(h.f32([0.5, 0.5], [2]))],
               {"num_samples": i(2**62),
                "replacement": pb.AttrValue(b=True)}))
        run("multinomial of NaN weights", C.INVALID_ARGUMENT,
            op("multinomial", [lit(h.f32([float("nan"), 1.0], [2]))],
               {"num_samples": i(1)}))
        run("tril_indices(2**62, 2**62)", C.INVALID_ARGUMENT,
            op("tril_indices", [], {"row": i(2**62), "col": i(2**62)}))
        run("logspace(0, 1, 2**62)", C.RESOURCE_EXHAUSTED,
            op("logspace", [], {"start": i(0), "end": i(1), "steps": i(2**62)}))
        run("bernoulli of p = 1.5 moves no generator", C.INVALID_ARGUMENT,
            op("bernoulli", [lit(h.f32([1.5], [1]))]))
        run("m.tensor_split(2**62)", C.INVALID_ARGUMENT,
            op("tensor_split", [m], {"sections": i(2**62)}))
        run("v.diag_embed(offset=2**62)", C.INVALID_ARGUMENT,
            op("diag_embed", [v], {"offset": i(2**62)}))
        run("one_hot([2**63-1])", C.RESOURCE_EXHAUSTED,
            op("one_hot", [i64([2**63 - 1], [1])]))
        # Convolution sizes from client integers: overflow-checked.
        def conv(name, attrs, x=(1, 1, 4, 4), w=(1, 1, 3, 3)):
            return nodes(h.node("zeros", [], {"size": ints(list(x))}),
                         h.node("zeros", [], {"size": ints(list(w))}),
                         h.node(name, [h.out_ref(0), h.out_ref(1)], attrs,
                                ret=True))
        run("conv2d with stride 2**63-1 (one output)", C.OK,
            conv("conv2d", {"stride": ints([2**63 - 1])}))
        run("conv2d with padding 2**62", C.INVALID_ARGUMENT,
            conv("conv2d", {"padding": ints([2**62])}), message="overflow")
        run("conv2d with dilation 2**62", C.INVALID_ARGUMENT,
            conv("conv2d", {"dilation": ints([2**62, 1])}), message="overflow")
        run("conv2d with padding -2**63", C.INVALID_ARGUMENT,
            conv("conv2d", {"padding": ints([-2**63])}),
            message="negative padding")
        run("conv2d with groups 2**63-1", C.INVALID_ARGUMENT,
            conv("conv2d", {"groups": i(2**63 - 1)}))
        run("conv1d with padding 2**40 (2^41 outputs)", C.RESOURCE_EXHAUSTED,
            conv("conv1d", {"padding": ints([2**40])}, (1, 1, 4), (1, 1, 3)))
        run("conv2d.padding 'same' with dilation 2**62", C.INVALID_ARGUMENT,
            conv("conv2d.padding", {"padding": h.attr_s("same"),
                                    "dilation": ints([2**62])}),
            message="overflow")
        # Pooling sizes from client integers: overflow-checked.
        def pool(name, attrs, x=(1, 1, 4, 4)):
            return nodes(h.node("zeros", [], {"size": ints(list(x))}),
                         h.node(name, [h.out_ref(0)], attrs, ret=True))
        run("max_pool2d with kernel_size 2**63-1", C.INVALID_ARGUMENT,
            pool("max_pool2d", {"kernel_size": ints([2**63 - 1])}),
            message="Output size is too small")
        run("max_pool2d with stride 2**63-1 (one output)", C.OK,
            pool("max_pool2d", {"kernel_size": ints([2]),
                                "stride": ints([2**63 - 1])}))
        run("max_pool2d with kernel 2**62, padding 2**61, dilation 4",
            C.INVALID_ARGUMENT,
            pool("max_pool2d", {"kernel_size": ints([2**62]),
                                "padding": ints([2**61]),
                                "dilation": ints([4])}), message="overflow")
        run("max_pool2d with kernel 2**62 and padding 2**61 (one output)", C.OK,
            pool("max_pool2d", {"kernel_size": ints([2**62]),
                                "padding": ints([2**61])}))
        run("avg_pool2d with kernel 2**62 and padding 2**61 (one output)", C.OK,
            pool("avg_pool2d", {"kernel_size": ints([2**62]),
                                "padding": ints([2**61])}))
        run("avg_pool2d with padding -2**63", C.INVALID_ARGUMENT,
            pool("avg_pool2d", {"kernel_size": ints([2]),
                                "padding": ints([-2**63])}))
        run("max_pool1d with stride -2**63", C.INVALID_ARGUMENT,
            pool("max_pool1d", {"kernel_size": ints([2]),
                                "stride": ints([-2**63])}, (1, 4)))
        run("adaptive_avg_pool2d to [2**62, 0] (empty)", C.OK,
            pool("adaptive_avg_pool2d", {"output_size": ints([2**62, 0])}))
        run("adaptive_max_pool2d to [2**30, 2**30]", C.RESOURCE_EXHAUSTED,
            pool("adaptive_max_pool2d", {"output_size": ints([2**30, 2**30])}))
        run("adaptive_avg_pool2d to [2**62, 2**62]", C.INVALID_ARGUMENT,
            pool("adaptive_avg_pool2d", {"output_size": ints([2**62, 2**62])}))
        # Transposed convolution, padding, upsampling, unfold/fold: sizes
        # from client integers, overflow-checked; maps and columns only for
        # results that exist.
        run("conv_transpose2d with stride 2**62", C.INVALID_ARGUMENT,
            conv("conv_transpose2d", {"stride": ints([2**62])}),
            message="overflow")
        run("conv_transpose2d with padding 2**62", C.INVALID_ARGUMENT,
            conv("conv_transpose2d", {"padding": ints([2**62])}),
            message="overflow")
        run("conv_transpose2d with dilation 2**62", C.INVALID_ARGUMENT,
            conv("conv_transpose2d", {"dilation": ints([2**62])}),
            message="overflow")
        run("conv_transpose2d with output_padding -2**63", C.INVALID_ARGUMENT,
            conv("conv_transpose2d", {"output_padding": ints([-2**63])}),
            message="negative output_padding")
        run("conv_transpose1d with stride 2**40 (2^41 outputs)",
            C.RESOURCE_EXHAUSTED,
            conv("conv_transpose1d", {"stride": ints([2**40])}, (1, 1, 4),
                 (1, 1, 3)))
        run("pad [2**62, 2**62]", C.INVALID_ARGUMENT,
            pool("pad", {"pad": ints([2**62, 2**62])}), message="overflow")
        run("pad [-2**63, 0]", C.INVALID_ARGUMENT,
            pool("pad", {"pad": ints([-2**63, 0])}))
        run("pad [2**40, 0] (2^42 elements)", C.RESOURCE_EXHAUSTED,
            pool("pad", {"pad": ints([2**40, 0])}))
        run("pad of an empty tensor by [2**62, 0] (empty)", C.OK,
            pool("pad", {"pad": ints([2**62, 0])}, (0, 4)))
        run("replicate pad [2**40, 0]", C.RESOURCE_EXHAUSTED,
            pool("pad", {"pad": ints([2**40, 0]),
                         "mode": h.attr_s("replicate")}, (1, 1, 4)))
        run("reflect pad [-2**63, 0]", C.INVALID_ARGUMENT,
            pool("pad", {"pad": ints([-2**63, 0]),
                         "mode": h.attr_s("reflect")}, (1, 1, 4)),
            message="too small")
        run("circular pad [2**63-1, 0]", C.INVALID_ARGUMENT,
            pool("pad", {"pad": ints([2**63 - 1, 0]),
                         "mode": h.attr_s("circular")}, (1, 1, 4)),
            message="wrapping around")
        run("upsample_nearest2d to [2**62, 2**62]", C.INVALID_ARGUMENT,
            pool("upsample_nearest2d", {"output_size": ints([2**62, 2**62])}))
        run("upsample_bilinear2d to [2**30, 2**30]", C.RESOURCE_EXHAUSTED,
            pool("upsample_bilinear2d", {"output_size": ints([2**30, 2**30]),
                                         "align_corners": pb.AttrValue(b=False)}))
        run("upsample_bilinear2d with scales 1e-300 (reads stay inside)", C.OK,
            pool("upsample_bilinear2d", {"output_size": ints([8, 8]),
                                         "align_corners": pb.AttrValue(b=False),
                                         "scales_h": pb.AttrValue(f=1e-300),
                                         "scales_w": pb.AttrValue(f=0.01)}))
        run("upsample_nearest1d with scales 1e-300 (reads stay inside)", C.OK,
            pool("upsample_nearest1d", {"output_size": ints([9]),
                                        "scales": pb.AttrValue(f=1e-300)},
                 (1, 2, 4)))
        run("im2col with kernel_size 3 and dilation 2**62", C.INVALID_ARGUMENT,
            pool("im2col", {"kernel_size": ints([3]),
                            "dilation": ints([2**62])}),
            message="overflow")
        run("im2col with padding 2**40", C.INVALID_ARGUMENT,
            pool("im2col", {"kernel_size": ints([1]),
                            "padding": ints([2**40])}))
        run("col2im to [2**62, 2**62]", C.INVALID_ARGUMENT,
            pool("col2im", {"output_size": ints([2**62, 2**62]),
                            "kernel_size": ints([1])}, (1, 1, 4)),
            message="overflow")
        run("col2im with kernel_size [2**32, 2**32]", C.INVALID_ARGUMENT,
            pool("col2im", {"output_size": ints([4, 4]),
                            "kernel_size": ints([2**32, 2**32])}, (1, 1, 4)),
            message="overflow")
        # Normalization, dropout and embedding: client integers and floats.
        run("group_norm with num_groups -2**63", C.INVALID_ARGUMENT,
            pool("group_norm", {"num_groups": i(-2**63)}, (2, 4, 3)),
            message="divisible by num_groups")
        run("group_norm with num_groups 0", C.INVALID_ARGUMENT,
            pool("group_norm", {"num_groups": i(0)}, (2, 4, 3)))
        run("layer_norm with normalized_shape [2**62, 2**62]", C.INVALID_ARGUMENT,
            pool("layer_norm", {"normalized_shape": ints([2**62, 2**62])},
                 (2, 4)))
        run("dropout with p = nan", C.INVALID_ARGUMENT,
            pool("dropout", {"p": pb.AttrValue(f=float("nan"))}, (2, 4)),
            message="between 0 and 1")
        run("embedding at index 2**63-1", C.INVALID_ARGUMENT,
            nodes(h.node("zeros", [], {"size": ints([3, 2])}),
                  h.node("embedding", [i64([2**63 - 1], [1]), h.out_ref(0)], {},
                         ret=True)), message="index out of range")
        run("embedding with padding_idx -2**63", C.INVALID_ARGUMENT,
            nodes(h.node("zeros", [], {"size": ints([3, 2])}),
                  h.node("embedding", [i64([1], [1]), h.out_ref(0)],
                         {"padding_idx": i(-2**63)}, ret=True)),
            message="Padding_idx")
        run("A's session id with B's token", C.NOT_FOUND,
            lambda sid: b.call("GetSession",
                               pb.GetSessionRequest(session_id=victim),
                               victim))

        def chunked(resp, sid):
            return None if resp else "no chunks"

        def download_chunk(sid):
            req = pb.FetchTensorRequest(session_id=sid,
                                        tensor=pb.TensorRef(name="m"),
                                        chunk_bytes=2**62)
            try:
                chunks = list(b.stub.DownloadTensor(req, metadata=b.md(sid),
                                                    timeout=30))
            except grpc.RpcError as e:
                return None, e.code(), e.details()
            data = b"".join(c.chunk for c in chunks)
            ok = data == struct.pack("<6f", 1, 2, 3, 4, 5, 6)
            return ok, C.OK if ok else C.DATA_LOSS, "%d bytes" % len(data)
        run("DownloadTensor with chunk_bytes 2^62", C.OK, download_chunk,
            check=chunked, unchanged=True)

        # ---- a failed call changes nothing; a big value still arrives ----
        def big_add(sid):
            r, code, d = ex(b, sid, [
                h.node("zeros", [], {"size": ints([2_000_000])},
                       bind=["big"])])
            if code != C.OK:
                return r, code, d
            return ex(b, sid, [h.node("add_", [h.name_ref("big"),
                                               h.scalar_f(1.0)], ret=True)])

        def deferred_once(resp, sid):
            info = resp.results[0].outputs[0]
            if not info.value_deferred or not info.handle:
                return "the value was not deferred: %r" % (info,)
            req = pb.FetchTensorRequest(session_id=sid,
                                        tensor=pb.TensorRef(handle=info.handle))
            data = b"".join(c.chunk for c in b.stub.DownloadTensor(
                req, metadata=b.md(sid), timeout=60))
            b.call("ReleaseTensor", pb.ReleaseTensorRequest(
                session_id=sid, tensors=[pb.TensorRef(handle=info.handle)]),
                sid)
            if data != struct.pack("<f", 1.0) * 2_000_000:
                return "the deferred value is wrong (%d bytes)" % len(data)
            r, code, d = ex(b, sid, [h.node("sum", [h.name_ref("big")],
                                            ret=True)])
            total = h.floats(r.results[0].values[0]) if r else None
            b.call("ReleaseTensor", pb.ReleaseTensorRequest(
                session_id=sid, tensors=[pb.TensorRef(name="big")]), sid)
            return None if total == [2_000_000.0] else (
                "after one add_ the sum is %r" % (total,))
        run("add_ returning an 8 MB value over a 4 MiB message limit", C.OK,
            big_add, check=deferred_once)

        def deferred_failure(sid):
            # The value would be deferred, but a later node fails: nothing
            # is kept, nothing changes.
            return ex(b, sid, [
                h.node("zeros", [], {"size": ints([2_000_000])}, ret=True),
                h.node("sum", [v], {"dim": ints([5])})])
        run("a deferred value in an Execute that fails keeps nothing",
            C.INVALID_ARGUMENT, deferred_failure)

        # torch.Generator objects (OpNode.generator): a bad number, too
        # many, and one made and seeded by a request that then fails.
        def gen_node(op, attrs, number, ret=False):
            n = h.node(op, [], attrs, ret=ret)
            n.generator = number
            return n

        def fresh_draw(sid, number):
            r, code, d = ex(b, sid, [gen_node("rand", {"size": ints([4])},
                                              number, ret=True)])
            return r.results[0].values[0].data if code == C.OK else (code, d)

        run("rand from generator -1", C.INVALID_ARGUMENT,
            nodes(gen_node("rand", {"size": ints([4])}, -1)))
        run("257 generators in one request", C.RESOURCE_EXHAUSTED,
            nodes(*[gen_node("manual_seed", {"seed": i(k)}, k + 1)
                    for k in range(257)]))

        def failed_generator(sid):
            resp = ex(b, sid, [
                gen_node("manual_seed", {"seed": i(12345)}, 7),
                h.node("sum", [v], {"dim": ints([5])})])
            # Generator 7 was never made: its first draw is a fresh one's.
            if fresh_draw(sid, 7) != fresh_draw(sid, 8):
                return None, "generator 7 survived the failed request", ""
            return resp
        run("a generator seeded by a failed request is gone",
            C.INVALID_ARGUMENT, failed_generator, unchanged=False)
    finally:
        a.close()
        b.close()
        server.stop()


# ------------------------------------------------------------- snapshots

def populated(client, n):
    sids = []
    for k in range(n):
        sid = client.new_session()
        h.create(client, sid, h.f32([k, k + 0.5, -k], [3]), "a",
                 requires_grad=True)
        h.execute(client, sid, [
            h.node("mul", [h.name_ref("a"), h.name_ref("a")]),
            h.node("sum", [h.out_ref(0)]),
            h.node("backward", [h.out_ref(1)]),
            h.node("mul", [h.name_ref("a"), h.scalar_f(3.0)], bind=["b"])])
        sids.append(sid)
    return sids


def kept_state(client, sid, names):
    """What a snapshot keeps: counts, name bytes, and each named tensor's
    value, grad and requires_grad (graphs do not come back, so versions, graph bytes and the data bytes of tensors only a graph saved
    are not compared)."""
    r, code, _ = client.call("GetSession", pb.GetSessionRequest(session_id=sid),
                             sid)
    if code != C.OK:
        return ("no session", code)
    state = [r.tensor_count, r.name_count, r.name_bytes]
    for n in names:
        for grad in (False, True):
            f, code, _ = h.fetch(client, sid, n, grad)
            state.append((n, grad, code,
                          f.data.SerializeToString() if f else None,
                          f.info.requires_grad if f else None))
    return tuple(state)


def first_difference(a, b):
    """The first place where two nested tuples/lists differ, for messages."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        for k, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return "[%d] %s" % (k, first_difference(x, y))
        return "lengths %d and %d" % (len(a), len(b))
    return "%r != %r" % (a, b)


def states(client, sids, names=("a", "b")):
    return [kept_state(client, s, list(names)) for s in sids]


def snapshot_cases(binary, bat):
    # 1. Odd but valid views survive SIGTERM; nobody's sessions are lost.
    snap = tempfile.mkdtemp(prefix="tensord-snap-")
    server = h.Tensord(binary, ["--snapshot_dir=" + snap,
                                "--snapshot_interval=1"]).start()
    port = server.port
    client = h.Client(server.target())
    problems = []
    t0 = time.time()
    try:
        sids = populated(client, 8)
        odd = client.new_session()
        h.create(client, odd, h.f32([1.0], [1]), "x")
        r, code, d = h.execute(client, odd, [
            h.node("zeros", [], {"size": ints([3])}),
            h.node("slice", [h.out_ref(0)], {"step": i(2**63 - 1)},
                   bind=["stepped"]),
            h.node("expand", [h.name_ref("x")], {"size": ints([2**33])},
                   bind=["wide"]),
            h.node("view", [h.name_ref("x")], {"shape": ints([1] * 16)},
                   bind=["deep"]),
            h.node("expand", [h.name_ref("x")], {"size": ints([4, 3])},
                   bind=["small"])])
        if code != C.OK:
            problems.append("odd views refused: %s %s" % (code, d))
        time.sleep(2.5)  # periodic passes with the 2^33-element view
        if not server.alive():
            problems.append("a periodic snapshot pass killed the server")
        if "snapshot failed" in server.log_text():
            problems.append("a periodic snapshot pass failed")
        size = max(os.path.getsize(os.path.join(snap, f))
                   for f in os.listdir(snap))
        if size > 1 << 20:
            problems.append("a snapshot file of %d bytes" % size)
        before = states(client, sids)
        odd_before = kept_state(client, odd, ["x", "stepped", "small"])
        client.close()
        server.signal(signal.SIGTERM)
        rc = server.wait(60)
        if rc != 0:
            problems.append("SIGTERM exit status %s" % rc)
        server.start(port=port)
        client = h.Client(server.target())
        after = states(client, sids)
        if after != before:
            problems.append("sessions changed across the restart: %s" %
                            first_difference(before, after))
        if kept_state(client, odd, ["x", "stepped", "small"]) != odd_before:
            problems.append("the session with odd views changed")
        r, code, d = h.execute(client, odd, [
            h.node("alias", [h.name_ref("wide")]),
            h.node("fill_", [h.name_ref("x")],
                   {"value": pb.AttrValue(scalar=pb.Scalar(f=5.0))}),
            h.node("sum", [h.name_ref("small")], ret=True)])
        if code != C.OK or h.floats(r.results[2].values[0]) != [60.0]:
            problems.append("views no longer share their storage: %s %s" % (
                code, d))
        if "unreadable" in server.log_text():
            problems.append("a snapshot was set aside")
    finally:
        client.close()
        server.stop()
    bat.record("SIGTERM and periodic snapshots with odd views: 9/9 sessions "
               "back", problems, None, time.time() - t0)

    # 2. Empty, truncated, foreign and misnamed files are set aside.
    t0 = time.time()
    problems = []
    snap = tempfile.mkdtemp(prefix="tensord-snap-")
    server = h.Tensord(binary, ["--snapshot_dir=" + snap,
                                "--replica_id=r1"]).start()
    port = server.port
    client = h.Client(server.target())
    try:
        sids = populated(client, 5)
        before = states(client, sids)
        client.close()
        server.stop()
        path = lambda sid: os.path.join(snap, "r1.%s.session" % sid)  # noqa
        keep = sids[:2]
        open(path(sids[2]), "wb").close()  # 0 bytes
        with open(path(sids[3]), "rb") as f:
            whole = f.read()
        with open(path(sids[3]), "wb") as f:
            f.write(whole[:len(whole) // 2])  # truncated
        with open(path(sids[4]), "wb") as f:
            f.write(os.urandom(300))  # foreign
        shutil.copy(path(sids[0]), path("ab" * 16))  # another id's name
        server.start(port=port)
        client = h.Client(server.target())
        listed = client.call("ListSessions", pb.ListSessionsRequest())[0]
        ids = sorted(s.id for s in listed.sessions) if listed else None
        if ids != sorted(keep):
            problems.append("restored %r, want %r" % (ids, sorted(keep)))
        after = states(client, keep)
        if after != before[:2]:
            problems.append("the good sessions changed: %s" %
                            first_difference(before[:2], after))
        aside = sorted(f for f in os.listdir(snap) if f.endswith(".unreadable"))
        if len(aside) != 4:
            problems.append("set aside: %r" % aside)
        log = server.log_text()
        if log.count("set aside") < 4:
            problems.append("log lines: %r" % log)
        client.close()
        server.stop()  # a snapshot pass: the set-aside files stay
        if len([f for f in os.listdir(snap)
                if f.endswith(".unreadable")]) != 4:
            problems.append("a snapshot pass removed set-aside files")
    finally:
        client.close()
        server.stop()
    bat.record("empty, truncated, foreign and misnamed snapshots set aside",
               problems, None, time.time() - t0)

    # 3. A restored session obeys the server's current limits.
    t0 = time.time()
    problems = []
    snap = tempfile.mkdtemp(prefix="tensord-snap-")
    server = h.Tensord(binary, ["--snapshot_dir=" + snap]).start()
    port = server.port
    client = h.Client(server.target())
    try:
        sid = client.new_session()
        h.create(client, sid, h.f32([1.0], [1]), "x")
        client.close()
        server.stop()
        server.args.append("--session_memory_limit=1048576")
        server.start(port=port)
        client = h.Client(server.target())
        r, code, d = client.call("GetSession",
                                 pb.GetSessionRequest(session_id=sid), sid)
        if code != C.OK or r.options.memory_limit_bytes != 1048576:
            problems.append("limit after restart: %s %s" % (
                code, r.options.memory_limit_bytes if r else d))
        _, code, d = h.execute(client, sid, [
            h.node("zeros", [], {"size": ints([1 << 19])}, bind=["z"])])
        if code != C.RESOURCE_EXHAUSTED:
            problems.append("2 MiB in a 1 MiB session: %s" % code)
    finally:
        client.close()
        server.stop()
    bat.record("a restored session obeys a smaller --session_memory_limit",
               problems, None, time.time() - t0)


# ---------------------------------------------------------------- startup

def startup_cases(binary, bat):
    tmp = tempfile.mkdtemp(prefix="tensord-start-")
    regular = os.path.join(tmp, "file")
    with open(regular, "w") as f:
        f.write("x\n")
    empty_tokens = os.path.join(tmp, "empty_tokens")
    open(empty_tokens, "w").close()
    unreadable_dir = os.path.join(tmp, "ro")
    os.mkdir(unreadable_dir)
    cases = [
        ("a missing TLS certificate and key",
         ["--tls_cert=/nonexistent/c.pem", "--tls_key=/nonexistent/k.pem"]),
        ("a TLS certificate that is not PEM",
         ["--tls_cert=" + regular, "--tls_key=" + regular]),
        ("--tls_cert without --tls_key", ["--tls_cert=" + regular]),
        ("--tls_client_ca without TLS", ["--tls_client_ca=" + regular]),
        ("--snapshot_dir pointing at a regular file",
         ["--snapshot_dir=" + regular]),
        ("--snapshot_dir under a regular file",
         ["--snapshot_dir=" + regular + "/snaps"]),
        ("--listen=256.256.256.256:1", ["--listen=256.256.256.256:1"]),
        ("--listen without a port", ["--listen=127.0.0.1"]),
        ("--listen on a port out of range", ["--listen=127.0.0.1:70000"]),
        ("--tokens_file that does not exist",
         ["--tokens_file=/nonexistent/tokens"]),
        ("--tokens_file with no tokens", ["--tokens_file=" + empty_tokens]),
        ("--replica_id with a slash", ["--replica_id=a/b"]),
        ("--threads=-1", ["--threads=-1"]),
        ("--max_sessions=0", ["--max_sessions=0"]),
        ("--session_memory_limit=0", ["--session_memory_limit=0"]),
        ("--max_tensors=0", ["--max_tensors=0"]),
        ("--max_execute_nodes=0", ["--max_execute_nodes=0"]),
        ("--idle_ttl=0", ["--idle_ttl=0"]),
        ("--idle_ttl=2^62", ["--idle_ttl=4611686018427387904"]),
        ("--max_message_size=0", ["--max_message_size=0"]),
        ("--max_message_size=2^40", ["--max_message_size=1099511627776"]),
        ("--snapshot_interval=0", ["--snapshot_interval=0"]),
        ("--shutdown_grace=-1", ["--shutdown_grace=-1"]),
        ("an unknown flag", ["--no_such_flag=1"]),
        ("a flag value that is not a number", ["--max_sessions=many"]),
    ]
    for name, args in cases:
        t0 = time.time()
        if "--listen" not in " ".join(args):
            args = ["--listen=127.0.0.1:0"] + args
        p = subprocess.run([binary] + args, capture_output=True, text=True,
                           timeout=30)
        problems = []
        lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
        if p.returncode <= 0:
            problems.append("exit status %d" % p.returncode)
        if "listening on" in p.stderr:
            problems.append("it started")
        if not 1 <= len(lines) <= 2:
            problems.append("stderr: %r" % p.stderr[:400])
        bat.record("startup: " + name, problems, None, time.time() - t0)

    # A second tensord on a port that is already serving must not start.
    t0 = time.time()
    first = h.Tensord(binary).start()
    try:
        p = subprocess.run([binary, "--listen=127.0.0.1:%d" % first.port],
                           capture_output=True, text=True, timeout=30)
        problems = []
        if p.returncode <= 0:
            problems.append("second server: exit status %d" % p.returncode)
        client = h.Client(first.target())
        if not client.serving():
            problems.append("the first server stopped serving")
        client.close()
    finally:
        first.stop()
    bat.record("startup: a port already in use", problems, None,
               time.time() - t0)


# -------------------------------------------------------------- tensorctl

def tensorctl_cases(binary, tensorctl, bat):
    server = h.Tensord(binary).start()
    env = dict(os.environ, TENSORD_SERVER=server.target())
    try:
        sid = subprocess.run([tensorctl, "session", "new"], env=env,
                             capture_output=True, text=True,
                             timeout=60).stdout.strip()
        env["TENSORD_SESSION"] = sid

        def ctl(stmt):
            return subprocess.run([tensorctl, "eval", stmt], env=env,
                                  capture_output=True, text=True, timeout=120)

        t0 = time.time()
        problems = []
        p = ctl("x = torch.zeros(20_000_000)")
        if p.returncode != 0:
            problems.append("zeros: %s" % p.stderr[:300])
        p = ctl("print(x.add_(1))")
        if p.returncode != 0 or p.stdout.strip() != (
                "tensor([1., 1., 1.,  ..., 1., 1., 1.])"):
            problems.append("print(x.add_(1)): %r %r" % (p.stdout[:200],
                                                        p.stderr[:300]))
        p = ctl("print(x.sum())")
        if p.stdout.strip() != "tensor(20000000.)":
            problems.append("after one add_ the sum is %r" % p.stdout[:200])
        bat.record("tensorctl eval 'print(x.add_(1))' on 20M elements adds "
                   "once and prints", problems, None, time.time() - t0)

        t0 = time.time()
        problems = []
        p = ctl("print(torch.zeros(20_000_000))")
        if p.returncode != 0 or p.stdout.strip() != (
                "tensor([0., 0., 0.,  ..., 0., 0., 0.])"):
            problems.append("%r %r" % (p.stdout[:200], p.stderr[:300]))
        bat.record("tensorctl eval 'print(torch.zeros(20_000_000))'",
                   problems, None, time.time() - t0)
    finally:
        server.stop()


def main():
    binary, tensorctl = sys.argv[1], sys.argv[2]
    bat = Battery()
    up = True
    try:
        print("tenants (A holds a secret, B attacks):")
        tenant_cases(binary, bat)
        print("snapshots:")
        snapshot_cases(binary, bat)
        print("startup:")
        startup_cases(binary, bat)
        print("tensorctl:")
        tensorctl_cases(binary, tensorctl, bat)
    except SystemExit as e:
        up = False
        bat.failures.append(str(e))
    for f in bat.failures:
        print("  FAILED: " + f)
    held = up and not bat.failures
    h.report("hostile", held, "%d/%d hostile cases held: right code, server "
             "up, sessions unchanged (the attacker's and the other "
             "tenant's)" % (bat.held, bat.total))
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
