"""How much identification a trained embedding head loses to int8, without rebuilding the graph.

Usage: python3 models/pipeline/int8_ident_probe.py <workDir> <int8.onnx> [floor,...] [seeds]
  e.g. python3 models/pipeline/int8_ident_probe.py models/.work/build models/released/intact-vision-int8.onnx 0,0.25,0.5 3

Needs the feature caches of a finished build in <workDir>/cache. The int8 graph supplies the
pooled descriptors an int8 backbone really produces (its `/Concat_output_0` tensor is added as an
output and run in onnxruntime-web). For each spread floor (train_embed.SPREAD_FLOOR_OF_MEDIAN's
alternatives) and training seed, the head is trained on the cached fp32 descriptors exactly as
build.py does, then measured in fp32 on fp32 descriptors and "int8": its Gemm weights quantised
per output row as export.py does, applied to the int8 descriptors. Before that the head inside
the given graph is rebuilt and checked against the graph's own int8 embedding output, so the
simulation is known to match onnxruntime-web.
"""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).parent))
import build as B  # noqa: E402
from data import iconic_images, split_images  # noqa: E402
from embed_fit import embed_global, fit_embedding_head  # noqa: E402
from heads import EmbeddingHead  # noqa: E402
from train_embed import train_embedding  # noqa: E402

DESCRIPTOR = "/Concat_output_0"  # the pooled descriptor feeding the embedding MLP in the exported graph
SETS = ("photos_train", "photos_val", "photos_iconic")


def int8_descriptors(work: Path, graph: Path) -> dict[str, dict[str, np.ndarray]]:
    m = onnx.load(str(graph))
    if not any(n.output[0] == DESCRIPTOR and n.op_type == "Concat" for n in m.graph.node):
        raise SystemExit(f"{graph}: no Concat named {DESCRIPTOR}; the exporter's names changed, update DESCRIPTOR")
    keep = [o for o in m.graph.output if o.name == "embedding"]
    del m.graph.output[:]
    m.graph.output.extend(keep + [helper.make_tensor_value_info(DESCRIPTOR, TensorProto.FLOAT, [1, 2608])])
    probe = work / "int8-descriptor-probe.onnx"
    onnx.save(m, str(probe))
    out = {}
    for name in SETS:
        with np.load(work / "cache" / f"{name}.npz") as z:
            images = z["images"]
        r = B.ort_infer(work, probe, images, work)
        out[name] = {"descriptor": r[DESCRIPTOR].reshape(len(images), -1), "embedding": r["embedding"].reshape(len(images), -1)}
    probe.unlink()
    return out


def quantised(head: EmbeddingHead) -> EmbeddingHead:
    """Gemm weights as export.quantize_qdq stores them: int8, symmetric, one scale per output row."""
    h = copy.deepcopy(head)
    with torch.no_grad():
        for lin in (h.mlp[0], h.mlp[2]):
            w = lin.weight.double()
            s = w.abs().max(dim=1, keepdim=True).values.clamp_min(1e-30) / 127
            lin.weight.copy_((torch.round(w / s).clamp(-127, 127) * s).float())
    return h


def head_of(graph: Path) -> EmbeddingHead:
    fp32 = Path(str(graph).replace("-int8", "-fp32"))
    w = {t.name: numpy_helper.to_array(t) for t in onnx.load(str(fp32)).graph.initializer}
    head = EmbeddingHead(hidden=w["embed_head.mlp.0.weight"].shape[0], dim=w["embed_head.mlp.2.weight"].shape[0])
    with torch.no_grad():
        for k in ("mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"):
            dict(head.named_parameters())[k].copy_(torch.from_numpy(w[f"embed_head.{k}"].copy()))
    return head.eval()


def main(work: Path, graph: Path, floors: list[float], seeds: int) -> None:
    torch.set_num_threads(1)
    labels = {"photos_train": [c for c, _ in split_images("train")], "photos_val": [c for c, _ in split_images("val")],
              "photos_iconic": [c for c, _ in iconic_images()]}
    fp = {}
    for name in SETS:
        with np.load(work / "cache" / f"{name}.npz") as z:
            fp[name] = z["descriptor"].astype(np.float32)
            if name == "photos_train":
                mid = z["mid"]
    q8 = int8_descriptors(work, graph)
    shipped = head_of(graph)
    gap = float(np.abs(embed_global(quantised(shipped), q8["photos_val"]["descriptor"]) - q8["photos_val"]["embedding"]).max())
    print(f"simulation vs onnxruntime-web on the graph's own head: max |diff| {gap:.2e}")
    if gap > 1e-4:
        raise SystemExit("the int8 simulation does not match the graph: figures would be meaningless")

    def suite(head, d):
        return B.identification_suite(*(x for name in SETS for x in (embed_global(head, d[name]), labels[name])))

    train_labels = labels["photos_train"]
    seen_idx = np.flatnonzero([c not in B.HELD_OUT for c in train_labels])
    classes = sorted({train_labels[i] for i in seen_idx})
    cls_of = {c: k for k, c in enumerate(classes)}
    with np.load(work / "cache" / "emb_views.npz") as v:
        views = {k: v[k] for k in v.files}
    x = np.concatenate([fp["photos_train"][seen_idx], views["photo"], views["syn"]]).astype(np.float32)
    y_photo = np.array([cls_of[train_labels[i]] for i in seen_idx])
    y = np.concatenate([y_photo, y_photo[views["photo_src"]], len(classes) + views["syn_ids"]])
    fp_d = {n: fp[n] for n in SETS}
    q8_d = {n: q8[n]["descriptor"] for n in SETS}
    print("floor  seed  fp32 top-1 val→train / val→iconic / unseen   int8 top-1 val→train / val→iconic / unseen   mean cos(fp32, int8)")
    for floor in floors:
        for k in range(seeds):
            head = fit_embedding_head(fp["photos_train"][seen_idx], mid[seen_idx], B.EMBED_DIM, B.PATCH_DIM, B.SEED, hidden=B.EMBED_HIDDEN)
            head = train_embedding(x, y, head, B.SEED + 100 * k, log=lambda _: None, spread_floor=floor)
            q = quantised(head)
            f, i8 = suite(head, fp_d), suite(q, q8_d)
            cos = float((embed_global(head, fp_d["photos_val"]) * embed_global(q, q8_d["photos_val"])).sum(axis=1).mean())
            cells = lambda r: " / ".join(f"{r[key]['top1']:.2f}" for key in ("valVsTrainGallery", "valVsIconic", "unseenClassesEnrolled"))
            print(f"{floor:<6} {k:<5} {cells(f):<42} {cells(i8):<42} {cos:.4f}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]),
         [float(v) for v in (sys.argv[3] if len(sys.argv) > 3 else "0,0.25").split(",")], int(sys.argv[4]) if len(sys.argv) > 4 else 1)
