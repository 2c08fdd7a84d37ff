"""The dev data's selection / report split, the same in Python and in bench/splits.ts.

Val photos of each class are ordered by sha256 of "val/<class>/<file>"; even positions form the
REPORT split, odd positions the SELECTION split. Every choice (a weight, a threshold, a layout, a
variant) is made on train photos or on the selection split; report-split figures are only read.
"""
from __future__ import annotations

import hashlib


def val_role(items: list[tuple[str, str]]) -> list[str]:
    """items: (class, file name) of val photos; returns "report" or "selection" for each."""
    by_class: dict[str, list[int]] = {}
    for i, (cls, _) in enumerate(items):
        by_class.setdefault(cls, []).append(i)
    role = [""] * len(items)
    for cls, idx in by_class.items():
        ordered = sorted(idx, key=lambda i: hashlib.sha256(f"val/{cls}/{items[i][1]}".encode()).hexdigest())
        for pos, i in enumerate(ordered):
            role[i] = "report" if pos % 2 == 0 else "selection"
    return role
