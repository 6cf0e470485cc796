#!/usr/bin/env bash
# Runs every command the README shows, so the guide cannot rot. scripts/test.sh calls it after the build.
#
# Every fenced ```sh block of README.md is extracted and run, in order, in one bash shell (variables and
# background jobs carry from block to block) with `set -euo pipefail`, except blocks whose first line
# begins with "# not run by the README check". The shell runs in a throwaway project: a temporary folder
# holding symlinks to the checkout's Migrations/, Fixtures/ and scripts/ (so vantage takes it for the
# project and keeps its .vantage/ state there), the built vantage first on PATH, and
#   - a fresh database on the server of VANTAGE_TEST_DATABASE_URL when it is set (dropped afterwards),
#   - else the project-local cluster vantage itself creates in the throwaway .vantage/ (stopped afterwards);
# photo-1.jpg ... photo-5.jpg stand in for a worker's phone photos (scripts/readme/make-photos.py).
# On failure it prints the block that failed, where it is in README.md, and the end of its output.
#
#   scripts/check-readme-commands.sh [--verbose] [README.md]   (--verbose: print what the commands printed)
#   VANTAGE_BIN: the vantage to use (default .build/debug/vantage)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
verbose=0
if [ "${1:-}" = "--verbose" ]; then verbose=1; shift; fi
readme="$(cd "$(dirname "${1:-$root/README.md}")" && pwd)/$(basename "${1:-$root/README.md}")"
vantage="${VANTAGE_BIN:-$root/.build/debug/vantage}"
python="$root/Fixtures/models/.cache/venv/bin/python"
limit_seconds=600

fail() { echo "README check: $*" >&2; exit 1; }
[ -x "$vantage" ] || fail "$vantage is not built (swift build --product vantage, or set VANTAGE_BIN)."
[ -x "$python" ] || fail "the models venv is missing (scripts/prepare-models.sh creates it)."
for tool in curl jq pg_dump tar timeout; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh installs it)."
done
# The README serves on 8080, as a reader would; another process there would answer instead.
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  fail "port 8080 is in use; the README's vantage serve needs it."
fi

work="$(mktemp -d /tmp/vantage-readme.XXXXXX)"
chmod 755 "$work"   # as root, the local cluster's postgres user must reach it
for item in Migrations Fixtures scripts requirements-models.txt; do ln -s "$root/$item" "$work/$item"; done
mkdir "$work/bin"
ln -s "$vantage" "$work/bin/vantage"

unset VANTAGE_ROOT VANTAGE_HOME VANTAGE_BLOB_ROOT VANTAGE_DATABASE_URL VANTAGE_LOG_LEVEL
database=""
if [ -n "${VANTAGE_TEST_DATABASE_URL:-}" ]; then
  database="vantage_readme_$(date +%s)_$$"
  psql -X -q -v ON_ERROR_STOP=1 "$VANTAGE_TEST_DATABASE_URL" -c "CREATE DATABASE $database" >/dev/null
  VANTAGE_DATABASE_URL="$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
    "$VANTAGE_TEST_DATABASE_URL" "$database")"
  export VANTAGE_DATABASE_URL
fi

cleanup() {
  # What the README left running in the background (the server): the ids its shell recorded after
  # each block, if they still run in the throwaway folder.
  for pid in $(sort -u "$work/.pids" 2>/dev/null || true); do
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$work" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  if [ -n "$database" ]; then
    psql -X -q "$VANTAGE_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
  elif [ -d "$work/.vantage/postgres" ]; then
    (cd "$work" && PATH="$work/bin:$PATH" vantage db stop >/dev/null 2>&1) || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$python" "$root/scripts/readme/make-photos.py" "$work" 5

# The blocks, as one script; before each, its number and README line go to $work/.block.
python3 - "$readme" "$work/readme-commands.sh" "$work/blocks" <<'PY'
import os, sys
readme, script, folder = sys.argv[1:4]
name = os.path.basename(readme)
os.makedirs(folder)
lines = open(readme, encoding="utf-8").read().split("\n")
blocks, current, start = [], None, 0
for number, line in enumerate(lines, 1):
    if current is None and line.strip() == "```sh":
        current, start = [], number + 1
    elif current is not None and line.strip() == "```":
        blocks.append((start, current))
        current = None
    elif current is not None:
        current.append(line)
if current is not None:
    sys.exit("README check: the sh block at %s:%d is not closed" % (name, start))
with open(script, "w", encoding="utf-8") as out:
    # The failing command itself goes to the output, whose end is shown on failure.
    out.write("trap 'printf \"README check: this command failed with status %s: %s\\n\" \"$?\" \"$BASH_COMMAND\" >&2' ERR\n")
    run = 0
    for start, body in blocks:
        first = next((l for l in body if l.strip()), "")
        if first.startswith("# not run by the README check"):
            continue
        run += 1
        with open(os.path.join(folder, str(run)), "w", encoding="utf-8") as text:
            text.write("%d\n%s\n" % (start, "\n".join(body)))
        out.write('printf "%d %d\\n" > "$README_CHECK_STATE"\n' % (run, start))
        out.write('printf "README check: block %d (%s:%d)\\n" >&3\n' % (run, name, start))
        out.write("\n".join(body) + "\n")
        out.write('jobs -p >> "$README_CHECK_PIDS"\n')
    out.write('printf "done\\n" > "$README_CHECK_STATE"\n')
print("README check: %d blocks of %s to run, %d not run" % (run, name, len(blocks) - run))
PY

started=$SECONDS
status=0
(
  cd "$work"
  export PATH="$work/bin:$PATH" README_CHECK_STATE="$work/.block" README_CHECK_PIDS="$work/.pids"
  exec timeout --signal=TERM --kill-after=20 "$limit_seconds" bash -euo pipefail "$work/readme-commands.sh" 3>&1 >"$work/output.log" 2>&1
) || status=$?

state="$(cat "$work/.block" 2>/dev/null || true)"
if [ "$status" -ne 0 ] || [ "$state" != "done" ]; then
  read -r block line <<<"$state"
  name="$(basename "$readme")"
  {
    echo
    if [ "$status" -eq 124 ]; then
      echo "README check: FAILED: block ${block:-?} (${name}:${line:-?}) still ran after ${limit_seconds} s."
    else
      echo "README check: FAILED: block ${block:-?} (${name}:${line:-?}) exited with status $status:"
    fi
    [ -n "${block:-}" ] && tail -n +2 "$work/blocks/$block" | sed 's/^/    /'
    echo "its output (last 40 lines):"
    tail -n 40 "$work/output.log" | sed 's/^/    | /'
  } >&2
  exit 1
fi
[ "$verbose" -eq 0 ] || cat "$work/output.log"
echo "README check: every block ran ($((SECONDS - started)) s)"
