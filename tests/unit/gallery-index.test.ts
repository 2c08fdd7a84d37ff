import { describe, expect, it } from 'vitest';
import { GalleryIndex } from '../../src/lib/core/gallery-index.ts';
import { seededRandom as rng } from '../../src/lib/core/seeded-random.ts';
import { productId, referenceId } from '../../src/lib/core/types.ts';

const dim = 16, patchDim = 8, grid: [number, number] = [2, 2];
const r = rng(4);
const randomVec = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
const jitter = (v: Float32Array, amount: number) => v.map((x) => x + (r() - 0.5) * amount);

describe('gallery index', () => {
  const centres = ['apple', 'milk', 'oat', 'soy'].map((name) => ({ id: productId(name), centre: randomVec(dim) }));
  const gallery = new GalleryIndex({ model: 'a'.repeat(64), dim, patchDim, patchGrid: grid });
  for (const { id, centre } of centres) {
    gallery.addProduct({ id, name: `${id} product`, units: 1 });
    for (let k = 0; k < 3; k++) gallery.addReference({ id: referenceId(`${id}-${k}`), product: id, embedding: jitter(centre, 0.2), patches: randomVec(4 * patchDim) });
  }

  it('identifies the product whose references are nearest, scores in [0, 1] best first', () => {
    const matches = gallery.identify(jitter(centres[2].centre, 0.2), { top: 3 });
    expect(matches.map((m) => m.product)[0]).toBe('oat');
    expect(matches).toHaveLength(3);
    for (const m of matches) {
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
    }
    expect(matches[0].score).toBeGreaterThan(matches[1].score);
    expect(matches[0].reference).toMatch(/^oat-\d$/);
  });

  it('narrows identification to the candidate list', () => {
    const matches = gallery.identify(jitter(centres[2].centre, 0.2), { top: 5, candidates: [productId('milk'), productId('soy'), productId('unknown')] });
    expect(matches.map((m) => m.product).sort()).toEqual(['milk', 'soy']);
    expect(gallery.identify(centres[0].centre, { candidates: [productId('unknown')] })).toEqual([]);
  });

  it('refuses vectors from another model version', () => {
    expect(() => gallery.addReference({ id: referenceId('x'), product: productId('milk'), embedding: randomVec(dim), patches: randomVec(4 * patchDim) }, 'b'.repeat(64)))
      .toThrow(/embedded with model bbbbbbbbbbbb…, this gallery holds aaaaaaaaaaaa…/);
  });

  it('builds all memories ahead of time with progress, and stops when aborted', async () => {
    const fresh = new GalleryIndex({ model: 'a'.repeat(64), dim, patchDim, patchGrid: grid });
    for (const { id, centre } of centres) fresh.addReference({ id: referenceId(`${id}-x`), product: id, embedding: centre, patches: randomVec(4 * patchDim) });
    const progress: number[] = [];
    expect(await fresh.buildMemories({ onProgress: (d) => progress.push(d) })).toBe(4);
    expect(progress).toEqual([1, 2, 3, 4]);
    const controller = new AbortController();
    controller.abort();
    expect(await gallery.buildMemories({ signal: controller.signal })).toBe(0);
  });

  it('builds and caches a patch memory per product', () => {
    const m = gallery.memoryFor(productId('milk'));
    expect(m?.count).toBe(12);
    expect(gallery.memoryFor(productId('milk'))).toBe(m);
    expect(gallery.memoryFor(productId('unknown'))).toBeNull();
  });

  it('re-ranks by patch similarity when the query patches are given, within the candidate list too', () => {
    const g = new GalleryIndex({ model: 'a'.repeat(64), dim, patchDim, patchGrid: grid });
    const shared = randomVec(dim);
    const looks = randomVec(4 * patchDim), other = randomVec(4 * patchDim);
    // The global embedding barely prefers "decoy"; the patches are plainly "right"'s.
    g.addReference({ id: referenceId('right-0'), product: productId('right'), embedding: jitter(shared, 0.3), patches: looks });
    g.addReference({ id: referenceId('decoy-0'), product: productId('decoy'), embedding: shared, patches: other });
    g.addReference({ id: referenceId('far-0'), product: productId('far'), embedding: randomVec(dim), patches: randomVec(4 * patchDim) });
    const query = jitter(shared, 0.05);
    expect(g.identify(query, { top: 2 })[0].product).toBe('decoy');
    const reranked = g.identify(query, { top: 2, patches: jitter(looks, 0.05) });
    expect(reranked.map((m) => m.product)).toEqual(['right', 'decoy']);
    expect(reranked[0].patchSimilarity).toBeGreaterThan(0.95);
    expect(reranked[0].score).toBeGreaterThan(reranked[1].score);
    const narrowed = g.identify(query, { top: 5, candidates: [productId('decoy'), productId('right')], patches: jitter(looks, 0.05) });
    expect(narrowed.map((m) => m.product)).toEqual(['right', 'decoy']);
  });
});

describe('re-ranking a product with many references', () => {
  // Seven references look nothing like the query; the eighth, added last, is both the nearest by
  // global embedding and the one whose patches match: only it should speak for its product.
  const query = randomVec(dim), looks = randomVec(4 * patchDim);
  const far = Array.from({ length: 7 }, () => ({ embedding: randomVec(dim), patches: randomVec(4 * patchDim) }));
  const near = { embedding: jitter(query, 0.4), patches: jitter(looks, 0.05) };
  const toInt8 = (v: Float32Array) => Int8Array.from(v, (x) => Math.round((x / Math.max(...v.map(Math.abs))) * 127));

  for (const precision of ['float32', 'int8'] as const) {
    it(`takes the product's references nearest to the query (${precision}, added as ${precision === 'int8' ? 'int8 rows' : 'float'})`, () => {
      const g = new GalleryIndex({ model: 'a'.repeat(64), dim, patchDim, patchGrid: grid, precision });
      const add = (id: string, product: string, r: { embedding: Float32Array; patches: Float32Array }) => {
        if (precision === 'float32') g.addReference({ id: referenceId(id), product: productId(product), ...r });
        else g.addQuantizedReference({ id: referenceId(id), product: productId(product), embedding: toInt8(r.embedding), patches: toInt8(r.patches), patchScales: new Float32Array(4).fill(1) });
      };
      far.forEach((r, k) => add(`many-${k}`, 'many', r));
      add('many-near', 'many', near);
      add('other-0', 'other', { embedding: jitter(query, 0.3), patches: randomVec(4 * patchDim) });
      const [best] = g.identify(query, { top: 1, patches: looks });
      expect(best.product).toBe('many');
      expect(best.reference).toBe('many-near');
      expect(best.patchSimilarity).toBeGreaterThan(0.95);
      expect(g.referencesOf(productId('many'))).toHaveLength(8);
      // A reference added later is among them the next time they are asked for.
      add('many-late', 'many', far[0]);
      expect(g.referencesOf(productId('many')).map((r) => r.id)).toContain('many-late');
    });
  }
});

describe('gallery preparation at scale', () => {
  it('builds the inverted file with the patch memories once the gallery is large enough, exact before', async () => {
    const gallery = new GalleryIndex({ model: 'c'.repeat(64), dim, patchDim, patchGrid: grid, precision: 'int8' });
    const rand = rng(9);
    const vec = (n: number) => Float32Array.from({ length: n }, () => rand() * 2 - 1);
    for (let p = 0; p < 500; p++) {
      const id = productId(`p${p}`);
      gallery.addProduct({ id });
      const centre = vec(dim);
      for (let k = 0; k < 100; k++) gallery.addReference({ id: referenceId(`p${p}-${k}`), product: id, embedding: centre.map((x) => x + (rand() - 0.5) * 0.2), patches: vec(4 * patchDim) });
    }
    expect(gallery.searchPlan.approximate).toBe(false);
    await gallery.buildMemories();
    expect(gallery.searchPlan.approximate).toBe(true);
  }, 60_000);
});
