#!/usr/bin/env bash
# Installs everything DVP Studio needs on a fresh Debian/Ubuntu machine: system packages
# (as root, or through sudo), then the npm dependencies, the native addon, then the build.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(ffmpeg chromium fonts-dejavu-core g++ make python3 libdnnl-dev)
# --with-test-tools (CI): a single-node Slurm for the farm tests (test/farm/*.test.ts start and stop it);
# a workstation that only runs the app does not need Slurm's daemons installed.
if [ "${1:-}" = "--with-test-tools" ]; then
  APT_PACKAGES+=(slurmctld slurmd slurm-client munge)
fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Native modules build against the system's Node headers; Electron's binary and
# ffmpeg-static's binary are not downloaded (the system ffmpeg is used instead).
export npm_config_nodedir=/usr
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
export FFMPEG_BIN=/usr/bin/ffmpeg
npm ci --no-audit --no-fund
# The oneDNN addon behind the `native` backend (native/dnnl; without it the engine uses wasm).
npm run build:native
npm run build
