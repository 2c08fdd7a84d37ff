"""Seeded heavy augmentation of gallery-style photos for embedding (metric) learning.

A view imitates another phone shot of the same product: different framing, scale, tilt,
perspective, light, white balance, blur, noise and compression. Hue is only nudged: colour is
often the one cue that tells two flavours of the same carton apart.
"""
from __future__ import annotations

import cv2
import numpy as np

from datasets import letterbox


def photo_view(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    # random resized crop (keeps most of the product: gallery photos frame it centrally)
    scale = rng.uniform(0.55, 1.0)
    aspect = np.exp(rng.uniform(np.log(0.8), np.log(1.25)))
    ch = int(min(h, h * np.sqrt(scale / aspect)))
    cw = int(min(w, w * np.sqrt(scale * aspect)))
    y0, x0 = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    out = img[y0 : y0 + ch, x0 : x0 + cw].astype(np.float32)
    # perspective + rotation
    hh, ww = out.shape[:2]
    jitter = rng.uniform(-0.08, 0.08, size=(4, 2)) * [ww, hh]
    src = np.float32([[0, 0], [ww, 0], [ww, hh], [0, hh]])
    dst = (src + jitter).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    rot = cv2.getRotationMatrix2D((ww / 2, hh / 2), rng.uniform(-15, 15), 1.0)
    m = np.vstack([rot, [0, 0, 1]]) @ m
    out = cv2.warpPerspective(out, m, (ww, hh), borderMode=cv2.BORDER_REFLECT)
    # light, contrast, white balance, slight saturation / hue shift
    out = out * rng.uniform(0.7, 1.3) + rng.uniform(-25, 25)
    mean = out.mean()
    out = (out - mean) * rng.uniform(0.75, 1.25) + mean
    out *= rng.uniform(0.9, 1.1, size=3)
    hsv = cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-4, 4)) % 180
    hsv[..., 1] *= rng.uniform(0.75, 1.2)
    out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB).astype(np.float32)
    if rng.random() < 0.4:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 2.0))
    out += rng.normal(0, rng.uniform(0, 8), size=out.shape)
    out8 = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        ok, buf = cv2.imencode(".jpg", out8, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(35, 90))])
        out8 = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    if rng.random() < 0.3:  # occasionally the associate holds it closer: downscale then upscale
        f = rng.uniform(0.4, 0.8)
        small = cv2.resize(out8, (max(8, int(out8.shape[1] * f)), max(8, int(out8.shape[0] * f))), interpolation=cv2.INTER_AREA)
        out8 = cv2.resize(small, (out8.shape[1], out8.shape[0]), interpolation=cv2.INTER_LINEAR)
    return letterbox(out8)


def photo_views(photos: list[np.ndarray], views: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """views augmented copies of every photo; returns (images, index of the source photo)."""
    out = np.empty((len(photos) * views, 224, 224, 3), np.uint8)
    src = np.empty(len(photos) * views, np.int64)
    k = 0
    for i, p in enumerate(photos):
        rng = np.random.default_rng(seed * 7919 + i)
        for _ in range(views):
            out[k] = photo_view(p, rng)
            src[k] = i
            k += 1
    return out, src
