"""Builds the image sets the pipeline trains and measures on (uint8 224×224 RGB, letterboxed)."""
from __future__ import annotations

import cv2
import numpy as np

from data import iconic_images, read_rgb, split_images
from generator import SIZE, generate

PAD_VALUE = 128  # the normalisation mean (0.5 · 255, rounded): ≈ 0 after normalisation, like the app's letterbox


def letterbox(img: np.ndarray, size: int = SIZE) -> np.ndarray:
    """Scale the longer side to `size` (area averaging) and centre on a mean-grey square,
    as src/lib/core/preprocess.ts does for the app."""
    h, w = img.shape[:2]
    scale = size / max(h, w)
    tw, th = max(1, min(size, round(w * scale))), max(1, min(size, round(h * scale)))
    resized = cv2.resize(img, (tw, th), interpolation=cv2.INTER_AREA)
    out = np.full((size, size, 3), PAD_VALUE, np.uint8)
    y0, x0 = (size - th) // 2, (size - tw) // 2
    out[y0 : y0 + th, x0 : x0 + tw] = resized
    return out


def load_photos(split: str) -> tuple[list[str], list[np.ndarray]]:
    items = split_images(split) if split != "iconic" else iconic_images()
    labels, imgs = [], []
    for label, path in items:
        labels.append(label)
        imgs.append(read_rgb(path))
    return labels, imgs


def synthetic_set(seed: int, n: int, print_photos: list[np.ndarray], canvas_photos: list[np.ndarray], real_share: float = 0.45):
    """n generator samples; canvas photos are letterboxed first, as a camera frame would be."""
    canvases = [letterbox(p) for p in canvas_photos]
    images = np.empty((n, SIZE, SIZE, 3), np.uint8)
    masks = np.empty((n, SIZE, SIZE), np.uint8)
    types = np.empty((n, 5), np.float32)
    decoy = np.empty(n, bool)
    real = np.empty(n, bool)
    for i in range(n):
        s = generate(seed, i, print_photos, canvases, real_share)
        images[i], masks[i], types[i], decoy[i], real[i] = s.image, s.mask, s.types, s.decoy, s.canvas == "real"
    return {"images": images, "masks": masks, "types": types, "decoy": decoy, "real": real}


def cell_targets(masks: np.ndarray, grid: int = 7) -> np.ndarray:
    """Fraction of damaged pixels per heatmap cell, [n, grid, grid]."""
    n, h, w = masks.shape
    return masks.reshape(n, grid, h // grid, grid, w // grid).mean(axis=(2, 4)).astype(np.float32)
