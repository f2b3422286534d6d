#!/usr/bin/env bash
# Installs the Debian packages Sightglass needs that are missing.
#   scripts/deps.sh run    the window's build headers (Fyne: cgo, GL, X11)
#   scripts/deps.sh test   those, plus Xvfb, ImageMagick and the real
#                          third-party peers the tests talk to: Node.js
#                          and npm (Debian's nodejs npm, unless a node is
#                          already on PATH) and the pinned node-opcua of
#                          drivers/opcua/testdata/nodeopcua (npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."

run_pkgs=(gcc pkg-config libgl1-mesa-dev libgl1-mesa-dri libx11-dev libxcursor-dev
  libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
test_pkgs=(xvfb imagemagick socat python3-pymodbus python3-serial python3-serial-asyncio mbpoll)

pkgs=("${run_pkgs[@]}")
test=false
if [ "${1:-run}" = test ]; then
  test=true
  pkgs+=("${test_pkgs[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Node.js from elsewhere (nvm, NodeSource, /usr/local) will do.
if $test && ! { command -v node && command -v npm; } >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# node-opcua, the third-party OPC UA peer of drivers/opcua's and the
# gateway's tests, exactly as its package-lock.json pins it; again only
# when the lock file changed since the last install.
if $test; then
  h=drivers/opcua/testdata/nodeopcua
  if [ ! -f "$h/node_modules/node-opcua/package.json" ] || [ "$h/package-lock.json" -nt "$h/node_modules/.package-lock.json" ]; then
    echo "npm ci in $h"
    (cd "$h" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
