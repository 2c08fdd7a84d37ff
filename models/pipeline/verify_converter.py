"""Compares the rebuilt PyTorch backbone with activations recorded from the tfjs graph."""
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from backbone import Backbone  # noqa: E402
from reference_inputs import formula_image  # noqa: E402


def main(tfjs_dir: Path, reference: Path, out: Path) -> None:
    ref = json.loads(reference.read_text())
    net = Backbone(tfjs_dir).eval()
    report = {}
    with torch.no_grad():
        for entry in ref["results"]:
            img = formula_image(entry["k"])
            x = torch.from_numpy((img.transpose(2, 0, 1)[None] - 0.5) / 0.5)
            feats = net(x)
            feats["pooled"] = feats["stride32"].mean(dim=(2, 3))
            for key in ("stride16", "stride32", "pooled"):
                expected = np.asarray(entry[key]["data"], dtype=np.float32).reshape(entry[key]["shape"])
                got = feats[key].numpy()
                if got.ndim == 4:
                    got = got.transpose(0, 2, 3, 1)  # NCHW -> NHWC like tfjs
                diff = float(np.abs(got - expected).max())
                scale = float(np.abs(expected).max())
                prev = report.get(key, {"maxAbsDiff": 0.0, "maxAbs": 0.0})
                report[key] = {"maxAbsDiff": max(prev["maxAbsDiff"], diff), "maxAbs": max(prev["maxAbs"], scale)}
    out.write_text(json.dumps(report, indent=2))
    print("converter vs tfjs:", json.dumps(report))
    worst = max(v["maxAbsDiff"] / max(v["maxAbs"], 1e-6) for v in report.values())
    if worst > 1e-3:
        raise SystemExit(f"converter mismatch: relative max abs diff {worst:.2e} > 1e-3")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
