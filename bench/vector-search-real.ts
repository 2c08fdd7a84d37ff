// Sanity check of the approximate search on real embeddings, and of the synthetic vectors the
// scale benchmark uses: grocery-dev train photos as the gallery (int8, inverted file forced on
// although the gallery is small), val photos as queries; recall of the inverted file against
// exact search at the default nprobe and at others, and the cosine statistics of the real
// vectors beside those of gallery-like-vectors.ts.
// usage: npx tsx bench/vector-search-real.ts [path/to/grocery-dev]   (embeds through the CLI's cache)
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeImage } from '../src/cli/decode-image.ts';
import { EmbeddingCache } from '../src/cli/embedding-cache.ts';
import { loadInspector } from '../src/cli/load-inspector.ts';
import { cacheDir } from '../src/cli/paths.ts';
import { sha256Hex } from '../src/lib/core/sha256.ts';
import { VectorIndex, probesFor } from '../src/lib/core/vector-index.ts';
import { GalleryLikeVectors } from './gallery-like-vectors.ts';
import { vectorKey } from '../src/lib/core/vector-space.ts';

const data = resolve(process.argv[2] ?? '../shared/data/grocery-dev');
const log = { info: (m: string) => process.stderr.write(`${m}\n`), progress: () => {} };

interface Photo {
  vector: Float32Array;
  product: number;
}

function cosineStats(photos: Photo[]) {
  const unit = photos.map((p) => {
    const n = Math.hypot(...p.vector);
    return p.vector.map((x) => x / n);
  });
  let same = 0, sameN = 0, diff = 0, diffN = 0;
  for (let i = 0; i < unit.length; i++) {
    for (let j = i + 1; j < unit.length; j++) {
      let c = 0;
      for (let k = 0; k < unit[i].length; k++) c += unit[i][k] * unit[j][k];
      if (photos[i].product === photos[j].product) {
        same += c;
        sameN++;
      } else {
        diff += c;
        diffN++;
      }
    }
  }
  return { sameProduct: same / sameN, otherProduct: diff / diffN };
}

async function main() {
  const inspector = await loadInspector(log);
  const cache = new EmbeddingCache(cacheDir(), vectorKey(inspector.embeddingModel));
  const classes = readdirSync(join(data, 'train')).filter((c) => !c.startsWith('.')).sort();
  const load = async (split: string): Promise<Photo[]> => {
    const out: Photo[] = [];
    for (const [product, cls] of classes.entries()) {
      let files: string[] = [];
      try {
        files = readdirSync(join(data, split, cls)).filter((f) => f.endsWith('.jpg')).sort();
      } catch {
        continue; // val has no photos of some classes
      }
      for (const f of files) {
        const bytes = readFileSync(join(data, split, cls, f));
        const key = await sha256Hex(bytes);
        let e = await cache.get(key);
        if (!e) {
          e = await inspector.embed(await decodeImage(bytes, f));
          await cache.put(key, e);
        }
        out.push({ vector: e.embedding, product });
      }
    }
    return out;
  };
  const train = await load('train');
  const val = await load('val');
  const dim = train[0].vector.length;
  const index = new VectorIndex(dim, 'int8', train.length, { from: 0 });
  for (const p of train) index.add(p.vector, p.product);
  index.prepareApproximate();
  const plan = index.searchPlan;
  if (!plan.approximate) throw new Error('the inverted file was not built');
  const sweep = [1, 2, probesFor(plan.lists), Math.ceil(plan.lists / 8)].map((nprobe) => {
    let at1 = 0, truth = 0, truthExact = 0;
    for (const q of val) {
      const exact = index.searchGroups(q.vector, 5, undefined, { exact: true });
      const approx = index.searchGroups(q.vector, 5, undefined, { nprobe });
      if (approx[0].group === exact[0].group) at1++;
      if (approx[0].group === q.product) truth++;
      if (exact[0].group === q.product) truthExact++;
    }
    return { nprobe, recallAt1: at1 / val.length, top1Approximate: truth / val.length, top1Exact: truthExact / val.length };
  });
  const synthetic = new GalleryLikeVectors({ products: 31, referencesPerProduct: 28, dim, seed: 1 });
  const generated = [...synthetic.references()].map((r) => ({ vector: r.vector.slice(), product: r.product }));
  const result = {
    model: inspector.embeddingModel.version,
    gallery: train.length,
    queries: val.length,
    lists: plan.lists,
    defaultNprobe: probesFor(plan.lists),
    sweep,
    cosine: { real: cosineStats([...train, ...val]), galleryLike: cosineStats(generated) },
  };
  process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
}

await main();
