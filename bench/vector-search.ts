// Search cost as the gallery grows, exact against approximate, on gallery-like vectors
// (gallery-like-vectors.ts: ~10 references per product, structure measured on real embeddings).
//
// Per size: exact top-5 products over int8 and float32 rows (ms, MB, and narrowed to 20
// candidate products), then the inverted file built over the same int8 rows and searched at
// several nprobe values: ms per query (median, p95), recall@1 / recall@5 of the products it
// returns against the exact int8 answer, rows scanned, build time, MB with the index. The
// default nprobe and the size from which VectorIndex searches approximately (APPROXIMATE_FROM)
// are read off these rows.
import { GalleryLikeVectors } from './gallery-like-vectors.ts';
import { seededRandom } from '../src/lib/core/seeded-random.ts';
import { APPROXIMATE_FROM, VectorIndex, listsFor, probesFor, type GroupHit, type VectorPrecision } from '../src/lib/core/vector-index.ts';
import { median, quantile, startClock } from './clock.ts';

export interface SearchRow {
  references: number;
  precision: VectorPrecision;
  dim: number;
  /** Exact search over every row. */
  msPerQuery: number;
  cpuMsPerQuery: number;
  /** Same, narrowed to 20 candidate products (a tote). */
  msPerQueryNarrowed: number;
  mbInMemory: number;
  /** Filling the index (generating the vectors included). */
  buildMs: number;
  /** int8 rows only: the inverted file over the same rows. */
  approximate?: ApproximateResult;
}

export interface ProbeRow {
  nprobe: number;
  msMedian: number;
  msP95: number;
  cpuMsMedian: number;
  /** Share of queries whose best product is the exact search's best product. */
  recallAt1: number;
  /** Mean share of the exact top-5 products found in the approximate top 5. */
  recallAt5: number;
  /** Mean rows scored per query (the probed lists plus the re-check of the best products). */
  rowsScanned: number;
}

export interface ApproximateResult {
  products: number;
  queries: number;
  lists: number;
  /** The default nprobe (probesFor) and its row in `sweep`. */
  nprobe: number;
  exactMsMedian: number;
  exactMsP95: number;
  buildMs: number;
  buildCpuMs: number;
  /** Vectors, bookkeeping and inverted file. */
  mbWithIndex: number;
  /** Whether VectorIndex searches this size approximately by default (size ≥ APPROXIMATE_FROM). */
  usedByDefault: boolean;
  sweep: ProbeRow[];
}

const REFERENCES_PER_PRODUCT = 10;
/** nprobe as a share of the lists: 1/64 … 1/8 (1/4 costs half a full scan at a million rows and adds nothing to recall@1). */
const PROBE_SHARES = [64, 32, 16, 8];

/** Fewer exact reference queries at a million rows: each costs a full scan. */
export const queriesFor = (references: number, queries: number): number => (references >= 1_000_000 ? Math.min(queries, 100) : queries);

function recall(exact: GroupHit[], approx: GroupHit[]): { at1: number; at5: number } {
  const want = new Set(exact.map((h) => h.group));
  return { at1: approx[0]?.group === exact[0]?.group ? 1 : 0, at5: approx.filter((h) => want.has(h.group)).length / Math.max(1, exact.length) };
}

export function benchVectorSearch(sizes: number[], dim: number, queries: number, log: (m: string) => void): SearchRow[] {
  const rows: SearchRow[] = [];
  for (const n of sizes) {
    const products = Math.ceil(n / REFERENCES_PER_PRODUCT);
    const gallery = new GalleryLikeVectors({ products, referencesPerProduct: REFERENCES_PER_PRODUCT, dim, seed: 42 });
    const random = seededRandom(43);
    const qs = Array.from({ length: queriesFor(n, queries) }, () => gallery.query(Math.floor(random() * products), random));
    const candidates = Array.from({ length: Math.min(20, products) }, (_, k) => Math.floor((k * products) / 20));
    // `from: 0` so that the inverted file can be measured at every size; the exact rows pass { exact: true }.
    const indexes = { int8: new VectorIndex(dim, 'int8', n, { from: 0 }), float32: new VectorIndex(dim, 'float32', n, { from: 0 }) };
    const t0 = performance.now();
    let added = 0;
    for (const { vector, product } of gallery.references()) {
      indexes.int8.add(vector, product);
      indexes.float32.add(vector, product);
      if (++added === n) break;
    }
    const buildMs = performance.now() - t0;
    let exactInt8: GroupHit[][] = [];
    for (const precision of ['int8', 'float32'] as const) {
      const index = indexes[precision];
      // float32 is timed on fewer queries: only its cost is asked, and at 1M each is a full scan.
      const timed = precision === 'int8' ? qs : qs.slice(0, Math.min(qs.length, 20));
      const wall: number[] = [];
      const cpu: number[] = [];
      const narrowed: number[] = [];
      const answers: GroupHit[][] = [];
      for (const q of timed) {
        const stop = startClock();
        answers.push(index.searchGroups(q, 5, undefined, { exact: true }));
        const t = stop();
        wall.push(t.wallMs);
        cpu.push(t.cpuMs);
        const s = performance.now();
        index.searchGroups(q, 5, candidates);
        narrowed.push(performance.now() - s);
      }
      const row: SearchRow = { references: n, precision, dim, msPerQuery: median(wall), cpuMsPerQuery: median(cpu), msPerQueryNarrowed: median(narrowed), mbInMemory: index.bytes / 2 ** 20, buildMs };
      log(`vector search ${n} × ${dim} ${precision}, exact: ${row.msPerQuery.toFixed(2)} ms/query (CPU ${row.cpuMsPerQuery.toFixed(2)})`);
      if (precision === 'int8') {
        exactInt8 = answers;
        row.approximate = benchApproximate(index, qs, exactInt8, wall, products, log);
      }
      rows.push(row);
    }
  }
  return rows;
}

function benchApproximate(index: VectorIndex, qs: Float32Array[], exact: GroupHit[][], exactWall: number[], products: number, log: (m: string) => void): ApproximateResult {
  const n = index.size;
  const build = startClock();
  index.prepareApproximate();
  const built = build();
  const plan = index.searchPlan;
  const lists = plan.approximate ? plan.lists : listsFor(n);
  const nprobes = [...new Set([...PROBE_SHARES.map((s) => Math.max(1, Math.ceil(lists / s))), probesFor(lists)])].filter((p) => p <= lists).sort((a, b) => a - b);
  const sweep: ProbeRow[] = [];
  for (const nprobe of nprobes) {
    const wall: number[] = [];
    const cpu: number[] = [];
    let at1 = 0;
    let at5 = 0;
    let scanned = 0;
    for (let i = 0; i < qs.length; i++) {
      const stop = startClock();
      const hits = index.searchGroups(qs[i], 5, undefined, { nprobe });
      const t = stop();
      wall.push(t.wallMs);
      cpu.push(t.cpuMs);
      const r = recall(exact[i], hits);
      at1 += r.at1;
      at5 += r.at5;
      scanned += index.lastRowsScanned;
    }
    sweep.push({ nprobe, msMedian: median(wall), msP95: quantile(wall, 0.95), cpuMsMedian: median(cpu), recallAt1: at1 / qs.length, recallAt5: at5 / qs.length, rowsScanned: scanned / qs.length });
  }
  const nprobe = probesFor(lists);
  const chosen = sweep.find((s) => s.nprobe === nprobe)!;
  const result: ApproximateResult = {
    products,
    queries: qs.length,
    lists,
    nprobe,
    exactMsMedian: median(exactWall),
    exactMsP95: quantile(exactWall, 0.95),
    buildMs: built.wallMs,
    buildCpuMs: built.cpuMs,
    mbWithIndex: index.bytes / 2 ** 20,
    usedByDefault: n >= APPROXIMATE_FROM,
    sweep,
  };
  log(`  inverted file, ${lists} lists, built in ${(built.wallMs / 1000).toFixed(1)} s (CPU ${(built.cpuMs / 1000).toFixed(1)} s); nprobe ${nprobe}: ${chosen.msMedian.toFixed(2)} ms/query, recall@1 ${chosen.recallAt1.toFixed(3)}, recall@5 ${chosen.recallAt5.toFixed(3)} over ${qs.length} queries`);
  return result;
}
