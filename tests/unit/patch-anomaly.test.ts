import { describe, expect, it } from 'vitest';
import { CELL_COLOUR_DIM } from '../../src/lib/core/cell-colour.ts';
import { buildPatchMemory, greedyCoreset, itemMidpoint, normalisedAnomaly, scorePatches, worstBlob } from '../../src/lib/core/patch-anomaly.ts';
import { seededRandom as rng } from '../../src/lib/core/seeded-random.ts';

// A stand-in for a CNN's patch features: each 8×8 cell of a grey image is described by a fixed
// random projection of its (mean-removed) pixels plus its mean brightness. Structure, not
// labels: similar-looking cells get similar features, as with a real backbone.
const G = 8, CELL = 8, SIDE = G * CELL, DIM = 24;
const projRand = rng(99);
const projection = Float32Array.from({ length: CELL * CELL * DIM }, () => projRand() * 2 - 1);

function features(image: Float32Array): Float32Array {
  const out = new Float32Array(G * G * DIM);
  for (let gy = 0; gy < G; gy++) for (let gx = 0; gx < G; gx++) {
    const cell = new Float32Array(CELL * CELL);
    let mean = 0;
    for (let y = 0; y < CELL; y++) for (let x = 0; x < CELL; x++) {
      const v = image[(gy * CELL + y) * SIDE + gx * CELL + x];
      cell[y * CELL + x] = v;
      mean += v / (CELL * CELL);
    }
    const base = (gy * G + gx) * DIM;
    for (let d = 0; d < DIM - 1; d++) {
      let s = 0;
      for (let i = 0; i < CELL * CELL; i++) s += (cell[i] - mean) * projection[i * DIM + d];
      out[base + d] = s / 8;
    }
    out[base + DIM - 1] = mean * 4;
  }
  return out;
}

/** Per-cell colour as core/cell-colour.ts lays it out: lightness mean, a*, b*, lightness spread. */
function colours(image: Float32Array, tint: (gx: number, gy: number) => [number, number] = () => [0, 0]): Float32Array {
  const out = new Float32Array(G * G * CELL_COLOUR_DIM);
  for (let gy = 0; gy < G; gy++) for (let gx = 0; gx < G; gx++) {
    let sum = 0, sq = 0;
    for (let y = 0; y < CELL; y++) for (let x = 0; x < CELL; x++) {
      const v = image[(gy * CELL + y) * SIDE + gx * CELL + x] * 100;
      sum += v;
      sq += v * v;
    }
    const n = CELL * CELL, mean = sum / n;
    out.set([mean, ...tint(gx, gy), Math.sqrt(Math.max(0, sq / n - mean * mean))], (gy * G + gx) * CELL_COLOUR_DIM);
  }
  return out;
}

/** A "package": diagonal stripes (its print) with sensor noise. */
function pristine(seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: SIDE * SIDE }, (_, i) => {
    const x = i % SIDE, y = Math.floor(i / SIDE);
    return (Math.floor((x + y) / 4) % 2 ? 0.8 : 0.3) + (r() - 0.5) * 0.05;
  });
}

/** The same package with a block of a foreign texture (a tear showing the contents) pasted in. */
function damaged(seed: number, gx: number, gy: number): Float32Array {
  const img = pristine(seed);
  const r = rng(seed + 1000);
  for (let y = gy * CELL; y < (gy + 2) * CELL; y++) for (let x = gx * CELL; x < (gx + 2) * CELL; x++) img[y * SIDE + x] = r();
  return img;
}

describe('patch anomaly', () => {
  const references = [1, 2, 3, 4].map((s) => ({ features: features(pristine(s)) }));
  const memory = buildPatchMemory(references, [G, G], DIM, { maxPatches: 64, seed: 5 });

  it('keeps the memory within the requested size', () => {
    expect(memory.count).toBe(64);
    expect(memory.features.length).toBe(64 * DIM);
    expect(memory.normal.p99).toBeGreaterThan(memory.normal.median);
  });

  it('scores a query identical to a reference low', () => {
    const result = scorePatches(references[0], [G, G], memory);
    expect(result.score).toBeLessThan(0.5);
  });

  it('scores a fresh pristine capture low', () => {
    expect(scorePatches({ features: features(pristine(50)) }, [G, G], memory).score).toBeLessThan(0.5);
  });

  it('scores a query with a pasted foreign block high, and the map peaks inside the block', () => {
    const result = scorePatches({ features: features(damaged(60, 5, 2)) }, [G, G], memory);
    expect(result.score).toBeGreaterThan(0.9);
    const peak = result.map.values.indexOf(Math.max(...result.map.values));
    const px = peak % G, py = Math.floor(peak / G);
    expect(px === 5 || px === 6).toBe(true);
    expect(py === 2 || py === 3).toBe(true);
    // Cells far from the block stay quiet.
    expect(result.map.values[0 * G + 0]).toBeLessThan(0.5);
    expect(result.map.values[7 * G + 1]).toBeLessThan(0.5);
  });

  it('ignores padding cells', () => {
    const valid = Array.from({ length: G * G }, (_, i) => i % G < 4);
    const result = scorePatches({ features: features(damaged(60, 5, 2)), valid }, [G, G], memory);
    expect(result.score).toBeLessThan(0.5);
    expect(Number.isNaN(result.distances[5])).toBe(true);
    expect(result.map.values[2 * G + 5]).toBe(0);
  });

  it('normalises so that the 99th-percentile pristine distance scores 0.5', () => {
    expect(normalisedAnomaly(memory.normal.p99, memory.normal)).toBeCloseTo(0.5, 6);
    expect(normalisedAnomaly(memory.normal.median, memory.normal)).toBeLessThan(0.02);
  });

  it('samples the candidates of a product with many references and still separates damage', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ features: features(pristine(100 + i)) }));
    const big = buildPatchMemory(many, [G, G], DIM, { maxPatches: 128, maxCandidates: 600 });
    expect(big.count).toBe(128);
    expect(scorePatches({ features: features(pristine(80)) }, [G, G], big).score).toBeLessThan(0.5);
    expect(scorePatches({ features: features(damaged(80, 3, 3)) }, [G, G], big).score).toBeGreaterThan(0.9);
  });

  it('works from a single reference', () => {
    const single = buildPatchMemory([references[0]], [G, G], DIM);
    expect(scorePatches({ features: features(pristine(70)) }, [G, G], single).score).toBeLessThan(0.5);
    expect(scorePatches({ features: features(damaged(70, 1, 4)) }, [G, G], single).score).toBeGreaterThan(0.9);
  });
});

describe('patch anomaly with cell colours', () => {
  const images = [1, 2, 3, 4].map(pristine);
  const withColour = buildPatchMemory(images.map((im) => ({ features: features(im), colours: colours(im) })), [G, G], DIM, { maxPatches: 64, seed: 5 });
  // A stain that changes the hue of a 3×3 patch of cells but leaves the print's texture, which
  // is all these stand-in features see.
  const stainedAt = (gx: number, gy: number) => (x: number, y: number): [number, number] => (Math.abs(x - gx) <= 1 && Math.abs(y - gy) <= 1 ? [35, 45] : [0, 0]);

  it('sees a change of colour the features miss, where it is', () => {
    const im = pristine(90);
    const plain = scorePatches({ features: features(im), colours: colours(im) }, [G, G], withColour);
    const stained = scorePatches({ features: features(im), colours: colours(im, stainedAt(5, 2)) }, [G, G], withColour);
    expect(plain.score).toBeLessThan(0.5);
    expect(stained.score).toBeGreaterThan(plain.score + 0.3);
    const peak = stained.map.values.indexOf(Math.max(...stained.map.values));
    expect(Math.abs((peak % G) - 5)).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.floor(peak / G) - 2)).toBeLessThanOrEqual(1);
  });

  it('compares with the features alone when the query or a reference has no colours', () => {
    const im = pristine(90);
    const featuresOnly = scorePatches({ features: features(im) }, [G, G], withColour);
    expect(featuresOnly.score).toBeLessThan(0.5);
    const mixed = buildPatchMemory([{ features: features(images[0]), colours: colours(images[0]) }, { features: features(images[1]) }], [G, G], DIM);
    expect(mixed.colours).toBeNull();
    const stained = scorePatches({ features: features(im), colours: colours(im, stainedAt(5, 2)) }, [G, G], mixed);
    expect(stained.score).toBeLessThan(0.5);
  });

  it('refuses colours of the wrong size', () => {
    expect(() => buildPatchMemory([{ features: features(images[0]), colours: new Float32Array(3) }], [G, G], DIM)).toThrow(/colour values/);
    expect(() => scorePatches({ features: features(images[0]), colours: new Float32Array(3) }, [G, G], withColour)).toThrow(/colour values/);
  });
});

describe('relative half', () => {
  it('expects a new pristine photo farther from fewer references', () => {
    expect(itemMidpoint(1)).toBeGreaterThan(itemMidpoint(3));
    expect(itemMidpoint(3)).toBeGreaterThan(itemMidpoint(30));
    // Beyond the measured range the midpoint stays where it was last measured.
    expect(itemMidpoint(1000)).toBe(itemMidpoint(32));
  });
});

describe('worstBlob', () => {
  it('prefers a patch of high distances to one higher lone cell', () => {
    const map = new Float32Array(36).fill(0.5);
    map[0] = 2; // a lone glint in a corner
    for (const c of [15, 16, 21, 22]) map[c] = 1; // a 2×2 stain
    // Best 3×3 window holds the whole stain: (4 × 1 + 5 × 0.5) / 9.
    expect(worstBlob(map, [6, 6])).toBeCloseTo((4 + 2.5) / 9, 6);
    // The single worst cell would have picked the glint.
    expect(worstBlob(map, [6, 6], 1)).toBe(2);
  });

  it('skips windows that are mostly padding, and falls back to the worst cell when none is left', () => {
    const map = new Float32Array(16).fill(NaN);
    map[0] = 3; // one measured cell in a corner: no 3×3 window is half measured
    map[15] = 1;
    expect(worstBlob(map, [4, 4])).toBe(3);
    const half = Float32Array.from({ length: 16 }, (_, c) => (c % 4 < 2 ? 1 : NaN));
    // Windows over columns 0–2 hold 6 measured cells of 9: they count, padding does not dilute them.
    expect(worstBlob(half, [4, 4])).toBe(1);
  });
});

describe('greedy coreset', () => {
  it('covers every cluster of the data, unlike taking the first rows', () => {
    // 4 tight clusters, 100 points each, stored cluster by cluster.
    const r = rng(3);
    const centres = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, 0, 0]];
    const pts = new Float32Array(400 * 3);
    for (let i = 0; i < 400; i++) for (let d = 0; d < 3; d++) pts[i * 3 + d] = centres[Math.floor(i / 100)][d] + (r() - 0.5) * 0.01;
    const picked = greedyCoreset(pts, 400, 3, 4);
    expect(new Set(Array.from(picked, (i) => Math.floor(i / 100))).size).toBe(4);
  });
});
