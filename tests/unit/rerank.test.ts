import { describe, expect, it } from 'vitest';
import { blendedSimilarity, poolPatches, rerank, windowedChamfer } from '../../src/lib/core/rerank.ts';
import { seededRandom } from '../../src/lib/core/seeded-random.ts';

const dim = 8;
const random = seededRandom(21);
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const randomUnit = () => unit(Array.from({ length: dim }, () => random() * 2 - 1));
/** A grid of patch features where each cell is given by `cell(y, x)`. */
const gridOf = (h: number, w: number, cell: (y: number, x: number) => number[]) =>
  Float32Array.from(Array.from({ length: h * w }, (_, c) => cell(Math.floor(c / w), c % w)).flat());

describe('poolPatches', () => {
  it('averages 2×2 blocks to unit vectors and keeps the partial blocks of an odd grid', () => {
    const a = unit([1, 0, 0, 0, 0, 0, 0, 0]), b = unit([0, 1, 0, 0, 0, 0, 0, 0]);
    const pooled = poolPatches(gridOf(3, 3, (y) => (y === 0 ? a : b)), undefined, [3, 3], dim);
    expect(pooled.grid).toEqual([2, 2]);
    // Top-left block: two cells of a, two of b → the diagonal.
    expect(pooled.features[0]).toBeCloseTo(Math.SQRT1_2, 5);
    expect(pooled.features[1]).toBeCloseTo(Math.SQRT1_2, 5);
    // Bottom-right block is the single cell (2, 2) = b.
    expect(Array.from(pooled.features.subarray(3 * dim, 3 * dim + 2))).toEqual([0, 1]);
    expect(Array.from(pooled.valid)).toEqual([1, 1, 1, 1]);
  });

  it('leaves out letterbox cells and marks all-padding blocks invalid', () => {
    const a = randomUnit(), junk = randomUnit();
    const valid = Array.from({ length: 16 }, (_, c) => c % 4 < 2);
    const pooled = poolPatches(gridOf(4, 4, (_, x) => (x < 2 ? a : junk)), valid, [4, 4], dim);
    expect(Array.from(pooled.valid)).toEqual([1, 0, 1, 0]);
    for (let k = 0; k < dim; k++) expect(pooled.features[k]).toBeCloseTo(a[k], 5);
  });

  it('refuses features of the wrong size', () => {
    expect(() => poolPatches(new Float32Array(10), undefined, [2, 2], dim)).toThrow(/expected 2×2×8/);
  });
});

describe('windowedChamfer', () => {
  const h = 7, w = 7;
  const palette = Array.from({ length: h * w }, randomUnit);
  const scene = poolPatches(gridOf(h, w, (y, x) => palette[y * w + x]), undefined, [h, w], dim, 1);

  it('is 1 for an identical image and lower for an unrelated one', () => {
    expect(windowedChamfer(scene, [scene])).toBeCloseTo(1, 5);
    const other = poolPatches(gridOf(h, w, () => randomUnit()), undefined, [h, w], dim, 1);
    expect(windowedChamfer(scene, [other])).toBeLessThan(0.9);
  });

  it('tolerates a shift within the window but not a layout turned upside down', () => {
    const shifted = poolPatches(gridOf(h, w, (y, x) => palette[y * w + Math.max(0, x - 1)]), undefined, [h, w], dim, 1);
    const flipped = poolPatches(gridOf(h, w, (y, x) => palette[(h - 1 - y) * w + x]), undefined, [h, w], dim, 1);
    expect(windowedChamfer(scene, [shifted], 2)).toBeGreaterThan(0.9);
    // Same patches, far from where they belong: only the middle rows find their counterparts.
    expect(windowedChamfer(scene, [flipped], 2)).toBeLessThan(windowedChamfer(scene, [flipped], 7) - 0.1);
  });

  it('takes the best of several references cell by cell', () => {
    const top = poolPatches(gridOf(h, w, (y, x) => (y < 4 ? palette[y * w + x] : randomUnit())), undefined, [h, w], dim, 1);
    const bottom = poolPatches(gridOf(h, w, (y, x) => (y >= 4 ? palette[y * w + x] : randomUnit())), undefined, [h, w], dim, 1);
    expect(windowedChamfer(scene, [top, bottom], 0)).toBeCloseTo(1, 5);
    expect(windowedChamfer(scene, [top], 0)).toBeLessThan(0.9);
  });

  it('refuses references from another grid', () => {
    const small = poolPatches(gridOf(2, 2, () => randomUnit()), undefined, [2, 2], dim, 1);
    expect(() => windowedChamfer(scene, [small])).toThrow(/different grids/);
  });
});

describe('rerank', () => {
  it('lets strong patch evidence overturn a small lead in global similarity', () => {
    const palette = Array.from({ length: 16 }, randomUnit);
    const query = poolPatches(gridOf(4, 4, (y, x) => palette[y * 4 + x]), undefined, [4, 4], dim, 1);
    const lookalike = poolPatches(gridOf(4, 4, () => randomUnit()), undefined, [4, 4], dim, 1);
    const ranked = rerank(query, [
      { item: 'lookalike', global: 0.82, references: [lookalike] },
      { item: 'same', global: 0.78, references: [query] },
    ]);
    expect(ranked.map((r) => r.item)).toEqual(['same', 'lookalike']);
    expect(ranked[0].similarity).toBeCloseTo(blendedSimilarity(0.78, 1), 5);
    // With no weight on patches the global order stands.
    expect(rerank(query, [{ item: 'a', global: 0.82, references: [lookalike] }, { item: 'b', global: 0.78, references: [query] }], 0).map((r) => r.item)).toEqual(['a', 'b']);
  });
});
