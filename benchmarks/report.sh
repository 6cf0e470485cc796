#!/usr/bin/env bash
# Benchmark: `vantage report` over one finished run of 50,000 images x 3 models (target: <= 5 s).
# Usage: benchmarks/report.sh [runs] [images]   (default 3 runs, 50000 images; 10% of them control)
#
# A throwaway VANTAGE_HOME gets vantage's own local cluster and the ObjectNet catalog; synthetic
# predictions (benchmarks/python/report_seed.py: accuracy depending on rotation, viewpoint and room)
# are loaded straight into evaluation_images / evaluation_chunks / predictions with psql \copy.
# Each timed run is the whole process: start, migration check, loading 150,000 predictions, metrics
# for both protocols and every breakdown, report.json, 3 challenge CSVs (+3 control), report.md and
# report.html. Prints every run's seconds and the median. REPORT_KEEP=DIR keeps the last report there.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
images=${2:-50000}
control=$((images / 10))

swift build -c release --product vantage --scratch-path .build-release >/dev/null
vantage=$PWD/.build-release/release/vantage

unset VANTAGE_DATABASE_URL
export VANTAGE_HOME
VANTAGE_HOME=$(mktemp -d /tmp/vantage-report-bench.XXXXXX)
chmod 755 "$VANTAGE_HOME"
cleanup() {
  "$vantage" db stop >/dev/null 2>&1 || true
  rm -rf "$VANTAGE_HOME"
}
trap cleanup EXIT

"$vantage" db start >/dev/null
port=$("$vantage" db url | sed -E 's|.*:([0-9]+)/.*|\1|')
export VANTAGE_DATABASE_URL="postgres://vantage@/vantage?host=$VANTAGE_HOME/postgres&port=$port"
sql() { psql "$VANTAGE_DATABASE_URL" -v ON_ERROR_STOP=1 -qAtc "$1"; }
"$vantage" catalog import objectnet >/dev/null

seed=$VANTAGE_HOME/seed
mkdir -p "$seed"
sql "SELECT c.id, coalesce(c.objectnet_id, -1), coalesce(string_agg(ci.imagenet_idx::text, ';'), '')
     FROM classes c LEFT JOIN class_imagenet ci ON ci.class_id = c.id GROUP BY c.id ORDER BY c.id" | tr '|' '\t' > "$seed/classes.tsv"
rotations=$(sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM rotations")
viewpoints=$(sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM viewpoints")
rooms=$(sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM rooms")
Fixtures/models/.cache/venv/bin/python benchmarks/python/report_seed.py "$seed" --classes "$seed/classes.tsv" \
  --rotations "$rotations" --viewpoints "$viewpoints" --rooms "$rooms" --images "$images" --control "$control"

for model in efficientnet-lite0 efficientnet-lite1 efficientnet-lite2; do
  sha=$(python3 -c "import json,sys; print(json.load(open('Fixtures/models/$model.json'))['onnx_sha256'])")
  sql "INSERT INTO models (name, onnx_sha256, input_size, label_space, reported_top1, manifest)
       SELECT '$model', '$sha', 224, 'imagenet-1k', (m->>'reported_imagenet_top1')::real, m
       FROM (SELECT '$(tr -d '\n' < Fixtures/models/$model.json)'::jsonb AS m) s"
done
catalog=synthetic
sql "INSERT INTO evaluation_runs (id, parameters, status, finished_at) OVERRIDING SYSTEM VALUE VALUES (1, '{\"identity\": {\"set\": \"curated\", \"images_sha256\": \"synthetic\", \"label_space\": \"objectnet\", \"crop_border\": 2, \"models\": [], \"catalog_sha256\": \"$catalog\", \"control\": \"synthetic-control\"}, \"protocol\": \"overlap\", \"chunk_size\": 16}', 'finished', now())"
load_start=$(date +%s.%N)
psql "$VANTAGE_DATABASE_URL" -v ON_ERROR_STOP=1 -q \
  -c "\\copy evaluation_images (run_id, image_id, split, file, photo_id, class_id, imagenet_idx, rotation_id, viewpoint_id, room_id) FROM '$seed/images.tsv'" \
  -c "\\copy evaluation_chunks (run_id, model, chunk, first_image, last_image, done_at, done_by) FROM '$seed/chunks.tsv'" \
  -c "\\copy predictions (run_id, image_id, model, top_imagenet, top_scores, top_overlap, top_overlap_scores) FROM '$seed/predictions.tsv'" \
  -c "ANALYZE"
load_end=$(date +%s.%N)
echo "seeded $images images x 3 models ($(sql "SELECT count(*) FROM predictions") predictions) in $(echo "$load_end - $load_start" | bc) s"

seconds=()
for run in $(seq 1 "$runs"); do
  out=$VANTAGE_HOME/report-$run
  start=$(date +%s.%N)
  "$vantage" report --run 1 --out "$out" >/dev/null
  end=$(date +%s.%N)
  s=$(echo "$end - $start" | bc)
  seconds+=("$s")
  echo "run $run: report in $s s ($(du -sh "$out" | cut -f1))"
done
median=$(printf '%s\n' "${seconds[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "report over $images images x 3 models: median $median s over $runs runs (target <= 5 s)"
if [ -n "${REPORT_KEEP:-}" ]; then rm -rf "$REPORT_KEEP"; cp -r "$VANTAGE_HOME/report-$runs" "$REPORT_KEEP"; echo "kept the last report in $REPORT_KEEP"; fi
