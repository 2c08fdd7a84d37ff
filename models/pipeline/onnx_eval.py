"""A small ONNX interpreter on torch ops, for the ops our exported graphs use.

onnxruntime's Python package is not available here and onnx 1.12 has no reference evaluator.
We need to (a) record activation ranges for every tensor of the fp32 graph to calibrate the
QDQ quantiser, keyed by ONNX tensor name, and (b) evaluate the QDQ graph with exact
QuantizeLinear/DequantizeLinear arithmetic. Both run batched: the exported graphs have a fixed
batch of 1, so Reshape/Expand targets take their leading dimension from the data.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _quantize(x, scale, zp, axis, dtype):
    qmin, qmax = (0, 255) if dtype == torch.uint8 else (-128, 127)
    scale, zp = _broadcast(scale, x, axis), _broadcast(zp.to(torch.float32), x, axis)
    return torch.clamp(torch.round(x / scale) + zp, qmin, qmax).to(torch.int32)


def _broadcast(v, x, axis):
    if v.ndim == 0 or v.numel() == 1:
        return v.reshape(())
    shape = [1] * x.ndim
    shape[axis] = -1
    return v.reshape(shape)


class OnnxTorch:
    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
        self.int_dtype: dict[str, torch.dtype] = {}
        for t in model.graph.initializer:
            if t.data_type == onnx.TensorProto.UINT8:
                self.int_dtype[t.name] = torch.uint8
            elif t.data_type == onnx.TensorProto.INT8:
                self.int_dtype[t.name] = torch.int8

    def run(self, x: torch.Tensor, observe: Callable[[str, torch.Tensor], None] | None = None, everything: bool = False) -> dict[str, torch.Tensor]:
        g = self.model.graph
        env: dict[str, torch.Tensor] = dict(self.init)
        env[g.input[0].name] = x
        for node in g.node:
            a = _attrs(node)
            ins = [env[n] if n else None for n in node.input]
            op = node.op_type
            if op == "Constant":
                out = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            elif op == "Conv":
                pads = a.get("pads", [0, 0, 0, 0])
                xin = ins[0]
                if pads[0] != pads[2] or pads[1] != pads[3]:
                    xin = F.pad(xin, (pads[1], pads[3], pads[0], pads[2]))
                    pad = 0
                else:
                    pad = (pads[0], pads[1])
                out = F.conv2d(xin, ins[1], ins[2] if len(ins) > 2 else None, stride=a.get("strides", [1, 1]), padding=pad, groups=a.get("group", 1))
            elif op == "Clip":
                lo = ins[1] if len(ins) > 1 and ins[1] is not None else None
                hi = ins[2] if len(ins) > 2 and ins[2] is not None else None
                out = torch.clamp(ins[0], lo.item() if lo is not None else None, hi.item() if hi is not None else None)
            elif op == "Relu":
                out = F.relu(ins[0])
            elif op == "Add":
                out = ins[0] + ins[1]
            elif op == "Sub":
                out = ins[0] - ins[1]
            elif op == "Mul":
                out = ins[0] * ins[1]
            elif op == "Div":
                out = ins[0] / ins[1]
            elif op == "Sigmoid":
                out = torch.sigmoid(ins[0])
            elif op == "Pad":
                p = [int(v) for v in ins[1].tolist()]
                n = len(p) // 2
                torch_pad = []
                for d in reversed(range(n)):
                    torch_pad += [p[d], p[d + n]]
                out = F.pad(ins[0], torch_pad)
            elif op in ("ReduceMean", "ReduceMax", "ReduceL2"):
                axes = a.get("axes")
                keep = bool(a.get("keepdims", 1))
                if op == "ReduceMean":
                    out = ins[0].mean(dim=axes, keepdim=keep)
                elif op == "ReduceMax":
                    out = ins[0].amax(dim=axes, keepdim=keep)
                else:
                    out = ins[0].pow(2).sum(dim=axes, keepdim=keep).sqrt()
            elif op == "GlobalAveragePool":
                out = ins[0].mean(dim=(2, 3), keepdim=True)
            elif op == "AveragePool":
                pads = a.get("pads", [0, 0, 0, 0])
                out = F.avg_pool2d(ins[0], a["kernel_shape"], a.get("strides", [1, 1]), (pads[0], pads[1]), count_include_pad=bool(a.get("count_include_pad", 0)))
            elif op == "Concat":
                out = torch.cat(ins, dim=a["axis"])
            elif op == "Gemm":
                b = ins[1].t() if a.get("transB", 0) else ins[1]
                out = ins[0] @ b
                if len(ins) > 2:
                    out = out + ins[2]
            elif op == "MatMul":
                out = ins[0] @ ins[1]
            elif op == "Flatten":
                out = ins[0].flatten(a.get("axis", 1))
            elif op == "Slice":
                out = ins[0]
                starts, ends = ins[1].tolist(), ins[2].tolist()
                axes = ins[3].tolist() if len(ins) > 3 else list(range(len(starts)))
                steps = ins[4].tolist() if len(ins) > 4 else [1] * len(starts)
                idx = [slice(None)] * out.ndim
                for s, e, ax, st in zip(starts, ends, axes, steps):
                    idx[ax] = slice(s, e, st)
                # numpy clamps out-of-range bounds the way ONNX does, negative steps included
                out = torch.from_numpy(np.ascontiguousarray(out.numpy()[tuple(idx)]))
            elif op == "Shape":
                out = torch.tensor(list(ins[0].shape), dtype=torch.int64)
            elif op == "Gather":
                out = torch.index_select(ins[0], a.get("axis", 0), ins[1].reshape(-1).long()).reshape(list(ins[0].shape[: a.get("axis", 0)]) + list(ins[1].shape) + list(ins[0].shape[a.get("axis", 0) + 1 :]))
            elif op == "Unsqueeze":
                out = ins[0]
                for ax in sorted(ins[1].tolist()):
                    out = out.unsqueeze(ax)
            elif op == "Reshape":
                shape = ins[1].tolist()
                shape = [ins[0].shape[i] if s == 0 else s for i, s in enumerate(shape)]
                if ins[0].dtype == torch.float32 and shape[0] == 1:
                    shape[0] = ins[0].shape[0]  # batched evaluation of a batch-1 graph
                out = ins[0].reshape(shape)
            elif op == "Transpose":
                out = ins[0].permute(a["perm"])
            elif op == "Expand":
                target = ins[1].tolist()
                if ins[0].dtype == torch.float32 and target[0] == 1:
                    target[0] = ins[0].shape[0]  # batched evaluation of a batch-1 graph
                out = ins[0].expand(torch.broadcast_shapes(ins[0].shape, tuple(target)))
            elif op == "Cast":
                to = a["to"]
                out = ins[0].to(torch.int64) if to == onnx.TensorProto.INT64 else ins[0].to(torch.float32) if to == onnx.TensorProto.FLOAT else ins[0]
            elif op == "ConstantOfShape":
                value = torch.from_numpy(numpy_helper.to_array(a["value"]).copy()) if "value" in a else torch.zeros(1)
                out = torch.full(tuple(ins[0].tolist()), value.item(), dtype=value.dtype)
            elif op == "Resize":
                if a.get("mode", b"nearest") != b"nearest":
                    raise NotImplementedError("onnx_eval: only nearest Resize")
                scales = ins[2].tolist() if len(ins) > 2 and ins[2] is not None and ins[2].numel() else None
                size = ins[3].tolist()[2:] if scales is None else None
                out = F.interpolate(ins[0], scale_factor=scales[2:] if scales else None, size=size, mode="nearest")
            elif op == "MaxPool":
                pads = a.get("pads", [0, 0, 0, 0])
                out = F.max_pool2d(ins[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), (pads[0], pads[1]))
            elif op == "Neg":
                out = -ins[0]
            elif op == "QuantizeLinear":
                dtype = self.int_dtype.get(node.input[2], torch.uint8)
                out = _quantize(ins[0], ins[1], ins[2], a.get("axis", 1), dtype)
                self.int_dtype[node.output[0]] = dtype
            elif op == "DequantizeLinear":
                axis = a.get("axis", 1)
                zp = ins[2].to(torch.float32) if len(ins) > 2 and ins[2] is not None else torch.zeros(())
                out = (ins[0].to(torch.float32) - _broadcast(zp, ins[0], axis)) * _broadcast(ins[1], ins[0], axis)
            else:
                raise NotImplementedError(f"onnx_eval: op {op} ({node.name})")
            for name in node.output:
                env[name] = out
                if observe is not None and out.dtype == torch.float32:
                    observe(name, out)
        return env if everything else {o.name: env[o.name] for o in g.output}
