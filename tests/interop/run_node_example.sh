#!/bin/sh
# Runs examples/node against an installed tensord, loading the installed
# .proto with @grpc/proto-loader.
#   run_node_example.sh CMAKE BUILD_DIR EXAMPLE_DIR EXPECTED_OUTPUT WORK_DIR
# Installs the build into a temporary prefix (cmake --install), installs the
# example's pinned dependencies (package-lock.json) into WORK_DIR with
# `npm ci` (once; kept between runs), starts PREFIX/bin/tensord with a
# token, runs the example under node and compares what it prints.
# Exit 77 (skipped): node or npm is missing, or npm cannot fetch the
# packages (no access to the npm registry).
set -eu
CMAKE=$1
BUILD_DIR=$2
EXAMPLE_DIR=$3
EXPECTED=$4
WORK=$5
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing" >&2; exit 77; }
done
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$WORK"
cp "$EXAMPLE_DIR/package.json" "$EXAMPLE_DIR/package-lock.json" \
  "$EXAMPLE_DIR/tensord_grpc.js" "$WORK/"
if [ ! -f "$WORK/node_modules/.package-lock.json" ] ||
   ! cmp -s "$EXAMPLE_DIR/package-lock.json" "$WORK/.installed-lock"; then
  if ! (cd "$WORK" && npm ci --no-audit --no-fund --ignore-scripts \
          > "$tmp/npm.log" 2>&1); then
    echo "SKIP: npm ci failed (no access to the npm registry?):" >&2
    tail -5 "$tmp/npm.log" >&2
    exit 77
  fi
  cp "$EXAMPLE_DIR/package-lock.json" "$WORK/.installed-lock"
fi
"$CMAKE" --install "$BUILD_DIR" --prefix "$tmp/prefix" > "$tmp/install.log"
echo "example-token" > "$tmp/tokens"
: > "$tmp/server.log"
"$tmp/prefix/bin/tensord" --listen=127.0.0.1:0 --drain_delay=0 \
  --tokens_file="$tmp/tokens" 2>"$tmp/server.log" &
pid=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on .*(port \([0-9]*\)).*/\1/p' "$tmp/server.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: tensord did not start"; cat "$tmp/server.log"; exit 1; }
node "$WORK/tensord_grpc.js" "$tmp/prefix/share/tensord/proto" \
  "127.0.0.1:$port" example-token > "$tmp/out" ||
  { echo "FAIL: the node example exited $?"; cat "$tmp/out"; exit 1; }
if ! diff -u "$EXPECTED" "$tmp/out"; then
  echo "FAIL: the node example printed something else"
  exit 1
fi
echo "PASS: examples/node"
