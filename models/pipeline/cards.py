"""Writes the model card (models/cards/intact-vision.md) from the build's measured summary.

Usage: python3 models/pipeline/cards.py <workDir> <modelsDir>
Every figure in the card is read from <workDir>/summary.json and converter-check.json, which
build.py measured in this run; nothing is typed in by hand.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


KNOWN_LIMITS = [
    "Damage recall is measured on synthetic damage only: no photos of real damaged packaging were "
    "available. Real photos enter the measurement only as intact items (false sidelines), so the "
    "sideline threshold must be calibrated on site (`intact calibrate`) before it is trusted.",
    "The generator's damage is stylised (warps, strips, blobs); real crushes and tears are more varied. "
    "Decoys cover printed splashes, torn-paper bands and dots only.",
    "Small measurement sets: 100 val photos (20 classes with val photos), few queries for the "
    "held-out classes; differences of a few points are within noise. The smallest measurable FPR is "
    "1 / (number of intact samples), so the 0.1 % operating point is extrapolated from a few hundred.",
    "Fine-tuning stops at the backbone's last 1x1 conv: training deeper blocks does not fit the CPU "
    "budget of the build. The backbone itself is nsfwjs's ImageNet-derived MobileNetV2, which nsfwjs "
    "fine-tuned for its own task; it was chosen because it is the pretrained vision backbone reachable here.",
    "WASM latency depends on the runtime: Node 20 runs onnxruntime-web without relaxed SIMD, browsers "
    "with it; measure with `npm run bench` on the target device.",
]


def pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f} %"


def num(v, nd=3) -> str:
    return "n/a" if v is None else f"{v:.{nd}f}"


def damage_table(rep: dict) -> str:
    rows = ["| type | n | ROC-AUC | recall @ 0.1 % FPR | recall @ 1 % FPR | type-head AUC |", "|---|---|---|---|---|---|"]
    rows.append(f"| any damage | {rep['nDamaged']} | {num(rep['auc'])} | {pct(rep['recall@0.1%FPR'])} | {pct(rep['recall@1%FPR'])} | |")
    for name, r in rep["perType"].items():
        rows.append(f"| {name} | {r['n']} | {num(r['auc'])} | {pct(r['recall@0.1%FPR'])} | {pct(r['recall@1%FPR'])} | {num(rep.get('typeAuc', {}).get(name))} |")
    return "\n".join(rows)


def ident_table(ids: dict[str, dict]) -> str:
    rows = ["| query → gallery | " + " | ".join(ids) + " |", "|---|" + "---|" * len(ids)]
    keys = [
        ("valVsTrainGallery", "val photos → train gallery (31 classes)"),
        ("valVsIconic", "val photos → iconic images only (1 per class)"),
        ("seenClassesValVsTrainGallery", "val photos of classes seen in training → train gallery"),
        ("unseenClassesEnrolled", "val photos of held-out classes → gallery (held-out classes enrolled with 5 photos)"),
    ]
    for key, label in keys:
        cells = []
        for r in ids.values():
            v = r.get(key)
            cells.append("n/a" if v is None else f"top-1 {pct(v['top1'])}, top-5 {pct(v['top5'])} (n={v['n']})")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def canvas_text(c: dict | None) -> str:
    if not c:
        return ""
    rows = ["### Renders on real photos vs on synthetic packages (int8, same split, same thresholds)",
            "No photos of really damaged packaging exist in the data available here, so recall on real damaged photos "
            "is **not measured**. The nearest thing: held-out renders whose canvas is a whole grocery-dev **val** photo "
            "with damage drawn on the product. Thresholds are those of the whole split above.", "",
            "| canvas | damaged / intact (decoys) | ROC-AUC within canvas | recall @ 0.1 % FPR | recall @ 1 % FPR | intact sidelined @ 1 % | per type, recall @ 1 % |",
            "|---|---|---|---|---|---|---|"]
    for key, label in (("realPhotoCanvas", "real val photo"), ("syntheticCanvas", "synthetic package")):
        r = c[key]
        types = ", ".join(f"{k} {pct(v['recall@1%FPR'])} (n={v['n']})" for k, v in r["perType"].items())
        rows.append(f"| {label} | {r['nDamaged']} / {r['nIntact']} ({r['nDecoys']}) | {num(r['auc'])} | {pct(r['recall@0.1%FPR'])} | "
                    f"{pct(r['recall@1%FPR'])} | {pct(r['intactSidelined@1%FPR'])} | {types} |")
    return "\n".join(rows) + "\n"


def main(work: Path, models_dir: Path) -> None:
    s = json.loads((work / "summary.json").read_text())
    conv = json.loads((work / "converter-check.json").read_text())
    m8, m32 = s["measured"]["int8"], s["measured"]["fp32"]
    q = s["int8VsFp32"]
    lat = {Path(b["model"]).name: b for b in q["wasmLatency"]}
    lat32 = next(v for k, v in lat.items() if "fp32" in k)
    lat8 = next(v for k, v in lat.items() if "int8" in k)
    extra = s.get("cardNotes", []) + KNOWN_LIMITS
    ids = {"int8 (shipped)": m8["identification"], "fp32": m32["identification"]}
    if "identificationPcaWhitened" in s:
        ids["fp32, PCA-whitened descriptor (no metric learning)"] = s["identificationPcaWhitened"]
    if "identificationRawBackbone" in s:
        ids["raw pooled backbone features, cosine"] = s["identificationRawBackbone"]
    variants = s.get("damageVariantsFp32", {})
    variant_rows = "\n".join(
        f"| {name}{' (shipped)' if name == s.get('damageVariant') else ''} | {num(r['auc'])} | {pct(r['recall@0.1%FPR'])} | {pct(r['recall@1%FPR'])} | "
        f"{pct(r['decoyFalseSidelineRate@1%FPR'])} | {pct(r['realValPhotosFalseSidelineRate@1%FPR'])} |"
        for name, r in variants.items()
    )
    two = s.get("twoModels")
    qb = {Path(b["model"]).name: b["medianMs"] for b in s.get("qdqLayoutBench", [])}
    qdq_text = ", ".join(f"{k}: {v:.0f}" for k, v in qb.items()) or "n/a"
    two_text = "" if not two else (
        f"One graph vs two separate models (int8, WASM, same run): one graph {two['combinedInt8MedianMs']:.0f} ms; "
        f"damage-only {two['damageOnlyInt8MedianMs']:.0f} ms + embedding-only {two['embeddingOnlyInt8MedianMs']:.0f} ms = "
        f"{two['separateTotalMs']:.0f} ms per frame; files {two['combinedBytes'] / 1e6:.2f} MB vs {two['separateBytes'] / 1e6:.2f} MB. "
        "The backbone is almost all of the cost, so one pass feeding both heads is what ships."
    )
    card = f"""# Model card: intact-vision {s['version']} (damage + embedding, one graph)

Generated by `models/pipeline/cards.py` from the measurements of the build that produced the
released files (`npm run models:build`); regenerate rather than edit.

## What it is
One ONNX graph, one backbone pass, five outputs (see `src/lib/core/model-manifest.ts`):
`damage` [1,1] p(damage), `types` [1,5] (crush, tear, hole, deconstruction, spill), `heatmap`
[1,1,7,7] per-cell p(damage), `embedding` [1,{s.get('embedDim', 256)}] L2-normalised global embedding for
identification, `patches` [1,196,{s.get('patchDim', 128)}] L2-normalised 14×14 patch features for comparing an item
with its references. Input 224×224 RGB, letterboxed, value = (pixel/255 − 0.5)/0.5, NCHW.

* `intact-vision-int8.onnx` — default: static QDQ int8 (per-channel symmetric int8 weights,
  uint8 activations calibrated on {s.get('calibrationImages', 'n/a')} images), produced by our own QDQ pass.
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
  `../shared/data/grocery-dev`. Only the **train** split is used for training and calibration;
  **val** and the iconic images are used only for measurement. The app does not read them.

## Training data
* Procedural generator (`models/pipeline/generator.py`, seeded): boxes, gable-top cartons, cans,
  bottles, bags and multipacks printed with crops of train-split photos and flat graphics, on
  varied backgrounds with directional light, white balance, rotation/scale, blur, noise and JPEG;
  45 % of samples instead use a whole train-split photo as the canvas. Damage is rendered with
  pixel masks: crush (dent warp + shading + creases), tear (jagged strip with fibre and lifted
  edge), hole, deconstruction (open flap, items missing from a multipack), spill (translucent
  stain with wet edge and highlights, on and next to the item). Decoys: intact packages printed
  with splashes, torn-paper bands or dark dots.
* Damage training: {s['synthetic']['train']} generator samples (seed {s['seed']}, train photos only).
  Measurement: {s['synthetic']['val']} generator samples from another seed whose photo sources
  are the **val** photos, so no training photo appears in the synthetic test split.
* Embedding: {s.get('embeddingMethod', 'see summary')}
  Held out of every embedding fit (never trained on, measured as unseen products):
  {', '.join(s['heldOutClasses'])}.

## Damage (synthetic held-out split, int8 graph in onnxruntime-web WASM)
{damage_table(m8['damage'])}

* n = {m8['damage']['n']} ({m8['damage']['nDamaged']} damaged, {m8['damage']['nIntact']} intact of which {m8['damage']['nDecoys']} decoys).
  With {m8['damage']['nIntact']} intact samples the smallest measurable FPR is {pct(1 / m8['damage']['nIntact'])}:
  "recall @ 0.1 % FPR" is the recall above the highest-scoring intact sample.
* Decoy false-sideline rate at the 1 %-FPR threshold: {pct(m8['damage']['decoyFalseSidelineRate@1%FPR'])}
  (pristine non-decoy: {pct(m8['damage']['pristineFalseSidelineRate@1%FPR'])}).
* Real intact photos (grocery-dev val, 100 photos, all intact) sidelined at the synthetic 1 %-FPR
  threshold: {pct(m8['damage']['realValPhotosFalseSidelineRate@1%FPR'])}. This is the honest transfer check: the synthetic
  threshold does not carry over to real photos unless this is near 1 %; calibrate on site.
* fp32 for comparison: ROC-AUC {num(m32['damage']['auc'])}, recall @ 1 % FPR {pct(m32['damage']['recall@1%FPR'])}.
{s.get('damageNotes', '')}
{canvas_text(s.get('damageByCanvas'))}

### Frozen vs fine-tuned (fp32, same synthetic val split)
| variant | ROC-AUC | recall @ 0.1 % FPR | recall @ 1 % FPR | decoys sidelined | real intact photos sidelined |
|---|---|---|---|---|---|
{variant_rows}

* frozen-stride32: head on the frozen 1792×7×7 map. conv1-finetuned: the backbone's last 1×1
  conv (Conv_1) fine-tuned with the head ({s.get('damageFinetune', {}).get('subset', 'n/a')} samples, {s.get('damageFinetune', {}).get('epochs', 'n/a')} epochs:
  deeper fine-tuning does not fit the CPU budget of the build). frozen-multiscale: frozen backbone,
  head reading the 7×7 map and the 14×14 patch projection. The shipped variant is the best AUC
  among those that do not sideline more real intact photos than the frozen baseline (+2 points).

## Identification (grocery-dev photos)
{ident_table(ids)}

Nearest-neighbour over gallery images, class score = best match. The train gallery is every
train photo, except that a held-out class is in it only as its 5 enrolment references. The
embedding was never fitted on the iconic images, the val photos or the held-out classes.
These figures are the graph's `embedding` output alone. The app and the CLI search a descriptor
built from it (the manifest's `embedding.global` recipe: a centred second view and a colour
signature) and re-rank with patch features; those figures, measured through the app's code, are
in models/README.md ("Global descriptor") and bench/gallery-eval.json.

## int8 vs fp32
| | fp32 | int8 |
|---|---|---|
| file size | {s['sizes']['fp32'] / 1e6:.2f} MB | {s['sizes']['int8'] / 1e6:.2f} MB ({pct(q['sizeRatio'])} of fp32) |
| damage ROC-AUC | {num(m32['damage']['auc'], 4)} | {num(m8['damage']['auc'], 4)} (drop {num(100 * q['aucDrop'], 2)} points) |
| identification top-1 (val → train) | {pct(m32['identification']['valVsTrainGallery']['top1'])} | {pct(m8['identification']['valVsTrainGallery']['top1'])} |
| WASM latency, 1 thread, Node, median of 10 (same run, side by side) | {lat32['medianMs']:.0f} ms | {lat8['medianMs']:.0f} ms |

{two_text}

QDQ layout chosen by measurement in the build (median ms, WASM, same run): {qdq_text};
shipped: {s.get('qdqLayout', 'n/a')}. onnxruntime-web's WASM int8 depthwise-conv kernel is scalar, so int8 is
not automatically faster than fp32 there; "float-depthwise" keeps the depthwise convs in float (Q/DQ around them).

fp32 figures are the torch heads on the same backbone features; the exported fp32 graph in
onnxruntime-web matches torch to {num(max(s['fp32OnnxVsTorchMaxAbsDiff'].values()), 7)} (max abs over all outputs, 48 images).
{s.get('latencyNotes', '')}

## Known limits
{chr(10).join('* ' + n for n in extra) if extra else '* see the report of the build'}
"""
    out = models_dir / "cards" / "intact-vision.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(card)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
