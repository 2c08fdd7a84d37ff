"""Exploration (not part of `npm run models:build`): does fine-tuning the stride-32 stage with
metric learning beat a head on the frozen backbone? Figures on the SELECTION split only.

Usage: python3 models/pipeline/explore_ident.py <workDir> [views] [epochs] [tail_lr]
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).parent))
from backbone import BLOCK13_NODE, Backbone  # noqa: E402
from data import iconic_images, read_rgb, split_images  # noqa: E402
from features import to_input  # noqa: E402
from splits import val_role  # noqa: E402
from store_views import clean, identity_views, store_view  # noqa: E402
from tail import Tail  # noqa: E402

torch.set_num_threads(int(os.environ.get("INTACT_THREADS", 2)))
torch.set_flush_denormal(True)  # fp16-cached features widen into denormals that slow CPU math many-fold
SEED = 20261207
HELD_OUT = ["Arla-Sour-Cream", "God-Morgon-Red-Grapefruit-Juice", "Garant-Ecological-Standard-Milk", "Alpro-Vanilla-Soyghurt", "Yoggi-Vanilla-Yoghurt"]


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def frozen_features(backbone, images, batch=32):
    b13, mid = [], []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            f = backbone(to_input(images[i : i + batch]), upto=BLOCK13_NODE)
            b13.append(f["block13"].numpy().astype(np.float16))
            mid.append(f["mid"].mean(dim=(2, 3)).numpy().astype(np.float32))
            if (i // batch) % 20 == 0:
                log(f"  frozen {i}/{len(images)}")
    return np.concatenate(b13), np.concatenate(mid)


class IdentNet(nn.Module):
    def __init__(self, tail, mu, sd, n_cls, hidden=512, dim=256):
        super().__init__()
        self.tail = tail
        self.register_buffer("mu", torch.from_numpy(mu).float())
        self.register_buffer("sd", torch.from_numpy(sd).float())
        self.fc1 = nn.Linear(len(mu), hidden)
        self.bn = nn.BatchNorm1d(hidden)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(hidden, dim)
        self.proxies = nn.Parameter(torch.randn(n_cls, dim) * 0.05)

    def descriptor(self, b13, mid):
        return torch.cat([self.tail(b13)["stride32"].mean(dim=(2, 3)), mid], dim=1)

    def embed(self, b13, mid):
        return self.embed_descriptor(self.descriptor(b13, mid))

    def embed_descriptor(self, desc):
        z = self.fc1((desc - self.mu) / self.sd)
        return F.normalize(self.fc2(self.drop(F.relu(self.bn(z)))), dim=1)

    def loss(self, b13, mid, y):
        return self.loss_from_descriptor(self.descriptor(b13, mid), y)

    def loss_from_descriptor(self, desc, y, scale=24.0, margin=0.25):
        e = self.embed_descriptor(desc)
        cos = e @ F.normalize(self.proxies, dim=1).T
        return F.cross_entropy(scale * (cos - margin * F.one_hot(y, cos.shape[1])), y)


def embed_all(net, b13, mid, batch=256):
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(b13), batch):
            out.append(net.embed(torch.from_numpy(b13[i : i + batch]).float(), torch.from_numpy(mid[i : i + batch])).numpy())
    return np.concatenate(out)


def per_class(q, g, g_labels, classes):
    s = q @ g.T
    out = np.full((len(q), len(classes)), -9.0)
    for k, c in enumerate(classes):
        cols = [j for j, l in enumerate(g_labels) if l == c]
        if cols:
            out[:, k] = s[:, cols].max(axis=1)
    return out


def topk(q, q_labels, g, g_labels, k=1, candidates=None):
    classes = sorted(set(g_labels))
    pc = per_class(q, g, g_labels, classes)
    hits = 0
    for i, l in enumerate(q_labels):
        row = pc[i].copy()
        if candidates is not None:
            allowed = {classes.index(c) for c in candidates[i] if c in classes}
            row[[j for j in range(len(classes)) if j not in allowed]] = -9
        hits += l in [classes[j] for j in np.argsort(-row)[:k]]
    return hits / len(q_labels)


def main(work: Path, views: int, epochs: int, tail_lr: float):
    cache = work / "explore_ident.npz"
    backbone = Backbone(work / "tfjs").eval()
    train_items = split_images("train")
    val_items = split_images("val")
    icon_items = iconic_images()
    tr_labels = [c for c, _ in train_items]
    va_labels = [c for c, _ in val_items]
    ic_labels = [c for c, _ in icon_items]
    roles = val_role([(c, p.name) for c, p in val_items])
    sel = [i for i, r in enumerate(roles) if r == "selection"]
    seen_classes = sorted({c for c in tr_labels if c not in HELD_OUT})
    cls_of = {c: k for k, c in enumerate(seen_classes)}
    if cache.exists():
        z = np.load(cache)
        d = {k: z[k] for k in z.files}
    else:
        tr = [read_rgb(p) for _, p in train_items]
        va = [read_rgb(p) for _, p in val_items]
        ic = [read_rgb(p) for _, p in icon_items]
        seen_idx = [i for i, c in enumerate(tr_labels) if c in cls_of]
        log(f"views: {views} per seen train photo")
        v_imgs, v_src = identity_views([tr[i] for i in seen_idx], [cls_of[tr_labels[i]] for i in seen_idx], views, SEED)
        v_y = np.array([cls_of[tr_labels[seen_idx[s]]] for s in v_src])
        icon_seen = [i for i, c in enumerate(ic_labels) if c in cls_of]
        rng = np.random.default_rng(SEED + 1)
        ic_views, ic_y = [], []
        for i in icon_seen:
            for _ in range(3 * views):
                ic_views.append(store_view(ic[i], [tr[j] for j in rng.choice(len(tr), 12)], rng))
                ic_y.append(cls_of[ic_labels[i]])
        x_imgs = np.concatenate([clean([tr[i] for i in seen_idx]), v_imgs, np.stack(ic_views)])
        x_y = np.concatenate([[cls_of[tr_labels[i]] for i in seen_idx], v_y, ic_y]).astype(np.int64)
        log(f"frozen features: {len(x_imgs)} training views")
        xb, xm = frozen_features(backbone, x_imgs)
        tb, tm = frozen_features(backbone, clean(tr))
        vb, vm = frozen_features(backbone, clean(va))
        ib, im = frozen_features(backbone, clean(ic))
        d = dict(xb=xb, xm=xm, xy=x_y, tb=tb, tm=tm, vb=vb, vm=vm, ib=ib, im=im)
        np.savez(cache, **d)

    def evaluate(net, name):
        g = embed_all(net, d["tb"], d["tm"])
        v = embed_all(net, d["vb"], d["vm"])[sel]
        ic = embed_all(net, d["ib"], d["im"])
        vl = [va_labels[i] for i in sel]
        keep, cnt = [], {}
        for i, c in enumerate(tr_labels):
            if c in HELD_OUT:
                cnt[c] = cnt.get(c, 0) + 1
                if cnt[c] > 5:
                    continue
            keep.append(i)
        uq = [i for i, c in enumerate(vl) if c in HELD_OUT]
        rng = np.random.default_rng(7)
        classes = sorted(set(tr_labels))
        cands = [[c] + list(rng.choice([o for o in classes if o != c], 19, replace=False)) for c in vl]
        res = {
            "valSel→train top1": topk(v, vl, g, tr_labels), "top5": topk(v, vl, g, tr_labels, 5),
            "→iconic top1": topk(v, vl, ic, ic_labels), "narrowed20 top1": topk(v, vl, g, tr_labels, 1, cands),
            "unseen(5 refs) top1": topk(v[uq], [vl[i] for i in uq], g[keep], [tr_labels[i] for i in keep]),
        }
        log(f"{name}: " + json.dumps({k: round(x, 3) for k, x in res.items()}))
        return res

    desc_probe = IdentNet(Tail(backbone), np.zeros(2608, np.float32), np.ones(2608, np.float32), 1)
    with torch.no_grad():
        desc = np.concatenate([desc_probe.descriptor(torch.from_numpy(d["xb"][i : i + 256]).float(), torch.from_numpy(d["xm"][i : i + 256])).numpy() for i in range(0, len(d["xb"]), 256)])
    mu = desc.mean(0)
    sd = np.maximum(desc.std(0), 0.25 * np.median(desc.std(0))) + 1e-3
    n_cls = int(d["xy"].max()) + 1
    results = {}
    for mode in ("frozen", "finetuned"):
        torch.manual_seed(SEED)
        net = IdentNet(Tail(backbone), mu, sd, n_cls)
        tail_params = list(net.tail.parameters())
        for p in tail_params:
            p.requires_grad = mode == "finetuned"
        head_params = [p for n, p in net.named_parameters() if not n.startswith("tail.")]
        groups = [{"params": head_params, "lr": 1e-3}]
        if mode == "finetuned":
            groups.append({"params": tail_params, "lr": tail_lr})
        opt = torch.optim.AdamW(groups, weight_decay=5e-4)
        ep = epochs if mode == "finetuned" else max(epochs, 20)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, ep)
        xb, xm, xy = torch.from_numpy(d["xb"]), torch.from_numpy(d["xm"]), torch.from_numpy(d["xy"])
        if mode == "frozen":  # the tail never changes: its descriptors once, then the head alone
            with torch.no_grad():
                frozen_desc = torch.cat([net.descriptor(xb[i : i + 256].float(), xm[i : i + 256]) for i in range(0, len(xb), 256)])
        gen = torch.Generator().manual_seed(SEED)
        t0 = time.time()
        for e in range(ep):
            net.train()
            perm = torch.randperm(len(xy), generator=gen)
            total = 0.0
            for i in range(0, len(xy), 64):
                idx = perm[i : i + 64]
                if len(idx) < 2:
                    continue
                loss = net.loss_from_descriptor(frozen_desc[idx], xy[idx]) if mode == "frozen" else net.loss(xb[idx].float(), xm[idx], xy[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss) * len(idx)
            sched.step()
            log(f"{mode} epoch {e}: loss {total / len(xy):.3f} ({time.time() - t0:.0f} s)")
            if mode == "finetuned" and (e % 2 == 1 or e == ep - 1):
                evaluate(net, f"{mode} after epoch {e}")
        results[mode] = evaluate(net, mode)
        torch.save(net.state_dict(), work / f"explore_ident_{mode}.pt")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 6, int(sys.argv[3]) if len(sys.argv) > 3 else 6,
         float(sys.argv[4]) if len(sys.argv) > 4 else 1e-4)
