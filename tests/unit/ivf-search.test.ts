// The approximate (inverted-file) path of VectorIndex, on gallery-like vectors: recall against
// exact search, determinism, edge cases, and a gallery that changes after the index is built.
import { describe, expect, it } from 'vitest';
import { GalleryLikeVectors } from '../../bench/gallery-like-vectors.ts';
import { InvertedFileIndex } from '../../src/lib/core/ivf-index.ts';
import { seededRandom } from '../../src/lib/core/seeded-random.ts';
import { VectorIndex, type ApproximateOptions } from '../../src/lib/core/vector-index.ts';

// Recall is measured at the embedding's real dimension on 20k references; the bookkeeping tests
// use a small 64-d gallery, since they rebuild their index many times.
const recallGallery = new GalleryLikeVectors({ products: 2500, referencesPerProduct: 8, dim: 256, seed: 21 });
const dim = 64;
const gallery = new GalleryLikeVectors({ products: 400, referencesPerProduct: 8, dim, seed: 21 });

function build(options: ApproximateOptions = {}, data = gallery): VectorIndex {
  const index = new VectorIndex(data.dim, 'int8', data.size, { from: 0, ...options });
  for (const { vector, product } of data.references()) index.add(vector, product);
  return index;
}

function queries(n: number, seed: number, data = gallery) {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => data.query(Math.floor(random() * data.products), random));
}

describe('approximate search through an inverted file', () => {
  const index = build({}, recallGallery);
  const qs = queries(150, 5, recallGallery);

  it('agrees with exact search on the best product for at least 98 % of queries while scoring a fraction of the rows', () => {
    let top1 = 0;
    let top5 = 0;
    let scanned = 0;
    for (const q of qs) {
      const exact = index.searchGroups(q, 5, undefined, { exact: true });
      const approx = index.searchGroups(q, 5);
      scanned += index.lastRowsScanned;
      if (approx[0].group === exact[0].group) top1++;
      top5 += approx.filter((h) => exact.some((e) => e.group === h.group)).length / 5;
    }
    const plan = index.searchPlan;
    expect(plan.approximate).toBe(true);
    if (!plan.approximate) return;
    expect(plan.nprobe).toBeLessThanOrEqual(Math.ceil(plan.lists / 8));
    expect(scanned / qs.length).toBeLessThan(index.size / 4);
    expect(top1 / qs.length).toBeGreaterThanOrEqual(0.98);
    expect(top5 / qs.length).toBeGreaterThanOrEqual(0.9);
  });

  it('scores the rows it finds exactly: similarities equal those of the full scan', () => {
    for (const q of qs.slice(0, 20)) {
      const exact = new Map(index.searchRows(q, 2000, undefined, { exact: true }).map((h) => [h.row, h.similarity]));
      for (const h of index.searchRows(q, 10)) if (exact.has(h.row)) expect(h.similarity).toBe(exact.get(h.row));
      // A group's similarity after the re-check is its best row over all its rows.
      for (const g of index.searchGroups(q, 3)) {
        const best = index.searchGroups(q, 1, [g.group], { exact: true })[0];
        expect(g.similarity).toBe(best.similarity);
        expect(g.row).toBe(best.row);
      }
    }
  });

  it('misses neighbours when probing too few lists (the recall figure is not free)', () => {
    let top1 = 0;
    for (const q of qs) if (index.searchGroups(q, 1, undefined, { nprobe: 1 })[0].group === index.searchGroups(q, 1, undefined, { exact: true })[0].group) top1++;
    expect(top1 / qs.length).toBeLessThan(0.9);
  });

  it('keeps candidate-narrowed search exact', () => {
    const candidates = Array.from({ length: 20 }, (_, i) => i * 120);
    for (const q of qs.slice(0, 20)) {
      expect(index.searchGroups(q, 5, candidates)).toEqual(index.searchGroups(q, 5, candidates, { exact: true }));
    }
  });

  it('is deterministic: the same rows and seed give the same lists and answers', () => {
    const listsOf = (v: VectorIndex) => (v as unknown as { ivf: InvertedFileIndex }).ivf.listSizes();
    const one = build();
    const again = build();
    again.prepareApproximate();
    one.prepareApproximate();
    const sample = queries(20, 5);
    for (const q of sample) expect(again.searchGroups(q, 5)).toEqual(one.searchGroups(q, 5));
    expect(listsOf(again)).toEqual(listsOf(one));
    const other = build({ seed: 2 });
    other.prepareApproximate();
    expect(listsOf(other)).not.toEqual(listsOf(one));
  });

  it('stays exact below the size threshold and switches above it', () => {
    const q = queries(1, 5)[0];
    const small = new VectorIndex(dim, 'int8', 16, { from: 2000 });
    let n = 0;
    for (const { vector, product } of gallery.references()) {
      small.add(vector, product);
      if (++n === 1999) break;
    }
    small.searchGroups(q, 1);
    expect(small.searchPlan.approximate).toBe(false);
    for (const { vector, product } of gallery.references()) {
      small.add(vector, product);
      break;
    }
    small.searchGroups(q, 1);
    expect(small.searchPlan.approximate).toBe(true);
  });
});

describe('a gallery that changes after the inverted file is built', () => {
  it('files added rows, forgets removed ones, and never returns a removed row', () => {
    const index = build();
    index.prepareApproximate();
    const ivfRows = () => (index as unknown as { ivf: InvertedFileIndex }).ivf;
    const random = seededRandom(9);
    // Supersede every reference of 60 products and add new ones for them.
    const superseded = new Set<number>();
    for (let p = 0; p < 60; p++) for (let r = 0; r < 8; r++) superseded.add(p * 8 + r);
    for (const row of superseded) expect(index.remove(row)).toBe(true);
    expect(index.remove(0)).toBe(false);
    const added: number[] = [];
    for (let p = 0; p < 60; p++) added.push(index.add(gallery.query(p, random), p));
    expect(index.size).toBe(gallery.size - superseded.size + added.length);
    expect(ivfRows().size).toBe(index.size);
    expect(ivfRows().listSizes().reduce((a, s) => a + s, 0)).toBe(index.size);
    for (const row of added) expect(ivfRows().has(row)).toBe(true);
    for (const row of superseded) expect(ivfRows().has(row)).toBe(false);
    for (const q of queries(40, 11)) {
      for (const options of [{}, { exact: true }]) {
        for (const h of index.searchRows(q, 50, undefined, options)) expect(superseded.has(h.row)).toBe(false);
        for (const g of index.searchGroups(q, 10, undefined, options)) expect(superseded.has(g.row)).toBe(false);
      }
      for (const g of index.searchGroups(q, 10, [0, 1, 2])) expect(added).toContain(g.row);
    }
  });

  it('drops a product whose references are all removed', () => {
    const index = build();
    const q = queries(1, 3)[0];
    const best = index.searchGroups(q, 1)[0].group;
    for (let r = 0; r < 8; r++) index.remove(best * 8 + r);
    expect(index.searchGroups(q, 5).map((g) => g.group)).not.toContain(best);
    expect(index.searchGroups(q, 5, undefined, { exact: true }).map((g) => g.group)).not.toContain(best);
    expect(index.searchGroups(q, 5, [best])).toEqual([]);
  });

  it('retrains once the index has grown fourfold since training', () => {
    const small = new GalleryLikeVectors({ products: 50, referencesPerProduct: 8, dim, seed: 4 });
    const index = build({}, small);
    index.searchGroups(queries(1, 1, small)[0], 1);
    const first = index.searchPlan;
    expect(first.approximate && first.trainedOn).toBe(400);
    for (const { vector, product } of gallery.references()) if (index.add(vector, product) >= 1700) break;
    index.searchGroups(queries(1, 1, small)[0], 1);
    const second = index.searchPlan;
    expect(second.approximate && second.trainedOn).toBe(index.size);
    expect(second.approximate && first.approximate && second.lists).toBeGreaterThan(first.approximate ? first.lists : 0);
  });

  it('rejects removing a row that never existed', () => {
    expect(() => build().remove(10 ** 6)).toThrow(/no row 1000000/);
  });
});

describe('building in the background', () => {
  it('searches exactly until the inverted file is complete, then gives the same answers as one built at once', async () => {
    const index = build({ from: 1000 });
    const q = queries(10, 17);
    const building = index.prepareApproximateInBackground({ sliceMs: 1 });
    expect(index.searchPlan.approximate).toBe(false);
    // A search while it builds does not start a second, blocking build: it answers exactly.
    expect(index.searchGroups(q[0], 5)).toEqual(index.searchGroups(q[0], 5, undefined, { exact: true }));
    expect(await building).toBe(true);
    const blocking = build({ from: 1000 });
    blocking.prepareApproximate();
    expect(index.searchPlan).toEqual(blocking.searchPlan);
    for (const x of q) expect(index.searchGroups(x, 5)).toEqual(blocking.searchGroups(x, 5));
    expect(await index.prepareApproximateInBackground()).toBe(false); // nothing due any more
  });

  it('accounts for rows added and removed while it builds', async () => {
    const index = build({ from: 1000 });
    const random = seededRandom(12);
    const building = index.prepareApproximateInBackground({ sliceMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const added = index.add(gallery.query(5, random), 5);
    index.remove(3);
    index.remove(gallery.size - 2);
    expect(await building).toBe(true);
    const ivf = (index as unknown as { ivf: InvertedFileIndex }).ivf;
    expect(ivf.has(added)).toBe(true);
    expect(ivf.has(3) || ivf.has(gallery.size - 2)).toBe(false);
    expect(ivf.size).toBe(index.size);
  });

  it('stops when aborted and leaves search exact', async () => {
    const index = build({ from: 1000 });
    const abort = new AbortController();
    const building = index.prepareApproximateInBackground({ signal: abort.signal, sliceMs: 0 });
    abort.abort();
    expect(await building).toBe(false);
    expect(index.searchPlan.approximate).toBe(false);
  });
});

describe('edge cases', () => {
  it('an empty index answers nothing and builds no inverted file', () => {
    const empty = new VectorIndex(dim, 'int8', 4, { from: 0 });
    expect(empty.searchGroups(queries(1, 1)[0], 5)).toEqual([]);
    expect(empty.searchRows(queries(1, 1)[0], 5)).toEqual([]);
    expect(empty.searchPlan.approximate).toBe(false);
    expect(() => empty.prepareApproximate()).toThrow(/empty/);
  });

  it('one product, or fewer rows than lists, still finds every product', () => {
    const one = new GalleryLikeVectors({ products: 1, referencesPerProduct: 5, dim, seed: 8 });
    const index = build({ lists: () => 50 }, one);
    expect(index.searchGroups(queries(1, 1, one)[0], 5)).toEqual(index.searchGroups(queries(1, 1, one)[0], 5, undefined, { exact: true }));
    const plan = index.searchPlan;
    expect(plan.approximate && plan.lists).toBeLessThanOrEqual(5);
  });

  it('a removed-only index is empty', () => {
    const index = new VectorIndex(dim, 'float32', 4, { from: 0 });
    const row = index.add(queries(1, 1)[0], 0);
    index.remove(row);
    expect(index.size).toBe(0);
    expect(index.searchGroups(queries(1, 2)[0], 3)).toEqual([]);
  });
});
