// Cost of comparing an item with its product's references: building the product's patch
// memory (once per product, then cached) and scoring one query against it, with the cell
// colours beside the features (the dearer of the two ways it runs).
import { CELL_COLOUR_DIM } from '../src/lib/core/cell-colour.ts';
import { buildPatchMemory, scorePatches } from '../src/lib/core/patch-anomaly.ts';
import { seededRandom as rng } from '../src/lib/core/seeded-random.ts';
import { startClock } from './clock.ts';

export interface PatchCompareRow {
  references: number;
  patchesIn: number;
  memoryPatches: number;
  memoryMb: number;
  buildMs: number;
  scoreMs: number;
  buildCpuMs: number;
  scoreCpuMs: number;
}

export function benchPatchCompare(referenceCounts: number[], grid: [number, number], patchDim: number, log: (m: string) => void): PatchCompareRow[] {
  const random = rng(9);
  const cells = grid[0] * grid[1];
  // Patches drawn around a few hundred "part" prototypes, as real package patches repeat.
  const prototypes = Array.from({ length: 300 }, () => Float32Array.from({ length: patchDim }, () => random() * 2 - 1));
  const sample = () => {
    const f = new Float32Array(cells * patchDim);
    const colours = new Float32Array(cells * CELL_COLOUR_DIM);
    for (let c = 0; c < cells; c++) {
      const p = prototypes[Math.floor(random() * prototypes.length)];
      for (let d = 0; d < patchDim; d++) f[c * patchDim + d] = p[d] + (random() - 0.5) * 0.3;
      // Lab means and lightness spread in their usual ranges.
      colours.set([100 * random(), 60 * random() - 30, 60 * random() - 30, 20 * random()], c * CELL_COLOUR_DIM);
    }
    return { features: f, colours };
  };
  return referenceCounts.map((n) => {
    const refs = Array.from({ length: n }, sample);
    let stop = startClock();
    const memory = buildPatchMemory(refs, grid, patchDim);
    const build = stop();
    const query = sample();
    stop = startClock();
    scorePatches(query, grid, memory);
    const score = stop();
    const [buildMs, scoreMs] = [build.wallMs, score.wallMs];
    log(`patch memory from ${n} references: build ${buildMs.toFixed(0)} ms, score ${scoreMs.toFixed(1)} ms`);
    return { references: n, patchesIn: n * cells, memoryPatches: memory.count, memoryMb: (memory.features.byteLength + (memory.colours?.byteLength ?? 0)) / 2 ** 20, buildMs, scoreMs, buildCpuMs: build.cpuMs, scoreCpuMs: score.cpuMs };
  });
}
