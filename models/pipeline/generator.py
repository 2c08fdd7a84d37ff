"""Seeded procedural generator of packaging images with rendered damage, masks and decoys.

Every sample is a pure function of (seed, index, photo list): `Random(seed * 1_000_003 + index)`
drives every choice, so the same call always returns the same pixels.

Two kinds of canvas:
  * synthetic: a box / carton / can / bottle / bag / multipack drawn on a varied background, its
    faces printed with crops of real product photos (train split only) plus bars, logos and text;
  * real: a train-split product photo, used whole (pristine) or with damage rendered on the
    product in the middle of the frame; this keeps the damage model anchored to real pixels.
Damage types (DAMAGE_TYPES order): crush, tear, hole, deconstruction, spill. Decoys are pristine
packages printed with splashes, torn-paper bands or dark dots that only *look* like damage.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

DAMAGE_TYPES = ("crush", "tear", "hole", "deconstruction", "spill")
SIZE = 224


@dataclass
class Sample:
    image: np.ndarray  # HxWx3 uint8 RGB
    mask: np.ndarray  # HxW uint8 (1 = damaged pixel)
    types: np.ndarray  # [5] float32 multi-hot
    decoy: bool
    canvas: str  # "synthetic" | "real"


def _smooth_noise(rng: np.random.Generator, h: int, w: int, scale: float) -> np.ndarray:
    """Value noise in [0, 1]: random grid upsampled with cubic interpolation."""
    gh, gw = max(2, int(h / scale)), max(2, int(w / scale))
    grid = rng.random((gh, gw)).astype(np.float32)
    out = cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(out, 0, 1)


def _blob_mask(rng: np.random.Generator, h: int, w: int, cx: float, cy: float, r: float, rough: float) -> np.ndarray:
    """Irregular closed blob around (cx, cy): a circle whose radius is modulated by harmonics."""
    n = 48
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    rad = np.ones(n) * r
    for k in range(2, 7):
        rad += r * rough / k * np.sin(k * t + rng.uniform(0, 2 * np.pi)) * rng.uniform(0.3, 1.0)
    pts = np.stack([cx + rad * np.cos(t), cy + rad * np.sin(t)], axis=1).astype(np.int32)
    m = np.zeros((h, w), np.uint8)
    cv2.fillPoly(m, [pts], 1)
    return m


def _background(rng: np.random.Generator, photos: list[np.ndarray]) -> np.ndarray:
    kind = rng.integers(0, 4)
    if kind == 0 and photos:
        # a blurred real photo as a cluttered shelf/tote background
        photo = photos[rng.integers(len(photos))]
        bg = cv2.resize(photo, (SIZE, SIZE))
        return cv2.GaussianBlur(bg, (0, 0), rng.uniform(3, 9))
    base = rng.integers(40, 230, size=3).astype(np.float32)
    if kind == 1:  # flat floor / table with grain
        noise = _smooth_noise(rng, SIZE, SIZE, rng.uniform(4, 30))[..., None]
        bg = base * (0.8 + 0.4 * noise)
    elif kind == 2:  # two-tone gradient (tote wall + floor)
        other = rng.integers(40, 230, size=3).astype(np.float32)
        t = np.linspace(0, 1, SIZE, dtype=np.float32)[:, None, None]
        bg = base * (1 - t) + other * t
        bg = np.broadcast_to(bg, (SIZE, SIZE, 3)).copy()
    else:  # stripes / grid, like a conveyor or shelf
        bg = np.broadcast_to(base, (SIZE, SIZE, 3)).copy()
        period = int(rng.integers(8, 40))
        dark = base * rng.uniform(0.5, 0.85)
        for i in range(0, SIZE, period):
            bg[:, i : i + max(1, period // 4)] = dark
        if rng.random() < 0.5:
            bg = bg.transpose(1, 0, 2).copy()
    return np.clip(bg, 0, 255).astype(np.uint8)


def _print_texture(rng: np.random.Generator, h: int, w: int, photos: list[np.ndarray]) -> np.ndarray:
    """Graphics for a package face: a crop of a real product photo or a flat design."""
    if photos and rng.random() < 0.6:
        photo = photos[rng.integers(len(photos))]
        ph, pw = photo.shape[:2]
        ch, cw = int(ph * rng.uniform(0.3, 0.7)), int(pw * rng.uniform(0.3, 0.7))
        y0, x0 = rng.integers(0, ph - ch + 1), rng.integers(0, pw - cw + 1)
        tex = cv2.resize(photo[y0 : y0 + ch, x0 : x0 + cw], (w, h))
        return tex
    tex = np.empty((h, w, 3), np.uint8)
    tex[:] = rng.integers(0, 256, size=3)
    for _ in range(rng.integers(2, 7)):  # colour bands, logos, text lines
        color = tuple(int(c) for c in rng.integers(0, 256, size=3))
        shape = rng.integers(0, 3)
        if shape == 0:
            y = int(rng.integers(0, h))
            cv2.rectangle(tex, (0, y), (w, y + int(rng.integers(3, max(4, h // 4)))), color, -1)
        elif shape == 1:
            cv2.circle(tex, (int(rng.integers(0, w)), int(rng.integers(0, h))), int(rng.integers(3, max(4, w // 3))), color, -1)
        else:
            y = int(rng.integers(5, max(6, h - 5)))
            for j in range(int(rng.integers(1, 4))):
                x1 = int(rng.integers(2, max(3, w // 3)))
                cv2.line(tex, (x1, y + j * 6), (x1 + int(rng.integers(5, max(6, w // 2))), y + j * 6), color, 2)
    return tex


def _warp_onto(canvas: np.ndarray, mask: np.ndarray, tex: np.ndarray, quad: np.ndarray, shade: float) -> None:
    h, w = tex.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    warped = cv2.warpPerspective(tex, m, (SIZE, SIZE), flags=cv2.INTER_LINEAR)
    face = np.zeros((SIZE, SIZE), np.uint8)
    cv2.fillConvexPoly(face, quad.astype(np.int32), 1)
    sel = face.astype(bool)
    canvas[sel] = np.clip(warped[sel].astype(np.float32) * shade, 0, 255).astype(np.uint8)
    mask |= face


def _draw_package(rng: np.random.Generator, canvas: np.ndarray, photos: list[np.ndarray], front_texture: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """Draws one package; returns its pixel mask and geometry used by the damage renderers.

    front_texture fixes the front print (a product identity for embedding training); otherwise
    every face gets random graphics."""
    mask = np.zeros((SIZE, SIZE), np.uint8)
    kinds = ["box", "carton", "can", "bottle", "bag", "multipack"] if front_texture is None else ["box", "carton", "can", "bottle", "bag"]
    kind = kinds[int(rng.integers(0, len(kinds)))]
    front_tex = (lambda h, w: cv2.resize(front_texture, (w, h))) if front_texture is not None else (lambda h, w: _print_texture(rng, h, w, photos))
    cx, cy = SIZE / 2 + rng.uniform(-20, 20), SIZE / 2 + rng.uniform(-15, 15)
    w, h = rng.uniform(90, 160), rng.uniform(100, 180)
    if kind in ("can", "bottle"):
        w *= 0.6
    geo = {"kind": kind, "top": None, "cells": None}
    x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
    if kind in ("box", "carton"):
        depth = rng.uniform(15, 40)
        dx, dy = depth * rng.choice([-1, 1]) * rng.uniform(0.4, 1.0), -depth * rng.uniform(0.4, 0.8)
        jitter = lambda: rng.uniform(-6, 6, size=(4, 2))  # noqa: E731
        front = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) + jitter()
        top = np.array([front[0], front[1], front[1] + [dx, dy], front[0] + [dx, dy]])
        side_idx = (1, 2) if dx > 0 else (0, 3)
        a, b = front[side_idx[0]], front[side_idx[1]]
        side = np.array([a, a + [dx, dy], b + [dx, dy], b])
        _warp_onto(canvas, mask, _print_texture(rng, 64, 64, photos), top, rng.uniform(1.0, 1.2))
        _warp_onto(canvas, mask, _print_texture(rng, 96, 64, photos), side, rng.uniform(0.6, 0.85))
        _warp_onto(canvas, mask, front_tex(128, 128), front, 1.0)
        if kind == "carton":  # gable top
            ridge = np.array([[x0, y0], [x1, y0], [cx, y0 - rng.uniform(10, 25)]]).astype(np.int32)
            cv2.fillConvexPoly(canvas, ridge, tuple(int(c) for c in rng.integers(150, 255, 3)))
            cv2.fillConvexPoly(mask, ridge, 1)
        geo["top"] = top
        geo["front"] = front
    elif kind in ("can", "bottle"):
        tex = front_tex(128, 96)
        front = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        _warp_onto(canvas, mask, tex, front, 1.0)
        # cylindrical shading across the width
        xs = np.arange(SIZE, dtype=np.float32)
        shade = 0.65 + 0.45 * np.cos(np.clip((xs - cx) / (w / 2), -1, 1) * np.pi / 2)
        sel = mask.astype(bool)
        canvas[sel] = np.clip(canvas.astype(np.float32) * shade[None, :, None], 0, 255).astype(np.uint8)[sel]
        if kind == "can":
            cv2.ellipse(canvas, (int(cx), int(y0)), (int(w / 2), int(w / 8)), 0, 0, 360, (190, 190, 195), -1)
            cv2.ellipse(mask, (int(cx), int(y0)), (int(w / 2), int(w / 8)), 0, 0, 360, 1, -1)
        else:
            neck = np.array([[x0 + w * 0.2, y0], [x1 - w * 0.2, y0], [cx + w * 0.12, y0 - 30], [cx - w * 0.12, y0 - 30]]).astype(np.int32)
            cv2.fillConvexPoly(canvas, neck, tuple(int(c) for c in rng.integers(60, 255, 3)))
            cv2.fillConvexPoly(mask, neck, 1)
        geo["front"] = front
    elif kind == "bag":
        tex = front_tex(128, 128)
        front = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        _warp_onto(canvas, mask, tex, front, 1.0)
        # crimped wavy top/bottom edges and pillow shading
        bag = np.zeros((SIZE, SIZE), np.uint8)
        cv2.ellipse(bag, (int(cx), int(cy)), (int(w / 2), int(h / 2)), 0, 0, 360, 1, -1)
        bag |= mask * (np.abs(np.arange(SIZE)[:, None] - cy) < h / 2 - 8).astype(np.uint8)
        canvas[(mask == 1) & (bag == 0)] = _background(rng, [])[(mask == 1) & (bag == 0)]
        mask = bag
        noise = _smooth_noise(rng, SIZE, SIZE, 25)
        sel = mask.astype(bool)
        canvas[sel] = np.clip(canvas[sel].astype(np.float32) * (0.75 + 0.5 * noise[sel])[:, None], 0, 255).astype(np.uint8)
        geo["front"] = front
    else:  # multipack: grid of cans/cartons, optionally in a tray
        rows, cols = int(rng.integers(2, 4)), int(rng.integers(2, 4))
        cw, ch = w / cols, h / rows
        cells = []
        tray = tuple(int(c) for c in rng.integers(80, 200, 3))
        cv2.rectangle(canvas, (int(x0) - 4, int(y0) - 4), (int(x1) + 4, int(y1) + 4), tray, -1)
        cv2.rectangle(mask, (int(x0) - 4, int(y0) - 4), (int(x1) + 4, int(y1) + 4), 1, -1)
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        for r in range(rows):
            for c in range(cols):
                ccx, ccy = x0 + (c + 0.5) * cw, y0 + (r + 0.5) * ch
                rad = int(min(cw, ch) * 0.45)
                cv2.circle(canvas, (int(ccx), int(ccy)), rad, color, -1)
                cv2.circle(canvas, (int(ccx - rad * 0.3), int(ccy - rad * 0.3)), max(2, rad // 3), (235, 235, 235), -1)
                cv2.circle(canvas, (int(ccx), int(ccy)), rad, (40, 40, 40), 1)
                cells.append((ccx, ccy, rad))
        geo["cells"] = cells
        geo["tray"] = tray
        geo["front"] = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    return mask, geo


def _light_and_camera(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    out = img.astype(np.float32)
    # directional light
    gx, gy = rng.uniform(-1, 1, size=2)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE - 0.5
    out *= (1 + rng.uniform(0, 0.35) * (gx * xx + gy * yy))[..., None]
    out = out * rng.uniform(0.75, 1.2) + rng.uniform(-20, 20)
    out *= rng.uniform(0.9, 1.1, size=3)  # white balance
    # small rotation / scale (camera angle)
    m = cv2.getRotationMatrix2D((SIZE / 2, SIZE / 2), rng.uniform(-12, 12), rng.uniform(0.9, 1.1))
    out = cv2.warpAffine(out, m, (SIZE, SIZE), borderMode=cv2.BORDER_REFLECT)
    if rng.random() < 0.5:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 1.6))
    out += rng.normal(0, rng.uniform(0, 6), size=out.shape).astype(np.float32)
    img8 = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        ok, buf = cv2.imencode(".jpg", img8, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 95))])
        img8 = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return img8, m


# ---- damage renderers: each edits img in place and returns the damaged-pixel mask ----

def _pick_point(rng: np.random.Generator, pkg: np.ndarray, edge: bool) -> tuple[int, int]:
    region = pkg.copy()
    if edge:
        eroded = cv2.erode(pkg, np.ones((9, 9), np.uint8))
        region = pkg - eroded
    ys, xs = np.nonzero(region)
    if len(xs) == 0:
        return SIZE // 2, SIZE // 2
    i = rng.integers(len(xs))
    return int(xs[i]), int(ys[i])


def _crush(rng, img, pkg, geo):
    cx, cy = _pick_point(rng, pkg, edge=rng.random() < 0.7)
    r = rng.uniform(18, 45)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    d2 = ((xx - cx) ** 2 + (yy - cy) ** 2) / (r * r)
    fall = np.exp(-d2 * 2)
    # push pixels toward the dent centre (bent edge / dent), then shade the dent
    ang = rng.uniform(0, 2 * np.pi)
    strength = rng.uniform(6, 14)
    mapx = xx + (np.cos(ang) * strength + (xx - cx) * 0.25) * fall
    mapy = yy + (np.sin(ang) * strength + (yy - cy) * 0.25) * fall
    warped = cv2.remap(img, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    pkg_w = cv2.remap(pkg, mapx, mapy, cv2.INTER_NEAREST)
    out = warped.astype(np.float32)
    shade = 1 - rng.uniform(0.15, 0.4) * fall * np.cos((xx - cx) * np.cos(ang) / r * 3 + (yy - cy) * np.sin(ang) / r * 3)
    out *= shade[..., None]
    # creases: bright/dark line pairs
    for _ in range(int(rng.integers(2, 6))):
        a = rng.uniform(0, 2 * np.pi)
        l = rng.uniform(0.4, 1.0) * r
        p0 = (int(cx - np.cos(a) * l), int(cy - np.sin(a) * l))
        p1 = (int(cx + np.cos(a) * l), int(cy + np.sin(a) * l))
        cv2.line(out, p0, p1, (0, 0, 0), 1)
        cv2.line(out, (p0[0] + 1, p0[1] + 1), (p1[0] + 1, p1[1] + 1), tuple(float(v) for v in out[cy % SIZE, cx % SIZE] * 1.4), 1)
    img[:] = np.clip(out, 0, 255).astype(np.uint8)
    pkg[:] = pkg_w
    return ((fall > 0.25) & (pkg_w > 0)).astype(np.uint8)


def _fibre(rng, h, w, light=True):
    base = np.array([rng.uniform(200, 250), rng.uniform(190, 240), rng.uniform(160, 220)]) if light else np.array([140, 110, 80]) * rng.uniform(0.7, 1.2)
    n = _smooth_noise(rng, h, w, 2)[..., None]
    return np.clip(base * (0.85 + 0.3 * n), 0, 255)


def _tear(rng, img, pkg, geo):
    x, y = _pick_point(rng, pkg, edge=True)
    ang = rng.uniform(0, 2 * np.pi)
    # walk inward from the edge: head toward the package centroid with jitter
    ys, xs = np.nonzero(pkg)
    tx, ty = xs.mean() if len(xs) else SIZE / 2, ys.mean() if len(ys) else SIZE / 2
    ang = np.arctan2(ty - y, tx - x) + rng.uniform(-0.6, 0.6)
    length = rng.uniform(25, 80)
    pts = [(x, y)]
    steps = int(length / 4)
    for _ in range(steps):
        ang += rng.uniform(-0.5, 0.5)
        x, y = x + 4 * np.cos(ang), y + 4 * np.sin(ang)
        pts.append((x, y))
    pts = np.array(pts)
    width = rng.uniform(3, 10)
    m = np.zeros((SIZE, SIZE), np.uint8)
    for i in range(len(pts) - 1):
        wi = max(1, int(width * (1 - i / len(pts)) + rng.uniform(-1, 2)))
        cv2.line(m, tuple(pts[i].astype(int)), tuple(pts[i + 1].astype(int)), 1, wi)
    m &= cv2.dilate(pkg, np.ones((5, 5), np.uint8))
    out = img.astype(np.float32)
    inner = _fibre(rng, SIZE, SIZE, light=rng.random() < 0.7)
    sel = m.astype(bool)
    out[sel] = inner[sel]
    # jagged white fibre rim + lifted-flap shadow on one side
    rim = cv2.dilate(m, np.ones((3, 3), np.uint8)) - m
    out[rim.astype(bool)] = out[rim.astype(bool)] * 0.3 + 230 * 0.7
    shadow = cv2.dilate(m, np.ones((7, 7), np.uint8)) - cv2.dilate(m, np.ones((3, 3), np.uint8))
    shift = np.roll(shadow, int(rng.integers(-3, 4)), axis=int(rng.integers(0, 2))).astype(bool)
    out[shift & ~sel] *= rng.uniform(0.45, 0.7)
    img[:] = np.clip(out, 0, 255).astype(np.uint8)
    return cv2.dilate(m, np.ones((3, 3), np.uint8))


def _hole(rng, img, pkg, geo):
    x, y = _pick_point(rng, cv2.erode(pkg, np.ones((15, 15), np.uint8)) if pkg.sum() > 2000 else pkg, edge=False)
    r = rng.uniform(4, 14)
    m = _blob_mask(rng, SIZE, SIZE, x, y, r, rng.uniform(0.2, 0.6))
    out = img.astype(np.float32)
    sel = m.astype(bool)
    inside = rng.uniform(10, 60) if rng.random() < 0.7 else None
    if inside is None:  # see-through: the inner content (foil, product) shows
        out[sel] = rng.integers(60, 220, 3)
    else:
        out[sel] = inside * rng.uniform(0.8, 1.2, size=3)
    rim = cv2.dilate(m, np.ones((5, 5), np.uint8)) - m
    rimsel = rim.astype(bool)
    out[rimsel] = out[rimsel] * 0.4 + _fibre(rng, SIZE, SIZE)[rimsel] * 0.6
    img[:] = np.clip(out, 0, 255).astype(np.uint8)
    return cv2.dilate(m, np.ones((5, 5), np.uint8))


def _deconstruction(rng, img, pkg, geo):
    out = img.astype(np.float32)
    m = np.zeros((SIZE, SIZE), np.uint8)
    cells = geo.get("cells")
    if cells and rng.random() < 0.8:
        # broken set: one or two items missing, the empty slot shows the tray + shadow ring
        for idx in rng.choice(len(cells), size=min(len(cells), int(rng.integers(1, 3))), replace=False):
            ccx, ccy, rad = cells[idx]
            slot = np.zeros((SIZE, SIZE), np.uint8)
            cv2.circle(slot, (int(ccx), int(ccy)), rad + 1, 1, -1)
            s = slot.astype(bool)
            out[s] = np.array(geo["tray"], np.float32) * rng.uniform(0.5, 0.8)
            cv2.circle(out, (int(ccx), int(ccy)), int(rad * 0.8), tuple(float(v) for v in np.array(geo["tray"]) * 0.35), 2)
            m |= slot
    else:
        # open flap: the top edge of the front face hinges outward, showing the dark inside
        front = geo.get("front")
        if front is None:
            ys, xs = np.nonzero(pkg)
            front = np.array([[xs.min(), ys.min()], [xs.max(), ys.min()], [xs.max(), ys.max()], [xs.min(), ys.max()]], float)
        a, b = front[0].copy(), front[1].copy()
        t0, t1 = sorted(rng.uniform(0, 1, 2))
        t1 = max(t1, t0 + 0.35)
        p, q = a + (b - a) * t0, a + (b - a) * min(t1, 1.0)
        depth = rng.uniform(15, 35)
        opening = np.array([p, q, q + [0, depth * 0.6], p + [0, depth * 0.6]]).astype(np.int32)
        cv2.fillConvexPoly(out, opening, tuple(float(v) for v in rng.uniform(10, 50, 3)))
        lean = rng.uniform(-15, 15)
        flap = np.array([p, q, q + [lean, -depth], p + [lean, -depth]]).astype(np.int32)
        cv2.fillConvexPoly(out, flap, tuple(float(v) for v in _fibre(rng, 1, 1)[0, 0] * rng.uniform(0.6, 1.0)))
        cv2.polylines(out, [flap], True, (40, 40, 40), 1)
        cv2.fillConvexPoly(m, opening, 1)
        cv2.fillConvexPoly(m, flap, 1)
    img[:] = np.clip(out, 0, 255).astype(np.uint8)
    return m


SPILL_COLOURS = [(240, 240, 235), (90, 55, 25), (240, 150, 30), (150, 20, 40), (200, 190, 60), (60, 40, 30)]


def _spill(rng, img, pkg, geo):
    # centred on the package boundary so the stain sits on and next to the item
    x, y = _pick_point(rng, pkg, edge=rng.random() < 0.6)
    r = rng.uniform(15, 45)
    m = _blob_mask(rng, SIZE, SIZE, x, y, r, rng.uniform(0.3, 0.8))
    for _ in range(int(rng.integers(0, 5))):  # satellite drops
        m |= _blob_mask(rng, SIZE, SIZE, x + rng.uniform(-2, 2) * r, y + rng.uniform(-2, 2) * r, rng.uniform(2, 7), 0.3)
    colour = np.array(SPILL_COLOURS[int(rng.integers(len(SPILL_COLOURS)))], np.float32) * rng.uniform(0.8, 1.1)
    alpha_map = cv2.GaussianBlur(m.astype(np.float32), (0, 0), 1.5) * rng.uniform(0.35, 0.75)
    # wet look: darker core edge ring + specular highlights
    edge = cv2.GaussianBlur((cv2.dilate(m, np.ones((3, 3), np.uint8)) - cv2.erode(m, np.ones((3, 3), np.uint8))).astype(np.float32), (0, 0), 1)
    out = img.astype(np.float32)
    out = out * (1 - alpha_map[..., None]) + colour * alpha_map[..., None]
    out *= (1 - 0.35 * edge)[..., None]
    spec = (_smooth_noise(rng, SIZE, SIZE, 6) > 0.82).astype(np.float32) * m
    out += 90 * cv2.GaussianBlur(spec, (0, 0), 1)[..., None]
    img[:] = np.clip(out, 0, 255).astype(np.uint8)
    return m


RENDERERS = [_crush, _tear, _hole, _deconstruction, _spill]


def _decoy(rng, img, pkg):
    """Print that looks like damage but is flat, opaque and crisp, inside the package face."""
    inner = cv2.erode(pkg, np.ones((11, 11), np.uint8))
    if inner.sum() < 500:
        inner = pkg
    x, y = _pick_point(rng, inner, edge=False)
    kind = rng.integers(0, 3)
    out = img.copy()
    colour = tuple(int(c) for c in rng.integers(0, 256, 3))
    if kind == 0:  # printed splash graphic
        m = _blob_mask(rng, SIZE, SIZE, x, y, rng.uniform(10, 30), rng.uniform(0.4, 1.0))
        for _ in range(int(rng.integers(2, 7))):
            m |= _blob_mask(rng, SIZE, SIZE, x + rng.uniform(-40, 40), y + rng.uniform(-40, 40), rng.uniform(2, 6), 0.3)
    elif kind == 1:  # torn-paper graphic: a jagged band in flat colour
        m = np.zeros((SIZE, SIZE), np.uint8)
        y0 = y
        xs = np.arange(0, SIZE, 4)
        top = y0 + rng.uniform(-4, 4, size=len(xs))
        bot = top + rng.uniform(8, 20) + rng.uniform(-4, 4, size=len(xs))
        poly = np.concatenate([np.stack([xs, top], 1), np.stack([xs[::-1], bot[::-1]], 1)]).astype(np.int32)
        cv2.fillPoly(m, [poly], 1)
        colour = tuple(int(c) for c in rng.integers(200, 256, 3)) if rng.random() < 0.6 else colour
    else:  # dark printed dots (look like holes)
        m = np.zeros((SIZE, SIZE), np.uint8)
        for _ in range(int(rng.integers(1, 5))):
            cv2.circle(m, (int(x + rng.uniform(-30, 30)), int(y + rng.uniform(-30, 30))), int(rng.uniform(3, 9)), 1, -1)
        colour = tuple(int(c) for c in rng.integers(0, 60, 3))
    m &= inner
    out[m.astype(bool)] = colour
    img[:] = out


_MASKS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def product_mask(canvas: np.ndarray) -> np.ndarray:
    """The product in a (letterboxed) store photo: GrabCut from the centre of the picture area,
    the component under the centre kept. Deterministic (GrabCut seeds its own GMMs from the
    image). Falls back to a central ellipse when the cut is implausibly small or large."""
    key = id(canvas)
    if key in _MASKS and _MASKS[key][0] is canvas:
        return _MASKS[key][1]
    h, w = canvas.shape[:2]
    picture = np.argwhere(np.abs(canvas.astype(np.int16) - 128).sum(axis=2) > 6)
    y0, x0 = picture.min(axis=0) if len(picture) else (0, 0)
    y1, x1 = picture.max(axis=0) if len(picture) else (h - 1, w - 1)
    my, mx = int(0.08 * (y1 - y0)), int(0.1 * (x1 - x0))
    rect = (int(x0 + mx), int(y0 + my), int(x1 - x0 - 2 * mx), int(y1 - y0 - 2 * my))
    mask = np.zeros((h, w), np.uint8)
    cv2.setRNGSeed(0)
    try:
        cv2.grabCut(cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR), mask, rect, np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64), 3, cv2.GC_INIT_WITH_RECT)
        fg = ((mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)).astype(np.uint8)
    except cv2.error:
        fg = np.zeros((h, w), np.uint8)
    fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels = cv2.connectedComponents(fg)
    centre = labels[h // 2, w // 2]
    fg = (labels == centre).astype(np.uint8) if centre > 0 else fg
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    share = fg.mean()
    if not 0.08 < share < 0.85:
        fg = np.zeros((h, w), np.uint8)
        cv2.ellipse(fg, (w // 2, h // 2), (int(w * 0.3), int(h * 0.36)), 0, 0, 360, 1, -1)
    _MASKS[key] = (canvas, fg)
    return fg


def generate(seed: int, index: int, photos: list[np.ndarray], real_photos: list[np.ndarray], real_share: float = 0.45) -> Sample:
    """photos: print/background sources; real_photos: canvases (both RGB uint8, train split);
    real_share: the fraction of samples drawn on a whole real photo."""
    rng = np.random.default_rng(seed * 1_000_003 + index)
    use_real = real_photos and rng.random() < real_share
    if use_real:
        photo = real_photos[int(rng.integers(len(real_photos)))]
        img = cv2.resize(photo, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
        # damage follows the product's own outline: tears start at its edges, spills run off it
        pkg = product_mask(img).copy()
        geo = {"kind": "real", "cells": None, "front": None}
    else:
        img = _background(rng, photos)
        pkg, geo = _draw_package(rng, img, photos)
    roll = rng.random()
    types = np.zeros(5, np.float32)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    decoy = False
    if roll < 0.35:
        pass  # pristine
    elif roll < 0.5:
        decoy = True
        _decoy(rng, img, pkg)
    else:
        first = int(rng.integers(0, 5))
        chosen = [first]
        if rng.random() < 0.15:
            chosen.append(int(rng.integers(0, 5)))
        for t in dict.fromkeys(chosen):
            mask |= RENDERERS[t](rng, img, pkg, geo)
            types[t] = 1.0
    img, m = _light_and_camera(rng, img)
    mask = cv2.warpAffine(mask, m, (SIZE, SIZE), flags=cv2.INTER_NEAREST)
    if types.sum() > 0 and mask.sum() == 0:
        mask[:] = 0  # the camera move pushed the damage out of frame: keep labels honest
        types[:] = 0
    return Sample(image=img, mask=mask, types=types, decoy=decoy, canvas="real" if use_real else "synthetic")


def identity_views(seed: int, n_ids: int, views: int, photos: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic products for metric learning: identity i is one front print (a crop of a photo
    plus a colour band and a logo disc, fixed by the seed), rendered `views` times on different
    package shapes, backgrounds, angles and light. Returns (images, identity index)."""
    images = np.empty((n_ids * views, SIZE, SIZE, 3), np.uint8)
    ids = np.empty(n_ids * views, np.int64)
    k = 0
    for i in range(n_ids):
        rng = np.random.default_rng(seed * 104729 + i)
        tex = _print_texture(rng, 128, 128, photos).copy()
        cv2.rectangle(tex, (0, int(rng.integers(70, 110))), (128, 128), tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
        cv2.circle(tex, (int(rng.integers(20, 108)), int(rng.integers(20, 60))), int(rng.integers(8, 20)), tuple(int(c) for c in rng.integers(0, 256, 3)), -1)
        for _ in range(views):
            img = _background(rng, photos)
            _draw_package(rng, img, photos, front_texture=tex)
            img, _ = _light_and_camera(rng, img)
            images[k], ids[k] = img, i
            k += 1
    return images, ids
