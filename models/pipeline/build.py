"""End-to-end model build: data → features → heads → ONNX fp32 + int8 → measurements.

Usage: python3 models/pipeline/build.py <workDir> <modelsDir>
Stages cache their results under <workDir>/cache so an interrupted build resumes; delete the
folder (build.sh does) to rebuild from scratch. Everything is seeded.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
import cv2  # noqa: E402

from backbone import Backbone  # noqa: E402
from data import split_images  # noqa: E402
from datasets import cell_targets, letterbox, load_photos, synthetic_set  # noqa: E402
from embed_fit import fit_embedding_head, fit_s32_projection  # noqa: E402
from export import calibrate, export_fp32, quantize_qdq  # noqa: E402
from features import extract, to_input  # noqa: E402
from finetune import finetune, tail_features  # noqa: E402
from generator import DAMAGE_TYPES, identity_views  # noqa: E402
from heads import OUTPUT_NAMES_WITH_ITEM, IntactVision, MultiScaleDamageHead, pooled_descriptor  # noqa: E402
from metrics import damage_report, identification, recall_at_fpr, type_report  # noqa: E402
from no_item import no_item_set  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from splits import val_role  # noqa: E402
from store_views import identity_views as identity_views_of_photos, store_view  # noqa: E402
from tail import Tail  # noqa: E402
from train_damage import predict, predict_multiscale, project_s32, train_head, train_multiscale  # noqa: E402
from train_ident import train_identity  # noqa: E402
from train_item import item_probability, train_item_head  # noqa: E402
import onnx  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ORT_RUN = REPO / "models" / "tools" / "ort-run.mjs"  # runs in the repo so onnxruntime-web resolves
CONFIG = json.loads((REPO / "models" / "build-config.json").read_text())
SEED = CONFIG["seed"]
VERSION = CONFIG["version"]
DAMAGE = CONFIG["damage"]
IDENTITY = CONFIG["identity"]
ITEM = CONFIG["item"]
QUANTISATION = CONFIG["quantisation"]
# Variants that do not ship (older damage heads, both QDQ layouts timed) only with INTACT_EXPLORE=1.
EXPLORE = os.environ.get("INTACT_EXPLORE") == "1"
EMBED_DIM = 256
EMBED_HIDDEN = 512
PATCH_DIM = 128
# Held out of every embedding fit; measured as "unseen" products enrolled with a few references.
# Chosen to sit next to a look-alike seen sibling (same brand/carton), which is the hard case.
HELD_OUT = ["Arla-Sour-Cream", "God-Morgon-Red-Grapefruit-Juice", "Garant-Ecological-Standard-Milk", "Alpro-Vanilla-Soyghurt", "Yoggi-Vanilla-Yoghurt"]
ENROL_REFS = 5
MODEL_ID = "intact-vision"

torch.set_num_threads(int(os.environ.get("INTACT_THREADS", 2)))
torch.set_flush_denormal(True)  # fp16-cached features widen into denormals that slow CPU math many-fold
cv2.setNumThreads(1)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class Cache:
    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def get(self, name: str, make, keys: tuple[str, ...] = ()):
        path = self.root / f"{name}.npz"
        if path.exists():
            with np.load(path, allow_pickle=False) as z:
                if all(k in z.files for k in keys):
                    return {k: z[k] for k in z.files}
            log(f"cache {name} lacks {keys}: rebuilding it")
        value = make()
        tmp = self.root / f"{name}.tmp.npz"
        np.savez(tmp, **value)
        tmp.replace(path)
        return value


def main(work: Path, models_dir: Path) -> None:
    t_start = time.time()
    cache = Cache(work / "cache")
    # graphs are written under the work folder; release.py copies them into models/released
    # together with the manifest, so the working tree never holds files the manifest disowns
    released = work / "out"
    released.mkdir(parents=True, exist_ok=True)
    backbone = Backbone(work / "tfjs").eval()
    bb_fast = Backbone(work / "tfjs").eval().to(memory_format=torch.channels_last)

    log("loading photos")
    train_labels, train_photos = load_photos("train")
    val_labels, val_photos = load_photos("val")
    icon_labels, icon_photos = load_photos("iconic")
    roles = val_role([(c, p.name) for c, p in split_images("val")])
    sel = [i for i, r in enumerate(roles) if r == "selection"]
    rep = [i for i, r in enumerate(roles) if r == "report"]

    def photo_feats(name, photos):
        def make():
            log(f"features {name} ({len(photos)})")
            imgs = np.stack([letterbox(p) for p in photos])
            f = extract(bb_fast, imgs, ("stride32", "descriptor", "mid", "block13"), log=log)
            return {**f, "images": imgs}
        return cache.get(name, make, ("stride32", "descriptor", "mid", "block13", "images"))

    ph_train = photo_feats("photos_train", train_photos)
    ph_val = photo_feats("photos_val", val_photos)
    ph_icon = photo_feats("photos_iconic", icon_photos)
    seen = np.array([c not in HELD_OUT for c in train_labels])
    seen_idx = np.flatnonzero(seen)

    # patch projection first (PCA of seen-class train photos): the multi-scale damage head reads it
    emb = fit_embedding_head(ph_train["descriptor"][seen].astype(np.float32), ph_train["mid"][seen], EMBED_DIM, PATCH_DIM, SEED, hidden=EMBED_HIDDEN)
    for ph in (ph_train, ph_val):
        ph["patch_raw"] = patch_raw_of(emb, ph["mid"])

    def syn(name, seed, n, photos, real_share):
        def make():
            log(f"generating {name} ({n}, real canvases {real_share:.0%})")
            d = synthetic_set(seed, n, photos, photos, real_share)
            log(f"features {name}")
            f = extract(bb_fast, d["images"], ("stride32", "descriptor", "patch_raw") + (("block16",) if EXPLORE else ()), log=log, embed_head=emb)
            return {**f, "types": d["types"], "decoy": d["decoy"], "real": d["real"], "cells": cell_targets(d["masks"]), "images": d["images"]}
        return cache.get(name, make, ("stride32", "descriptor", "patch_raw", "types", "decoy", "cells", "images"))

    # train renders use only train-split photos; the measured renders use val photos of one split each
    syn_train = syn("syn_train", SEED, DAMAGE["syntheticTrain"], train_photos, DAMAGE["realCanvasShare"])
    syn_sel = syn("syn_selection", SEED + 1, DAMAGE["syntheticMeasure"], [val_photos[i] for i in sel], 0.5)
    syn_rep = syn("syn_report", SEED + 4, DAMAGE["syntheticMeasure"], [val_photos[i] for i in rep], 0.5)

    # ---------------- damage: multi-scale head; the real train photos join as intact hard negatives
    n_photo = len(train_photos)
    x_s32 = np.concatenate([syn_train["stride32"], ph_train["stride32"]])
    x_patch = np.concatenate([syn_train["patch_raw"], ph_train["patch_raw"]])
    x_types = np.concatenate([syn_train["types"], np.zeros((n_photo, 5), np.float32)])
    x_cells = np.concatenate([syn_train["cells"], np.zeros((n_photo, 7, 7), np.float32)])
    log(f"damage: multi-scale head on {len(x_types)} samples ({n_photo} real intact train photos)")
    ms = MultiScaleDamageHead(patch_dim=PATCH_DIM)
    fit_s32_projection(ms, x_s32, SEED)
    ms = train_multiscale(project_s32(ms, x_s32), x_patch, x_types, x_cells, ms, SEED, epochs=DAMAGE["epochs"], log=log)
    damage_reports = {split: evaluate_multiscale(ms, d, ph_val, idx) for split, d, idx in (("selection", syn_sel, sel), ("report", syn_rep, rep))}
    log(f"  damage AUC selection {damage_reports['selection']['auc']:.4f} (real canvases {damage_reports['selection']['realCanvas']['auc']:.4f}), "
        f"report {damage_reports['report']['auc']:.4f} (real canvases {damage_reports['report']['realCanvas']['auc']:.4f})")
    explored = explore_damage(backbone, syn_train, syn_sel, ph_val, sel) if EXPLORE else None

    # ---------------- identity: the stride-32 stage fine-tuned with the embedding (seen classes only)
    def ident_views():
        ids = IDENTITY
        log(f"identity views: {ids['views']} per seen train photo, {ids['iconicViews']} per seen iconic image, "
            f"{ids['syntheticIdentities']}x{ids['syntheticIdentityViews']} synthetic identities")
        classes = sorted({train_labels[i] for i in seen_idx})
        cls_of = {c: k for k, c in enumerate(classes)}
        photos = [train_photos[i] for i in seen_idx]
        y_photo = np.array([cls_of[train_labels[i]] for i in seen_idx])
        v_imgs, v_src = identity_views_of_photos(photos, list(y_photo), ids["views"], SEED + 2)
        rng = np.random.default_rng(SEED + 5)
        icon_seen = [i for i, c in enumerate(icon_labels) if c in cls_of]
        ic_imgs = np.stack([store_view(icon_photos[i], [photos[j] for j in rng.choice(len(photos), 12, replace=False) if y_photo[j] != cls_of[icon_labels[i]]], rng)
                            for i in icon_seen for _ in range(ids["iconicViews"])])
        ic_y = np.repeat([cls_of[icon_labels[i]] for i in icon_seen], ids["iconicViews"])
        syn_imgs, syn_ids = identity_views(SEED + 3, ids["syntheticIdentities"], ids["syntheticIdentityViews"], photos)
        imgs = np.concatenate([v_imgs, ic_imgs, syn_imgs])
        y = np.concatenate([y_photo[v_src], ic_y, len(classes) + syn_ids]).astype(np.int64)
        f = extract(bb_fast, imgs, ("block13", "mid_mean"), log=log)
        return {"block13": f["block13"], "mid_mean": f["mid_mean"], "y": y}

    views = cache.get("identity_views", ident_views, ("block13", "mid_mean", "y"))
    clean_y = np.array([sorted({train_labels[i] for i in seen_idx}).index(train_labels[i]) for i in seen_idx])
    x_b13 = np.concatenate([ph_train["block13"][seen_idx], views["block13"]])
    x_mid = np.concatenate([ph_train["mid"][seen_idx].astype(np.float32).mean(axis=(2, 3)), views["mid_mean"]]).astype(np.float32)
    x_y = np.concatenate([clean_y, views["y"]])
    log(f"identity: {len(x_y)} views of {int(x_y.max()) + 1} identities, stride-32 stage lr {IDENTITY['tailLearningRate']}, {IDENTITY['epochs']} epochs")
    embed_tail, emb = train_identity(Tail(backbone), emb, x_b13, x_mid, x_y, SEED, IDENTITY["epochs"], IDENTITY["tailLearningRate"], log=log)
    g = {name: embed_photos(embed_tail, emb, ph) for name, ph in (("train", ph_train), ("val", ph_val), ("iconic", ph_icon))}
    ident = {split: identification_suite(g["train"], train_labels, g["val"][idx], [val_labels[i] for i in idx], g["iconic"], icon_labels)
             for split, idx in (("selection", sel), ("report", rep))}
    log(f"identification (torch fp32, graph embedding alone): {json.dumps(ident)}")

    # ---------------- item in view
    no_item = cache.get("no_item", lambda: {**extract(bb_fast, no_item_set(SEED + 6, ITEM["noItemFrames"]), ("descriptor",), log=log)}, ("descriptor",))
    no_item_measure = cache.get("no_item_measure", lambda: {**extract(bb_fast, no_item_set(SEED + 7, ITEM["measureFrames"]), ("descriptor",), log=log)}, ("descriptor",))
    item = train_item_head(np.concatenate([ph_train["descriptor"], syn_train["descriptor"]]).astype(np.float32), no_item["descriptor"].astype(np.float32), SEED)
    item_report = {
        "valPhotosItem": {split: float(np.mean(item_probability(item, ph_val["descriptor"][idx]) >= 0.5)) for split, idx in (("selection", sel), ("report", rep))},
        "noItemFramesCalledItem": float(np.mean(item_probability(item, no_item_measure["descriptor"]) >= 0.5)),
        "iconicItem": float(np.mean(item_probability(item, ph_icon["descriptor"]) >= 0.5)),
    }
    log(f"item in view: {json.dumps(item_report)}")

    # ---------------- export
    model = IntactVision(backbone, ms, emb, embed_tail=embed_tail, item=item).eval()
    fp32_path = released / f"{MODEL_ID}-fp32.onnx"
    int8_path = released / f"{MODEL_ID}-int8.onnx"
    log("exporting fp32")
    fp32 = export_fp32(model, fp32_path, output_names=OUTPUT_NAMES_WITH_ITEM)
    log("calibrating + quantising int8")
    rng = np.random.default_rng(SEED)
    calib_imgs = np.concatenate([
        syn_train["images"][rng.choice(len(syn_train["images"]), 96, replace=False)],
        ph_train["images"][rng.choice(len(ph_train["images"]), 64, replace=False)],
    ])
    calib = [to_input(calib_imgs[i : i + 16]) for i in range(0, len(calib_imgs), 16)]
    ranges = calibrate(fp32, calib)
    # The QDQ layout is pinned in build-config.json (measured side by side with INTACT_EXPLORE=1),
    # so no timing race on a shared machine decides what ships.
    layout = QUANTISATION["layout"]
    onnx.save(quantize_qdq(fp32, ranges, depthwise=layout == "all-int8"), str(int8_path))
    layout_bench = explore_layouts(work, models_dir, fp32, ranges, fp32_path) if EXPLORE else None

    # ---------------- measure: int8 in onnxruntime-web (the shipped engine); fp32 = the torch heads,
    # after checking on a sample that the exported fp32 graph in onnxruntime-web gives the same outputs.
    log("running the int8 graph in onnxruntime-web (WASM) on the measurement sets")
    eval_sets = {"syn_selection": syn_sel["images"], "syn_report": syn_rep["images"], "photos_val": ph_val["images"],
                 "photos_iconic": ph_icon["images"], "photos_train": ph_train["images"]}
    r8 = {name: ort_infer(models_dir, int8_path, imgs, work) for name, imgs in eval_sets.items()}
    sample = ort_infer(models_dir, fp32_path, syn_sel["images"][:48], work)
    with torch.no_grad():
        ref = model(to_input(syn_sel["images"][:48]))
    fp32_parity = {n: float(np.abs(sample[n] - ref[i].numpy()).max()) for i, n in enumerate(OUTPUT_NAMES_WITH_ITEM)}
    log(f"fp32 onnx (ort-web) vs torch, max abs diff: {fp32_parity}")
    measured = {"fp32": {"damage": damage_reports, "identification": ident}, "int8": {"damage": {}, "identification": {}}}
    for split, key, idx in (("selection", "syn_selection", sel), ("report", "syn_report", rep)):
        d = syn_sel if split == "selection" else syn_rep
        rep8 = damage_report(r8[key]["damage"][:, 0], d["types"], d["decoy"], DAMAGE_TYPES)
        rep8["typeAuc"] = type_report(r8[key]["types"], d["types"], DAMAGE_TYPES)
        rep8["realValPhotosFalseSidelineRate@1%FPR"] = float((r8["photos_val"]["damage"][idx, 0] > rep8["threshold@1%FPR"]).mean())
        rep8["realCanvas"] = real_canvas_report(r8[key]["damage"][:, 0], d, r8["photos_val"]["damage"][idx, 0])
        measured["int8"]["damage"][split] = rep8
        measured["int8"]["identification"][split] = identification_suite(
            r8["photos_train"]["embedding"], train_labels, r8["photos_val"]["embedding"][idx], [val_labels[i] for i in idx], r8["photos_iconic"]["embedding"], icon_labels)
    for prec in ("fp32", "int8"):
        m = measured[prec]
        log(f"{prec}: damage AUC report {m['damage']['report']['auc']:.4f}; id report val→train top1 {m['identification']['report']['valVsTrainGallery']['top1']:.3f}")

    bench = ort_bench(models_dir, [fp32_path, int8_path])
    sizes = {"fp32": fp32_path.stat().st_size, "int8": int8_path.stat().st_size}
    summary = {
        "modelId": MODEL_ID, "version": VERSION, "seed": SEED, "config": CONFIG, "toolchain": toolchain_versions(),
        "synthetic": {"train": DAMAGE["syntheticTrain"], "measure": DAMAGE["syntheticMeasure"]},
        "heldOutClasses": HELD_OUT, "enrolReferences": ENROL_REFS,
        "splits": {"selection": len(sel), "report": len(rep), "rule": "val photos per class ordered by sha256('val/<class>/<file>'): even positions report, odd selection (models/pipeline/splits.py)"},
        "measured": measured,
        "item": item_report,
        "fp32OnnxVsTorchMaxAbsDiff": fp32_parity,
        "damageVariant": "frozen-multiscale",
        "damageExplored": explored,
        "qdqLayout": layout,
        "qdqLayoutBench": layout_bench,
        "embedDim": EMBED_DIM, "patchDim": PATCH_DIM, "calibrationImages": int(len(calib_imgs)),
        "embeddingMethod": (
            f"metric learning (CosFace, margin 0.25, scale 24) of the backbone's stride-32 stage (blocks 14-16 and Conv_1, lr "
            f"{IDENTITY['tailLearningRate']}) with a {EMBED_HIDDEN}-unit MLP on its pooled output (1792-d) and the frozen stride-16 "
            f"expansion (816-d), {IDENTITY['epochs']} epochs, on the seen classes' train photos ({IDENTITY['views']} store-like views "
            f"each: clutter, hands, shelf edges, glare, scale), their iconic images ({IDENTITY['iconicViews']} store-like views each) and "
            f"{IDENTITY['syntheticIdentities']} synthetic packaging identities x {IDENTITY['syntheticIdentityViews']} renders; the damage "
            "and item heads read the original stage. Patch features: 3x3-averaged stride-16 expansion features, centred and "
            "PCA-projected (seen-class train photos). Val photos are used only for measurement, split into selection and report."
        ),
        "sizes": sizes,
        "int8VsFp32": {
            "sizeRatio": sizes["int8"] / sizes["fp32"],
            "wasmLatency": bench,
        },
        "buildSeconds": round(time.time() - t_start, 1),
    }
    (work / "summary.json").write_text(json.dumps(summary, indent=2))
    log(f"summary written ({summary['buildSeconds']} s)")


def embed_photos(tail, head, ph: dict) -> np.ndarray:
    """The graph's embedding (fine-tuned stage) of cached photo features, in torch fp32."""
    out = []
    with torch.no_grad():
        for i in range(0, len(ph["block13"]), 128):
            s32 = tail(torch.from_numpy(ph["block13"][i : i + 128]).float())["stride32"]
            out.append(head.global_embedding(pooled_descriptor(s32, torch.from_numpy(ph["mid"][i : i + 128]).float())).numpy())
    return np.concatenate(out)


def real_canvas_report(p: np.ndarray, d: dict, real_photos_p: np.ndarray) -> dict:
    """Renders on real photos: ROC-AUC against their intact real canvases, and recall at the
    threshold that sidelines 1 % of the real intact photos (the intact renders on real canvases
    and the split's untouched val photos)."""
    real = d["real"].astype(bool)
    damaged = d["types"].sum(axis=1) > 0
    pos, neg = p[real & damaged], np.r_[p[real & ~damaged & ~d["decoy"].astype(bool)], real_photos_p]
    recall, threshold = recall_at_fpr(pos, neg, 0.01)
    return {"nDamaged": int(len(pos)), "nIntact": int(len(neg)), "auc": float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg])),
            "recall@1%RealIntactSidelined": recall, "threshold": threshold}


def toolchain_versions() -> dict:
    """Versions of everything that shaped the weights, so a rebuild can be checked against them."""
    import sklearn

    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    ort = json.loads((REPO / "node_modules" / "onnxruntime-web" / "package.json").read_text())["version"]
    return {"python": sys.version.split()[0], "torch": torch.__version__, "onnx": onnx.__version__, "opencv": cv2.__version__, "numpy": np.__version__,
            "sklearn": sklearn.__version__, "node": node, "onnxruntime-web": ort, "nsfwjs": json.loads((REPO / "node_modules" / "nsfwjs" / "package.json").read_text())["version"]}


def explore_damage(backbone, syn_train: dict, syn_sel: dict, ph_val: dict, sel: list[int]) -> dict:
    """INTACT_EXPLORE=1: the damage variants 1.1.0 compared (stride-32 head, Conv_1 fine-tuned), on the selection split."""
    dmg = train_head(syn_train["stride32"], syn_train["types"], syn_train["cells"], SEED, epochs=DAMAGE["epochs"], log=log)
    frozen = evaluate_damage(dmg, syn_sel["stride32"], syn_sel, ph_val["stride32"][sel])
    tail, dmg_ft = finetune(backbone, dmg, syn_train["block16"][:1200], syn_train["types"][:1200], syn_train["cells"][:1200], SEED, epochs=3, log=log)
    ft = evaluate_damage(dmg_ft, tail_features(tail, syn_sel["block16"]), syn_sel, tail_features(tail, ph_val["block16"][sel]))
    return {"frozen-stride32": frozen, "conv1-finetuned": ft}


def explore_layouts(work: Path, models_dir: Path, fp32, ranges, fp32_path: Path) -> list[dict]:
    """INTACT_EXPLORE=1: both QDQ layouts and fp32 timed side by side in onnxruntime-web."""
    paths = []
    for name, depthwise in (("all-int8", True), ("float-depthwise", False)):
        paths.append(work / f"{MODEL_ID}-int8-{name}.onnx")
        onnx.save(quantize_qdq(fp32, ranges, depthwise=depthwise), str(paths[-1]))
    return ort_bench(models_dir, [fp32_path, *paths])


def patch_raw_of(emb, mid: np.ndarray) -> np.ndarray:
    out = []
    with torch.no_grad():
        for i in range(0, len(mid), 64):
            out.append(emb.patch_raw(torch.from_numpy(mid[i : i + 64]).float()).numpy().astype(np.float16))
    return np.concatenate(out)


def evaluate_multiscale(head, syn_val: dict, ph_val: dict, idx: list[int]) -> dict:
    """Damage figures on one split's renders; the split's untouched val photos as real intact ones."""
    p, t, _ = predict_multiscale(head, project_s32(head, syn_val["stride32"]), syn_val["patch_raw"])
    rep = damage_report(p, syn_val["types"], syn_val["decoy"], DAMAGE_TYPES)
    rep["typeAuc"] = type_report(t, syn_val["types"], DAMAGE_TYPES)
    p_real, _, _ = predict_multiscale(head, project_s32(head, ph_val["stride32"][idx]), ph_val["patch_raw"][idx])
    rep["realValPhotosFalseSidelineRate@1%FPR"] = float((p_real > rep["threshold@1%FPR"]).mean())
    rep["realCanvas"] = real_canvas_report(p, syn_val, p_real)
    return rep


def evaluate_damage(head, feats_val: np.ndarray, syn_val: dict, feats_real: np.ndarray) -> dict:
    p, t, _ = predict(head, feats_val)
    rep = damage_report(p, syn_val["types"], syn_val["decoy"], DAMAGE_TYPES)
    rep["typeAuc"] = type_report(t, syn_val["types"], DAMAGE_TYPES)
    p_real, _, _ = predict(head, feats_real)
    rep["realValPhotosFalseSidelineRate@1%FPR"] = float((p_real > rep["threshold@1%FPR"]).mean())
    return rep


def l2(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def identification_suite(g_train, train_labels, g_val, val_labels, g_icon, icon_labels) -> dict:
    """val photos vs the train gallery and vs the iconic images; plus held-out classes enrolled
    with ENROL_REFS train photos each (every other class keeps its full gallery)."""
    out = {
        "valVsTrainGallery": identification(g_val, val_labels, g_train, train_labels),
        "valVsIconic": identification(g_val, val_labels, g_icon, icon_labels),
    }
    keep = []
    counts: dict[str, int] = {}
    for i, c in enumerate(train_labels):
        if c in HELD_OUT:
            if counts.get(c, 0) >= ENROL_REFS:
                continue
            counts[c] = counts.get(c, 0) + 1
        keep.append(i)
    q = [i for i, c in enumerate(val_labels) if c in HELD_OUT]
    out["unseenClassesEnrolled"] = identification(g_val[q], [val_labels[i] for i in q], g_train[keep], [train_labels[i] for i in keep])
    qs = [i for i, c in enumerate(val_labels) if c not in HELD_OUT]
    out["seenClassesValVsTrainGallery"] = identification(g_val[qs], [val_labels[i] for i in qs], g_train, train_labels)
    return out


def ort_infer(models_dir: Path, model: Path, images: np.ndarray, work: Path, inputs: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Runs the graph in onnxruntime-web under Node; `inputs` overrides the normalised tensor."""
    inp = work / "ort_in.f32"
    out = work / "ort_out.f32"
    (to_input(images).numpy() if inputs is None else inputs).astype(np.float32).tofile(inp)
    res = subprocess.run(["node", str(ORT_RUN), "infer", str(model.resolve()), str(inp.resolve()), str(len(images)), str(out.resolve())],
                         check=True, capture_output=True, text=True, cwd=REPO)
    meta = json.loads(res.stdout.strip().splitlines()[-1])
    flat = np.fromfile(out, dtype=np.float32)
    sizes = [int(np.prod(meta["shapes"][n])) for n in meta["names"]]
    per = sum(sizes)
    flat = flat.reshape(len(images), per)
    result, o = {}, 0
    for name, size in zip(meta["names"], sizes):
        shape = meta["shapes"][name][1:]
        result[name] = flat[:, o : o + size].reshape([len(images)] + list(shape))
        o += size
    inp.unlink()
    out.unlink()
    return result


def ort_bench(models_dir: Path, paths: list[Path]) -> list[dict]:
    res = subprocess.run(["node", str(ORT_RUN), "bench", *[str(p.resolve()) for p in paths]],
                         check=True, capture_output=True, text=True, cwd=REPO)
    rows = json.loads(res.stdout.strip().splitlines()[-1])
    for row, p in zip(rows, paths):
        row["model"] = str(p)  # report the caller's name for the file, not the resolved path
    return rows


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
