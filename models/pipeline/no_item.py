"""Seeded frames with no item to judge: what a camera sees between items, or before one is shown.

Empty surfaces (floor, table, tote wall, conveyor), an empty tote, flat test graphics (colour
bars, checkerboards, simple flat shapes with a counter or caption, like a camera's test pattern),
a lens half covered, motion blur across a bare scene. The "item in view" head learns these
against product photos; no frame here copies any particular device's pattern, so a camera's own
test pattern (tests/fixtures/chromium-fake-camera.png) is a fair held-out check.
"""
from __future__ import annotations

import cv2
import numpy as np

SIZE = 224


def _colour(rng: np.random.Generator) -> np.ndarray:
    hsv = np.uint8([[[rng.integers(0, 180), rng.integers(0, 256), rng.integers(30, 256)]]])
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(np.float32)


def _surface(rng: np.random.Generator) -> np.ndarray:
    base = _colour(rng)
    grain = cv2.resize(rng.random((int(rng.integers(4, 40)),) * 2).astype(np.float32), (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)
    img = base * (0.85 + 0.3 * grain[..., None])
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE - 0.5
    img *= (1 - rng.uniform(0, 0.6) * (xx**2 + yy**2))[..., None]  # vignette / uneven light
    return img


def _tote(rng: np.random.Generator) -> np.ndarray:
    img = np.empty((SIZE, SIZE, 3), np.float32)
    wall = _colour(rng)
    img[:] = wall * 0.6
    m = int(rng.uniform(0.15, 0.35) * SIZE)
    floor = np.float32([[m, m], [SIZE - m, m], [SIZE - m, SIZE - m], [m, SIZE - m]]) + rng.uniform(-12, 12, (4, 2)).astype(np.float32)
    cv2.fillPoly(img, [floor.astype(np.int32)], tuple(float(v) for v in wall * 0.9))
    for k in range(4):  # the four walls, each shaded differently
        quad = np.float32([[0, 0], [SIZE, 0], [SIZE, SIZE], [0, SIZE]])
        poly = np.stack([quad[k], quad[(k + 1) % 4], floor[(k + 1) % 4], floor[k]]).astype(np.int32)
        cv2.fillPoly(img, [poly], tuple(float(v) for v in wall * rng.uniform(0.5, 1.0)))
    return img


def _bars(rng: np.random.Generator) -> np.ndarray:
    n = int(rng.integers(5, 9))
    cols = [_colour(rng) for _ in range(n)]
    img = np.empty((SIZE, SIZE, 3), np.float32)
    for i, c in enumerate(cols):
        img[:, i * SIZE // n : (i + 1) * SIZE // n] = c
    return img.transpose(1, 0, 2).copy() if rng.random() < 0.3 else img


def _checker(rng: np.random.Generator) -> np.ndarray:
    p = int(rng.integers(8, 56))
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    on = ((yy // p + xx // p) % 2 == 0)[..., None]
    return np.where(on, _colour(rng), _colour(rng)).astype(np.float32)


def _flat_graphic(rng: np.random.Generator) -> np.ndarray:
    img = np.empty((SIZE, SIZE, 3), np.float32)
    img[:] = _colour(rng)
    for _ in range(int(rng.integers(1, 4))):
        c = tuple(float(v) for v in _colour(rng))
        centre = (int(rng.integers(30, SIZE - 30)), int(rng.integers(30, SIZE - 30)))
        r = int(rng.integers(10, 70))
        kind = rng.integers(3)
        if kind == 0:
            start = float(rng.uniform(0, 360))
            cv2.ellipse(img, (centre, (2 * r, 2 * r), 0), c, -1) if rng.random() < 0.3 else cv2.ellipse(img, centre, (r, r), 0, start, start + rng.uniform(180, 330), c, -1)
        elif kind == 1:
            cv2.rectangle(img, (centre[0] - r, centre[1] - r // 2), (centre[0] + r, centre[1] + r // 2), c, -1)
        else:
            cv2.circle(img, centre, r, c, int(rng.integers(2, 8)))
    if rng.random() < 0.7:
        text = "".join(str(int(d)) for d in rng.integers(0, 10, int(rng.integers(3, 10))))
        cv2.putText(img, text, (int(rng.integers(0, 80)), int(rng.integers(20, SIZE - 10))), cv2.FONT_HERSHEY_SIMPLEX, rng.uniform(0.4, 1.0), tuple(float(v) for v in _colour(rng)), 1, cv2.LINE_AA)
    if rng.random() < 0.5:
        s = int(rng.integers(6, 20))
        for x, y in ((0, 0), (SIZE - s, 0), (0, SIZE - s), (SIZE - s, SIZE - s)):
            img[y : y + s, x : x + s] = _colour(rng)
    return img


def _covered(rng: np.random.Generator) -> np.ndarray:
    img = _surface(rng)
    mask = np.zeros((SIZE, SIZE), np.float32)
    cv2.circle(mask, (int(rng.integers(0, SIZE)), int(rng.integers(0, SIZE))), int(rng.integers(80, 200)), 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 15)[..., None]
    return img * (1 - mask) + rng.uniform(5, 60) * mask


SCENES = (_surface, _tote, _bars, _checker, _flat_graphic, _covered)


def no_item_frame(seed: int, index: int) -> np.ndarray:
    rng = np.random.default_rng(seed * 1_000_033 + index)
    img = SCENES[index % len(SCENES)](rng)
    if rng.random() < 0.3:  # the camera moving across it
        k = int(rng.integers(5, 25))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2] = 1.0 / k
        img = cv2.filter2D(img, -1, cv2.warpAffine(kernel, cv2.getRotationMatrix2D((k / 2, k / 2), rng.uniform(0, 180), 1), (k, k)))
    img = img + rng.normal(0, rng.uniform(0, 6), img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 95))])
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return out


def no_item_set(seed: int, n: int) -> np.ndarray:
    """n frames cropped to a camera's aspect (4:3, 3:4, 16:9) and letterboxed as the app does."""
    from datasets import letterbox

    out = []
    for i in range(n):
        frame = no_item_frame(seed, i)
        aspect = (4 / 3, 3 / 4, 16 / 9, 1.0)[i % 4]
        w, h = (SIZE, int(SIZE / aspect)) if aspect >= 1 else (int(SIZE * aspect), SIZE)
        out.append(letterbox(frame[(SIZE - h) // 2 : (SIZE - h) // 2 + h, (SIZE - w) // 2 : (SIZE - w) // 2 + w]))
    return np.stack(out)
