#!/bin/sh
# Runs an HTTP/JSON example against a fresh tensord and compares its output.
#   run_http_example.sh TENSORD_BINARY EXAMPLE_SCRIPT EXPECTED_OUTPUT
# tensord listens on ephemeral loopback ports with --http_listen and a
# tokens file; the example gets the base URL and the token. Exit 77
# (skipped) without curl or python3.
set -eu
TENSORD=$1
EXAMPLE=$2
EXPECTED=$3
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: no $tool" >&2; exit 77; }
done
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
echo "example-token" > "$tmp/tokens"
: > "$tmp/server.log"  # exists before the loop below reads it
"$TENSORD" --listen=127.0.0.1:0 --http_listen=127.0.0.1:0 --drain_delay=0 \
  --tokens_file="$tmp/tokens" 2>"$tmp/server.log" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*(http port \([0-9]*\)).*/\1/p' "$tmp/server.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: tensord did not start"; cat "$tmp/server.log"; exit 1; }
bash "$EXAMPLE" "http://127.0.0.1:$port" example-token > "$tmp/out" ||
  { echo "FAIL: $EXAMPLE exited $?"; cat "$tmp/out"; exit 1; }
if ! diff -u "$EXPECTED" "$tmp/out"; then
  echo "FAIL: $EXAMPLE printed something else"
  exit 1
fi
echo "PASS: $EXAMPLE"
