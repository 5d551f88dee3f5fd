#!/bin/sh
# Prints, one a line, the Debian packages that hold the shared libraries the
# given binaries load (ldd, then dpkg -S). The Dockerfile's runtime stage
# installs exactly these, so it carries the binaries' runtime libraries and
# nothing of the build.
#   docker/runtime-packages.sh build/server/tensord build/client/tensorctl
set -eu
for bin in "$@"; do
  [ -x "$bin" ] || { echo "runtime-packages: $bin is not an executable" >&2; exit 1; }
done
libs=$(for bin in "$@"; do ldd "$bin"; done | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u)
owners=$(for lib in $libs; do
  real=$(readlink -f "$lib")
  owner="MISSING $lib"
  # usrmerge: dpkg may know a library by its /lib or its /usr/lib path.
  for path in "$lib" "$real" "${lib#/usr}" "${real#/usr}"; do
    if o=$(dpkg -S "$path" 2>/dev/null); then owner=${o%%:*}; break; fi
  done
  echo "$owner"
done)
if echo "$owners" | grep -q '^MISSING'; then
  echo "runtime-packages: no Debian package holds:" >&2
  echo "$owners" | sed -n 's/^MISSING /  /p' >&2
  exit 1
fi
echo "$owners" | sort -u
