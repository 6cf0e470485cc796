#!/usr/bin/env bash
# Throughput, side by side in one run: Vantage (release build) vs ONNX Runtime on the same prepared
# model, batch and thread count. Prints both medians, the ratio and Vantage's peak RSS.
#   benchmarks/infer.sh [--model efficientnet-lite0] [--batch 32] [--threads 2] [--seconds 10]
# Needs: a prepared model (scripts/prepare-models.sh), python3 with numpy + onnxruntime.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The models venv (scripts/prepare-models.sh) has numpy and onnxruntime pinned; python3 otherwise.
py="$root/Fixtures/models/.cache/venv/bin/python"; [ -x "$py" ] || py=python3
model=efficientnet-lite0 batch=32 threads=2 seconds=10
while [ $# -gt 0 ]; do
    case "$1" in
        --model) model="$2"; shift 2 ;;
        --batch) batch="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
scratch="${VANTAGE_BUILD_PATH:-$root/.build-release}"
swift build -c release --product vantage --package-path "$root" --scratch-path "$scratch" >&2
vantage="$scratch/release/vantage"

ours="$(VANTAGE_ROOT="$root" "$vantage" bench infer --model "$model" --batch "$batch" --threads "$threads" --seconds "$seconds" --json)"
peer="$("$py" "$root/benchmarks/python/ort_infer_bench.py" --model "$model" --batch "$batch" --threads "$threads" --seconds "$seconds")"
echo "vantage:      $ours"
echo "onnxruntime:  $peer"
"$py" - "$ours" "$peer" <<'PY'
import json, sys
ours, peer = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = ours["images_per_s"] / peer["images_per_s"]
print(f"{ours['model']} batch {ours['batch']} threads {ours['threads']}: vantage {ours['images_per_s']:.1f} images/s "
      f"({ours['gflops']:.1f} GFLOP/s, peak RSS {ours['peak_rss_mb']:.0f} MB), onnxruntime {peer['images_per_s']:.1f} images/s "
      f"(peak RSS {peer['peak_rss_mb']:.0f} MB), ratio {ratio:.2f}x")
PY
