"""The reference (PIL) preprocessing the Swift engine is measured against, shared by the peer scripts.

RGB; resize the shorter side to int(size / crop_ratio) with PIL bilinear (antialiased when
shrinking, as torchvision's antialias=True); centre crop size x size with torchvision's rounding;
then (x - mean) / std per channel on the 0-255 scale; NCHW float32.
"""

from __future__ import annotations

import json
import os

import numpy as np
from PIL import Image

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODELS_DIR = os.path.join(ROOT, "Fixtures", "models")


def load_manifest(name_or_path: str) -> dict:
    """Reads Fixtures/models/<name>.json, or the manifest beside an .onnx path."""
    if name_or_path.endswith(".onnx"):
        path = name_or_path[: -len(".onnx")] + ".json"
    elif name_or_path.endswith(".json"):
        path = name_or_path
    else:
        path = os.path.join(MODELS_DIR, f"{name_or_path}.json")
    with open(path) as f:
        return json.load(f)


def preprocess(image: Image.Image, size: int, crop_ratio: float, mean, std, border_crop: int = 0) -> np.ndarray:
    """One image -> float32 [3, size, size]."""
    image = image.convert("RGB")
    if border_crop:
        w, h = image.size
        image = image.crop((border_crop, border_crop, w - border_crop, h - border_crop))
    short = int(size / crop_ratio)
    w, h = image.size
    if w <= h:
        nw, nh = short, int(short * h / w)
    else:
        nw, nh = int(short * w / h), short
    image = image.resize((nw, nh), Image.BILINEAR)
    top = int(round((nh - size) / 2.0))
    left = int(round((nw - size) / 2.0))
    image = image.crop((left, top, left + size, top + size))
    x = np.asarray(image, dtype=np.float32)
    x = (x - np.asarray(mean, dtype=np.float32)) / np.asarray(std, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def preprocess_file(path: str, manifest: dict) -> np.ndarray:
    with Image.open(path) as im:
        return preprocess(im, manifest["input_size"], manifest["crop_ratio"], manifest["mean"], manifest["std"])


def read_labels(directory: str) -> list[tuple[str, int]]:
    """labels.csv: file,imagenet_index,wnid -> [(path, index)]."""
    rows = []
    with open(os.path.join(directory, "labels.csv")) as f:
        header = f.readline().strip().split(",")
        fi, li = header.index("file"), header.index("imagenet_index")
        for line in f:
            parts = line.strip().split(",")
            if len(parts) > max(fi, li):
                rows.append((os.path.join(directory, parts[fi]), int(parts[li])))
    return rows
