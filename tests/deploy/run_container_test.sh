#!/usr/bin/env bash
# ctest `container`: script/container-test, skipped (exit 77) where it cannot
# run: not root, or buildah/podman/runc/debootstrap missing (script/bootstrap
# installs them). The image's port 50051 is used on the host network when it
# is free, another free port otherwise.
#   run_container_test.sh SOURCE_DIR
set -uo pipefail
src="$1"
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: script/container-test needs root (buildah/podman, vfs storage)"
  exit 77
fi
for tool in buildah podman runc debootstrap; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is missing (script/bootstrap installs it)"
    exit 77
  fi
done
if (exec 3<>/dev/tcp/127.0.0.1/50051) 2>/dev/null; then
  TENSORD_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export TENSORD_PORT
  echo "port 50051 is taken: using $TENSORD_PORT"
fi
exec "$src/script/container-test"
