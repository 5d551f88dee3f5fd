#!/bin/sh
# Runs one Python reliability check against tensord.
#   run_check.sh GEN_DIR CHECK.py [args...]
# Generates the Python messages and stubs of tensord/v1/tensord.proto and of
# our copy of the gRPC health service (as top-level health_pb2*) into
# GEN_DIR with Debian's protoc and grpc_python_plugin, then runs CHECK.py
# under /usr/bin/python3 with GEN_DIR and this folder on PYTHONPATH.
# Exit 77 (skipped): a tool or python3-grpcio is missing.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 GEN_DIR CHECK.py [args...]" >&2
  exit 2
fi
GEN_DIR=$1
CHECK=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
PROTO_ROOT="$HERE/../../proto"
PYTHON=/usr/bin/python3
for tool in "$PYTHON" /usr/bin/protoc /usr/bin/grpc_python_plugin; do
  if [ ! -x "$tool" ]; then
    echo "SKIP: $tool is missing" >&2
    exit 77
  fi
done
if ! "$PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null; then
  echo "SKIP: $PYTHON cannot import grpc (python3-grpcio)" >&2
  exit 77
fi
rm -rf "$GEN_DIR"
mkdir -p "$GEN_DIR"
/usr/bin/protoc -I "$PROTO_ROOT" --python_out="$GEN_DIR" \
  --grpc_python_out="$GEN_DIR" \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
  tensord/v1/tensord.proto
/usr/bin/protoc -I "$PROTO_ROOT/grpc/health/v1" --python_out="$GEN_DIR" \
  --grpc_python_out="$GEN_DIR" \
  --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin \
  health.proto
: > "$GEN_DIR/tensord/__init__.py"
: > "$GEN_DIR/tensord/v1/__init__.py"
PYTHONPATH="$GEN_DIR:$HERE" exec "$PYTHON" "$HERE/$CHECK" "$@"
