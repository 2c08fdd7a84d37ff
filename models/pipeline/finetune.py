"""Damage model with the backbone's last conv (Conv_1) fine-tuned, on cached block-16 features.

Fine-tuning deeper blocks costs roughly 1 GFLOP per image per step on 2 shared CPU cores; the
last 1×1 conv is where the backbone turns generic parts into the 1792 features the head reads,
so it is the cheapest place where fine-tuning can change what the head sees.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from backbone import Backbone
from heads import DamageHead
from train_damage import damage_loss


def conv1_copy(backbone: Backbone) -> nn.Module:
    return copy.deepcopy(backbone.convs["MobilenetV2__Conv_1__Relu6"])


def finetune(backbone: Backbone, head: DamageHead, block16: np.ndarray, types: np.ndarray, cells: np.ndarray,
             seed: int, epochs: int = 8, log=print) -> tuple[nn.Module, DamageHead]:
    """Starts from the frozen-trained head; trains Conv_1 (small lr) and the head together."""
    torch.manual_seed(seed)
    tail = conv1_copy(backbone)
    head = copy.deepcopy(head)
    opt = torch.optim.AdamW([
        {"params": tail.parameters(), "lr": 1e-4},
        {"params": head.parameters(), "lr": 5e-4},
    ], weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    x_all, t_all, c_all = torch.from_numpy(block16), torch.from_numpy(types), torch.from_numpy(cells)
    gen = torch.Generator().manual_seed(seed)
    n = len(block16)
    for epoch in range(epochs):
        tail.train()
        head.train()
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for i in range(0, n, 64):
            idx = perm[i : i + 64]
            feat = F.dropout(tail(x_all[idx].float()), 0.2, training=True)
            logits, cell = head(feat)
            loss = damage_loss(logits, cell, t_all[idx], c_all[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        log(f"  fine-tune epoch {epoch}: loss {total / n:.4f}")
    return tail.eval(), head.eval()


def tail_features(tail: nn.Module, block16: np.ndarray) -> np.ndarray:
    out = []
    with torch.no_grad():
        for i in range(0, len(block16), 128):
            out.append(tail(torch.from_numpy(block16[i : i + 128]).float()).numpy())
    return np.concatenate(out)
