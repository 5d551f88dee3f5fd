#!/bin/sh
# Generates the torch_compare cases with PyTorch (Debian's python3-torch, always
# /usr/bin/python3) and runs them through tensord.
#
#   run_torch_compare.sh TEST_BINARY GEN_CASES_PY CASE_FILE [gtest flags...]
#
# Exit status: the test binary's (0 = all cases agree with torch), 1 if the
# cases cannot be generated, 77 (ctest: skipped) if /usr/bin/python3 cannot
# import torch.
set -u

if [ $# -lt 3 ]; then
  echo "usage: $0 TEST_BINARY GEN_CASES_PY CASE_FILE [gtest flags...]" >&2
  exit 2
fi
bin=$1
gen=$2
cases=$3
shift 3

PY=/usr/bin/python3
if [ ! -x "$PY" ] || ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  echo "torch_compare: SKIPPED: $PY cannot import torch" \
       "(install Debian's python3-torch to run this test)"
  exit 77
fi

mkdir -p "$(dirname "$cases")" || exit 1
if ! "$PY" "$gen" >"$cases.tmp"; then
  echo "torch_compare: FAILED: $PY $gen could not generate the cases" >&2
  rm -f "$cases.tmp"
  exit 1
fi
mv "$cases.tmp" "$cases" || exit 1
echo "torch_compare: $(grep -c '^case ' "$cases") cases in $cases" \
     "(torch $("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null))"

exec "$bin" "$cases" "$@"
