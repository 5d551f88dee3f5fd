"""Security checks against real tensord processes: bearer tokens (none or
wrong: UNAUTHENTICATED; another token's session: NOT_FOUND, worded exactly as
for a session that does not exist), health without a token, session ids
from a CSPRNG (distinct, 128 bits, balanced), logs without tokens or tensor
data, TLS and mutual TLS with certificates made here by openssl.

Usage (through run_check.sh): security.py TENSORD
"""
import os
import struct
import subprocess
import sys
import tempfile

import grpc

import harness as h
from harness import pb

C = grpc.StatusCode
MARKER = 98765.4375  # exactly representable: its text would show in a log


def tokens_and_logs(binary):
    tmp = tempfile.mkdtemp()
    alice, bob = "alice-" + os.urandom(12).hex(), "bob-" + os.urandom(12).hex()
    tokens = os.path.join(tmp, "tokens")
    with open(tokens, "w") as f:
        f.write("# tokens\n%s\n%s\n" % (alice, bob))
    server = h.Tensord(binary, ["--tokens_file=" + tokens]).start()
    a, b = h.Client(server.target(), alice), h.Client(server.target(), bob)
    anon = h.Client(server.target())
    wrong = h.Client(server.target(), "mallory")
    problems = []
    try:
        sid = a.new_session()
        _, code, _ = h.create(a, sid, h.f32([MARKER] * 4, [4]), "secret")
        if code != C.OK:
            problems.append("owner cannot create: %s" % code)
        for who, c in (("no token", anon), ("wrong token", wrong)):
            for method, req in (
                    ("CreateSession", pb.CreateSessionRequest()),
                    ("ListSessions", pb.ListSessionsRequest()),
                    ("FetchTensor", pb.FetchTensorRequest(
                        session_id=sid, tensor=pb.TensorRef(name="secret")))):
                _, code, _ = c.call(method, req, sid)
                if code != C.UNAUTHENTICATED:
                    problems.append("%s %s: %s" % (who, method, code.name))
        # Another token: the session does not exist for it, and the answer
        # is worded as for an id that exists nowhere.
        ghost = "0123456789abcdef0123456789abcdef"
        _, code_b, msg_b = h.fetch(b, sid, "secret")
        _, code_g, msg_g = h.fetch(b, ghost, "secret")
        if code_b != C.NOT_FOUND or msg_b.replace(sid, ghost) != msg_g:
            problems.append("other token's session: %s %r vs unknown %r" %
                            (code_b.name, msg_b, msg_g))
        for method, req in (
                ("Execute", pb.ExecuteRequest(session_id=sid, nodes=[
                    h.node("neg", [h.name_ref("secret")])])),
                ("CloseSession", pb.CloseSessionRequest(session_id=sid)),
                ("GetSession", pb.GetSessionRequest(session_id=sid))):
            _, code, _ = b.call(method, req, sid)
            if code != C.NOT_FOUND:
                problems.append("bob %s on alice's session: %s" %
                                (method, code.name))
        listed, _, _ = b.call("ListSessions", pb.ListSessionsRequest())
        if any(s.id == sid for s in listed.sessions):
            problems.append("bob's ListSessions shows alice's session")
        f, code, _ = h.fetch(a, sid, "secret")
        if code != C.OK or h.floats(f.data) != [MARKER] * 4:
            problems.append("alice lost her tensor")
        if not anon.serving():
            problems.append("health needs a token")
        # Session ids: 128 bits from a CSPRNG.
        ids = [a.new_session() for _ in range(200)]
        bits = "".join(bin(int(i, 16))[2:].zfill(128) for i in ids)
        ones = bits.count("1") / len(bits)
        if (len(set(ids)) != len(ids) or
                any(len(i) != 32 for i in ids) or abs(ones - 0.5) > 0.01):
            problems.append("session ids: %d distinct of %d, ones %.3f" %
                            (len(set(ids)), len(ids), ones))
        for i in ids:
            a.call("CloseSession", pb.CloseSessionRequest(session_id=i), i)
    finally:
        for c in (a, b, anon, wrong):
            c.close()
        server.stop()
    log = server.log_text()
    # The marker's text as any format would show it ("98765.4375",
    # "98765.44", "9.8765e+04"); a bare "98765" is not searched for, since
    # it turns up inside hex request and session ids about once a hundred
    # runs.
    leaks = [t for t in (alice, bob, "mallory", "98765.", "9.8765e",
                         repr(MARKER), struct.pack("<f", MARKER).hex())
             if t in log]
    if leaks:
        problems.append("the log shows %s" % leaks)
    return h.report(
        "tokens-and-logs", not problems,
        "no/wrong token UNAUTHENTICATED, other token's session NOT_FOUND "
        "(worded as unknown), health open, 200 ids distinct with %.1f%% ones, "
        "log (%d lines) free of tokens and tensor data%s" %
        (100 * ones, log.count("\n"),
         "; " + "; ".join(problems) if problems else ""))


def tls(binary):
    tmp = tempfile.mkdtemp()

    def openssl(*args):
        subprocess.run(["openssl"] + list(args), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    p = lambda n: os.path.join(tmp, n)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=tensord-test-ca", "-keyout", p("ca.key"),
            "-out", p("ca.pem"))
    ext = p("ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for who in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj",
                "/CN=" + who, "-keyout", p(who + ".key"), "-out",
                p(who + ".csr"))
        openssl("x509", "-req", "-in", p(who + ".csr"), "-CA", p("ca.pem"),
                "-CAkey", p("ca.key"), "-CAcreateserial", "-days", "1",
                "-extfile", ext, "-out", p(who + ".pem"))
    read = lambda n: open(p(n), "rb").read()
    results = {}
    for mode, extra in (("tls", []), ("mtls", ["--tls_client_ca=" +
                                              p("ca.pem")])):
        server = h.Tensord(binary, ["--tls_cert=" + p("server.pem"),
                                    "--tls_key=" + p("server.key")] +
                           extra).start()
        try:
            def attempt(creds):
                ch = (grpc.secure_channel(server.target(), creds)
                      if creds else grpc.insecure_channel(server.target()))
                try:
                    grpc.channel_ready_future(ch).result(timeout=2)
                    stub = h.pbg.TensorServiceStub(ch)
                    stub.CreateSession(pb.CreateSessionRequest(), timeout=5)
                    return "OK"
                except grpc.FutureTimeoutError:
                    return "no connection"
                except grpc.RpcError as e:
                    return e.code().name
                finally:
                    ch.close()

            results[mode] = (
                attempt(grpc.ssl_channel_credentials(read("ca.pem"))),
                attempt(grpc.ssl_channel_credentials(
                    read("ca.pem"), read("client.key"), read("client.pem"))),
                attempt(None))
        finally:
            server.stop()
    tls_ok = results["tls"][0] == "OK" and results["tls"][2] != "OK"
    mtls_ok = (results["mtls"][0] != "OK" and results["mtls"][1] == "OK" and
               results["mtls"][2] != "OK")
    return h.report(
        "tls", tls_ok and mtls_ok,
        "TLS: trusted client %s, plaintext client %s; mutual TLS: client "
        "without a certificate %s, with one %s, plaintext %s" %
        (results["tls"][0], results["tls"][2], results["mtls"][0],
         results["mtls"][1], results["mtls"][2]))


def main():
    results = [tokens_and_logs(sys.argv[1]), tls(sys.argv[1])]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
