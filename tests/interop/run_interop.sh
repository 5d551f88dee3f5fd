#!/bin/sh
# Runs the Python interop test against a tensord binary.
#   run_interop.sh TENSORD_BINARY PROTO_ROOT GEN_DIR
# Generates the Python messages and gRPC stubs of tensord/v1/tensord.proto
# into GEN_DIR with /usr/bin/protoc and /usr/bin/grpc_python_plugin, then runs
# interop_test.py under /usr/bin/python3. Exit 77: skipped (a tool missing).
set -eu

if [ $# -ne 3 ]; then
  echo "usage: $0 TENSORD_BINARY PROTO_ROOT GEN_DIR" >&2
  exit 2
fi
TENSORD=$1
PROTO_ROOT=$2
GEN_DIR=$3
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=/usr/bin/python3
PROTOC=/usr/bin/protoc
PLUGIN=/usr/bin/grpc_python_plugin

for tool in "$PYTHON" "$PROTOC" "$PLUGIN"; do
  if [ ! -x "$tool" ]; then
    echo "SKIP: $tool is missing" >&2
    exit 77
  fi
done
if ! "$PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null; then
  echo "SKIP: $PYTHON cannot import grpc/google.protobuf (python3-grpcio)" >&2
  exit 77
fi
if [ ! -x "$TENSORD" ]; then
  echo "FAIL: tensord binary $TENSORD not found (build the tensord target)" >&2
  exit 1
fi

# Fresh stubs every run: a stale copy can never hide a .proto change.
rm -rf "$GEN_DIR"
mkdir -p "$GEN_DIR"
"$PROTOC" -I "$PROTO_ROOT" \
  --python_out="$GEN_DIR" \
  --grpc_python_out="$GEN_DIR" \
  --plugin=protoc-gen-grpc_python="$PLUGIN" \
  tensord/v1/tensord.proto
# Regular packages, so no other `tensord` on sys.path can shadow these.
: > "$GEN_DIR/tensord/__init__.py"
: > "$GEN_DIR/tensord/v1/__init__.py"

exec "$PYTHON" "$HERE/interop_test.py" --tensord="$TENSORD" --gen_dir="$GEN_DIR"
