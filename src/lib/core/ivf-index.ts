// Inverted-file (IVF) index: a coarse quantiser splits the unit sphere into cells ("lists"),
// every row is filed under one cell, and a query scans only the rows of the `nprobe` cells whose
// centroids are nearest to it. It holds row ids only; the vectors stay in VectorIndex, which
// scores the shortlisted rows with the same exact int8/float32 arithmetic as a full scan.
//
// The quantiser is two-level (k-means of k-means): filing a row costs √lists + lists/√lists dot
// products instead of `lists`, which is what makes building over a million rows affordable in
// a browser. Queries rank all leaf centroids directly (a few hundred thousand multiply-adds),
// so a row that the greedy descent filed one cell off is still found when that cell is near.
import { seededRandom } from './seeded-random.ts';
import { dotAt, nearestCentroid, sphericalKMeans } from './spherical-kmeans.ts';

export interface IvfTraining {
  /** Inverted lists wanted (leaf cells); fewer when the sample is smaller. */
  lists: number;
  /** Top cells whose leaves are searched when filing a row (see listFor). */
  descend?: number;
  seed?: number;
  iterations?: number;
}

export class InvertedFileIndex {
  readonly dim: number;
  private readonly top: Float32Array;
  private readonly topCount: number;
  /** Leaves of top cell t are leafStart[t] .. leafStart[t + 1] - 1. */
  private readonly leafStart: Int32Array;
  private readonly leaves: Float32Array;
  private readonly members: Int32Array[];
  private readonly sizes: Int32Array;
  /** Row → its list (-1 when not filed) and its slot in that list, for O(1) removal. */
  private listOf = new Int32Array(0);
  private slotOf = new Int32Array(0);
  private filed = 0;
  private readonly descend: number;

  private constructor(dim: number, top: Float32Array, leafStart: Int32Array, leaves: Float32Array, descend: number) {
    this.dim = dim;
    this.descend = descend;
    this.top = top;
    this.topCount = top.length / dim;
    this.leafStart = leafStart;
    this.leaves = leaves;
    const lists = leaves.length / dim;
    this.members = Array.from({ length: lists }, () => new Int32Array(8));
    this.sizes = new Int32Array(lists);
  }

  /** Trains the quantiser on unit rows (row-major n×dim, e.g. a seeded sample of the gallery); no rows are filed yet. */
  static train(sample: Float32Array, dim: number, options: IvfTraining): InvertedFileIndex {
    const n = sample.length / dim;
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`cannot train an inverted file on ${sample.length / dim} vectors`);
    const lists = Math.max(1, Math.min(n, Math.round(options.lists)));
    const random = seededRandom(options.seed ?? 1);
    const seed = () => Math.floor(random() * 2 ** 31);
    const iterations = options.iterations ?? 10;
    const topWanted = Math.max(1, Math.round(Math.sqrt(lists)));
    const topAll = sphericalKMeans(sample, dim, topWanted, { iterations, seed: seed() });
    const byTopAll: number[][] = Array.from({ length: topWanted }, () => []);
    for (let r = 0; r < n; r++) byTopAll[nearestCentroid(topAll, topWanted, dim, sample, r * dim)].push(r);
    // A top cell that no sample row falls in gets no leaves, so it is dropped: every top cell
    // a vector can descend into must have somewhere to file it.
    const kept = byTopAll.flatMap((rows, t) => (rows.length ? [t] : []));
    const top = new Float32Array(kept.length * dim);
    kept.forEach((t, i) => top.set(topAll.subarray(t * dim, t * dim + dim), i * dim));
    const leafStart = new Int32Array(kept.length + 1);
    const parts: Float32Array[] = [];
    kept.forEach((t, i) => {
      const rows = byTopAll[t];
      // Leaves in proportion to the cell's share of the sample keep lists of similar length.
      const k = Math.max(1, Math.min(rows.length, Math.round((lists * rows.length) / n)));
      leafStart[i + 1] = leafStart[i] + k;
      const members = new Float32Array(rows.length * dim);
      rows.forEach((r, j) => members.set(sample.subarray(r * dim, r * dim + dim), j * dim));
      parts.push(sphericalKMeans(members, dim, k, { iterations, seed: seed() }));
    });
    const leaves = new Float32Array(leafStart[kept.length] * dim);
    let o = 0;
    for (const p of parts) {
      leaves.set(p, o);
      o += p.length;
    }
    return new InvertedFileIndex(dim, top, leafStart, leaves, options.descend ?? 3);
  }

  get listCount(): number {
    return this.sizes.length;
  }

  /** Rows filed. */
  get size(): number {
    return this.filed;
  }

  /** Bytes of centroids and lists (allocated, since list slack is real memory). */
  get bytes(): number {
    return (this.top.length + this.leaves.length) * 4 + this.leafStart.length * 4 + this.members.reduce((a, m) => a + m.byteLength, 0) + this.sizes.byteLength + this.listOf.byteLength + this.slotOf.byteLength;
  }

  /** Rows per list (a copy). */
  listSizes(): Int32Array {
    return this.sizes.slice();
  }

  /**
   * The list a unit vector is filed under: its nearest leaf among the children of its
   * `descend` nearest top cells. One cell is the cheapest, but a vector near a cell border
   * then often lands one leaf off (a fifth of the rows on gallery-like vectors).
   */
  listFor(v: Float32Array): number {
    const tops = this.descend === 1 ? [nearestCentroid(this.top, this.topCount, this.dim, v)] : nearestRows(this.top, this.topCount, this.dim, v, this.descend);
    let best = 0;
    let bestSim = -Infinity;
    for (const t of tops) {
      for (let l = this.leafStart[t]; l < this.leafStart[t + 1]; l++) {
        const s = dotAt(this.leaves, l * this.dim, v, 0, this.dim);
        if (s > bestSim) {
          bestSim = s;
          best = l;
        }
      }
    }
    return best;
  }

  has(row: number): boolean {
    return row < this.listOf.length && this.listOf[row] >= 0;
  }

  /** Files row `row` (whose unit vector is `v`); a row already filed is refused. */
  add(row: number, v: Float32Array): void {
    if (v.length !== this.dim) throw new RangeError(`vector has ${v.length} values, index expects ${this.dim}`);
    if (this.has(row)) throw new Error(`row ${row} is already filed`);
    this.growRows(row + 1);
    const list = this.listFor(v);
    let m = this.members[list];
    if (this.sizes[list] === m.length) {
      const grown = new Int32Array(m.length * 2);
      grown.set(m);
      m = this.members[list] = grown;
    }
    m[this.sizes[list]] = row;
    this.listOf[row] = list;
    this.slotOf[row] = this.sizes[list]++;
    this.filed++;
  }

  /** Takes a row out of its list (the list's last row moves into its slot); false if it was not filed. */
  remove(row: number): boolean {
    if (!this.has(row)) return false;
    const list = this.listOf[row];
    const slot = this.slotOf[row];
    const last = --this.sizes[list];
    const m = this.members[list];
    const moved = m[last];
    m[slot] = moved;
    this.slotOf[moved] = slot;
    this.listOf[row] = -1;
    this.filed--;
    return true;
  }

  /** The `nprobe` lists whose centroids are most similar to the unit query, best first. */
  nearestLists(q: Float32Array, nprobe: number): Int32Array {
    return nearestRows(this.leaves, this.listCount, this.dim, q, nprobe);
  }

  /** Rows of the `nprobe` nearest lists: the shortlist an approximate search scores exactly. */
  candidates(q: Float32Array, nprobe: number): Int32Array {
    const lists = this.nearestLists(q, nprobe);
    let total = 0;
    for (const l of lists) total += this.sizes[l];
    const rows = new Int32Array(total);
    let o = 0;
    for (const l of lists) {
      rows.set(this.members[l].subarray(0, this.sizes[l]), o);
      o += this.sizes[l];
    }
    return rows;
  }

  private growRows(rows: number): void {
    if (rows <= this.listOf.length) return;
    const next = Math.max(rows, this.listOf.length * 2, 1024);
    const listOf = new Int32Array(next).fill(-1);
    listOf.set(this.listOf);
    const slotOf = new Int32Array(next);
    slotOf.set(this.slotOf);
    this.listOf = listOf;
    this.slotOf = slotOf;
  }
}

/** Indices of the `want` rows of `matrix` (count×dim) with the largest dot product with `v`, best first. */
function nearestRows(matrix: Float32Array, count: number, dim: number, v: Float32Array, want: number): Int32Array {
  const n = Math.max(1, Math.min(count, Math.floor(want)));
  // Kept sorted descending; n is small, so insertion beats a heap here.
  const ids = new Int32Array(n);
  const sims = new Float32Array(n).fill(-Infinity);
  for (let r = 0; r < count; r++) {
    const s = dotAt(matrix, r * dim, v, 0, dim);
    if (s <= sims[n - 1]) continue;
    let i = n - 1;
    while (i > 0 && sims[i - 1] < s) {
      sims[i] = sims[i - 1];
      ids[i] = ids[i - 1];
      i--;
    }
    sims[i] = s;
    ids[i] = r;
  }
  return ids;
}
