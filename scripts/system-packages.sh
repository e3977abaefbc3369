#!/usr/bin/env bash
# Install the Debian packages the checks need, only when one is missing: PostgreSQL (throwaway
# test cluster), wrk (benchmarks), Chromium and its driver (browser tests).
# Usage: scripts/system-packages.sh [PACKAGE...]   (default: the list below)
set -euo pipefail
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(postgresql wrk chromium chromium-driver)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present (${packages[*]})"
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "system packages: missing ${missing[*]}; run as root or install them yourself" >&2
  exit 1
fi
echo "system packages: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  "${missing[@]}"
