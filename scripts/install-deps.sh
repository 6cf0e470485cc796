#!/usr/bin/env bash
# Installs the Debian packages Vantage builds and runs with, when any is missing.
set -euo pipefail

# curl and jq: the README's worker workflow, which scripts/check-readme-commands.sh runs.
packages=(pkg-config python3 python3-venv libexif-dev libturbojpeg0-dev libopenblas-dev zlib1g-dev libpq-dev postgresql-15 postgresql-client-15 curl jq)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "error: the Swift toolchain (6.1 or newer) is not on PATH." >&2; exit 1; }
