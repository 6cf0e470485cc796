#!/usr/bin/env bash
# Set up and run the demo from a fresh clone: install what is missing, build, run `vantage demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/prepare-models.sh
scripts/prepare-demo.sh
swift build -c release --product vantage
exec .build/release/vantage demo "$@"
