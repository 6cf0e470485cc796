#!/usr/bin/env python3
"""Derives Fixtures/catalog/ from the ObjectNet metadata (facts, re-expressed in our own files).

Inputs: ../shared/data/objectnet-metadata/ (folder->label, ObjectNet->ImageNet names, ImageNet names in
2012-id order, torchvision index -> 2012 id) and the 1000 ImageNet WordNet ids, which torchvision orders
by sorting; those come from the `timm` wheel on PyPI (timm/data/_info/imagenet_synsets.txt).

Outputs (committed):
  Fixtures/catalog/imagenet-1k.csv      index,wnid,name           (torchvision index order)
  Fixtures/catalog/objectnet-classes.csv objectnet_id,folder,name,symmetry,imagenet_indices
Re-run: python3 scripts/derive-catalog.py [--metadata DIR]
"""
import argparse, csv, glob, io, json, os, subprocess, sys, tempfile, zipfile

# Classes whose look does not change when turned about one axis, or at all. A judgement, kept here
# so it can be argued with: task generation offers them fewer (or one) poses.
AXIAL = {
    "Battery", "Beer bottle", "Beer can", "Bottle cap", "Bottle stopper", "Bucket", "Candle", "Canned food",
    "Chess piece", "Coaster", "Coin (money)", "Cooking oil bottle", "Cork", "Deodorant", "Drinking Cup",
    "Drinking straw", "Flour container", "Glue container", "Hairtie", "Honey container", "Jar", "Lampshade",
    "Light bulb", "Lipstick", "Marker", "Milk", "Mixing / Salad Bowl", "Mouthwash", "Nail polish",
    "Nut for a screw", "Paint can", "Paper plates", "Paper towel", "Pen", "Pencil", "Pepper shaker",
    "Pill bottle", "Plastic cup", "Plate", "Pop can", "Ring", "Rolling pin", "Salt shaker",
    "Soup Bowl", "Stopper (sink/tub)", "Sugar container", "Tape / duct tape", "Thermos",
    "Toilet paper roll", "Trash bin", "Vase", "Water bottle", "Wheel", "Wine bottle", "Wine glass",
    "Button", "Bracelet", "Screw", "Nail (fastener)", "Walking cane", "Chopstick",
}
SPHERICAL = {"Orange", "Lemon", "Tomato"}


def timm_synsets():
    folder = tempfile.mkdtemp(prefix="timm-")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", folder, "timm==1.0.31"], check=True)
    wheel = glob.glob(os.path.join(folder, "timm-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        return z.read("timm/data/_info/imagenet_synsets.txt").decode().split()


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("--metadata", default=os.path.join(root, "..", "shared", "data", "objectnet-metadata"))
    args = parser.parse_args()
    m = args.metadata

    folder_to_label = json.load(open(os.path.join(m, "folder_to_objectnet_label.json")))
    objectnet_to_imagenet = json.load(open(os.path.join(m, "objectnet_to_imagenet_1k.json")))
    names_2012 = [line.rstrip("\n") for line in open(os.path.join(m, "imagenet_to_label_2012_v2")) if line.strip()]
    torch_to_2012 = {int(k): int(v) for k, v in json.load(open(os.path.join(m, "pytorch_to_imagenet_2012_id.json"))).items()}
    torch_to_objectnet = {int(k): int(v) for k, v in json.load(open(os.path.join(m, "imagenet_pytorch_id_to_objectnet_id.json"))).items()}
    assert len(names_2012) == 1000 and len(torch_to_2012) == 1000

    wnids = timm_synsets()
    assert len(wnids) == 1000 and wnids == sorted(wnids)
    names = [names_2012[torch_to_2012[i]] for i in range(1000)]

    labels = sorted(folder_to_label.values())  # case-sensitive sort: the ObjectNet id rule
    assert len(labels) == 313
    label_to_folder = {v: k for k, v in folder_to_label.items()}
    name_to_index = {}
    for i, n in enumerate(names):
        name_to_index.setdefault(n, []).append(i)  # "crane" and "maillot" name two classes each

    out = os.path.join(root, "Fixtures", "catalog")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "imagenet-1k.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["index", "wnid", "name"])
        for i in range(1000):
            w.writerow([i, wnids[i], names[i]])

    derived = {}
    with open(os.path.join(out, "objectnet-classes.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["objectnet_id", "folder", "name", "symmetry", "imagenet_indices"])
        for oid, label in enumerate(labels):
            indices = []
            if label in objectnet_to_imagenet:
                for n in objectnet_to_imagenet[label].split("; "):
                    assert len(name_to_index[n]) == 1, f"{label} maps to the ambiguous ImageNet name {n}"
                    indices.append(name_to_index[n][0])
            for i in indices:
                derived[i] = oid
            symmetry = "spherical" if label in SPHERICAL else "axial" if label in AXIAL else "none"
            w.writerow([oid, label_to_folder[label], label, symmetry, ";".join(str(i) for i in sorted(indices))])

    # The derived mapping must agree with the published torchvision -> ObjectNet table.
    assert derived == torch_to_objectnet, "derived mapping disagrees with imagenet_pytorch_id_to_objectnet_id.json"
    assert len(set(derived.values())) == 113 and len(derived) == 125
    unknown = (AXIAL | SPHERICAL) - set(labels)
    assert not unknown, f"symmetry lists name unknown classes: {unknown}"
    print(f"wrote {out}: 1000 ImageNet classes, 313 ObjectNet classes, 113 mapped onto 125 ImageNet ids")


if __name__ == "__main__":
    main()
