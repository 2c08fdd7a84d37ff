"""Damage head training on cached (frozen) backbone features."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from heads import DamageHead, MultiScaleDamageHead


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


def train_multiscale(s32p: np.ndarray, patch_raw: np.ndarray, types: np.ndarray, cells: np.ndarray, head: MultiScaleDamageHead,
                     seed: int, epochs: int = 20, log=print) -> MultiScaleDamageHead:
    """Trains everything after the head's fixed s32_proj, on cached projected features."""
    torch.manual_seed(seed)
    for p in head.s32_proj.parameters():
        p.requires_grad_(False)
    params = [p for p in head.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    a_all, b_all = torch.from_numpy(s32p), torch.from_numpy(patch_raw)
    t_all, c_all = torch.from_numpy(types), torch.from_numpy(cells)
    gen = torch.Generator().manual_seed(seed)
    n = len(s32p)
    for epoch in range(epochs):
        head.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for i in range(0, n, 64):
            idx = perm[i : i + 64]
            a = F.dropout(a_all[idx].float(), 0.1, training=True)
            b = F.dropout(b_all[idx].float(), 0.1, training=True)
            logits, cell = head.forward_projected(a, b)
            loss = damage_loss(logits, cell, t_all[idx], c_all[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        if epoch % 5 == 0 or epoch == epochs - 1:
            log(f"  multi-scale damage head epoch {epoch}: loss {total / n:.4f}")
    return head.eval()


def predict_multiscale(head: MultiScaleDamageHead, s32p: np.ndarray, patch_raw: np.ndarray):
    ps, ts, hs = [], [], []
    with torch.no_grad():
        for i in range(0, len(s32p), 256):
            logits, cells = head.forward_projected(torch.from_numpy(s32p[i : i + 256]).float(), torch.from_numpy(patch_raw[i : i + 256]).float())
            ps.append(torch.sigmoid(logits[:, 0]).numpy())
            ts.append(torch.sigmoid(logits[:, 1:]).numpy())
            hs.append(torch.sigmoid(cells[:, 0]).numpy())
    return np.concatenate(ps), np.concatenate(ts), np.concatenate(hs)


def project_s32(head: MultiScaleDamageHead, s32: np.ndarray) -> np.ndarray:
    out = []
    with torch.no_grad():
        for i in range(0, len(s32), 256):
            out.append(head.s32_proj(torch.from_numpy(s32[i : i + 256]).float()).numpy().astype(np.float16))
    return np.concatenate(out)
