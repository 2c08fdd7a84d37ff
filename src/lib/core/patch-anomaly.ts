// Compare an item with its product's pristine references, PatchCore-style (Roth et al. 2022):
// every query patch is scored by its distance to the nearest patch in the product's memory
// bank; damage, a spill or a missing unit produce patches unlike any reference patch.
//
// Memory: all reference patches, reduced by greedy k-centre coreset selection (computed on a
// random projection for speed, as in the paper) to at most `maxPatches`, so a product with
// hundreds of references still compares in milliseconds.
//
// What a patch is: the model's patch feature (unit length), and, when the images' cell colours
// are given (core/cell-colour.ts), the cell's Lab colour and lightness spread beside it, so the
// squared distance is |Δfeature|² + Σ (wᵢ·Δcolourᵢ)². The learned feature alone let a pale
// stain or a strip of bare board pass as a plain printed area; measured with intact-vision 1.1.0
// (bench/anomaly-selection.ts on the selection split, bench/gallery-eval.ts on val), the colour
// channel raised spill ROC-AUC on both without more false alarms on printed look-alikes on the
// selection split. Without colours on either side the comparison uses the features alone.
//
// Item score: a weighted mean (AnomalyScoring.relativeWeight) of two halves, both led by the worst BLOB×BLOB
// window of distances (a spill, a missing unit or a dent covers several neighbouring cells; a
// glint or a bit of shelf stands alone):
//  - relative: the blob's raw distance (with colour) over the memory's spread (the median
//    distance between two of its patches: about √2 for unrelated unit features, so the ratio
//    means the same for every product), through a logistic whose midpoint depends only on the
//    number of references (fewer references, farther a new pristine photo). It ranks items of
//    different products by how far they really are from what was enrolled.
//  - product-normalised (as before): the blob against the product's pristine single-patch
//    statistics and the worst single patch against its pristine per-image worst patches, both
//    measured leave-one-reference-out on the features. It adapts to how alike the product's
//    references are and sees a small hole that only one or two cells show.
// Why both, measured with intact-vision 1.1.0 (bench/anomaly-selection.ts on the selection
// split, then bench/gallery-eval.ts on val): references of one product are near-duplicates of
// each other far more than a new photo is of them, and how much so says little about the next
// photo, so the product-normalised half alone ranked damage worse across products (features
// alone, bench/gallery-eval.json: val spill 0.61 and broken set 0.80, against 0.64 and 0.89
// for the relative half; selection split 0.87 and 0.93 against 0.89 and 0.97); the relative
// half alone lost the bundled torn sample's lead over its pristine photo, which lives in the
// worst patch against a product of three references. The price, on val only: look-alike
// artwork printed on the query but absent from the references, new paint like a spill, is
// flagged as often as 8 % of the time at the 95 %-pristine threshold (2 % before).
//
// Map: each cell's distance (with colour) against the product's pristine single-patch
// statistics, measured leave-one-reference-out: σ(4·(z − 1)), z = (d − median) / (p99 − median),
// so a patch as unusual as the rarest 1 % of pristine reference patches shows 0.5, a typical
// one ≈ 0.02. With a single reference there is nothing to leave out; its patches are then
// compared with the patches of the same image at least two cells away, a coarser stand-in that
// errs towards larger normal distances.
import type { ScoreMap } from './check-result.ts';
import { CELL_COLOUR_DIM } from './cell-colour.ts';
import { seededRandom } from './seeded-random.ts';

export interface NormalDistances {
  median: number;
  p99: number;
}

export interface PatchMemory {
  dim: number;
  /** count × dim, each row unit length. */
  features: Float32Array;
  /** count × CELL_COLOUR_DIM weighted cell colours (see AnomalyScoring.colourWeights), or null without colours. */
  colours: Float32Array | null;
  count: number;
  /** How many references the memory was built from. */
  references: number;
  /** Pristine single-patch distances (normalise the map), in the memory's metric. */
  normal: NormalDistances;
  /** The same with the features alone, for a query that carries no colours. */
  featureNormal: NormalDistances;
  /** Pristine per-image worst-patch distances, features alone (the product-normalised half). */
  imageNormal: NormalDistances;
  /** Median distance between two memory patches (the item score's unit), in the memory's metric. */
  spread: number;
  /** The same with the features alone. */
  featureSpread: number;
  /** The colour weights the memory's colours were weighted with; a query's are weighted alike. */
  colourWeights: readonly number[];
}

export interface PatchSet {
  /** gridH × gridW × dim, row-major over the grid. */
  features: ArrayLike<number>;
  /** Cells that show image rather than letterbox padding; absent = all. */
  valid?: ArrayLike<boolean>;
  /** gridH × gridW × CELL_COLOUR_DIM cell colours (core/cell-colour.ts); absent = features only. */
  colours?: ArrayLike<number>;
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
  /** See AnomalyScoring.colourWeights (the model's). */
  colourWeights?: readonly number[];
}

export const DEFAULT_MAX_PATCHES = 1024;
export const DEFAULT_MAX_CANDIDATES = 8192;
/** References whose worst patch is measured for the image-level statistics (bounds the cost). */
const IMAGE_SAMPLE = 8;
/** Side of the window of cells whose mean distance makes the item score (see the header). */
export const BLOB = 3;
/**
 * The numbers of the item score, fitted on one model's patch features: they belong to the model
 * (the manifest's scoring.anomaly, core/model-scoring.ts) and reach this code as a parameter.
 */
export interface AnomalyScoring {
  /**
   * Per-channel weights of the cell colour (L*, a*, b*, spread of L*): a lightness or hue step of
   * 20, or a contrast step of 10, adds 0.1 to the squared distance, where two views of the same
   * printed area are typically 0.3–0.6 apart in the features.
   */
  colourWeights: number[];
  /**
   * The relative half's logistic on blob / spread: 0.5 at the midpoint, odds rising by a factor
   * of e every 1 / slope. The fewer the references, the farther a new pristine photo is from
   * all of them: the midpoint is the 95th percentile of pristine queries' ratios for the
   * product's number of references n, midpointAtOne − midpointPerLog · ln n, with n held within
   * 1–MIDPOINT_MAX_REFERENCES; the slope puts the median pristine query at about 0.1.
   */
  midpointAtOne: number;
  midpointPerLog: number;
  slope: number;
  /** The relative half's share of the item score. */
  relativeWeight: number;
}

/**
 * Fitted on intact-vision 1.1.0's patch features on the selection split (bench/anomaly-selection.ts):
 * colour weight 0.1 over 0.3 and 1 (larger ones caught more spills but raised false alarms on
 * printed look-alike artwork); the midpoint fit is "coverage"; relative weight 0.5 → 2/3 ranked
 * every kind of damage better (spill 0.915 → 0.923, look-alike false alarms 3 % either way), and
 * above about 0.79 the bundled torn sample's lead over its pristine photo falls under 0.3.
 */
export const DEFAULT_ANOMALY_SCORING: AnomalyScoring = {
  colourWeights: [Math.sqrt(0.1) / 20, Math.sqrt(0.1) / 20, Math.sqrt(0.1) / 20, Math.sqrt(0.1) / 10],
  midpointAtOne: 0.88,
  midpointPerLog: 0.062,
  slope: 27,
  relativeWeight: 2 / 3,
};
export const MIDPOINT_MAX_REFERENCES = 32;

export const itemMidpoint = (references: number, scoring: AnomalyScoring = DEFAULT_ANOMALY_SCORING): number =>
  scoring.midpointAtOne - scoring.midpointPerLog * Math.log(Math.min(MIDPOINT_MAX_REFERENCES, Math.max(1, references)));
/** Patches sampled for the memory's spread (all pairs among them). */
const SPREAD_SAMPLE = 256;

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

function weightColours(src: ArrayLike<number>, rows: number, weights: readonly number[]): Float32Array {
  const out = new Float32Array(rows * CELL_COLOUR_DIM);
  for (let i = 0; i < out.length; i++) out[i] = src[i] * weights[i % CELL_COLOUR_DIM];
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

/** Squared colour distance between rows of two (weighted) colour arrays. */
function colourGap(a: Float32Array, ai: number, b: Float32Array, bi: number): number {
  let s = 0;
  for (let i = 0; i < CELL_COLOUR_DIM; i++) {
    const e = a[ai + i] - b[bi + i];
    s += e * e;
  }
  return s;
}

/** Squared Euclidean distance between unit vectors from their dot product. */
const unitGap = (d: number) => Math.max(0, 2 - 2 * d);

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

/** Builds a product's memory bank from its references' patch features (and cell colours). */
export function buildPatchMemory(references: PatchSet[], grid: [number, number], dim: number, options: MemoryOptions = {}): PatchMemory {
  const cells = grid[0] * grid[1];
  const colourWeights = options.colourWeights ?? DEFAULT_ANOMALY_SCORING.colourWeights;
  if (references.length === 0) throw new RangeError('a patch memory needs at least one reference');
  // Colours count only when every reference has them: one metric for the whole memory.
  const withColour = references.every((ref) => ref.colours !== undefined);
  let owner: number[] = [];
  let cellOf: number[] = [];
  let rows: number[] = [];
  references.forEach((ref, r) => {
    if (ref.features.length !== cells * dim) throw new RangeError(`reference ${r} has ${ref.features.length} patch values, expected ${cells}×${dim}`);
    if (withColour && ref.colours!.length !== cells * CELL_COLOUR_DIM) throw new RangeError(`reference ${r} has ${ref.colours!.length} colour values, expected ${cells}×${CELL_COLOUR_DIM}`);
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
  const allColours = new Float32Array(withColour ? rows.length * CELL_COLOUR_DIM : 0);
  rows.forEach((src, i) => {
    const ref = references[Math.floor(src / cells)];
    const cell = src % cells;
    for (let k = 0; k < dim; k++) all[i * dim + k] = ref.features[cell * dim + k];
    if (withColour) for (let k = 0; k < CELL_COLOUR_DIM; k++) allColours[i * CELL_COLOUR_DIM + k] = ref.colours![cell * CELL_COLOUR_DIM + k];
  });
  const space: PatchSpace = {
    dim,
    features: normaliseRows(all, rows.length, dim),
    colours: withColour ? weightColours(allColours, rows.length, colourWeights) : null,
  };
  const size = Math.min(rows.length, options.maxPatches ?? DEFAULT_MAX_PATCHES);
  // The coreset covers the patches in the metric they are compared in: features and colour side by side.
  const picked = greedyCoreset(joined(space, rows.length), rows.length, dim + (withColour ? CELL_COLOUR_DIM : 0), size, options);
  const features = new Float32Array(picked.length * dim);
  const colours = withColour ? new Float32Array(picked.length * CELL_COLOUR_DIM) : null;
  picked.forEach((p, i) => {
    features.set(space.features.subarray(p * dim, (p + 1) * dim), i * dim);
    colours?.set(space.colours!.subarray(p * CELL_COLOUR_DIM, (p + 1) * CELL_COLOUR_DIM), i * CELL_COLOUR_DIM);
  });
  const memorySpace: PatchSpace = { dim, features, colours };
  const seed = options.seed ?? 1;
  return {
    dim, features, colours, count: picked.length, references: references.length, colourWeights,
    ...normalDistances(space, owner, cellOf, grid, picked, references.length, seed),
    ...spreads(memorySpace, picked.length, seed),
  };
}

interface PatchSpace {
  dim: number;
  /** rows × dim, unit rows. */
  features: Float32Array;
  /** rows × CELL_COLOUR_DIM, weighted; null = features only. */
  colours: Float32Array | null;
}

function joined(space: PatchSpace, rows: number): Float32Array {
  if (!space.colours) return space.features;
  const width = space.dim + CELL_COLOUR_DIM;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    out.set(space.features.subarray(r * space.dim, (r + 1) * space.dim), r * width);
    out.set(space.colours.subarray(r * CELL_COLOUR_DIM, (r + 1) * CELL_COLOUR_DIM), r * width + space.dim);
  }
  return out;
}

function normalOf(squared: number[]): NormalDistances {
  const sorted = Float32Array.from(squared, Math.sqrt).sort();
  if (sorted.length === 0) return { median: 0.5, p99: 1 };
  const median = quantile(sorted, 0.5);
  // A floor on the spread keeps a memory of near-identical references from turning every
  // bit of sensor noise into a maximal anomaly.
  return { median, p99: Math.max(quantile(sorted, 0.99), median + 0.02) };
}

/**
 * Leave-one-reference-out nearest distances: of a sample of reference patches in both metrics
 * (patch level), and of each sampled reference's worst patch in the features (image level).
 */
function normalDistances(
  space: PatchSpace, owner: number[], cellOf: number[], grid: [number, number],
  memoryRows: Int32Array, referenceCount: number, seed: number,
): { normal: NormalDistances; featureNormal: NormalDistances; imageNormal: NormalDistances } {
  const random = seededRandom(seed + 7);
  const { dim, features, colours } = space;
  const n = owner.length;
  /** Squared nearest distances of patch p, [joint, features alone]; NaN when nothing to compare. */
  const nearest = (p: number): [number, number] => {
    let bestJoint = Infinity, bestAlone = Infinity;
    const consider = (q: number) => {
      const f = unitGap(dot(features, p * dim, features, q * dim, dim));
      if (f < bestAlone) bestAlone = f;
      const j = colours ? f + colourGap(colours, p * CELL_COLOUR_DIM, colours, q * CELL_COLOUR_DIM) : f;
      if (j < bestJoint) bestJoint = j;
    };
    if (referenceCount > 1) {
      for (let k = 0; k < memoryRows.length; k++) if (owner[memoryRows[k]] !== owner[p]) consider(memoryRows[k]);
    } else {
      const w = grid[1];
      const py = Math.floor(cellOf[p] / w), px = cellOf[p] % w;
      for (let q = 0; q < n; q++) {
        const qy = Math.floor(cellOf[q] / w), qx = cellOf[q] % w;
        if (Math.max(Math.abs(qy - py), Math.abs(qx - px)) >= 2) consider(q);
      }
    }
    return bestJoint < Infinity ? [bestJoint, bestAlone] : [NaN, NaN];
  };

  // Patch level: a fixed random sample of patches bounds the cost.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const sampled = Array.from(order.subarray(0, Math.min(n, 512)), nearest).filter(([j]) => !Number.isNaN(j));
  const normal = normalOf(sampled.map(([j]) => j));
  const featureNormal = normalOf(sampled.map(([, f]) => f));

  // Image level: each sampled reference's worst patch.
  const refs = Array.from(new Set(owner));
  for (let i = refs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [refs[i], refs[j]] = [refs[j], refs[i]];
  }
  const worst: number[] = [];
  for (const r of refs.slice(0, IMAGE_SAMPLE)) {
    let w = -Infinity;
    for (let p = 0; p < n; p++) if (owner[p] === r) w = Math.max(w, nearest(p)[1]);
    if (w > -Infinity && !Number.isNaN(w)) worst.push(Math.sqrt(w));
  }
  worst.sort((x, y) => x - y);
  const imageMedian = worst.length ? quantile(Float32Array.from(worst), 0.5) : featureNormal.p99;
  const imageMax = worst.length ? worst[worst.length - 1] : featureNormal.p99;
  return { normal, featureNormal, imageNormal: { median: imageMedian, p99: Math.max(imageMax, imageMedian + 0.02) } };
}

/** Median distance between two memory patches, with and without colour (all pairs of a sample). */
function spreads(space: PatchSpace, count: number, seed: number): { spread: number; featureSpread: number } {
  const random = seededRandom(seed + 11);
  const { dim, features, colours } = space;
  const sample = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sample[i], sample[j]] = [sample[j], sample[i]];
  }
  const m = Math.min(count, SPREAD_SAMPLE);
  const joint: number[] = [];
  const alone: number[] = [];
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const p = sample[a], q = sample[b];
      const f = unitGap(dot(features, p * dim, features, q * dim, dim));
      alone.push(f);
      joint.push(colours ? f + colourGap(colours, p * CELL_COLOUR_DIM, colours, q * CELL_COLOUR_DIM) : f);
    }
  }
  // One patch only: the distance between unrelated unit vectors.
  const median = (xs: number[]) => (xs.length ? Math.sqrt(quantile(Float32Array.from(xs).sort(), 0.5)) : Math.SQRT2);
  return { spread: median(joint) || Math.SQRT2, featureSpread: median(alone) || Math.SQRT2 };
}

export interface AnomalyResult {
  /** Normalised per-cell values in [0, 1] (padding cells 0). */
  map: ScoreMap;
  /** Raw nearest-neighbour distances per cell, with colour when both sides have it (padding cells NaN). */
  distances: Float32Array;
  /** The worst BLOB×BLOB window's mean of `distances`. */
  blob: number;
  /** That over the memory's spread (see scorePatches for a floor). */
  ratio: number;
  /** The two halves of the score (see the header). */
  relative: number;
  productNormalised: number;
  /** Item anomaly in [0, 1]: the halves weighted relativeWeight : 1 − relativeWeight. */
  score: number;
}

export const normalisedAnomaly = (distance: number, normal: NormalDistances): number => {
  const z = (distance - normal.median) / (normal.p99 - normal.median);
  return 1 / (1 + Math.exp(-4 * (z - 1)));
};

/** The relative half of the item score from a worst-blob-to-spread ratio. */
export const relativeAnomaly = (ratio: number, references: number, scoring: AnomalyScoring = DEFAULT_ANOMALY_SCORING): number =>
  1 / (1 + Math.exp(-scoring.slope * (ratio - itemMidpoint(references, scoring))));

const worstOf = (values: Float32Array) => {
  let worst = -Infinity;
  for (const v of values) if (v > worst) worst = v;
  return worst;
};

/** Scores a query's patches (and cell colours, when both sides have them) against a product's memory bank. */
export function scorePatches(query: PatchSet, grid: [number, number], memory: PatchMemory, scoring: AnomalyScoring = DEFAULT_ANOMALY_SCORING): AnomalyResult {
  const [h, w] = grid;
  const cells = h * w;
  const dim = memory.dim;
  if (query.features.length !== cells * dim) throw new RangeError(`query has ${query.features.length} patch values, expected ${cells}×${dim}`);
  const useColour = memory.colours !== null && query.colours !== undefined;
  if (useColour && query.colours!.length !== cells * CELL_COLOUR_DIM) throw new RangeError(`query has ${query.colours!.length} colour values, expected ${cells}×${CELL_COLOUR_DIM}`);
  const unit = normaliseRows(query.features, cells, dim);
  const colours = useColour ? weightColours(query.colours!, cells, memory.colourWeights) : null;
  const normal = useColour ? memory.normal : memory.featureNormal;
  const distances = new Float32Array(cells).fill(NaN);
  const featureDistances = new Float32Array(cells).fill(NaN);
  const values = new Float32Array(cells);
  for (let c = 0; c < cells; c++) {
    if (query.valid && !query.valid[c]) continue;
    let bestFeature = Infinity, best = Infinity;
    if (colours) {
      // The colour terms inline: this loop is the whole cost of a check's comparison.
      const mc = memory.colours!;
      const o = c * CELL_COLOUR_DIM;
      const q0 = colours[o], q1 = colours[o + 1], q2 = colours[o + 2], q3 = colours[o + 3];
      for (let k = 0; k < memory.count; k++) {
        const f = 2 - 2 * dot(unit, c * dim, memory.features, k * dim, dim);
        if (f < bestFeature) bestFeature = f;
        const m = k * CELL_COLOUR_DIM;
        const e0 = q0 - mc[m], e1 = q1 - mc[m + 1], e2 = q2 - mc[m + 2], e3 = q3 - mc[m + 3];
        const d = f + e0 * e0 + e1 * e1 + e2 * e2 + e3 * e3;
        if (d < best) best = d;
      }
    } else {
      for (let k = 0; k < memory.count; k++) {
        const f = 2 - 2 * dot(unit, c * dim, memory.features, k * dim, dim);
        if (f < bestFeature) bestFeature = f;
      }
      best = bestFeature;
    }
    distances[c] = Math.sqrt(Math.max(0, best));
    featureDistances[c] = Math.sqrt(Math.max(0, bestFeature));
    values[c] = normalisedAnomaly(distances[c], normal);
  }
  const map = { width: w, height: h, values };
  const blob = worstBlob(distances, grid);
  if (blob === -Infinity) return { map, distances, blob: NaN, ratio: NaN, relative: 0, productNormalised: 0, score: 0 };
  // A memory whose patches all look alike (a plain package, one repeating print) has a spread
  // hardly above its pristine nearest distances, and capture noise would look like damage: the
  // unit is never below their 99th percentile (never binding on the dev photos' products, where
  // unrelated patches are about √2 apart and pristine ones at most 1.0).
  const ratio = blob / Math.max(useColour ? memory.spread : memory.featureSpread, normal.p99);
  const relative = relativeAnomaly(ratio, memory.references, scoring);
  const productNormalised = (normalisedAnomaly(worstBlob(featureDistances, grid), memory.featureNormal) + normalisedAnomaly(worstOf(featureDistances), memory.imageNormal)) / 2;
  return { map, distances, blob, ratio, relative, productNormalised, score: scoring.relativeWeight * relative + (1 - scoring.relativeWeight) * productNormalised };
}
