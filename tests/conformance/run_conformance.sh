#!/usr/bin/env bash
# Runs one conformance script under PyTorch and under `tensorctl run` against a
# fresh tensord on an ephemeral loopback port, and compares the two.
#
#   run_conformance.sh TENSORD TENSORCTL PYTHON SCRIPT [EXPECT_DIR]
#
# With EXPECT_DIR holding NAME.out/.err/.rc (written by expect_all.py, which
# runs every script in one PyTorch process), those are the expectation and
# PYTHON is not started; without them PYTHON runs SCRIPT here.
#
# Python's run is the expectation:
#   - stdout must be byte-identical (a `diff -u` is shown on mismatch);
#   - if Python exited 0, tensorctl must exit 0;
#   - if Python exited non-zero (an uncaught exception), tensorctl must exit
#     non-zero and its stderr must have a line containing `error: line N: `
#     and, on that same line, Python's message, where N is the line of the last
#     traceback frame in SCRIPT and the message is the text after the first
#     ': ' of the exception line (e.g. `RuntimeError: grad can be implicitly
#     created only for scalar outputs` -> `grad can be implicitly created only
#     for scalar outputs`).
# Exit status: 0 PASS, 1 FAIL, 2 usage, 77 SKIP (PYTHON cannot import torch;
# ctest's SKIP_RETURN_CODE). A skip is never reported as a pass.
set -uo pipefail

if [ $# -ne 4 ] && [ $# -ne 5 ]; then
  echo "usage: $0 TENSORD TENSORCTL PYTHON SCRIPT [EXPECT_DIR]" >&2
  exit 2
fi
TENSORD="$1"
TENSORCTL="$2"
PYTHON="$3"
SCRIPT="$4"
EXPECT_DIR="${5:-}"
name="$(basename "$SCRIPT")"
stem="${name%.py}"
expected=""
if [ -n "$EXPECT_DIR" ] && [ -f "$EXPECT_DIR/$stem.rc" ]; then
  expected="$EXPECT_DIR/$stem"
fi

fail() { echo "FAIL: $name: $*"; exit 1; }

if [ -z "$expected" ] && ! "$PYTHON" -c 'import torch' >/dev/null 2>&1; then
  echo "SKIP: $name: $PYTHON cannot import torch" \
       "(install Debian's python3-torch to run the conformance suite)"
  exit 77
fi
[ -f "$SCRIPT" ] || fail "script $SCRIPT not found"
[ -x "$TENSORD" ] || fail "tensord binary $TENSORD not found"
[ -x "$TENSORCTL" ] || fail "tensorctl binary $TENSORCTL not found"

# Bound each child so a hang fails the test instead of stalling ctest.
TIMEOUT=()
if command -v timeout >/dev/null 2>&1; then TIMEOUT=(timeout 50); fi

tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- expectation: PyTorch ----------------------------------------------------
if [ -n "$expected" ]; then
  cp "$expected.out" "$tmp/py.out"
  cp "$expected.err" "$tmp/py.err"
  py_rc="$(cat "$expected.rc")"
else
  "${TIMEOUT[@]}" "$PYTHON" "$SCRIPT" >"$tmp/py.out" 2>"$tmp/py.err"
  py_rc=$?
fi

# --- tensord on an ephemeral port (same approach as tensorctl_test.sh) -------
"$TENSORD" --listen=127.0.0.1:0 2>"$tmp/server.log" &
pid=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/server.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAIL: $name: tensord did not start"
  cat "$tmp/server.log"
  exit 1
fi
unset TENSORD_SERVER TENSORD_SESSION TENSORD_TOKEN

# --- actual: tensorctl run ---------------------------------------------------
"${TIMEOUT[@]}" "$TENSORCTL" --server="127.0.0.1:$port" run "$SCRIPT" \
  >"$tmp/ctl.out" 2>"$tmp/ctl.err"
ctl_rc=$?

show_ctl_stderr() {
  echo "--- tensorctl stderr (exit $ctl_rc):"
  cat "$tmp/ctl.err"
}

if ! cmp -s "$tmp/py.out" "$tmp/ctl.out"; then
  echo "FAIL: $name: stdout differs from PyTorch (--- python, +++ tensorctl)"
  diff -u --label python --label tensorctl "$tmp/py.out" "$tmp/ctl.out"
  show_ctl_stderr
  exit 1
fi

if [ "$py_rc" -eq 0 ]; then
  if [ "$ctl_rc" -ne 0 ]; then
    echo "FAIL: $name: python exited 0 but tensorctl exited $ctl_rc"
    show_ctl_stderr
    exit 1
  fi
  echo "PASS: $name (stdout identical, $(wc -l <"$tmp/py.out") lines)"
  exit 0
fi

# --- Python raised: tensorctl must report the same error at the same line ----
if [ "$py_rc" -eq 124 ] && [ ${#TIMEOUT[@]} -gt 0 ]; then
  fail "python timed out"
fi
# The last frame that belongs to SCRIPT (frames inside torch's own Python
# code come after it). Python may print the path absolute or as given, so
# match on the file name.
want_line="$(awk -v base="$name" '
  /^  File "/ {
    f = $0; sub(/^  File "/, "", f); path = f; sub(/".*/, "", path)
    i = index(f, "\", line "); n = ""
    if (i > 0) { n = substr(f, i + 8); sub(/[^0-9].*$/, "", n) }
    p = path; sub(/.*\//, "", p)
    if (p == base) mine = n
    any = n
  }
  END { if (mine != "") print mine; else print any }' "$tmp/py.err")"
# The exception line: the first unindented line after the last frame.
exc="$(awk '
  /^  File "/ { after = 1; exc = ""; next }
  after && exc == "" && /^[^ \t]/ { exc = $0 }
  END { print exc }' "$tmp/py.err")"
[ -n "$exc" ] || exc="$(tail -n 1 "$tmp/py.err")"
msg="${exc#*: }"
if [ -z "$want_line" ] || [ -z "$exc" ]; then
  echo "FAIL: $name: python exited $py_rc without a traceback:"
  cat "$tmp/py.err"
  exit 1
fi

if [ "$ctl_rc" -eq 0 ]; then
  echo "FAIL: $name: python raised '$exc' at line $want_line but tensorctl exited 0"
  show_ctl_stderr
  exit 1
fi
prefix="error: line $want_line: "
found=0
while IFS= read -r l; do
  if [[ "$l" == *"$prefix"* ]] && [[ "$l" == *"$msg"* ]]; then
    found=1
    break
  fi
done <"$tmp/ctl.err"
if [ "$found" -ne 1 ]; then
  echo "FAIL: $name: tensorctl stderr has no line with '$prefix' and the message"
  echo "    wanted: ${prefix}${msg}"
  echo "    (python: line $want_line: $exc)"
  show_ctl_stderr
  exit 1
fi
echo "PASS: $name (stdout identical; error at line $want_line: $exc)"
exit 0
