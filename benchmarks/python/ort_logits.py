#!/usr/bin/env python3
"""Runs one ONNX model on a raw float32 input file under ONNX Runtime and writes the raw output.

For the parity script: Vantage and ONNX Runtime read the same tensor and their outputs are compared.
Files are raw little-endian float32 in C (row-major) order, no header (the same format as
Fixtures/models/test). Prints the output shape as JSON: {"output": NAME, "shape": [...]}.

Usage: ort_logits.py --model PATH --input FILE.f32 --shape N,3,S,S --out FILE.f32
                     [--threads 2] [--optimization all|basic|none]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np


def main() -> int:
    ap = argparse.ArgumentParser(description="ONNX Runtime output for a raw float32 input.")
    ap.add_argument("--model", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--shape", required=True, help="comma-separated, e.g. 4,3,224,224")
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--optimization", choices=["all", "basic", "none"], default="all")
    args = ap.parse_args()
    try:
        shape = [int(s) for s in args.shape.split(",")]
    except ValueError:
        print(f"error: --shape {args.shape} is not a comma-separated list of integers.", file=sys.stderr)
        return 1
    if not shape or any(s <= 0 for s in shape) or int(np.prod(shape)) > (1 << 30):
        print(f"error: --shape {args.shape} is empty, non-positive or too large.", file=sys.stderr)
        return 1
    expected = int(np.prod(shape)) * 4
    try:
        size = os.path.getsize(args.input)
    except OSError as e:
        print(f"error: cannot read {args.input}: {e.strerror}.", file=sys.stderr)
        return 1
    if size != expected:
        print(f"error: {args.input} holds {size} bytes, shape {shape} needs {expected}.", file=sys.stderr)
        return 1
    x = np.fromfile(args.input, dtype="<f4").reshape(shape).astype(np.float32)

    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.threads
    opts.graph_optimization_level = {
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "none": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    }[args.optimization]
    try:
        sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
        out = sess.get_outputs()[0].name
        (y,) = sess.run([out], {sess.get_inputs()[0].name: x})
    except Exception as e:  # ORT raises its own exception types
        print(f"error: ONNX Runtime failed on {args.model}: {e}", file=sys.stderr)
        return 1
    y = np.ascontiguousarray(y, dtype="<f4")
    tmp = args.out + ".tmp"
    y.tofile(tmp)
    os.replace(tmp, args.out)
    print(json.dumps({"output": out, "shape": list(y.shape)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
