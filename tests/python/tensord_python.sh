#!/bin/sh
# `python3 -m tensord ARGS` with the built package on PYTHONPATH: the
# Python package standing in for tensorctl in the conformance suite
# (run_conformance.sh calls it as `TENSORCTL --server=... run SCRIPT`).
# TENSORD_PYTHONPATH is the package's directory (build/python).
PYTHONPATH="${TENSORD_PYTHONPATH:?}${PYTHONPATH:+:$PYTHONPATH}" \
  exec /usr/bin/python3 -m tensord "$@"
