// Exact search cost as the gallery grows: ms per query and MB held, float32 vs int8 rows.
import { seededRandom as rng } from '../src/lib/core/seeded-random.ts';
import { VectorIndex, type VectorPrecision } from '../src/lib/core/vector-index.ts';
import { median, startClock } from './clock.ts';

export interface SearchRow {
  references: number;
  precision: VectorPrecision;
  dim: number;
  msPerQuery: number;
  cpuMsPerQuery: number;
  /** Same, narrowed to 20 candidate products (a tote). */
  msPerQueryNarrowed: number;
  mbInMemory: number;
  buildMs: number;
}


export function benchVectorSearch(sizes: number[], dim: number, queries: number, log: (m: string) => void): SearchRow[] {
  const rows: SearchRow[] = [];
  const random = rng(42);
  const vector = new Float32Array(dim);
  const qs = Array.from({ length: queries }, () => Float32Array.from({ length: dim }, () => random() * 2 - 1));
  for (const n of sizes) {
    for (const precision of ['int8', 'float32'] as const) {
      const t0 = performance.now();
      const index = new VectorIndex(dim, precision, n);
      // ~10 references per product, as a gallery of products photographed from a few sides.
      for (let i = 0; i < n; i++) {
        for (let d = 0; d < dim; d++) vector[d] = random() * 2 - 1;
        index.add(vector, Math.floor(i / 10));
      }
      const buildMs = performance.now() - t0;
      const times: number[] = [];
      const cpu: number[] = [];
      const narrowed: number[] = [];
      const products = Math.ceil(n / 10);
      const candidates = Array.from({ length: Math.min(20, products) }, (_, k) => Math.floor((k * products) / 20));
      for (const q of qs) {
        const stop = startClock();
        index.searchGroups(q, 5);
        const t = stop();
        times.push(t.wallMs);
        cpu.push(t.cpuMs);
        const s = performance.now();
        index.searchGroups(q, 5, candidates);
        narrowed.push(performance.now() - s);
      }
      rows.push({ references: n, precision, dim, msPerQuery: median(times), cpuMsPerQuery: median(cpu), msPerQueryNarrowed: median(narrowed), mbInMemory: index.bytes / 2 ** 20, buildMs });
      log(`vector search ${n} × ${dim} ${precision}: ${median(times).toFixed(2)} ms/query`);
    }
  }
  return rows;
}
