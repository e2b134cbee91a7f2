#!/usr/bin/env bash
# System parts of the browser tests (tests/test_browser_lab.py): Debian's chromium, driven
# by the Python playwright package (never `playwright install`: it downloads a browser
# build of its own), and fonts with the Vietnamese letters, so that screenshots show
# "Tiền mặt lũy kế" and not boxes or loose accents.
# Idempotent: installs only what is missing. Installs as root only; otherwise it says
# what is missing, and the browser tests skip with a reason (and fail under CI=true).
set -euo pipefail

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

packages=()
command -v chromium >/dev/null || packages+=(chromium)
# Text: DejaVu Sans. Code cells and outputs: Noto Sans Mono, because DejaVu Sans Mono, the
# monospace font JupyterLab names first, has no stacked accents (ế, ấ, ề are drawn as ê + ´).
installed fonts-dejavu-core || packages+=(fonts-dejavu-core)
installed fonts-noto-mono || packages+=(fonts-noto-mono)

if [ "${#packages[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "Not root: not installing ${packages[*]}; without chromium the browser tests skip." >&2
    exit 0
fi
echo "Installing ${packages[*]} for the browser tests"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
