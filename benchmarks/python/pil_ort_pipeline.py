#!/usr/bin/env python3
"""End-to-end peer throughput: PIL decode + preprocessing + ONNX Runtime inference over a folder.

The figure the Swift evaluation pipeline (libjpeg-turbo decode, resize, crop, engine) is compared
with. Images (.jpg, .jpeg, .png, any depth below DIR) are decoded and preprocessed one by one in this
process, as a plain PIL + ORT evaluator would, and inferred in batches of --batch.
Prints JSON: {"model", "images", "seconds", "images_per_s", "preprocess_s", "infer_s", "peak_rss_mb",
"batch", "threads"}.

Usage: pil_ort_pipeline.py DIR [--model efficientnet-lite0] [--batch 32] [--threads 2]
                           [--border-crop 0] [--repeat 1] [--limit N]
  --border-crop 2 removes ObjectNet's red border before preprocessing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import preprocess as pp  # noqa: E402

EXTENSIONS = (".jpg", ".jpeg", ".png")


def list_images(directory: str) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(directory):
        for f in files:
            if f.lower().endswith(EXTENSIONS):
                found.append(os.path.join(root, f))
    return sorted(found)


def main() -> int:
    ap = argparse.ArgumentParser(description="PIL + ONNX Runtime images/s, decode to logits.")
    ap.add_argument("dir")
    ap.add_argument("--model", default="efficientnet-lite0", help="a manifest name or an .onnx path beside its manifest")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--border-crop", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="passes over the folder (timing is over all passes)")
    ap.add_argument("--limit", type=int, default=0, help="use at most this many images (0: all)")
    args = ap.parse_args()
    if not (1 <= args.batch <= 1024 and 1 <= args.threads <= 256 and 0 <= args.border_crop <= 64 and 1 <= args.repeat <= 1000):
        print("error: batch, threads, border-crop or repeat is out of range.", file=sys.stderr)
        return 1
    files = list_images(args.dir)
    if args.limit > 0:
        files = files[: args.limit]
    if not files:
        print(f"error: no .jpg, .jpeg or .png images under {args.dir}.", file=sys.stderr)
        return 1
    try:
        manifest = pp.load_manifest(args.model)
    except OSError as e:
        print(f"error: no manifest for {args.model}: {e.strerror}.", file=sys.stderr)
        return 1
    path = args.model if args.model.endswith(".onnx") else os.path.join(pp.MODELS_DIR, manifest["onnx_file"])

    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    try:
        sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # ORT raises its own exception types
        print(f"error: ONNX Runtime could not load {path}: {e}", file=sys.stderr)
        return 1
    size = manifest["input_size"]
    feed_name, out_name = manifest["input_name"], manifest["output_name"]
    sess.run([out_name], {feed_name: np.zeros((args.batch, 3, size, size), np.float32)})  # warm-up

    prep_s = infer_s = 0.0
    done = failed = 0
    start = time.perf_counter()
    for _ in range(args.repeat):
        for i in range(0, len(files), args.batch):
            t0 = time.perf_counter()
            tensors = []
            for f in files[i:i + args.batch]:
                try:
                    with Image.open(f) as im:
                        tensors.append(pp.preprocess(im, size, manifest["crop_ratio"], manifest["mean"],
                                                     manifest["std"], args.border_crop))
                except (OSError, ValueError):
                    failed += 1
            t1 = time.perf_counter()
            if tensors:
                sess.run([out_name], {feed_name: np.stack(tensors)})
            t2 = time.perf_counter()
            prep_s += t1 - t0
            infer_s += t2 - t1
            done += len(tensors)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "model": manifest["name"],
        "images": done,
        "unreadable": failed,
        "seconds": round(seconds, 3),
        "images_per_s": round(done / seconds, 2),
        "preprocess_s": round(prep_s, 3),
        "infer_s": round(infer_s, 3),
        "batch": args.batch,
        "threads": args.threads,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
