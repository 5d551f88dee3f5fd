"""The bad-input battery against a real tensord process.

Each case sends hostile or broken input and must get its documented status
code; after each, the process is alive, health is SERVING and the session the
case ran against is exactly as before (counts, bytes, values, grads, flags,
versions — fetched, compared byte for byte). Then a 1,000,000-op chain is
built through Execute (ten 100,000-node requests) and differentiated.

Usage (through run_check.sh): battery.py TENSORD [--quick]
(--quick leaves out the million-op chain, which takes ~30 s; ctest runs the
quick form, script/reliability the whole.)
"""
import math
import struct
import sys
import time

import grpc

import harness as h
from harness import pb

C = grpc.StatusCode


class _Done(Exception):
    """Ends the checks early (--quick)."""


def main():
    server = h.Tensord(sys.argv[1]).start()
    client = h.Client(server.target())
    failures = []
    try:
        sid = client.new_session()
        other = client.new_session()
        h.create(client, sid, h.f32([1, 2, 3], [3]), "x", requires_grad=True)
        r, code, d = h.execute(client, sid, [
            h.node("mul", [h.name_ref("x"), h.name_ref("x")]),
            h.node("sum", [h.out_ref(0)], bind=["y"]),
            h.node("backward", [h.out_ref(1)], {"retain_graph":
                                                pb.AttrValue(b=True)})])
        assert code == C.OK, d
        b, code, d = h.create(client, other, h.f32([5], [1]), "b")
        other_handle = h.execute(client, other,
                                 [h.node("alias", [h.name_ref("b")],
                                         keep=True)])[0].results[0].outputs[0].handle
        # A session whose memory limit (1 MiB) bounds its graphs too.
        small = client.new_session(memory_limit_bytes=1 << 20)
        h.create(client, small, h.f32([1.0], [1]), "v", requires_grad=True)
        closed = client.new_session()
        client.call("CloseSession", pb.CloseSessionRequest(session_id=closed))

        def create_raw(dtype, shape, data, session=None):
            s = session or sid
            return client.call("CreateTensor", pb.CreateTensorRequest(
                session_id=s, data=pb.TensorData(dtype=dtype, shape=shape,
                                                 data=data)), s)[1:]

        def exec_raw(nodes, session=None):
            return h.execute(client, session or sid, nodes)[1:]

        x = h.name_ref("x")
        neg_chain = [h.node("neg", [x])] + [
            h.node("neg", [h.out_ref(i)]) for i in range(99999)]
        cases = [
            ("negative dim", C.INVALID_ARGUMENT,
             lambda: create_raw(pb.DTYPE_FLOAT32, [-1], b"")),
            ("huge dims", C.RESOURCE_EXHAUSTED,
             lambda: create_raw(pb.DTYPE_FLOAT32, [1 << 20, 1 << 20], b"")),
            ("shape and byte length disagree", C.INVALID_ARGUMENT,
             lambda: create_raw(pb.DTYPE_FLOAT32, [3], b"\0" * 8)),
            ("element count overflows int64", C.RESOURCE_EXHAUSTED,
             lambda: create_raw(pb.DTYPE_FLOAT32, [1 << 62, 8], b"")),
            ("rank above the limit", C.INVALID_ARGUMENT,
             lambda: create_raw(pb.DTYPE_FLOAT32, [1] * 17, b"\0" * 4)),
            ("unknown dtype enum value", C.INVALID_ARGUMENT,
             lambda: create_raw(99, [1], b"\0" * 4)),
            ("unspecified dtype", C.INVALID_ARGUMENT,
             lambda: create_raw(pb.DTYPE_UNSPECIFIED, [1], b"\0" * 4)),
            ("literal with a wrong byte length", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("neg", [pb.ValueRef(literal=pb.TensorData(
                 dtype=pb.DTYPE_FLOAT32, shape=[2], data=b"\0" * 4))])])),
            ("dim out of range", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("sum", [x], {"dim": h.attr_ints([5])})])),
            ("unknown op", C.NOT_FOUND,
             lambda: exec_raw([h.node("no_such_op", [x])])),
            ("wrong arity", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("add", [x])])),
            ("wrong attribute type", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("sum", [x], {"dim": h.attr_s("0")})])),
            ("unknown attribute", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("neg", [x], {"bogus": h.attr_i(1)})])),
            ("forward reference", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("neg", [h.out_ref(1)]),
                               h.node("neg", [x])])),
            ("cycle", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("neg", [h.out_ref(1)]),
                               h.node("neg", [h.out_ref(0)])])),
            ("self reference", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("neg", [h.out_ref(0)])])),
            ("handle of another session", C.NOT_FOUND,
             lambda: exec_raw([h.node("neg", [h.handle_ref(other_handle)])])),
            ("closed session", C.NOT_FOUND,
             lambda: exec_raw([h.node("neg", [x])], session=closed)),
            ("unknown session", C.NOT_FOUND,
             lambda: exec_raw([h.node("neg", [x])], session="0" * 32)),
            ("in place on a leaf that requires grad", C.FAILED_PRECONDITION,
             lambda: exec_raw([h.node("add_", [x, h.scalar_f(1)])])),
            ("a failing node after good ones, with bindings", C.INVALID_ARGUMENT,
             lambda: exec_raw([h.node("neg", [x], bind=["z"], keep=True),
                               h.node("sum", [x], {"dim": h.attr_ints([9])})])),
            ("100,001-node Execute (over the limit)", C.INVALID_ARGUMENT,
             lambda: exec_raw(neg_chain + [h.node("neg", [x]),
                                           h.node("neg", [x])])),
            ("message over the size limit (65 MiB)", C.RESOURCE_EXHAUSTED,
             lambda: create_raw(pb.DTYPE_FLOAT32, [65 << 18],
                                b"\0" * (65 << 20))),
            ("100,000-node Execute (at the limit, temporaries only)", C.OK,
             lambda: exec_raw(neg_chain)),
            ("a graph over the session's memory limit", C.RESOURCE_EXHAUSTED,
             lambda: exec_raw([h.node("neg", [h.name_ref("v")])] + [
                 h.node("neg", [h.out_ref(i)]) for i in range(9999)] + [
                 h.node("alias", [h.out_ref(9999)], bind=["deep"])],
                 session=small)),
        ]
        held = 0
        for name, want, fn in cases:
            before = h.session_state(client, sid, ["x", "y"])
            t0 = time.time()
            code, details = fn()
            dt = time.time() - t0
            after = h.session_state(client, sid, ["x", "y"])
            problems = []
            if code != want:
                problems.append("got %s (%s), want %s" % (code, details, want))
            if not server.alive():
                problems.append("the server died")
            elif not client.serving():
                problems.append("health is not SERVING")
            if before != after:
                problems.append("the session changed")
            if problems:
                failures.append("%s: %s" % (name, "; ".join(problems)))
            else:
                held += 1
            print("  %-52s %-20s %.2f s %s" % (name, code.name, dt,
                                               "ok" if not problems else
                                               "; ".join(problems)))

        # NaN and Inf are values: stored and returned bit for bit.
        specials = [math.nan, math.inf, -math.inf, -0.0]
        _, code, d = h.create(client, sid, h.f32(specials, [4]), "specials")
        f, fcode, _ = h.fetch(client, sid, "specials")
        ok = (code == C.OK and fcode == C.OK and
              f.data.data == struct.pack("<4f", *specials))
        print("  %-52s %-20s %s" % ("NaN/Inf data round trip", code.name,
                                     "ok" if ok else "MISMATCH"))
        if ok:
            held += 1
        else:
            failures.append("NaN/Inf data did not round trip")
        total = len(cases) + 1

        # A 1,000,000-op chain, then backward through it.
        if "--quick" in sys.argv:
            up = server.alive() and client.serving()
            if not up:
                failures.append("the server is not up at the end")
            raise _Done()
        chain = client.new_session()
        h.create(client, chain, h.f32([2.0], [1]), "w", requires_grad=True)
        t0 = time.time()
        prev = h.name_ref("w")
        ok = True
        for step in range(10):
            nodes = [h.node("mul", [prev, h.scalar_f(1.0)])] + [
                h.node("mul", [h.out_ref(i), h.scalar_f(1.0)])
                for i in range(99999)]
            nodes[-1].bind.append("c")
            _, code, d = h.execute(client, chain, nodes, timeout=300)
            if code != C.OK:
                ok = False
                failures.append("1M chain step %d: %s %s" % (step, code, d))
                break
            prev = h.name_ref("c")
        built = time.time() - t0
        if ok:
            _, code, d = h.execute(client, chain, [h.node("backward", [prev])],
                                   timeout=300)
            g, _, _ = h.fetch(client, chain, "w", grad=True)
            ok = code == C.OK and g is not None and h.floats(g.data) == [1.0]
            if not ok:
                failures.append("1M chain backward: %s %s" % (code, d))
        total += 1
        held += ok
        print("  %-52s built in %.1f s, backward %s, total %.1f s" %
              ("1,000,000-op chain then backward", built,
               "ok" if ok else "FAILED", time.time() - t0))
        up = server.alive() and client.serving()
        if not up:
            failures.append("the server is not up at the end")
    except _Done:
        pass
    finally:
        client.close()
        server.stop()
    for f in failures:
        print("  FAILED: " + f)
    h.report("bad-input", not failures and up,
             "%d/%d cases gave their documented code, server up, sessions "
             "unchanged" % (held, total))
    return 0 if not failures and up else 1


if __name__ == "__main__":
    sys.exit(main())
