#!/usr/bin/env bash
# Installs the system packages the test suite needs, when they are missing: fonts for rendered test
# images, and the browser, database and video tools the later test projects use. Needs root (CI runs
# as root); without root it prints what is missing and the command that installs it.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# postgresql-15: the PostgreSQL store tests start a throwaway cluster from its binaries (no service).
for pkg in ${RETRIEVAL_TEST_PACKAGES:-fonts-dejavu-core ffmpeg chromium postgresql-15}; do
  have_pkg "$pkg" || need+=("$pkg")
done

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing system packages: ${need[*]}" >&2
  echo "install-test-deps: install them with: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi

echo "install-test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
