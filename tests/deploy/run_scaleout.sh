#!/bin/sh
# Runs the loopback scale-out test (scaleout_test.py).
#   run_scaleout.sh TENSORD TENSORCTL PROTO_ROOT TEMPLATE GEN_DIR [--tls|--elastic]
# Generates the Python stubs of tensord/v1/tensord.proto into GEN_DIR with
# /usr/bin/protoc and /usr/bin/grpc_python_plugin (as tests/interop does),
# then runs the test (elastic_test.py with --elastic) under /usr/bin/python3
# with Debian's nginx and redis-server.
# Exit 77 (skipped): nginx, redis-server, grpcio or a code generator is missing
# (script/bootstrap installs them).
set -eu
if [ $# -lt 5 ] || [ $# -gt 6 ]; then
  echo "usage: $0 TENSORD TENSORCTL PROTO_ROOT TEMPLATE GEN_DIR [--tls]" >&2
  exit 2
fi
TENSORD=$1 TENSORCTL=$2 PROTO_ROOT=$3 TEMPLATE=$4 GEN_DIR=$5
shift 5
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=/usr/bin/python3 PROTOC=/usr/bin/protoc
PLUGIN=/usr/bin/grpc_python_plugin NGINX=/usr/sbin/nginx OPENSSL=/usr/bin/openssl
REDIS=/usr/bin/redis-server
for tool in "$PYTHON" "$PROTOC" "$PLUGIN" "$NGINX" "$OPENSSL" "$REDIS"; do
  if [ ! -x "$tool" ]; then
    echo "SKIP: $tool is missing (script/bootstrap installs it)" >&2
    exit 77
  fi
done
if ! "$PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null; then
  echo "SKIP: $PYTHON cannot import grpc (python3-grpcio)" >&2
  exit 77
fi
rm -rf "$GEN_DIR"
mkdir -p "$GEN_DIR"
"$PROTOC" -I "$PROTO_ROOT" --python_out="$GEN_DIR" \
  --grpc_python_out="$GEN_DIR" \
  --plugin=protoc-gen-grpc_python="$PLUGIN" tensord/v1/tensord.proto
: > "$GEN_DIR/tensord/__init__.py"
: > "$GEN_DIR/tensord/v1/__init__.py"
SCRIPT=scaleout_test.py
if [ "${1:-}" = "--elastic" ]; then SCRIPT=elastic_test.py; shift; fi
exec "$PYTHON" "$HERE/$SCRIPT" --tensord="$TENSORD" \
  --tensorctl="$TENSORCTL" --nginx="$NGINX" --template="$TEMPLATE" \
  --redis="$REDIS" --gen_dir="$GEN_DIR" "$@"
