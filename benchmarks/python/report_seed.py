#!/usr/bin/env python3
"""Synthetic evaluation rows for benchmarks/report.sh: one finished run of N images x 3 models.

Writes COPY text files into OUT: images.tsv, chunks.tsv, predictions.tsv, and run.json (the run's
parameters). Curated images get a class, rotation (0..49), viewpoint and room; accuracy is made to
depend on them (and control images to be easier), so the report's charts show structure. Predictions
are top-5 ImageNet indices with descending probabilities; the overlap top-5 is derived from them.

Usage: report_seed.py OUT --classes classes.tsv (id, objectnet_id, imagenet indices ';'-joined)
                          --rotations R --viewpoints 1,2,3 --rooms 1,2,3,4 [--images 50000] [--control 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import random

MODELS = [("efficientnet-lite0", 0.42), ("efficientnet-lite1", 0.45), ("efficientnet-lite2", 0.48)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--classes", required=True)
    ap.add_argument("--rotations", required=True)
    ap.add_argument("--viewpoints", required=True)
    ap.add_argument("--rooms", required=True)
    ap.add_argument("--images", type=int, default=50000)
    ap.add_argument("--control", type=int, default=5000)
    ap.add_argument("--run", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(7)
    classes = []
    for line in open(args.classes):
        cid, oid, indices = (line.rstrip("\n").split("\t") + [""])[:3]
        classes.append((int(cid), [int(i) for i in indices.split(";") if i]))
    rotations = [int(x) for x in args.rotations.split(",")]
    viewpoints = [int(x) for x in args.viewpoints.split(",")]
    rooms = [int(x) for x in args.rooms.split(",")]
    mapped = [c for c in classes if c[1]]
    class_of = {i: c[0] for c in classes for i in c[1]}
    run = args.run
    curated = args.images - args.control
    os.makedirs(args.out, exist_ok=True)
    images = []
    with open(os.path.join(args.out, "images.tsv"), "w") as f:
        for image_id in range(args.images):
            if image_id < curated:
                cid, indices = rng.choice(classes)
                r, v, m = rng.choice(rotations), rng.choice(viewpoints), rng.choice(rooms)
                f.write(f"{run}\t{image_id}\tcurated\t{image_id:015x}.png\t\\N\t{cid}\t\\N\t{r}\t{v}\t{m}\n")
                images.append((cid, indices, 1.0 - 0.4 * (r % 10) / 10 - 0.1 * viewpoints.index(v) - 0.05 * rooms.index(m), False))
            else:
                cid, indices = rng.choice(mapped)
                f.write(f"{run}\t{image_id}\tcontrol\tcontrol/{image_id:08d}.jpg\t\\N\t{cid}\t\\N\t\\N\t\\N\t\\N\n")
                images.append((cid, indices, 1.0, True))
    with open(os.path.join(args.out, "chunks.tsv"), "w") as f:
        for model, _ in MODELS:
            for chunk, first in enumerate(range(0, args.images, 16)):
                last = min(first + 15, args.images - 1)
                f.write(f"{run}\t{model}\t{chunk}\t{first}\t{last}\t2026-01-01 00:00:00+00\tseed\n")
    with open(os.path.join(args.out, "predictions.tsv"), "w") as f:
        for model, base in MODELS:
            for image_id, (cid, indices, factor, control) in enumerate(images):
                p = min(0.95, (0.8 if control else base) * factor + (0.05 if control else 0))
                if indices and rng.random() < p:
                    top = [rng.choice(indices)]
                else:
                    top = [rng.randrange(1000)]
                while len(top) < 5:
                    candidate = rng.randrange(1000)
                    if candidate not in top:
                        top.append(candidate)
                scores = sorted((rng.random() for _ in range(5)), reverse=True)
                total = sum(scores) * 1.3
                scores = [s / total for s in scores]
                seen, overlap, overlap_scores = set(), [], []
                for index, score in zip(top, scores):
                    c = class_of.get(index)
                    if c is not None and c not in seen:
                        seen.add(c)
                        overlap.append(index)
                        overlap_scores.append(score)
                if not overlap:
                    overlap, overlap_scores = [mapped[0][1][0]], [0.001]
                fmt = lambda xs: "{" + ",".join(str(x) for x in xs) + "}"
                fmtf = lambda xs: "{" + ",".join(f"{x:.6f}" for x in xs) + "}"
                f.write(f"{run}\t{image_id}\t{model}\t{fmt(top)}\t{fmtf(scores)}\t{fmt(overlap)}\t{fmtf(overlap_scores)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
