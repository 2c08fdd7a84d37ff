import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../src/lib/core/seeded-random.ts';
import { TopK, VectorIndex } from '../../src/lib/core/vector-index.ts';

function randomVectors(n: number, dim: number, seed: number): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, () => r() * 2 - 1));
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

const dim = 48;
const data = randomVectors(3000, dim, 11);
const groupOf = (i: number) => i % 97;
const queries = randomVectors(20, dim, 12);

function bruteForce(q: Float32Array, allowed?: Set<number>) {
  return data
    .map((v, row) => ({ row, similarity: cosine(q, v) }))
    .filter((h) => !allowed || allowed.has(groupOf(h.row)))
    .sort((a, b) => b.similarity - a.similarity);
}

describe('exact vector search', () => {
  const f32 = new VectorIndex(dim, 'float32', 16); // small capacity: exercises growth
  const i8 = new VectorIndex(dim, 'int8');
  data.forEach((v, i) => {
    f32.add(v, groupOf(i));
    i8.add(v, groupOf(i));
  });

  it('float32 returns exactly the brute-force top-k', () => {
    for (const q of queries) {
      const got = f32.searchRows(q, 10);
      const want = bruteForce(q).slice(0, 10);
      expect(got.map((h) => h.row)).toEqual(want.map((h) => h.row));
      got.forEach((h, i) => expect(h.similarity).toBeCloseTo(want[i].similarity, 5));
    }
  });

  it('int8 keeps similarities within quantisation error and nearly the same neighbours', () => {
    let overlap = 0;
    for (const q of queries) {
      const got = i8.searchRows(q, 10);
      const want = bruteForce(q).slice(0, 10);
      for (const h of got) expect(Math.abs(h.similarity - cosine(q, data[h.row]))).toBeLessThan(0.01);
      overlap += got.filter((h) => want.some((w) => w.row === h.row)).length;
    }
    expect(overlap / (queries.length * 10)).toBeGreaterThan(0.9);
    expect(i8.bytes).toBeLessThan(f32.bytes / 3);
  });

  it('ranks groups by their best row', () => {
    for (const q of queries.slice(0, 5)) {
      const want: { group: number; similarity: number }[] = [];
      for (const h of bruteForce(q)) if (!want.some((w) => w.group === groupOf(h.row))) want.push({ group: groupOf(h.row), similarity: h.similarity });
      const got = f32.searchGroups(q, 5);
      expect(got.map((g) => g.group)).toEqual(want.slice(0, 5).map((w) => w.group));
      for (const g of got) expect(groupOf(g.row)).toBe(g.group);
    }
  });

  it('narrows the search to candidate groups', () => {
    const candidates = [3, 17, 42, 96];
    for (const q of queries.slice(0, 5)) {
      const got = f32.searchGroups(q, 10, candidates);
      expect(got.length).toBe(4);
      expect(new Set(got.map((g) => g.group))).toEqual(new Set(candidates));
      const best = bruteForce(q, new Set(candidates))[0];
      expect(got[0].row).toBe(best.row);
      expect(f32.searchRows(q, 3, candidates)[0].row).toBe(best.row);
    }
  });

  it('rejects vectors of the wrong size and zero vectors with a clear message', () => {
    expect(() => f32.add(new Float32Array(3), 0)).toThrow(/3 values, index expects 48/);
    expect(() => f32.add(new Float32Array(dim), 0)).toThrow(/zero/);
    expect(() => i8.addQuantized(new Int8Array(3), 0)).toThrow(/3 values, index expects 48/);
    expect(() => i8.addQuantized(new Int8Array(dim), 0)).toThrow(/zero/);
  });

  it('takes int8 rows as given: the same values and rankings as quantising the floats here', () => {
    const given = new VectorIndex(dim, 'int8');
    const widened = new VectorIndex(dim, 'float32');
    const rows = data.slice(0, 500).map((v) => {
      const max = Math.max(...v.map(Math.abs));
      return Int8Array.from(v, (x) => Math.round((x / max) * 127));
    });
    rows.forEach((row, i) => {
      given.addQuantized(row, groupOf(i));
      widened.addQuantized(row, groupOf(i));
    });
    for (const q of queries) {
      const a = given.searchRows(q, 10), b = widened.searchRows(q, 10);
      expect(a.map((h) => h.row)).toEqual(b.map((h) => h.row));
      a.forEach((h, i) => {
        expect(h.similarity).toBeCloseTo(b[i].similarity, 5);
        expect(h.similarity).toBeCloseTo(cosine(q, rows[h.row]), 5);
      });
    }
    expect(given.bytes).toBe(500 * (dim + 4 + 4 + 1));
  });
});

describe('TopK', () => {
  it('keeps the k largest values, best first', () => {
    const top = new TopK(3);
    [5, 1, 9, 7, 3, 9.5, 0].forEach((v, i) => top.push(i, v));
    expect(top.sorted()).toEqual([[5, 9.5], [2, 9], [3, 7]]);
  });
});
