#!/usr/bin/env bash
# tensord over HTTP/JSON with nothing but curl (and python3 to read JSON):
# the seed's autograd example, 20 steps of linear regression (one Execute
# per step), and a 16 MiB tensor up and down.
#   tensord --http_listen=127.0.0.1:8080 &
#   examples/curl/tensord_http.sh http://127.0.0.1:8080 [TOKEN]
set -euo pipefail
BASE="${1:?usage: $0 http://HOST:PORT [TOKEN]}/tensord.v1.TensorService"
AUTH=()
if [ -n "${2:-}" ]; then AUTH=(-H "Authorization: Bearer $2"); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# call METHOD JSON_FILE: POST the request, print the response (exit 1 on an
# error, with Connect's {"code", "message"} on stderr).
call() {
  local status
  status=$(curl -sS -o "$tmp/out" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' "${AUTH[@]}" ${SID:+-H "x-tensord-session: $SID"} \
    --data-binary "@$2" "$BASE/$1")
  if [ "$status" != 200 ]; then
    echo "$1: HTTP $status $(cat "$tmp/out")" >&2
    exit 1
  fi
  cat "$tmp/out"
}
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
# The float32 values of a TensorData in JSON (base64 little-endian bytes).
floats='[round(v, 4) for v in __import__("struct").unpack("<%df" % (len(b) // 4), b)] if (b := __import__("base64").b64decode(d.get("data", ""))) else []'

SID=""
echo '{}' > "$tmp/req"
SID=$(call CreateSession "$tmp/req" | json 'd["id"]')

# x = torch.arange(4.0, requires_grad=True); y = 2 * torch.dot(x, x)
cat > "$tmp/req" <<JSON
{"sessionId": "$SID", "nodes": [
  {"op": "arange", "attrs": {"end": {"scalar": {"f": 4.0}}}},
  {"op": "requires_grad_", "inputs": [{"node": {"node": 0}}], "bind": ["x"]},
  {"op": "dot", "inputs": [{"name": "x"}, {"name": "x"}]},
  {"op": "mul", "inputs": [{"scalar": {"i": "2"}}, {"node": {"node": 2}}],
   "bind": ["y"], "returnValue": true}]}
JSON
call Execute "$tmp/req" | json "(lambda d: 'y = %s' % ($floats)[0])(d['results'][3]['values'][0])"
echo "{\"sessionId\": \"$SID\", \"tensor\": {\"name\": \"y\"}}" > "$tmp/req"
call Backward "$tmp/req" > /dev/null
echo "{\"sessionId\": \"$SID\", \"tensor\": {\"name\": \"x\"}, \"grad\": true}" > "$tmp/req"
call FetchTensor "$tmp/req" | json "(lambda d: 'x.grad = %s' % $floats)(d['data'])"

# Linear regression y = 2 x + 1 on 8 points, w = [0, 0], 20 steps of
# gradient descent, each one Execute: loss = mean((X @ w - y)^2),
# g = autograd.grad(loss, w), w = (w - 0.1 g).detach().requires_grad_().
python3 - "$SID" > "$tmp/req" <<'PY'
import base64, json, struct, sys
xs = [i / 4 for i in range(8)]
X = [v for x in xs for v in (x, 1.0)]
y = [2 * x + 1 for x in xs]
t = lambda vals, shape: {"dtype": "DTYPE_FLOAT32", "shape": [str(s) for s in shape],
    "data": base64.b64encode(struct.pack("<%df" % len(vals), *vals)).decode()}
print(json.dumps({"sessionId": sys.argv[1], "nodes": [
    {"op": "alias", "inputs": [{"literal": t(X, [8, 2])}], "bind": ["X"]},
    {"op": "alias", "inputs": [{"literal": t(y, [8])}], "bind": ["t"]},
    {"op": "zeros", "attrs": {"size": {"ints": {"values": ["2"]}}}},
    {"op": "requires_grad_", "inputs": [{"node": {"node": 2}}], "bind": ["w"]}]}))
PY
call Execute "$tmp/req" > /dev/null
cat > "$tmp/step" <<JSON
{"sessionId": "$SID", "nodes": [
  {"op": "mv", "inputs": [{"name": "X"}, {"name": "w"}]},
  {"op": "sub", "inputs": [{"node": {"node": 0}}, {"name": "t"}]},
  {"op": "mul", "inputs": [{"node": {"node": 1}}, {"node": {"node": 1}}]},
  {"op": "mean", "inputs": [{"node": {"node": 2}}], "returnValue": true},
  {"op": "autograd.grad", "inputs": [{"node": {"node": 3}}, {"name": "w"}],
   "attrs": {"n_outputs": {"i": "1"}, "n_inputs": {"i": "1"}}},
  {"op": "mul", "inputs": [{"node": {"node": 4}}, {"scalar": {"f": 0.1}}]},
  {"op": "sub", "inputs": [{"name": "w"}, {"node": {"node": 5}}]},
  {"op": "detach", "inputs": [{"node": {"node": 6}}]},
  {"op": "requires_grad_", "inputs": [{"node": {"node": 7}}], "bind": ["w"]}]}
JSON
first="" last=""
for step in $(seq 20); do
  last=$(call Execute "$tmp/step" | json "(lambda d: ($floats)[0])(d['results'][3]['values'][0])")
  [ -n "$first" ] || first=$last
done
echo "linear regression: loss $first after 1 step, $last after 20"
python3 -c "import sys; sys.exit(0 if $last < $first / 10 else 1)" ||
  { echo "the loss did not fall tenfold" >&2; exit 1; }

# A 16 MiB float32 tensor up (CreateTensor) and down (FetchTensor).
head -c $((16 << 20)) /dev/urandom > "$tmp/big"
python3 - "$SID" "$tmp/big" > "$tmp/req" <<'PY'
import base64, json, sys
data = open(sys.argv[2], "rb").read()
print(json.dumps({"sessionId": sys.argv[1], "name": "big", "data": {
    "dtype": "DTYPE_INT32", "shape": [str(len(data) // 4)],
    "data": base64.b64encode(data).decode()}}))
PY
call CreateTensor "$tmp/req" > /dev/null
echo "{\"sessionId\": \"$SID\", \"tensor\": {\"name\": \"big\"}}" > "$tmp/req"
call FetchTensor "$tmp/req" | json 'd["data"]["data"]' | base64 -d > "$tmp/back"
if cmp -s "$tmp/big" "$tmp/back"; then
  echo "16 MiB up and down: the same bytes"
else
  echo "16 MiB up and down: the bytes differ" >&2
  exit 1
fi
echo "{\"sessionId\": \"$SID\"}" > "$tmp/req"
call CloseSession "$tmp/req" > /dev/null
