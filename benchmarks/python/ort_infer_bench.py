#!/usr/bin/env python3
"""ONNX Runtime inference throughput: the peer figure for `vantage bench infer`.

Times repeated runs of one batch (a fixed, seeded input tensor) for about --seconds, split into
several timed runs after a warm-up, and prints the median images/s and the process's peak RSS as
JSON: {"model", "batch", "threads", "images_per_s", "runs_images_per_s", "peak_rss_mb", "ort_version"}.
intra_op_num_threads = --threads, inter_op 1, sequential execution, graph optimisations on (ORT at
its usual best).

Usage: ort_infer_bench.py --model PATH|NAME [--batch 32] [--threads 2] [--seconds 10] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import preprocess as pp  # noqa: E402


def resolve(model: str) -> str:
    if os.path.isfile(model):
        return model
    return os.path.join(pp.MODELS_DIR, pp.load_manifest(model)["onnx_file"])


def main() -> int:
    ap = argparse.ArgumentParser(description="ONNX Runtime images/s on one model.")
    ap.add_argument("--model", required=True, help="an .onnx path or a manifest name")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=5, help="timed runs the seconds are split into")
    args = ap.parse_args()
    if not (1 <= args.batch <= 1024 and 1 <= args.threads <= 256 and 0 < args.seconds <= 3600 and 1 <= args.runs <= 100):
        print("error: batch, threads, seconds or runs is out of range.", file=sys.stderr)
        return 1
    import onnxruntime as ort

    path = resolve(args.model)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    try:
        sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    except Exception as e:  # ORT raises its own exception types for unreadable models
        print(f"error: ONNX Runtime could not load {path}: {e}", file=sys.stderr)
        return 1
    inp = sess.get_inputs()[0]
    shape = [args.batch] + [int(d) for d in inp.shape[1:]]
    x = np.random.RandomState(0).standard_normal(shape).astype(np.float32)
    feed = {inp.name: x}
    out = [sess.get_outputs()[0].name]

    warm_until = time.perf_counter() + min(2.0, args.seconds / 5)
    sess.run(out, feed)
    while time.perf_counter() < warm_until:
        sess.run(out, feed)

    per_run = args.seconds / args.runs
    rates = []
    for _ in range(args.runs):
        n = 0
        start = time.perf_counter()
        while True:
            sess.run(out, feed)
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= per_run:
                break
        rates.append(n * args.batch / elapsed)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({
        "model": os.path.basename(path)[:-5] if path.endswith(".onnx") else path,
        "batch": args.batch,
        "threads": args.threads,
        "images_per_s": round(statistics.median(rates), 2),
        "runs_images_per_s": [round(r, 2) for r in rates],
        "peak_rss_mb": round(peak_kb / 1024.0, 1),
        "ort_version": ort.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
