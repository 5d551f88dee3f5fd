"""tensorctl repl driven through a pseudo-terminal.

Starts tensord on an ephemeral loopback port, runs `tensorctl repl` on a pty
(so libedit's line editing is live), types statements, a block, an error,
history recall with the up arrow and a cursor edit, leaves with Ctrl-D, and
checks what the terminal showed and that the history file was written.

Usage: repl_test.py TENSORD TENSORCTL
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time


def start_server(tensord, tmp):
    log = open(os.path.join(tmp, "server.log"), "w+")
    proc = subprocess.Popen([tensord, "--listen=127.0.0.1:0"], stderr=log)
    for _ in range(100):
        log.seek(0)
        m = re.search(r"\(port (\d+)\)", log.read())
        if m:
            return proc, int(m.group(1))
        time.sleep(0.1)
    proc.kill()
    sys.exit("FAIL: tensord did not start")


class Terminal:
    def __init__(self, argv, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(argv[0], argv, env)
        self.seen = b""

    def read_until(self, pattern, timeout=10):
        """Reads until `pattern` (a regex on the text seen since the last
        match) appears; fails the test on timeout."""
        deadline = time.time() + timeout
        while True:
            m = re.search(pattern.encode(), self.seen)
            if m:
                before = self.seen[: m.end()]
                self.seen = self.seen[m.end():]
                return before.decode(errors="replace")
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError(
                    "timed out waiting for %r; terminal showed:\n%s"
                    % (pattern, self.seen.decode(errors="replace")))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(
                        "terminal closed waiting for %r; it showed:\n%s"
                        % (pattern, self.seen.decode(errors="replace")))
                self.seen += chunk

    def type(self, text):
        # Give the line editor a moment to set up the new line: keys that
        # arrive while it switches terminal modes can be dropped.
        time.sleep(0.05)
        os.write(self.fd, text.encode())

    def wait_exit(self, timeout=10):
        """Waits for the child; returns its exit status or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                return os.WEXITSTATUS(status)
            # Keep draining the terminal so the child never blocks writing.
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    self.seen += os.read(self.fd, 4096)
                except OSError:
                    pass
        return None


def main():
    tensord, tensorctl = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    server, port = start_server(tensord, tmp)
    failures = []
    try:
        env = dict(os.environ, HOME=tmp, TERM="xterm",
                   TENSORD_SERVER="127.0.0.1:%d" % port)
        env.pop("TENSORD_SESSION", None)
        term = Terminal([tensorctl, "repl"], env)
        checks = [
            # (what to type, regex the terminal must then show)
            (None, r">>> "),
            ("x = torch.arange(3.0, requires_grad=True)\r", r">>> "),
            ("x * 2\r", r"tensor\(\[0\., 2\., 4\.\], grad_fn=<MulBackward0>\)"),
            (None, r">>> "),
            # A block: continuation prompt, then an empty line runs it.
            ("for i in range(2):\r", r"\.\.\. "),
            ("    print(i * 10)\r", r"\.\.\. "),
            ("\r", r"0\r?\n10\r?\n"),
            (None, r">>> "),
            # An error: reported, and the session goes on.
            ("x.backward()\r",
             r"error: line \d+: RuntimeError: grad can be implicitly created "
             r"only for scalar outputs"),
            (None, r">>> "),
            ("(x * x).sum().backward()\r", r">>> "),
            ("x.grad\r", r"tensor\(\[0\., 2\., 4\.\]\)"),
            (None, r">>> "),
            # History: the up arrow brings back `x.grad`; append `.sum()`.
            ("\x1b[A", r"x\.grad"),
            (".sum()\r", r"tensor\(6\.\)"),
            (None, r">>> "),
            # Cursor editing: type `x.sum()`, move left, insert `dim=0`.
            ("x.sum()\x1b[D", r""),
            ("dim=0\r", r"tensor\(3\., grad_fn=<SumBackward1>\)"),
            (None, r">>> "),
            ("\x04", None),
        ]
        for text, expect in checks:
            if text is not None:
                term.type(text)
            if expect is not None:
                try:
                    term.read_until(expect)
                except AssertionError as e:
                    failures.append(str(e))
                    break
        status = None if failures else term.wait_exit()
        if status is None:
            if not failures:
                failures.append("repl did not exit on Ctrl-D; terminal "
                                "showed:\n" +
                                term.seen.decode(errors="replace"))
            os.kill(term.pid, signal.SIGKILL)
            os.waitpid(term.pid, 0)
        elif status != 0:
            failures.append("repl exited with %d" % status)
        history = os.path.join(tmp, ".tensorctl_history")
        if not os.path.exists(history) or "x.grad" not in open(history).read():
            failures.append("no history file with the typed lines at " +
                            history)
    finally:
        server.terminate()
        server.wait()
    if failures:
        print("FAIL:\n" + "\n".join(failures))
        sys.exit(1)
    print("ok: repl through a pty (prompts, echo, blocks, errors, history, "
          "editing)")


if __name__ == "__main__":
    main()
