// Second look at identification: the global embedding shortlists products, then each
// shortlisted product is scored by how well the query's local patches find counterparts in
// its references (a spatially windowed chamfer similarity), and the two are blended.
//
// Why these choices (measured on the GroceryStore dev photos with intact-vision 1.0.0, the
// weight chosen by leave-one-out on TRAIN photos of the classes the embedding never saw,
// see bench/gallery-eval.ts and the report in bench/gallery-eval.json):
//  - patches are mean-pooled 2×2 (14×14 → 7×7) first: the pooled score ranks as well as the
//    full grid and costs 16× fewer dot products;
//  - a query cell looks only at reference cells within WINDOW cells of its own position: a
//    weak layout prior that keeps "red cap top-left" from matching "red logo bottom-right";
//  - only the product's referencesPerProduct references nearest by global embedding take
//    part: pooling the patches of all references favours products with many references (a
//    product enrolled with 5 photos lost to one with 30 simply because 30 photos hold more
//    patches), and bounds the cost for products with hundreds of references.
/** Patch features mean-pooled to a coarser grid, each valid cell unit length. */
export interface PooledPatches {
  grid: [number, number];
  dim: number;
  /** cells × dim, row-major over the grid. */
  features: Float32Array;
  /** 1 where the cell covers at least one image cell, 0 where it is all letterbox padding. */
  valid: Uint8Array;
}

export const POOL_FACTOR = 2;
export const WINDOW = 2;

/** The re-ranking's numbers, fitted on one model's features: the manifest's scoring.rerank. */
export interface RerankScoring {
  /** Weight of the patch similarity against the global cosine. */
  patchWeight: number;
  /** Products re-ranked when no candidate list is given. */
  shortlist: number;
  /** References per product taking part (the nearest by global embedding). */
  referencesPerProduct: number;
}

/** Chosen for intact-vision 1.0.0 by cross-validation on train photos (see above). */
export const DEFAULT_RERANK_SCORING: RerankScoring = { patchWeight: 2, shortlist: 10, referencesPerProduct: 5 };
export const PATCH_WEIGHT = DEFAULT_RERANK_SCORING.patchWeight;
export const SHORTLIST = DEFAULT_RERANK_SCORING.shortlist;
export const REFERENCES_PER_PRODUCT = DEFAULT_RERANK_SCORING.referencesPerProduct;

/** Averages factor×factor blocks of unit patch features (skipping padding cells) and re-normalises. */
export function poolPatches(features: ArrayLike<number>, valid: ArrayLike<boolean> | undefined, grid: [number, number], dim: number, factor = POOL_FACTOR): PooledPatches {
  const [h, w] = grid;
  if (features.length !== h * w * dim) throw new RangeError(`patch features have ${features.length} values, expected ${h}×${w}×${dim}`);
  const ph = Math.ceil(h / factor), pw = Math.ceil(w / factor);
  const out = new Float32Array(ph * pw * dim);
  const outValid = new Uint8Array(ph * pw);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = y * w + x;
      if (valid && !valid[c]) continue;
      const p = Math.floor(y / factor) * pw + Math.floor(x / factor);
      outValid[p] = 1;
      const src = c * dim, dst = p * dim;
      for (let k = 0; k < dim; k++) out[dst + k] += features[src + k];
    }
  }
  for (let p = 0; p < ph * pw; p++) {
    if (!outValid[p]) continue;
    let n = 0;
    for (let k = 0; k < dim; k++) n += out[p * dim + k] * out[p * dim + k];
    n = Math.sqrt(n);
    if (n === 0) {
      outValid[p] = 0;
      continue;
    }
    for (let k = 0; k < dim; k++) out[p * dim + k] /= n;
  }
  return { grid: [ph, pw], dim, features: out, valid: outValid };
}

/**
 * Mean over the query's valid cells of the best cosine to any valid cell, within `window`
 * cells (Chebyshev) of the same position, of any of the references. In [-1, 1]; -1 when the
 * query has no valid cell or no reference has a cell in reach.
 */
export function windowedChamfer(query: PooledPatches, references: readonly PooledPatches[], window = WINDOW): number {
  const [h, w] = query.grid;
  const dim = query.dim;
  const q = query.features;
  for (const r of references) {
    if (r.grid[0] !== h || r.grid[1] !== w || r.dim !== dim) throw new RangeError('query and reference patches come from different grids');
  }
  let sum = 0, counted = 0;
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - window), y1 = Math.min(h - 1, y + window);
    for (let x = 0; x < w; x++) {
      const c = y * w + x;
      if (!query.valid[c]) continue;
      const x0 = Math.max(0, x - window), x1 = Math.min(w - 1, x + window);
      const qi = c * dim;
      let best = -1;
      for (const r of references) {
        const f = r.features;
        for (let yy = y0; yy <= y1; yy++) {
          for (let rc = yy * w + x0, rcEnd = yy * w + x1; rc <= rcEnd; rc++) {
            if (!r.valid[rc]) continue;
            const s = dot(q, qi, f, rc * dim, dim);
            if (s > best) best = s;
          }
        }
      }
      sum += best;
      counted++;
    }
  }
  return counted ? sum / counted : -1;
}

// Unrolled by eight: this loop is nearly the whole cost of re-ranking.
function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (const end = dim - 7; k < end; k += 8) {
    s0 += a[ai + k] * b[bi + k] + a[ai + k + 4] * b[bi + k + 4];
    s1 += a[ai + k + 1] * b[bi + k + 1] + a[ai + k + 5] * b[bi + k + 5];
    s2 += a[ai + k + 2] * b[bi + k + 2] + a[ai + k + 6] * b[bi + k + 6];
    s3 += a[ai + k + 3] * b[bi + k + 3] + a[ai + k + 7] * b[bi + k + 7];
  }
  for (; k < dim; k++) s0 += a[ai + k] * b[bi + k];
  return s0 + s1 + s2 + s3;
}

/** The blended similarity, still a cosine-like value in [-1, 1]. */
export const blendedSimilarity = (global: number, patch: number, weight = PATCH_WEIGHT): number => (global + weight * patch) / (1 + weight);

export interface RerankCandidate<T> {
  item: T;
  /** Best global cosine of the product's references. */
  global: number;
  /** The product's references taking part (see REFERENCES_PER_PRODUCT). */
  references: readonly PooledPatches[];
}

export interface Reranked<T> {
  item: T;
  global: number;
  patch: number;
  similarity: number;
}

/** Scores each candidate by its blended similarity, best first. */
export function rerank<T>(query: PooledPatches, candidates: readonly RerankCandidate<T>[], weight = PATCH_WEIGHT): Reranked<T>[] {
  return candidates
    .map((c) => {
      const patch = windowedChamfer(query, c.references);
      return { item: c.item, global: c.global, patch, similarity: blendedSimilarity(c.global, patch, weight) };
    })
    .sort((a, b) => b.similarity - a.similarity);
}
