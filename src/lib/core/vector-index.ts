// Cosine search over reference embeddings, grouped by product.
//
// Exact below APPROXIMATE_FROM live rows: a brute-force scan is cheap there and loses nothing.
// Above it, a full scan over int8 rows costs ~N×dim multiply-adds (bench: hundreds of ms at a
// million rows), so an inverted-file index (ivf-index.ts) shortlists the rows of the nearest
// cells, which are scored with the same exact arithmetic, and the best products found are
// re-checked over all their rows. Narrowing to candidate products is always exact. The
// threshold and nprobe come from bench/vector-search.ts (recall against exact, ms, MB).
//
// Rows are L2-normalised on insertion, so cosine = dot product. Storage is either float32 or
// int8 with one scale per row (symmetric, scale = max|v| / 127): 4× less memory, and the
// rank order of neighbours is preserved to within the quantisation error (tests hold it).
// Rows are kept in one growable typed array (no per-row objects) so a million rows cost
// dim bytes each plus 8 bytes of bookkeeping, nothing more.

import { InvertedFileIndex } from './ivf-index.ts';
import { seededRandom } from './seeded-random.ts';

export type VectorPrecision = 'float32' | 'int8';

/** Live rows from which searches over the whole index go through the inverted file. */
export const APPROXIMATE_FROM = 50_000;

export interface ApproximateOptions {
  /** Live rows from which whole-index searches are approximate (Infinity: always exact). */
  from?: number;
  /** Inverted lists for n rows (default: listsFor). */
  lists?: (rows: number) => number;
  /** Lists scanned per query (default: probesFor). */
  nprobe?: (lists: number) => number;
  /** Top cells searched when filing a row (InvertedFileIndex.listFor). */
  descend?: number;
  /** Rows sampled to train the quantiser for a number of lists. */
  trainingRows?: (lists: number) => number;
  /** k-means iterations at most. */
  iterations?: number;
  seed?: number;
}

export interface SearchOptions {
  /** Scan every row even where the index would search approximately (the reference for recall). */
  exact?: boolean;
  /** Lists to probe instead of the default, where the search is approximate. */
  nprobe?: number;
}

/** 2√n lists: finer cells find neighbours in a smaller share of the rows; more cost training and filing time. */
export const listsFor = (rows: number): number => Math.max(1, Math.round(2 * Math.sqrt(rows)));
/**
 * An eighth of the lists: recall@1 against exact ≥ 0.99 from 50k references on gallery-like
 * vectors (bench/vector-search.ts), and 0.99 on the real grocery-dev embeddings (vector-search-real.ts).
 * A sixteenth gave 0.95–0.97 on both.
 */
export const probesFor = (lists: number): number => Math.max(1, Math.ceil(lists / 8));

/** Rows sampled to train the quantiser: enough per list for k-means, few enough that training costs less than filing. */
export const trainingRowsFor = (lists: number): number => 24 * lists;

/** Whole-index searches rebuild the inverted file once the index has grown this much since training. */
const RETRAIN_GROWTH = 4;

export interface RowHit {
  row: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export interface GroupHit {
  group: number;
  /** Best cosine similarity of any row of the group. */
  similarity: number;
  /** The row that achieved it (e.g. the reference image to show beside the query). */
  row: number;
}

export class VectorIndex {
  readonly dim: number;
  readonly precision: VectorPrecision;
  private f32: Float32Array;
  private i8: Int8Array;
  private scales: Float32Array;
  private groups: Int32Array;
  /** 1 while a row is live; removed rows keep their slot (row ids are stable) but are never returned. */
  private alive: Uint8Array;
  private count = 0;
  private removed = 0;
  private readonly approximateOptions: Required<ApproximateOptions>;
  private ivf: InvertedFileIndex | null = null;
  private ivfTrainedOn = 0;
  private rowsScored = 0;
  private building: Promise<boolean> | null = null;
  private groupCount = 0;
  /** Rows of each group, built lazily for candidate-narrowed search. */
  private postings: Int32Array[] | null = null;

  constructor(dim: number, precision: VectorPrecision = 'float32', capacity = 1024, approximate: ApproximateOptions = {}) {
    if (!(Number.isInteger(dim) && dim > 0)) throw new RangeError(`bad dimension ${dim}`);
    this.dim = dim;
    this.precision = precision;
    const cap = Math.max(1, capacity);
    this.f32 = new Float32Array(precision === 'float32' ? cap * dim : 0);
    this.i8 = new Int8Array(precision === 'int8' ? cap * dim : 0);
    this.scales = new Float32Array(precision === 'int8' ? cap : 0);
    this.groups = new Int32Array(cap);
    this.alive = new Uint8Array(cap);
    this.approximateOptions = { from: APPROXIMATE_FROM, lists: listsFor, nprobe: probesFor, descend: 1, trainingRows: trainingRowsFor, iterations: 6, seed: 1, ...approximate };
  }

  /** Live rows (added and not removed). */
  get size(): number {
    return this.count - this.removed;
  }

  get groupsSeen(): number {
    return this.groupCount;
  }

  /** Bytes held by the vectors, their bookkeeping and the inverted file (not counting unused row capacity). */
  get bytes(): number {
    const perRow = this.precision === 'float32' ? this.dim * 4 : this.dim + 4;
    return this.count * (perRow + 4 + 1) + (this.ivf?.bytes ?? 0);
  }

  /** How a whole-index search runs now: exact, or through an inverted file of `lists` lists probing `nprobe`. */
  get searchPlan(): { approximate: false } | { approximate: true; lists: number; nprobe: number; trainedOn: number } {
    if (this.size === 0 || this.size < this.approximateOptions.from || !this.ivf) return { approximate: false };
    return { approximate: true, lists: this.ivf.listCount, nprobe: this.nprobe(), trainedOn: this.ivfTrainedOn };
  }

  /** Rows whose similarity the latest search computed (re-checks included): what an approximate search saves. */
  get lastRowsScanned(): number {
    return this.rowsScored;
  }

  isLive(row: number): boolean {
    return Number.isInteger(row) && row >= 0 && row < this.count && this.alive[row] === 1;
  }

  groupOf(row: number): number {
    return this.groups[row];
  }

  /** Adds one vector (any length-dim array; normalised here) to a group; returns its row. */
  add(vector: ArrayLike<number>, group: number): number {
    if (vector.length !== this.dim) throw new RangeError(`vector has ${vector.length} values, index expects ${this.dim}`);
    if (!(Number.isInteger(group) && group >= 0)) throw new RangeError(`bad group ${group}`);
    this.ensureCapacity(this.count + 1);
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += vector[i] * vector[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError('cannot index a zero or non-finite vector');
    const row = this.count;
    const base = row * this.dim;
    if (this.precision === 'float32') {
      for (let i = 0; i < this.dim; i++) this.f32[base + i] = vector[i] / norm;
    } else {
      let maxAbs = 0;
      for (let i = 0; i < this.dim; i++) maxAbs = Math.max(maxAbs, Math.abs(vector[i] / norm));
      const scale = maxAbs / 127;
      for (let i = 0; i < this.dim; i++) this.i8[base + i] = Math.round(vector[i] / norm / scale);
      this.scales[row] = scale;
    }
    return this.commitRow(row, group);
  }

  /**
   * Adds one vector already quantised to int8 (any positive scale: the row is normalised here).
   * An int8 index keeps the values as given, with no float copy on the way (a gallery arriving
   * from storage as int8 is stored as is); a float32 index widens them.
   */
  addQuantized(values: Int8Array, group: number): number {
    if (values.length !== this.dim) throw new RangeError(`vector has ${values.length} values, index expects ${this.dim}`);
    if (!(Number.isInteger(group) && group >= 0)) throw new RangeError(`bad group ${group}`);
    if (this.precision === 'float32') return this.add(values, group);
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += values[i] * values[i];
    if (norm === 0) throw new RangeError('cannot index a zero or non-finite vector');
    this.ensureCapacity(this.count + 1);
    const row = this.count;
    this.i8.set(values, row * this.dim);
    // Scaled to exactly unit length, so the dot product with a unit query is the cosine.
    this.scales[row] = 1 / Math.sqrt(norm);
    return this.commitRow(row, group);
  }

  private commitRow(row: number, group: number): number {
    this.groups[row] = group;
    this.alive[row] = 1;
    this.groupCount = Math.max(this.groupCount, group + 1);
    this.count++;
    this.postings = null;
    this.ivf?.add(row, this.unitRow(row));
    return row;
  }

  /**
   * Takes a row out of every search (a superseded or deleted reference). Its id is not reused,
   * so ids held elsewhere stay valid; false if it was already removed.
   */
  remove(row: number): boolean {
    if (!(Number.isInteger(row) && row >= 0 && row < this.count)) throw new RangeError(`no row ${row} (index has rows 0..${this.count - 1})`);
    if (this.alive[row] === 0) return false;
    this.alive[row] = 0;
    this.removed++;
    this.postings = null;
    this.ivf?.remove(row);
    return true;
  }

  /** Whether whole-index searches are due an inverted file they lack (none yet, or trained on far fewer rows). */
  get approximateDue(): boolean {
    return this.size > 0 && this.size >= this.approximateOptions.from && (!this.ivf || this.size > RETRAIN_GROWTH * this.ivfTrainedOn);
  }

  /** Builds (or rebuilds) the inverted file now, blocking, rather than on the first search that needs it; ms it took. */
  prepareApproximate(): number {
    const t0 = performance.now();
    const { ivf, trainedOn } = this.trainInvertedFile();
    const buffer = new Float32Array(this.dim);
    for (let r = 0; r < this.count; r++) if (this.alive[r]) ivf.add(r, this.unitRow(r, buffer));
    this.ivf = ivf;
    this.ivfTrainedOn = trainedOn;
    return performance.now() - t0;
  }

  /**
   * Builds the inverted file where one is due without holding the thread for long (a worker
   * keeps answering): filing the rows, most of the cost at a million rows, yields to the event
   * loop every `sliceMs`. Until it is swapped in complete, searches stay exact (or use the
   * previous inverted file); rows added or removed meanwhile are accounted for. Resolves true
   * once built, false when none was due or `signal` aborted it.
   */
  prepareApproximateInBackground(options: { signal?: AbortSignal; sliceMs?: number } = {}): Promise<boolean> {
    if (this.building) return this.building;
    if (!this.approximateDue) return Promise.resolve(false);
    const sliceMs = options.sliceMs ?? 30;
    const yieldNow = () => new Promise((resolve) => setTimeout(resolve, 0));
    this.building = (async () => {
      try {
        await yieldNow();
        if (options.signal?.aborted) return false;
        const { ivf, trainedOn } = this.trainInvertedFile();
        const buffer = new Float32Array(this.dim);
        let sliceStart = performance.now();
        // `this.count` is read on every pass: rows appended while we yield are filed too.
        for (let r = 0; r < this.count; r++) {
          if (this.alive[r]) ivf.add(r, this.unitRow(r, buffer));
          if ((r & 1023) === 1023 && performance.now() - sliceStart > sliceMs) {
            await yieldNow();
            if (options.signal?.aborted) return false;
            sliceStart = performance.now();
          }
        }
        for (let r = 0; r < this.count; r++) if (!this.alive[r]) ivf.remove(r);
        this.ivf = ivf;
        this.ivfTrainedOn = trainedOn;
        return true;
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  /** A quantiser trained on a seeded sample of the live rows, with no rows filed yet. */
  private trainInvertedFile(): { ivf: InvertedFileIndex; trainedOn: number } {
    if (this.size === 0) throw new Error('cannot build an inverted file over an empty index');
    const { lists, seed, descend, trainingRows, iterations } = this.approximateOptions;
    const live = this.liveRows();
    const nLists = Math.max(1, Math.min(live.length, Math.round(lists(live.length))));
    const random = seededRandom(seed);
    // A seeded partial shuffle picks the training sample: same rows, same index, every time.
    const take = Math.min(live.length, trainingRows(nLists));
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (live.length - i));
      [live[i], live[j]] = [live[j], live[i]];
    }
    const sample = new Float32Array(take * this.dim);
    for (let i = 0; i < take; i++) this.unitRow(live[i], sample.subarray(i * this.dim, (i + 1) * this.dim));
    return { ivf: InvertedFileIndex.train(sample, this.dim, { lists: nLists, seed, descend, iterations }), trainedOn: live.length };
  }

  private liveRows(): Int32Array {
    const rows = new Int32Array(this.size);
    let o = 0;
    for (let r = 0; r < this.count; r++) if (this.alive[r]) rows[o++] = r;
    return rows;
  }

  private nprobe(): number {
    return this.ivf ? Math.max(1, Math.min(this.ivf.listCount, Math.round(this.approximateOptions.nprobe(this.ivf.listCount)))) : 0;
  }

  /** A copy of the stored row as a unit float vector. */
  vector(row: number): Float32Array {
    if (!(Number.isInteger(row) && row >= 0 && row < this.count)) throw new RangeError(`no row ${row} (index has rows 0..${this.count - 1})`);
    return this.unitRow(row);
  }

  /** The stored row as a unit float vector (int8 rows dequantised), written to `out`. */
  private unitRow(row: number, out = new Float32Array(this.dim)): Float32Array {
    const base = row * this.dim;
    if (this.precision === 'float32') out.set(this.f32.subarray(base, base + this.dim));
    else {
      let norm = 0;
      for (let i = 0; i < this.dim; i++) norm += (out[i] = this.i8[base + i]) ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < this.dim; i++) out[i] /= norm;
    }
    return out;
  }

  /** The inverted file to search through, built or rebuilt when due; null where search is exact. */
  private approximateIndex(options: SearchOptions): InvertedFileIndex | null {
    if (options.exact || this.size === 0 || this.size < this.approximateOptions.from) return null;
    // A build in the background is not waited for: the previous inverted file, or exact search, serves meanwhile.
    if (this.approximateDue && !this.building) this.prepareApproximate();
    return this.ivf;
  }

  private unitQuery(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} values, index expects ${this.dim}`);
    let norm = 0;
    for (let i = 0; i < this.dim; i++) norm += query[i] * query[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0)) throw new RangeError('cannot search with a zero query');
    return Float32Array.from({ length: this.dim }, (_, i) => query[i] / norm);
  }

  /**
   * Cosine similarity of the query with rows [from, to) (or the listed rows), written to `out`.
   * Hand-unrolled monomorphic loops: this is the whole cost of a search, and a closure call
   * per row made it 4× slower at a million rows.
   */
  private similarities(q: Float32Array, out: Float32Array, rows?: Int32Array): void {
    const dim = this.dim;
    const n = rows ? rows.length : this.count;
    const tail = dim - (dim % 4);
    if (this.precision === 'float32') {
      const v = this.f32;
      for (let k = 0; k < n; k++) {
        const base = (rows ? rows[k] : k) * dim;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let i = 0;
        for (; i < tail; i += 4) {
          s0 += q[i] * v[base + i];
          s1 += q[i + 1] * v[base + i + 1];
          s2 += q[i + 2] * v[base + i + 2];
          s3 += q[i + 3] * v[base + i + 3];
        }
        for (; i < dim; i++) s0 += q[i] * v[base + i];
        out[k] = s0 + s1 + s2 + s3;
      }
    } else {
      const v = this.i8;
      const scales = this.scales;
      for (let k = 0; k < n; k++) {
        const row = rows ? rows[k] : k;
        const base = row * dim;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let i = 0;
        for (; i < tail; i += 4) {
          s0 += q[i] * v[base + i];
          s1 += q[i + 1] * v[base + i + 1];
          s2 += q[i + 2] * v[base + i + 2];
          s3 += q[i + 3] * v[base + i + 3];
        }
        for (; i < dim; i++) s0 += q[i] * v[base + i];
        out[k] = (s0 + s1 + s2 + s3) * scales[row];
      }
    }
  }

  /** Live rows of the listed groups (unknown groups ignored). */
  private rowsOfGroups(groups: Iterable<number>): Int32Array {
    const postings = this.buildPostings();
    const wanted = [...new Set(groups)].filter((g) => postings[g]);
    const rows = new Int32Array(wanted.reduce((a, g) => a + postings[g].length, 0));
    let o = 0;
    for (const g of wanted) {
      rows.set(postings[g], o);
      o += postings[g].length;
    }
    return rows;
  }

  /** Rows to score (null = every row; removed rows then score -Infinity) and their similarities to the unit query. */
  private scan(q: Float32Array, groups: Iterable<number> | undefined, options: SearchOptions): { rows: Int32Array | null; sims: Float32Array } {
    let rows: Int32Array | null = null;
    if (groups !== undefined) rows = this.rowsOfGroups(groups);
    else {
      const ivf = this.approximateIndex(options);
      if (ivf) rows = ivf.candidates(q, options.nprobe ?? this.nprobe());
    }
    const sims = new Float32Array(rows ? rows.length : this.count);
    this.similarities(q, sims, rows ?? undefined);
    this.rowsScored = sims.length;
    if (!rows && this.removed > 0) for (let r = 0; r < this.count; r++) if (!this.alive[r]) sims[r] = -Infinity;
    return { rows, sims };
  }

  /** The k most similar live rows, best first. */
  searchRows(query: ArrayLike<number>, k: number, groups?: Iterable<number>, options: SearchOptions = {}): RowHit[] {
    const { rows, sims } = this.scan(this.unitQuery(query), groups, options);
    const top = new TopK(k);
    for (let i = 0; i < sims.length; i++) if (sims[i] > -Infinity) top.push(rows ? rows[i] : i, sims[i]);
    return top.sorted().map(([row, similarity]) => ({ row, similarity }));
  }

  /**
   * The k groups whose best row is most similar, best first; `groups` narrows the search (always
   * exact). Through the inverted file a group's best row may sit in a list not probed, so the
   * best groups found are re-scored over all their rows before the final ranking.
   */
  searchGroups(query: ArrayLike<number>, k: number, groups?: Iterable<number>, options: SearchOptions = {}): GroupHit[] {
    const q = this.unitQuery(query);
    const { rows, sims } = this.scan(q, groups, options);
    const approximate = groups === undefined && rows !== null;
    const ranked = this.bestPerGroup(rows, sims, approximate ? Math.max(2 * k, k + 8) : k);
    if (!approximate) return ranked;
    const shortlist = this.rowsOfGroups(ranked.map((h) => h.group));
    const exactSims = new Float32Array(shortlist.length);
    this.similarities(q, exactSims, shortlist);
    this.rowsScored += shortlist.length;
    return this.bestPerGroup(shortlist, exactSims, k);
  }

  private bestPerGroup(rows: Int32Array | null, sims: Float32Array, k: number): GroupHit[] {
    const best = new Float32Array(this.groupCount).fill(-Infinity);
    const bestRow = new Int32Array(this.groupCount).fill(-1);
    const g = this.groups;
    for (let i = 0; i < sims.length; i++) {
      const row = rows ? rows[i] : i;
      const grp = g[row];
      if (sims[i] > best[grp]) {
        best[grp] = sims[i];
        bestRow[grp] = row;
      }
    }
    const top = new TopK(k);
    for (let grp = 0; grp < this.groupCount; grp++) if (bestRow[grp] >= 0) top.push(grp, best[grp]);
    return top.sorted().map(([group, similarity]) => ({ group, similarity, row: bestRow[group] }));
  }

  private buildPostings(): Int32Array[] {
    if (this.postings) return this.postings;
    const counts = new Int32Array(this.groupCount);
    for (let r = 0; r < this.count; r++) if (this.alive[r]) counts[this.groups[r]]++;
    const postings = Array.from(counts, (c) => new Int32Array(c));
    const fill = new Int32Array(this.groupCount);
    for (let r = 0; r < this.count; r++) {
      if (!this.alive[r]) continue;
      const grp = this.groups[r];
      postings[grp][fill[grp]++] = r;
    }
    this.postings = postings;
    return postings;
  }

  private ensureCapacity(rows: number): void {
    const cap = this.groups.length;
    if (rows <= cap) return;
    const next = Math.max(rows, cap * 2);
    const grow = <T extends Float32Array | Int8Array | Int32Array | Uint8Array>(a: T, n: number, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    if (this.precision === 'float32') this.f32 = grow(this.f32, next * this.dim, (n) => new Float32Array(n));
    else {
      this.i8 = grow(this.i8, next * this.dim, (n) => new Int8Array(n));
      this.scales = grow(this.scales, next, (n) => new Float32Array(n));
    }
    this.groups = grow(this.groups, next, (n) => new Int32Array(n));
    this.alive = grow(this.alive, next, (n) => new Uint8Array(n));
  }
}

/** Keeps the k largest (id, value) pairs seen; O(log k) per push via a min-heap. */
export class TopK {
  private readonly ids: number[] = [];
  private readonly values: number[] = [];
  constructor(private readonly k: number) {
    if (!(k >= 1)) throw new RangeError(`k must be at least 1, got ${k}`);
  }

  push(id: number, value: number): void {
    const { ids, values } = this;
    if (values.length < this.k) {
      ids.push(id);
      values.push(value);
      this.siftUp(values.length - 1);
    } else if (value > values[0]) {
      ids[0] = id;
      values[0] = value;
      this.siftDown(0);
    }
  }

  /** Best first; ties broken by smaller id so results are deterministic. */
  sorted(): [number, number][] {
    return this.ids.map((id, i): [number, number] => [id, this.values[i]]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  private less(i: number, j: number): boolean {
    return this.values[i] < this.values[j] || (this.values[i] === this.values[j] && this.ids[i] > this.ids[j]);
  }

  private swap(i: number, j: number): void {
    [this.ids[i], this.ids[j]] = [this.ids[j], this.ids[i]];
    [this.values[i], this.values[j]] = [this.values[j], this.values[i]];
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private siftDown(i: number): void {
    const n = this.values.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
