import { describe, expect, it } from 'vitest';
import type { PatchSet } from './patch-anomaly.ts';
import { seededRandom } from './seeded-random.ts';
import { countUnits, unitLayout } from './unit-count.ts';

const GRID: [number, number] = [12, 12];
const DIM = 16;

/**
 * Patch features of a rows×cols pack filling a 12×12 grid: every unit shows the same printed
 * pattern (a fixed random vector per position within the unit, plus a little noise per photo);
 * empty slots show a tray (one flat vector with noise, unlike any print).
 */
function pack(rows: number, cols: number, empty: number[], seed: number, noise = 0.3): PatchSet {
  const print = seededRandom(1);
  const unitH = GRID[0] / rows, unitW = GRID[1] / cols;
  const pattern = Array.from({ length: Math.ceil(unitH) * Math.ceil(unitW) * DIM }, () => print() - 0.5);
  const tray = Array.from({ length: DIM }, (_, k) => (k % 4 === 0 ? 1 : 0.05));
  const random = seededRandom(seed);
  const features = new Float32Array(GRID[0] * GRID[1] * DIM);
  for (let y = 0; y < GRID[0]; y++) for (let x = 0; x < GRID[1]; x++) {
    const slot = Math.floor(y / unitH) * cols + Math.floor(x / unitW);
    const u = Math.floor(y % unitH), v = Math.floor(x % unitW);
    for (let k = 0; k < DIM; k++) {
      const base = empty.includes(slot) ? tray[k] : pattern[(u * Math.ceil(unitW) + v) * DIM + k];
      features[(y * GRID[1] + x) * DIM + k] = base + noise * (random() - 0.5);
    }
  }
  return { features };
}

const references = (rows: number, cols: number) => [11, 12, 13].map((seed) => pack(rows, cols, [], seed));

describe('countUnits', () => {
  it('finds the product grid on its complete reference packs', () => {
    expect(unitLayout(references(2, 3), GRID, 6)).toEqual({ rows: 2, cols: 3 });
    expect(unitLayout(references(3, 2), GRID, 6)).toEqual({ rows: 3, cols: 2 });
    expect(unitLayout(references(2, 2), GRID, 4)).toEqual({ rows: 2, cols: 2 });
  });

  it('counts every unit of a complete pack', () => {
    for (const [rows, cols] of [[2, 2], [2, 3], [3, 2]]) {
      const r = countUnits({ query: pack(rows, cols, [], 99), references: references(rows, cols), grid: GRID, units: rows * cols });
      expect(r).toMatchObject({ expected: rows * cols, counted: rows * cols, layout: { rows, cols } });
    }
  });

  it('counts the units left when some are taken out: 2 of 6 missing', () => {
    const refs = references(2, 3);
    expect(countUnits({ query: pack(2, 3, [4], 99), references: refs, grid: GRID, units: 6 })?.counted).toBe(5);
    const two = countUnits({ query: pack(2, 3, [0, 5], 99), references: refs, grid: GRID, units: 6 })!;
    expect(two.counted).toBe(4);
    expect(two.slotSimilarity.filter((s) => s < 0.27)).toHaveLength(2);
    expect(countUnits({ query: pack(2, 2, [1], 99), references: references(2, 2), grid: GRID, units: 4 })?.counted).toBe(3);
  });

  it('gives no count when the photo is unlike the references (framed differently, another product)', () => {
    const random = seededRandom(5);
    const other = { features: Float32Array.from({ length: GRID[0] * GRID[1] * DIM }, () => random() - 0.5) };
    expect(countUnits({ query: other, references: references(2, 3), grid: GRID, units: 6 })).toBeNull();
  });

  it('gives no count when more than half the slots look empty', () => {
    expect(countUnits({ query: pack(2, 3, [0, 1, 2, 3], 99), references: references(2, 3), grid: GRID, units: 6 })).toBeNull();
  });

  it('has nothing to count for single items or without references', () => {
    expect(countUnits({ query: pack(1, 1, [], 99), references: references(1, 1), grid: GRID, units: 1 })).toBeNull();
    expect(countUnits({ query: pack(2, 3, [1], 99), references: [], grid: GRID, units: 6 })).toBeNull();
  });
});
