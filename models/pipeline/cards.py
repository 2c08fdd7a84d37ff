"""Writes the model card (models/cards/intact-vision.md) from the build's measured summary.

Usage: python3 models/pipeline/cards.py <workDir> <modelsDir>
Every figure in the card is read from <workDir>/summary.json and converter-check.json, which
build.py measured in this run; nothing is typed in by hand. Selection-split figures are where
choices were made; report-split figures were never chosen on.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


KNOWN_LIMITS = [
    "Damage recall is measured on synthetic damage only: no photos of real damaged packaging were "
    "available. Real photos enter the measurement as canvases (damage drawn on a real product photo) and "
    "as intact items (false sidelines), so the sideline threshold must be calibrated on site (`intact calibrate`).",
    "The generator's damage is stylised (warps, strips, blobs); real crushes and tears are more varied. "
    "Decoys cover printed splashes, torn-paper bands and dots only.",
    "Small measurement sets: the val photos are split in two halves of about 50 (selection, report); "
    "one photo is 2 points of top-1, and differences of a few points are within noise.",
    "Fine-tuning reaches the backbone's stride-32 stage (blocks 14-16 and Conv_1) for identity; the damage "
    "and item heads read the frozen backbone. The backbone is nsfwjs's ImageNet-derived MobileNetV2, which "
    "nsfwjs fine-tuned for its own task; it was chosen because it is the pretrained vision backbone reachable here.",
    "The item-in-view head learned empty scenes and flat test graphics against product photos and renders; "
    "a photo of a real object that is not packaging (fruit, a tool) was never shown to it.",
    "WASM latency depends on the runtime: Node 20 runs onnxruntime-web without relaxed SIMD, browsers "
    "with it; measure with `npm run bench` on the target device.",
]


def pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


def num(v, nd=3) -> str:
    return "n/a" if v is None else f"{v:.{nd}f}"


def split_row(label: str, sel: dict, rep: dict, key: str, fmt) -> str:
    return f"| {label} | {fmt(sel.get(key))} | {fmt(rep.get(key))} |"


def damage_text(m: dict) -> str:
    sel, rep = m["selection"], m["report"]
    rc_sel, rc_rep = sel["realCanvas"], rep["realCanvas"]
    rows = ["| figure | selection | report |", "|---|---|---|",
            split_row("renders (all canvases): ROC-AUC", sel, rep, "auc", num),
            split_row("recall @ 1 % FPR (intact renders)", sel, rep, "recall@1%FPR", pct),
            split_row("recall @ 0.1 % FPR", sel, rep, "recall@0.1%FPR", pct),
            split_row("decoys sidelined @ 1 % FPR", sel, rep, "decoyFalseSidelineRate@1%FPR", pct),
            split_row("untouched val photos sidelined @ the renders' 1 % FPR", sel, rep, "realValPhotosFalseSidelineRate@1%FPR", pct),
            f"| renders on real photos: ROC-AUC (vs real intact photos) | {num(rc_sel['auc'])} | {num(rc_rep['auc'])} |",
            f"| renders on real photos: recall @ 1 % of real intact photos sidelined | {pct(rc_sel['recall@1%RealIntactSidelined'])} | {pct(rc_rep['recall@1%RealIntactSidelined'])} |",
            f"| n renders (damaged / intact) | {sel['nDamaged']} / {sel['nIntact']} | {rep['nDamaged']} / {rep['nIntact']} |"]
    per_type = ["", "Per damage type, report split: " + ", ".join(f"{k} AUC {num(v['auc'])} (recall @ 1 % {pct(v['recall@1%FPR'])}, n={v['n']})" for k, v in rep["perType"].items()) + "."]
    return "\n".join(rows + per_type)


def ident_text(m8: dict, m32: dict) -> str:
    keys = [
        ("valVsTrainGallery", "val photos → train gallery (31 classes)"),
        ("valVsIconic", "val photos → iconic images only (1 per class)"),
        ("seenClassesValVsTrainGallery", "val photos of classes seen in training → train gallery"),
        ("unseenClassesEnrolled", "val photos of held-out classes → gallery (held-out classes enrolled with 5 photos)"),
    ]
    cell = lambda v: "n/a" if v is None else f"{pct(v['top1'])} / {pct(v['top5'])} (n={v['n']})"  # noqa: E731
    rows = ["| query → gallery (top-1 / top-5) | int8 selection | int8 report | fp32 report |", "|---|---|---|---|"]
    for key, label in keys:
        rows.append(f"| {label} | {cell(m8['selection'].get(key))} | {cell(m8['report'].get(key))} | {cell(m32['report'].get(key))} |")
    return "\n".join(rows)


def main(work: Path, models_dir: Path) -> None:
    s = json.loads((work / "summary.json").read_text())
    conv = json.loads((work / "converter-check.json").read_text())
    m8, m32 = s["measured"]["int8"], s["measured"]["fp32"]
    q = s["int8VsFp32"]
    lat = {Path(b["model"]).name: b for b in q["wasmLatency"]}
    lat32 = next(v for k, v in lat.items() if "fp32" in k)
    lat8 = next(v for k, v in lat.items() if "int8" in k)
    item = s["item"]
    explored = s.get("damageExplored") or {}
    explored_text = "" if not explored else "\n".join(
        ["Variants explored (INTACT_EXPLORE=1, selection split, fp32):"] +
        [f"* {name}: ROC-AUC {num(r['auc'])}, recall @ 1 % FPR {pct(r['recall@1%FPR'])}" for name, r in explored.items()])
    tools = ", ".join(f"{k} {v}" for k, v in s.get("toolchain", {}).items())
    card = f"""# Model card: intact-vision {s['version']} (damage + embedding + item in view, one graph)

Generated by `models/pipeline/cards.py` from the measurements of the build that produced the
released files (`npm run models:build`); regenerate rather than edit.

## What it is
One ONNX graph, six outputs (see `src/lib/core/model-manifest.ts`):
`damage` [1,1] p(damage), `types` [1,5] (crush, tear, hole, deconstruction, spill), `heatmap`
[1,1,7,7] per-cell p(damage), `embedding` [1,{s.get('embedDim', 256)}] L2-normalised global embedding for
identification, `patches` [1,196,{s.get('patchDim', 128)}] L2-normalised 14×14 patch features for comparing an item
with its references, `item` [1,1] p(an item is in view). Input 224×224 RGB, letterboxed,
value = (pixel/255 − 0.5)/0.5, NCHW. The backbone runs once up to block 13; the stride-32 stage runs
twice: as released (damage, item) and fine-tuned for identity (embedding).

* `intact-vision-int8.onnx` — default: static QDQ int8 (per-channel symmetric int8 weights,
  uint8 activations calibrated on {s.get('calibrationImages', 'n/a')} images, layout "{s.get('qdqLayout')}" pinned in
  models/build-config.json), produced by our own QDQ pass.
* `intact-vision-fp32.onnx` — kept to measure against.

## Backbone and licences
* Backbone: MobileNetV2 (depth multiplier 1.4, ImageNet-derived weights) from the npm package
  **nsfwjs@4.3.0**, `dist/models/mobilenet_v2_mid` (tfjs graph model, uint8-quantised weights),
  MIT licence, © Infinite Red, Inc. (github.com/infinitered/nsfwjs). Only the feature
  extractor is used; the NSFW classification layer is dropped. Converted to PyTorch/ONNX by our
  own converter (`models/pipeline/backbone.py`), checked against tfjs 4.22 outputs on fixed inputs:
  max abs diff {num(conv['stride16']['maxAbsDiff'], 6)} on the stride-16 map (values up to {num(conv['stride16']['maxAbs'], 1)}),
  {num(conv['stride32']['maxAbsDiff'], 6)} on the stride-32 map, {num(conv['pooled']['maxAbsDiff'], 6)} on the pooled 1792-d features.
* Photos: GroceryStore dataset (Klasson, Zhang, Kjellström, "A Hierarchical Grocery Store Image
  Dataset with Visual and Semantic Labels", WACV 2019), MIT licence, the `Packages` subset in
  `../shared/data/grocery-dev`. Only the **train** split (and the iconic images of the seen classes,
  for identity) is used for training; **val** is used only for measurement, split in two halves:
  **selection** (where any choice is made) and **report** (never chosen on). {s['splits']['rule']}.
  The app does not read them.
* Toolchain of this build: {tools}.

## Training data
* Procedural generator (`models/pipeline/generator.py`, seeded): boxes, gable-top cartons, cans,
  bottles, bags and multipacks printed with crops of train-split photos and flat graphics, on
  varied backgrounds with directional light, white balance, rotation/scale, blur, noise and JPEG;
  {pct(s['config']['damage']['realCanvasShare'])} of samples instead use a whole train-split photo as the canvas, with damage
  drawn inside the product's own outline (GrabCut from the picture's centre). Damage: crush (dent warp
  + shading + creases), tear (jagged strip with fibre and lifted edge), hole, deconstruction (open
  flap, items missing from a multipack), spill (translucent stain with wet edge and highlights, on
  and next to the item). Decoys: intact packages printed with splashes, torn-paper bands or dark dots.
* Damage training: {s['synthetic']['train']} generator samples (seed {s['seed']}, train photos only) plus every
  train photo as an intact hard negative. Measurement: {s['synthetic']['measure']} renders per val split, drawn on that
  split's val photos only.
* Embedding: {s.get('embeddingMethod', 'see summary')}
  Held out of every embedding fit (never trained on, measured as unseen products):
  {', '.join(s['heldOutClasses'])}.
* Item in view: a logistic regression on the frozen pooled descriptor; train photos and renders
  against {s['config']['item']['noItemFrames']} frames with nothing to judge (`models/pipeline/no_item.py`: empty
  surfaces, totes, flat test graphics, a covered lens, motion blur).

## Damage (int8 graph in onnxruntime-web WASM)
{damage_text(m8['damage'])}

fp32 (torch heads) for comparison, report split: ROC-AUC {num(m32['damage']['report']['auc'])}, on real canvases
{num(m32['damage']['report']['realCanvas']['auc'])}.
{explored_text}

## Item in view (torch, threshold 0.5)
* val photos called "item": selection {pct(item['valPhotosItem']['selection'])}, report {pct(item['valPhotosItem']['report'])};
  iconic images {pct(item['iconicItem'])}.
* held-out no-item frames (another seed) called "item": {pct(item['noItemFramesCalledItem'])}.

## Identification (the graph's embedding alone)
{ident_text(m8['identification'], m32['identification'])}

Nearest-neighbour over gallery images, class score = best match. The train gallery is every
train photo, except that a held-out class is in it only as its 5 enrolment references. The app and
the CLI search a descriptor built from this embedding (the manifest's `embedding.global` recipe: a
centred second view and a colour signature), re-rank with patch features and calibrate the
ranking into probabilities (the manifest's `scoring.identity`); those figures, measured through
the CLI's code, are in bench/identity-eval.json.

## int8 vs fp32
| | fp32 | int8 |
|---|---|---|
| file size | {s['sizes']['fp32'] / 1e6:.2f} MB | {s['sizes']['int8'] / 1e6:.2f} MB ({pct(q['sizeRatio'])} of fp32) |
| damage ROC-AUC, report | {num(m32['damage']['report']['auc'], 4)} | {num(m8['damage']['report']['auc'], 4)} |
| identification top-1 (val → train), report | {pct(m32['identification']['report']['valVsTrainGallery']['top1'])} | {pct(m8['identification']['report']['valVsTrainGallery']['top1'])} |
| WASM latency, 1 thread, Node, median of 10 (same run, side by side) | {lat32['medianMs']:.0f} ms | {lat8['medianMs']:.0f} ms |

fp32 figures are the torch heads on the same backbone features; the exported fp32 graph in
onnxruntime-web matches torch to {num(max(s['fp32OnnxVsTorchMaxAbsDiff'].values()), 7)} (max abs over all outputs, 48 images).

## Known limits
{chr(10).join('* ' + n for n in KNOWN_LIMITS)}
"""
    out = models_dir / "cards" / "intact-vision.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(card)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
