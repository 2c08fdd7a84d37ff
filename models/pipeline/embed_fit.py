"""Data-derived embedding projections: centring + PCA whitening (global), centring + PCA (patches)."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from heads import EmbeddingHead


def pca_whitening(x: np.ndarray, dim: int, shrink: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """Returns (W [in, dim], bias [dim]) with y = x W + bias = (x - mu) V Λ^-½ (shrunk).

    Shrinkage adds a fraction of the mean eigenvalue before the inverse square root, so the many
    near-zero directions of a few-hundred-image fit are not blown up into noise.
    """
    x = x.astype(np.float64)
    mu = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mu, full_matrices=False)
    lam = s**2 / max(len(x) - 1, 1)
    dim = min(dim, len(lam))
    scale = 1.0 / np.sqrt(lam[:dim] + shrink * lam[:dim].mean())
    w = vt[:dim].T * scale
    return w.astype(np.float32), (-mu @ w).astype(np.float32)


def pca_projection(x: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Centred projection on the top `dim` principal axes (eigen-decomposition of the covariance:
    cheap for many samples of moderate width)."""
    x = x.astype(np.float64)
    mu = x.mean(axis=0)
    xc = x - mu
    evals, evecs = np.linalg.eigh(xc.T @ xc)
    order = np.argsort(evals)[::-1]
    rank = int((evals > evals.max() * 1e-10).sum())
    w = evecs[:, order[: min(dim, rank)]]
    # a deterministic sign per axis (eigh's sign is arbitrary across LAPACK builds)
    w = w * np.sign(w[np.abs(w).argmax(axis=0), np.arange(w.shape[1])])
    return w.astype(np.float32), (-mu @ w).astype(np.float32)


def local_patches(mid: np.ndarray) -> torch.Tensor:
    """mid [n, C, H, W] → 3×3 locally averaged features, as EmbeddingHead.patches does."""
    t = torch.from_numpy(mid).float()
    return F.avg_pool2d(t, 3, stride=1, padding=1, count_include_pad=False)


def fit_s32_projection(head, s32: np.ndarray, seed: int, cells: int = 60000) -> None:
    """Sets a MultiScaleDamageHead's fixed s32_proj to a centred PCA of stride-32 cells."""
    rng = np.random.default_rng(seed)
    n, c, h, w = s32.shape
    pick = rng.choice(n * h * w, size=min(cells, n * h * w), replace=False)
    flat = s32.transpose(0, 2, 3, 1).reshape(-1, c)[pick].astype(np.float32)
    dim = head.s32_proj.out_channels
    pw, pb = pca_projection(flat, dim)
    with torch.no_grad():
        head.s32_proj.weight.copy_(torch.from_numpy(pw.T).reshape(dim, c, 1, 1))
        head.s32_proj.bias.copy_(torch.from_numpy(pb))


def fit_embedding_head(pooled: np.ndarray, mid: np.ndarray, dim: int, patch_dim: int, seed: int, hidden: int = 0) -> EmbeddingHead:
    """Patch projection by PCA; the global projection by PCA whitening when hidden == 0 (with
    hidden > 0 the MLP is left for train_embed to learn)."""
    head = EmbeddingHead(in_ch=pooled.shape[1], mid_ch=mid.shape[1], dim=dim, patch_dim=patch_dim, hidden=hidden)
    rng = np.random.default_rng(seed)
    patches = []
    for i in range(0, len(mid), 64):
        p = local_patches(mid[i : i + 64]).permute(0, 2, 3, 1).reshape(-1, mid.shape[1]).numpy()
        patches.append(p[rng.choice(len(p), size=min(len(p), 24 * min(64, len(mid) - i)), replace=False)])
    pw, pb = pca_projection(np.concatenate(patches), patch_dim)
    if pw.shape[1] < patch_dim:
        raise ValueError(f"only {pw.shape[1]} patch components for {patch_dim} dims: too few images")
    with torch.no_grad():
        if not hidden:
            w, b = pca_whitening(pooled, dim)
            if w.shape[1] < dim:  # fewer samples than dims: the extra outputs stay 0
                w = np.pad(w, ((0, 0), (0, dim - w.shape[1])))
                b = np.pad(b, (0, dim - len(b)))
            head.mlp.weight.copy_(torch.from_numpy(w.T))
            head.mlp.bias.copy_(torch.from_numpy(b))
        head.patch_proj.weight.copy_(torch.from_numpy(pw.T).reshape(patch_dim, -1, 1, 1))
        head.patch_proj.bias.copy_(torch.from_numpy(pb))
    return head.eval()


def embed_global(head: EmbeddingHead, pooled: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return head.global_embedding(torch.from_numpy(pooled).float()).numpy()
