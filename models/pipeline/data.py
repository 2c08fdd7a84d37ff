"""Loading the GroceryStore dev photos (RGB uint8) by split; the app never reads these."""
from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

DATA_ROOT = Path(os.environ.get("INTACT_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "grocery-dev"))


def read_rgb(path: Path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(f"cannot decode image {path}")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def split_images(split: str) -> list[tuple[str, Path]]:
    """(class name, path) for every image of train/ or val/, sorted for determinism."""
    root = DATA_ROOT / split
    if not root.is_dir():
        raise FileNotFoundError(f"missing data folder {root} (set INTACT_DATA)")
    return [(cls.name, f) for cls in sorted(root.iterdir()) if cls.is_dir() for f in sorted(cls.iterdir()) if f.suffix.lower() in (".jpg", ".jpeg", ".png")]


def iconic_images() -> list[tuple[str, Path]]:
    root = DATA_ROOT / "iconic"
    return [(f.stem, f) for f in sorted(root.iterdir()) if f.suffix.lower() in (".jpg", ".jpeg", ".png")]
