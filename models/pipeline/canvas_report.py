"""Damage figures of the released int8 graph split by canvas: renders on a whole real photo vs on
a synthetic package.

Usage: python3 models/pipeline/canvas_report.py <workDir> <modelsDir>
No photos of really damaged packaging are available, so the closest thing to "recall on real
photos" is the held-out renders whose canvas is a real val photo with damage drawn on it. The
operating points are those of the whole synthetic val split (the thresholds the card quotes),
so the split shows where the recall comes from rather than a re-tuned figure. Adds
"damageByCanvas" to <workDir>/summary.json for cards.py.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).parent))
from build import MODEL_ID, ort_infer  # noqa: E402
from generator import DAMAGE_TYPES  # noqa: E402
from metrics import recall_at_fpr  # noqa: E402


def by_canvas(p: np.ndarray, types: np.ndarray, decoy: np.ndarray, real: np.ndarray) -> dict:
    damaged = types.sum(axis=1) > 0
    thresholds = {key: recall_at_fpr(p[damaged], p[~damaged], fpr)[1] for key, fpr in (("0.1%", 0.001), ("1%", 0.01))}
    out = {"thresholdsFromWholeSplit": thresholds}
    for name, canvas in (("realPhotoCanvas", real), ("syntheticCanvas", ~real)):
        pos, neg = p[canvas & damaged], p[canvas & ~damaged]
        row = {
            "nDamaged": int(len(pos)), "nIntact": int(len(neg)), "nDecoys": int((canvas & decoy).sum()),
            "auc": float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg])),
            **{f"recall@{k}FPR": float((pos > t).mean()) for k, t in thresholds.items()},
            "intactSidelined@1%FPR": float((neg > thresholds["1%"]).mean()),
            "perType": {},
        }
        for t, type_name in enumerate(DAMAGE_TYPES):
            hit = canvas & (types[:, t] > 0)
            if hit.any():
                row["perType"][type_name] = {"n": int(hit.sum()), **{f"recall@{k}FPR": float((p[hit] > th).mean()) for k, th in thresholds.items()}}
        out[name] = row
    return out


def main(work: Path, models_dir: Path) -> None:
    with np.load(work / "cache" / "syn_val.npz") as z:
        images, types, decoy, real = z["images"], z["types"], z["decoy"], z["real"]
    scores = ort_infer(models_dir, work / "out" / f"{MODEL_ID}-int8.onnx", images, work)["damage"][:, 0]
    summary_path = work / "summary.json"
    summary = json.loads(summary_path.read_text())
    summary["damageByCanvas"] = by_canvas(scores, types, decoy.astype(bool), real.astype(bool))
    summary_path.write_text(json.dumps(summary, indent=2))
    r = summary["damageByCanvas"]["realPhotoCanvas"]
    print(f"real-photo canvases: {r['nDamaged']} damaged, AUC {r['auc']:.3f}, recall@1% {r['recall@1%FPR']:.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
