#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, starts a throwaway
# PostgreSQL cluster, builds, checks the served OpenAPI document with Schemathesis, runs the README's
# commands and `swift test`, and stops the cluster on exit even when tests fail.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/prepare-models.sh
scripts/prepare-demo.sh
# shellcheck source=test-cluster.sh
source scripts/test-cluster.sh
trap stop_test_cluster EXIT

swift build --build-tests
# The OpenAPI document against the real server; its failure fails the script once the suite has run.
schemathesis_status=0
scripts/schemathesis.sh || schemathesis_status=$?
# Every command the README shows, against the build just made; a filtered run (arguments given) skips it.
[ $# -gt 0 ] || scripts/check-readme-commands.sh
swift test "$@"
exit "$schemathesis_status"
