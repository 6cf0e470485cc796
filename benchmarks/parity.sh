#!/usr/bin/env bash
# Parity: ONNX Runtime and Vantage run the same prepared ONNX file on the same input tensor; prints
# max |Δlogit| per model and fails when any exceeds 1e-3 (the issue's acceptance bound).
# Then accuracy end to end on ../shared/data/imagenet-samples-dev (skipped when absent): Vantage's own
# JPEG decode + preprocessing vs ONNX Runtime fed by PIL, top-1 on the same files (bound: 1 point).
#   benchmarks/parity.sh [--batch 4] [model ...]      (default: the three EfficientNet-Lite models)
# Needs: prepared models (scripts/prepare-models.sh), python3 with numpy + onnxruntime.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The models venv (scripts/prepare-models.sh) has numpy and onnxruntime pinned; python3 otherwise.
py="$root/Fixtures/models/.cache/venv/bin/python"; [ -x "$py" ] || py=python3
batch=4
if [ "${1:-}" = "--batch" ]; then batch="$2"; shift 2; fi
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(efficientnet-lite0 efficientnet-lite1 efficientnet-lite2)

scratch="${VANTAGE_BUILD_PATH:-$root/.build-release}"
swift build -c release --product vantage --package-path "$root" --scratch-path "$scratch" >&2
vantage="$scratch/release/vantage"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
printf '%-20s %6s %12s %12s\n' model batch max_abs_diff bound
for model in "${models[@]}"; do
    size="$("$py" -c "import json,sys; print(json.load(open(sys.argv[1]))['input_size'])" "$root/Fixtures/models/$model.json")"
    # A seeded tensor on the scale of normalised pixels, identical for both engines.
    "$py" -c "import numpy as np,sys; np.random.RandomState(0).uniform(-1,1,(int(sys.argv[1]),3,int(sys.argv[2]),int(sys.argv[2]))).astype('<f4').tofile(sys.argv[3])" \
        "$batch" "$size" "$work/$model.in.f32"
    "$py" "$root/benchmarks/python/ort_logits.py" --model "$root/Fixtures/models/$model.onnx" --input "$work/$model.in.f32" \
        --shape "$batch,3,$size,$size" --out "$work/$model.ort.f32" --threads 2 >/dev/null
    VANTAGE_ROOT="$root" "$vantage" bench logits --model "$model" --input "$work/$model.in.f32" --out "$work/$model.vantage.f32" >/dev/null
    diff="$("$py" -c "import numpy as np,sys; a=np.fromfile(sys.argv[1],'<f4'); b=np.fromfile(sys.argv[2],'<f4'); print(float(np.abs(a-b).max()) if a.shape==b.shape else 'inf')" \
        "$work/$model.ort.f32" "$work/$model.vantage.f32")"
    printf '%-20s %6s %12s %12s\n' "$model" "$batch" "$diff" 1e-3
    "$py" -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 1e-3 else 1)" "$diff" || status=1
done

data="${VANTAGE_SAMPLES:-$root/../shared/data/imagenet-samples-dev}"
if [ -f "$data/labels.csv" ]; then
    printf '\n%-20s %6s %14s %14s %8s\n' model images vantage_top1 ort_pil_top1 delta
    for model in "${models[@]}"; do
        files=()
        while IFS=, read -r file index _; do files+=("$data/$file"); done < <(tail -n +2 "$data/labels.csv")
        VANTAGE_ROOT="$root" "$vantage" classify --model "$model" --json "${files[@]}" > "$work/$model.classify.json"
        peer="$("$py" "$root/benchmarks/python/ort_accuracy.py" --data "$data" --json "$model")"
        "$py" - "$work/$model.classify.json" "$data/labels.csv" "$peer" "$model" <<'PY' || status=1
import csv, json, os, sys
results = json.load(open(sys.argv[1]))
labels = {row["file"]: int(row["imagenet_index"]) for row in csv.DictReader(open(sys.argv[2]))}
hits = sum(1 for r in results if r["top"][0]["index"] == labels[os.path.basename(r["file"])])
ours = 100.0 * hits / len(results)
peer = json.loads(sys.argv[3])[0]["top1"]
print(f"{sys.argv[4]:20s} {len(results):6d} {ours:13.1f}% {peer:13.1f}% {ours - peer:+8.1f}")
sys.exit(0 if abs(ours - peer) <= 1.0 else 1)
PY
    done
fi
exit $status
