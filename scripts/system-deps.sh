#!/usr/bin/env bash
# Installs the Debian packages onething needs, only those missing.
#   run:  pango (WeasyPrint) and a CJK font embedded in the PDFs
#   test: the same, plus Chromium for the browser tests and PostgreSQL, whose server
#         the tests start themselves on a free port (tests/pgserver.py)
set -euo pipefail
mode=${1:-run}

packages=(libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)
if [ "$mode" = test ]; then
  packages+=(chromium postgresql)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: please install: ${missing[*]} (needs root and apt-get)" >&2
  [ "$mode" = test ] && exit 1
  exit 0
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
