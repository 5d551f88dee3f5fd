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
check session-close 0 "" -- "$TENSORCTL" session close "$sid"
check session-close-again 1 "not found" -- "$TENSORCTL" session close "$sid"
check unknown-command 2 "unknown command 'bogus'" -- "$TENSORCTL" bogus
check bad-output 2 "--output must be text or json" -- "$TENSORCTL" --output=xml health
check no-server 1 "error:" -- "$TENSORCTL" --server=127.0.0.1:1 --timeout=2 health
echo "$((12 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
