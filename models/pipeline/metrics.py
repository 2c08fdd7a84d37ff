"""Detection and identification figures reported in the model cards."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


def recall_at_fpr(pos: np.ndarray, neg: np.ndarray, fpr: float) -> tuple[float, float]:
    """Recall at the lowest threshold whose false-positive rate on `neg` is ≤ fpr.

    Returns (recall, threshold). With n negatives, the smallest reachable non-zero FPR is 1/n;
    asking for less means "above every negative".
    """
    neg_sorted = np.sort(neg)[::-1]
    allowed = int(np.floor(fpr * len(neg)))
    threshold = neg_sorted[allowed] if allowed < len(neg) else -np.inf
    return float((pos > threshold).mean()), float(threshold)


def damage_report(p: np.ndarray, types_true: np.ndarray, decoy: np.ndarray, type_names) -> dict:
    damaged = types_true.sum(axis=1) > 0
    neg = p[~damaged]
    out = {
        "n": int(len(p)), "nDamaged": int(damaged.sum()), "nIntact": int((~damaged).sum()), "nDecoys": int(decoy.sum()),
        "auc": float(roc_auc_score(damaged, p)),
    }
    for fpr in (0.001, 0.01):
        r, thr = recall_at_fpr(p[damaged], neg, fpr)
        key = "0.1%" if fpr == 0.001 else "1%"
        out[f"recall@{key}FPR"] = r
        out[f"threshold@{key}FPR"] = thr
    thr1 = out["threshold@1%FPR"]
    out["decoyFalseSidelineRate@1%FPR"] = float((p[decoy] > thr1).mean()) if decoy.any() else None
    out["pristineFalseSidelineRate@1%FPR"] = float((p[~damaged & ~decoy] > thr1).mean())
    per_type = {}
    for t, name in enumerate(type_names):
        pos = p[types_true[:, t] > 0]
        if len(pos) == 0:
            continue
        per_type[name] = {
            "n": int(len(pos)),
            "auc": float(roc_auc_score(np.r_[np.ones(len(pos)), np.zeros(len(neg))], np.r_[pos, neg])),
            "recall@0.1%FPR": recall_at_fpr(pos, neg, 0.001)[0],
            "recall@1%FPR": recall_at_fpr(pos, neg, 0.01)[0],
        }
    out["perType"] = per_type
    return out


def type_report(types_prob: np.ndarray, types_true: np.ndarray, type_names) -> dict:
    """How well the type head names the damage, among damaged samples only."""
    damaged = types_true.sum(axis=1) > 0
    res = {}
    for t, name in enumerate(type_names):
        y = types_true[damaged, t]
        if 0 < y.sum() < len(y):
            res[name] = float(roc_auc_score(y, types_prob[damaged, t]))
    return res


def identification(query: np.ndarray, query_labels: list[str], gallery: np.ndarray, gallery_labels: list[str], ks=(1, 5)) -> dict:
    """Nearest-neighbour identification with per-class max similarity (cosine; inputs L2-normalised)."""
    classes = sorted(set(gallery_labels))
    idx = {c: i for i, c in enumerate(classes)}
    sims = query @ gallery.T
    per_class = np.full((len(query), len(classes)), -np.inf)
    g = np.array([idx[c] for c in gallery_labels])
    for ci in range(len(classes)):
        cols = g == ci
        per_class[:, ci] = sims[:, cols].max(axis=1)
    order = np.argsort(-per_class, axis=1)
    truth = np.array([idx.get(c, -1) for c in query_labels])
    res = {"n": int(len(query)), "classes": len(classes)}
    for k in ks:
        res[f"top{k}"] = float(np.mean([truth[i] in order[i, :k] for i in range(len(query))]))
    return res
