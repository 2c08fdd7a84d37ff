"""Renders a labelled set for fitting the app's default decision thresholds (scripts/calibrate-defaults.sh).

Held out from everything the models were trained on: the damage generator
(models/pipeline/generator.py) is run with a seed no build step uses on the grocery *val* photos
of one split only (the damage head trains on train-photo renders), and that split's real val
photos themselves are added as good items. The thresholds are fitted on the SELECTION split
(SEED + 2); the REPORT split (SEED + 8) is only ever scored, to report what the fitted thresholds do.
Writes <out>/images/... and <out>/labels.csv (`image,label`, label good|damaged; decoys, which
only look damaged, are labelled good).
usage: /usr/bin/python3 scripts/render-calibration-set.py <out_dir> [n] [selection|report]
"""
import csv
import json
import shutil
import sys
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models" / "pipeline"))
from build import SEED  # noqa: E402
from data import read_rgb, split_images  # noqa: E402
from datasets import letterbox  # noqa: E402
from generator import generate  # noqa: E402
from splits import val_role  # noqa: E402

SEEDS = {"selection": SEED + 2, "report": SEED + 8}


def main(out: Path, n: int, split: str) -> None:
    images = out / "images"
    seed = SEEDS[split]
    params = {"seed": seed, "n": n, "split": split}
    # Rendering is deterministic, so an existing set made with the same parameters is reused.
    stamp = out / "params.json"
    if stamp.exists() and json.loads(stamp.read_text()) == params and (out / "labels.csv").exists():
        print(f"reusing {out} ({n} renders, seed {seed}, {split} split)", file=sys.stderr)
        return
    if out.exists():
        shutil.rmtree(out)
    images.mkdir(parents=True)
    val = split_images("val")
    mine = [item for item, role in zip(val, val_role([(c, p.name) for c, p in val])) if role == split]
    photos = [read_rgb(p) for _, p in mine]
    canvases = [letterbox(p) for p in photos]
    rows = []
    for i in range(n):
        s = generate(seed, i, photos, canvases)
        label = "damaged" if s.types.sum() > 0 else "good"
        name = f"render/{i:05d}-{s.canvas}-{'decoy' if s.decoy else label}.jpg"
        (images / name).parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(images / name), cv2.cvtColor(s.image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 95])
        rows.append((name, label))
    for cls, path in mine:
        name = f"photo/{cls}/{path.name}"
        (images / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, images / name)
        rows.append((name, "good"))
    with open(out / "labels.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["image", "label"])
        w.writerows(rows)
    good = sum(1 for _, l in rows if l == "good")
    stamp.write_text(json.dumps(params))
    print(f"wrote {len(rows)} images ({good} good, {len(rows) - good} damaged) to {images}", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 800, sys.argv[3] if len(sys.argv) > 3 else "selection")
