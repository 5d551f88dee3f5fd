#!/usr/bin/env bash
# tensorctl against a real tensord on an ephemeral loopback port: health,
# ops, session new/list/close, graph, errors and exit codes.
# Usage: tensorctl_test.sh TENSORD TENSORCTL
set -uo pipefail
TENSORD="$1"
TENSORCTL="$2"
tmp="$(mktemp -d)"
"$TENSORD" --listen=127.0.0.1:0 2>"$tmp/server.log" &
pid=$!
cleanup() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/server.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: tensord did not start"; cat "$tmp/server.log"; exit 1; }
export TENSORD_SERVER="127.0.0.1:$port"
unset TENSORD_SESSION TENSORD_TOKEN
fails=0
check() {  # check NAME EXPECTED_RC EXPECTED_SUBSTRING -- COMMAND...
  local name="$1" want_rc="$2" want="$3"
  shift 4
  local out rc
  out="$("$@" 2>&1)"
  rc=$?
  if [ "$rc" -ne "$want_rc" ] || [[ "$out" != *"$want"* ]]; then
    echo "FAIL: $name: rc=$rc (want $want_rc), output:"
    echo "$out"
    fails=$((fails + 1))
  else
    echo "ok: $name"
  fi
}
check health 0 "SERVING" -- "$TENSORCTL" health
check ops 0 "add(self, other, *, alpha: Scalar = 1) -> result" -- "$TENSORCTL" ops
check ops-json 0 '"name": "cumsum"' -- "$TENSORCTL" --output=json ops
sid="$("$TENSORCTL" session new --seed=1)"
[[ "$sid" =~ ^[0-9a-f]{32}$ ]] || { echo "FAIL: session id '$sid'"; fails=$((fails + 1)); }
check session-list 0 "$sid" -- "$TENSORCTL" session list
check session-list-json 0 "\"id\": \"$sid\"" -- "$TENSORCTL" --output=json session list
check graph-unknown-name 1 "error: name 'x' is not defined" -- "$TENSORCTL" graph x --session="$sid"
check graph-needs-session 2 "usage" -- "$TENSORCTL" graph x

# eval: separate invocations share the session's variables.
check eval-define 0 "requires_grad=True" -- "$TENSORCTL" eval --session="$sid" \
  'x = torch.arange(4.0)' 'x.requires_grad_(True)'
check eval-backward 0 "" -- "$TENSORCTL" eval --session="$sid" \
  'y = 2 * torch.dot(x, x)' 'y.backward()'
check eval-grad 0 "tensor([ 0.,  4.,  8., 12.])" -- "$TENSORCTL" eval --session="$sid" 'x.grad'
check eval-env-session 0 "tensor(28., grad_fn=<MulBackward0>)" -- \
  env TENSORD_SESSION="$sid" "$TENSORCTL" eval 'y'
check eval-error 1 "error: line 1: NameError: name 'nope' is not defined" -- \
  "$TENSORCTL" eval --session="$sid" 'nope * 2'
check eval-needs-session 2 "usage" -- "$TENSORCTL" eval 'x'
check eval-python-value 0 "" -- "$TENSORCTL" eval --session="$sid" 'n = 3' 'scale = [0.5, 2]'
check eval-python-value-later 0 "tensor([ 0.,  6., 12., 18.])" -- "$TENSORCTL" eval --session="$sid" 'x.detach() * n * scale[1]'
check eval-json 0 '{"dtype": "float32", "shape": [4], "data": [0.0, 4.0, 8.0, 12.0], "requires_grad": false, "grad_fn": null}' -- \
  "$TENSORCTL" --output=json eval --session="$sid" 'x.grad'
check help-run 0 "Usage: tensorctl run FILE|-" -- "$TENSORCTL" run --help
check help-eval 0 "Usage: tensorctl eval STMT" -- "$TENSORCTL" help eval
check help-general 0 "Commands:" -- "$TENSORCTL" help
check graph-dot 0 "MulBackward0" -- "$TENSORCTL" graph y --session="$sid"
if command -v dot >/dev/null 2>&1; then
  check graph-png 0 "" -- "$TENSORCTL" graph y --session="$sid" -o "$tmp/g.png"
  [ -s "$tmp/g.png" ] || { echo "FAIL: graph-png wrote nothing"; fails=$((fails + 1)); }
else
  check graph-png-no-dot 1 "Graphviz" -- env PATH=/nonexistent "$TENSORCTL" graph y --session="$sid" -o "$tmp/g.png"
fi

# run: a file or stdin, in a fresh session; errors stop the script.
printf 'import torch\nprint(torch.ones(2) * 3)\n' >"$tmp/ok.py"
check run-file 0 "tensor([3., 3.])" -- "$TENSORCTL" run "$tmp/ok.py"
check run-stdin 0 "tensor([3., 3.])" -- sh -c "\"$TENSORCTL\" run - <\"$tmp/ok.py\""
printf 'import torch\nprint(1)\nx = torch.ones(2)\nx.backward()\nprint(2)\n' >"$tmp/bad.py"
out="$("$TENSORCTL" run "$tmp/bad.py" 2>"$tmp/bad.err")"; rc=$?
if [ "$rc" -ne 1 ] || [ "$out" != "1" ] || ! grep -q "^error: line 4: RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn$" "$tmp/bad.err"; then
  echo "FAIL: run-error: rc=$rc out=$out err=$(cat "$tmp/bad.err")"; fails=$((fails + 1))
else
  echo "ok: run-error"
fi
check run-missing-file 2 "cannot read" -- "$TENSORCTL" run "$tmp/none.py"
# run FILE ARGS...: the script's sys.argv is [FILE, ARGS...] (tensorctl's
# flags go before FILE); sys.exit exits as python3 does.
printf 'import sys, argparse\np = argparse.ArgumentParser()\np.add_argument("--epochs", type=int)\np.add_argument("-v", action="store_true")\nprint(sys.argv[1:], p.parse_known_args()[0])\n' >"$tmp/args.py"
check run-args 0 "['--epochs', '3', '-v', '--seed=2'] Namespace(epochs=3, v=True)" -- \
  "$TENSORCTL" --seed=1 run "$tmp/args.py" --epochs 3 -v --seed=2
check run-args-stdin 0 "['-', 'a', '--help']" -- sh -c "echo 'import sys; print(sys.argv)' | \"$TENSORCTL\" run - a --help"
for code in "" "None" "0"; do
  printf 'import sys\nsys.exit(%s)\n' "$code" >"$tmp/exit.py"
  check "run-exit($code)" 0 "" -- "$TENSORCTL" run "$tmp/exit.py"
done
check run-exit-3 3 "" -- sh -c "echo 'import sys; sys.exit(3)' | \"$TENSORCTL\" run -"
check run-exit-message 1 "bye" -- sh -c "echo 'import sys; sys.exit(\"bye\")' | \"$TENSORCTL\" run -"
check run-quit 0 "" -- sh -c "echo 'quit()' | \"$TENSORCTL\" run -"
check run-exit 0 "" -- sh -c "echo 'exit()' | \"$TENSORCTL\" run -"

# put/get: .npy round trip through the session (numpy writes and reads).
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  /usr/bin/python3 -c "import numpy as np; np.save('$tmp/a.npy', np.arange(12, dtype=np.float64).reshape(3, 4) / 4)"
  check put 0 "" -- "$TENSORCTL" put a "$tmp/a.npy" --session="$sid"
  check get-text 0 "dtype=torch.float64" -- "$TENSORCTL" get a --session="$sid"
  check get-json 0 '"shape": [3, 4], "data": [[0, 0.25, 0.5, 0.75]' -- "$TENSORCTL" --output=json get a --session="$sid"
  check eval-on-put 0 "tensor(16.5000, dtype=torch.float64)" -- "$TENSORCTL" eval --session="$sid" 'a.sum()'
  check get-npy 0 "" -- "$TENSORCTL" get a -o "$tmp/b.npy" --session="$sid"
  check npy-roundtrip 0 "equal" -- /usr/bin/python3 -c "import numpy as np; a = np.load('$tmp/a.npy'); b = np.load('$tmp/b.npy'); print('equal' if a.dtype == b.dtype and (a == b).all() else 'differ')"
  check put-grad 0 "" -- "$TENSORCTL" put w "$tmp/a.npy" --requires_grad --session="$sid"
  check eval-put-grad 0 "True" -- "$TENSORCTL" eval --session="$sid" 'w.requires_grad'
else
  echo "SKIP: put/get (no numpy for /usr/bin/python3)"
fi
check put-bad-file 1 "error:" -- "$TENSORCTL" put a "$tmp/ok.py" --session="$sid"
check get-unknown 1 "error:" -- "$TENSORCTL" get nothing --session="$sid"

check session-close 0 "" -- "$TENSORCTL" session close "$sid"
check session-close-again 1 "not found" -- "$TENSORCTL" session close "$sid"
check unknown-command 2 "unknown command 'bogus'" -- "$TENSORCTL" bogus
check bad-output 2 "--output must be text or json" -- "$TENSORCTL" --output=xml health
check no-server 1 "error:" -- "$TENSORCTL" --server=127.0.0.1:1 --timeout=2 health
echo "$fails failed"
[ "$fails" -eq 0 ]
