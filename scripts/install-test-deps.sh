#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (Chromium for the web console, Xvfb and X
# clients for the endpoint agent, wixl/msitools and wine for the Windows installers, ffmpeg for
# converting session recordings to video and ffprobe in their tests, sudo for elevation), only if missing.
set -euo pipefail
packages=(chromium xvfb x11-apps xterm xdotool xclip x11-xkb-utils x11vnc wixl msitools wine wine64 ffmpeg sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all present"
  exit 0
fi
echo "test dependencies: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test dependencies: installed"
