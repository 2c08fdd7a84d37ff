"""Writes models/manifest.json and models/released/reference-io.json for the built graphs.

Usage: python3 models/pipeline/release.py <workDir> <modelsDir>
Reads <workDir>/summary.json (written by build.py). The reference outputs are produced by
running the released files in onnxruntime-web (WASM) under Node, the engine CI checks with.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from build import MODEL_ID, VERSION, ort_infer  # noqa: E402
from features import to_input  # noqa: E402
from generator import DAMAGE_TYPES, generate  # noqa: E402
from reference_inputs import formula_image  # noqa: E402

INPUT = {"name": "input", "size": 224, "layout": "NCHW", "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "fit": "letterbox"}
OUTPUTS = {"damage": "damage", "types": "types", "heatmap": "heatmap", "embedding": "embedding", "patches": "patches", "item": "item"}
FORMULA = "pixel(x, y, c) = round(255 * (0.5 + 0.5 * sin(x*(k+1)*0.07 + y*(c+2)*0.05 + k*1.3 + c))), 224x224 RGB, c = 0 R, 1 G, 2 B"
# Reference PNGs: the first generator samples (seed 7, synthetic canvases) showing each of these
# labels; committed so CI needs no Python.
PNG_SEED = 7
PNG_WANTED = ["spill", "tear", "crush", "pristine", "decoy"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reference_images(released: Path) -> list[tuple[dict, np.ndarray]]:
    out = []
    for k in range(3):
        img = np.round(formula_image(k) * 255).astype(np.uint8)
        out.append(({"name": f"formula-{k}", "kind": "formula", "k": k}, img))
    ref_dir = released / "reference-inputs"
    ref_dir.mkdir(exist_ok=True)
    found: dict[str, tuple[int, object]] = {}
    index = 0
    while len(found) < len(PNG_WANTED):
        s = generate(PNG_SEED, index, [], [])  # synthetic canvas only: no dataset photo is committed
        kinds = [DAMAGE_TYPES[t] for t in range(5) if s.types[t]]
        label = "decoy" if s.decoy else ("pristine" if not kinds else kinds[0] if len(kinds) == 1 else None)
        if label in PNG_WANTED and label not in found:
            found[label] = (index, s)
        index += 1
    for label in PNG_WANTED:
        index, s = found[label]
        name = f"generator-{label}"
        path = ref_dir / f"{name}.png"
        cv2.imwrite(str(path), cv2.cvtColor(s.image, cv2.COLOR_RGB2BGR))
        meta = {"name": name, "kind": "png", "file": f"reference-inputs/{name}.png", "generator": {"seed": PNG_SEED, "index": index},
                "label": {"types": [float(v) for v in s.types], "decoy": bool(s.decoy)}}
        out.append((meta, s.image))
    return out


def embedding_spec(outputs: dict[str, np.ndarray]) -> dict:
    """Dims as onnxruntime-web reports them for the file, so the manifest cannot disagree with it."""
    n_patches, patch_dim = outputs["patches"].shape[1:3]
    side = int(round(n_patches ** 0.5))
    if side * side != n_patches:
        raise ValueError(f"patch count {n_patches} is not a square grid")
    return {"dim": int(outputs["embedding"].shape[1]), "patchDim": int(patch_dim), "patchGrid": [side, side]}


# The gallery's global descriptor recipe (src/lib/core/global-descriptor.ts): whole-image
# embedding averaged with a centred crop's, plus a colour signature at weight 0.5. Chosen on
# the dev photos (models/README.md, "Global descriptor"); the key ties vectors to file + recipe.
GLOBAL_DESCRIPTOR = {
    "centreCrop": 0.8,
    "colour": {"hueBins": 18, "saturationBins": 3, "valueBins": 3, "greyBins": 4, "margin": 0.1, "minSaturation": 0.2, "weight": 0.5},
}


def global_descriptor(file_sha256: str, embedding_dim: int) -> dict:
    c = GLOBAL_DESCRIPTOR["colour"]
    recipe = {**GLOBAL_DESCRIPTOR, "dim": embedding_dim + c["hueBins"] * c["saturationBins"] * c["valueBins"] + c["greyBins"]}
    canonical = json.dumps(recipe, sort_keys=True, separators=(",", ":"))
    return {**recipe, "key": hashlib.sha256(f"{file_sha256}\n{canonical}".encode()).hexdigest()}


def app_normalise(images: np.ndarray) -> np.ndarray:
    """NCHW float32 computed as src/lib/core/preprocess.ts does: pixel * (1 / (255 * std)) + (-mean / std),
    in double precision, then stored as float32. int8 graphs round their input to 8 bits, so
    the reference must see bit-identical inputs to the app's."""
    gain = 1.0 / (255.0 * np.asarray(INPUT["std"], np.float64))
    bias = -np.asarray(INPUT["mean"], np.float64) / np.asarray(INPUT["std"], np.float64)
    x = images.astype(np.float64).transpose(0, 3, 1, 2) * gain[None, :, None, None] + bias[None, :, None, None]
    return x.astype(np.float32)


def round_list(a, nd=6):
    return [round(float(v), nd) for v in np.asarray(a).reshape(-1)]


def main(work: Path, models_dir: Path) -> None:
    summary_path = work / "summary.json"
    if summary_path.exists():
        summary = json.loads(summary_path.read_text())
    else:  # graphs exported, measurements still running: release without metrics
        summary = {"modelId": MODEL_ID, "version": VERSION, "measured": {}}
    released = models_dir / "released"
    released.mkdir(parents=True, exist_ok=True)
    entries = []
    files = {}
    for prec in ("int8", "fp32"):
        built = work / "out" / f"{summary['modelId']}-{prec}.onnx"
        path = released / built.name
        if built.exists():  # else: re-releasing files already in place
            shutil.copyfile(built, path)
        files[prec] = path
        m = summary["measured"].get(prec)
        # Figures of the REPORT split (never chosen on); the card has the selection split beside them.
        dmg = (m or {}).get("damage", {}).get("report", {})
        idr = (m or {}).get("identification", {}).get("report", {})
        metrics = None if m is None else {
            "damageAuc": dmg.get("auc"),
            "damageRecallAt1pctFpr": dmg.get("recall@1%FPR"),
            "damageRecallAt0.1pctFpr": dmg.get("recall@0.1%FPR"),
            "damageAucRealCanvas": dmg.get("realCanvas", {}).get("auc"),
            "damageRecallRealCanvasAt1pctRealIntact": dmg.get("realCanvas", {}).get("recall@1%RealIntactSidelined"),
            "decoyFalseSidelineRateAt1pctFpr": dmg.get("decoyFalseSidelineRate@1%FPR"),
            "identTop1ValVsTrainGallery": idr.get("valVsTrainGallery", {}).get("top1"),
            "identTop5ValVsTrainGallery": idr.get("valVsTrainGallery", {}).get("top5"),
            "identTop1ValVsIconic": idr.get("valVsIconic", {}).get("top1"),
            "identTop1UnseenEnrolled": idr.get("unseenClassesEnrolled", {}).get("top1"),
            "measuredOn": "report split: renders on report-split val photos (generator seed+4) and report-split val photos; the graph's embedding alone; see card",
        }
        entries.append({
            "id": f"{summary['modelId']}-{prec}",
            "version": summary["version"],
            "roles": ["damage", "embedding"],
            "precision": prec,
            "file": f"released/{path.name}",  # relative to the manifest's folder, as every reader resolves it
            "sha256": sha256(path),
            "bytes": path.stat().st_size,
            "default": prec == "int8",
            "input": INPUT,
            "outputs": OUTPUTS,
            "embedding": None,  # filled from the reference run below
            **({"metrics": metrics} if metrics else {}),
            "card": "cards/intact-vision.md",
        })
    manifest = {"schema": 1, "models": entries}

    refs = reference_images(released)
    images = np.stack([img for _, img in refs])
    expected = {}
    for entry, (prec, path) in zip(entries, files.items()):
        r = ort_infer(models_dir, path, images, work, inputs=app_normalise(images))
        entry["embedding"] = embedding_spec(r)
        entry["embedding"]["global"] = global_descriptor(entry["sha256"], entry["embedding"]["dim"])
        rows = []
        for i, (meta, _) in enumerate(refs):
            rows.append({
                "input": meta["name"],
                "damage": round(float(r["damage"][i].reshape(-1)[0]), 6),
                "types": round_list(r["types"][i]),
                "heatmap": round_list(r["heatmap"][i]),
                "embedding": round_list(r["embedding"][i]),
                "patchesRow0": round_list(r["patches"][i][0]),
                "patchesMeanAbs": round(float(np.abs(r["patches"][i]).mean()), 6),
                **({"item": round(float(r["item"][i].reshape(-1)[0]), 6)} if "item" in r else {}),
            })
        expected[f"{summary['modelId']}-{prec}"] = rows
    # int8 vs fp32 on the same inputs shows what quantisation moves; CI tolerances are per model
    reference = {
        "schema": 1,
        "about": "Fixed inputs and the outputs onnxruntime-web (WASM, 1 thread, Node) gave for each released graph. "
                 "Feed each input through the model's manifest input spec (letterbox to 224, value = (pixel/255 - mean)/std, NCHW); "
                 "all inputs are already 224x224.",
        "formula": FORMULA,
        "inputs": [meta for meta, _ in refs],
        "expected": expected,
        "tolerances": {
            "damage": 0.01, "types": 0.01, "heatmap": 0.02, "item": 0.01,
            "embeddingMinCosine": 0.999, "embeddingMaxAbs": 0.01,
            "patchesRow0MaxAbs": 0.02, "patchesMeanAbs": 0.002,
            "why": "onnxruntime-web kernels can differ by SIMD path/threads in the last bits; int8 rounding flips move values by one quantisation step at most on a few cells",
        },
        "regenerate": "npm run models:build (or python3 models/pipeline/release.py models/.work/build models) rewrites this file and the PNGs",
    }
    (released / "reference-io.json").write_text(json.dumps(reference, indent=1) + "\n")
    (models_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote manifest ({len(entries)} models) and reference-io ({len(refs)} inputs)")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
