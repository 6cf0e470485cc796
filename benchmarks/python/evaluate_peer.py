#!/usr/bin/env python3
"""Peer of `vantage evaluate` for benchmarks/evaluate.sh: a plain PIL + ONNX Runtime evaluator.

Reads DIR/labels.csv (file,label with ImageNet WordNet ids), decodes and preprocesses every image with
PIL exactly as the manifest says (benchmarks/python/preprocess.py), infers in batches with ONNX Runtime,
takes softmax top-5 and scores top-1/top-5. Prints JSON {"images", "top1", "top5", "seconds",
"images_per_s"}; the caller times the whole process as well.

Usage: evaluate_peer.py DIR [--model efficientnet-lite0] [--batch 16] [--threads 2] [--crop-border 0]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import preprocess as pp  # noqa: E402


def main() -> int:
    start = time.perf_counter()
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--model", default="efficientnet-lite0")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--crop-border", type=int, default=0)
    args = ap.parse_args()
    wnids = {}
    with open(os.path.join(pp.ROOT, "Fixtures", "catalog", "imagenet-1k.csv")) as f:
        for row in csv.DictReader(f):
            wnids[row["wnid"]] = int(row["index"])
    with open(os.path.join(args.dir, "labels.csv")) as f:
        rows = [(os.path.join(args.dir, r["file"]), wnids[r["label"]]) for r in csv.DictReader(f)]
    manifest = pp.load_manifest(args.model)

    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(os.path.join(pp.MODELS_DIR, manifest["onnx_file"]), opts, providers=["CPUExecutionProvider"])
    size = manifest["input_size"]
    top1 = top5 = done = 0
    for i in range(0, len(rows), args.batch):
        batch = rows[i:i + args.batch]
        tensors, labels = [], []
        for path, label in batch:
            try:
                with Image.open(path) as im:
                    tensors.append(pp.preprocess(im, size, manifest["crop_ratio"], manifest["mean"], manifest["std"], args.crop_border))
                    labels.append(label)
            except (OSError, ValueError):
                pass
        if not tensors:
            continue
        logits = sess.run([manifest["output_name"]], {manifest["input_name"]: np.stack(tensors)})[0]
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = exp / exp.sum(axis=1, keepdims=True)
        best = np.argsort(-probs, axis=1, kind="stable")[:, :5]
        for label, top in zip(labels, best):
            top1 += int(top[0] == label)
            top5 += int(label in top)
        done += len(tensors)
    seconds = time.perf_counter() - start
    print(json.dumps({"images": done, "top1": top1 / max(done, 1), "top5": top5 / max(done, 1),
                      "seconds": round(seconds, 3), "images_per_s": round(done / seconds, 2)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
