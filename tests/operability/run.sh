#!/bin/sh
# Runs one operability check against a tensord binary.
#   run.sh GEN_DIR CHECK TENSORD_BINARY
# Generates the Python stubs of tensord/v1/tensord.proto and of the gRPC
# health service into GEN_DIR (Debian's protoc and grpc_python_plugin), then
# runs operability_test.py CHECK under /usr/bin/python3 with GEN_DIR and
# tests/reliability (the tensord process harness) on PYTHONPATH.
# Exit 77 (skipped): a tool, python3-grpcio, python3-prometheus-client or
# curl is missing.
set -eu
if [ $# -ne 3 ]; then
  echo "usage: $0 GEN_DIR CHECK TENSORD_BINARY" >&2
  exit 2
fi
GEN_DIR=$1
CHECK=$2
TENSORD=$3
HERE=$(cd "$(dirname "$0")" && pwd)
PROTO_ROOT="$HERE/../../proto"
PYTHON=/usr/bin/python3
for tool in "$PYTHON" /usr/bin/protoc /usr/bin/grpc_python_plugin /usr/bin/curl; do
  if [ ! -x "$tool" ]; then
    echo "SKIP: $tool is missing" >&2
    exit 77
  fi
done
if ! "$PYTHON" -c 'import grpc, google.protobuf, prometheus_client' 2>/dev/null; then
  echo "SKIP: $PYTHON lacks grpc or prometheus_client (script/bootstrap)" >&2
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
PYTHONPATH="$GEN_DIR:$HERE/../reliability" exec "$PYTHON" \
  "$HERE/operability_test.py" "$CHECK" "$TENSORD"
