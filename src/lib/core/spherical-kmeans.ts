// Spherical k-means (Lloyd's algorithm on cosine similarity): the coarse quantiser of the
// inverted-file index. Rows and centroids are unit vectors, so "nearest" is the largest dot
// product and a centroid is its members' mean scaled back onto the sphere.
//
// Deterministic: the seed picks the initial centroids; an emptied cluster is re-seeded with the
// row that fits its own centroid worst (the usual fix, and it needs no randomness).
import { seededRandom } from './seeded-random.ts';

export interface KMeansOptions {
  /** Lloyd iterations at most (stops earlier once no row changes cluster). */
  iterations?: number;
  seed?: number;
}

/** Dot product of `a` (from offset `ao`) with `b` (from `bo`) over `dim` values; unrolled as the scan in vector-index.ts. */
export function dotAt(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  const tail = dim - (dim % 4);
  for (; i < tail; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < dim; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + s2 + s3;
}

/** Index of the centroid (row of `centroids`, `k` of them) with the largest dot product with `v` at `offset`. */
export function nearestCentroid(centroids: Float32Array, k: number, dim: number, v: Float32Array, offset = 0): number {
  let best = 0;
  let bestSim = -Infinity;
  for (let c = 0; c < k; c++) {
    const s = dotAt(centroids, c * dim, v, offset, dim);
    if (s > bestSim) {
      bestSim = s;
      best = c;
    }
  }
  return best;
}

/** `k` unit-norm centroids (row-major k×dim) of the unit rows in `data` (row-major n×dim). */
export function sphericalKMeans(data: Float32Array, dim: number, k: number, options: KMeansOptions = {}): Float32Array {
  const n = data.length / dim;
  if (!Number.isInteger(n)) throw new RangeError(`data holds ${data.length} values, not a whole number of ${dim}-d rows`);
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`cannot make ${k} clusters of ${n} vectors`);
  const random = seededRandom(options.seed ?? 1);
  const centroids = new Float32Array(k * dim);
  // k distinct rows as the first centroids (a partial Fisher–Yates shuffle).
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < k; c++) {
    const j = c + Math.floor(random() * (n - c));
    [order[c], order[j]] = [order[j], order[c]];
    centroids.set(data.subarray(order[c] * dim, order[c] * dim + dim), c * dim);
  }
  const assigned = new Int32Array(n).fill(-1);
  const fit = new Float32Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  const iterations = options.iterations ?? 10;
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    for (let r = 0; r < n; r++) {
      const c = nearestCentroid(centroids, k, dim, data, r * dim);
      if (c !== assigned[r]) changed++;
      assigned[r] = c;
      fit[r] = dotAt(centroids, c * dim, data, r * dim, dim);
    }
    if (changed === 0) break;
    sums.fill(0);
    counts.fill(0);
    for (let r = 0; r < n; r++) {
      const base = assigned[r] * dim;
      counts[assigned[r]]++;
      for (let i = 0; i < dim; i++) sums[base + i] += data[r * dim + i];
    }
    const taken = new Set<number>();
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        let worst = -1;
        for (let r = 0; r < n; r++) if (!taken.has(r) && (worst < 0 || fit[r] < fit[worst])) worst = r;
        taken.add(worst);
        centroids.set(data.subarray(worst * dim, worst * dim + dim), c * dim);
        continue;
      }
      let norm = 0;
      for (let i = 0; i < dim; i++) norm += sums[c * dim + i] ** 2;
      norm = Math.sqrt(norm);
      // Members that cancel out exactly keep the old centroid rather than become a zero vector.
      if (norm > 0) for (let i = 0; i < dim; i++) centroids[c * dim + i] = sums[c * dim + i] / norm;
    }
  }
  return centroids;
}
