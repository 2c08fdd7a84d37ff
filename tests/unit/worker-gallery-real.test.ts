// The worker's int8 gallery against the float32 one it replaced, on real embeddings: the bundled
// demo pack's vectors (GroceryStore photos, intact-vision). Before, the worker widened the int8
// batch to float32 and searched that; now it searches the batch as it arrived. One photo of each
// product is the query (its stored vectors), the other 40 the gallery.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/cli/paths.ts';
import { GalleryIndex, type GalleryMatch } from '../../src/lib/core/gallery-index.ts';
import { decodePack, toFloat32, type PackContent, type PackReference } from '../../src/lib/core/gallery-pack/index.ts';
import { productId, type ProductId } from '../../src/lib/core/types.ts';
import { addBatchToGallery, batchTransferables, packReferences } from '../../src/lib/worker/reference-batch.ts';

let content: PackContent;
let queries: PackReference[];
let galleryRefs: PackReference[];

beforeAll(async () => {
  content = (await decodePack(new Uint8Array(readFileSync(join(projectRoot, 'public/demo/demo.intactpack'))))).content;
  const seen = new Set<string>();
  queries = [];
  galleryRefs = [];
  for (const r of content.references) {
    if (!r.embedding || !r.patches) throw new Error('the demo pack has references without vectors: rebuild it with `npm run demo:pack`');
    if (seen.has(r.product)) galleryRefs.push(r);
    else {
      seen.add(r.product);
      queries.push(r);
    }
  }
});

function spec() {
  const model = content.model!;
  return { model: model.sha256, dim: model.dim, patchDim: model.patchDim, patchGrid: model.patchGrid };
}

/** The worker before 47f3f46: the batch's int8 rows widened to float32, searched as float. */
function floatGallery(): GalleryIndex {
  const g = new GalleryIndex({ ...spec(), precision: 'float32' });
  for (const r of galleryRefs) g.addReference({ id: r.id, product: r.product, embedding: toFloat32(r.embedding!), patches: toFloat32(r.patches!), imageCells: r.imageCells });
  return g;
}

/** The worker now: the batch moved across as the app packs it, kept int8. */
function int8Gallery(): GalleryIndex {
  const { dim, patchDim, patchGrid } = spec();
  const stored = galleryRefs.map((r) => ({ product: r.product, reference: r.id, embedding: r.embedding!, patches: r.patches!, ...(r.imageCells ? { imageCells: r.imageCells } : {}) }));
  const products = content.products.map((p) => ({ id: productId(p.id), name: p.name }));
  const batch = packReferences(spec().model, { dim, patchDim, cells: patchGrid[0] * patchGrid[1] }, stored, products);
  const arrived = structuredClone(batch, { transfer: batchTransferables(batch) });
  const g = new GalleryIndex({ ...spec(), precision: 'int8' });
  addBatchToGallery(g, arrived);
  return g;
}

function expectSameRanking(int8: GalleryMatch[], float: GalleryMatch[]) {
  expect(int8.map((m) => m.product)).toEqual(float.map((m) => m.product));
  int8.forEach((m, i) => {
    expect(Math.abs(m.score - float[i].score)).toBeLessThan(0.002);
    expect(m.reference).toBe(float[i].reference);
  });
}

describe('int8 worker gallery on real embeddings', () => {
  it('ranks products as the float32 gallery does, with the patch re-ranking, open and narrowed', () => {
    const float = floatGallery(), int8 = int8Gallery();
    const candidates: ProductId[] = content.products.slice(0, 4).map((p) => p.id);
    let correct = 0;
    for (const q of queries) {
      const options = { top: 5, patches: toFloat32(q.patches!), imageCells: q.imageCells };
      const embedding = toFloat32(q.embedding!);
      const a = int8.identify(embedding, options);
      expectSameRanking(a, float.identify(embedding, options));
      expectSameRanking(int8.identify(embedding, { ...options, candidates }), float.identify(embedding, { ...options, candidates }));
      expectSameRanking(int8.identify(embedding, { top: 5 }), float.identify(embedding, { top: 5 }));
      if (a[0].product === q.product) correct++;
    }
    // A sanity floor, not a benchmark: these are 8 products seen in training.
    expect(correct).toBeGreaterThanOrEqual(queries.length / 2);
  });

  it('compares an item with a product’s references as the float32 gallery does', () => {
    const float = floatGallery(), int8 = int8Gallery();
    // Three products: a memory costs a second or so of CPU to build.
    for (const p of content.products.slice(0, 3)) {
      const a = int8.memoryFor(p.id)!, b = float.memoryFor(p.id)!;
      expect(a.count).toBe(b.count);
      expect(a.normal.p99).toBeCloseTo(b.normal.p99, 5);
    }
  });

  it('holds about a quarter of the float32 bytes', () => {
    const float = floatGallery(), int8 = int8Gallery();
    const ratio = (float.vectorBytes + float.patchBytes) / (int8.vectorBytes + int8.patchBytes);
    expect(ratio).toBeGreaterThan(3.8);
    expect(ratio).toBeLessThan(4);
  });
});
