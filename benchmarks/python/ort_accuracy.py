#!/usr/bin/env python3
"""Top-1/top-5 of the prepared models under ONNX Runtime, fed by PIL preprocessing (preprocess.py).

The peer figure for the Swift engine's accuracy check, and the proof that the prepared graphs (and
the .pth reader behind them) are right: these are training-distribution images, so the top-1 must
be at or above the published ImageNet validation figure.

Usage: ort_accuracy.py [--data DIR] [--threads 2] [--json] [MODEL ...]
  MODEL: a manifest name (efficientnet-lite0) or an .onnx path with its manifest beside it.
  DIR defaults to ../shared/data/imagenet-samples-dev next to the project folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import preprocess as pp  # noqa: E402

DEFAULT_MODELS = ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"]
DEFAULT_DATA = os.path.normpath(os.path.join(pp.ROOT, "..", "shared", "data", "imagenet-samples-dev"))


def evaluate(model: str, rows, threads: int, batch: int = 25) -> dict:
    import onnxruntime as ort

    manifest = pp.load_manifest(model)
    path = model if model.endswith(".onnx") else os.path.join(pp.MODELS_DIR, manifest["onnx_file"])
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    top1 = top5 = 0
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        x = np.stack([pp.preprocess_file(p, manifest) for p, _ in chunk])
        (logits,) = sess.run([manifest["output_name"]], {manifest["input_name"]: x})
        order = np.argsort(-logits, axis=1)[:, :5]
        for (_, label), top in zip(chunk, order):
            top1 += int(top[0] == label)
            top5 += int(label in top)
    n = len(rows)
    return {"model": manifest["name"], "images": n, "top1": 100.0 * top1 / n, "top5": 100.0 * top5 / n,
            "reported_imagenet_top1": manifest.get("reported_imagenet_top1")}


def main() -> int:
    ap = argparse.ArgumentParser(description="ONNX Runtime + PIL top-1/top-5 on a labelled image folder.")
    ap.add_argument("models", nargs="*", default=DEFAULT_MODELS)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.data, "labels.csv")):
        print(f"error: no labels.csv in {args.data}.", file=sys.stderr)
        return 1
    rows = pp.read_labels(args.data)
    results = []
    for model in args.models:
        try:
            r = evaluate(model, rows, args.threads)
        except FileNotFoundError as e:
            print(f"error: {e.filename} is missing; run scripts/prepare-models.sh first.", file=sys.stderr)
            return 1
        results.append(r)
        if not args.json:
            print(f"{r['model']:20s} images {r['images']:4d}  top-1 {r['top1']:5.1f}%  top-5 {r['top5']:5.1f}%  "
                  f"(published ImageNet val top-1 {r['reported_imagenet_top1']}%)")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
