#!/usr/bin/env bash
# Checks that the served OpenAPI document is the server's behaviour: runs Schemathesis (every check)
# against `vantage serve` on a fresh database of the test cluster, authenticated as a real worker
# with open tasks. Exits non-zero on any failure; always stops the server and drops the database.
#
# Usage: source scripts/test-cluster.sh; scripts/schemathesis.sh [schemathesis run options]
#        (after `swift build`; e.g. `--phases coverage` or `--max-examples 200`)
# SCHEMATHESIS_MAX_EXAMPLES (default 100) and SCHEMATHESIS_SEED (default fixed) tune the run.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -n "${VANTAGE_TEST_DATABASE_URL:-}" ] || { echo "error: VANTAGE_TEST_DATABASE_URL is not set (source scripts/test-cluster.sh)." >&2; exit 1; }
vantage=.build/debug/vantage
[ -x "$vantage" ] || { echo "error: $vantage is missing; run swift build first." >&2; exit 1; }

venv=.cache/schemathesis-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  echo "schemathesis: installing into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi

work=$(mktemp -d /tmp/vantage-schemathesis.XXXXXX)
database="vantage_schemathesis_$(date +%s)_$$"
url_for() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$VANTAGE_TEST_DATABASE_URL" "$1"; }
admin_url=$VANTAGE_TEST_DATABASE_URL
server_pid=""

cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # A graceful stop finishes in-flight requests; do not wait for ever.
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql "$admin_url" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql "$admin_url" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $database" >/dev/null
export VANTAGE_DATABASE_URL
VANTAGE_DATABASE_URL=$(url_for "$database")
export VANTAGE_ROOT=$PWD VANTAGE_HOME="$work/home" VANTAGE_BLOB_ROOT="$work/blobs" VANTAGE_LOG_LEVEL=error

# A project as an administrator sets one up: catalog, controls, a worker with open tasks.
"$vantage" db migrate >/dev/null
"$vantage" catalog import objectnet --rooms kitchen,bedroom >/dev/null
token=$("$vantage" workers add schemathesis --rooms kitchen,bedroom --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
"$vantage" tasks generate --count 20 --worker schemathesis --seed 7 --classes overlap >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$vantage" serve --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
ready() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/readyz" 2>/dev/null; }
for _ in $(seq 300); do
  ready && break
  kill -0 "$server_pid" 2>/dev/null || { echo "error: vantage serve exited; its log:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
ready || { echo "error: vantage serve did not become ready within 30 s." >&2; exit 1; }

start=$(date +%s)
status=0
# --no-color keeps the summary parseable; the example database stays out of the checkout.
timeout --kill-after=10 240 "$venv/bin/schemathesis" --config-file scripts/schemathesis.toml run "$base/openapi.yaml" \
  --header "Authorization: Bearer $token" --checks all \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-100}" --seed "${SCHEMATHESIS_SEED:-20240601}" \
  --workers 2 --request-timeout 30 --generation-database none --no-color "$@" \
  2>&1 | tee "$work/schemathesis.log" || status=$?
elapsed=$(( $(date +%s) - start ))

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "error: schemathesis did not finish within 240 s." >&2
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "error: vantage serve died during the run; its log:" >&2
  cat "$work/server.log" >&2
  status=1
fi
# Schemathesis' summary says "Test cases: 490 generated, 490 passed, 4 skipped" and ends with a line
# such as "=== 5 failures, 1 warning in 13.20s ===" (5 distinct failures): one line of our own from both.
read -r passed failed < <(python3 - "$work/schemathesis.log" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
# "385 generated, 4 found 5 unique failures, 4 skipped" when some failed: 4 cases failed, 381 passed.
cases = re.findall(r"^\s*(\d+) generated, (.*)$", text, re.M)
passed = 0
if cases:
    generated, rest = cases[-1]
    said = re.search(r"(\d+) passed", rest)
    found = re.search(r"(\d+) found", rest)
    passed = int(said.group(1)) if said else int(generated) - (int(found.group(1)) if found else 0)
final = re.findall(r"^=+ (.*) in [0-9.]+s =+$", text, re.M)
failed = sum(int(n) for n in re.findall(r"(\d+) (?:failures?|errors?)\b", final[-1])) if final else 0
print(passed, failed)
PY
)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "schemathesis: $passed passed, $failed failed (${elapsed}s)"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
