#!/bin/sh
# Runs examples/python against an installed tensord, with stubs generated
# from the installed .proto.
#   run_python_example.sh CMAKE BUILD_DIR EXAMPLE EXPECTED_OUTPUT
# Installs the build into a temporary prefix (cmake --install), generates
# the stubs from PREFIX/share/tensord/proto with Debian's protoc and
# grpc_python_plugin, starts PREFIX/bin/tensord with a token, runs the
# example under /usr/bin/python3 and compares what it prints. Exit 77
# (skipped): a tool or python3-grpcio is missing.
set -eu
CMAKE=$1
BUILD_DIR=$2
EXAMPLE=$3
EXPECTED=$4
PYTHON=/usr/bin/python3
for tool in "$PYTHON" /usr/bin/protoc /usr/bin/grpc_python_plugin; do
  [ -x "$tool" ] || { echo "SKIP: $tool is missing" >&2; exit 77; }
done
"$PYTHON" -c 'import grpc' 2>/dev/null ||
  { echo "SKIP: $PYTHON cannot import grpc (python3-grpcio)" >&2; exit 77; }
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
"$CMAKE" --install "$BUILD_DIR" --prefix "$tmp/prefix" > "$tmp/install.log"
mkdir "$tmp/gen"
/usr/bin/protoc -I "$tmp/prefix/share/tensord/proto" --python_out="$tmp/gen" \
  --grpc_python_out="$tmp/gen" \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
  tensord/v1/tensord.proto
: > "$tmp/gen/tensord/__init__.py"
: > "$tmp/gen/tensord/v1/__init__.py"
echo "example-token" > "$tmp/tokens"
: > "$tmp/server.log"  # exists before the loop below reads it
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
PYTHONPATH="$tmp/gen" "$PYTHON" "$EXAMPLE" "127.0.0.1:$port" example-token \
  > "$tmp/out" || { echo "FAIL: $EXAMPLE exited $?"; cat "$tmp/out"; exit 1; }
if ! diff -u "$EXPECTED" "$tmp/out"; then
  echo "FAIL: $EXAMPLE printed something else"
  exit 1
fi
echo "PASS: $EXAMPLE"
