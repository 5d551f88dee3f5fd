#!/usr/bin/python3
"""Elastic scale-out under load: replicas join, leave and die while 30
clients step their sessions.

Topology as scaleout_test.py: tensord replicas sharing a session store
(Debian's redis-server, --session_store) behind Debian's nginx with
docker/nginx/tensord.conf.template. Each of 30 clients (its own gRPC channel
through nginx) owns one session holding w = zeros(4), and steps it without
pause, one Execute per step:

    loss = w.sum(); g = autograd.grad(loss, w); w = (w - 1.0 * g).detach()
    .requires_grad_()        -> after n acknowledged steps, w == -n

Every Execute carries a fresh request id; a call that fails with UNAVAILABLE
is retried with the same id (the session applies it once). Any other error,
or a value that is not -n, fails the test. Phases:

  1. 3 replicas; then a 4th joins (nginx reloaded with 4), then a 5th; then
     three leave (nginx reloaded with 2, then SIGTERM: each hands its
     sessions over before exit, with status 0). Checks: no session lost, no
     acknowledged step lost, every failed call was UNAVAILABLE and went
     through on retry, sessions did move (to the new replicas and off the
     removed ones), and all end on the 2 replicas left.
  2. A rolling restart of the two (SIGTERM, restart on the same address,
     one after the other) while `tensorctl run` also steps a session
     through nginx: no lost step, tensorctl sees no failed call.
  3. One of the two is SIGKILLed. Its sessions come back on the other
     within --failover_timeout (4 s here) plus a margin, at the state of the
     last snapshot pass (--snapshot_interval 1 s: a session loses at most
     the steps of the last ~1.5 s before the kill); the sessions of the
     replica that lives see no error and no retry.

Prints the figures: sessions moved, calls retried, longest stall.
Run by run_scaleout.sh --elastic. Exit status: 0 pass, 1 failure.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import grpc

from scaleout_test import (FAILOVER_TIMEOUT, SNAPSHOT_INTERVAL, Nginx, Redis,
                           Replica, TestFailure, check, floats)

SESSION_HEADER = "x-tensord-session"
REPLICA_HEADER = "x-tensord-replica"
CLIENTS = 30
RPC_TIMEOUT = 30.0
RETRIED = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)
RETRY_FOR = 60.0  # seconds a client keeps retrying one UNAVAILABLE step
HAMMER_SECONDS = 8
# What `tensorctl run` steps during the rolling restart (real Python in
# tensorctl; the tensors on the servers). Any failed call ends it non-zero.
HAMMER = """
import time
import torch
w = torch.zeros(4, requires_grad=True)
n = 0
end = time.time() + %d
while time.time() < end:
    loss = w.sum()
    loss.backward()
    with torch.no_grad():
        w -= w.grad
    w.grad.zero_()
    n += 1
    if n %% 25 == 0:
        assert w[0].item() == -n, (w[0].item(), n)
print("steps", n, "ok", bool((w == -n).all()))
""" % HAMMER_SECONDS


class Client(threading.Thread):
    """One session stepped continuously; records every figure the test
    checks."""

    def __init__(self, pb, pb_grpc, front, k):
        super().__init__(daemon=True)
        self.pb, self.k = pb, k
        self.channel = grpc.insecure_channel(front)
        self.stub = pb_grpc.TensorServiceStub(self.channel)
        self.id = os.urandom(16).hex()
        self.acked = 0          # acknowledged steps == -w
        self.replica = None     # of the last response
        self.moves = 0          # changes of replica seen
        self.retries = 0
        self.retry_codes = set()
        self.longest_stall = 0.0
        self.acks = []          # (time, acked) per acknowledged step
        self.reverts = []       # (time, steps lost)
        self.errors = []
        self.paused = threading.Event()
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def node(self, op, *inputs, bind=(), ret=False, **attrs):
        n = self.pb.OpNode(op=op, inputs=list(inputs), bind=list(bind),
                           return_value=ret)
        for key, v in attrs.items():
            n.attrs[key].CopyFrom(v)
        return n

    def out(self, i):
        return self.pb.ValueRef(node=self.pb.NodeOutput(node=i))

    def call(self, method, request):
        """The call, retried with the same request while UNAVAILABLE."""
        md = ((SESSION_HEADER, self.id),)
        first_failure = None
        while True:
            try:
                resp, call = getattr(self.stub, method).with_call(
                    request, metadata=md, timeout=RPC_TIMEOUT)
            except grpc.RpcError as e:
                # UNAVAILABLE: a move, or no replica reachable. CANCELLED:
                # the call reached a replica in the instant its gRPC server
                # stopped, before tensord saw it (the C++ client retries
                # both; the request id makes a retry safe).
                if e.code() not in RETRIED:
                    raise TestFailure("session %d: %s failed with %s: %s" % (
                        self.k, method, e.code(), e.details()))
                now = time.monotonic()
                if first_failure is None:
                    first_failure = now
                if now - first_failure > RETRY_FOR:
                    raise TestFailure("session %d: %s UNAVAILABLE for %.0f s:"
                                      " %s" % (self.k, method, RETRY_FOR,
                                               e.details()))
                with self.lock:
                    self.retries += 1
                    self.retry_codes.add(e.code())
                time.sleep(0.05)
                continue
            replica = dict(call.initial_metadata()).get(REPLICA_HEADER)
            with self.lock:
                if self.replica is not None and replica != self.replica:
                    self.moves += 1
                self.replica = replica
            return resp

    def create(self):
        s = self.call("CreateSession", self.pb.CreateSessionRequest())
        if s.id != self.id:
            raise TestFailure("CreateSession did not adopt the proposed id")
        pb = self.pb
        self.call("Execute", pb.ExecuteRequest(
            session_id=self.id, request_id=os.urandom(16).hex(), nodes=[
                self.node("zeros", size=pb.AttrValue(
                    ints=pb.IntList(values=[4]))),
                self.node("requires_grad_", self.out(0), bind=["w"])]))

    def step(self):
        pb = self.pb
        w = pb.ValueRef(name="w")
        started = time.monotonic()
        r = self.call("Execute", pb.ExecuteRequest(
            session_id=self.id, request_id=os.urandom(16).hex(), nodes=[
                self.node("sum", w),
                self.node("autograd.grad", self.out(0), w,
                          n_outputs=pb.AttrValue(i=1),
                          n_inputs=pb.AttrValue(i=1)),
                self.node("mul", self.out(1),
                          pb.ValueRef(scalar=pb.Scalar(f=1.0))),
                self.node("sub", w, self.out(2)),
                self.node("detach", self.out(3)),
                self.node("requires_grad_", self.out(4), bind=["w"],
                          ret=True)]))
        took = time.monotonic() - started
        got = floats(r.results[5].values[0])
        if len(set(got)) != 1 or got[0] != int(got[0]):
            raise TestFailure("session %d: w = %r" % (self.k, got))
        n = -int(got[0])
        now = time.monotonic()
        with self.lock:
            self.longest_stall = max(self.longest_stall, took)
            if n == self.acked + 1:
                self.acked = n
            elif n <= self.acked:
                # The state went back: only a SIGKILL may do that (checked
                # by the test against the kill).
                self.reverts.append((now, self.acked + 1 - n))
                self.acked = n
            else:
                raise TestFailure("session %d: w = -%d after %d acknowledged "
                                  "steps: a step ran twice" % (
                                      self.k, n, self.acked))
            self.acks.append((now, self.acked))

    def run(self):
        try:
            while not self.stop.is_set():
                if self.paused.is_set():
                    time.sleep(0.01)
                    continue
                self.step()
        except Exception as e:  # reported by the test
            self.errors.append(e)

    def figures(self):
        with self.lock:
            return (self.replica, self.moves, self.retries,
                    self.longest_stall, list(self.reverts))

    def close(self):
        self.call("CloseSession", self.pb.CloseSessionRequest(
            session_id=self.id))
        self.channel.close()


def run(args, tmp):
    sys.path.insert(0, args.gen_dir)
    from tensord.v1 import tensord_pb2 as pb
    from tensord.v1 import tensord_pb2_grpc as pb_grpc

    redis = Redis(args.redis, os.path.join(tmp, "redis"))
    redis.start()
    names = ["tensord-%d" % i for i in range(5)]
    replicas = {n: Replica(args.tensord, n, redis.url(), tmp) for n in names}
    nginx = Nginx(args.nginx, args.template, os.path.join(tmp, "nginx"))
    clients = []
    statuses = {}
    try:
        members = names[:3]
        for n in members:
            replicas[n].start()
        nginx.start([replicas[n].port for n in members])
        front = "127.0.0.1:%d" % nginx.port
        clients = [Client(pb, pb_grpc, front, k) for k in range(CLIENTS)]
        for c in clients:
            c.create()
        for c in clients:
            c.start()
        check(True, "%d sessions created through nginx on %s, stepping" % (
            CLIENTS, members))

        def settle(seconds):
            time.sleep(seconds)
            failed = [c for c in clients if c.errors]
            if failed:
                raise TestFailure("client %d: %s" % (failed[0].k,
                                                     failed[0].errors[0]))

        def where():
            return {c.k: c.figures()[0] for c in clients}

        settle(2)
        before = where()
        check(set(before.values()) == set(members),
              "the sessions spread over %d replicas" % len(members))

        # Scale up: 3 -> 4 -> 5.
        for n in names[3:5]:
            replicas[n].start()
            members.append(n)
            nginx.reload([replicas[m].port for m in members])
            settle(3)
            now = where()
            check(n in now.values(),
                  "%s joined (nginx reloaded with %d replicas): sessions "
                  "moved to it: %d" % (n, len(members),
                                       sum(v == n for v in now.values())))
        # Scale down: 5 -> 2 (out of nginx first, then SIGTERM).
        leaving, members = members[:3], members[3:]
        nginx.reload([replicas[m].port for m in members])
        stoppers = [threading.Thread(target=lambda n=n: statuses.update(
            {n: replicas[n].stop()})) for n in leaving]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        check(all(statuses[n] == 0 for n in leaving),
              "%s left (nginx reloaded with %s, then SIGTERM): exit status "
              "%s" % (leaving, members, [statuses[n] for n in leaving]))
        settle(3)
        now = where()
        check(set(now.values()) <= set(members),
              "every session is on the 2 replicas left: %s" % sorted(
                  set(now.values())))
        figs = [c.figures() for c in clients]
        moved = sum(f[1] for f in figs)
        retried = sum(f[2] for f in figs)
        stall = max(f[3] for f in figs)
        check(all(not f[4] for f in figs),
              "3 -> 4 -> 5 -> 2 replicas: zero lost sessions, zero lost "
              "acknowledged steps (%d steps acknowledged)" % sum(
                  c.acked for c in clients))
        codes = set()
        for c in clients:
            codes |= c.retry_codes
        check(codes <= {grpc.StatusCode.UNAVAILABLE},
              "every failed call was UNAVAILABLE and went through on retry")
        print("FIGURES scaling: sessions moved %d, calls retried %d, longest "
              "stall %.2f s" % (moved, retried, stall), flush=True)
        check(moved >= len(names) - 2, "sessions did move (%d moves)" % moved)

        # A rolling restart of the two (SIGTERM, then the same address
        # again; nginx unchanged), while tensorctl hammers a session of its
        # own through nginx too: the C++ client's retries and request ids
        # must hide it all.
        script = os.path.join(tmp, "hammer.py")
        with open(script, "w") as f:
            f.write(HAMMER)
        hammer = subprocess.Popen(
            [args.tensorctl, "--server=" + front, "run", script],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        retried_before = sum(c.figures()[2] for c in clients)
        settle(1)
        for n in members:
            status = replicas[n].stop()
            if status != 0:
                raise TestFailure("%s exited with %r on SIGTERM" % (n, status))
            replicas[n].start()
            settle(2)
        out, err = hammer.communicate(timeout=HAMMER_SECONDS + 60)
        check(hammer.returncode == 0 and "ok True" in out,
              "rolling restart of %s under load: tensorctl run hammering "
              "through nginx saw no failed call (%s)" % (
                  members, (out.strip() or err.strip())[-200:]))
        figs = [c.figures() for c in clients]
        check(all(not f[4] for f in figs),
              "rolling restart: zero lost acknowledged steps")
        codes = set()
        for c in clients:
            codes |= c.retry_codes
        check(codes <= set(RETRIED),
              "rolling restart: every failed call was UNAVAILABLE or "
              "CANCELLED (%s) and went through on retry" % sorted(
                  c.name for c in codes))
        print("FIGURES rolling restart: calls retried %d, longest stall "
              "%.2f s" % (sum(f[2] for f in figs) - retried_before,
                          max(f[3] for f in figs)), flush=True)

        # SIGKILL one of the two.
        victim = members[0]
        survivor = members[1]
        on_victim = {c.k for c in clients if c.figures()[0] == victim}
        base = {c.k: c.figures() for c in clients}
        replicas[victim].kill()
        killed_at = time.monotonic()
        statuses[victim] = 0  # killed on purpose
        settle(FAILOVER_TIMEOUT + 4)
        lost_total, worst_lost, slowest = 0, 0, 0.0
        for c in clients:
            replica, moves, retries, stall, reverts = c.figures()
            if replica != survivor:
                raise TestFailure("session %d is on %r after the kill" % (
                    c.k, replica))
            if c.k in on_victim:
                late = [r for r in reverts if r[0] >= killed_at]
                if len(late) > 1:
                    raise TestFailure("session %d went back twice" % c.k)
                if late:
                    lost = late[0][1]
                    # What the last snapshot pass before the kill held.
                    window = [a for t, a in c.acks
                              if killed_at - SNAPSHOT_INTERVAL - 0.5 <= t
                              <= killed_at]
                    allowed = (max(window) - min(window) + 1) if window else 1
                    if lost > allowed:
                        raise TestFailure(
                            "session %d lost %d steps; only the %d of the "
                            "last snapshot interval may be" % (
                                c.k, lost, allowed))
                    lost_total += lost
                    worst_lost = max(worst_lost, lost)
                slowest = max(slowest, stall)
            else:
                if reverts or retries != base[c.k][2]:
                    raise TestFailure("session %d (on the live replica) saw "
                                      "%d retries, reverts %r" % (
                                          c.k, retries - base[c.k][2],
                                          reverts))
        check(slowest <= FAILOVER_TIMEOUT + 3,
              "SIGKILL of %s: its %d sessions came back on %s within %.1f s "
              "(--failover_timeout=%d), at the last snapshot pass (%d steps "
              "lost in all, at most %d in a session)" % (
                  victim, len(on_victim), survivor, slowest,
                  FAILOVER_TIMEOUT, lost_total, worst_lost))
        check(True, "the %d sessions on %s saw no error and no retry" % (
            CLIENTS - len(on_victim), survivor))
        from_snapshot = replicas[survivor].metric(
            'tensord_session_takeovers_total{from="snapshot"}')
        check(from_snapshot == len(on_victim),
              "%s's /metrics: %d sessions taken over from their last "
              "snapshot" % (survivor, from_snapshot))
        figs = [c.figures() for c in clients]
        print("FIGURES kill: sessions moved %d, calls retried %d, longest "
              "stall %.2f s" % (len(on_victim),
                                sum(f[2] for f in figs) -
                                sum(b[2] for b in base.values()),
                                slowest), flush=True)

        for c in clients:
            c.stop.set()
        for c in clients:
            c.join(timeout=RPC_TIMEOUT)
        for c in clients:
            if c.errors:
                raise TestFailure("client %d: %s" % (c.k, c.errors[0]))
            c.close()
        check(True, "all sessions closed")
    finally:
        for c in clients:
            c.stop.set()
        for n in names:
            if n not in statuses:
                statuses[n] = replicas[n].stop()
        nginx.stop()
        redis.stop()
    check(all(v in (0, None) for v in statuses.values()),
          "SIGTERM stops every replica with status 0: %s" % statuses)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tensord", required=True)
    ap.add_argument("--tensorctl", required=True)
    ap.add_argument("--nginx", required=True)
    ap.add_argument("--template", required=True)
    ap.add_argument("--redis", default="/usr/bin/redis-server")
    ap.add_argument("--gen_dir", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="tensord-elastic-")
    start = time.monotonic()
    try:
        run(args, tmp)
    except (TestFailure, grpc.RpcError) as e:
        print("FAIL: %s" % e, flush=True)
        for name in sorted(os.listdir(tmp)):
            if name.endswith(".log"):
                print("---- %s (tail)" % name)
                lines = [ln for ln in open(os.path.join(tmp, name))
                         if "access time=" not in ln or "code=OK" not in ln]
                print("".join(lines[-20:]))
        err = os.path.join(tmp, "nginx", "error.log")
        if os.path.exists(err):
            print("---- nginx error.log (tail)")
            print("".join([ln for ln in open(err)
                           if "[info]" not in ln][-20:]))
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("PASS (%.1f s)" % (time.monotonic() - start))
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
