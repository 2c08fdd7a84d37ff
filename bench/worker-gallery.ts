// The gallery as the inference worker holds it, before and after it stayed int8 (47f3f46):
// memory held and ms per identification (global search + patch re-ranking, as a check runs it)
// at 1k … 100k references with the embedding model's real patch geometry.
//
//  before: the int8 batch widened to float32 (embeddings and patch features), searched by a
//          float32 GalleryIndex; the batch itself then dropped;
//  after:  the batch kept as it arrived, an int8 GalleryIndex holding views into it.
//
// Memory is measured, not computed: ArrayBuffer + JS heap growth after a forced GC, with the
// install's result still reachable. Patch features are ~100× the global embedding, so they
// decide the figure. A float install above FLOAT_LIMIT_BYTES is not run (a browser cannot hold
// it); its size is then extrapolated from the bytes per reference measured at a smaller size,
// and said so.
//
// Standalone: npx tsx bench/worker-gallery.ts [sizes, e.g. 1000,10000,100000]
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { manifestPath } from '../src/cli/paths.ts';
import { GalleryIndex } from '../src/lib/core/gallery-index.ts';
import { quantizeRows } from '../src/lib/core/gallery-pack/tensor.ts';
import { entryFor, parseManifest } from '../src/lib/core/manifest-parse.ts';
import { seededRandom } from '../src/lib/core/seeded-random.ts';
import { productId, referenceId, type ProductId } from '../src/lib/core/types.ts';
import { addBatchToGallery, batchProblem, emptyBatch, type ReferenceBatch } from '../src/lib/worker/reference-batch.ts';
import { median } from './clock.ts';
import { GalleryLikeVectors } from './gallery-like-vectors.ts';

export interface WorkerGalleryRow {
  references: number;
  products: number;
  dim: number;
  patchDim: number;
  cells: number;
  /** MB held by the float install; null where it was not run (see floatMbEstimate). */
  mbFloat: number | null;
  /** Extrapolated from the bytes per reference of the largest float install that ran. */
  floatMbEstimate: number | null;
  mbInt8: number;
  /** Median ms per identify() with patch re-ranking, references already pooled. */
  msFloat: number | null;
  msInt8: number;
  /** Median ms of the first identify() touching each query's references (pools them). */
  msFirstFloat: number | null;
  msFirstInt8: number;
  installMsFloat: number | null;
  installMsInt8: number;
  /** Share of queries whose int8 top-1 product equals the float top-1 (null without a float run). */
  top1Agreement: number | null;
  queries: number;
}

const REFS_PER_PRODUCT = 10;
/** A million references with their patch features are 26 GB even as int8: not measured. */
export const WORKER_GALLERY_LARGEST = 100_000;
/** Roughly what one tab's worker can allocate; a float install beyond it is not attempted. */
const FLOAT_LIMIT_BYTES = 4 * 2 ** 30;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live bytes after a full GC. Large buffers are released off the main task, hence the pause. */
async function heldBytes(): Promise<number> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
}

/** Deterministic int8 hash in [-100, 100]: a product's "look" per cell and channel. */
const look = (product: number, i: number) => ((Math.imul(product + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0) % 201 - 100;

/**
 * A batch laid out as packReferences lays it out (emptyBatch), filled in
 * place: a 100k-reference batch is 2.6 GB and a copy per reference would double it. Embeddings
 * are gallery-like vectors; a reference's patches are its product's look plus photo noise.
 */
function syntheticBatch(vectors: GalleryLikeVectors, n: number, patchDim: number, cells: number): ReferenceBatch {
  const { dim } = vectors;
  const b = emptyBatch('bench', { dim, patchDim, cells }, n);
  let i = 0;
  let noise = 12345;
  for (const { vector, product } of vectors.references()) {
    if (i === n) break;
    const q = quantizeRows(vector, 1, dim);
    if (q.dtype !== 'i8') throw new Error('unreachable: quantizeRows returns int8');
    b.embeddings.set(q.data, i * dim);
    b.embeddingScales[i] = q.scales[0];
    const base = i * cells * patchDim;
    for (let k = 0; k < cells * patchDim; k++) {
      noise = (Math.imul(noise, 1103515245) + 12345) >>> 0;
      b.patches[base + k] = look(product, k) + ((noise >>> 16) % 41) - 20;
    }
    b.patchScales.fill(1 / 127, i * cells, (i + 1) * cells);
    b.productOf.push(`p${product}`);
    b.referenceIds.push(`r${i}`);
    i++;
  }
  const problem = batchProblem(b);
  if (problem) throw new Error(problem);
  return b;
}

/** The install before 47f3f46: the batch widened to float, a float32 gallery over the widened arrays (the batch then dropped). */
function floatInstall(b: ReferenceBatch, spec: ConstructorParameters<typeof GalleryIndex>[0]): GalleryIndex {
  const widen = (data: Int8Array, scales: Float32Array, dim: number) => {
    const out = new Float32Array(data.length);
    for (let row = 0; row < scales.length; row++) for (let k = row * dim; k < (row + 1) * dim; k++) out[k] = data[k] * scales[row];
    return out;
  };
  const embeddings = widen(b.embeddings, b.embeddingScales, b.dim);
  const patches = widen(b.patches, b.patchScales, b.patchDim);
  const gallery = new GalleryIndex({ ...spec, precision: 'float32' });
  const per = b.cells * b.patchDim;
  b.referenceIds.forEach((id, i) => {
    gallery.addProduct({ id: productId(b.productOf[i]) });
    gallery.addReference({ id: referenceId(id), product: productId(b.productOf[i]), embedding: embeddings.subarray(i * b.dim, (i + 1) * b.dim), patches: patches.subarray(i * per, (i + 1) * per) });
  });
  return gallery;
}

interface Query {
  embedding: Float32Array;
  patches: Float32Array;
}

function queriesFor(vectors: GalleryLikeVectors, products: number, count: number, patchDim: number, cells: number): Query[] {
  const random = seededRandom(17);
  return Array.from({ length: count }, () => {
    const truth = Math.floor(random() * products);
    const patches = new Float32Array(cells * patchDim);
    for (let k = 0; k < patches.length; k++) patches[k] = (look(truth, k) + (random() - 0.5) * 60) / 127;
    return { embedding: vectors.query(truth, random), patches };
  });
}

interface Installed {
  gallery: GalleryIndex;
  mb: number;
  installMs: number;
}

/** The batch arrives and is installed; memory is read with only what the worker then keeps reachable. */
async function install(arrive: () => ReferenceBatch, build: (b: ReferenceBatch) => GalleryIndex): Promise<Installed> {
  const before = await heldBytes();
  let batch: ReferenceBatch | null = arrive();
  const t = performance.now();
  const gallery = build(batch);
  const installMs = performance.now() - t;
  batch = null;
  // Read before any query: pooled patches, cached per reference as queries touch it, come on top (alike for both).
  return { gallery, installMs, mb: ((await heldBytes()) - before) / 2 ** 20 };
}

interface Timed {
  /** Median ms of the first pass, which pools each touched reference's patches. */
  first: number;
  warm: number;
  top1: (ProductId | undefined)[];
}

/** Two passes over the queries, the galleries taking turns query by query so machine load hits them alike. */
function timeQueries(galleries: GalleryIndex[], queries: Query[]): Timed[] {
  const ms = galleries.map(() => [[] as number[], [] as number[]]);
  const top1 = galleries.map(() => [] as (ProductId | undefined)[]);
  for (const pass of [0, 1]) {
    for (const q of queries) {
      galleries.forEach((g, k) => {
        const t = performance.now();
        const top = g.identify(q.embedding, { top: 5, patches: q.patches })[0]?.product;
        ms[k][pass].push(performance.now() - t);
        if (pass === 1) top1[k].push(top);
      });
    }
  }
  return galleries.map((_, k) => ({ first: median(ms[k][0]), warm: median(ms[k][1]), top1: top1[k] }));
}

/** One size, in a function of its own: its galleries are unreachable once it returns. */
async function measureSize(n: number, dim: number, grid: [number, number], patchDim: number, queryCount: number, floatGuess: number | null): Promise<WorkerGalleryRow> {
  const cells = grid[0] * grid[1];
  const spec = { model: 'bench', dim, patchDim, patchGrid: grid };
  const products = Math.ceil(n / REFS_PER_PRODUCT);
  const vectors = new GalleryLikeVectors({ products, referencesPerProduct: REFS_PER_PRODUCT, dim, seed: 5 });
  const queries = queriesFor(vectors, products, queryCount, patchDim, cells);
  const arrive = () => syntheticBatch(vectors, n, patchDim, cells);
  // The engine keeps the batch (the gallery's patch features are views into it), so it counts here.
  const int8 = await install(arrive, (b) => {
    const g = new GalleryIndex({ ...spec, precision: 'int8' });
    addBatchToGallery(g, b);
    return g;
  });
  const float = floatGuess === null || floatGuess < FLOAT_LIMIT_BYTES ? await install(arrive, (b) => floatInstall(b, spec)) : null;
  const [int8Timed, floatTimed] = timeQueries(float ? [int8.gallery, float.gallery] : [int8.gallery], queries);
  return {
    references: n,
    products,
    dim,
    patchDim,
    cells,
    mbFloat: float?.mb ?? null,
    floatMbEstimate: float ? null : (floatGuess ?? 0) / 2 ** 20,
    mbInt8: int8.mb,
    msFloat: floatTimed?.warm ?? null,
    msInt8: int8Timed.warm,
    msFirstFloat: floatTimed?.first ?? null,
    msFirstInt8: int8Timed.first,
    installMsFloat: float?.installMs ?? null,
    installMsInt8: int8.installMs,
    top1Agreement: floatTimed ? int8Timed.top1.filter((p, i) => p === floatTimed.top1[i]).length / queries.length : null,
    queries: queries.length,
  };
}

export async function benchWorkerGallery(sizes: number[], dim: number, grid: [number, number], patchDim: number, queryCount: number, log: (m: string) => void): Promise<WorkerGalleryRow[]> {
  const rows: WorkerGalleryRow[] = [];
  let floatBytesPerReference: number | null = null;
  for (const n of sizes) {
    const row = await measureSize(n, dim, grid, patchDim, queryCount, floatBytesPerReference === null ? null : floatBytesPerReference * n);
    if (row.mbFloat !== null) floatBytesPerReference = (row.mbFloat * 2 ** 20) / n;
    const floatText = row.mbFloat !== null
      ? `float ${row.mbFloat.toFixed(0)} MB, ${row.msFloat!.toFixed(2)} ms/identify (first ${row.msFirstFloat!.toFixed(2)})`
      : `float not run (≈ ${(row.floatMbEstimate! / 1024).toFixed(1)} GB extrapolated)`;
    const agreement = row.top1Agreement === null ? '' : `; top-1 agreement ${(row.top1Agreement * 100).toFixed(0)}%`;
    log(`worker gallery ${n}: int8 ${row.mbInt8.toFixed(0)} MB, ${row.msInt8.toFixed(2)} ms/identify (first ${row.msFirstInt8.toFixed(2)}); ${floatText}${agreement}`);
    rows.push(row);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = (process.argv[2] ?? '1000,10000,100000').split(',').map(Number);
  const { dim, patchGrid, patchDim } = entryFor(parseManifest(JSON.parse(readFileSync(manifestPath(), 'utf8'))), 'embedding').embedding!;
  const rows = await benchWorkerGallery(sizes, dim, patchGrid, patchDim, 40, (m) => process.stderr.write(`${m}\n`));
  process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
}
