"""Metric learning of product identity with the stride-32 stage fine-tuned (1.2.0).

Trains a copy of the backbone's last stage (tail.py) together with the embedding MLP on cached
block-13 outputs of identity views (store_views.py): CosFace over the training identities, a
small learning rate on the tail, a larger one on the head. The classifier proxies are thrown
away; the input standardisation and BatchNorm are folded into EmbeddingHead's plain
Linear-ReLU-Linear for export (as train_embed.py does for the frozen variant).
"""
from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from heads import EmbeddingHead
from tail import Tail
from train_embed import standardisation_spread

BATCH = 64


class IdentNet(nn.Module):
    """tail(block13) → [mean stride-32 (1792) ‖ mean stride-16 expansion (816)] → MLP → L2."""

    def __init__(self, tail: Tail, mu: np.ndarray, sd: np.ndarray, n_ids: int, hidden: int = 512, dim: int = 256):
        super().__init__()
        self.tail = tail
        self.register_buffer("mu", torch.from_numpy(mu).float())
        self.register_buffer("sd", torch.from_numpy(sd).float())
        self.fc1 = nn.Linear(len(mu), hidden)
        self.bn = nn.BatchNorm1d(hidden)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(hidden, dim)
        self.proxies = nn.Parameter(torch.randn(n_ids, dim) * 0.05)

    def descriptor(self, block13: torch.Tensor, mid_mean: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.tail(block13)["stride32"].mean(dim=(2, 3)), mid_mean], dim=1)

    def embed_descriptor(self, desc: torch.Tensor) -> torch.Tensor:
        z = self.fc1((desc - self.mu) / self.sd)
        return F.normalize(self.fc2(self.drop(F.relu(self.bn(z)))), dim=1)

    def embed(self, block13: torch.Tensor, mid_mean: torch.Tensor) -> torch.Tensor:
        return self.embed_descriptor(self.descriptor(block13, mid_mean))

    def loss(self, desc: torch.Tensor, y: torch.Tensor, scale: float = 24.0, margin: float = 0.25) -> torch.Tensor:
        cos = self.embed_descriptor(desc) @ F.normalize(self.proxies, dim=1).T
        return F.cross_entropy(scale * (cos - margin * F.one_hot(y, cos.shape[1])), y)

    def fold_into(self, head: EmbeddingHead) -> EmbeddingHead:
        a = self.bn.weight / torch.sqrt(self.bn.running_var + self.bn.eps)
        c = self.bn.bias - a * self.bn.running_mean
        w1 = self.fc1.weight / self.sd[None, :]
        b1 = self.fc1.bias - self.fc1.weight @ (self.mu / self.sd)
        with torch.no_grad():
            head.mlp[0].weight.copy_(a[:, None] * w1)
            head.mlp[0].bias.copy_(a * b1 + c)
            head.mlp[2].weight.copy_(self.fc2.weight)
            head.mlp[2].bias.copy_(self.fc2.bias)
        return head


def descriptors(net: IdentNet, block13: np.ndarray, mid_mean: np.ndarray, batch: int = 256) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([net.descriptor(torch.from_numpy(block13[i : i + batch]).float(), torch.from_numpy(mid_mean[i : i + batch]).float())
                          for i in range(0, len(block13), batch)])


def train_identity(tail: Tail, head: EmbeddingHead, block13: np.ndarray, mid_mean: np.ndarray, y: np.ndarray, seed: int,
                   epochs: int, tail_lr: float, log=print, on_epoch=None) -> tuple[Tail, EmbeddingHead]:
    """block13 [n, 224, 7, 7] and mid_mean [n, 816] of the identity views, y their identity ids.
    Returns the fine-tuned tail and `head` with the learned global projection (patch projection
    untouched). tail_lr = 0 trains the head alone on the frozen tail's descriptors."""
    torch.manual_seed(seed)
    frozen = tail_lr == 0
    desc0 = descriptors(IdentNet(tail, np.zeros(1, np.float32), np.ones(1, np.float32), 1), block13, mid_mean).numpy()
    net = IdentNet(tail, desc0.mean(axis=0), standardisation_spread(desc0), int(y.max()) + 1, head.mlp[0].out_features, head.mlp[2].out_features)
    for p in net.tail.parameters():
        p.requires_grad = not frozen
    head_params = [p for n, p in net.named_parameters() if not n.startswith("tail.")]
    groups = [{"params": head_params, "lr": 1e-3}] + ([] if frozen else [{"params": list(net.tail.parameters()), "lr": tail_lr}])
    opt = torch.optim.AdamW(groups, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    xb, xm, yt = torch.from_numpy(block13), torch.from_numpy(mid_mean), torch.from_numpy(y).long()
    fixed = torch.from_numpy(desc0) if frozen else None
    gen = torch.Generator().manual_seed(seed)
    t0 = time.time()
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(yt), generator=gen)
        total = 0.0
        for i in range(0, len(yt), BATCH):
            idx = perm[i : i + BATCH]
            if len(idx) < 2:
                continue
            desc = fixed[idx] if frozen else net.descriptor(xb[idx].float(), xm[idx].float())
            loss = net.loss(desc, yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        log(f"  identity epoch {epoch}: loss {total / len(yt):.4f} ({time.time() - t0:.0f} s)")
        if on_epoch:
            net.eval()
            on_epoch(epoch, net)
    net.eval()
    head = net.fold_into(head)
    with torch.no_grad():  # the folded head must reproduce the trained network
        probe = descriptors(net, block13[:64], mid_mean[:64])
        diff = float((head.global_embedding(probe) - net.embed_descriptor(probe)).abs().max())
    if diff > 1e-4:
        raise RuntimeError(f"folding the identity head changed its output by {diff}")
    return net.tail.eval(), head.eval()
