#!/bin/sh
# Builds and runs examples/go against an installed tensord, offline.
#   run_go_example.sh CMAKE BUILD_DIR EXAMPLE_DIR EXPECTED_OUTPUT GOCACHE
# Installs the build into a temporary prefix, generates the Go messages and
# stubs from PREFIX/share/tensord/proto with protoc-gen-go and
# protoc-gen-go-grpc, builds the example in GOPATH mode against Debian's Go
# packages (/usr/share/gocode; no module download: GOPROXY=off), starts
# PREFIX/bin/tensord with a token and compares what the example prints.
# Exit 77 (skipped): go or a code generator is missing.
set -eu
CMAKE=$1
BUILD_DIR=$2
EXAMPLE_DIR=$3
EXPECTED=$4
export GOCACHE=$5
for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
  command -v "$tool" >/dev/null || { echo "SKIP: no $tool" >&2; exit 77; }
done
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
"$CMAKE" --install "$BUILD_DIR" --prefix "$tmp/prefix" > "$tmp/install.log"
gopath="$tmp/gopath"
mkdir -p "$gopath/src/tensordpb" "$gopath/src/example"
m="Mtensord/v1/tensord.proto=tensordpb/tensord/v1"
protoc -I "$tmp/prefix/share/tensord/proto" \
  --go_out="$gopath/src/tensordpb" --go_opt="paths=source_relative,$m" \
  --go-grpc_out="$gopath/src/tensordpb" --go-grpc_opt="paths=source_relative,$m" \
  tensord/v1/tensord.proto
cp "$EXAMPLE_DIR/main.go" "$gopath/src/example/"
(cd "$gopath/src/example" &&
  GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH="$gopath:/usr/share/gocode" \
    go build -o "$tmp/tensord-example" .) ||
  { echo "FAIL: go build"; exit 1; }
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
"$tmp/tensord-example" "127.0.0.1:$port" example-token > "$tmp/out" ||
  { echo "FAIL: the Go example exited $?"; cat "$tmp/out"; exit 1; }
if ! diff -u "$EXPECTED" "$tmp/out"; then
  echo "FAIL: the Go example printed something else"
  exit 1
fi
echo "PASS: examples/go"
