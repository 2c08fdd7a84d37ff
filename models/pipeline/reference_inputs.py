"""Deterministic synthetic test images shared by the converter check and the CI parity record."""
import numpy as np


def formula_image(k: int, size: int = 224) -> np.ndarray:
    """HWC float32 in [0, 1], quantised to 1/255 steps; mirrors tools/tfjs-reference.mjs."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    chans = []
    for c in range(3):
        v = 0.5 + 0.5 * np.sin(x * (k + 1) * 0.07 + y * (c + 2) * 0.05 + k * 1.3 + c)
        chans.append(np.round(v * 255) / 255)
    return np.stack(chans, axis=-1).astype(np.float32)
