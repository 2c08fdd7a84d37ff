"""ONNX export (fp32) and our own static QDQ int8 quantisation pass.

QDQ layout chosen so onnxruntime's QDQ fusions turn every backbone conv into QLinearConv:
  DQ(x:uint8) ─┐
  DQ(w:int8, per-channel, symmetric) ─┼─ Conv ─ [Clip|Relu] ─ Q(uint8) ─ DQ ─ ...
  DQ(b:int32, scale = s_x · s_w) ─────┘
The activation is quantised *after* ReLU6/ReLU with zero point 0 and max ≤ 6, so onnxruntime
can drop the Clip (its range is already implied by Q) and fuse DQ→Conv→Q. Residual Adds get Q on
both inputs (already there) and on their output → QLinearAdd. Gemm weights are stored int8 with
a DequantizeLinear in front (weight-only), which shrinks the file without touching precision
of the small fp32 head maths.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from heads import OUTPUT_NAMES
from onnx_eval import OnnxTorch

OPSET = 13


def export_fp32(model: torch.nn.Module, path: Path, size: int = 224, output_names: list[str] | None = None) -> onnx.ModelProto:
    model.eval()
    tmp = path.with_suffix(".raw.onnx")
    with torch.no_grad():
        torch.onnx.export(
            model, torch.zeros(1, 3, size, size), str(tmp), opset_version=OPSET,
            input_names=["input"], output_names=output_names or OUTPUT_NAMES, do_constant_folding=True,
        )
    proto = onnx.load(str(tmp))
    tmp.unlink()
    proto = fold_constants(proto, (1, 3, size, size))
    proto = fold_pads_into_convs(proto)
    proto = drop_unused_constants(proto)
    proto.producer_name = "intact-models"
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    return proto


def fold_constants(proto: onnx.ModelProto, input_shape: tuple[int, ...]) -> onnx.ModelProto:
    """Replaces every node whose value cannot depend on the input pixels by an initializer.

    The exporter spells static things (pad amounts, reshape targets) as Shape/Concat/... chains;
    the input shape is fixed, so Shape outputs are constants too. Folding them leaves a graph of
    real compute ops only, which the Pad→Conv fold and the QDQ pass can pattern-match.
    """
    g = proto.graph
    env = OnnxTorch(proto).run(torch.zeros(input_shape), everything=True)
    const = {t.name for t in g.initializer}
    folded = []
    for n in g.node:
        if n.op_type in ("Constant", "Shape") or (n.input and all((not i) or i in const for i in n.input)):
            const.update(n.output)
            folded.append(n)
    needed = {i for n in g.node if n not in folded for i in n.input} | {o.name for o in g.output}
    for n in folded:
        g.node.remove(n)
        for o in n.output:
            if o in needed:
                v = env[o]
                g.initializer.append(numpy_helper.from_array(v.numpy(), o))
    return proto


def _const_value(graph, name):
    for init in graph.initializer:
        if init.name == name:
            return numpy_helper.to_array(init)
    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] == name:
            return numpy_helper.to_array(node.attribute[0].t)
    return None


def fold_pads_into_convs(proto: onnx.ModelProto) -> onnx.ModelProto:
    """Zero Pad feeding only Convs → the Convs' own (asymmetric) pads attribute."""
    g = proto.graph
    consumers: dict[str, list] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    drop = []
    for pad in [n for n in g.node if n.op_type == "Pad"]:
        users = consumers.get(pad.output[0], [])
        pads = _const_value(g, pad.input[1])
        mode = next((a.s for a in pad.attribute if a.name == "mode"), b"constant")
        value = _const_value(g, pad.input[2]) if len(pad.input) > 2 and pad.input[2] else np.zeros(())
        if pads is None or mode != b"constant" or float(value) != 0.0 or not users or any(u.op_type != "Conv" for u in users):
            continue
        pads = [int(v) for v in pads]
        if pads[0] or pads[1] or pads[4] or pads[5]:
            continue  # padding over batch/channels cannot become conv pads
        for conv in users:
            old = next((list(a.ints) for a in conv.attribute if a.name == "pads"), [0, 0, 0, 0])
            new = [old[0] + pads[2], old[1] + pads[3], old[2] + pads[6], old[3] + pads[7]]
            for a in list(conv.attribute):
                if a.name in ("pads", "auto_pad"):
                    conv.attribute.remove(a)
            conv.attribute.append(helper.make_attribute("pads", new))
            conv.input[0] = pad.input[0]
        drop.append(pad)
    for n in drop:
        g.node.remove(n)
    return proto


def drop_unused_constants(proto: onnx.ModelProto) -> onnx.ModelProto:
    g = proto.graph
    while True:
        used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
        dead = [n for n in g.node if not any(o in used for o in n.output)]
        if not dead:
            break
        for n in dead:
            g.node.remove(n)
    used = {i for n in g.node for i in n.input}
    for init in [t for t in g.initializer if t.name not in used]:
        g.initializer.remove(init)
    return proto


# ---------------------------------------------------------------- calibration + QDQ

class RangeObserver:
    def __init__(self):
        self.lo: dict[str, float] = {}
        self.hi: dict[str, float] = {}

    def __call__(self, name: str, value: torch.Tensor) -> None:
        lo, hi = float(value.min()), float(value.max())
        self.lo[name] = min(lo, self.lo.get(name, lo))
        self.hi[name] = max(hi, self.hi.get(name, hi))


def calibrate(proto: onnx.ModelProto, batches) -> RangeObserver:
    obs = RangeObserver()
    ev = OnnxTorch(proto)
    with torch.no_grad():
        for x in batches:
            obs(proto.graph.input[0].name, x)
            ev.run(x, observe=obs)
    return obs


def _act_qparams(lo: float, hi: float) -> tuple[float, int]:
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zp = int(np.clip(round(-lo / scale), 0, 255))
    return scale, zp


def _is_depthwise(node, inits) -> bool:
    group = next((a.i for a in node.attribute if a.name == "group"), 1)
    return group > 1


def quantize_qdq(fp32: onnx.ModelProto, ranges: RangeObserver, weight_dtype: str = "int8", depthwise: bool = True) -> onnx.ModelProto:
    proto = onnx.ModelProto()
    proto.CopyFrom(fp32)
    g = proto.graph
    inits = {t.name: t for t in g.initializer}
    consumers: dict[str, list] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    outputs = {o.name for o in g.output}

    # activation tensors to quantise: inputs of Conv/Add and the (post-activation) outputs of Conv/Add
    acts: list[str] = []

    def want(t: str) -> None:
        if t not in acts and t not in inits:
            acts.append(t)

    for n in g.node:
        if n.op_type == "Conv":
            want(n.input[0])
            users = consumers.get(n.output[0], [])
            if len(users) == 1 and users[0].op_type in ("Clip", "Relu") and n.output[0] not in outputs:
                want(users[0].output[0])
            else:
                want(n.output[0])
        elif n.op_type == "Add" and all(i not in inits for i in n.input):
            for i in n.input:
                want(i)
            want(n.output[0])

    input_name = g.input[0].name
    new_nodes = []
    new_inits = []
    act_scale: dict[str, float] = {}
    rename: dict[str, str] = {}
    # With float depthwise convs, the Q after a depthwise conv's ReLU6 gets zero point 1 (range
    # starts one step below 0): onnxruntime then cannot fold the Clip into Q, so it does not fuse
    # DQ→Conv→Q into a QLinearConv and the depthwise conv runs in float.
    float_dw_outputs = set()
    if not depthwise:
        for n in g.node:
            if n.op_type == "Conv" and _is_depthwise(n, inits):
                users = consumers.get(n.output[0], [])
                float_dw_outputs.add(users[0].output[0] if len(users) == 1 and users[0].op_type in ("Clip", "Relu") else n.output[0])
    for t in acts:
        if t not in ranges.lo:
            raise ValueError(f"no calibration range for {t}")
        scale, zp = _act_qparams(ranges.lo[t], ranges.hi[t])
        if t == input_name:
            # Normalised 8-bit pixels span [-1, 1] in steps of 2/255, so the calibrated scale puts
            # every pixel exactly on a rounding tie (q = p - 127.5 + zp), and the last float bit of the
            # normalisation would decide each pixel's code. A scale 0.1 % wider moves all of them
            # clear of the ties (margin ≥ 5e-4 of a step) at the cost of merging two middle levels.
            scale, zp = _act_qparams(ranges.lo[t] * 1.001, ranges.hi[t] * 1.001)
        if t in float_dw_outputs:
            scale, zp = _act_qparams(-ranges.hi[t] / 254.0, ranges.hi[t])
        act_scale[t] = scale
        s_name, z_name = f"{t}__scale", f"{t}__zp"
        new_inits += [numpy_helper.from_array(np.array(scale, np.float32), s_name), numpy_helper.from_array(np.array(zp, np.uint8), z_name)]
        q, dq = f"{t}__q", f"{t}__dq"
        new_nodes.append((t, helper.make_node("QuantizeLinear", [t, s_name, z_name], [q], name=f"{t}__Q")))
        new_nodes.append((t, helper.make_node("DequantizeLinear", [q, s_name, z_name], [dq], name=f"{t}__DQ")))
        rename[t] = dq

    # weights: per-channel symmetric int8; conv bias int32 at s_x * s_w
    weight_nodes = []
    for n in g.node:
        if n.op_type == "Conv" and n.input[1] in inits and (depthwise or not _is_depthwise(n, inits)):
            w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float64)
            peak = np.abs(w).reshape(w.shape[0], -1).max(axis=1)
            s_w = np.where(peak > 0, peak, 1.0) / 127.0  # dead (all-zero) channels keep a sane scale
            q_w = np.clip(np.round(w / s_w.reshape(-1, 1, 1, 1)), -127, 127)
            base = n.input[1]
            if weight_dtype == "uint8":
                q_w, zp_w = (q_w + 128).astype(np.uint8), np.full(w.shape[0], 128, np.uint8)
            else:
                q_w, zp_w = q_w.astype(np.int8), np.zeros(w.shape[0], np.int8)
            new_inits += [
                numpy_helper.from_array(q_w, f"{base}__int8"),
                numpy_helper.from_array(s_w.astype(np.float32), f"{base}__wscale"),
                numpy_helper.from_array(zp_w, f"{base}__wzp"),
            ]
            weight_nodes.append(helper.make_node("DequantizeLinear", [f"{base}__int8", f"{base}__wscale", f"{base}__wzp"], [f"{base}__dq"], name=f"{base}__DQ", axis=0))
            n.input[1] = f"{base}__dq"
            if len(n.input) > 2 and n.input[2] in inits:
                if n.input[0] not in act_scale:
                    raise ValueError(f"conv {n.name} input is not quantised")
                b = numpy_helper.to_array(inits[n.input[2]]).astype(np.float64)
                s_b = act_scale[n.input[0]] * s_w
                q_b = np.clip(np.round(b / s_b), -(2**31), 2**31 - 1).astype(np.int32)
                bb = n.input[2]
                new_inits += [
                    numpy_helper.from_array(q_b, f"{bb}__int32"),
                    numpy_helper.from_array(s_b.astype(np.float32), f"{bb}__bscale"),
                    numpy_helper.from_array(np.zeros(len(b), np.int32), f"{bb}__bzp"),
                ]
                weight_nodes.append(helper.make_node("DequantizeLinear", [f"{bb}__int32", f"{bb}__bscale", f"{bb}__bzp"], [f"{bb}__dq"], name=f"{bb}__DQ", axis=0))
                n.input[2] = f"{bb}__dq"
        elif n.op_type == "Gemm" and n.input[1] in inits:
            trans_b = next((a.i for a in n.attribute if a.name == "transB"), 0)
            w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float64)
            axis = 0 if trans_b else 1
            peak = np.abs(w).max(axis=1 - axis)
            s_w = np.where(peak > 0, peak, 1.0) / 127.0
            q_w = np.clip(np.round(w / (s_w[:, None] if axis == 0 else s_w[None, :])), -127, 127).astype(np.int8)
            base = n.input[1]
            new_inits += [
                numpy_helper.from_array(q_w, f"{base}__int8"),
                numpy_helper.from_array(s_w.astype(np.float32), f"{base}__wscale"),
                numpy_helper.from_array(np.zeros(len(s_w), np.int8), f"{base}__wzp"),
            ]
            weight_nodes.append(helper.make_node("DequantizeLinear", [f"{base}__int8", f"{base}__wscale", f"{base}__wzp"], [f"{base}__dq"], name=f"{base}__DQ", axis=axis))
            n.input[1] = f"{base}__dq"

    # rewire consumers of quantised activations to the DQ output (graph outputs keep fp32 names)
    for n in g.node:
        for idx, i in enumerate(n.input):
            if i in rename:
                n.input[idx] = rename[i]

    # topological placement: weight DQs first, each activation Q/DQ right after its producer
    ordered = list(weight_nodes)
    by_tensor: dict[str, list] = {}
    for t, node in new_nodes:
        by_tensor.setdefault(t, []).append(node)
    input_name = g.input[0].name
    ordered += by_tensor.pop(input_name, [])
    for n in list(g.node):
        ordered.append(n)
        for o in n.output:
            ordered += by_tensor.pop(o, [])
    if by_tensor:
        raise ValueError(f"unplaced Q/DQ for {list(by_tensor)}")
    del g.node[:]
    g.node.extend(ordered)
    used = {i for n in g.node for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep + [t for t in new_inits if t.name in used])
    onnx.checker.check_model(proto)
    return proto
