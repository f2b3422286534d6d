#!/usr/bin/env bash
# Installs the Debian packages Sightglass needs that are missing.
#   scripts/deps.sh run    the window's build headers (Fyne: cgo, GL, X11)
#   scripts/deps.sh test   those, plus Xvfb, ImageMagick and the real
#                          third-party peers the tests talk to
set -euo pipefail

run_pkgs=(gcc pkg-config libgl1-mesa-dev libgl1-mesa-dri libx11-dev libxcursor-dev
  libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
test_pkgs=(xvfb imagemagick socat python3-pymodbus python3-serial python3-serial-asyncio mbpoll)

pkgs=("${run_pkgs[@]}")
if [ "${1:-run}" = test ]; then
  pkgs+=("${test_pkgs[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
