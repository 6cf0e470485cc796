#!/usr/bin/env bash
# Benchmark: `vantage tasks generate` storing 1,000,000 tasks into PostgreSQL (target: <= 10 s).
# Uses a throwaway cluster (scripts/test-cluster.sh), a release build, 100 workers x 10,000 tasks,
# and prints tasks/s for each run and the median of the runs. Usage: benchmarks/tasks-generate.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
tasks_per_worker=10000
workers=100

swift build -c release --product vantage --scratch-path .build-release >/dev/null
vantage=.build-release/release/vantage
source scripts/test-cluster.sh >/dev/null
trap stop_test_cluster EXIT
base=${VANTAGE_TEST_DATABASE_URL%/postgres*}
psql "$VANTAGE_TEST_DATABASE_URL" -qc "CREATE DATABASE vantage_bench" >/dev/null
export VANTAGE_DATABASE_URL="$base/vantage_bench?sslmode=disable"

"$vantage" catalog import objectnet >/dev/null
for i in $(seq 1 $workers); do "$vantage" workers add "w$i" --rooms kitchen,living-room,bedroom,bathroom >/dev/null; done

rates=()
for run in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$vantage" tasks generate --per-worker $tasks_per_worker --seed "$run" >/dev/null
  end=$(date +%s.%N)
  total=$((tasks_per_worker * workers))
  rate=$(python3 -c "print(round($total / ($end - $start)))")
  seconds=$(python3 -c "print(round($end - $start, 2))")
  echo "run $run: $total tasks in ${seconds} s = $rate tasks/s"
  rates+=("$rate")
done
median=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: $median tasks/s over $runs runs of $((tasks_per_worker * workers)) tasks (target 100000 tasks/s = 1M in 10 s)"
