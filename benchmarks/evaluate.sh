#!/usr/bin/env bash
# Benchmark: end-to-end `vantage evaluate` images/s against a plain Python PIL + ONNX Runtime evaluator
# (benchmarks/python/evaluate_peer.py) on the same files (goal: >= 1.5x).
# Usage: benchmarks/evaluate.sh [runs] [copies] [model]   (default 3 runs, 3 copies, efficientnet-lite0)
#
# The files: ../shared/data/imagenet-samples-dev (100 JPEGs), linked `copies` times under different
# names into one dataset folder with labels.csv (file,label = WordNet id). Each side is timed as a
# whole process: ours from start through migration check, model load and SHA check, registration,
# decode + inference + top-5 + storing every prediction in PostgreSQL, to the summary (a fresh run each
# time: --new-run); the peer from interpreter start through ORT session creation, PIL decode and
# preprocessing, inference and top-5. Both use 2 threads and batches of 32 (our chunk size;
# the peer measured the same at 16 and 32). Medians of the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
copies=${2:-3}
model=${3:-efficientnet-lite0}
python=Fixtures/models/.cache/venv/bin/python
samples=${VANTAGE_SHARED_DATA:-$PWD/../shared/data}/imagenet-samples-dev
[ -f "$samples/labels.csv" ] || { echo "error: $samples/labels.csv is missing." >&2; exit 1; }

swift build -c release --product vantage --scratch-path .build-release >/dev/null
vantage=$PWD/.build-release/release/vantage

unset VANTAGE_DATABASE_URL
export VANTAGE_HOME
VANTAGE_HOME=$(mktemp -d /tmp/vantage-evaluate-bench.XXXXXX)
chmod 755 "$VANTAGE_HOME"
cleanup() {
  "$vantage" db stop >/dev/null 2>&1 || true
  rm -rf "$VANTAGE_HOME"
}
trap cleanup EXIT
"$vantage" catalog import objectnet >/dev/null

dataset=$VANTAGE_HOME/dataset
mkdir -p "$dataset"
echo "file,label" > "$dataset/labels.csv"
for copy in $(seq 1 "$copies"); do
  mkdir -p "$dataset/c$copy"
  tail -n +2 "$samples/labels.csv" | tr -d '\r' | while IFS=, read -r file _index wnid; do
    ln -s "$samples/$file" "$dataset/c$copy/$file"
    echo "c$copy/$file,$wnid" >> "$dataset/labels.csv"
  done
done
images=$(($(wc -l < "$dataset/labels.csv") - 1))

ours=()
peer=()
for run in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$vantage" evaluate --dataset "$dataset" --label-space imagenet --models "$model" --threads 2 --new-run > "$VANTAGE_HOME/ours.txt" 2>/dev/null
  end=$(date +%s.%N)
  rate=$(echo "scale=2; $images / ($end - $start)" | bc)
  ours+=("$rate")
  top1=$(grep -E "^$model" "$VANTAGE_HOME/ours.txt" | awk '{print $4}')
  start=$(date +%s.%N)
  peer_json=$("$python" benchmarks/python/evaluate_peer.py "$dataset" --model "$model" --threads 2 --batch 32)
  end=$(date +%s.%N)
  peer_rate=$(echo "scale=2; $images / ($end - $start)" | bc)
  peer+=("$peer_rate")
  echo "run $run: vantage evaluate $rate images/s (top-1 $top1); PIL + ONNX Runtime $peer_rate images/s ($peer_json)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_ours=$(median "${ours[@]}")
m_peer=$(median "${peer[@]}")
echo "end-to-end evaluate, $model, $images images: vantage $m_ours images/s, PIL + ONNX Runtime $m_peer images/s, ratio $(echo "scale=2; $m_ours / $m_peer" | bc)x (goal >= 1.5x; medians of $runs runs)"
