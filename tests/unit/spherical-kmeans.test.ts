import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/lib/core/seeded-random.ts';
import { nearestCentroid, sphericalKMeans } from '../../src/lib/core/spherical-kmeans.ts';

const dim = 16;

/** `k` well-separated directions, `per` noisy unit vectors around each. */
function blobs(k: number, per: number, seed: number): { data: Float32Array; label: Int32Array; centres: Float32Array[] } {
  const random = seededRandom(seed);
  const centres = Array.from({ length: k }, (_, c) => Float32Array.from({ length: dim }, (_, i) => (i === c ? 1 : 0)));
  const data = new Float32Array(k * per * dim);
  const label = new Int32Array(k * per);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < per; j++) {
      const row = c * per + j;
      const v = centres[c].map((x) => x + 0.15 * (random() * 2 - 1));
      const n = Math.hypot(...v);
      data.set(v.map((x) => x / n), row * dim);
      label[row] = c;
    }
  }
  return { data, label, centres };
}

describe('spherical k-means', () => {
  it('recovers separated clusters: every cluster maps to one centroid, close to its direction', () => {
    const { data, label, centres } = blobs(6, 40, 1);
    const centroids = sphericalKMeans(data, dim, 6, { seed: 3 });
    const owner = new Map<number, number>();
    for (let r = 0; r < label.length; r++) {
      const c = nearestCentroid(centroids, 6, dim, data, r * dim);
      if (!owner.has(label[r])) owner.set(label[r], c);
      expect(owner.get(label[r])).toBe(c);
    }
    expect(new Set(owner.values()).size).toBe(6);
    for (const [cluster, c] of owner) {
      const sim = centres[cluster].reduce((s, x, i) => s + x * centroids[c * dim + i], 0);
      expect(sim).toBeGreaterThan(0.95);
      let norm = 0;
      for (let i = 0; i < dim; i++) norm += centroids[c * dim + i] ** 2;
      expect(norm).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic for a seed', () => {
    const { data } = blobs(5, 30, 2);
    expect(sphericalKMeans(data, dim, 8, { seed: 4 })).toEqual(sphericalKMeans(data, dim, 8, { seed: 4 }));
  });

  it('never leaves a cluster empty, even with duplicate rows', () => {
    const row = Float32Array.from({ length: dim }, (_, i) => (i === 0 ? 1 : 0));
    const other = Float32Array.from({ length: dim }, (_, i) => (i === 1 ? 1 : 0));
    const data = new Float32Array(10 * dim);
    for (let r = 0; r < 10; r++) data.set(r < 8 ? row : other, r * dim);
    const centroids = sphericalKMeans(data, dim, 3, { seed: 1 });
    const used = new Set<number>();
    for (let r = 0; r < 10; r++) used.add(nearestCentroid(centroids, 3, dim, data, r * dim));
    expect(used.size).toBeGreaterThanOrEqual(2);
    for (const x of centroids) expect(Number.isFinite(x)).toBe(true);
  });

  it('refuses impossible requests with a clear message', () => {
    expect(() => sphericalKMeans(new Float32Array(3 * dim), dim, 4)).toThrow(/4 clusters of 3 vectors/);
    expect(() => sphericalKMeans(new Float32Array(dim + 1), dim, 1)).toThrow(/whole number/);
  });
});
