#!/usr/bin/env bash
# The installed client library from another CMake project: installs the
# build into a temporary prefix, builds tests/client/consumer against it with
# find_package(tensord), and runs the consumer against the installed tensord.
# Usage: find_package_test.sh CMAKE BUILD_DIR CONSUMER_SOURCE_DIR
set -euo pipefail
CMAKE="$1"
BUILD_DIR="$2"
CONSUMER_SRC="$3"
tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The commands the README shows.
"$CMAKE" --install "$BUILD_DIR" --prefix "$tmp/prefix" >"$tmp/install.log"
# The wire contract is installed for other languages' code generators.
for f in tensord/v1/tensord.proto grpc/health/v1/health.proto google/rpc/status.proto; do
  [ -f "$tmp/prefix/share/tensord/proto/$f" ] ||
    { echo "FAIL: $f is not installed under share/tensord/proto"; exit 1; }
done
"$CMAKE" -S "$CONSUMER_SRC" -B "$tmp/consumer" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure.log" ||
  { cat "$tmp/configure.log"; exit 1; }
"$CMAKE" --build "$tmp/consumer" -j1 >"$tmp/build.log" ||
  { cat "$tmp/build.log"; exit 1; }

"$tmp/prefix/bin/tensord" --listen=127.0.0.1:0 2>"$tmp/server.log" &
pid=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/server.log")"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: tensord did not start"; cat "$tmp/server.log"; exit 1; }

out="$("$tmp/consumer/consumer" "127.0.0.1:$port")" ||
  { echo "FAIL: consumer exited with $?: $out"; exit 1; }
want="sum over dim 0: 5 7 9"
if [ "$out" != "$want" ]; then
  echo "FAIL: consumer printed '$out', want '$want'"
  exit 1
fi
echo "ok: $out"
