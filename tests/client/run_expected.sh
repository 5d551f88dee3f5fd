#!/usr/bin/env bash
# Runs SCRIPT with `tensorctl run` against a fresh tensord on an ephemeral
# loopback port and compares its stdout with EXPECTED byte for byte.
# Usage: run_expected.sh TENSORD TENSORCTL SCRIPT EXPECTED
set -uo pipefail
TENSORD="$1" TENSORCTL="$2" SCRIPT="$3" EXPECTED="$4"
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
"$TENSORCTL" --server="127.0.0.1:$port" run "$SCRIPT" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: tensorctl run exited $rc"; cat "$tmp/err"; exit 1
fi
if ! diff -u "$EXPECTED" "$tmp/out"; then
  echo "FAIL: output differs from $EXPECTED"; exit 1
fi
echo "PASS: $SCRIPT prints $EXPECTED"
