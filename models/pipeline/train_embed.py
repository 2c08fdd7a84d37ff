"""Metric learning of the global embedding on frozen-backbone descriptors.

Training module: standardise → Linear → BatchNorm → ReLU → Dropout → Linear → L2, with a
CosFace (additive cosine margin) classifier over the training identities: the seen grocery
classes' augmented photo views plus synthetic packaging identities. The classifier is thrown
away; the fixed standardisation and BatchNorm are folded into the plain Linear-ReLU-Linear of
EmbeddingHead for export, so nothing about training survives in the graph.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from heads import EmbeddingHead


class Trainer(nn.Module):
    def __init__(self, mu: np.ndarray, sd: np.ndarray, n_classes: int, hidden: int, dim: int):
        super().__init__()
        self.register_buffer("mu", torch.from_numpy(mu).float())
        self.register_buffer("sd", torch.from_numpy(sd).float())
        self.fc1 = nn.Linear(len(mu), hidden)
        self.bn = nn.BatchNorm1d(hidden)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(hidden, dim)
        self.proxies = nn.Parameter(torch.randn(n_classes, dim) * 0.05)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        z = self.fc1((x - self.mu) / self.sd)
        return F.normalize(self.fc2(self.drop(F.relu(self.bn(z)))), dim=1)

    def loss(self, x: torch.Tensor, y: torch.Tensor, scale: float = 24.0, margin: float = 0.25) -> torch.Tensor:
        e = self.embed(x)
        cos = e @ F.normalize(self.proxies, dim=1).T
        cos = cos - margin * F.one_hot(y, cos.shape[1])
        return F.cross_entropy(scale * cos, y)

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


# The spread of a descriptor dimension is floored at this fraction of the median spread before
# dividing by it. About a fifth of the 2608 dims vary by less than one uint8 step of the stride-32
# activations (~0.024). With the raw spread, 1/spread folded into the first Linear gave those
# dims weights ~150x the row's median, which then set each row's per-channel int8 weight scale and
# left every other weight of the row a few levels: fp32 top-1 0.59 but int8 0.51 in 1.0.0. (The
# int8 activations alone, under the fp32 head, cost nothing measurable.) 0.25 x median (~0.019,
# about one activation step) keeps fp32 accuracy; the variants measured are in models/README.md.
SPREAD_FLOOR_OF_MEDIAN = 0.25


def standardisation_spread(x: np.ndarray, floor_of_median: float = SPREAD_FLOOR_OF_MEDIAN) -> np.ndarray:
    sd = x.std(axis=0)
    return np.maximum(sd, floor_of_median * float(np.median(sd))) + 1e-3


def train_embedding(x: np.ndarray, y: np.ndarray, head: EmbeddingHead, seed: int, epochs: int = 30, log=print,
                    spread_floor: float = SPREAD_FLOOR_OF_MEDIAN) -> EmbeddingHead:
    """x: descriptors [n, in], y: identity ids [n]; head: an EmbeddingHead with hidden > 0 whose
    patch projection is already fitted. Returns the head with the learned global projection.
    spread_floor is exposed for int8_ident_probe.py, which compares values of it."""
    torch.manual_seed(seed)
    mu = x.mean(axis=0)
    sd = standardisation_spread(x, spread_floor)
    hidden = head.mlp[0].out_features
    dim = head.mlp[2].out_features
    trainer = Trainer(mu, sd, int(y.max()) + 1, hidden, dim)
    opt = torch.optim.AdamW(trainer.parameters(), lr=1e-3, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    xt, yt = torch.from_numpy(x).float(), torch.from_numpy(y).long()
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        trainer.train()
        perm = torch.randperm(len(x), generator=gen)
        total = 0.0
        for i in range(0, len(x), 128):
            idx = perm[i : i + 128]
            if len(idx) < 2:
                continue
            xb = xt[idx] * (1 + 0.05 * torch.randn(len(idx), x.shape[1], generator=gen))  # feature noise
            loss = trainer.loss(xb, yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        sched.step()
        if epoch % 10 == 0 or epoch == epochs - 1:
            log(f"  embedding epoch {epoch}: loss {total / len(x):.4f}")
    trainer.eval()
    head = trainer.fold_into(head)
    # the folded head must reproduce the trainer exactly (eval mode)
    with torch.no_grad():
        probe = xt[: min(64, len(x))]
        diff = float((head.global_embedding(probe) - trainer.embed(probe)).abs().max())
    if diff > 1e-4:
        raise RuntimeError(f"folding the embedding trainer changed its output by {diff}")
    return head.eval()
