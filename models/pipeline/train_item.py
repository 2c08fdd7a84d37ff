"""The "item in view" head: a logistic regression on the frozen pooled descriptor.

Positives: product photos and rendered packages (pristine, damaged, decoys); negatives: frames
with nothing to judge (no_item.py). Standardisation is folded into one Linear for export.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

from heads import ItemHead


def train_item_head(positives: np.ndarray, negatives: np.ndarray, seed: int, c: float = 0.1) -> ItemHead:
    x = np.concatenate([positives, negatives]).astype(np.float64)
    y = np.r_[np.ones(len(positives)), np.zeros(len(negatives))]
    mu = x.mean(axis=0)
    sd = x.std(axis=0) + 1e-3
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
    clf.fit((x - mu) / sd, y)
    w = clf.coef_[0] / sd
    b = clf.intercept_[0] - float((clf.coef_[0] * mu / sd).sum())
    head = ItemHead(in_ch=x.shape[1])
    with torch.no_grad():
        head.linear.weight.copy_(torch.from_numpy(w[None, :]).float())
        head.linear.bias.copy_(torch.tensor([b], dtype=torch.float32))
    return head.eval()


def item_probability(head: ItemHead, pooled: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return head(torch.from_numpy(pooled.astype(np.float32))).numpy()[:, 0]
