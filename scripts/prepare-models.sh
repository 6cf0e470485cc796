#!/usr/bin/env bash
# Prepares the bundled models: Fixtures/models/<name>.onnx for every committed manifest
# Fixtures/models/<name>.json (or only the names given), each checked against its pinned SHA-256.
# Python (numpy, onnx) is needed here only, in a private venv under Fixtures/models/.cache/venv;
# nothing is installed into the system or user site. Quick and silent-ish when already prepared.
#
#   scripts/prepare-models.sh [efficientnet-lite0 ...]
#   scripts/prepare-models.sh --venv     # only create/update the venv (for benchmarks/python)
set -euo pipefail
cd "$(dirname "$0")/.."

cache=Fixtures/models/.cache
venv="$cache/venv"
requirements=requirements-models.txt

only_venv=0
if [ "${1:-}" = "--venv" ]; then only_venv=1; shift; fi

command -v python3 >/dev/null || { echo "error: python3 is needed to prepare the models." >&2; exit 1; }

if [ "$only_venv" -eq 0 ] && python3 scripts/models/prepare.py --check "$@" >/dev/null 2>&1; then
  echo "models: all prepared"
  exit 0
fi

# The venv is rebuilt only when the pinned requirements change (their hash is stamped inside it).
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
stamp="$venv/.requirements.sha256"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "models: installing $requirements into $venv"
  mkdir -p "$cache"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      rm -rf "$venv"
      python3 -m venv "$venv"
    else
      echo "error: python3 cannot create a venv; install python3-venv." >&2
      exit 1
    fi
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary :all: -r "$requirements" \
    || { echo "error: pip could not install $requirements." >&2; exit 1; }
  echo "$want" > "$stamp"
fi

[ "$only_venv" -eq 1 ] && exit 0
exec "$venv/bin/python" scripts/models/prepare.py "$@"
