#!/usr/bin/env python3
"""Stand-ins for a worker's phone photos, for scripts/check-readme-commands.sh.

Writes photo-1.jpg ... photo-N.jpg into a folder: distinct synthetic scenes (a gradient and sharp
shapes, so they are neither dark, blank, blurry nor near duplicates of each other), 1024 x 768, with the
EXIF a phone writes (make, model, DateTimeOriginal now, in UTC with its offset), so that they pass
validation for tasks issued within the last few minutes. Needs Pillow (the models venv has it).

  make-photos.py FOLDER [COUNT=5]
"""
import datetime
import os
import random
import sys

from PIL import Image, ImageDraw


def scene(seed, width=1024, height=768):
    rng = random.Random(seed)
    top = tuple(rng.randrange(60, 200) for _ in range(3))
    bottom = tuple(rng.randrange(60, 200) for _ in range(3))
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(a * (1 - t) + b * t) for a, b in zip(top, bottom)))
    for index in range(14):
        x, y = rng.randrange(width), rng.randrange(height)
        rx, ry = rng.randrange(width // 20, width // 5), rng.randrange(height // 20, height // 5)
        colour = tuple(rng.randrange(256) for _ in range(3))
        box = [x - rx, y - ry, x + rx, y + ry]
        (draw.ellipse if index % 2 else draw.rectangle)(box, fill=colour)
    return image


def main():
    folder = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    now = datetime.datetime.now(datetime.timezone.utc)
    os.makedirs(folder, exist_ok=True)
    for number in range(1, count + 1):
        exif = Image.Exif()
        exif[0x010F] = "Vantage"            # Make
        exif[0x0110] = "README stand-in"    # Model
        exif[0x0112] = 1                    # Orientation
        exif[0x8769] = {                    # the EXIF sub-IFD
            0x9003: now.strftime("%Y:%m:%d %H:%M:%S"),  # DateTimeOriginal
            0x9011: "+00:00",                           # OffsetTimeOriginal
        }
        scene(2019 + number).save(os.path.join(folder, "photo-%d.jpg" % number), "JPEG", quality=90, exif=exif)


if __name__ == "__main__":
    main()
