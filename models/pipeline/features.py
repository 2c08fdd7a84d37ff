"""Backbone feature extraction in batches (frozen backbone), cached as float16 arrays."""
from __future__ import annotations

import numpy as np
import torch

from backbone import STRIDE32_NODE, Backbone
from heads import pooled_descriptor


def to_input(images: np.ndarray) -> torch.Tensor:
    """uint8 NHWC RGB → float32 NCHW normalised as (p/255 - 0.5) / 0.5 (manifest mean/std)."""
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1.0


def extract(backbone: Backbone, images: np.ndarray, keys: tuple[str, ...], batch: int = 32, log=None, embed_head=None) -> dict[str, np.ndarray]:
    """keys from the backbone (stride32, block16, block13, mid), plus "descriptor", "mid_mean" and, with embed_head,
    "patch_raw" (its un-normalised 14×14 patch projection)."""
    out: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    backbone.eval()
    with torch.no_grad():
        for i in range(0, len(images), batch):
            f = backbone(to_input(images[i : i + batch]).contiguous(memory_format=torch.channels_last), upto=STRIDE32_NODE)
            f["descriptor"] = pooled_descriptor(f["stride32"], f["mid"])
            f["mid_mean"] = f["mid"].mean(dim=(2, 3))
            if embed_head is not None:
                f["patch_raw"] = embed_head.patch_raw(f["mid"])
            for k in keys:
                out[k].append(f[k].float().numpy().astype(np.float16))
            if log and (i // batch) % 10 == 0:
                log(f"  features {i + len(images[i : i + batch])}/{len(images)}")
    return {k: np.concatenate(v) for k, v in out.items()}
