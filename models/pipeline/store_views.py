"""Views that bridge catalogue shots and store photos, for metric learning of product identity.

A store photo shows the product smaller or larger than a catalogue shot, among other products,
cut by a shelf edge, half covered by a hand, with a glare spot on the foil. `store_view` puts a
product photo (a train photo or an iconic image) into such a scene, then `photo_view` adds the
camera's own variation (framing, tilt, light, blur, noise, JPEG). Hue is never shifted more than
`photo_view` nudges it: colour is often what tells two flavours of one carton apart.
"""
from __future__ import annotations

import cv2
import numpy as np

from augment import photo_view
from datasets import letterbox

SIZE = 224


def _clutter(rng: np.random.Generator, others: list[np.ndarray]) -> np.ndarray:
    """A background of other products on a shelf: a grid of blurred crops of other photos."""
    bg = np.empty((SIZE, SIZE, 3), np.uint8)
    cols = int(rng.integers(2, 5))
    rows = int(rng.integers(1, 3))
    cw, rh = SIZE // cols + 1, SIZE // rows + 1
    for r in range(rows):
        for c in range(cols):
            photo = others[rng.integers(len(others))]
            tile = cv2.resize(photo, (cw, rh), interpolation=cv2.INTER_AREA)
            bg[r * rh : (r + 1) * rh, c * cw : (c + 1) * cw] = tile[: SIZE - r * rh, : SIZE - c * cw]
    return cv2.GaussianBlur(bg, (0, 0), rng.uniform(0.5, 4.0))


def _plain(rng: np.random.Generator) -> np.ndarray:
    base = rng.integers(30, 240, size=3).astype(np.float32)
    other = rng.integers(30, 240, size=3).astype(np.float32)
    t = np.linspace(0, 1, SIZE, dtype=np.float32)[:, None, None]
    return np.clip(base * (1 - t) + other * t, 0, 255).astype(np.uint8).repeat(SIZE, axis=1)[:, :SIZE]


def _glare(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    cy, cx = rng.uniform(0.1, 0.9) * h, rng.uniform(0.1, 0.9) * w
    ry, rx = rng.uniform(0.05, 0.2) * h, rng.uniform(0.05, 0.3) * w
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    spot = np.exp(-(((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2))[..., None] * rng.uniform(0.5, 0.95)
    return np.clip(img * (1 - spot) + 255 * spot, 0, 255).astype(np.uint8)


def _hand(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A skin-toned rounded occluder entering from one edge (a hand holding the item)."""
    h, w = img.shape[:2]
    skin = np.array([rng.uniform(120, 240), rng.uniform(80, 190), rng.uniform(60, 160)], np.float32)
    mask = np.zeros((h, w), np.uint8)
    side = int(rng.integers(4))
    length, width = rng.uniform(0.25, 0.5), rng.uniform(0.15, 0.3)
    centre = rng.uniform(0.2, 0.8)
    if side == 0:
        box = ((centre * w, 0), (width * w, 2 * length * h))
    elif side == 1:
        box = ((centre * w, h), (width * w, 2 * length * h))
    elif side == 2:
        box = ((0, centre * h), (2 * length * w, width * h))
    else:
        box = ((w, centre * h), (2 * length * w, width * h))
    cv2.ellipse(mask, (box[0], box[1], float(rng.uniform(-20, 20))), 1, -1)
    shade = 0.75 + 0.25 * cv2.GaussianBlur(rng.random((h, w)).astype(np.float32), (0, 0), 8)[..., None]
    out = img.astype(np.float32)
    m = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.5)[..., None]
    return np.clip(out * (1 - m) + skin * shade * m, 0, 255).astype(np.uint8)


def _shelf_edge(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A shelf-edge strip (price rail) across the top or bottom."""
    h = img.shape[0]
    out = img.copy()
    band = int(rng.uniform(0.05, 0.14) * h)
    colour = rng.integers(0, 255, size=3).astype(np.uint8)
    if rng.random() < 0.5:
        out[h - band :] = colour
    else:
        out[:band] = colour
    return out


def store_view(product: np.ndarray, others: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """The product (any size, RGB) placed in a store-like scene, 224×224 letterboxed."""
    scene = _clutter(rng, others) if rng.random() < 0.7 else _plain(rng)
    ph, pw = product.shape[:2]
    scale = rng.uniform(0.45, 0.95) * SIZE / max(ph, pw)
    tw, th = max(8, int(pw * scale)), max(8, int(ph * scale))
    item = cv2.resize(product, (tw, th), interpolation=cv2.INTER_AREA)
    y0 = int(rng.integers(0, SIZE - th + 1))
    x0 = int(rng.integers(0, SIZE - tw + 1))
    scene[y0 : y0 + th, x0 : x0 + tw] = item
    if rng.random() < 0.3:
        scene = _shelf_edge(scene, rng)
    if rng.random() < 0.3:
        scene = _hand(scene, rng)
    if rng.random() < 0.3:
        scene = _glare(scene, rng)
    return photo_view(scene, rng)


def identity_views(photos: list[np.ndarray], labels: list[int], views: int, seed: int, store_share: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """`views` views per photo: a share in store scenes (clutter from photos of other labels),
    the rest plain camera variations. Returns (images [n·views, 224, 224, 3], source index)."""
    out = np.empty((len(photos) * views, SIZE, SIZE, 3), np.uint8)
    src = np.empty(len(photos) * views, np.int64)
    by_label: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    k = 0
    for i, p in enumerate(photos):
        rng = np.random.default_rng(seed * 7919 + i)
        others = [photos[j] for j in rng.choice(len(photos), size=min(24, len(photos)), replace=False) if labels[j] != labels[i]]
        for _ in range(views):
            out[k] = store_view(p, others or [p], rng) if rng.random() < store_share else photo_view(p, rng)
            src[k] = i
            k += 1
    return out, src


def clean(photos: list[np.ndarray]) -> np.ndarray:
    return np.stack([letterbox(p) for p in photos])
