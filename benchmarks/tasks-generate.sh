#!/usr/bin/env bash
# Benchmark: `vantage tasks generate` storing 1,000,000 tasks (100 workers x 10,000) into PostgreSQL
# (target: <= 10 s). Usage: benchmarks/tasks-generate.sh [runs]   (default 3)
#
# The cluster is the one vantage itself creates (LocalCluster: fsync and synchronous_commit on, the
# configuration users get), in a throwaway VANTAGE_HOME, reached over its unix socket. Every run
# goes into a fresh database cloned from a template holding the ObjectNet catalog and the workers,
# and is timed end to end: process start, migration check, sampling, COPY, durable commit.
# Peer: psql `\copy` of exactly the rows that run stored, from a file, into another fresh clone
# in one transaction: the floor for loading these rows into this schema on this server.
# The machine's 1-minute load average is printed with each run: other work on the two cores
# stretches both figures.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
tasks_per_worker=10000
workers=100
total=$((tasks_per_worker * workers))
columns="batch_id, worker_id, offered_class_ids, rotation_id, viewpoint_id, room_id, issued_at, expires_at"

if ! build_log=$(swift build -c release --product vantage --scratch-path .build-release 2>&1); then
  echo "$build_log" >&2
  exit 1
fi
vantage=$PWD/.build-release/release/vantage

unset VANTAGE_DATABASE_URL
export VANTAGE_HOME
VANTAGE_HOME=$(mktemp -d /tmp/vantage-tasks-bench.XXXXXX)
chmod 755 "$VANTAGE_HOME"
rows_file=$(mktemp /tmp/vantage-tasks-bench-rows.XXXXXX)
cleanup() {
  # db stop only stops the local cluster when VANTAGE_DATABASE_URL is unset or empty.
  VANTAGE_DATABASE_URL= "$vantage" db stop >/dev/null 2>&1 || true
  rm -rf "$VANTAGE_HOME" "$rows_file"
}
trap cleanup EXIT

"$vantage" db start >/dev/null
port=$("$vantage" db url | sed -E 's|.*:([0-9]+)/.*|\1|')
socket_url() { echo "postgres://vantage@/$1?host=$VANTAGE_HOME/postgres&port=$port"; }
admin() { psql "$(socket_url vantage)" -qAtc "$1"; }

admin "CREATE DATABASE bench_template"
export VANTAGE_DATABASE_URL
VANTAGE_DATABASE_URL=$(socket_url bench_template)
"$vantage" catalog import objectnet >/dev/null
for i in $(seq 1 $workers); do "$vantage" workers add "w$i" --rooms kitchen,living-room,bedroom,bathroom >/dev/null; done

seconds=()
peer_seconds=()
for run in $(seq 1 "$runs"); do
  admin "CREATE DATABASE bench_run_$run TEMPLATE bench_template"
  VANTAGE_DATABASE_URL=$(socket_url "bench_run_$run")
  start=$(date +%s.%N)
  "$vantage" tasks generate --per-worker $tasks_per_worker --seed "$run" >/dev/null
  end=$(date +%s.%N)
  stored=$(psql "$VANTAGE_DATABASE_URL" -qAtc "SELECT count(*) FROM tasks")
  [ "$stored" -eq "$total" ] || { echo "error: run $run stored $stored tasks, not $total" >&2; exit 1; }
  psql "$VANTAGE_DATABASE_URL" -qc "\\copy (SELECT $columns FROM tasks ORDER BY id) TO '$rows_file'"

  admin "CREATE DATABASE bench_peer_$run TEMPLATE bench_template"
  peer_url=$(socket_url "bench_peer_$run")
  psql "$peer_url" -qc "INSERT INTO task_batches (seed, parameters) VALUES ($run, '{}')"
  peer_start=$(date +%s.%N)
  psql "$peer_url" -q -1 -c "\\copy tasks ($columns) FROM '$rows_file'"
  peer_end=$(date +%s.%N)

  elapsed=$(python3 -c "print(f'{$end - $start:.2f}')")
  peer_elapsed=$(python3 -c "print(f'{$peer_end - $peer_start:.2f}')")
  echo "run $run: vantage tasks generate $total tasks in $elapsed s = $(python3 -c "print(round($total / $elapsed))") tasks/s;" \
    "psql \\copy of the same rows $peer_elapsed s = $(python3 -c "print(round($total / $peer_elapsed))") tasks/s;" \
    "load average $(cut -d' ' -f1 /proc/loadavg)"
  seconds+=("$elapsed")
  peer_seconds+=("$peer_elapsed")
  admin "DROP DATABASE bench_run_$run"
  admin "DROP DATABASE bench_peer_$run"
done

python3 - "$total" "${seconds[*]}" "${peer_seconds[*]}" <<'PY'
import statistics, sys
total = int(sys.argv[1])
ours = statistics.median(float(x) for x in sys.argv[2].split())
peer = statistics.median(float(x) for x in sys.argv[3].split())
runs = len(sys.argv[2].split())
print(f"median over {runs} runs of {total} tasks: vantage {ours:.2f} s = {total / ours:.0f} tasks/s; "
      f"psql \\copy floor {peer:.2f} s = {total / peer:.0f} tasks/s; ratio vantage/psql time {ours / peer:.2f}")
print(f"target: {total} tasks in <= 10 s: {'met' if ours <= 10 else 'NOT met'}")
PY
