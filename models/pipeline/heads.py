"""Damage and embedding heads on top of the converted backbone, and the combined export module."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from backbone import Backbone

N_TYPES = 5


class DamageHead(nn.Module):
    """From the 1792×7×7 map: a per-cell damage logit map and image-level damage/type logits.

    Image-level logits read both the mean and the max of the hidden map, so one small damaged
    cell can still fire without being averaged away by the intact surface.
    """

    def __init__(self, in_ch: int = 1792, hidden: int = 128):
        super().__init__()
        self.reduce = nn.Conv2d(in_ch, hidden, 1)
        self.cell = nn.Conv2d(hidden, 1, 1)
        self.classify = nn.Linear(2 * hidden, 1 + N_TYPES)

    def forward(self, feat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = F.relu(self.reduce(feat))
        cell_logits = self.cell(h)
        pooled = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        return self.classify(pooled), cell_logits


class MultiScaleDamageHead(nn.Module):
    """Damage from both scales: the 7×7 stride-32 map (context: shape, silhouette, flaps) and the
    14×14 patch projection shared with the embedding's patch features (detail: small holes,
    tears, stain edges). Per-cell logits are computed at 14×14 and max-pooled to the 7×7
    heatmap of the model contract.

    s32_proj is a fixed, data-derived (PCA) 1792→256 reduction, so training on cached features
    stays cheap; everything after it is learned.
    """

    def __init__(self, s32_ch: int = 1792, s32_dim: int = 256, patch_dim: int = 128, hidden: int = 96):
        super().__init__()
        self.s32_proj = nn.Conv2d(s32_ch, s32_dim, 1)
        self.ctx = nn.Conv2d(s32_dim, hidden, 1)
        self.detail = nn.Conv2d(patch_dim, hidden, 1)
        self.merge = nn.Conv2d(2 * hidden, hidden, 1)
        self.cell = nn.Conv2d(hidden, 1, 1)
        self.classify = nn.Linear(2 * hidden, 1 + N_TYPES)

    def forward_projected(self, s32p: torch.Tensor, patch_raw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ctx = F.interpolate(F.relu(self.ctx(s32p)), scale_factor=2.0, mode="nearest")
        h = F.relu(self.merge(torch.cat([ctx, F.relu(self.detail(patch_raw))], dim=1)))
        cells = F.max_pool2d(self.cell(h), 2)
        pooled = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        return self.classify(pooled), cells

    def forward(self, s32: torch.Tensor, patch_raw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.forward_projected(self.s32_proj(s32), patch_raw)


def pooled_descriptor(stride32: torch.Tensor, mid: torch.Tensor) -> torch.Tensor:
    """Global descriptor the embedding head reads: mean-pooled stride-32 (1792) and stride-16
    expansion (816) features. The mid-level half keeps print detail (text, small logos) that
    separates look-alike flavours of one carton."""
    return torch.cat([stride32.mean(dim=(2, 3)), mid.mean(dim=(2, 3))], dim=1)


class EmbeddingHead(nn.Module):
    """Global embedding from the pooled descriptor; patch features from the stride-16 map.

    Both are centred + projected by learned/data-derived maps, then L2-normalised so a dot
    product is a cosine similarity.
    """

    def __init__(self, in_ch: int = 1792 + 816, mid_ch: int = 816, dim: int = 256, patch_dim: int = 128, hidden: int = 0):
        super().__init__()
        self.hidden = hidden
        if hidden:
            self.mlp = nn.Sequential(nn.Linear(in_ch, hidden), nn.ReLU(), nn.Linear(hidden, dim))
        else:
            self.mlp = nn.Linear(in_ch, dim)
        # 3×3 local averaging gives each patch a little context (PatchCore-style aggregation)
        self.local = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.patch_proj = nn.Conv2d(mid_ch, patch_dim, 1)

    def global_embedding(self, pooled: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.mlp(pooled), dim=1)

    def patch_raw(self, mid: torch.Tensor) -> torch.Tensor:
        """Projected patch features before normalisation, [N, patchDim, H, W]."""
        return self.patch_proj(self.local(mid))

    def patches(self, mid: torch.Tensor, raw: torch.Tensor | None = None) -> torch.Tensor:
        p = self.patch_raw(mid) if raw is None else raw
        p = p.flatten(2).transpose(1, 2)  # [N, H*W, patchDim], row-major over the grid
        return F.normalize(p, dim=2)


class ItemHead(nn.Module):
    """p(an item is in view) from the frozen pooled descriptor: a logistic regression."""

    def __init__(self, in_ch: int = 1792 + 816):
        super().__init__()
        self.linear = nn.Linear(in_ch, 1)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.linear(pooled))


class IntactVision(nn.Module):
    """One backbone pass → damage, types, heatmap, embedding, patches, item (the manifest's outputs).

    damage_tail, when given, is a fine-tuned copy of the backbone's last 1×1 conv (Conv_1) that
    only the damage head reads. embed_tail, when given, is the stride-32 stage fine-tuned for
    identity (tail.py): the embedding reads it, damage and item read the original stage.
    """

    def __init__(self, backbone: Backbone, damage: nn.Module, embed: EmbeddingHead, damage_tail: nn.Module | None = None,
                 embed_tail: nn.Module | None = None, item: ItemHead | None = None):
        super().__init__()
        self.backbone = backbone
        self.damage_head = damage
        self.embed_head = embed
        self.damage_tail = damage_tail
        self.embed_tail = embed_tail
        self.item_head = item

    def damage_logits(self, f: dict[str, torch.Tensor], patch_raw: torch.Tensor):
        if isinstance(self.damage_head, MultiScaleDamageHead):
            return self.damage_head(f["stride32"], patch_raw)
        feat = self.damage_tail(f["block16"]) if self.damage_tail is not None else f["stride32"]
        return self.damage_head(feat)

    def embedding_pooled(self, f: dict[str, torch.Tensor]) -> torch.Tensor:
        s32 = self.embed_tail(f["block13"])["stride32"] if self.embed_tail is not None else f["stride32"]
        return pooled_descriptor(s32, f["mid"])

    def forward(self, x: torch.Tensor):
        f = self.backbone(x)
        patch_raw = self.embed_head.patch_raw(f["mid"])
        logits, cells = self.damage_logits(f, patch_raw)
        out = (
            torch.sigmoid(logits[:, :1]),
            torch.sigmoid(logits[:, 1:]),
            torch.sigmoid(cells),
            self.embed_head.global_embedding(self.embedding_pooled(f)),
            self.embed_head.patches(f["mid"], patch_raw),
        )
        if self.item_head is None:
            return out
        return (*out, self.item_head(pooled_descriptor(f["stride32"], f["mid"])))


OUTPUT_NAMES = ["damage", "types", "heatmap", "embedding", "patches"]
OUTPUT_NAMES_WITH_ITEM = OUTPUT_NAMES + ["item"]


class DamageOnly(nn.Module):
    """Backbone + damage head alone: the "two separate models" alternative, for measurement."""

    def __init__(self, full: IntactVision):
        super().__init__()
        self.full = full

    def forward(self, x: torch.Tensor):
        f = self.full.backbone(x)
        logits, cells = self.full.damage_logits(f, self.full.embed_head.patch_raw(f["mid"]))
        return torch.sigmoid(logits[:, :1]), torch.sigmoid(logits[:, 1:]), torch.sigmoid(cells)


class EmbeddingOnly(nn.Module):
    def __init__(self, full: IntactVision):
        super().__init__()
        self.full = full

    def forward(self, x: torch.Tensor):
        f = self.full.backbone(x)
        return self.full.embed_head.global_embedding(self.full.embedding_pooled(f)), self.full.embed_head.patches(f["mid"])
