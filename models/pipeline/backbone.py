"""MobileNetV2-1.4 backbone rebuilt in PyTorch from the nsfwjs tfjs graph (own converter).

The tfjs graph has batch norm folded into `_FusedConv2D` / `FusedDepthwiseConv2dNative` nodes
(weights + bias, optional Relu6) and uint8-quantised weights (value = q * scale + min). We read
the topology node by node, so strides, residual adds and activations come from the graph itself
rather than from an assumed architecture.

TensorFlow "SAME" padding with stride 2 on even sizes pads only bottom/right (0, 1); PyTorch's
symmetric padding would shift every feature map by half a pixel, so stride-2 convs get an
explicit asymmetric pad.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PREFIX = (
    "StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/"
    "StatefulPartitionedCall/StatefulPartitionedCall/predict/"
)


def load_tfjs_weights(tfjs_dir: Path) -> tuple[dict, dict[str, np.ndarray]]:
    model = json.loads((tfjs_dir / "model.json").read_text())
    raw = (tfjs_dir / "weights.bin").read_bytes()
    weights: dict[str, np.ndarray] = {}
    offset = 0
    for group in model["weightsManifest"]:
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            quant = spec.get("quantization")
            if quant:
                if quant["dtype"] != "uint8":
                    raise ValueError(f"unsupported quantisation {quant['dtype']} for {spec['name']}")
                q = np.frombuffer(raw, dtype=np.uint8, count=count, offset=offset)
                value = q.astype(np.float64) * quant["scale"] + quant["min"]
                offset += count
            else:
                value = np.frombuffer(raw, dtype=np.float32, count=count, offset=offset).astype(np.float64)
                offset += 4 * count
            weights[spec["name"]] = value.astype(np.float32).reshape(spec["shape"])
    if offset != len(raw):
        raise ValueError(f"weights.bin has {len(raw)} bytes, manifest describes {offset}")
    return model, weights


def _decode_list(attr: dict, key: str) -> list[str]:
    return [base64.b64decode(s).decode() for s in attr.get(key, {}).get("list", {}).get("s", [])]


@dataclass
class ConvSpec:
    name: str  # short tfjs node name, e.g. MobilenetV2/expanded_conv_3/depthwise/depthwise
    source: str  # short name of the input node
    depthwise: bool
    stride: int
    relu6: bool
    weight: np.ndarray  # torch layout
    bias: np.ndarray


class SameConv(nn.Module):
    """Conv2d with TensorFlow SAME padding (asymmetric for stride 2), bias, optional ReLU6."""

    def __init__(self, spec: ConvSpec):
        super().__init__()
        out_ch, in_per_group, k, _ = spec.weight.shape
        groups = out_ch if spec.depthwise else 1
        in_ch = in_per_group * groups
        self.stride = spec.stride
        self.k = k
        self.relu6 = spec.relu6
        # SAME for k=3: stride 1 pads 1 on every side; stride 2 on an even size pads (0, 1).
        # The network input is fixed at 224, so every stride-2 input (224..14) is even.
        self.asym = spec.stride == 2 and k > 1
        pad = 0 if self.asym else (k - 1) // 2
        self.conv = nn.Conv2d(in_ch, out_ch, k, stride=spec.stride, padding=pad, groups=groups, bias=True)
        with torch.no_grad():
            self.conv.weight.copy_(torch.from_numpy(spec.weight))
            self.conv.bias.copy_(torch.from_numpy(spec.bias))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.asym:
            x = F.pad(x, (0, 1, 0, 1))
        x = self.conv(x)
        return torch.clamp(x, 0.0, 6.0) if self.relu6 else x


def parse_graph(model: dict, weights: dict[str, np.ndarray]):
    """Returns (input_scale, input_offset, ops) where ops is the ordered list of conv/add steps."""
    short = lambda n: n[len(PREFIX):] if n.startswith(PREFIX) else n  # noqa: E731
    ops: list[tuple] = []
    scale = offset = None
    for node in model["modelTopology"]["node"]:
        op, name = node["op"], short(node["name"])
        inputs = [short(i) for i in node.get("input", []) if not i.startswith("^")]
        if op == "Mul" and name == "hub_input/Mul":
            scale = float(weights[PREFIX + "hub_input/Mul/y"])
        elif op == "Sub" and name == "hub_input/Sub":
            offset = float(weights[PREFIX + "hub_input/Sub/y"])
        elif op in ("_FusedConv2D", "FusedDepthwiseConv2dNative"):
            fused = _decode_list(node["attr"], "fused_ops")
            if fused[0] not in ("BiasAdd", "FusedBatchNorm") or any(f not in ("BiasAdd", "Relu6", "FusedBatchNorm") for f in fused):
                raise ValueError(f"{name}: unsupported fused ops {fused}")
            padding = base64.b64decode(node["attr"]["padding"]["s"]).decode()
            if padding != "SAME":
                raise ValueError(f"{name}: unsupported padding {padding}")
            strides = [int(s) for s in node["attr"]["strides"]["list"]["i"]]
            w = weights[PREFIX + inputs[1]]
            b = weights[PREFIX + inputs[2]]
            depthwise = op == "FusedDepthwiseConv2dNative"
            w_t = w.transpose(2, 3, 0, 1) if depthwise else w.transpose(3, 2, 0, 1)  # -> [out, in, kh, kw]
            ops.append(("conv", ConvSpec(name, inputs[0], depthwise, strides[1], "Relu6" in fused, np.ascontiguousarray(w_t), b)))
        elif op == "AddV2":
            ops.append(("add", name, inputs[0], inputs[1]))
    if scale is None or offset is None:
        raise ValueError("input normalisation nodes hub_input/Mul and hub_input/Sub not found")
    return scale, offset, ops


STRIDE16_NODE = "MobilenetV2/expanded_conv_12/add"
MID_NODE = "MobilenetV2/expanded_conv_13/expand/Relu6"
STRIDE32_NODE = "MobilenetV2/Conv_1/Relu6"
BLOCK16_NODE = "MobilenetV2/expanded_conv_16/project/BatchNorm/FusedBatchNormV3"
BLOCK13_NODE = "MobilenetV2/expanded_conv_13/project/BatchNorm/FusedBatchNormV3"


class Backbone(nn.Module):
    """Input: NCHW float32 normalised as (pixel/255 - 0.5) / 0.5 (the graph's own hub_input step).

    Returns the three feature maps the heads use: stride-16 block output (136 ch, 14×14),
    the stride-16 expansion of block 13 (816 ch, 14×14, before its stride-2 depthwise) and
    the final 1792-ch 7×7 map.
    """

    def __init__(self, tfjs_dir: Path):
        super().__init__()
        model, weights = load_tfjs_weights(tfjs_dir)
        scale, offset, ops = parse_graph(model, weights)
        # Our manifest feeds (p - 0.5) / 0.5 = 2p - 1; check the graph expects exactly that.
        if abs(scale - 2.0) > 1e-6 or abs(offset - 1.0) > 1e-6:
            raise ValueError(f"unexpected input normalisation x*{scale}-{offset}")
        self.plan: list[tuple] = []
        self.convs = nn.ModuleDict()
        for op in ops:
            if op[0] == "conv":
                spec: ConvSpec = op[1]
                key = spec.name.replace("/", "__")
                self.convs[key] = SameConv(spec)
                self.plan.append(("conv", spec.name, key, spec.source))
            else:
                self.plan.append(op)
            if op[0] == "conv" and op[1].name == STRIDE32_NODE:
                break
        names = {p[1] for p in self.plan}
        for needed in (STRIDE16_NODE, MID_NODE, STRIDE32_NODE):
            if needed not in names:
                raise ValueError(f"graph has no node {needed}")

    def forward(self, x: torch.Tensor, upto: str = STRIDE32_NODE) -> dict[str, torch.Tensor]:
        values = {"hub_input/Sub": x}
        out = {}
        for step in self.plan:
            if step[0] == "conv":
                _, name, key, source = step
                values[name] = self.convs[key](values[source])
            else:
                _, name, a, b = step
                values[name] = values[a] + values[b]
            if name == STRIDE16_NODE:
                out["stride16"] = values[name]
            elif name == MID_NODE:
                out["mid"] = values[name]
            elif name == BLOCK13_NODE:
                out["block13"] = values[name]
            elif name == BLOCK16_NODE:
                out["block16"] = values[name]
            elif name == STRIDE32_NODE:
                out["stride32"] = values[name]
            if name == upto:
                break
        return out
