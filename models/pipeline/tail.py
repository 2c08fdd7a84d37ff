"""The backbone's stride-32 stage (blocks 14–16 and Conv_1) as a trainable copy.

Fine-tuning runs on cached block-13 outputs (224 × 7 × 7 per image): everything before them stays
frozen, so a view costs one frozen pass once and the training steps only the last 7×7 stage
(~0.3 GFLOP forward), which two CPU cores can afford. The stride-16 expansion ("mid", which the
patch features and the damage detail read) comes before this stage and does not change.
"""
from __future__ import annotations

import copy

import torch
import torch.nn as nn

from backbone import BLOCK13_NODE, BLOCK16_NODE, STRIDE32_NODE, Backbone


class Tail(nn.Module):
    def __init__(self, backbone: Backbone):
        super().__init__()
        names = [step[1] for step in backbone.plan]
        start = names.index(BLOCK13_NODE) + 1
        end = names.index(STRIDE32_NODE) + 1
        self.plan = backbone.plan[start:end]
        self.convs = nn.ModuleDict({step[2]: copy.deepcopy(backbone.convs[step[2]]) for step in self.plan if step[0] == "conv"})

    def forward(self, block13: torch.Tensor) -> dict[str, torch.Tensor]:
        values = {BLOCK13_NODE: block13}
        for step in self.plan:
            if step[0] == "conv":
                _, name, key, source = step
                values[name] = self.convs[key](values[source])
            else:
                _, name, a, b = step
                values[name] = values[a] + values[b]
        return {"block16": values[BLOCK16_NODE], "stride32": values[STRIDE32_NODE]}
