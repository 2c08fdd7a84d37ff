// Compare an item with its product's pristine references, PatchCore-style (Roth et al. 2022):
// every query patch feature is scored by its distance to the nearest patch in the product's
// memory bank; damage, a spill or a missing unit produce patches unlike any reference patch.
//
// Memory: all reference patches, reduced by greedy k-centre coreset selection (computed on a
// random projection for speed, as in the paper) to at most `maxPatches`, so a product with
// hundreds of references still compares in milliseconds.
//
// Normalisation to [0, 1]: raw distances depend on the model and the product, so each memory
// bank carries its own statistics of pristine distances, measured leave-one-reference-out
// (a reference's patches against the memory of the *other* references), at two levels:
//  - patch level (median, 99th percentile of single-patch nearest-neighbour distances):
//    a distance d maps to σ(4·(z − 1)), z = (d − median) / (p99 − median), so a patch as
//    unusual as the rarest 1 % of pristine patches shows 0.5, a typical one ≈ 0.02. The map
//    shows each cell so, and the same function of the query's worst BLOB (the largest mean
//    distance over a BLOB×BLOB window of cells) is one half of the item's score;
//  - image level (median and maximum over references of each reference's worst patch): the
//    same function of the query's worst patch is the other half. Against pristine images'
//    own worst patches, a query is at 0.5 when exactly as unusual as the most unusual
//    pristine reference.
// Why two halves: a spill, a missing unit or a dent covers several neighbouring cells, which
// the blob sees while the odd unfamiliar patch of a pristine photo (a glint, a bit of shelf)
// stands alone; a small hole or tear is one or two cells, which only the worst patch sees.
// Measured on the GroceryStore dev photos with intact-vision 1.0.0 (bench/gallery-eval.ts,
// figures in bench/gallery-eval.json): the blob alone ranked spills and broken sets better
// than the worst patch alone but shrank the bundled torn sample's lead over its pristine
// photo from 0.97 to 0.17; the mean of the two keeps most of both.
// With a single reference there is nothing to leave out; its patches are then compared with
// the patches of the same image at least two cells away, a coarser stand-in that errs towards
// larger normal distances (fewer false sidelines).
import type { ScoreMap } from './check-result.ts';
import { seededRandom } from './seeded-random.ts';

export interface NormalDistances {
  median: number;
  p99: number;
}

export interface PatchMemory {
  dim: number;
  /** count × dim, each row unit length. */
  features: Float32Array;
  count: number;
  /** Pristine single-patch distances (normalise the map and the item's blob half). */
  normal: NormalDistances;
  /** Pristine per-image worst-patch distances (normalise the item's worst-patch half). */
  imageNormal: NormalDistances;
}

export interface PatchSet {
  /** gridH × gridW × dim, row-major over the grid. */
  features: ArrayLike<number>;
  /** Cells that show image rather than letterbox padding; absent = all. */
  valid?: ArrayLike<boolean>;
}

export interface MemoryOptions {
  maxPatches?: number;
  /**
   * Patches considered for the coreset at most; beyond this a uniform random sample is taken
   * first, so a product with hundreds of references still builds its memory in about a second.
   */
  maxCandidates?: number;
  /** Dimension of the random projection the coreset is chosen on. */
  projectDim?: number;
  seed?: number;
}

export const DEFAULT_MAX_PATCHES = 1024;
export const DEFAULT_MAX_CANDIDATES = 8192;
/** References whose worst patch is measured for the image-level statistics (bounds the cost). */
const IMAGE_SAMPLE = 8;
/** Side of the window of cells whose mean distance makes the item score (see the header). */
export const BLOB = 3;

/**
 * The largest mean over BLOB×BLOB windows of a distance map (NaN = no distance, e.g. padding),
 * counting only windows with at least half their cells measured; the worst single cell when
 * no window qualifies (a grid smaller than the window, or mostly padding).
 */
export function worstBlob(distances: ArrayLike<number>, grid: [number, number], size = BLOB): number {
  const [h, w] = grid;
  let best = -Infinity;
  const need = Math.ceil((size * size) / 2);
  for (let y = 0; y + size <= h; y++) {
    for (let x = 0; x + size <= w; x++) {
      let sum = 0, n = 0;
      for (let yy = y; yy < y + size; yy++) {
        for (let xx = x; xx < x + size; xx++) {
          const d = distances[yy * w + xx];
          if (!Number.isNaN(d)) {
            sum += d;
            n++;
          }
        }
      }
      if (n >= need && sum / n > best) best = sum / n;
    }
  }
  if (best > -Infinity) return best;
  for (let c = 0; c < h * w; c++) if (!Number.isNaN(distances[c]) && distances[c] > best) best = distances[c];
  return best;
}

function normaliseRows(src: ArrayLike<number>, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let i = 0; i < dim; i++) n += src[r * dim + i] * src[r * dim + i];
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < dim; i++) out[r * dim + i] = src[r * dim + i] / n;
  }
  return out;
}

// Unrolled by four: these loops are nearly the whole cost of building and using a memory.
function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (const end = dim - 3; i < end; i += 4) {
    s0 += a[ai + i] * b[bi + i];
    s1 += a[ai + i + 1] * b[bi + i + 1];
    s2 += a[ai + i + 2] * b[bi + i + 2];
    s3 += a[ai + i + 3] * b[bi + i + 3];
  }
  for (; i < dim; i++) s0 += a[ai + i] * b[bi + i];
  return s0 + s1 + s2 + s3;
}

function squaredDistance(a: Float32Array, ai: number, bi: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (const end = dim - 3; i < end; i += 4) {
    const e0 = a[ai + i] - a[bi + i], e1 = a[ai + i + 1] - a[bi + i + 1];
    const e2 = a[ai + i + 2] - a[bi + i + 2], e3 = a[ai + i + 3] - a[bi + i + 3];
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; i < dim; i++) {
    const e = a[ai + i] - a[bi + i];
    s0 += e * e;
  }
  return s0 + s1 + s2 + s3;
}

/** Euclidean distance between unit vectors from their dot product. */
const unitDistance = (d: number) => Math.sqrt(Math.max(0, 2 - 2 * d));

/**
 * Greedy k-centre selection: repeatedly take the point farthest from everything chosen so far.
 * Returns indices into the `count` rows of `features` (row-major, `dim` wide).
 */
export function greedyCoreset(features: Float32Array, count: number, dim: number, size: number, options: MemoryOptions = {}): Int32Array {
  if (size >= count) return Int32Array.from({ length: count }, (_, i) => i);
  const random = seededRandom(options.seed ?? 1);
  const pd = Math.min(dim, options.projectDim ?? 64);
  let space = features;
  let sd = dim;
  if (pd < dim) {
    // Johnson–Lindenstrauss: a Gaussian projection roughly preserves distances.
    const proj = new Float32Array(dim * pd);
    for (let i = 0; i < proj.length; i += 2) {
      const u = Math.max(1e-12, random()), v = random();
      const r = Math.sqrt(-2 * Math.log(u)) / Math.sqrt(pd);
      proj[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < proj.length) proj[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    space = new Float32Array(count * pd);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < pd; j++) {
        let s = 0;
        for (let i = 0; i < dim; i++) s += features[r * dim + i] * proj[i * pd + j];
        space[r * pd + j] = s;
      }
    }
    sd = pd;
  }
  const minDist = new Float32Array(count).fill(Infinity);
  const chosen = new Int32Array(size);
  let next = Math.floor(random() * count);
  for (let c = 0; c < size; c++) {
    chosen[c] = next;
    minDist[next] = -1;
    let far = -1, farDist = -Infinity;
    for (let r = 0; r < count; r++) {
      if (minDist[r] < 0) continue;
      const d = squaredDistance(space, r * sd, next * sd, sd);
      if (d < minDist[r]) minDist[r] = d;
      if (minDist[r] > farDist) {
        farDist = minDist[r];
        far = r;
      }
    }
    if (far < 0) return chosen.slice(0, c + 1);
    next = far;
  }
  return chosen;
}

function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Builds a product's memory bank from its references' patch features. */
export function buildPatchMemory(references: PatchSet[], grid: [number, number], dim: number, options: MemoryOptions = {}): PatchMemory {
  const cells = grid[0] * grid[1];
  if (references.length === 0) throw new RangeError('a patch memory needs at least one reference');
  let owner: number[] = [];
  let cellOf: number[] = [];
  let rows: number[] = [];
  references.forEach((ref, r) => {
    if (ref.features.length !== cells * dim) throw new RangeError(`reference ${r} has ${ref.features.length} patch values, expected ${cells}×${dim}`);
    for (let c = 0; c < cells; c++) {
      if (ref.valid && !ref.valid[c]) continue;
      owner.push(r);
      cellOf.push(c);
      rows.push(r * cells + c);
    }
  });
  const maxCandidates = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  if (rows.length > maxCandidates) {
    const random = seededRandom((options.seed ?? 1) + 13);
    const keep = Int32Array.from({ length: rows.length }, (_, i) => i);
    for (let i = 0; i < maxCandidates; i++) {
      const j = i + Math.floor(random() * (keep.length - i));
      [keep[i], keep[j]] = [keep[j], keep[i]];
    }
    const picked = Array.from(keep.subarray(0, maxCandidates)).sort((a, b) => a - b);
    owner = picked.map((i) => owner[i]);
    cellOf = picked.map((i) => cellOf[i]);
    rows = picked.map((i) => rows[i]);
  }
  const all = new Float32Array(rows.length * dim);
  rows.forEach((src, i) => {
    const f = references[Math.floor(src / cells)].features;
    const base = (src % cells) * dim;
    for (let k = 0; k < dim; k++) all[i * dim + k] = f[base + k];
  });
  const unit = normaliseRows(all, rows.length, dim);
  const size = Math.min(rows.length, options.maxPatches ?? DEFAULT_MAX_PATCHES);
  const picked = greedyCoreset(unit, rows.length, dim, size, options);
  const features = new Float32Array(picked.length * dim);
  picked.forEach((p, i) => features.set(unit.subarray(p * dim, (p + 1) * dim), i * dim));

  const { normal, imageNormal } = normalDistances(unit, owner, cellOf, grid, dim, picked, references.length, options.seed ?? 1);
  return { dim, features, count: picked.length, normal, imageNormal };
}

function normalDistances(
  unit: Float32Array, owner: number[], cellOf: number[], grid: [number, number], dim: number,
  memoryRows: Int32Array, referenceCount: number, seed: number,
): { normal: NormalDistances; imageNormal: NormalDistances } {
  const random = seededRandom(seed + 7);
  const n = owner.length;
  const nearest = (p: number): number => {
    let best = -Infinity;
    if (referenceCount > 1) {
      for (let k = 0; k < memoryRows.length; k++) {
        const q = memoryRows[k];
        if (owner[q] === owner[p]) continue;
        const d = dot(unit, p * dim, unit, q * dim, dim);
        if (d > best) best = d;
      }
    } else {
      const w = grid[1];
      const py = Math.floor(cellOf[p] / w), px = cellOf[p] % w;
      for (let q = 0; q < n; q++) {
        const qy = Math.floor(cellOf[q] / w), qx = cellOf[q] % w;
        if (Math.max(Math.abs(qy - py), Math.abs(qx - px)) < 2) continue;
        const d = dot(unit, p * dim, unit, q * dim, dim);
        if (d > best) best = d;
      }
    }
    return best > -Infinity ? unitDistance(best) : NaN;
  };

  // Patch level: a fixed random sample of patches bounds the cost.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const patchDists = Array.from(order.subarray(0, Math.min(n, 512)), nearest).filter((d) => !Number.isNaN(d));
  const sorted = Float32Array.from(patchDists).sort();
  if (sorted.length === 0) {
    const fallback = { median: 0.5, p99: 1 };
    return { normal: fallback, imageNormal: fallback };
  }
  const median = quantile(sorted, 0.5);
  // A floor on the spread keeps a memory of near-identical references from turning every
  // bit of sensor noise into a maximal anomaly.
  const normal = { median, p99: Math.max(quantile(sorted, 0.99), median + 0.02) };

  // Image level: each sampled reference's worst patch.
  const refs = Array.from(new Set(owner));
  for (let i = refs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [refs[i], refs[j]] = [refs[j], refs[i]];
  }
  const worst: number[] = [];
  for (const r of refs.slice(0, IMAGE_SAMPLE)) {
    let w = -Infinity;
    for (let p = 0; p < n; p++) if (owner[p] === r) w = Math.max(w, nearest(p));
    if (w > -Infinity && !Number.isNaN(w)) worst.push(w);
  }
  worst.sort((a, b) => a - b);
  const imageMedian = worst.length ? quantile(Float32Array.from(worst), 0.5) : normal.p99;
  const imageMax = worst.length ? worst[worst.length - 1] : normal.p99;
  const imageNormal = { median: imageMedian, p99: Math.max(imageMax, imageMedian + 0.02) };
  return { normal, imageNormal };
}

export interface AnomalyResult {
  /** Normalised per-cell values in [0, 1] (padding cells 0). */
  map: ScoreMap;
  /** Raw nearest-neighbour distances per cell (padding cells NaN). */
  distances: Float32Array;
  /** Item anomaly in [0, 1]: mean of the normalised worst blob and worst patch (see the header). */
  score: number;
}

export const normalisedAnomaly = (distance: number, normal: NormalDistances): number => {
  const z = (distance - normal.median) / (normal.p99 - normal.median);
  return 1 / (1 + Math.exp(-4 * (z - 1)));
};

/** Scores a query's patches against a product's memory bank. */
export function scorePatches(query: PatchSet, grid: [number, number], memory: PatchMemory): AnomalyResult {
  const [h, w] = grid;
  const cells = h * w;
  const dim = memory.dim;
  if (query.features.length !== cells * dim) throw new RangeError(`query has ${query.features.length} patch values, expected ${cells}×${dim}`);
  const unit = normaliseRows(query.features, cells, dim);
  const distances = new Float32Array(cells).fill(NaN);
  const values = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    if (query.valid && !query.valid[c]) continue;
    let best = -Infinity;
    for (let k = 0; k < memory.count; k++) {
      const d = dot(unit, c * dim, memory.features, k * dim, dim);
      if (d > best) best = d;
    }
    const dist = unitDistance(best);
    distances[c] = dist;
    values[c] = normalisedAnomaly(dist, memory.normal);
  }
  const blob = worstBlob(distances, grid);
  let worstPatch = -Infinity;
  for (const d of distances) if (d > worstPatch) worstPatch = d;
  const score = blob > -Infinity ? (normalisedAnomaly(blob, memory.normal) + normalisedAnomaly(worstPatch, memory.imageNormal)) / 2 : 0;
  return { map: { width: w, height: h, values }, distances, score };
}
