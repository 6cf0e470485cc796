#!/usr/bin/env bash
# Fetches the demo's real photographs (Fixtures/demo/sources.json) into Fixtures/demo/.cache/,
# with the models venv's Python (scripts/prepare-models.sh creates it). Quick when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=Fixtures/models/.cache/venv
[ -x "$venv/bin/python" ] || scripts/prepare-models.sh --venv
exec "$venv/bin/python" scripts/demo/prepare_photos.py
