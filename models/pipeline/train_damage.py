"""Damage head training on cached (frozen) backbone features."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from heads import DamageHead


def damage_loss(logits, cells, types, cell_target):
    damaged = (types.sum(dim=1) > 0).float()
    loss_damage = F.binary_cross_entropy_with_logits(logits[:, 0], damaged)
    # type logits learn "which damage" on damaged samples and "none" on intact ones
    loss_types = F.binary_cross_entropy_with_logits(logits[:, 1:], types)
    # a cell counts as damaged when ≥ 5 % of its pixels are; soft targets in between
    target = torch.clamp(cell_target / 0.05, 0, 1)
    loss_cells = F.binary_cross_entropy_with_logits(cells[:, 0], target)
    return loss_damage + loss_types + 0.5 * loss_cells


def train_head(feats: np.ndarray, types: np.ndarray, cells: np.ndarray, seed: int, epochs: int = 30, log=print) -> DamageHead:
    torch.manual_seed(seed)
    head = DamageHead(in_ch=feats.shape[1])
    opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    x_all = torch.from_numpy(feats)
    t_all = torch.from_numpy(types)
    c_all = torch.from_numpy(cells)
    gen = torch.Generator().manual_seed(seed)
    n = len(feats)
    for epoch in range(epochs):
        head.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for i in range(0, n, 64):
            idx = perm[i : i + 64]
            x = x_all[idx].float()
            # feature dropout: keeps the head from leaning on a handful of channels
            x = F.dropout(x, 0.2, training=True)
            logits, cell = head(x)
            loss = damage_loss(logits, cell, t_all[idx], c_all[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        if epoch % 5 == 0 or epoch == epochs - 1:
            log(f"  damage head epoch {epoch}: loss {total / n:.4f}")
    return head.eval()


def predict(head: DamageHead, feats: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ps, ts, hs = [], [], []
    with torch.no_grad():
        for i in range(0, len(feats), 256):
            logits, cells = head(torch.from_numpy(feats[i : i + 256]).float())
            ps.append(torch.sigmoid(logits[:, 0]).numpy())
            ts.append(torch.sigmoid(logits[:, 1:]).numpy())
            hs.append(torch.sigmoid(cells[:, 0]).numpy())
    return np.concatenate(ps), np.concatenate(ts), np.concatenate(hs)
